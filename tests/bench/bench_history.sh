#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What the session history costs the kiosk: bench_soak (8 stations x 6
# zones, every station in a session all the time, the event log, the MQTT
# link to a real mosquitto), alternately with the history (the recorder
# thread and history.db, the link's history thread: usage summaries, session
# summaries) and without it (--no-history), in one run so both see the same
# machine:
#   - in real time for SECONDS_PER_RUN: what runs while sessions run (the
#     recorder reads the snapshot 4 times a second, keeps a plot point every
#     sample_s); CPU of the whole process (user + system, % of one core), of
#     the two history threads, and the peak RSS;
#   - in virtual time as fast as it goes for SESSIONS sessions: what each
#     finished session costs (its summary written and published, usage
#     recomputed and published), as CPU seconds per session.
# Prints one line per run and the medians.
#
#   tests/bench/bench_history.sh BUILD_DIR [SECONDS_PER_RUN] [ROUNDS] [SESSIONS]
#
# Build without sanitizers (cmake -DCMAKE_BUILD_TYPE=Release).
set -euo pipefail
build=${1:?usage: bench_history.sh BUILD_DIR [SECONDS_PER_RUN] [ROUNDS]}
secs=${2:-120}
rounds=${3:-3}
sessions=${4:-160}
soak="$build/tests/bench/bench_soak"
[ -x "$soak" ] || { echo "bench_history.sh: no $soak; build the bench_soak target" >&2; exit 2; }
hours=$(awk -v s="$secs" 'BEGIN { printf "%.5f", s / 3600 }')
every=$(awk -v s="$secs" 'BEGIN { m = int(s / 240); print (m < 1 ? 1 : m) }')
out=$(mktemp -d /tmp/bench-history-XXXXXX)
trap 'rm -rf "$out"' EXIT

echo "bench_history.sh: $rounds round(s) of $secs s with and without the history; load average $(cut -d' ' -f1 /proc/loadavg)"
printf '%-8s %6s %10s %10s %12s %12s %10s\n' run round "cpu %" "cpu s" "history s" "mqtt-hist s" "max RSS KB"
for r in $(seq 1 "$rounds"); do
	for mode in with without; do
		flag=""
		[ "$mode" = without ] && flag=--no-history
		"$soak" --hours "$hours" --every "$every" --speed 1 $flag >"$out/$mode-$r.log" 2>&1 || {
			echo "bench_history.sh: bench_soak failed; see below" >&2
			tail -20 "$out/$mode-$r.log" >&2
			exit 1
		}
		line=$(grep '^cpu:' "$out/$mode-$r.log")
		# cpu: user U s, system S s over R s real (P% of one core); history on|off:
		# kiosk-history thread H s, mqtt-history thread M s; max RSS K KB
		read -r u s real pct h m rss < <(echo "$line" | sed -E \
			's/^cpu: user ([0-9.]+) s, system ([0-9.]+) s over ([0-9.]+) s real \(([0-9.]+)% of one core\); history (on|off): kiosk-history thread (-?[0-9.]+) s, mqtt-history thread (-?[0-9.]+) s; max RSS ([0-9]+) KB$/\1 \2 \3 \4 \6 \7 \8/')
		cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
		printf '%-8s %6s %10s %10s %12s %12s %10s\n' "$mode" "$r" "$pct" "$cpu" "$h" "$m" "$rss"
		echo "$mode $pct $cpu $h $m $rss" >>"$out/all"
	done
done
printf '\n%-8s %6s %10s %10s %12s %12s %14s\n' run round sessions "cpu s" "history s" "mqtt-hist s" "cpu ms/session"
for r in $(seq 1 "$rounds"); do
	for mode in with without; do
		flag=""
		[ "$mode" = without ] && flag=--no-history
		"$soak" --sessions "$sessions" --every 30 $flag >"$out/v-$mode-$r.log" 2>&1 || {
			echo "bench_history.sh: bench_soak failed; see below" >&2
			tail -20 "$out/v-$mode-$r.log" >&2
			exit 1
		}
		line=$(grep '^cpu:' "$out/v-$mode-$r.log")
		n=$(grep -oE '^summary over [0-9.]+ virtual hours \([0-9]+ s real, [0-9]+x\), [0-9]+ sessions' "$out/v-$mode-$r.log" | grep -oE '[0-9]+ sessions$' | cut -d' ' -f1)
		read -r u s h m < <(echo "$line" | sed -E \
			's/^cpu: user ([0-9.]+) s, system ([0-9.]+) s .* kiosk-history thread (-?[0-9.]+) s, mqtt-history thread (-?[0-9.]+) s; .*$/\1 \2 \3 \4/')
		cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
		per=$(awk -v c="$cpu" -v n="$n" 'BEGIN { printf "%.2f", n ? 1000 * c / n : 0 }')
		printf '%-8s %6s %10s %10s %12s %12s %14s\n' "$mode" "$r" "$n" "$cpu" "$h" "$m" "$per"
		echo "$mode $per" >>"$out/virtual"
	done
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
for mode in with without; do
	pct=$(awk -v m="$mode" '$1 == m { print $2 }' "$out/all" | median)
	rss=$(awk -v m="$mode" '$1 == m { print $6 }' "$out/all" | median)
	h=$(awk -v m="$mode" '$1 == m { print $4 + $5 }' "$out/all" | median)
	echo "median $mode: $pct% of one core, history threads $h s, max RSS $rss KB"
done
for mode in with without; do
	per=$(awk -v m="$mode" '$1 == m { print $2 }' "$out/virtual" | median)
	echo "median $mode, virtual time: $per ms of CPU per session"
done
