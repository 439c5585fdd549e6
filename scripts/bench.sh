#!/bin/bash
# bench.sh BUILD ROUNDS OPS PEER_ROUNDS [IRQ_OPS] - `make bench`: boot the
# rig once (with Debian's arm64 QEMU appended), run tests/bench/bench.sh
# there (every exit case, ROUNDS interleaved rounds of OPS timed reads
# each) and tests/bench/peer_bench.sh (the guest under vmapple and under
# QEMU-KVM, PEER_ROUNDS rounds); then boot it again under a QEMU that traps
# IMPDEF registers to EL2 (scripts/rig/qemu-tidcp.sh, as the t8103 tests
# need) for tests/bench/irq_bench.sh (every interrupt case, ROUNDS rounds
# of IRQ_OPS, default 2000).  Streams the output, then prints the tables
# and writes BUILD/bench/results.csv (scripts/bench-report.sh),
# BUILD/bench/peer.csv (scripts/peer-report.sh) and BUILD/bench/irq.csv.
set -euo pipefail
[ $# -eq 4 ] || [ $# -eq 5 ] ||
	{ echo "usage: bench.sh BUILD ROUNDS OPS PEER_ROUNDS [IRQ_OPS]" >&2; exit 2; }
build=$1 rounds=$2 ops=$3 peer_rounds=$4 irq_ops=${5:-2000}
here=$(dirname "$0")
out=$build/bench
mkdir -p "$out"
"$here/rig/run.sh" -t 3600 -l "$out/console.log" "$build/rig.env" \
	"$build/rig/bench-initramfs.cpio.gz" \
	"/usr/lib/vmapple-tests/bench.sh $rounds $ops; /usr/lib/vmapple-tests/peer_bench.sh $peer_rounds" |
	tee "$out/rig.out"
qemu=$("$here/rig/qemu-tidcp.sh")
RIG_QEMU=$qemu "$here/rig/run.sh" -t 3600 -l "$out/irq-console.log" "$build/rig.env" \
	"$build/rig/initramfs.cpio.gz" "/usr/lib/vmapple-tests/irq_bench.sh $rounds $irq_ops" |
	tee "$out/irq.out"
echo
"$here/bench-report.sh" "$out/rig.out" "$out/results.csv"
echo
"$here/peer-report.sh" "$out/rig.out" "$out/peer.csv"
echo
echo "# interrupts (a second rig boot, $("$qemu" --version | head -n 1))"
"$here/bench-report.sh" "$out/irq.out" "$out/irq.csv" irq
