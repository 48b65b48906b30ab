#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs every Debian package recovery-kiosk needs to build, run and test.
# Safe to run again: apt-get skips what is already there.
#   scripts/setup-deps.sh          build + run + test dependencies
#   scripts/setup-deps.sh --run    only what building and running needs
set -euo pipefail

run_pkgs=(
	build-essential cmake pkg-config
	libsdl2-dev libsdl2-ttf-dev
	libgpiod-dev gpiod
	libmosquitto-dev mosquitto mosquitto-clients
	libinih-dev libcjson-dev libsqlite3-dev sqlite3 zlib1g-dev
	libsystemd-dev libcrypt-dev
	gettext
)
test_pkgs=(
	libcmocka-dev
	xvfb xdotool x11-apps imagemagick libx11-dev
	clang libclang-rt-14-dev openssl
	systemd dpkg-dev lintian file
	qemu-system-x86 busybox-static cpio
	mmdebstrap e2fsprogs qemu-user-static
	nodejs chromium fonts-dejavu-core
	python3-paho-mqtt python3-jsonschema python3-jinja2
)

# The staff dashboard (web/): MQTT.js, esbuild and puppeteer-core from the
# npm registry, exactly as web/package-lock.json pins them.  Debian's npm
# only where the installed nodejs does not bring its own.
web_deps() {
	[[ "${1:-}" == "--run" ]] && return 0
	if ! command -v npm >/dev/null; then
		$SUDO apt-get install -y -qq --no-install-recommends npm
	fi
	local web
	web="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/web"
	if [[ ! -d "$web/node_modules" || "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]]; then
		echo "setup-deps: npm ci in $web"
		(cd "$web" && npm ci --no-audit --no-fund)
	fi
}

# On an x86-64 machine, building includes the arm64 package for the Pi
# (scripts/build-deb-arm64.sh): Debian's cross compiler, and mmdebstrap for
# the arm64 sysroot.
if [[ "$(dpkg --print-architecture)" == amd64 ]]; then
	run_pkgs+=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross mmdebstrap dpkg-dev file)
fi

pkgs=("${run_pkgs[@]}")
if [[ "${1:-}" != "--run" ]]; then
	pkgs+=("${test_pkgs[@]}")
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
	SUDO="sudo"
fi
if ((${#missing[@]} == 0)); then
	echo "setup-deps: all ${#pkgs[@]} packages present"
	web_deps "${1:-}"
	exit 0
fi

echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Packages such as mosquitto try to start their service on install; inside a
# container without systemd that is harmless, on a desktop the broker is left
# as Debian configures it (loopback only).
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
web_deps "${1:-}"
