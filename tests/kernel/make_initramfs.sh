#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build the kernel test's initramfs (newc cpio, gzip):
#
#   make_initramfs.sh <kernel-dir> <init-script> <out.cpio.gz> [<static program>]
#
# <kernel-dir> is what fetch_packages.sh printed (busybox, configfs.ko,
# gpio-sim.ko).  The program, when given, becomes /gpio_kernel_test; it must
# be statically linked (the initramfs has no libc).  busybox's own cpio
# applet writes the archive, so the host needs no cpio package.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=kernel_lib.sh
. "$here/kernel_lib.sh"

(($# == 3 || $# == 4)) || kt_fail "usage: make_initramfs.sh <kernel-dir> <init> <out.cpio.gz> [<program>]"
kdir=$1 init=$2 out=$3 prog=${4:-}

stage=$(mktemp -d "${out%/*}/initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,lib/modules}
cp "$kdir/busybox" "$stage/bin/busybox"
for applet in sh mount umount insmod mkdir rmdir echo cat ls sleep poweroff dmesg tail tr uname sync; do
	ln -s busybox "$stage/bin/$applet"
done
cp "$kdir/configfs.ko" "$kdir/gpio-sim.ko" "$stage/lib/modules/"
install -m 0755 "$init" "$stage/init"
if [[ -n "$prog" ]]; then
	if file_out=$(LC_ALL=C readelf -l "$prog" 2>/dev/null) && grep -q 'INTERP' <<<"$file_out"; then
		kt_fail "$prog is dynamically linked; the initramfs needs a static program"
	fi
	install -m 0755 "$prog" "$stage/gpio_kernel_test"
fi
(cd "$stage" && find . | LC_ALL=C sort | "$kdir/busybox" cpio -o -H newc -R 0:0 2>/dev/null) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
