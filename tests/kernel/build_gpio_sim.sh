#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build gpio-sim.ko out of tree for a Debian 12 kernel, into <dir>/gpio-sim.ko.
#
#   build_gpio_sim.sh <dir> <linux-headers-ABI-amd64.deb>
#       <linux-headers-ABI-common.deb> <linux-kbuild-6.1.deb> <linux-source-6.1.deb>
#
# Debian 12 kernels have CONFIG_GPIO_SIM and CONFIG_IRQ_SIM unset, so:
#  - drivers/gpio/gpio-sim.c (+ its private gpiolib.h) and kernel/irq/irq_sim.c
#    come from linux-source (same package version as the image);
#  - irq_sim.c is compiled INTO the module, with its one call to the
#    unexported irq_to_desc() (`handle_simple_irq(irq_to_desc(irqnum))`)
#    replaced by the exported generic_handle_irq(irqnum), which runs the
#    same flow handler (irq_sim maps every irq with handle_simple_irq);
#  - the headers packages are unpacked side by side so their relative
#    symlinks to linux-kbuild resolve, and the arch Makefile's absolute
#    `include /usr/src/...common/Makefile` is rewritten to the unpacked path.
# Nothing is installed; the unpacked trees are removed afterwards.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=kernel_lib.sh
. "$here/kernel_lib.sh"

(($# == 5)) || kt_fail "usage: build_gpio_sim.sh <dir> <headers.deb> <common.deb> <kbuild.deb> <source.deb>"
dir=$1 headers=$2 common=$3 kbuild=$4 source=$5
abi=$(cat "$dir/abi")
kt_need_tool make make
kt_need_tool gcc gcc

root="$dir/unpack"
mod="$dir/module"
rm -rf "$root" "$mod"
mkdir -p "$root" "$mod"

for deb in "$headers" "$common" "$kbuild"; do
	dpkg-deb -x "$deb" "$root"
done
hdr="$root/usr/src/linux-headers-$abi-amd64"
[[ -f "$hdr/Makefile" ]] || kt_fail "no $hdr/Makefile in $headers"
sed -i "s#^include /usr/src/#include $root/usr/src/#" "$hdr/Makefile"
grep -q "^include $root/" "$hdr/Makefile" ||
	kt_fail "$hdr/Makefile does not include the common headers by /usr/src path any more; update build_gpio_sim.sh"

# Three files out of the 138 MB source tarball.  --occurrence stops tar once
# they are found (gpio comes before kernel/), so dpkg-deb's pipe may break.
src="$root/src"
mkdir -p "$src"
want=(linux-source-*/drivers/gpio/gpio-sim.c linux-source-*/drivers/gpio/gpiolib.h
	linux-source-*/kernel/irq/irq_sim.c)
set +o pipefail
dpkg-deb --fsys-tarfile "$source" 2>/dev/null |
	tar -xO --wildcards './usr/src/linux-source-*.tar.xz' 2>/dev/null |
	tar -xJ -C "$src" --wildcards --occurrence=1 "${want[@]}" 2>/dev/null
set -o pipefail
tree=$(find "$src" -mindepth 1 -maxdepth 1 -type d -name 'linux-source-*' | head -n 1)
for f in drivers/gpio/gpio-sim.c drivers/gpio/gpiolib.h kernel/irq/irq_sim.c; do
	[[ -n "$tree" && -s "$tree/$f" ]] || kt_fail "$f is not in $source"
done

# The module is gpio-sim.ko made of two objects, so the driver source is
# renamed (kbuild cannot have gpio-sim.c next to a composite gpio-sim.o).
cp "$tree/drivers/gpio/gpio-sim.c" "$mod/gpio-sim-main.c"
cp "$tree/drivers/gpio/gpiolib.h" "$mod/gpiolib.h"
sed 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' \
	"$tree/kernel/irq/irq_sim.c" >"$mod/irq_sim.c"
grep -q 'generic_handle_irq(irqnum);' "$mod/irq_sim.c" && ! grep -q 'irq_to_desc' "$mod/irq_sim.c" ||
	kt_fail "kernel/irq/irq_sim.c no longer calls handle_simple_irq(irq_to_desc(irqnum)); update build_gpio_sim.sh"
printf 'obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\n' >"$mod/Kbuild"

kt_log "building gpio-sim.ko for $abi"
if ! make -s -C "$hdr" M="$mod" modules >"$mod/build.log" 2>&1; then
	cat "$mod/build.log" >&2
	kt_fail "gpio-sim.ko did not build (log above)"
fi
# Debug info is 90% of the file; the initramfs does not need it.
strip --strip-debug -o "$dir/gpio-sim.ko" "$mod/gpio-sim.ko"
rm -rf "$root" "$mod"
kt_log "built $(du -k "$dir/gpio-sim.ko" | cut -f1) KiB gpio-sim.ko"
