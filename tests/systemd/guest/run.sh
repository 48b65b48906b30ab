#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs inside the systemd test's Debian 12 guest (root, systemd as PID 1),
# from the payload disk mounted at /mnt/payload by vmtest.service:
#
#   run.sh                      (no arguments; the payload holds:)
#     gpio-sim.ko               built with pi_pins (tests/systemd/build_gpio_sim_pi.sh)
#     pkg/recovery-kiosk_<V>_amd64.deb, upgrade/recovery-kiosk_<V2>_amd64.deb
#     archives/*.deb            the package's dependencies for the offline apt
#     limits                    VENT_LIMIT_MS=... and friends (sourced)
#
# It does what an installer does (docs/INSTALL.md sections 3-7), then the
# faults, and after every step reads every output line of the four example
# stations through gpio-sim's sysfs.  One result line per check goes to the
# second serial port (/dev/ttyS1, a file on the host):
#   R PASS <check> <detail> | R FAIL <check> <why> | R INFO <what> | R DONE
# and a log of everything to /mnt/payload/out/.  The guest powers off at the
# end whatever happens.
set -uo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
P=/mnt/payload
OUT=$P/out
mkdir -p "$OUT"
exec >"$OUT/run.log" 2>&1
set -x
RES=/dev/ttyS1
stty -F "$RES" raw -echo 115200 2>/dev/null || true

# shellcheck source=/dev/null
. "$P/limits"
: "${VENT_LIMIT_MS:=10000}" "${ENERGISE_LIMIT_MS:=60000}" "${WATCHDOG_LIMIT_MS:=10000}" "${ACTIVE_LIMIT_MS:=60000}"

finish() {
	set +e
	journalctl -b --no-pager -o short-monotonic >"$OUT/journal.txt" 2>&1
	journalctl -b --no-pager -u recovery-kiosk -o short-monotonic >"$OUT/journal-kiosk.txt" 2>&1
	printf 'R DONE\n' >"$RES"
	sync
	systemctl poweroff --no-block
}
trap finish EXIT

say() { printf 'R %s\n' "$*" >"$RES"; printf '=== R %s\n' "$*"; }
pass() { say "PASS $*"; }
fail() { say "FAIL $*"; }
info() { say "INFO $*"; }
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

UNIT=recovery-kiosk.service
CONF=/etc/recovery-kiosk/kiosk.conf
KIOSK=/usr/bin/recovery-kiosk
as_kiosk() { runuser -u recovery-kiosk -- "$@"; }

# ---- 0. gpio-sim with the Pi's chip labels ---------------------------------
# The example config's wiring (docs/INSTALL.md section 4): stations 1-2 on the
# header (active high, 10 kOhm pull-downs), stations 3-4 on an MCP23017 with a
# low-trigger relay board (active low, inputs pulled up).  <bank>:<line>:<safe level>:<name>
OUTPUTS=(
	0:5:0:s1.pump 0:6:0:s1.exhaust 0:17:0:s1.zone1 0:27:0:s1.zone2 0:22:0:s1.zone3 0:23:0:s1.zone4 0:24:0:s1.zone5
	0:12:0:s2.pump 0:16:0:s2.exhaust 0:20:0:s2.zone1 0:21:0:s2.zone2 0:25:0:s2.zone3 0:18:0:s2.zone4 0:4:0:s2.zone5
	1:0:1:s3.pump 1:1:1:s3.exhaust 1:2:1:s3.zone1 1:3:1:s3.zone2 1:4:1:s3.zone3 1:5:1:s3.zone4
	1:8:1:s4.pump 1:9:1:s4.exhaust 1:10:1:s4.zone1 1:11:1:s4.zone2 1:12:1:s4.zone3 1:13:1:s4.zone4 1:14:1:s4.zone5
)
# Inputs: NC stop buttons closed to ground read low; HX710B DOUT low (ready).
LOW_INPUTS=(0:26 0:11 1:6 1:15 0:19 0:10 0:8)

gpio_sim_up() {
	local kver d
	kver=$(uname -r)
	mkdir -p "/lib/modules/$kver/updates"
	cp "$P/gpio-sim.ko" "/lib/modules/$kver/updates/gpio-sim.ko"
	depmod -a "$kver" || return 1
	modprobe gpio-sim pi_pins=1 || return 1
	[[ "$(cat /sys/module/gpio_sim/parameters/pi_pins)" == Y ]] || return 1
	mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config || return 1
	d=/sys/kernel/config/gpio-sim/pi
	mkdir "$d" "$d/bank0" "$d/bank1" || return 1
	echo 58 >"$d/bank0/num_lines" && echo pinctrl-bcm2711 >"$d/bank0/label" || return 1
	echo 16 >"$d/bank1/num_lines" && echo mcp23017 >"$d/bank1/label" || return 1
	echo 1 >"$d/live" || return 1
	SIMDEV=$(cat "$d/dev_name")
	CHIP[0]=$(cat "$d/bank0/chip_name")
	CHIP[1]=$(cat "$d/bank1/chip_name")
	udevadm settle
	local o b l s n
	for n in $(seq 0 57); do echo pull-down >"$(sim 0 "$n")/pull"; done
	for n in $(seq 0 15); do echo pull-down >"$(sim 1 "$n")/pull"; done
	for o in "${OUTPUTS[@]}"; do
		IFS=: read -r b l s n <<<"$o"
		if [[ $s == 1 ]]; then echo pull-up >"$(sim "$b" "$l")/pull"; fi
	done
	return 0
}
sim() { echo "/sys/devices/platform/$SIMDEV/${CHIP[$1]}/sim_gpio$2"; }

# The outputs not at their safe level, space separated ("" = all safe).
# Builtin reads into globals only (no fork, no here-string), so a look at
# all 27 outputs costs little guest CPU even under TCG.
VALUE_FILES=() SAFE=() NAME=()
outputs_files() {
	local o b l s n
	VALUE_FILES=() SAFE=() NAME=()
	for o in "${OUTPUTS[@]}"; do
		IFS=: read -r b l s n <<<"$o"
		VALUE_FILES+=("$(sim "$b" "$l")/value")
		SAFE+=("$s")
		NAME+=("$n")
	done
}
scan() { # sets E
	local i v list=""
	for i in "${!VALUE_FILES[@]}"; do
		read -r v <"${VALUE_FILES[$i]}"
		[[ "$v" == "${SAFE[$i]}" ]] || list+=" ${NAME[$i]}"
	done
	E=${list# }
}
energised() {
	scan
	printf '%s\n' "$E"
}

# The line sampler: a background loop that looks at every output every
# 50 ms and appends "<ms> <energised outputs>" ("<ms> -" = all safe) to
# $LINES_LOG whenever that changes.  Vent times are read from it, so they do
# not depend on what else the script waits for after a fault.
LINES_LOG=/run/vmtest-lines.log
exec {NAP_FD}<> <(:) # read -t on it is a sleep without a fork
sampler() {
	local last="x" fd t
	set +x # (a background copy of the script: the trace stays on for the rest)
	exec {fd}<> <(:)
	while :; do
		scan
		if [[ "$E" != "$last" ]]; then
			t=${EPOCHREALTIME/./}
			printf '%s %s\n' "$((t / 1000))" "${E:--}" >>"$LINES_LOG"
			last=$E
		fi
		read -r -t 0.05 -u "$fd" _ || true
	done
}

# energised_now: returns as soon as some output is energised and the
# sampler has logged it too (the moment to inject a fault), with the list in
# FAULT_E; at most ENERGISE_LIMIT_MS.
energised_now() {
	local t0 lines
	t0=$(now_ms)
	while (($(now_ms) - t0 < ENERGISE_LIMIT_MS)); do
		scan
		if [[ -n "$E" ]]; then
			mapfile -t lines <"$LINES_LOG"
			if ((${#lines[@]} > 0)) && [[ "${lines[-1]#* }" != - ]]; then
				FAULT_E=$E
				return 0
			fi
		fi
		read -r -t 0.02 -u "$NAP_FD" _ || true
	done
	FAULT_E=""
	return 1
}

# wait_energised <limit ms>: waits until some output is energised; prints them.
wait_energised() {
	local t0 e
	t0=$(now_ms)
	while (($(now_ms) - t0 < $1)); do
		e=$(energised)
		if [[ -n "$e" ]]; then
			echo "$e"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

main_pid() { systemctl show -p MainPID --value "$UNIT"; }
# The test starts the unit far more often than StartLimitBurst= allows in
# StartLimitIntervalSec=; an installer who hit the limit would reset it too.
start_unit() {
	systemctl reset-failed "$UNIT" 2>/dev/null
	systemctl start "$UNIT"
}
# How many times the unit's ExecStopPost= (--safe-state) has run and exited
# 0: a marker command after it, in a runtime drop-in, appends a line to
# $STOP_POST_LOG (systemd runs the next ExecStopPost= line only when the one
# before it succeeded; "+" runs it outside the unit's sandbox).  systemd
# forgets a command's exit status when the unit restarts, so it cannot be
# read back with systemctl show.
STOP_POST_LOG=/run/vmtest-stop-post.log
MARKER_DROPIN=/run/systemd/system/$UNIT.d/50-vmtest-stop-post-marker.conf
stop_post() { if [[ -f "$STOP_POST_LOG" ]]; then wc -l <"$STOP_POST_LOG"; else echo 0; fi; }
install_marker() {
	mkdir -p "$(dirname "$MARKER_DROPIN")"
	printf '[Service]\nExecStopPost=+/bin/sh -c "date +%%%%s%%%%3N >>%s"\n' "$STOP_POST_LOG" >"$MARKER_DROPIN"
	systemctl daemon-reload
}
wait_state() { # <state> <limit ms>: prints ms waited
	local t0
	t0=$(now_ms)
	while (($(now_ms) - t0 < $2)); do
		[[ "$(systemctl is-active "$UNIT")" == "$1" ]] && { echo $(($(now_ms) - t0)); return 0; }
		sleep 0.1
	done
	return 1
}
# The kiosk itself (not --self-test) is the unit's main process and ready.
wait_kiosk_active() {
	local t0 pid
	t0=$(now_ms)
	while (($(now_ms) - t0 < ACTIVE_LIMIT_MS)); do
		pid=$(main_pid)
		if [[ "$(systemctl is-active "$UNIT")" == active && "$pid" != 0 ]] &&
			! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- --self-test; then
			echo $(($(now_ms) - t0))
			return 0
		fi
		sleep 0.2
	done
	return 1
}

# check_stop_post <check> <stop_post count before> <t0>: the unit's
# ExecStopPost= (--safe-state) ran after t0 and exited 0.
check_stop_post() {
	local n why
	for _ in $(seq 1 60); do
		n=$(stop_post)
		((n > $2)) && break
		sleep 0.5
	done
	if ((n > $2)); then
		pass "$1_stop_post ExecStopPost (--safe-state) ran and exited 0"
	else
		why=$(journalctl -b -u "$UNIT" --no-pager -o short-unix 2>/dev/null |
			awk -v t0="$3" 'int($1 * 1000) >= t0' | grep -E 'Control process exited|recovery-kiosk\[' | tail -n 3 | cut -d' ' -f4- | tr '\n' ' ')
		fail "$1_stop_post ExecStopPost (--safe-state) did not succeed within 30 s: ${why:-no trace in the journal}"
	fi
}

# Energise the outputs from inside the unit: the unit's main process is
# `--self-test` (it pulses station 1's zones: pump on, exhaust closed, one
# zone valve open), started by systemd with the shipped unit's user, groups,
# sandbox and ExecStopPost; a runtime drop-in swaps ExecStart for that one
# start only.  Afterwards the shipped unit is back as it was, so a restart
# starts the kiosk itself.
ENERGISE_DROPIN=/run/systemd/system/$UNIT.d/zz-vmtest-energise.conf
energise_in_unit() { # <check>
	local e
	systemctl stop "$UNIT"
	systemctl reset-failed "$UNIT" 2>/dev/null
	mkdir -p "$(dirname "$ENERGISE_DROPIN")"
	printf '[Service]\nExecStart=\nExecStart=%s --self-test --config %s\n' "$KIOSK" "$CONF" >"$ENERGISE_DROPIN"
	systemctl daemon-reload
	systemctl start --no-block "$UNIT"
	e=$(wait_energised "$ENERGISE_LIMIT_MS")
	rm -f "$ENERGISE_DROPIN"
	systemctl daemon-reload
	if [[ -z "$e" ]]; then
		fail "$1_energised nothing was energised by --self-test in the unit within $ENERGISE_LIMIT_MS ms"
		return 1
	fi
	pass "$1_energised energised by --self-test as the unit's main process: $e"
	return 0
}

# vent_time <t0 ms>: after the fault has run its course, the ms from t0 to
# the moment the sampler last saw every output go safe (0 if nothing was
# energised after t0).  Exit 1 and "still energised: ..." when something is
# energised now.
vent_time() {
	local t0=$1 t e last_safe="" now_e since
	# The sampler logs a change within one of its rounds (50 ms plus a
	# scan, longer under TCG): wait until its last line says what a scan
	# says now, at most 5 s.
	since=$(now_ms)
	while scan && [[ "$(tail -n 1 "$LINES_LOG" | cut -d' ' -f2-)" != "${E:--}" ]] &&
		(($(now_ms) - since < 5000)); do
		read -r -t 0.05 -u "$NAP_FD" _ || true
	done
	while read -r t e; do
		if ((t < t0)); then
			[[ "$e" == - ]] && last_safe=$t0 || last_safe=""
		else
			[[ "$e" == - ]] && last_safe=$t || last_safe=""
		fi
	done <"$LINES_LOG"
	now_e=$(energised)
	if [[ -n "$now_e" || -z "$last_safe" ]]; then
		echo "still energised $(($(now_ms) - t0)) ms after the fault: ${now_e:-$(tail -n 1 "$LINES_LOG" | cut -d' ' -f2-)}"
		return 1
	fi
	echo $((last_safe - t0))
}

# What the sampler saw energised at <t ms> ("" = nothing).
energised_at() {
	local t e at=""
	while read -r t e; do
		((t <= $1)) || break
		at=$e
	done <"$LINES_LOG"
	[[ "$at" == - ]] && at=""
	echo "$at"
}

# vent_check <check> <t0> <what happened at t0> [energised] [limit ms]:
# called once the fault has run its course.  With "energised", something
# must have been energised at t0 (or the check proves nothing).  The limit
# defaults to VENT_LIMIT_MS.
vent_check() {
	local r at VENT_LIMIT_MS=${5:-$VENT_LIMIT_MS}
	at=$(energised_at "$2")
	[[ "${4:-}" == energised && -n "${FAULT_E:-}" ]] && at=$FAULT_E
	if [[ "${4:-}" == energised && -z "$at" ]]; then
		fail "$1_vented nothing was energised at the moment of $3 (the test's energising missed)"
		return
	fi
	if r=$(vent_time "$2") && ((r <= VENT_LIMIT_MS)); then
		pass "$1_vented ${at:+energised at $3: $at; }every output de-energised ${r} ms after $3 (limit $VENT_LIMIT_MS ms)"
	elif [[ "$r" =~ ^[0-9]+$ ]]; then
		fail "$1_vented ${at:+energised at $3: $at; }every output de-energised only ${r} ms after $3 (limit $VENT_LIMIT_MS ms)"
	else
		fail "$1_vented ${at:+energised at $3: $at; }$r (limit $VENT_LIMIT_MS ms)"
	fi
}

apt_install() { # <deb>: the installer's command; offline, every dependency is in apt's cache
	apt-get install -y -o Dpkg::Options::=--force-confold "$@"
}

# ---- the run ------------------------------------------------------------------
info "guest $(uname -r), systemd $(systemctl --version | head -n 1 | cut -d' ' -f2), $(nproc) cpus"
if gpio_sim_up; then
	if [[ "${CHIP[0]}" == gpiochip0 ]]; then
		pass "gpio_sim_chips $(gpiodetect | tr '\n' ';')"
	else
		fail "gpio_sim_chips the header chip is ${CHIP[0]}, not gpiochip0: $(gpiodetect | tr '\n' ';')"
	fi
else
	fail "gpio_sim_chips could not set up gpio-sim: $(dmesg | tail -n 3 | tr '\n' ' ')"
	exit 1
fi
outputs_files
e=$(energised)
[[ -z "$e" ]] && pass "gpio_sim_pulls every output rests de-energised on its pull" ||
	fail "gpio_sim_pulls energised at rest: $e"

# ---- 1. apt install ./recovery-kiosk_*.deb (INSTALL section 3) ----------------
deb=$(ls "$P"/pkg/recovery-kiosk_*.deb)
deb2=$(ls "$P"/upgrade/recovery-kiosk_*.deb)
v1=$(dpkg-deb -f "$deb" Version) v2=$(dpkg-deb -f "$deb2" Version)
cp "$P"/archives/*.deb /var/cache/apt/archives/
# dpkg without fsync: the guest's disk is thrown away, and TCG makes every
# sync expensive (the package and its scripts run exactly as they would).
echo force-unsafe-io >/etc/dpkg/dpkg.cfg.d/vmtest-unsafe-io
t0=$(now_ms)
cp "$deb" /root/ && deb=/root/$(basename "$deb")
cp "$deb2" /root/ && deb2=/root/$(basename "$deb2")
if apt_install "$deb" >"$OUT/apt-install.log" 2>&1; then
	pass "apt_install apt install ./$(basename "$deb") offline in $(($(now_ms) - t0)) ms ($(grep -c '^Unpacking' "$OUT/apt-install.log") packages)"
else
	fail "apt_install $(tail -n 3 "$OUT/apt-install.log" | tr '\n' ' ')"
	exit 1
fi
id=$(id recovery-kiosk 2>&1)
[[ "$id" == *"(gpio)"* ]] && pass "install_user $id" || fail "install_user $id"
s=$(stat -c '%U:%G %a' "$CONF")
[[ "$s" == "root:recovery-kiosk 640" ]] && pass "install_conffile $CONF is $s" || fail "install_conffile $CONF is $s"
s=$(stat -c '%G %a' /dev/gpiochip0)
[[ "$s" == "gpio 660" ]] && pass "install_udev_rule /dev/gpiochip0 is group gpio mode 660" ||
	fail "install_udev_rule /dev/gpiochip0 is $s"
s="$(systemctl is-enabled "$UNIT") $(systemctl is-active "$UNIT")"
[[ "$s" == "enabled inactive" ]] && pass "install_enabled_not_started $s" || fail "install_enabled_not_started $s"

# ---- 2. --check-config (INSTALL sections 4-5) ----------------------------------
if out=$(as_kiosk "$KIOSK" --check-config 2>&1); then
	pass "check_config_shipped the shipped config passes as installed: $(tail -n 1 <<<"$out")"
else
	fail "check_config_shipped the shipped config fails as installed: $(tail -n 1 <<<"$out")"
fi
cp "$CONF" "$OUT/kiosk.conf.shipped"
# The installer's edits for this site: no touchscreen (headless = true in
# [display]) and no MQTT broker yet ([mqtt] enabled = false).
if grep -qE '^headless *=' "$CONF"; then
	sed -i -E 's/^headless *=.*/headless = true/' "$CONF"
else
	sed -i '/^\[display\]/a headless = true' "$CONF"
fi
sed -i '/^\[mqtt\]/,/^\[/ s/^enabled *=.*/enabled = false/' "$CONF"
if ! out=$(as_kiosk "$KIOSK" --check-config 2>&1) && grep -q "unknown key 'headless'" <<<"$out"; then
	info "this kiosk has no headless setting; the line is left out"
	sed -i '/^headless = true$/d' "$CONF"
fi
if out=$(as_kiosk "$KIOSK" --check-config 2>&1); then
	pass "check_config_mqtt_off with [mqtt] enabled = false: $(tail -n 1 <<<"$out")"
else
	fail "check_config_mqtt_off with [mqtt] enabled = false it still fails: $(tail -n 1 <<<"$out")"
	# Go on with the MQTT file settings commented out, to test the rest.
	sed -i -E 's/^(password_file|ca_file) *=/# &/' "$CONF"
	if ! out=$(as_kiosk "$KIOSK" --check-config 2>&1); then
		fail "check_config $(tail -n 1 <<<"$out")"
		exit 1
	fi
fi
printf '%s\n' "$out" >"$OUT/check-config.txt"
cp "$CONF" "$OUT/kiosk.conf.installer"

: >"$LINES_LOG"
sampler &
sampler_pid=$!

# ---- 3. --self-test as the service user (INSTALL section 6) --------------------
# It pulses every zone: the outputs must really go energised.  Then Ctrl-C
# (the installer changes their mind, or a boot is not zipped): it must stop
# and leave every output de-energised.
as_kiosk "$KIOSK" --self-test >"$OUT/self-test.txt" 2>&1 &
st_pid=$!
if e=$(wait_energised "$ENERGISE_LIMIT_MS"); then
	pass "self_test_energises --self-test as recovery-kiosk energised: $e"
	energised_now
	t0=$(now_ms)
	# Ctrl-C signals the terminal's whole foreground group: runuser and the
	# kiosk.  Started with & from this script, runuser inherits SIGINT
	# ignored and would pass nothing on, so the kiosk gets it directly.
	pkill -INT -P "$st_pid" 2>/dev/null
	pkill -INT -u recovery-kiosk -x recovery-kiosk 2>/dev/null
	for _ in $(seq 1 $((VENT_LIMIT_MS / 100))); do
		pgrep -P "$st_pid" >/dev/null || break
		sleep 0.1
	done
	if pgrep -P "$st_pid" >/dev/null; then
		fail "self_test_ctrl_c_vented --self-test still runs $(($(now_ms) - t0)) ms after SIGINT (Ctrl-C): $(energised) energised"
	else
		vent_check self_test_ctrl_c "$t0" "SIGINT (Ctrl-C) to --self-test" energised
	fi
else
	fail "self_test_energises --self-test energised nothing in $ENERGISE_LIMIT_MS ms: $(tr '\n' ' ' <"$OUT/self-test.txt")"
fi
pkill -KILL -P "$st_pid" 2>/dev/null
wait "$st_pid" 2>/dev/null
as_kiosk "$KIOSK" --safe-state >/dev/null 2>&1

# Killed mid-pulse instead: on a Pi (and on gpio-sim with pi_pins) the pins
# keep the level of a process that dies, so they stay energised until the
# kiosk starts (step 4 checks that it vents them).
as_kiosk "$KIOSK" --self-test >>"$OUT/self-test.txt" 2>&1 &
st_pid=$!
if wait_energised "$ENERGISE_LIMIT_MS" >/dev/null; then
	energised_now
	pkill -KILL -P "$st_pid" 2>/dev/null
fi
wait "$st_pid" 2>/dev/null
sleep 1
e=$(energised)
[[ -n "$e" ]] && pass "pins_keep_level a killed --self-test left energised (as a Pi's pins): $e" ||
	info "a killed --self-test left nothing energised (it was between pulses)"

# ---- 4. systemctl enable --now (INSTALL section 7) -----------------------------
install_marker
t0=$(now_ms)
systemctl enable --now "$UNIT"
t1=$(now_ms)
if w=$(wait_kiosk_active); then
	pass "enable_now active (running) $((t1 - t0 + w)) ms after systemctl enable --now: $(systemctl show -p StatusText --value "$UNIT")"
else
	fail "enable_now not active after $ACTIVE_LIMIT_MS ms: $(systemctl status "$UNIT" --no-pager 2>&1 | tail -n 5 | tr '\n' ' ')"
fi
# The kiosk's start vents and verifies each zone (it may close the others to
# read one alone), so the outputs are safe once it reports ready, not before.
vent_check start "$t0" "systemctl enable --now" "" "$((t1 - t0 + ${w:-0} + VENT_LIMIT_MS))"
info "lines held: $(gpioinfo 2>/dev/null | grep -c '"recovery-kiosk"') by recovery-kiosk"

# A stop of the unit while its main process is the --self-test (the
# energised steps below) waits for the self-test to end or for systemd's
# SIGKILL at TimeoutStopSec; the vent must come within that plus the vent
# limit.  Whether the self-test itself stops on a signal is its own check.
stop_timeout_ms=$(($(systemctl show -p TimeoutStopUSec --value "$UNIT" | sed -n 's/^\([0-9]*\)s$/\1/p') * 1000))
((stop_timeout_ms > 0)) || stop_timeout_ms=90000
STOP_LIMIT_MS=$((stop_timeout_ms + VENT_LIMIT_MS))
info "stop-type steps with --self-test as the main process: limit $STOP_LIMIT_MS ms (TimeoutStopSec + $VENT_LIMIT_MS ms)"

# ---- 5. SIGSTOP: the watchdog fires, ExecStopPost vents --------------------------
if w=$(wait_kiosk_active); then
	pid=$(main_pid) sp=$(stop_post)
	t0=$(now_ms)
	kill -STOP "$pid"
	# systemd kills the hung kiosk and starts it again: wait for a new main
	# process, then read from the journal when systemd saw the hang.
	for _ in $(seq 1 150); do
		[[ "$(main_pid)" != "$pid" ]] && break
		sleep 0.2
	done
	t_dog=$(journalctl -b -u "$UNIT" --no-pager -o short-unix -g 'Watchdog timeout' 2>/dev/null |
		awk -v t0="$t0" '{ t = int($1 * 1000); if (t >= t0) { print t - t0; exit } }')
	if [[ -n "$t_dog" ]] && ((t_dog <= WATCHDOG_LIMIT_MS)); then
		pass "watchdog_fires systemd saw the hang ${t_dog} ms after SIGSTOP (WatchdogSec=$(systemctl show -p WatchdogUSec --value "$UNIT"), limit $WATCHDOG_LIMIT_MS ms)"
	else
		fail "watchdog_fires no watchdog timeout within $WATCHDOG_LIMIT_MS ms of SIGSTOP (${t_dog:-none in the journal})"
	fi
	check_stop_post watchdog "$sp" "$t0"
	vent_check watchdog "$t0" SIGSTOP
	if w=$(wait_kiosk_active) && [[ "$(main_pid)" != "$pid" ]]; then
		pass "watchdog_restart restarted (pid $pid -> $(main_pid)) ${w} ms later"
	else
		fail "watchdog_restart not running again: $(systemctl is-active "$UNIT")"
	fi
	kill -CONT "$pid" 2>/dev/null
else
	fail "watchdog_fires the kiosk is not running"
fi

# ---- 6. kill -9 with the outputs energised -----------------------------------
if energise_in_unit kill9; then
	pid=$(main_pid) sp=$(stop_post)
	energised_now
	t0=$(now_ms)
	kill -KILL "$pid"
	check_stop_post kill9 "$sp" "$t0"
	vent_check kill9 "$t0" "kill -9" energised
	w=$(wait_kiosk_active) && pass "kill9_restart the kiosk runs again ${w} ms later" ||
		fail "kill9_restart not running again: $(systemctl is-active "$UNIT")"
fi

# ---- 7. systemctl stop: energised, and the kiosk itself -----------------------
if energise_in_unit stop; then
	sp=$(stop_post)
	energised_now
	t0=$(now_ms)
	systemctl stop "$UNIT"
	vent_check stop "$t0" "systemctl stop" energised "$STOP_LIMIT_MS"
	check_stop_post stop "$sp" "$t0"
fi
start_unit
if wait_kiosk_active >/dev/null; then
	sp=$(stop_post)
	t0=$(now_ms)
	systemctl stop "$UNIT"
	vent_check stop_kiosk "$t0" "systemctl stop"
	check_stop_post stop_kiosk "$sp" "$t0"
	s=$(systemctl is-active "$UNIT")
	[[ "$s" == inactive ]] && pass "stop_inactive $s" || fail "stop_inactive $s"
else
	fail "stop_kiosk the kiosk did not start again"
fi

# ---- 8. the config broken while running, then a stop ---------------------------
cp "$CONF" /root/kiosk.conf.good
if energise_in_unit broken_config; then
	# What an installer's half-finished edit leaves: MQTT switched on with a
	# password file that is not there, and a typo in [limits].
	sed -i '/^\[mqtt\]/,/^\[/ s/^enabled *=.*/enabled = true/' "$CONF"
	sed -i -E 's|^#? *password_file *=.*|password_file = /etc/recovery-kiosk/mqtt-password-missing|' "$CONF"
	grep -q '^password_file' "$CONF" || sed -i '/^\[mqtt\]/a password_file = /etc/recovery-kiosk/mqtt-password-missing' "$CONF"
	sed -i -E 's/^ceiling_mmhg *=.*/ceiling_mmhg = lots/' "$CONF"
	if out=$(as_kiosk "$KIOSK" --check-config 2>&1); then
		fail "broken_config_is_broken --check-config accepts the broken config"
	else
		pass "broken_config_is_broken --check-config refuses it: $(tail -n 1 <<<"$out")"
	fi
	# The kiosk dies with the outputs energised and the config broken; the
	# unit's ExecStopPost must vent all the same (and again after every
	# restart that --check-config refuses), then a stop ends the restarts.
	sp=$(stop_post) pid=$(main_pid)
	energised_now
	t0=$(now_ms)
	kill -KILL "$pid"
	check_stop_post broken_config "$sp" "$t0"
	systemctl stop "$UNIT"
	vent_check broken_config "$t0" "kill -9 with the config broken" energised
fi
cp /root/kiosk.conf.good "$CONF"
# Leave the lines safe for what follows whatever happened above.
as_kiosk "$KIOSK" --safe-state >/dev/null 2>&1

# ---- 9. dpkg -r, then install again ---------------------------------------------
start_unit
wait_kiosk_active >/dev/null
if energise_in_unit remove; then
	energised_now
	t0=$(now_ms)
	if dpkg -r recovery-kiosk >"$OUT/dpkg-r.log" 2>&1; then
		vent_check remove "$t0" "dpkg -r" energised "$STOP_LIMIT_MS"
		[[ ! -e /lib/systemd/system/$UNIT && -f "$CONF" ]] &&
			pass "remove_files the unit is gone, the config is kept" ||
			fail "remove_files unit present: $(ls /lib/systemd/system/$UNIT 2>&1), config: $(ls "$CONF" 2>&1)"
	else
		fail "remove dpkg -r failed: $(tail -n 3 "$OUT/dpkg-r.log" | tr '\n' ' ')"
	fi
fi
t0=$(now_ms)
if apt_install "$deb" >"$OUT/apt-reinstall.log" 2>&1; then
	pass "reinstall apt install ./$(basename "$deb") again in $(($(now_ms) - t0)) ms"
else
	fail "reinstall $(tail -n 3 "$OUT/apt-reinstall.log" | tr '\n' ' ')"
fi
s=$(systemctl is-enabled "$UNIT" 2>&1)
[[ "$s" == enabled ]] && pass "reinstall_not_masked is-enabled says $s" ||
	fail "reinstall_not_masked is-enabled says $s after remove + install"
if systemctl reset-failed "$UNIT" 2>/dev/null; systemctl start "$UNIT" 2>"$OUT/reinstall-start.err" && wait_kiosk_active >/dev/null; then
	pass "reinstall_starts systemctl start works after the reinstall"
else
	fail "reinstall_starts $(tr '\n' ' ' <"$OUT/reinstall-start.err")"
	systemctl unmask "$UNIT"
	start_unit
	wait_kiosk_active >/dev/null
fi

# ---- 10. upgrade to a higher version ------------------------------------------
if energise_in_unit upgrade; then
	energised_now
	t0=$(now_ms)
	if apt_install "$deb2" >"$OUT/apt-upgrade.log" 2>&1; then
		t1=$(now_ms)
		s=$(dpkg-query -W -f='${Version}' recovery-kiosk)
		[[ "$s" == "$v2" ]] && pass "upgrade $v1 -> $s in $((t1 - t0)) ms" || fail "upgrade installed $s, not $v2"
		if w=$(wait_kiosk_active); then
			pass "upgrade_restarts the kiosk runs again ${w} ms after apt returned (try-restart)"
		else
			fail "upgrade_restarts not running after the upgrade: $(systemctl is-active "$UNIT")"
		fi
		vent_check upgrade "$t0" "apt install (upgrade)" energised "$((STOP_LIMIT_MS + t1 - t0))"
		cmp -s "$CONF" /root/kiosk.conf.good && pass "upgrade_keeps_config the installer's kiosk.conf is kept" ||
			fail "upgrade_keeps_config kiosk.conf changed: $(diff /root/kiosk.conf.good "$CONF" | head -n 4 | tr '\n' ' ')"
	else
		fail "upgrade $(tail -n 3 "$OUT/apt-upgrade.log" | tr '\n' ' ')"
	fi
fi

# ---- 11. purge -------------------------------------------------------------------
if energise_in_unit purge; then
	energised_now
	t0=$(now_ms)
	if apt-get purge -y recovery-kiosk >"$OUT/apt-purge.log" 2>&1; then
		vent_check purge "$t0" "apt purge" energised "$STOP_LIMIT_MS"
		left=""
		for f in /etc/recovery-kiosk /var/lib/recovery-kiosk /lib/systemd/system/$UNIT /etc/systemd/system/$UNIT \
			/etc/systemd/system/multi-user.target.wants/$UNIT; do
			[[ -e "$f" || -L "$f" ]] && left+=" $f"
		done
		[[ -z "$left" ]] && pass "purge_clean config, state, unit, enablement and mask all gone" ||
			fail "purge_clean left behind:$left"
	else
		fail "purge $(tail -n 3 "$OUT/apt-purge.log" | tr '\n' ' ')"
	fi
fi
e=$(energised)
[[ -z "$e" ]] && pass "end_safe every output de-energised at the end" || fail "end_safe energised at the end: $e"
kill "$sampler_pid" 2>/dev/null
cp "$LINES_LOG" "$OUT/lines.log"
exit 0
