#!/bin/sh
# ioctl_storm.sh [SECONDS] - the module under every race a local user can
# make: ioctl_storm's threads (open, attach this and that, every ioctl,
# close in any order) for SECONDS, while two guests spin on the ISV=0 MMIO
# path - one attached, one not - and a loop unloads and reloads the module
# (refused while the attached VM runs, done once it is stopped halfway).
# Afterwards: no errno outside the ABI, no VM left alive by the module, the
# module unloads, and the kernel logged nothing.  Expects the module
# loaded; leaves it loaded.
. "$(dirname "$0")/tap.sh"
dir=$(cd "$(dirname "$0")" && pwd)
secs=${1:-10}

kvm_vms() { ls /sys/kernel/debug/kvm 2>/dev/null | grep -c -- '-'; }

spin_vm() {	# $1: --module argument; prints the pid
	vmapple run --bios "$dir/mmio_loop.bin" --mem 64M --module "$1" >/dev/null 2>&1 &
	echo $!
}

reload_loop() {		# until /tmp/storm.stop exists
	while [ ! -e /tmp/storm.stop ]; do
		rmmod vmapple_kvm 2>/dev/null && modprobe vmapple_kvm
		sleep 0.2
	done
	grep -q '^vmapple_kvm ' /proc/modules || modprobe vmapple_kvm
}

storm() {
	rm -f /tmp/storm.stop
	base=$(kvm_vms)
	attached=$(spin_vm /dev/vmapple_kvm)
	plain=$(spin_vm none)
	sleep 1
	reload_loop &
	loop=$!
	"$dir/ioctl_storm" "$secs" >/tmp/storm.out 2>&1 &
	storm_pid=$!
	sleep $((secs / 2))
	stop_vm "$attached"	# from here on, unloads succeed too
	wait "$storm_pid"
	rc=$?
	touch /tmp/storm.stop
	wait "$loop"
	stop_vm "$plain"
	cat /tmp/storm.out
	sleep 0.5
	left=$(kvm_vms)
	[ "$left" = "$base" ] || { echo "VMs alive: $left, before: $base"; rc=1; }
	return $rc
}

unloads_after() { rmmod vmapple_kvm && modprobe vmapple_kvm; }
no_splats() {
	! dmesg | grep -E 'BUG:|Oops|WARNING:|Call trace:|refcount_t:|use-after-free|list_(add|del) corruption'
}

tap_plan 3
t "ioctl storm for ${secs}s beside guests and reloads: ABI errnos only, no VM leaked" storm
t "the module unloads and reloads after the storm" unloads_after
t "the kernel logged no warning" no_splats
tap_exit
