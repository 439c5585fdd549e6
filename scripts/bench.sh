#!/bin/bash
# bench.sh BUILD ROUNDS OPS PEER_ROUNDS - `make bench`: boot the rig once
# (with Debian's arm64 QEMU appended), run tests/bench/bench.sh there
# (every exit case, ROUNDS interleaved rounds of OPS timed reads each) and
# tests/bench/peer_bench.sh (the guest under vmapple and under QEMU-KVM,
# PEER_ROUNDS rounds), stream the output, then print both tables and write
# BUILD/bench/results.csv (scripts/bench-report.sh) and BUILD/bench/peer.csv
# (scripts/peer-report.sh).
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: bench.sh BUILD ROUNDS OPS PEER_ROUNDS" >&2; exit 2; }
build=$1 rounds=$2 ops=$3 peer_rounds=$4
here=$(dirname "$0")
out=$build/bench
mkdir -p "$out"
"$here/rig/run.sh" -t 3600 -l "$out/console.log" "$build/rig.env" \
	"$build/rig/bench-initramfs.cpio.gz" \
	"/usr/lib/vmapple-tests/bench.sh $rounds $ops; /usr/lib/vmapple-tests/peer_bench.sh $peer_rounds" |
	tee "$out/rig.out"
echo
"$here/bench-report.sh" "$out/rig.out" "$out/results.csv"
echo
"$here/peer-report.sh" "$out/rig.out" "$out/peer.csv"
