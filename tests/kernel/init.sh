#!/bin/sh
# SPDX-License-Identifier: MIT
# /init of the kernel test's initramfs (busybox sh, PID 1).
#
# Loads configfs.ko and gpio-sim.ko, proves gpio-sim works with a throw-away
# chip ("ktest-smoke", left live so the test's own chip is not gpiochip0 and
# lookup by label matters), then runs /gpio_kernel_test if the initramfs has
# one.  Every result is a line on the serial console:
#   KTEST BOOTED | KTEST PASS <check> | KTEST FAIL <check>: <why> |
#   KTEST EXIT <status> | KTEST DONE
# and the machine powers off (qemu runs with -no-reboot, panic=-1).
export PATH=/bin

say() { echo "KTEST $*"; }
finish() {
	say DONE
	sync
	poweroff -f
	sleep 5
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say BOOTED "$(uname -r)"

# Only emergencies and alerts on the console from here on, so kernel
# messages (the out-of-tree taint notice) do not split our result lines.
echo 2 >/proc/sys/kernel/printk

if ! insmod /lib/modules/configfs.ko || ! insmod /lib/modules/gpio-sim.ko; then
	say "FAIL boot_gpio_sim_chip: insmod failed: $(dmesg | tail -n 3 | tr '\n' ' ')"
	finish
fi
mount -t configfs configfs /sys/kernel/config

smoke_chip() {
	d=/sys/kernel/config/gpio-sim/ktest-smoke
	mkdir "$d" "$d/bank0" || return 1
	echo 4 >"$d/bank0/num_lines" || return 1
	echo ktest-smoke >"$d/bank0/label" || return 1
	mkdir "$d/bank0/line0" && echo smoke0 >"$d/bank0/line0/name" || return 1
	echo 1 >"$d/live" || return 1
	dev=$(cat "$d/dev_name") chip=$(cat "$d/bank0/chip_name")
	[ -c "/dev/$chip" ] || return 1
	sim=/sys/devices/platform/$dev/$chip/sim_gpio0
	echo pull-up >"$sim/pull" && [ "$(cat "$sim/value")" = 1 ] || return 1
	echo pull-down >"$sim/pull" && [ "$(cat "$sim/value")" = 0 ] || return 1
	echo "$dev/$chip"
}
if where=$(smoke_chip); then
	say "PASS boot_gpio_sim_chip ($where: configfs chip live, sim_gpio0 follows pull)"
else
	say "FAIL boot_gpio_sim_chip: could not create a gpio-sim chip through configfs"
	finish
fi

if [ -x /gpio_kernel_test ]; then
	/gpio_kernel_test
	rc=$?
	say EXIT "$rc"
	if [ "$rc" != 0 ]; then
		echo "--- dmesg tail ---"
		dmesg | tail -n 20
	fi
fi
finish
