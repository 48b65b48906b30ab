#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the recovery-kiosk Debian package the way a release is built:
# prefix /usr, Debian's hardening build flags (dpkg-buildflags), no tests,
# stripped, dependencies computed by dpkg-shlibdeps.
#
#   packaging/build-deb.sh [BUILD_DIR [OUT_DIR]]
#
# BUILD_DIR defaults to build/deb, OUT_DIR to BUILD_DIR.  Needs dpkg-dev.
# KIOSK_DEB_CMAKE_ARGS: more cmake -D arguments, given last (the arm64 cross
# build passes its toolchain this way: scripts/build-deb-arm64.sh).
# Prints the path of the .deb on the last line.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/deb}
out=${2:-$build}
jobs=${KIOSK_BUILD_JOBS:-2}

for tool in dpkg-buildflags dpkg-shlibdeps cpack; do
	if ! command -v "$tool" >/dev/null; then
		echo "build-deb: $tool is missing; install it with: apt-get install -y dpkg-dev cmake" >&2
		exit 1
	fi
done

export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cflags="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)

mkdir -p "$build"
log="$build/build-deb.log"
step() {
	if ! "$@" >>"$log" 2>&1; then
		echo "build-deb: failed: $*" >&2
		tail -n 40 "$log" >&2
		exit 1
	fi
}
: >"$log"
read -ra extra_args <<<"${KIOSK_DEB_CMAKE_ARGS:-}"
step cmake -S "$src" -B "$build" \
	-DCMAKE_BUILD_TYPE=None \
	-DCMAKE_INSTALL_PREFIX=/usr \
	-DCMAKE_C_FLAGS="$cflags" \
	-DCMAKE_EXE_LINKER_FLAGS="$ldflags" \
	-DBUILD_TESTING=OFF \
	-DKIOSK_WERROR=OFF \
	-DKIOSK_SANITIZE=OFF ${extra_args[@]+"${extra_args[@]}"}
step cmake --build "$build" -j"$jobs"
mkdir -p "$out"
rm -f "$out"/recovery-kiosk_*.deb
step cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out"
rm -rf "$out/_CPack_Packages"
deb=$(ls "$out"/recovery-kiosk_*.deb)
echo "$deb"
