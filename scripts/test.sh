#!/usr/bin/env bash
# Runs every test of mpadjust: C++ unit and conformance tests, the simulator's own tests,
# the client/workflow tests against the simulator, the C ABI, packaging, Python and Go.
# This is the README's test command, and what CI (.ci/run) calls.
#
#   scripts/test.sh            the full run: main build + a build without libcurl + ASan/UBSan
#   scripts/test.sh --fast     the main build only
# Env: MPADJUST_JOBS (parallel jobs, default nproc), MPADJUST_SHARED_DIR (default ../shared).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/bootstrap.sh"

fast=0
[ "${1:-}" = "--fast" ] && fast=1
jobs=${MPADJUST_JOBS:-$(nproc)}
shared=${MPADJUST_SHARED_DIR:-$root/../shared}
if [ ! -d "$shared" ]; then
  echo "test.sh: the shared folder is missing: $shared (set MPADJUST_SHARED_DIR)" >&2
  exit 2
fi
shared=$(cd "$shared" && pwd)

total_pass=0
total_fail=0
summary=()

# run_ctest NAME BUILD_DIR [ctest args...]: runs ctest, adds its counts to the totals.
run_ctest() {
  local name=$1 dir=$2; shift 2
  local log="$dir/ctest-$name.log" rc=0
  echo "== ctest ($name)"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" "$@" 2>&1 | tee "$log" || rc=$?
  local line pass=0 fail=0 all=0
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n1 || true)
  if [ -n "$line" ]; then
    fail=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$line")
    all=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
    pass=$((all - fail))
  elif [ "$rc" -ne 0 ]; then
    fail=1
  fi
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail))
  summary+=("$name: $pass passed, $fail failed")
}

configure_build() {
  local dir=$1; shift
  cmake -S "$root" -B "$dir" -G Ninja -DMPADJUST_WERROR=ON -DMPADJUST_SHARED_DIR="$shared" "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

# 1. The main build: everything, every test.
configure_build "$root/build"
run_ctest main "$root/build"

if [ "$fast" -eq 0 ]; then
  # 2. Without libcurl: what a tool that brings its own HTTP stack builds.
  configure_build "$root/build-nocurl" -DMPADJUST_WITH_CURL=OFF -DMPADJUST_BUILD_EXAMPLES=OFF
  run_ctest nocurl "$root/build-nocurl" -L 'unit|capi'
  # 3. AddressSanitizer + UndefinedBehaviorSanitizer over the C++ and C ABI tests.
  configure_build "$root/build-asan" -DMPADJUST_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DMPADJUST_BUILD_EXAMPLES=OFF
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_ctest asan "$root/build-asan" -L 'unit|capi'
fi

echo
for s in "${summary[@]}"; do echo "  $s"; done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
