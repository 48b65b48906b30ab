#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The installer's path on a real systemd (issue 13): boot a Debian 12 root
# file system with systemd as PID 1 under qemu (TCG), with gpio-sim carrying
# the Pi's chip labels, and inside it install the package as an installer
# does and fault it (guest/run.sh says what, step by step).  Registered with
# ctest (tests/systemd/CMakeLists.txt, label systemd).
#
#   run_systemd_test.sh --source-dir <repo> --work-dir <dir> --pkg-build-dir <dir>
#
#   --pkg-build-dir  where packaging/build-deb.sh builds the release tree
#                    (shared with deploy_deb: an incremental build when warm)
#
# Cached between runs (KIOSK_SYSTEMD_CACHE, default
# ${XDG_CACHE_HOME:-~/.cache}/recovery-kiosk/systemd): the root file system
# and its disk image (make_rootfs.sh), the patched gpio-sim.ko, and the
# package's dependencies (.debs) for the offline install.  The kernel packages
# are tests/kernel's cache.
#
# Exit: 0 every check passed; 1 a failure; 77 skipped because this machine
# cannot run it (no qemu, no mmdebstrap, no Debian archive), with the reason.
# Environment: KIOSK_SYSTEMD_BOOT_TIMEOUT_S (default 2400), and the limits
# the guest checks against: KIOSK_SYSTEMD_VENT_LIMIT_MS (default 10000: every
# output de-energised this long after a fault), KIOSK_SYSTEMD_WATCHDOG_LIMIT_MS
# (10000), KIOSK_SYSTEMD_ACTIVE_LIMIT_MS (60000), KIOSK_SYSTEMD_ENERGISE_LIMIT_MS
# (60000).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=systemd_lib.sh
. "$here/systemd_lib.sh"

# Bump when build_gpio_sim_pi.sh changes.
GPIO_SIM_PI_RECIPE=1

repo="" work="" pkgbuild=""
while (($#)); do
	case "$1" in
	--source-dir) repo=$2; shift 2 ;;
	--work-dir) work=$2; shift 2 ;;
	--pkg-build-dir) pkgbuild=$2; shift 2 ;;
	*) st_fail "unknown argument '$1' (see the header of $0)" ;;
	esac
done
[[ -n "$repo" && -n "$work" && -n "$pkgbuild" ]] || st_fail "--source-dir, --work-dir and --pkg-build-dir are required"
start=$SECONDS
step() { st_log "[$((SECONDS - start))s] $*"; }

# 1. Tools, installed like any Debian package when missing (setup-deps.sh
#    installs them too).
st_need_tool qemu-system-x86_64 qemu-system-x86
st_need_tool mmdebstrap mmdebstrap
st_need_tool mke2fs e2fsprogs
st_need_tool debugfs e2fsprogs
st_need_tool dpkg-deb dpkg
st_need_tool apt-get apt
[[ $(id -u) -eq 0 ]] || st_skip "the root file system is built with mmdebstrap --mode=root: run as root"

rm -rf "$work"
mkdir -p "$work"
cache=$(st_cache_root)

# 2. The kernel (tests/kernel's cache) and gpio-sim.ko with pi_pins.
step "kernel packages"
kdir=$("$here/../kernel/fetch_packages.sh") || exit $?
abi=$(cat "$kdir/abi")
kversion=$(awk '/^linux-image-/ { print $2 }' "$kdir/packages")
ko="$cache/gpio-sim-pi-$kversion-r$GPIO_SIM_PI_RECIPE.ko"
build_ko() {
	[[ -s "$ko" ]] && return 0
	"$here/build_gpio_sim_pi.sh" "$ko"
	local f
	for f in "$cache"/gpio-sim-pi-*.ko; do
		[[ "$f" == "$ko" ]] || rm -f "$f"
	done
}
st_with_cache_lock build_ko

# 3. The root file system (cached).
step "root file system (Debian 12, linux $kversion)"
rootdir=$("$here/make_rootfs.sh" "$abi" "$kversion") || exit $?
root="$rootdir/root"

# 4. The package as a release builds it, and the same package with a higher
#    version for the upgrade.
step "building the package (packaging/build-deb.sh)"
deb=$("$repo/packaging/build-deb.sh" "$pkgbuild" "$work/pkg" | tail -n 1) || st_fail "packaging/build-deb.sh failed"
[[ -f "$deb" ]] || st_fail "packaging/build-deb.sh made no .deb"
version=$(dpkg-deb -f "$deb" Version)
v2="$version+vmtest1"
dpkg --compare-versions "$v2" gt "$version" || st_fail "$v2 is not higher than $version"
mkdir -p "$work/upgrade"
dpkg-deb -R "$deb" "$work/repack"
sed -i "s/^Version: .*/Version: $v2/" "$work/repack/DEBIAN/control"
dpkg-deb -b -Zxz "$work/repack" "$work/upgrade/recovery-kiosk_${v2}_$(dpkg-deb -f "$deb" Architecture).deb" >/dev/null
rm -rf "$work/repack"
step "package $(basename "$deb"), upgrade to $v2"

# 5. Its dependencies, downloaded on this machine against the guest's own
#    dpkg status and apt lists, for an offline `apt install ./x.deb` inside.
archives="$cache/archives"
mkdir -p "$archives/partial"
aptg=(apt-get -q -o Dir="$root" -o Dir::Cache::archives="$archives" -o Debug::NoLocking=1
	-o APT::Sandbox::User=root -o Dir::Etc::trusted="$root/etc/apt/trusted.gpg"
	-o Dir::Etc::trustedparts="$root/etc/apt/trusted.gpg.d")
fetch_deps() {
	"${aptg[@]}" install -y --download-only "$deb" >"$work/apt-download.log" 2>&1
}
step "dependencies for the offline install"
if ! st_with_cache_lock fetch_deps; then
	tail -n 5 "$work/apt-download.log" >&2
	if grep -qiE 'failed to fetch|could not resolve|temporary failure|404' "$work/apt-download.log"; then
		st_log "the guest's apt lists are older than the archive; building the root file system afresh"
		rm -rf "$rootdir"
		rootdir=$("$here/make_rootfs.sh" "$abi" "$kversion") || exit $?
		root="$rootdir/root"
		st_with_cache_lock fetch_deps || st_skip "cannot download the package's dependencies (log $work/apt-download.log)"
	else
		st_fail "apt-get cannot resolve the package's dependencies in the guest (log $work/apt-download.log)"
	fi
fi
mkdir -p "$work/payload/archives"
"${aptg[@]}" -s install "$deb" 2>/dev/null | sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1 \2/p' >"$work/deps.txt"
declare -A want=()
while read -r name ver; do
	[[ "$name" == recovery-kiosk ]] || want["$name ${ver#*:}"]=1
done <"$work/deps.txt"
for f in "$archives"/*.deb; do
	[[ -e "$f" ]] || continue
	n=$(basename "$f" .deb)
	IFS=_ read -r pn pv _ <<<"$n"
	pv=${pv//%3a/:}
	[[ -n "${want["$pn ${pv#*:}"]:-}" ]] && cp "$f" "$work/payload/archives/"
done
ndeps=$(find "$work/payload/archives" -name '*.deb' | wc -l)
((ndeps == ${#want[@]})) ||
	st_fail "$ndeps of the ${#want[@]} dependencies are in $archives (see $work/deps.txt)"
step "$ndeps dependencies"

# 6. The payload disk: the guest's script, the module, the packages.
p="$work/payload"
mkdir -p "$p/pkg" "$p/out"
cp "$deb" "$p/pkg/"
cp -r "$work/upgrade" "$p/upgrade"
cp "$ko" "$p/gpio-sim.ko"
cp "$here/guest/run.sh" "$p/run.sh"
cat >"$p/limits" <<EOF
VENT_LIMIT_MS=${KIOSK_SYSTEMD_VENT_LIMIT_MS:-10000}
WATCHDOG_LIMIT_MS=${KIOSK_SYSTEMD_WATCHDOG_LIMIT_MS:-10000}
ACTIVE_LIMIT_MS=${KIOSK_SYSTEMD_ACTIVE_LIMIT_MS:-60000}
ENERGISE_LIMIT_MS=${KIOSK_SYSTEMD_ENERGISE_LIMIT_MS:-60000}
EOF
mb=$(($(du -sm "$p" | cut -f1) + 64))
mke2fs -q -t ext4 -L payload -d "$p" "$work/payload.img" "${mb}M" >/dev/null || st_fail "mke2fs -d could not make the payload disk"

# 7. Boot.  No KVM here: TCG.  ttyS0 is the console, ttyS1 the results.
step "booting the guest under qemu (tcg): install, faults, remove, purge"
set +e
timeout --kill-after=10 "${KIOSK_SYSTEMD_BOOT_TIMEOUT_S:-2400}" \
	qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 2048 -no-reboot -nic none \
	-display none -vga none -monitor none \
	-serial "file:$work/console.log" -serial "file:$work/results.txt" \
	-kernel "$rootdir/vmlinuz" -initrd "$rootdir/initrd.img" \
	-append "root=/dev/vda rw console=ttyS0 quiet loglevel=3 panic=-1 net.ifnames=0 systemd.show_status=false" \
	-drive "file=$rootdir/disk.img,format=raw,if=virtio,snapshot=on" \
	-drive "file=$work/payload.img,format=raw,if=virtio" </dev/null >"$work/qemu.log" 2>&1
qrc=$?
set -e
step "qemu exited with $qrc"
debugfs -R "rdump /out $work" "$work/payload.img" >/dev/null 2>&1 || true
tr -d '\r' <"$work/results.txt" >"$work/results.log" 2>/dev/null || : >"$work/results.log"

if ! grep -q '^R ' "$work/results.log"; then
	if ((qrc != 0 && qrc != 124 && qrc != 137)) && ! grep -q 'Linux version' "$work/console.log" 2>/dev/null; then
		st_skip "qemu-system-x86_64 cannot run here (exit $qrc): $(tail -n 3 "$work/qemu.log" | tr '\n' ' ')"
	fi
	tail -n 40 "$work/console.log" >&2 || true
	st_fail "the guest never ran the test (qemu exit $qrc; console above, $work/console.log)"
fi

# 8. Results.
required=(gpio_sim_chips gpio_sim_pulls apt_install install_user install_conffile install_udev_rule
	install_enabled_not_started check_config_shipped check_config_mqtt_off self_test_energises self_test_ctrl_c_vented enable_now start_vented
	watchdog_fires watchdog_vented watchdog_stop_post watchdog_restart
	kill9_energised kill9_vented kill9_stop_post kill9_restart
	stop_energised stop_vented stop_stop_post stop_kiosk_vented stop_kiosk_stop_post stop_inactive
	broken_config_energised broken_config_is_broken broken_config_vented broken_config_stop_post
	remove_energised remove_vented remove_files reinstall reinstall_not_masked reinstall_starts
	upgrade_energised upgrade upgrade_vented upgrade_restarts upgrade_keeps_config
	purge_energised purge_vented purge_clean end_safe)
sed -n 's/^R //p' "$work/results.log"
echo "---"
fails=$(grep -c '^R FAIL ' "$work/results.log" || true)
passes=$(grep -c '^R PASS ' "$work/results.log" || true)
missing=()
for c in "${required[@]}"; do
	grep -q "^R PASS $c " "$work/results.log" || grep -q "^R FAIL $c " "$work/results.log" || missing+=("$c")
done
status=0
((fails == 0)) || status=1
if ((${#missing[@]} > 0)); then
	st_log "checks that never reported: ${missing[*]}"
	status=1
fi
if grep -q 'command not found' "$work/out/run.log" 2>/dev/null; then
	st_log "guest/run.sh called commands that do not exist: $(grep 'command not found' "$work/out/run.log" | head -n 3 | tr '\n' ' ')"
	status=1
fi
if ! grep -q '^R DONE' "$work/results.log"; then
	st_log "the guest did not finish (qemu exit $qrc); console tail:"
	tail -n 30 "$work/console.log" >&2 || true
	status=1
fi
((status == 0)) || st_log "logs: $work/results.log, $work/console.log, $work/out/ (run.log, journal.txt)"
printf 'systemd-test: %d passed, %d failed, %d missing in %ds\n' "$passes" "$fails" "${#missing[@]}" "$((SECONDS - start))"
exit "$status"
