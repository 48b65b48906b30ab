# SPDX-License-Identifier: MIT
# Shared helpers for the kernel-in-the-loop test scripts (sourced, not run).
#
# Exit codes every script keeps:
#   0   done
#   1   a real failure (the test must fail)
#   77  the machine cannot run the test (no packages, no qemu): ctest SKIP
#
# The package cache lives in KIOSK_KTEST_CACHE, by default
# ${XDG_CACHE_HOME:-$HOME/.cache}/recovery-kiosk/kernel, and is shared by every
# build tree on the machine (writers take a lock).

KT_SKIP=77

kt_log() {
	printf 'kernel-test: %s\n' "$*" >&2
}

# Skip with a reason (stderr: stdout of some scripts is a result; ctest
# shows both).
kt_skip() {
	printf 'kernel-test: SKIP: %s\n' "$*" >&2
	exit "$KT_SKIP"
}

kt_fail() {
	printf 'kernel-test: FAIL: %s\n' "$*" >&2
	exit 1
}

kt_cache_root() {
	local c="${KIOSK_KTEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/recovery-kiosk/kernel}"
	mkdir -p "$c" || kt_skip "cannot create the package cache $c (set KIOSK_KTEST_CACHE to a writable folder)"
	printf '%s\n' "$c"
}

# Run a command with the cache lock held (several build trees may run the
# test at once; only one may fetch or build into the cache).
kt_with_cache_lock() {
	local root
	root=$(kt_cache_root)
	(
		flock -w 900 9 || kt_fail "waited 15 min for the cache lock $root/.lock"
		"$@"
	) 9>"$root/.lock"
}

kt_need_tool() {
	command -v "$1" >/dev/null 2>&1 || kt_skip "'$1' is not installed (apt-get install $2)"
}
