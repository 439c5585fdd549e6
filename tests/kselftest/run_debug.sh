#!/bin/sh
# run_debug.sh - `make check-debug`'s rig run, on the debug host kernel
# (KASAN, lockdep, DEBUG_ATOMIC_SLEEP: scripts/rig/debug-kernel.sh): the
# suites that drive the module hardest - the hostile cases in both layers,
# unload under parked and sleeping vCPUs and the ioctl storm with each hook
# mechanism, the bus alignment probe, WFK/KICK and MSIs - and the upstream
# KVM selftests with it loaded, in one boot of about 17 minutes (several
# times run_all.sh's pace: the Linux-guest boots, the soak and the
# data-safety kills stay in `make check`).  What the kernel logs is judged
# by kernel_log.sh here and by scripts/rig/kernel-splats.sh on the console.
dir=$(dirname "$0")
. "$dir/suite.sh"
# rmmod waits for an RCU Tasks grace period: longer on this kernel.
export UNLOAD_LIMIT="${UNLOAD_LIMIT:-60}"

# The kernel under test is the debug one.
echo "TAP version 13"
echo "1..1"
want='^CONFIG_(KASAN|PROVE_LOCKING|DEBUG_ATOMIC_SLEEP)=y$'
if [ "$(zcat /proc/config.gz 2>/dev/null | grep -cE "$want")" = 3 ]; then
	echo "ok 1 the rig runs the debug kernel $(uname -r): KASAN, lockdep, atomic-sleep checks"
else
	echo "not ok 1 the rig runs the debug kernel: $(uname -r) lacks KASAN, lockdep or atomic-sleep checks"
	fail=1
fi
run "$dir/module_load.sh"
run "$dir/hostile_test"
run "$dir/msi_test"
modprobe vmapple_kvm || fail=1
# Stock KVM's paths with the hooks live (make check compares them with a
# run without the module; here, once, for what the kernel says).
run "$dir/upstream_kvm.sh" module
run "$dir/vmapple_kvm_attach_test"
# The attached variants: the Layer 0 ones are VMs the hooks pass through,
# as the upstream selftests above are.
run "$dir/layer0_test" -v mmu_off_l1 -v granule_4k_l1 -v granule_16k_l1
run "$dir/hostile_test" -v l1
run "$dir/bus_alignment.sh"
run "$dir/module_unload.sh" ftrace
run "$dir/ioctl_storm.sh" 10
run "$dir/module_hooks.sh" ftrace
run "$dir/wfk.sh"
run "$dir/msi_test"
rmmod vmapple_kvm || fail=1
modprobe vmapple_kvm hooks=kprobe || fail=1
run "$dir/module_hooks.sh" kprobe
run "$dir/module_unload.sh" kprobe
run "$dir/hostile_test" -v l1
rmmod vmapple_kvm || fail=1
if insmod "$dir/vmapple_kvm-noexports.ko"; then
	echo "# vmapple_kvm built without file_is_kvm export loaded"
	run "$dir/vmapple_kvm_attach_test"
else
	echo "not ok 1 load the no-exports build"
	fail=1
fi
# Lockdep stops at the first report or when its tables fill: still on?
echo "TAP version 13"
echo "1..1"
if grep -Eq '^ *debug_locks: +1$' /proc/lockdep_stats; then
	echo "ok 1 lockdep still checking at the end of the run"
else
	echo "not ok 1 lockdep still checking at the end of the run"
	grep -E 'debug_locks|lock-classes|direct dependencies|dependency chains' /proc/lockdep_stats |
		sed 's/^/# /'
	fail=1
fi
run "$dir/kernel_log.sh"
exit $fail
