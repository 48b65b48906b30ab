#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `cmake --install` puts everything where the unit and the binary expect it:
# into a temporary DESTDIR, and (for a non-/usr prefix) relocated with
# --prefix into a temporary folder with nothing written outside it.
#   deploy_install.sh BUILD_DIR PREFIX BINARY DATADIR ETCDIR UNITDIR DOCDIR UDEVDIR MANDIR
set -uo pipefail
build=$1 prefix=$2 binary=$3 datadir=$4 etcdir=$5 unitdir=$6 docdir=$7 udevdir=$8 mandir=$9

fail() { echo "FAIL: $*" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
DESTDIR=$root/dest cmake --install "$build" >"$root/install.log" 2>&1 || { cat "$root/install.log"; fail "cmake --install failed"; }
d=$root/dest

want() { # path mode
	[[ -f "$d$1" ]] || fail "missing $1"
	local mode
	mode=$(stat -L -c %a "$d$1")
	[[ "$mode" == "$2" ]] || fail "$1 has mode $mode, expected $2"
}
want "$binary" 755
want "$datadir/programs.conf" 644
want "$datadir/screening.conf" 644
want "$datadir/kiosk.conf.example" 644
want "$datadir/fonts/DejaVuSans.ttf" 644
want "$datadir/fonts/DejaVuSans-Bold.ttf" 644
want "$etcdir/kiosk.conf" 644
want "$unitdir/recovery-kiosk.service" 644
want "$udevdir/60-recovery-kiosk-gpio.rules" 644
want "$docdir/installers-guide.md" 644
want "$mandir/man1/recovery-kiosk.1.gz" 644
gzip -t "$d$mandir/man1/recovery-kiosk.1.gz" || fail "the manual page is not gzip"
want "$docdir/copyright" 644
want "$docdir/changelog.Debian.gz" 644
gzip -t "$d$docdir/changelog.Debian.gz" || fail "changelog.Debian.gz is not gzip"

# The live config points at the files this install put in place.
conf=$d$etcdir/kiosk.conf
grep -qxF "programs = $datadir/programs.conf" "$conf" || fail "kiosk.conf programs= does not point to $datadir"
grep -qxF "screening = $datadir/screening.conf" "$conf" || fail "kiosk.conf screening= does not point to $datadir"
grep -qxF "state_dir = /var/lib/recovery-kiosk" "$conf" || fail "kiosk.conf state_dir is not the unit's StateDirectory"
cmp -s "$conf" "$d$datadir/kiosk.conf.example" || fail "kiosk.conf.example differs from the installed kiosk.conf"
# The unit runs this binary with this config.
grep -qxF "ExecStart=$binary --config $etcdir/kiosk.conf" "$d$unitdir/recovery-kiosk.service" \
	|| fail "the unit's ExecStart does not match the installed binary and config"

# The installed binary accepts the installed config as shipped (only its
# paths moved into DESTDIR): no password file or CA to create first.  This
# machine has no GPIO chips, so the hardware part looks at simulated ones
# (--sim); without them it must name the missing chips.
sed -e "s|^programs = |programs = $d|" -e "s|^screening = |screening = $d|" \
    -e "s|^state_dir = .*|state_dir = $root/state|" "$conf" >"$root/kiosk.conf"
mkdir -p "$root/state"
out=$("$d$binary" --check-config --sim --config "$root/kiosk.conf" 2>&1) || { echo "$out"; fail "--check-config rejects the installed example config"; }
echo "$out"
if ! ls /dev/gpiochip* >/dev/null 2>&1; then
	out=$("$d$binary" --check-config --config "$root/kiosk.conf" 2>&1); rc=$?
	[[ $rc -eq 78 ]] && grep -q 'GPIO chip "gpiochip0" not found' <<<"$out" \
		|| { echo "$out"; fail "--check-config without GPIO chips: rc $rc, want 78 naming the chip"; }
	echo "without GPIO chips: refused, naming them (rc 78)"
fi

echo "DESTDIR layout: ok ($(find "$d" -type f | wc -l) files)"
find "$d" -type f | sed "s|^$d||" | sort

# Relocation: everything under --prefix, nothing outside (not for /usr,
# whose /etc and /lib/systemd paths are absolute on purpose).
if [[ "$prefix" != "/usr" ]]; then
	p=$root/relocated
	cmake --install "$build" --prefix "$p" >"$root/install2.log" 2>&1 || { cat "$root/install2.log"; fail "cmake --install --prefix failed"; }
	manifest=$build/install_manifest.txt
	[[ -s "$manifest" ]] || fail "no install manifest"
	outside=$(grep -v "^$p/" "$manifest" || true)
	[[ -z "$outside" ]] || fail "installed outside the prefix: $outside"
	[[ -x "$p/bin/recovery-kiosk" ]] || fail "relocated binary missing"
	[[ -f "$p/lib/systemd/system/recovery-kiosk.service" ]] || fail "relocated unit missing"
	echo "relocated install: ok"
fi
echo "PASS"
