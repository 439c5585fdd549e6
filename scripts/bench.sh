#!/bin/bash
# bench.sh BUILD ROUNDS OPS - `make bench`: boot the rig once, run
# tests/bench/bench.sh there (every case, ROUNDS interleaved rounds of OPS
# timed reads each), stream its output, then print the table and write
# BUILD/bench/results.csv (scripts/bench-report.sh).
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: bench.sh BUILD ROUNDS OPS" >&2; exit 2; }
build=$1 rounds=$2 ops=$3
here=$(dirname "$0")
out=$build/bench
mkdir -p "$out"
"$here/rig/run.sh" -t 1800 -l "$out/console.log" "$build/rig.env" \
	"$build/rig/initramfs.cpio.gz" "/usr/lib/vmapple-tests/bench.sh $rounds $ops" |
	tee "$out/rig.out"
echo
"$here/bench-report.sh" "$out/rig.out" "$out/results.csv"
