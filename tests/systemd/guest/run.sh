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
: "${VENT_LIMIT_MS:=5000}" "${ENERGISE_LIMIT_MS:=60000}" "${WATCHDOG_LIMIT_MS:=10000}" "${ACTIVE_LIMIT_MS:=60000}"

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
now_ms() { echo $(($(date +%s%N) / 1000000)); }

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
energised() {
	local o b l s n v list=""
	for o in "${OUTPUTS[@]}"; do
		IFS=: read -r b l s n <<<"$o"
		v=$(cat "$(sim "$b" "$l")/value")
		[[ "$v" == "$s" ]] || list+=" $n"
	done
	echo "${list# }"
}

# wait_safe <limit ms> <t0 ms>: waits until every output is safe; prints the
# ms since t0 then.  Exit 1 (and prints what is still energised) at the limit.
wait_safe() {
	local limit=$1 t0=$2 e
	while :; do
		e=$(energised)
		if [[ -z "$e" ]]; then
			echo $(($(now_ms) - t0))
			return 0
		fi
		if (($(now_ms) - t0 > limit)); then
			echo "still energised after $(($(now_ms) - t0)) ms: $e"
			return 1
		fi
		sleep 0.05
	done
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
# "<pid> <status>" of the unit's last ExecStopPost= run (0 0 = never ran).
stop_post() {
	systemctl show -p ExecStopPost --value "$UNIT" |
		sed -n 's/.*pid=\([0-9]*\).*status=\([0-9]*\).*/\1 \2/p' | head -n 1
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

# Check that the unit's ExecStopPost= (--safe-state) ran after <old pid> and
# exited 0.
check_stop_post() { # <check> <old "pid status">
	local now pid st
	for _ in $(seq 1 100); do
		now=$(stop_post)
		[[ -n "$now" && "${now% *}" != "${2% *}" && "${now% *}" != 0 ]] && break
		sleep 0.1
	done
	pid=${now% *} st=${now#* }
	if [[ -z "$now" || "$pid" == "${2% *}" || "$pid" == 0 ]]; then
		fail "$1_stop_post ExecStopPost (--safe-state) did not run"
	elif [[ "$st" != 0 ]]; then
		fail "$1_stop_post ExecStopPost (--safe-state) exited $st: $(journalctl -b -u "$UNIT" --no-pager -n 40 | grep -E 'recovery-kiosk\[' | tail -n 2 | tr '\n' ' ')"
	else
		pass "$1_stop_post ExecStopPost (--safe-state) ran (pid $pid) and exited 0"
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

vent_check() { # <check> <t0>
	local r
	if r=$(wait_safe "$VENT_LIMIT_MS" "$2"); then
		pass "$1_vented every output de-energised ${r} ms after the fault (limit $VENT_LIMIT_MS ms)"
	else
		fail "$1_vented $r (limit $VENT_LIMIT_MS ms)"
	fi
}

apt_install() { # <deb>: the installer's command, offline
	apt-get install -y --no-download -o Dpkg::Options::=--force-confold "$@"
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
e=$(energised)
[[ -z "$e" ]] && pass "gpio_sim_pulls every output rests de-energised on its pull" ||
	fail "gpio_sim_pulls energised at rest: $e"

# ---- 1. apt install ./recovery-kiosk_*.deb (INSTALL section 3) ----------------
deb=$(ls "$P"/pkg/recovery-kiosk_*.deb)
deb2=$(ls "$P"/upgrade/recovery-kiosk_*.deb)
v1=$(dpkg-deb -f "$deb" Version) v2=$(dpkg-deb -f "$deb2" Version)
cp "$P"/archives/*.deb /var/cache/apt/archives/
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
sed -i '/^\[display\]/a headless = true' "$CONF"
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

# ---- 3. --self-test as the service user (INSTALL section 6) --------------------
# It pulses every zone; the outputs must really go energised.  It is then
# killed mid-pulse: on a Pi (and on gpio-sim with pi_pins) the pins keep the
# level of a process that dies, so they stay energised until the kiosk starts.
as_kiosk "$KIOSK" --self-test >"$OUT/self-test.txt" 2>&1 &
st_pid=$!
if e=$(wait_energised "$ENERGISE_LIMIT_MS"); then
	pass "self_test_energises --self-test as recovery-kiosk energised: $e"
else
	fail "self_test_energises --self-test energised nothing in $ENERGISE_LIMIT_MS ms: $(tr '\n' ' ' <"$OUT/self-test.txt")"
fi
pkill -KILL -P "$st_pid" 2>/dev/null; kill -KILL "$st_pid" 2>/dev/null; wait "$st_pid" 2>/dev/null
sleep 1
e=$(energised)
[[ -n "$e" ]] && pass "pins_keep_level a killed --self-test left energised (as a Pi's pins): $e" ||
	info "a killed --self-test left nothing energised (it was between pulses)"

# ---- 4. systemctl enable --now (INSTALL section 7) -----------------------------
t0=$(now_ms)
systemctl enable --now "$UNIT"
if w=$(wait_kiosk_active); then
	pass "enable_now active (running) in ${w} ms: $(systemctl show -p StatusText --value "$UNIT")"
else
	fail "enable_now not active after $ACTIVE_LIMIT_MS ms: $(systemctl status "$UNIT" --no-pager 2>&1 | tail -n 5 | tr '\n' ' ')"
fi
vent_check start "$t0"
info "lines held: $(gpioinfo 2>/dev/null | grep -c '"recovery-kiosk"') by recovery-kiosk"

# ---- 5. SIGSTOP: the watchdog fires, ExecStopPost vents --------------------------
if w=$(wait_kiosk_active); then
	pid=$(main_pid) sp=$(stop_post)
	t0=$(now_ms)
	kill -STOP "$pid"
	t_dog=""
	while (($(now_ms) - t0 < 30000)); do
		if journalctl -b -u "$UNIT" --no-pager | grep -q 'Watchdog timeout'; then
			t_dog=$(($(now_ms) - t0))
			break
		fi
		sleep 0.1
	done
	if [[ -n "$t_dog" && $t_dog -le $WATCHDOG_LIMIT_MS ]]; then
		pass "watchdog_fires systemd saw the hang ${t_dog} ms after SIGSTOP (WatchdogSec=$(systemctl show -p WatchdogUSec --value "$UNIT"), limit $WATCHDOG_LIMIT_MS ms)"
	else
		fail "watchdog_fires no watchdog timeout within $WATCHDOG_LIMIT_MS ms of SIGSTOP (${t_dog:-none})"
	fi
	vent_check watchdog "$t0"
	check_stop_post watchdog "$sp"
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
	t0=$(now_ms)
	kill -KILL "$pid"
	vent_check kill9 "$t0"
	check_stop_post kill9 "$sp"
	w=$(wait_kiosk_active) && pass "kill9_restart the kiosk runs again ${w} ms later" ||
		fail "kill9_restart not running again: $(systemctl is-active "$UNIT")"
fi

# ---- 7. systemctl stop: energised, and the kiosk itself -----------------------
if energise_in_unit stop; then
	sp=$(stop_post)
	t0=$(now_ms)
	systemctl stop "$UNIT"
	vent_check stop "$t0"
	check_stop_post stop "$sp"
fi
systemctl start "$UNIT"
if wait_kiosk_active >/dev/null; then
	sp=$(stop_post)
	t0=$(now_ms)
	systemctl stop "$UNIT"
	vent_check stop_kiosk "$t0"
	check_stop_post stop_kiosk "$sp"
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
	sp=$(stop_post)
	t0=$(now_ms)
	systemctl stop "$UNIT"
	vent_check broken_config "$t0"
	check_stop_post broken_config "$sp"
fi
cp /root/kiosk.conf.good "$CONF"
# Leave the lines safe for what follows whatever happened above.
as_kiosk "$KIOSK" --safe-state >/dev/null 2>&1

# ---- 9. dpkg -r, then install again ---------------------------------------------
systemctl start "$UNIT"
wait_kiosk_active >/dev/null
if energise_in_unit remove; then
	t0=$(now_ms)
	if dpkg -r recovery-kiosk >"$OUT/dpkg-r.log" 2>&1; then
		vent_check remove "$t0"
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
if systemctl start "$UNIT" 2>"$OUT/reinstall-start.err" && wait_kiosk_active >/dev/null; then
	pass "reinstall_starts systemctl start works after the reinstall"
else
	fail "reinstall_starts $(tr '\n' ' ' <"$OUT/reinstall-start.err")"
	systemctl unmask "$UNIT"
	systemctl start "$UNIT"
	wait_kiosk_active >/dev/null
fi

# ---- 10. upgrade to a higher version ------------------------------------------
if energise_in_unit upgrade; then
	t0=$(now_ms)
	if apt_install "$deb2" >"$OUT/apt-upgrade.log" 2>&1; then
		t1=$(now_ms)
		s=$(dpkg-query -W -f='${Version}' recovery-kiosk)
		[[ "$s" == "$v2" ]] && pass "upgrade $v1 -> $s in $((t1 - t0)) ms" || fail "upgrade installed $s, not $v2"
		vent_check upgrade "$t0"
		if w=$(wait_kiosk_active); then
			pass "upgrade_restarts the kiosk runs again ${w} ms after apt returned (try-restart)"
		else
			fail "upgrade_restarts not running after the upgrade: $(systemctl is-active "$UNIT")"
		fi
		cmp -s "$CONF" /root/kiosk.conf.good && pass "upgrade_keeps_config the installer's kiosk.conf is kept" ||
			fail "upgrade_keeps_config kiosk.conf changed: $(diff /root/kiosk.conf.good "$CONF" | head -n 4 | tr '\n' ' ')"
	else
		fail "upgrade $(tail -n 3 "$OUT/apt-upgrade.log" | tr '\n' ' ')"
	fi
fi

# ---- 11. purge -------------------------------------------------------------------
if energise_in_unit purge; then
	t0=$(now_ms)
	if apt-get purge -y recovery-kiosk >"$OUT/apt-purge.log" 2>&1; then
		vent_check purge "$t0"
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
exit 0
