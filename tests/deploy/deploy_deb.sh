#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Debian package as a release builds it (packaging/build-deb.sh): its
# control fields (Depends computed by dpkg-shlibdeps), contents, conffiles
# and maintainer scripts checked with dpkg-deb; the package installed,
# upgraded, removed, reinstalled and purged with the real dpkg on an overlay
# of this machine (deb_cycle.sh); the packaged unit verified; and lintian
# reports no errors.
#   deploy_deb.sh SOURCE_DIR PKG_BUILD_DIR
set -uo pipefail
src=$1 pkgbuild=$2

fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in dpkg-deb dpkg-shlibdeps lintian; do
	command -v "$tool" >/dev/null || fail "$tool not found; install it with: apt-get install -y dpkg-dev lintian"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
deb=$("$src/packaging/build-deb.sh" "$pkgbuild" "$work/out" | tail -n 1) || fail "packaging/build-deb.sh failed"
[[ -f "$deb" ]] || fail "no .deb produced"
echo "package: $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# ---- control fields ---------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
arch=$(dpkg --print-architecture)
[[ "$(field Package)" == recovery-kiosk ]] || fail "Package is $(field Package)"
[[ "$(field Architecture)" == "$arch" ]] || fail "Architecture is $(field Architecture), not $arch"
[[ "$(field Version)" =~ ^[0-9]+\.[0-9]+\.[0-9]+-1$ ]] || fail "Version $(field Version) is not upstream-1"
[[ -n "$(field Maintainer)" ]] || fail "no Maintainer"
[[ -n "$(field Installed-Size)" ]] || fail "no Installed-Size"
[[ "$(field Section)" == misc && "$(field Priority)" == optional ]] || fail "Section/Priority"
depends=$(field Depends)
echo "Depends: $depends"
# Computed from the binary's libraries (dpkg-shlibdeps adds a version floor
# where the library's symbols file asks for one).
for lib in libc6 libsdl2-2.0-0 libsdl2-ttf-2.0-0 "libgpiod[23]" libmosquitto1 libsqlite3-0 \
           libsystemd0 libinih1 libcjson1 libcrypt1; do
	grep -qE "(^|, )$lib( \(>= [^)]+\))?(,|$)" <<<"$depends" || fail "Depends lacks $lib"
done
grep -qE "(^|, )libc6 \(>= [^)]+\)" <<<"$depends" || fail "libc6 has no version floor: not computed by dpkg-shlibdeps?"
for pkg in adduser init-system-helpers fonts-dejavu-core; do
	grep -qE "(^|, )$pkg( |,|$)" <<<"$depends" || fail "Depends lacks $pkg (used by the maintainer scripts)"
done
grep -qE 'lib(asan|ubsan)' <<<"$depends" && fail "the package links the sanitizers"
# What the shipped kiosk.conf and its commented TLS option use.
recommends=$(field Recommends)
echo "Recommends: $recommends"
for pkg in mosquitto ca-certificates gpiod; do
	grep -qE "(^|, )$pkg( |,|$)" <<<"$recommends" || fail "Recommends lacks $pkg"
done

# ---- contents ---------------------------------------------------------------
contents=$(dpkg-deb -c "$deb")
has() { grep -qE "^$1 +root/root +[0-9]+ [0-9-]+ [0-9:]+ \./${2#/}$" <<<"$contents" || fail "package lacks $2 ($1 root/root)"; }
has '-rwxr-xr-x' /usr/bin/recovery-kiosk
has '-rw-r--r--' /etc/recovery-kiosk/kiosk.conf
has '-rw-r--r--' /lib/systemd/system/recovery-kiosk.service
has '-rw-r--r--' /lib/udev/rules.d/60-recovery-kiosk-gpio.rules
has '-rw-r--r--' /usr/share/recovery-kiosk/programs.conf
has '-rw-r--r--' /usr/share/recovery-kiosk/screening.conf
has '-rw-r--r--' /usr/share/recovery-kiosk/kiosk.conf.example
has '-rw-r--r--' /usr/share/man/man1/recovery-kiosk.1.gz
# Fonts come from fonts-dejavu-core (Depends), linked, not copied.
for font in DejaVuSans.ttf DejaVuSans-Bold.ttf; do
	grep -qE "^lrwxrwxrwx root/root .* \./usr/share/recovery-kiosk/fonts/$font -> \.\./\.\./fonts/truetype/dejavu/$font$" <<<"$contents" \
		|| fail "fonts/$font is not a link to fonts-dejavu-core's file"
done
has '-rw-r--r--' /usr/share/doc/recovery-kiosk/copyright
has '-rw-r--r--' /usr/share/doc/recovery-kiosk/changelog.Debian.gz
has '-rw-r--r--' /usr/share/doc/recovery-kiosk/installers-guide.md
grep -q '\./usr/local' <<<"$contents" && fail "files under /usr/local"
grep -vqE ' root/root ' <<<"$contents" && fail "files not owned by root/root"

dpkg-deb -x "$deb" "$work/root"
file "$work/root/usr/bin/recovery-kiosk" | grep -q 'not stripped' && fail "binary not stripped"

# ---- control area: conffiles and maintainer scripts --------------------------
dpkg-deb -e "$deb" "$work/control"
[[ "$(cat "$work/control/conffiles")" == "/etc/recovery-kiosk/kiosk.conf" ]] \
	|| fail "conffiles is '$(cat "$work/control/conffiles")'"
for s in postinst prerm postrm; do
	[[ -x "$work/control/$s" ]] || fail "$s missing or not executable"
	sh -n "$work/control/$s" || fail "$s has a syntax error"
	grep -q '@[A-Z_]*@' "$work/control/$s" && fail "$s has an unsubstituted @VARIABLE@"
done
[[ -f "$work/control/md5sums" ]] || fail "no md5sums"

# The maintainer scripts with the real dpkg and deb-systemd-helper: install,
# upgrade, remove, reinstall, purge (deb_cycle.sh, on an overlay of this
# machine that changes nothing).
"$(dirname "$0")/deb_cycle.sh" "$deb"
case $? in
0) ;;
77) echo "package cycle: skipped (see above); maintainer scripts syntax-checked only" ;;
*) fail "the package cycle failed" ;;
esac

# ---- the packaged unit --------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$work/root/lib/systemd/system"
	cp -an /lib/systemd/system/. "$work/root/lib/systemd/system/" 2>/dev/null || true
	manargs=(--man=no)
	command -v man >/dev/null && manargs=() && export MANPATH=$work/root/usr/share/man
	out=$(systemd-analyze verify "${manargs[@]}" --root="$work/root" "$work/root/lib/systemd/system/recovery-kiosk.service" 2>&1) \
		&& [[ -z "$out" ]] || { echo "$out"; fail "the packaged unit does not verify cleanly"; }
	echo "packaged unit: verify clean"
fi

# ---- lintian ------------------------------------------------------------------
out=$(lintian --fail-on error --no-tag-display-limit "$deb" 2>&1); rc=$?
echo "$out"
[[ $rc -eq 0 ]] || fail "lintian reports errors (rc $rc)"
grep -q '^E: ' <<<"$out" && fail "lintian reports errors"
echo "lintian: no errors ($(grep -c '^W: ' <<<"$out") warnings, $(grep -c '^I: ' <<<"$out") info)"
echo "PASS"
