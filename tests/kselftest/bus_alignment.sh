#!/bin/sh
# bus_alignment.sh - every buffer vmapple_kvm hands KVM's MMIO bus is
# aligned to the access size.  Before upstream f1edbed787ba (6.12.95, 7.1)
# a datamatch ioeventfd BUG()s on one that is not, and the rig's kernel has
# that fix, so the crash itself cannot show here: a kprobe on
# kvm_io_bus_write() records each buffer's address instead, while
# hostile_test's Layer 1 ioeventfd case (ISV=0 stores only: every bus
# write in it is the module's) runs.  Expects the module loaded.
. "$(dirname "$0")/tap.sh"
dir=$(cd "$(dirname "$0")" && pwd)
tr=/sys/kernel/tracing

record_bus_writes() {
	echo 'p:vmk_align/bus_write kvm_io_bus_write len=%x3:s32 val=%x4:x64' \
		>>"$tr/kprobe_events" || return 1
	echo 'comm == "hostile_test"' >"$tr/events/vmk_align/bus_write/filter"
	echo >"$tr/trace"
	echo 1 >"$tr/events/vmk_align/bus_write/enable"
	"$dir/hostile_test" -v l1 -t isv0_stores_reach_datamatch_ioeventfds >/tmp/align-run.log 2>&1
	rc=$?
	echo 0 >"$tr/events/vmk_align/bus_write/enable"
	grep 'bus_write:' "$tr/trace" >/tmp/align-trace.txt
	echo '-:vmk_align/bus_write' >>"$tr/kprobe_events"
	[ $rc = 0 ] || { cat /tmp/align-run.log; return 1; }
}

# Every recorded write: val a multiple of len; at least the two 8-byte ones.
all_aligned() {
	awk '{
		len = ""; val = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^len=/) len = substr($i, 5) + 0
			if ($i ~ /^val=/) val = substr($i, 5)
		}
		if (len == "" || val == "") next
		n++
		if (len == 8) eights++
		low = substr(val, length(val)) ""
		# the last hex digit decides alignment to 1, 2, 4 and 8 bytes
		d = index("0123456789abcdef", low) - 1
		if (d % len != 0 && len <= 8) { bad++; print "unaligned: " $0 }
	} END {
		print n " bus writes, " eights " of 8 bytes, " bad + 0 " unaligned"
		exit !(eights >= 2 && bad == 0)
	}' /tmp/align-trace.txt
}

tap_plan 2
t "the Layer 1 ioeventfd case runs with kvm_io_bus_write probed" record_bus_writes
t "every buffer the module gives KVM's MMIO bus is aligned to its size" all_aligned
tap_exit
