#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The package's whole life with the real dpkg, the real maintainer scripts
# and the real deb-systemd-helper, in a private copy of this machine (an
# overlay over / in a private mount namespace, so nothing here changes):
# install, upgrade, remove, reinstall, an admin's disable kept over an
# upgrade, purge, install again.  systemd itself is a stub that logs its
# calls (/run/systemd/system exists, so the scripts talk to it); the unit on
# a real systemd is the QEMU test's (tests/systemd).  After each step the
# enablement symlink, the mask, the conffile, the user, the state folder and
# the systemctl calls are checked.
#   deb_cycle.sh DEB
# 77 = skipped (not root, or no overlay mounts here).
set -uo pipefail
deb=$(realpath "$1")

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
[[ $EUID -eq 0 ]] || skip "needs root for a private mount namespace"
for tool in unshare dpkg-deb; do
	command -v "$tool" >/dev/null || skip "$tool not found"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The upgrade: the same package one Debian revision up.
version=$(dpkg-deb -f "$deb" Version)
upgrade_version="$version+1"
dpkg-deb -R "$deb" "$work/pkg" || fail "cannot unpack $deb"
sed -i "s/^Version: .*/Version: $upgrade_version/" "$work/pkg/DEBIAN/control"
dpkg-deb --root-owner-group -b "$work/pkg" "$work/upgrade.deb" >/dev/null || fail "cannot build the upgrade"
cp "$deb" "$work/install.deb"

# Everything below runs inside the namespace, on the overlay.
cat >"$work/cycle.sh" <<'CYCLE'
set -uo pipefail
work=$1 version=$2 upgrade_version=$3
root=$work/root
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$root" "$work/upper" "$work/ovl"
mount -t overlay overlay -o "lowerdir=/,upperdir=$work/upper,workdir=$work/ovl" "$root" \
	|| { echo "SKIP: no overlay mounts here"; exit 77; }
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount -t tmpfs tmpfs "$root/run"
mount -t tmpfs tmpfs "$root/tmp"
mkdir -p "$root/run/systemd/system" "$root/usr/local/sbin"
# A container's policy-rc.d forbids every service action; a Pi has none.
rm -f "$root/usr/sbin/policy-rc.d"
cp "$work/install.deb" "$work/upgrade.deb" "$root/tmp/"
# systemd: a stub that logs every call.  Calls on a --root (the file work
# deb-systemd-helper hands to systemctl: preset, enable, mask) go to the
# real systemctl, which does them offline; the rest (daemon-reload, stop,
# try-restart, is-active, is-enabled) succeed and change nothing.
cat >"$root/usr/local/sbin/systemctl" <<'STUB'
#!/bin/sh
echo "systemctl $*" >>/tmp/systemctl.log
case " $* " in
*" --root="*) exec /usr/bin/systemctl "$@" ;;
esac
exit 0
STUB
chmod +x "$root/usr/local/sbin/systemctl"

in_root() { chroot "$root" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
step() { # name, dpkg args...
	echo "== $1"
	: >"$root/tmp/systemctl.log"
	in_root dpkg --force-depends "${@:2}" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "$1: dpkg ${*:2} failed"; }
}
calls() { cat "$root/tmp/systemctl.log"; }
called() { grep -qE "$1" "$root/tmp/systemctl.log" || { calls; fail "$2"; }; }
not_called() { grep -qE "$1" "$root/tmp/systemctl.log" && { calls; fail "$2"; }; return 0; }
wants=$root/etc/systemd/system/multi-user.target.wants/recovery-kiosk.service
mask=$root/etc/systemd/system/recovery-kiosk.service
conf=$root/etc/recovery-kiosk/kiosk.conf
state=$root/var/lib/recovery-kiosk
enabled() { [[ -L "$wants" ]] || fail "$1: the unit is not enabled"; }
disabled() { [[ -L "$wants" ]] && fail "$1: the unit is enabled"; return 0; }
unmasked() { [[ -e "$mask" || -L "$mask" ]] && fail "$1: the unit is masked ($(readlink "$mask"))"; return 0; }
masked() { [[ "$(readlink "$mask")" == /dev/null ]] || fail "$1: the unit is not masked"; }
status() { in_root dpkg-query -W -f='${Status} ${Version}' recovery-kiosk 2>/dev/null; }

step "install $version" -i /tmp/install.deb
[[ "$(status)" == "install ok installed $version" ]] || fail "install: status '$(status)'"
in_root getent passwd recovery-kiosk >/dev/null || fail "install: no recovery-kiosk user"
in_root id -nG recovery-kiosk | grep -qw gpio || fail "install: the user is not in gpio"
owner=$(in_root stat -c '%a %U:%G' /etc/recovery-kiosk/kiosk.conf)
[[ "$owner" == "640 root:recovery-kiosk" ]] || fail "install: kiosk.conf is $owner"
enabled install; unmasked install
called '^systemctl --system daemon-reload$' "install: no daemon-reload"
not_called '(start|restart) ' "install: a fresh install starts the kiosk"
# The service has run: its state folder holds the database and pin map.
mkdir -p "$state" && echo x >"$state/pin-map.conf"

step "upgrade to $upgrade_version" -i /tmp/upgrade.deb
[[ "$(status)" == "install ok installed $upgrade_version" ]] || fail "upgrade: status '$(status)'"
called '^systemctl try-restart recovery-kiosk.service$' "upgrade: a running kiosk is not restarted"
not_called ' stop ' "upgrade: the kiosk is stopped (prerm) instead of restarted"
enabled upgrade; unmasked upgrade
[[ -f "$state/pin-map.conf" ]] || fail "upgrade: the state folder is gone"

step "remove" -r recovery-kiosk
[[ "$(status)" == "deinstall ok config-files $upgrade_version" ]] || fail "remove: status '$(status)'"
called '^systemctl stop recovery-kiosk.service$' "remove: the kiosk is not stopped (its ExecStopPost vents)"
masked remove
[[ -f "$conf" ]] || fail "remove: the conffile is gone (only purge removes it)"
[[ -f "$state/pin-map.conf" ]] || fail "remove: the state folder is gone (only purge removes it)"
[[ -e "$root/usr/bin/recovery-kiosk" ]] && fail "remove: the binary is still there"

step "reinstall" -i /tmp/upgrade.deb
[[ "$(status)" == "install ok installed $upgrade_version" ]] || fail "reinstall: status '$(status)'"
unmasked reinstall; enabled reinstall

# The admin disables the kiosk (systemctl disable); an upgrade keeps that.
rm -f "$wants"
step "reinstall over a disabled kiosk" -i /tmp/upgrade.deb
disabled "upgrade of a disabled kiosk"; unmasked "upgrade of a disabled kiosk"

step "purge" -P recovery-kiosk
[[ -z "$(status)" || "$(status)" == "unknown ok not-installed "* ]] || fail "purge: status '$(status)'"
disabled purge; unmasked purge
[[ -e "$conf" ]] && fail "purge: kiosk.conf is still there"
[[ -e "$state" ]] && fail "purge: $state is still there"
ls "$root"/var/lib/systemd/deb-systemd-helper-enabled/ 2>/dev/null | grep -q recovery-kiosk \
	&& fail "purge: deb-systemd-helper still remembers the unit"

step "install after purge" -i /tmp/install.deb
enabled "install after purge"; unmasked "install after purge"
not_called '(start|restart) ' "install after purge: the kiosk is started"
echo "package cycle: install, upgrade, remove, reinstall, admin's disable, purge, install: ok"
CYCLE

unshare -m --propagation private bash "$work/cycle.sh" "$work" "$version" "$upgrade_version"
