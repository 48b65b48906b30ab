#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The layer rule of docs/ARCHITECTURE.md, checked: every #include in drivers/
# and kiosk/ names a layer that its folder may include, and each library's
# header is included only where its adapter lives.  Prints every violation as
# file:line: what, and why; exits 1 when there is one.
#
#   check_layers.sh [SOURCE_DIR]
set -euo pipefail
top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top"

# folder -> the project layers its files may include (besides their own).
declare -A may=(
	[drivers]="drivers"
	[drivers/sim]="drivers drivers/sim"
	[kiosk/core]="core drivers"
	[kiosk/config]="config core drivers"
	[kiosk/ui]="ui core"
	[kiosk/store]="store core"
	[kiosk/service]="service config core drivers"
	[kiosk/mqtt]="mqtt store core config"
)
# system header pattern -> the only folders (or files) that may include it.
declare -A owner=(
	['<gpiod.h>']="drivers/gpio_gpiod.c drivers/gpio_gpiod2.c"
	['<SDL']="kiosk/ui"
	['<mosquitto.h>']="kiosk/mqtt"
	['<sqlite3.h>']="kiosk/store"
	['<ini.h>']="kiosk/config"
	['<crypt.h>']="kiosk/config kiosk/core/settings.c"
	['<cjson/']="kiosk/mqtt kiosk/store"
	['<systemd/']="kiosk/service"
)

status=0
fail() {
	echo "$1: $2" >&2
	status=1
}

layer_of_include() { # "core/x.h" -> core ; "drivers/sim/x.h" -> drivers/sim
	case $1 in
	drivers/sim/*) echo drivers/sim ;;
	drivers/*) echo drivers ;;
	*/*) echo "${1%%/*}" ;;
	*) echo "" ;;
	esac
}

while IFS= read -r file; do
	dir=$(dirname "$file")
	[ "$file" = kiosk/main.c ] && continue # wiring: may include everything
	allowed=${may[$dir]-}
	if [ -z "$allowed" ]; then
		fail "$file" "folder $dir has no layer rule; add it to tests/lint/check_layers.sh and docs/ARCHITECTURE.md"
		continue
	fi
	own=$(layer_of_include "${dir#kiosk/}/x.h")
	[ "$dir" = drivers ] && own=drivers
	[ "$dir" = drivers/sim ] && own=drivers/sim
	while IFS=: read -r line text; do
		[[ $text =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*(.*)$ ]] && inc=${BASH_REMATCH[1]}
		case $inc in
		\"*)
			path=${inc#\"}
			path=${path%%\"*}
			layer=$(layer_of_include "$path")
			if [ -z "$layer" ]; then
				fail "$file:$line" "#include \"$path\" does not name its layer; write \"<layer>/$path\""
			elif [ "$layer" != "$own" ] && [[ " $allowed " != *" $layer "* ]]; then
				fail "$file:$line" "$dir may not include $layer/ ($path); it may include: $allowed"
			elif [ "$path" = core/controller.h ] && [ "$dir" = kiosk/config ]; then
				fail "$file:$line" "the loaders may not include the controller"
			fi
			;;
		\<*)
			for pat in "${!owner[@]}"; do
				[[ $inc == "$pat"* ]] || continue
				ok=0
				for o in ${owner[$pat]}; do
					[[ $file == "$o" || $dir == "$o" ]] && ok=1
				done
				[ $ok = 1 ] || fail "$file:$line" "$inc belongs to ${owner[$pat]} only; go through that layer's interface"
			done
			;;
		esac
	done < <(grep -n -E '^[[:space:]]*#[[:space:]]*include' "$file" || true)
done < <(find drivers kiosk -name '*.[ch]' | sort)

if [ $status = 0 ]; then
	echo "layers: every include in drivers/ and kiosk/ follows docs/ARCHITECTURE.md"
fi
exit $status
