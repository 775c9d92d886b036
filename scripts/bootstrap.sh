#!/usr/bin/env bash
# Installs what mpadjust needs to build and test, and only what is missing.
# Idempotent; when everything is present it only checks (well under a second).
#   Debian packages: compiler, cmake, ninja, pkg-config, libcurl (OpenSSL flavour),
#                    OpenSSL, RapidJSON, doctest.
#   .venv/ (project-local, git-ignored): the Python test tools pinned in
#                    tests/requirements.txt (pytest, botocore, boto3).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

debs=(g++ cmake ninja-build pkg-config libcurl4-openssl-dev libssl-dev rapidjson-dev doctest-dev python3-venv)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# Python test tools. The venv records the hash of the requirements file it was made from,
# so a change to the pins re-installs and an unchanged file costs one comparison.
req="$root/tests/requirements.txt"
venv="$root/.venv"
py=${PYTHON:-python3}
if [ -f "$req" ]; then
  want=$(sha256sum "$req" | cut -d' ' -f1)
  have=$(cat "$venv/.requirements.sha256" 2>/dev/null || true)
  if [ "$want" != "$have" ] || [ ! -x "$venv/bin/python" ]; then
    echo "bootstrap: preparing $venv" >&2
    [ -x "$venv/bin/python" ] || "$py" -m venv "$venv" >&2
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req" >&2
    echo "$want" > "$venv/.requirements.sha256"
  fi
fi
