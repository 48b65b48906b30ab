#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench_idle.sh: the whole kiosk idle against the floor of a minimal SDL2 +
# SDL2_ttf program (sdl_floor), measured side by side in one run.
#
#   - first frame: time from spawn to the first frame on the X screen, for
#     each program on its own Xvfb, measured the same way for both: the root
#     window is read with xwd as fast as it goes and the first capture that
#     differs from the empty screen is the first frame (the estimate is the
#     middle of the last two captures; the gap between them is printed as the
#     resolution).  --runs runs each, alternating which goes first.
#   - idle CPU: both running at once, no session anywhere (recovery-kiosk
#     --sim with assets/kiosk-sim.conf pointed at its own mosquitto on
#     127.0.0.1), over --seconds: utime + stime from /proc/<pid>/stat, the
#     same from the threads' schedstat (ns), per-second p50/p99/max, and the
#     kiosk's CPU per thread.
# Targets: idle CPU within 3x of the floor; first frame within 1.5x.
#
# Usage: tests/bench/bench_idle.sh [--build DIR] [--seconds N] [--runs N]
#                                  [--size WxH] [--settle N]
#   --build   a build without sanitizers (default build/bench): it needs
#             kiosk/recovery-kiosk and tests/bench/sdl_floor
#   --seconds the idle window (default 60); --runs first-frame runs of each
#             (default 5); --size the screen (default 1024x600, the
#             simulator's); --settle seconds between start and the idle
#             window (default 5)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build="$src/build/bench"
idle_s=60
runs=5
size=1024x600
settle=5

die() {
	echo "bench_idle: $*" >&2
	exit 1
}

while [[ $# -gt 0 ]]; do
	case "$1" in
	--build) build=$(cd "$2" && pwd) && shift 2 ;;
	--seconds) idle_s=$2 && shift 2 ;;
	--runs) runs=$2 && shift 2 ;;
	--size) size=$2 && shift 2 ;;
	--settle) settle=$2 && shift 2 ;;
	-h | --help)
		sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*) die "unknown option '$1'; see --help" ;;
	esac
done
[[ $idle_s =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ && $settle =~ ^[0-9]+$ ]] ||
	die "--seconds and --runs take a positive whole number, --settle a whole number"
[[ $size =~ ^([1-9][0-9]*)x([1-9][0-9]*)$ ]] || die "--size takes WxH, for example 1024x600"
width=${BASH_REMATCH[1]}
height=${BASH_REMATCH[2]}

kiosk="$build/kiosk/recovery-kiosk"
floor="$build/tests/bench/sdl_floor"
[[ -x $kiosk && -x $floor ]] ||
	die "no $kiosk or $floor: build them first (cmake --build $build --target recovery-kiosk sdl_floor)"
for tool in Xvfb xwd md5sum mosquitto awk; do
	command -v "$tool" >/dev/null || die "$tool is missing: run scripts/setup-deps.sh"
done
[[ -n ${EPOCHREALTIME:-} ]] || die "bash 5 or newer is needed (EPOCHREALTIME)"

tmp=$(mktemp -d /tmp/bench-idle-XXXXXX)
started=()

# Stop what this script started, by pid, kiosk and floor first.
stop_pid() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
# Stop one program and forget it.
stop_started() {
	local pid=$1 keep=() p
	stop_pid "$pid"
	for p in "${started[@]}"; do
		[[ $p == "$pid" ]] || keep+=("$p")
	done
	started=("${keep[@]}")
}
cleanup() {
	local i
	for ((i = ${#started[@]} - 1; i >= 0; i--)); do
		stop_pid "${started[i]}"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

now_us() { echo "${EPOCHREALTIME/./}"; }

free_port() {
	local p
	for p in $(shuf -i 20000-60000 -n 100); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	die "no free port found"
}

# start_xvfb NAME: a private X server; sets the variable NAME to ":N".
start_xvfb() {
	local name=$1 fdfile="$tmp/$1.display" i
	Xvfb -displayfd 3 -screen 0 "${width}x${height}x24" -br -nolisten tcp -noreset \
		3>"$fdfile" >"$tmp/$name.xvfb.log" 2>&1 &
	started+=("$!")
	for i in $(seq 150); do
		[[ -s $fdfile ]] && break
		sleep 0.1
	done
	[[ -s $fdfile ]] || die "Xvfb did not start (see $tmp/$name.xvfb.log)"
	printf -v "$name" ':%s' "$(head -n1 "$fdfile")"
}

# The screen's pixels only: xwd's header and colour map change when a client
# connects, its pixels (the last W x H x 4 bytes at depth 24) only on drawing.
screen_sum() { xwd -display "$1" -root -silent 2>/dev/null | tail -c "$((width * height * 4))" | md5sum; }

# first_frame DISPLAY LABEL CMD...: spawn CMD on DISPLAY, poll the screen
# until it changes; sets ff_ms (estimate), ff_res_ms (gap between the last two
# captures) and ff_pid (the program, still running).
first_frame() {
	local display=$1 label=$2 blank t0 prev t sum
	shift 2
	blank=$(screen_sum "$display")
	t0=$(now_us)
	DISPLAY=$display SDL_VIDEODRIVER=x11 "$@" >>"$tmp/$label.log" 2>&1 &
	ff_pid=$!
	started+=("$ff_pid")
	prev=$t0
	while :; do
		sum=$(screen_sum "$display")
		t=$(now_us)
		[[ $sum != "$blank" ]] && break
		kill -0 "$ff_pid" 2>/dev/null || die "$label exited before its first frame (see $tmp/$label.log)"
		((t - t0 < 30000000)) || die "$label drew nothing in 30 s (see $tmp/$label.log)"
		prev=$t
	done
	ff_ms=$(awk -v a="$prev" -v b="$t" -v z="$t0" 'BEGIN { printf "%.1f", ((a + b) / 2 - z) / 1000 }')
	ff_res_ms=$(awk -v a="$prev" -v b="$t" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
}

# The kiosk's configuration: assets/kiosk-sim.conf with its files, state,
# display and broker made private (as tests/ui/xharness.c does).
write_config() {
	local port=$1
	awk -v assets="$src/assets" -v state="$tmp/state" -v port="$port" \
		-v w="$width" -v h="$height" '
		/^\[/ { section = $0 }
		section == "[kiosk]" && /^programs *=/ { print "programs = " assets "/programs.conf"; next }
		section == "[kiosk]" && /^screening *=/ { print "screening = " assets "/screening.conf"; next }
		section == "[kiosk]" && /^state_dir *=/ { print "state_dir = " state; next }
		section == "[display]" && /^width *=/ { print "width = " w; next }
		section == "[display]" && /^height *=/ { print "height = " h; next }
		section == "[display]" && /^fullscreen *=/ { print "fullscreen = false"; next }
		section == "[mqtt]" && /^host *=/ { print "host = 127.0.0.1"; next }
		section == "[mqtt]" && /^port *=/ { print "port = " port; next }
		{ print }
	' "$src/assets/kiosk-sim.conf" >"$tmp/kiosk.conf"
}

# CPU of a whole process: utime + stime in clock ticks.
proc_ticks() {
	local line
	line=$(<"/proc/$1/stat")
	line=${line##*) }
	read -r -a f <<<"$line"
	echo $((f[11] + f[12]))
}

# CPU of a whole process in ns: the sum of its threads' schedstat.
proc_ns() {
	local s total=0 ns rest
	for s in /proc/"$1"/task/*/schedstat; do
		read -r ns rest <"$s" 2>/dev/null || continue
		total=$((total + ns))
	done
	echo "$total"
}

# "tid comm ns" for each thread.
threads_ns() {
	local d ns rest
	for d in /proc/"$1"/task/*; do
		read -r ns rest <"$d/schedstat" 2>/dev/null || continue
		echo "${d##*/} $(<"$d/comm") $ns"
	done
}

# p50 p99 max of numbers on stdin (nearest rank).
pct() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "0 0 0"; exit }
		r50 = int(0.50 * NR + 0.999999); r99 = int(0.99 * NR + 0.999999)
		printf "%.3f %.3f %.3f\n", v[r50], v[r99], v[NR] }'
}

verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r < t ? "met" : "MISSED") }'; }

# ---- set-up -----------------------------------------------------------------
port=$(free_port)
[[ -n $port ]] || exit 1
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" >"$tmp/mosquitto.conf"
mosquitto -c "$tmp/mosquitto.conf" >"$tmp/mosquitto.log" 2>&1 &
started+=("$!")
write_config "$port"
disp_floor='' disp_kiosk=''
start_xvfb disp_floor
start_xvfb disp_kiosk
for i in $(seq 100); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done

kiosk_cmd=("$kiosk" --sim --config "$tmp/kiosk.conf" --assets "$src/assets")
floor_cmd=("$floor" --width "$width" --height "$height" --font "$src/assets/fonts/DejaVuSans.ttf")

echo "bench_idle: ${width}x${height}, idle window ${idle_s} s, ${runs} first-frame run(s) each;" \
	"$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "kiosk: ${kiosk_cmd[*]}"
echo "floor: ${floor_cmd[*]}"

# ---- first frame ------------------------------------------------------------
echo
echo "first frame (spawn to first frame on the X screen), ms:"
printf '%4s %12s %12s\n' run floor kiosk
: >"$tmp/ff_floor" && : >"$tmp/ff_kiosk"
for ((r = 1; r <= runs; r++)); do
	order=(floor kiosk)
	((r % 2 == 0)) && order=(kiosk floor)
	for who in "${order[@]}"; do
		if [[ $who == floor ]]; then
			first_frame "$disp_floor" floor "${floor_cmd[@]}"
			ff_floor=$ff_ms res_floor=$ff_res_ms
		else
			first_frame "$disp_kiosk" kiosk "${kiosk_cmd[@]}"
			ff_kiosk=$ff_ms res_kiosk=$ff_res_ms
		fi
		stop_started "$ff_pid"
	done
	echo "$ff_floor" >>"$tmp/ff_floor"
	echo "$ff_kiosk" >>"$tmp/ff_kiosk"
	printf '%4d %7s ±%-4s %7s ±%-4s\n' "$r" "$ff_floor" "$(awk -v x="$res_floor" 'BEGIN{printf "%.0f", x/2}')" \
		"$ff_kiosk" "$(awk -v x="$res_kiosk" 'BEGIN{printf "%.0f", x/2}')"
done
read -r f50 f99 fmax < <(pct <"$tmp/ff_floor")
read -r k50 k99 kmax < <(pct <"$tmp/ff_kiosk")
ff_ratio=$(awk -v k="$k50" -v f="$f50" 'BEGIN { printf "%.2f", (f > 0 ? k / f : 0) }')
printf 'floor p50 %.1f / p99 %.1f / max %.1f ms; kiosk p50 %.1f / p99 %.1f / max %.1f ms\n' \
	"$f50" "$f99" "$fmax" "$k50" "$k99" "$kmax"
echo "first frame kiosk/floor (medians): $ff_ratio (target < 1.5: $(verdict "$ff_ratio" 1.5))"

# ---- idle CPU ---------------------------------------------------------------
DISPLAY=$disp_floor SDL_VIDEODRIVER=x11 "${floor_cmd[@]}" >>"$tmp/floor.log" 2>&1 &
floor_pid=$!
started+=("$floor_pid")
DISPLAY=$disp_kiosk SDL_VIDEODRIVER=x11 "${kiosk_cmd[@]}" >>"$tmp/kiosk.log" 2>&1 &
kiosk_pid=$!
started+=("$kiosk_pid")
sleep "$settle"
if ! kill -0 "$kiosk_pid" || ! kill -0 "$floor_pid"; then
	die "a program exited (see $tmp/*.log)"
fi

hz=$(getconf CLK_TCK)
ft0=$(proc_ticks "$floor_pid") kt0=$(proc_ticks "$kiosk_pid")
fn0=$(proc_ns "$floor_pid") kn0=$(proc_ns "$kiosk_pid")
threads_ns "$kiosk_pid" >"$tmp/threads0"
t0=$(now_us)
: >"$tmp/sec_floor" && : >"$tmp/sec_kiosk"
fprev=$fn0 kprev=$kn0 tprev=$t0
for ((s = 1; s <= idle_s; s++)); do
	sleep 1
	fn=$(proc_ns "$floor_pid") kn=$(proc_ns "$kiosk_pid") t=$(now_us)
	awk -v a="$fprev" -v b="$fn" -v dt="$((t - tprev))" 'BEGIN { printf "%.4f\n", (b - a) / (dt * 10) }' >>"$tmp/sec_floor"
	awk -v a="$kprev" -v b="$kn" -v dt="$((t - tprev))" 'BEGIN { printf "%.4f\n", (b - a) / (dt * 10) }' >>"$tmp/sec_kiosk"
	fprev=$fn kprev=$kn tprev=$t
done
ft1=$(proc_ticks "$floor_pid") kt1=$(proc_ticks "$kiosk_pid")
threads_ns "$kiosk_pid" >"$tmp/threads1"
span_us=$((tprev - t0))

pct_ticks() { awk -v a="$1" -v b="$2" -v hz="$hz" -v s="$3" 'BEGIN { printf "%.3f", 100 * (b - a) / hz / s }'; }
pct_ns() { awk -v a="$1" -v b="$2" -v us="$3" 'BEGIN { printf "%.3f", (b - a) / (us * 10) }'; }
f_stat=$(pct_ticks "$ft0" "$ft1" "$idle_s") k_stat=$(pct_ticks "$kt0" "$kt1" "$idle_s")
f_ns=$(pct_ns "$fn0" "$fprev" "$span_us") k_ns=$(pct_ns "$kn0" "$kprev" "$span_us")
read -r fs50 fs99 fsmax < <(pct <"$tmp/sec_floor")
read -r ks50 ks99 ksmax < <(pct <"$tmp/sec_kiosk")
ratio() { awk -v k="$1" -v f="$2" 'BEGIN { if (f > 0) printf "%.1f", k / f; else print "inf" }'; }
idle_ratio=$(ratio "$k_ns" "$f_ns")
idle_ratio_stat=$(ratio "$k_stat" "$f_stat")

echo
echo "idle CPU over ${idle_s} s, no session, % of one core:"
cpu_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }
printf '%-6s %12s %14s %26s %12s %10s\n' "" "stat ticks" "schedstat ns" "per second p50/p99/max" \
	"CPU ms" "VmRSS MB"
printf '%-6s %12s %14s %26s %12s %10s\n' floor "$f_stat" "$f_ns" "$fs50/$fs99/$fsmax" \
	"$(cpu_ms "$fn0" "$fprev")" "$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$floor_pid/status")"
printf '%-6s %12s %14s %26s %12s %10s\n' kiosk "$k_stat" "$k_ns" "$ks50/$ks99/$ksmax" \
	"$(cpu_ms "$kn0" "$kprev")" "$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$kiosk_pid/status")"
echo "idle kiosk/floor: $idle_ratio from schedstat, $idle_ratio_stat from stat ticks" \
	"(target < 3: $(verdict "$idle_ratio" 3))"
echo "kiosk threads over the window (tid name %):"
awk -v us="$span_us" -v main="$kiosk_pid" '
	NR == FNR { before[$1] = $3; next }
	{ d = $3 - ($1 in before ? before[$1] : 0)
	  printf "  %-8s %-16s %7.3f%s\n", $1, $2, d / (us * 10), ($1 == main ? "  (main: SDL/UI)" : "") }
' "$tmp/threads0" "$tmp/threads1"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
