#!/bin/sh
# SPDX-License-Identifier: MIT
# mmdebstrap --customize-hook for the systemd test's root file system
# (make_rootfs.sh): $1 is the root.  Adds only what is the same for every
# run; the test itself arrives on a second disk (/dev/vdb) at each boot.
set -eu
root=$1

# The one unit of the test: mount the payload disk and run its script.
cat >"$root/etc/systemd/system/vmtest.service" <<'UNIT'
[Unit]
Description=recovery-kiosk systemd test (payload on /dev/vdb)
After=multi-user.target systemd-udev-settle.service
Wants=systemd-udev-settle.service

[Service]
Type=oneshot
ExecStartPre=/bin/mkdir -p /mnt/payload
ExecStartPre=/bin/mount /dev/vdb /mnt/payload
ExecStart=/bin/bash /mnt/payload/run.sh
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/vmtest.service "$root/etc/systemd/system/multi-user.target.wants/vmtest.service"

# Nothing else may take the dpkg lock or the CPU while the test runs.
for t in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
	ln -sf /dev/null "$root/etc/systemd/system/$t"
done
echo vmtest >"$root/etc/hostname"
printf '/dev/vda / ext4 rw,noatime 0 1\n' >"$root/etc/fstab"
