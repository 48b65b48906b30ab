#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The second build configuration (issue 8): the whole project against
# libgpiod 2, from bookworm-backports packages unpacked into a private prefix
# (scripts/gpiod2-prefix.sh; the machine's libgpiod 1.6 stays installed),
# built with ASan/UBSan and -Werror like the default one, then the same
# tests under ctest, plus the kernel gpio-sim test on the libgpiod 2 backend.
# Binaries find libgpiod.so.3 in the prefix by their rpath, installed ones
# too (CMAKE_INSTALL_RPATH_USE_LINK_PATH), so the install checks run them.
#
#   scripts/test-gpiod2.sh [ctest args...]
#
# Left out here, because they do not test this configuration:
#   - kernel tests not labelled gpiod2: they link the libgpiod 1.6 backend
#     in their own static sub-build (the default configuration runs them);
#   - deploy_deb: it packages a fresh build of its own against the system's
#     libgpiod (dpkg-shlibdeps cannot give a dependency for a library from a
#     private prefix); a package is built on the release it is for, where
#     dpkg-shlibdeps names libgpiod2 (1.6, bookworm) or libgpiod3 (trixie).
# On a machine whose own libgpiod is already 2.x (Debian 13 / Raspberry Pi
# OS trixie) the default configuration builds the libgpiod 2 backend, and
# this script has nothing to add.
#
# Environment: KIOSK_GPIOD2_BUILD (build folder, default build/gpiod2), and
# those of scripts/gpiod2-prefix.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${KIOSK_GPIOD2_BUILD:-$here/build/gpiod2}"

say() { printf 'test-gpiod2: %s\n' "$*" >&2; }

system_version=$(pkg-config --modversion libgpiod 2>/dev/null || true)
if [[ "$system_version" == [2-9].* ]]; then
	say "the installed libgpiod is $system_version: the default configuration already builds and tests the libgpiod 2 backend"
	exit 0
fi

start=$SECONDS
prefix=$("$here/scripts/gpiod2-prefix.sh")

# pkg-config results are cached: a build folder configured against another
# prefix (an older version, another cache) is configured afresh.
cached_lib=$(sed -n 's/^pkgcfg_lib_GPIOD_gpiod:FILEPATH=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
if [[ -n "$cached_lib" && "$cached_lib" != "$prefix"/* ]]; then
	say "$build was configured against $cached_lib; configuring it afresh"
	rm -f "$build/CMakeCache.txt"
fi
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
	-DKIOSK_WERROR=ON -DKIOSK_SANITIZE=ON -DBUILD_TESTING=ON \
	-DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_INSTALL_RPATH_USE_LINK_PATH=ON
version=$(sed -n 's/^GPIOD_VERSION:INTERNAL=//p' "$build/CMakeCache.txt")
if [[ "$version" != [2-9].* ]]; then
	say "ERROR: the configuration in $build found libgpiod '${version:-none}', not 2.x from $prefix"
	exit 1
fi
say "configured against libgpiod $version from $prefix"
cmake --build "$build" -j"$(nproc)"
"$build/kiosk/recovery-kiosk" --version 2>/dev/null || true
build_s=$((SECONDS - start))

# The tests that belong to the other configuration (see the header).
list() { ctest --test-dir "$build" -N "$@" | sed -n 's/^ *Test *#[0-9]*: //p'; }
exclude='^deploy_deb$'
mapfile -t ours < <(list -L '^gpiod2$')
while read -r t; do
	[[ -z "$t" || " ${ours[*]} " == *" $t "* ]] && continue
	exclude+="|^$t\$"
done < <(list -L '^kernel$')

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
# The UI and browser tests and the fuzzers never reach a GPIO backend (their
# kiosk drives the simulator), and the systemd VM test installs a package
# built against the system's libgpiod: the default configuration runs them once.
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" -E "$exclude" -LE 'xvfb|fuzz|systemd|ui|web' "$@" ||
	status=$?
say "libgpiod $version configuration: build ${build_s}s, tests $((SECONDS - start - build_s))s, ctest exit $status"
exit "$status"
