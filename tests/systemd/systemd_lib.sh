# SPDX-License-Identifier: MIT
# Shared helpers for the systemd-in-qemu test scripts (sourced, not run).
#
# Exit codes every script keeps:
#   0   done
#   1   a real failure (the test must fail)
#   77  this machine cannot run the test (no qemu, no mmdebstrap, no Debian
#       archive): ctest SKIP, with the reason on stderr
#
# The cache lives in KIOSK_SYSTEMD_CACHE, by default
# ${XDG_CACHE_HOME:-$HOME/.cache}/recovery-kiosk/systemd, next to the kernel
# test's cache (.../kernel), and is shared by every build tree on the
# machine (writers take a lock).

ST_SKIP=77

st_log() {
	printf 'systemd-test: %s\n' "$*" >&2
}

st_skip() {
	printf 'systemd-test: SKIP: %s\n' "$*" >&2
	exit "$ST_SKIP"
}

st_fail() {
	printf 'systemd-test: FAIL: %s\n' "$*" >&2
	exit 1
}

st_cache_root() {
	local c="${KIOSK_SYSTEMD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/recovery-kiosk/systemd}"
	mkdir -p "$c" || st_skip "cannot create the cache $c (set KIOSK_SYSTEMD_CACHE to a writable folder)"
	printf '%s\n' "$c"
}

# Run a command with the cache lock held.
st_with_cache_lock() {
	local root
	root=$(st_cache_root)
	(
		flock -w 1800 9 || st_fail "waited 30 min for the cache lock $root/.lock"
		"$@"
	) 9>"$root/.lock"
}

# st_need_tool <command> <debian package>: installs the package when the
# command is missing and we are root (like scripts/setup-deps.sh would),
# otherwise skips with the apt-get line to run.
st_need_tool() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [[ $(id -u) -eq 0 && -z "${KIOSK_SYSTEMD_NO_INSTALL:-}" ]] && command -v apt-get >/dev/null; then
		st_log "installing $2 for '$1'"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null 2>&1 || true
	fi
	command -v "$1" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$1" >/dev/null 2>&1 ||
		st_skip "'$1' is not installed and could not be (apt-get install $2)"
}

# The host's apt sources file for the Debian archive (the "configured
# Debian archive" the root file system is built from).
st_debian_sources() {
	local f
	for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list; do
		[[ -f "$f" ]] || continue
		if grep -qE '^[^#]*(URIs:|deb ).*/debian/?( |$)' "$f" && grep -qE '^[^#]*bookworm' "$f"; then
			printf '%s\n' "$f"
			return 0
		fi
	done
	return 1
}
