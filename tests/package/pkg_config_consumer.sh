#!/bin/sh
# pkg_config_consumer.sh PREFIX LIBDIR CONSUMER_C WORKDIR VERSION
# Builds the C consumer with `pkg-config --cflags --libs mpadjust` against an installed prefix
# (shared), then statically with `pkg-config --static` (proves Libs.private/Requires.private
# are complete), and runs both.
set -eu
prefix=$1 libdir=$2 src=$3 work=$4 version=$5
cc=${CC:-cc}
export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
mkdir -p "$work"

test "$(pkg-config --modversion mpadjust)" = "$version" || {
  echo "pkg-config --modversion mpadjust: $(pkg-config --modversion mpadjust), expected $version" >&2; exit 1; }

flags=$(pkg-config --cflags --libs mpadjust)
echo "shared: $cc consumer.c $flags"
# shellcheck disable=SC2086
$cc -std=c99 -Wall -Wextra -Werror -DEXPECTED_VERSION="\"$version\"" -o "$work/consumer_shared" "$src" $flags
LD_LIBRARY_PATH="$prefix/$libdir" "$work/consumer_shared"
if LD_LIBRARY_PATH="$prefix/$libdir" ldd "$work/consumer_shared" | grep -q "libmpadjust.so.1 => $prefix/"; then :; else
  echo "consumer_shared does not load libmpadjust.so.1 (its SONAME) from $prefix:" >&2
  LD_LIBRARY_PATH="$prefix/$libdir" ldd "$work/consumer_shared" >&2; exit 1
fi

# Static: the archive by name, plus what mpadjust.pc itself lists as private (Libs.private and
# the Requires.private modules). The modules are linked as the system ships them (shared):
# Debian's libcurl .pc lists static dependencies whose archives are not installed.
reqs=$(pkg-config --print-requires-private mpadjust | awk '{print $1}' | tr '\n' ' ')
all_static=$(pkg-config --static --libs mpadjust)
deps_static=$(pkg-config --static --libs $reqs)
own_private=$(for t in $all_static; do
  case " $deps_static " in *" $t "*) ;; *) printf '%s ' "$t" ;; esac
done | sed 's/-lmpadjust\b/-l:libmpadjust.a/')
static_flags="$own_private $(pkg-config --libs $reqs)"
echo "static: $cc consumer.c $(pkg-config --cflags mpadjust) $static_flags"
# shellcheck disable=SC2086
$cc -std=c99 -Wall -Wextra -Werror -DEXPECTED_VERSION="\"$version\"" -o "$work/consumer_static" "$src" \
  $(pkg-config --cflags mpadjust) $static_flags
if ldd "$work/consumer_static" | grep -q libmpadjust; then
  echo "consumer_static still loads libmpadjust.so" >&2; exit 1
fi
"$work/consumer_static"
