#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build gpio-sim.ko for the systemd test: the kernel's gpio-sim, built out of
# tree exactly as tests/kernel/build_gpio_sim.sh does (same Debian packages,
# same irq_sim fold-in), plus one module parameter, pi_pins, that makes the
# simulated lines behave like a Raspberry Pi's header pins where that matters
# for the vent:
#
#   pi_pins=1  a released line KEEPS the level it was last driven to (a Pi's
#              pin stays an output at its last level when the process that
#              drove it exits; stock gpio-sim returns it to its pull), and a
#              consumer's bias request does not move the level (the external
#              circuit wins: an NC stop button to ground reads low whatever
#              internal pull-up the kiosk asks for).  The test sets each
#              line's resting level through sysfs (sim_gpioN/pull), as the
#              installer's resistors do.
#   pi_pins=0  stock gpio-sim (the default).
#
# So an output read through sysfs after a crash shows what the last process
# really drove, not the pull: only a real vent brings an energised line back.
#
#   build_gpio_sim_pi.sh <out.ko>
#
# The kernel packages come from tests/kernel/fetch_packages.sh (its cache);
# prints nothing on stdout.  Exit 77 when they cannot be had.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=systemd_lib.sh
. "$here/systemd_lib.sh"

(($# == 1)) || st_fail "usage: build_gpio_sim_pi.sh <out.ko>"
out=$1
kdir=$("$here/../kernel/fetch_packages.sh") || exit $?
abi=$(cat "$kdir/abi")
version=$(awk '/^linux-image-/ { print $2 }' "$kdir/packages")
series=${abi%.*-*}
debs="$(dirname "$kdir")/debs"
pick() {
	local f
	for f in "$debs/${1}_"*.deb; do
		[[ -e "$f" && "$(dpkg-deb -f "$f" Version)" == "$version" ]] && { printf '%s\n' "$f"; return 0; }
	done
	st_fail "no $1=$version in $debs (tests/kernel/fetch_packages.sh keeps it)"
}
headers=$(pick "linux-headers-$abi-amd64")
common=$(pick "linux-headers-$abi-common")
kbuild=$(pick "linux-kbuild-$series")
source=$(pick "linux-source-$series")
st_need_tool make make
st_need_tool gcc gcc

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/unpack" mod="$work/module" src="$work/src"
mkdir -p "$root" "$mod" "$src"
for deb in "$headers" "$common" "$kbuild"; do
	dpkg-deb -x "$deb" "$root"
done
hdr="$root/usr/src/linux-headers-$abi-amd64"
[[ -f "$hdr/Makefile" ]] || st_fail "no $hdr/Makefile in $headers"
sed -i "s#^include /usr/src/#include $root/usr/src/#" "$hdr/Makefile"

want=(linux-source-*/drivers/gpio/gpio-sim.c linux-source-*/drivers/gpio/gpiolib.h
	linux-source-*/kernel/irq/irq_sim.c)
set +o pipefail
dpkg-deb --fsys-tarfile "$source" 2>/dev/null |
	tar -xO --wildcards './usr/src/linux-source-*.tar.xz' 2>/dev/null |
	tar -xJ -C "$src" --wildcards --occurrence=1 "${want[@]}" 2>/dev/null
set -o pipefail
tree=$(find "$src" -mindepth 1 -maxdepth 1 -type d -name 'linux-source-*' | head -n 1)
for f in drivers/gpio/gpio-sim.c drivers/gpio/gpiolib.h kernel/irq/irq_sim.c; do
	[[ -n "$tree" && -s "$tree/$f" ]] || st_fail "$f is not in $source"
done

cp "$tree/drivers/gpio/gpiolib.h" "$mod/gpiolib.h"
sed 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' \
	"$tree/kernel/irq/irq_sim.c" >"$mod/irq_sim.c"
grep -q 'generic_handle_irq(irqnum);' "$mod/irq_sim.c" ||
	st_fail "kernel/irq/irq_sim.c no longer calls handle_simple_irq(irq_to_desc(irqnum)); update $0"

# The pi_pins patch: a parameter, an early return for bias requests in
# gpio_sim_set_config(), and gpio_sim_free() leaving the value alone.
awk '
	/^static int gpio_sim_apply_pull\(/ && !param {
		print "static bool pi_pins;"
		print "module_param(pi_pins, bool, 0444);"
		print "MODULE_PARM_DESC(pi_pins, \"released lines keep their level and consumer bias is ignored, like a Raspberry Pi header\");"
		print ""
		param = 1
	}
	/^static int gpio_sim_set_config\(/ { in_cfg = 1 }
	in_cfg && /switch \(pinconf_to_config_param\(config\)\)/ {
		print "\tif (pi_pins && (pinconf_to_config_param(config) == PIN_CONFIG_BIAS_PULL_UP ||"
		print "\t\t\tpinconf_to_config_param(config) == PIN_CONFIG_BIAS_PULL_DOWN))"
		print "\t\treturn 0;"
		print ""
		in_cfg = 0; cfg = 1
	}
	/^static void gpio_sim_free\(/ { in_free = 1 }
	in_free && /__assign_bit\(offset, chip->value_map, !!test_bit\(offset, chip->pull_map\)\);/ {
		print "\tif (!pi_pins)"
		sub(/^\t/, "\t\t"); print; in_free = 0; freed = 1; next
	}
	{ print }
	END { if (!(param && cfg && freed)) exit 3 }
' "$tree/drivers/gpio/gpio-sim.c" >"$mod/gpio-sim-main.c" ||
	st_fail "drivers/gpio/gpio-sim.c no longer has the functions the pi_pins patch changes; update $0"
printf 'obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\n' >"$mod/Kbuild"

st_log "building gpio-sim.ko (pi_pins) for $abi"
if ! make -s -C "$hdr" M="$mod" modules >"$mod/build.log" 2>&1; then
	cat "$mod/build.log" >&2
	st_fail "gpio-sim.ko (pi_pins) did not build (log above)"
fi
strip --strip-debug -o "$out.tmp" "$mod/gpio-sim.ko"
mv "$out.tmp" "$out"
