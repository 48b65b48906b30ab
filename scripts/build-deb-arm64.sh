#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the arm64 Debian package a Raspberry Pi (64-bit Raspberry Pi OS
# bookworm, or Debian 12 arm64) installs, on an x86-64 Debian 12 machine:
# packaging/build-deb.sh (release flags, cpack, dpkg-shlibdeps) with Debian's
# cross compiler and an arm64 sysroot (scripts/arm64-sysroot.sh).
#
#   scripts/build-deb-arm64.sh [BUILD_DIR [OUT_DIR]]
#
# BUILD_DIR defaults to build/deb-arm64, OUT_DIR to BUILD_DIR.  Prints the
# path of the .deb on the last line.  KIOSK_DEB_CMAKE_ARGS adds cmake
# arguments (scripts/test-arm64.sh adds -DBUILD_TESTING=ON to test the very
# build it packages).
#
# dpkg-shlibdeps computes Depends from the arm64 binary: a wrapper first in
# PATH runs it with DEB_HOST_ARCH=arm64 (so it reads the binary with
# aarch64-linux-gnu-objdump and looks in the aarch64 library folders) and
# -S<sysroot> (so it finds the libraries, and their packages' symbols and
# shlibs files, in the sysroot).  Exit 77 when the sysroot cannot be made.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/deb-arm64}
out=${2:-$build}

for pair in aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu aarch64-linux-gnu-objdump:binutils-aarch64-linux-gnu \
	mmdebstrap:mmdebstrap dpkg-shlibdeps:dpkg-dev cpack:cmake; do
	if ! command -v "${pair%%:*}" >/dev/null; then
		echo "build-deb-arm64: ${pair%%:*} is missing; run scripts/setup-deps.sh (apt-get install ${pair#*:})" >&2
		exit 1
	fi
done

sysroot=$("$src/scripts/arm64-sysroot.sh") || exit $?

# pkg-config results are cached: a build folder configured against another
# sysroot (an older recipe) is configured afresh.
cached=$(grep -o '/sysroot-[A-Za-z0-9-]*' "$build/CMakeCache.txt" 2>/dev/null | sort -u | grep -vx "/$(basename "$sysroot")" || true)
if [[ -n "$cached" ]]; then
	echo "build-deb-arm64: $build was configured against another sysroot; configuring it afresh" >&2
	rm -rf "$build/CMakeCache.txt" "$build/CMakeFiles"
fi

mkdir -p "$build/cross-bin"
cat >"$build/cross-bin/dpkg-shlibdeps" <<WRAP
#!/bin/sh
# Written by scripts/build-deb-arm64.sh: dpkg-shlibdeps for the arm64 build.
DEB_HOST_ARCH=arm64 exec /usr/bin/dpkg-shlibdeps -S"$sysroot" "\$@"
WRAP
chmod +x "$build/cross-bin/dpkg-shlibdeps"

export PATH="$build/cross-bin:$PATH"
export DEB_HOST_ARCH=arm64   # dpkg-buildflags: arm64's hardening flags
export KIOSK_DEB_CMAKE_ARGS="-DCMAKE_TOOLCHAIN_FILE=$src/cmake/toolchain-aarch64.cmake -DKIOSK_ARM64_SYSROOT=$sysroot ${KIOSK_DEB_CMAKE_ARGS:-}"
deb=$("$src/packaging/build-deb.sh" "$build" "$out" | tail -n 1)
arch=$(dpkg-deb -f "$deb" Architecture)
if [[ "$arch" != arm64 ]]; then
	echo "build-deb-arm64: $deb has Architecture '$arch', not arm64" >&2
	exit 1
fi
echo "$deb"
