#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build the in-VM test program as ONE STATIC binary from the project's own
# drivers and control core:
#
#   build_test_program.sh <repo> <sub-build-dir> <test.c> <out> [<cmake -D args>...]
#
# It configures the whole project a second time, in <sub-build-dir>, without
# sanitizers (a static binary cannot carry ASan, which the main build uses),
# without tests, UI or MQTT, and with static_build.cmake included after
# project(): that file makes find_library() pick .a archives and adds the
# target ktest_static_program (test.c + kiosk_core + the GPIO backend target,
# linked -static).  Extra -D arguments select another backend (see
# static_build.cmake); the configure is redone whenever they change.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=kernel_lib.sh
. "$here/kernel_lib.sh"

(($# >= 4)) || kt_fail "usage: build_test_program.sh <repo> <sub-build-dir> <test.c> <out> [cmake args...]"
repo=$1 sub=$2 src=$3 out=$4
shift 4
kt_need_tool cmake cmake

args=(-DCMAKE_PROJECT_INCLUDE="$here/static_build.cmake" -DKTEST_SOURCE="$src"
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIOSK_SANITIZE=OFF -DKIOSK_WERROR=OFF
	-DBUILD_TESTING=OFF -DKIOSK_BUILD_UI=OFF -DKIOSK_BUILD_MQTT=OFF "$@")
stamp="$sub/.ktest-configure-args"
if [[ ! -f "$sub/CMakeCache.txt" || "$(cat "$stamp" 2>/dev/null)" != "${args[*]}" ]]; then
	rm -rf "$sub"
	mkdir -p "$sub"
	if ! cmake -S "$repo" -B "$sub" "${args[@]}" >"$sub/configure.log" 2>&1; then
		cat "$sub/configure.log" >&2
		kt_fail "the static sub-build in $sub did not configure (log above)"
	fi
	printf '%s' "${args[*]}" >"$stamp"
fi
if ! cmake --build "$sub" --target ktest_static_program -j2 >"$sub/build.log" 2>&1; then
	cat "$sub/build.log" >&2
	kt_fail "the static test program did not build (log above)"
fi
prog="$sub/gpio_kernel_test"
[[ -x "$prog" ]] || kt_fail "the static sub-build made no $prog"
cp "$prog" "$out.tmp"
mv "$out.tmp" "$out"
