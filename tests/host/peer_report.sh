#!/bin/bash
# peer_report.sh - scripts/peer-report.sh: the median of each row's rounds
# per VMM, the CSV the issue names (case,vmapple,qemu,ratio), each ratio
# judged by its kind (costs in s, ns, cpu-s: <= 1.0x, the idle CPU <= 0.5x,
# the vGIC read <= 1.05x; throughput: >= 1.0x; fault counts: no target), the share of
# the rig's own ceiling, and a log with no peer rows refused by name.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/kselftest/tap.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
report=$top/scripts/peer-report.sh

# Three rounds: medians 5.0 vs 6.0 s (met), 90 vs 100 MB/s (missed, and
# 0.45 of a 200 MB/s ceiling), 1200 vs 1000 IOPS (met); mem_bytes is no row.
cat >"$work/log" <<-EOT
	bench-info peer: QEMU 7.2 -M virt -accel kvm -cpu host
	peer boot_to_init vmapple 5.0 s
	peer boot_to_init qemu 6.5 s
	peer boot_to_init vmapple 9.0 s
	peer boot_to_init qemu 6.0 s
	peer boot_to_init vmapple 4.0 s
	peer boot_to_init qemu 5.0 s
	peer disk_seq_read vmapple 90 MB/s
	peer disk_seq_read qemu 100 MB/s
	peer disk_seq_read host 200 MB/s
	peer disk_randread_qd1 vmapple 1200 IOPS
	peer disk_randread_qd1 qemu 1000 IOPS
	peer mem_bytes vmapple 1000 B
	peer mem_bytes qemu 1000 B
	peer net_received vmapple 33554432 B
	peer idle_cpu_60s vmapple 0.6 cpu-s
	peer idle_cpu_60s qemu 1.0 cpu-s
	peer mmio_vgic_read vmapple 104 ns
	peer mmio_vgic_read qemu 100 ns
	peer mmio_user_read vmapple 90 ns
	peer mmio_user_read qemu 100 ns
	peer net_tap_guest_to_host vmapple 170 MB/s
	peer net_tap_guest_to_host qemu 150 MB/s
	peer net_tap_guest_to_host host 200 MB/s
	peer stage2_faults_mem vmapple 40 faults
	peer stage2_faults_mem qemu 20 faults
EOT
out=$("$report" "$work/log" "$work/peer.csv" 2>&1)
echo "$out" >"$work/out"

csv_is() {
	diff - "$work/peer.csv" <<-EOT
	case,vmapple,qemu,ratio
	boot_to_init,5.0,6.0,0.8333
	disk_seq_read,90,100,0.9000
	disk_randread_qd1,1200,1000,1.2000
	idle_cpu_60s,0.6,1.0,0.6000
	mmio_vgic_read,104,100,1.0400
	mmio_user_read,90,100,0.9000
	net_tap_guest_to_host,170,150,1.1333
	stage2_faults_mem,40,20,2.0000
	EOT
}
row() { grep -E "^$1 " "$work/out" | grep -q -- "$2" || { cat "$work/out"; return 1; }; }
no_rows() {
	printf 'bench isv1_user 1 1 1\n' >"$work/empty"
	expect 1 "^peer-report: no peer rows in $work/empty" "$report" "$work/empty" "$work/x.csv"
}

tap_plan 11
t "CSV: case,vmapple,qemu,ratio, medians over the rounds, byte counts (mem_bytes, net_received) left out" csv_is
t "a time row under QEMU's: <= 1.0x met" row boot_to_init "<= 1.0x met"
t "a throughput row under QEMU's: >= 1.0x missed" row disk_seq_read ">= 1.0x missed"
t "a throughput row over QEMU's: >= 1.0x met" row disk_randread_qd1 ">= 1.0x met"
t "the ceiling: 200 MB/s in the rig, ours 0.45 of it, >= 0.8 missed" \
	row disk_seq_read "200 MB/s: ours 0.45 of it, >= 0.8 missed"
t "the idle CPU is judged against 0.5x: 0.6x missed" row idle_cpu_60s "<= 0.5x missed"
t "the vGIC read is judged against 1.05x: 1.04x met" row mmio_vgic_read "<= 1.05x met"
t "an MMIO read in ns is a cost: 0.9x met" row mmio_user_read "<= 1.0x met"
t "a network row has its ceiling: ours 0.85 of 200 MB/s, met" \
	row net_tap_guest_to_host "200 MB/s: ours 0.85 of it, >= 0.8 met"
t "stage-2 fault counts are reported, with no target" row stage2_faults_mem "(no target)"
t "a log without peer rows is refused by name" no_rows
tap_exit
