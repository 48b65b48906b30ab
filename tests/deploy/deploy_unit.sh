#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The generated systemd unit, as installed: `systemd-analyze verify` is clean
# and `systemd-analyze security --offline=yes --threshold=20` passes with an
# exposure of at most 2.0.  Negative controls prove both checks can fail.
#   deploy_unit.sh BUILD_DIR BINARY CONFIG
set -uo pipefail
build=$1 binary=$2 config=$3

fail() { echo "FAIL: $*" >&2; exit 1; }
if ! command -v systemd-analyze >/dev/null; then
	echo "SKIP: systemd-analyze not found; install it with: apt-get install -y systemd"
	exit 77
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
DESTDIR=$root cmake --install "$build" >"$root.log" 2>&1 || { cat "$root.log"; rm -f "$root.log"; fail "cmake --install failed"; }
rm -f "$root.log"
unit=$(find "$root" -path '*/systemd/system/recovery-kiosk.service' | head -n 1)
[[ -n "$unit" ]] || fail "no recovery-kiosk.service installed under $root"
[[ -x "$root$binary" ]] || fail "the unit's binary $binary is not installed (is the recovery-kiosk target built?)"
# systemd's own units (sysinit.target, basic.target, ...) for the dependency checks.
mkdir -p "$root/lib/systemd/system"
cp -an /lib/systemd/system/. "$root/lib/systemd/system/" 2>/dev/null || true

# The directives the deployment relies on.
expect() { grep -qxF -- "$1" "$unit" || fail "unit lacks the line: $1"; }
expect "Type=notify"
expect "NotifyAccess=main"
expect "Restart=always"
expect "ExecStartPre=$binary --check-config --config $config"
expect "ExecStart=$binary --config $config"
expect "ExecStopPost=$binary --safe-state --config $config"
expect "User=recovery-kiosk"
expect "SupplementaryGroups=gpio video input render"
expect "StateDirectory=recovery-kiosk"
expect "ConfigurationDirectory=recovery-kiosk"
expect "Environment=SDL_VIDEODRIVER=kmsdrm"
expect "DevicePolicy=closed"
expect "DeviceAllow=char-gpiochip rw"
expect "DeviceAllow=char-drm rw"
expect "DeviceAllow=char-input r"
expect "CapabilityBoundingSet="
expect "AmbientCapabilities="
expect "NoNewPrivileges=yes"
expect "ProtectSystem=strict"
# Real time for the control thread (issue 15): the limit the shipped
# kiosk.conf's realtime_priority needs, memory locking, and the one
# scheduling call let through the seccomp filter.
expect "LimitRTPRIO=30"
expect "LimitMEMLOCK=infinity"
expect "RestrictRealtime=no"
expect "SystemCallFilter=sched_setscheduler"
rtprio=$(sed -n 's/^realtime_priority *= *//p' "$(dirname "$0")/../../assets/kiosk.conf")
[[ -n "$rtprio" && "$rtprio" -le 30 ]] || fail "the shipped realtime_priority ($rtprio) is above the unit's LimitRTPRIO=30"
grep -qE '^WatchdogSec=[1-9]' "$unit" || fail "unit has no WatchdogSec="
grep -qE '^StartLimitBurst=[1-9]' "$unit" || fail "unit has no start limit"
grep -qE '@[A-Z_]+@' "$unit" && fail "unsubstituted @VARIABLE@ left in $unit"

# Documentation=man:recovery-kiosk(1) is checked against the installed page.
manargs=()
if command -v man >/dev/null; then
	export MANPATH
	MANPATH=$(find "$root" -type d -path '*/share/man' | head -n 1)
else
	echo "note: man is not installed; not checking Documentation=man:"
	manargs=(--man=no)
fi
verify() { systemd-analyze verify "${manargs[@]}" --root="$root" "$1" 2>&1; }
out=$(verify "$unit"); rc=$?
if [[ $rc -ne 0 || -n "$out" ]]; then
	echo "$out"
	fail "systemd-analyze verify is not clean (rc $rc)"
fi
echo "verify: clean"

security() { systemd-analyze security --offline=yes --root="$root" --threshold=20 "$1" 2>&1; }
out=$(security "$unit"); rc=$?
exposure=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$out")
echo "$out" | grep -E '^✗' || true
echo "security: exposure $exposure (threshold 2.0)"
[[ $rc -eq 0 ]] || fail "systemd-analyze security rejected the unit (rc $rc)"
[[ -n "$exposure" ]] || { echo "$out"; fail "no exposure figure in the security report"; }
awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' || fail "exposure $exposure is above 2.0"

# Negative controls: the same checks must catch a bad unit.
bad=$(dirname "$unit")/recovery-kiosk-bad.service
sed -e "s|^ExecStart=.*|ExecStart=/nonexistent/recovery-kiosk|" -e 's|^Restart=always|Restart=sometimes|' "$unit" >"$bad"
out=$(verify "$bad")
[[ -n "$out" ]] || fail "verify did not flag a unit with a missing binary and a bad Restart="
grep -vE '^(Protect|Private|Restrict|Capability|SystemCall|DevicePolicy|NoNewPrivileges|MemoryDeny|Lock|RemoveIPC|UMask|Keyring)' "$unit" >"$bad"
security "$bad" >/dev/null && fail "security passed a unit without its hardening"
echo "negative controls: caught"
echo "PASS"
