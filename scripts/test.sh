#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The one test command: installs what is missing, builds with ASan/UBSan and
# -Werror, and runs every registered test with ctest; then does the same in a
# second configuration against libgpiod 2 (scripts/test-gpiod2.sh), and
# cross-builds, unit-tests (qemu-user) and packages for arm64
# (scripts/test-arm64.sh).  Tests start their own
# services (a mosquitto broker on a free 127.0.0.1 port, an Xvfb display,
# a qemu guest), so nothing needs to be running beforehand.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${KIOSK_TEST_BUILD:-$here/build/test}"

"$here/scripts/setup-deps.sh"

cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
	-DKIOSK_WERROR=ON -DKIOSK_SANITIZE=ON -DBUILD_TESTING=ON
cmake --build "$build" -j"$(nproc)"

# Leaks are errors; UBSan stops at the first report so it cannot scroll by.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "$@" || status=$?

# The second configuration: the same tests against libgpiod 2 (the API of
# Raspberry Pi OS trixie), unpacked from bookworm-backports into a private
# prefix so the machine's packages stay as they are.
"$here/scripts/test-gpiod2.sh" "$@" || status=$?

# The arm64 stage: cross-build the package a Pi installs, run the unit and
# core tests of that build under qemu-user, lintian the arm64 .deb
# (scripts/test-arm64.sh; 77 = the cross tools cannot be had here).
arm64=0
"$here/scripts/test-arm64.sh" || arm64=$?
if ((arm64 == 77)); then
	echo "test: arm64 stage SKIPPED (reason above)" >&2
elif ((arm64 != 0)); then
	status=$arm64
fi
exit "$status"
