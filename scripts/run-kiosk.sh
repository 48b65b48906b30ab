#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Sets up, builds and runs the kiosk in simulation with four stations.
# - Installs what is missing, builds a release binary under build/run.
# - Starts a private mosquitto on 127.0.0.1 (unless one already answers on
#   the configured port) and prints the mosquitto_sub line to watch stations.
# - Opens a window when there is a display; without one it runs headless and
#   says how to watch it (MQTT, or under Xvfb).
# Extra arguments go to recovery-kiosk (e.g. --check-config).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/build/run"
state="${KIOSK_RUN_DIR:-$here/build/run-state}"

"$here/scripts/setup-deps.sh" --run
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"

mkdir -p "$state"
port="${KIOSK_MQTT_PORT:-1883}"
broker_pid=""
cleanup() {
	if [[ -n "$broker_pid" ]]; then
		kill "$broker_pid" 2>/dev/null || true
		wait "$broker_pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT

if mosquitto_sub -h 127.0.0.1 -p "$port" -t '$SYS/broker/version' -C 1 -W 2 >/dev/null 2>&1; then
	echo "run-kiosk: using the MQTT broker already on 127.0.0.1:$port"
else
	cat >"$state/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
persistence false
set_tcp_nodelay true
CONF
	mosquitto -c "$state/mosquitto.conf" >"$state/mosquitto.log" 2>&1 &
	broker_pid=$!
	for _ in $(seq 50); do
		mosquitto_sub -h 127.0.0.1 -p "$port" -t '$SYS/broker/version' -C 1 -W 1 >/dev/null 2>&1 && break
	done
	echo "run-kiosk: started a private broker on 127.0.0.1:$port (log: $state/mosquitto.log)"
fi

# The sim config with the state folder and broker of this run.
conf="$state/kiosk.conf"
sed -e "s|^programs *=.*|programs = $here/assets/programs.conf|" \
    -e "s|^screening *=.*|screening = $here/assets/screening.conf|" \
    -e "s|^state_dir *=.*|state_dir = $state/var|" \
    -e "s|^port *=.*|port = $port|" \
    -e "s|^host *=.*|host = 127.0.0.1|" \
    "$here/assets/kiosk-sim.conf" >"$conf"

site=$(sed -n 's/^site *= *//p' "$conf" | head -n 1)
echo "run-kiosk: watch every station with:"
echo "    mosquitto_sub -h 127.0.0.1 -p $port -t 'recovery/$site/#' -v"
echo "run-kiosk: send a staff command with, for example:"
echo "    mosquitto_pub -h 127.0.0.1 -p $port -t 'recovery/$site/station-1/cmd' -m '{\"action\":\"stop\",\"request_id\":\"r1\"}'"

args=(--sim --config "$conf" --assets "$here/assets")
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && ! -e /dev/dri/card0 ]]; then
	echo "run-kiosk: no display here, running headless (Ctrl-C to stop)."
	echo "run-kiosk: to see the screen, run under a virtual display:  xvfb-run -s '-screen 0 1024x600x24' scripts/run-kiosk.sh"
	args+=(--headless)
fi
# Run in the background and pass INT/TERM on, so the kiosk vents and says
# offline before the private broker goes.
"$build/kiosk/recovery-kiosk" "${args[@]}" "$@" &
kiosk_pid=$!
trap 'kill -TERM "$kiosk_pid" 2>/dev/null' INT TERM
status=0
wait "$kiosk_pid" || status=$?
# A signal interrupts the first wait; the second collects the exit status.
if kill -0 "$kiosk_pid" 2>/dev/null; then
	wait "$kiosk_pid" || status=$?
fi
exit "$status"
