#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The kernel-in-the-loop test: boot a stock Debian 12 kernel in qemu (TCG)
# with gpio-sim and run the project's libgpiod backend, station hardware and
# control core against it.  Registered with ctest (tests/kernel/CMakeLists.txt).
#
#   run_kernel_test.sh --source-dir <repo> --work-dir <dir>
#       [--backend <name>] [--cmake-arg -D...]... [--require <check>]...
#       [--smoke]
#
#   --backend    a label for the GPIO backend under test (printed, used in
#                the work folder); the backend itself is chosen by the
#                --cmake-arg values given to the static sub-build
#   --cmake-arg  extra -D for the static sub-build (build_test_program.sh),
#                e.g. -DKTEST_BACKEND_TARGET=<target> for another backend
#   --require    a check that must print KTEST PASS <check> (repeat); a check
#                missing from the output fails the test like a FAIL does
#   --smoke      boot without the test program (kernel + gpio-sim only)
#
# Exit: 0 every required check passed; 1 a failure; 77 skipped because this
# machine cannot run it (no qemu, no Debian packages), with the reason.
# Environment: KIOSK_KTEST_CACHE (package cache), KIOSK_KTEST_NO_INSTALL=1
# (never apt-get install qemu), KIOSK_KTEST_BOOT_TIMEOUT_S (default 240).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=kernel_lib.sh
. "$here/kernel_lib.sh"

repo="" work="" backend="libgpiod1" smoke=0
cmake_args=() required=()
while (($#)); do
	case "$1" in
	--source-dir) repo=$2; shift 2 ;;
	--work-dir) work=$2; shift 2 ;;
	--backend) backend=$2; shift 2 ;;
	--cmake-arg) cmake_args+=("$2"); shift 2 ;;
	--require) required+=("$2"); shift 2 ;;
	--smoke) smoke=1; shift ;;
	*) kt_fail "unknown argument '$1' (see the header of $0)" ;;
	esac
done
[[ -n "$repo" && -n "$work" ]] || kt_fail "--source-dir and --work-dir are required"
mkdir -p "$work"
start=$SECONDS
step() { kt_log "[$((SECONDS - start))s] $*"; }

# 1. qemu: a tool, installed like any other Debian package when missing.
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	if [[ $(id -u) -eq 0 && -z "${KIOSK_KTEST_NO_INSTALL:-}" ]] && command -v apt-get >/dev/null; then
		step "installing qemu-system-x86"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			qemu-system-x86 >"$work/apt-qemu.log" 2>&1 || true
	fi
	command -v qemu-system-x86_64 >/dev/null 2>&1 ||
		kt_skip "qemu-system-x86_64 is not installed and could not be (apt-get install qemu-system-x86)"
fi

# 2. Kernel, configfs.ko, busybox and gpio-sim.ko (cached).
step "kernel packages"
kdir=$("$here/fetch_packages.sh") || exit $?
step "kernel ready: $(tr '\n' ' ' <"$kdir/packages")"

# 3. The static test program, from the project's own libraries.
prog=""
if ((smoke == 0)); then
	step "building the static test program (backend $backend)"
	prog="$work/gpio_kernel_test"
	"$here/build_test_program.sh" "$repo" "$work/static-build" "$here/gpio_kernel_test.c" \
		"$prog" ${cmake_args[@]+"${cmake_args[@]}"} || exit $?
fi

# 4. initramfs.
step "initramfs"
"$here/make_initramfs.sh" "$kdir" "$here/init.sh" "$work/initramfs.cpio.gz" $prog || exit $?

# 5. Boot.  KVM cannot boot a stock kernel on this kind of machine; TCG can.
step "booting linux $(cat "$kdir/abi") under qemu (tcg)"
log="$work/console.log"
set +e
timeout --kill-after=10 "${KIOSK_KTEST_BOOT_TIMEOUT_S:-240}" \
	qemu-system-x86_64 -accel tcg -cpu max -m 512 -nographic -no-reboot -nic none \
	-kernel "$kdir/vmlinuz" -initrd "$work/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 quiet" </dev/null >"$log" 2>&1
qrc=$?
set -e
tr -d '\r' <"$log" >"$log.txt"
step "qemu exited with $qrc"

if ! grep -q 'KTEST BOOTED' "$log.txt"; then
	if ((qrc != 0 && qrc != 124 && qrc != 137)); then
		kt_skip "qemu-system-x86_64 cannot run here (exit $qrc): $(tail -n 3 "$log.txt" | tr '\n' ' ')"
	fi
	tail -n 40 "$log.txt" >&2
	kt_fail "the kernel never reached /init (qemu exit $qrc; console above, full log $log.txt)"
fi

# 6. Results: one line per check from inside the VM.
grep -o 'KTEST [A-Z]* .*' "$log.txt" || true
echo "---"
fails=$(grep -c 'KTEST FAIL ' "$log.txt" || true)
missing=()
for check in ${required[@]+"${required[@]}"}; do
	grep -q "KTEST PASS $check\\b" "$log.txt" || missing+=("$check")
done
passes=$(grep -c 'KTEST PASS ' "$log.txt" || true)
done_seen=0
grep -q 'KTEST DONE' "$log.txt" && done_seen=1

status=0
if ((fails > 0)); then
	status=1
fi
if ((${#missing[@]} > 0)); then
	kt_log "required checks without a PASS line: ${missing[*]}"
	status=1
fi
if ((done_seen == 0)); then
	kt_log "the guest did not finish (qemu exit $qrc); console tail:"
	tail -n 30 "$log.txt" >&2
	status=1
fi
if ((smoke == 0)) && ! grep -q 'KTEST EXIT 0' "$log.txt"; then
	kt_log "the test program did not exit 0"
	status=1
fi
if ((status != 0)); then
	kt_log "full console log: $log.txt"
fi
printf 'kernel-test (%s): %d passed, %d failed, %d missing in %ds\n' \
	"$backend" "$passes" "$fails" "${#missing[@]}" "$((SECONDS - start))"
exit "$status"
