#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build (or find in the cache) the Debian 12 root file system the systemd
# test boots, and print the folder that holds it:
#
#   <dir>/root/        the tree (mmdebstrap --variant=minbase, systemd as
#                      PID 1, udev, dbus, kmod, gpiod, the kernel image whose
#                      version tests/kernel builds gpio-sim.ko for); apt's
#                      lists are kept, so the guest can `apt install ./x.deb`
#                      offline once the .debs are in its archive folder
#   <dir>/disk.img     an ext4 image of root/ (mke2fs -d, no loop mounts);
#                      qemu boots it with snapshot=on, so it stays pristine
#   <dir>/vmlinuz, <dir>/initrd.img   the guest's kernel and initramfs
#   <dir>/kver         the kernel release (uname -r)
#
#   make_rootfs.sh <kernel-abi> <kernel-version>
#
# From the Debian archive this machine's apt is configured with (the bookworm
# sources file in /etc/apt), as root with mmdebstrap --mode=root.  Exit 77
# when that cannot be done here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=systemd_lib.sh
. "$here/systemd_lib.sh"

# Bump when the recipe (packages, hook, image size) changes.
ST_ROOTFS_RECIPE=1

(($# == 2)) || st_fail "usage: make_rootfs.sh <kernel-abi> <kernel-version>"
abi=$1 version=$2
kver="$abi-amd64"
cache=$(st_cache_root)
dir="$cache/rootfs-bookworm-$version"
packages="systemd-sysv,udev,dbus,kmod,procps,gpiod,linux-image-$kver,initramfs-tools"

complete() {
	[[ -f "$dir/.complete" && "$(cat "$dir/.complete")" == "$ST_ROOTFS_RECIPE" ]]
}

build() {
	if complete; then
		printf '%s\n' "$dir"
		return 0
	fi
	[[ $(id -u) -eq 0 ]] || st_skip "building the root file system needs root (mmdebstrap --mode=root)"
	st_need_tool mmdebstrap mmdebstrap
	st_need_tool mke2fs e2fsprogs
	local sources
	sources=$(st_debian_sources) || st_skip "no bookworm Debian archive in /etc/apt (sources.list or sources.list.d)"

	rm -rf "$dir"
	mkdir -p "$dir"
	st_log "mmdebstrap bookworm ($packages) from $sources; a few minutes"
	local log="$dir/mmdebstrap.log"
	if ! mmdebstrap --mode=root --variant=minbase --format=directory \
		--skip=cleanup/apt/lists --skip=cleanup/apt/cache \
		--include="$packages" \
		--customize-hook="$here/rootfs_customize.sh" \
		bookworm "$dir/root" "$sources" >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		if grep -qiE 'could not resolve|failed to fetch|temporary failure|unable to locate|connection' "$log"; then
			st_skip "mmdebstrap cannot reach the Debian archive (log: $log)"
		fi
		st_fail "mmdebstrap failed (log above, full log $log)"
	fi
	local got
	got=$(chroot "$dir/root" dpkg-query -W -f='${Version}' "linux-image-$kver" 2>/dev/null || true)
	[[ "$got" == "$version" ]] ||
		st_fail "the root file system has linux-image-$kver '$got', not $version (the archive moved on?)"
	cp "$dir/root/boot/vmlinuz-$kver" "$dir/vmlinuz"
	cp "$dir/root/boot/initrd.img-$kver" "$dir/initrd.img"
	printf '%s\n' "$kver" >"$dir/kver"
	# Room for the package, its dependencies and the journal.
	local mb=$(( $(du -sm "$dir/root" | cut -f1) + 1536 ))
	st_log "ext4 image of $(du -sh "$dir/root" | cut -f1) (${mb} MiB)"
	mke2fs -q -t ext4 -L vmtest -d "$dir/root" "$dir/disk.img" "${mb}M" ||
		st_fail "mke2fs -d could not make the image"
	printf '%s\n' "$ST_ROOTFS_RECIPE" >"$dir/.complete"
	# One root file system at a time.
	local d
	for d in "$cache"/rootfs-*/; do
		[[ "${d%/}" == "$dir" ]] || rm -rf "${d%/}"
	done
	printf '%s\n' "$dir"
}

st_with_cache_lock build
