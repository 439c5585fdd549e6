#!/bin/bash
# check.sh BUILD - `make check`: host unit tests (ASan/UBSan), the decoder
# table against the assembler, brief fuzzing, lint, the DKMS
# build, the rig's own failure paths, the man page, the OCI registry client,
# the shared network (in namespaces), the Debian packages (built, linted,
# installed in a clean root), then every kselftest in one boot of the rig.  Each stage's TAP goes to BUILD/check/; the last line counts
# them all.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1
out=$build/check
rm -rf "$out"
mkdir -p "$out"
cd "$top"

# shellcheck source=scripts/tap-stage.sh
. "$top/scripts/tap-stage.sh"

unit() {
	local t rc=0
	for t in "$build"/host/test_*; do
		echo "# $(basename "$t")"
		"$t" || rc=1
	done
	return $rc
}

stage unit unit
stage decoder-table scripts/check-a64-cases.sh
stage fuzz scripts/fuzz.sh "$build" "${FUZZ_SECONDS:-10}"
stage lint scripts/lint.sh "$build"
stage dkms scripts/dkms.sh check "$build"
stage rig-errors tests/host/rig_errors.sh "$build"
stage bench-report tests/host/bench_report.sh
stage peer-report tests/host/peer_report.sh
stage man-page tests/host/man_page.sh
stage oci tests/oci/oci_test.sh "$build"
# The shared NAT network, in network namespaces of its own (root; skipped otherwise).
stage network tests/network/network_test.sh "$build"
# The Debian packages, lintian and rpmlint, then installed in a clean root.
stage packages scripts/packages.sh "$build"
if [ "$(id -u)" = 0 ]; then
	stage package-check scripts/package-check.sh "$build"
else
	stage package-check printf 'TAP version 13\n1..1\nok 1 # SKIP packages installed in a clean root: needs root (debootstrap, chroot)\n'
fi
stage rig scripts/rig/run.sh -t 2700 -l "$build/rig/check-console.log" "$build/rig.env" \
	"$build/rig/initramfs.cpio.gz" /usr/lib/vmapple-tests/run_all.sh
# The t8103 board, in a rig whose QEMU traps Apple's IMPDEF registers to EL2.
t8103_rig() {
	local qemu
	qemu=$(scripts/rig/qemu-tidcp.sh) || return 1
	RIG_QEMU=$qemu scripts/rig/run.sh -t 1200 -l "$build/rig/t8103-console.log" "$build/rig.env" \
		"$build/rig/initramfs.cpio.gz" /usr/lib/vmapple-tests/t8103_all.sh
}
stage rig-t8103 t8103_rig
stage_times
echo "=== summary (TAP in $out, rig console in $build/rig/check-console.log)"
scripts/tap-summary.sh "$out"/*.tap
