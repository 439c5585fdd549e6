#!/bin/sh
# run_all.sh - every rig test, in one boot: each prints its own TAP stream.
# The 6.18-style build (no file_is_kvm export) runs the attach tests again.
dir=$(dirname "$0")
. "$dir/suite.sh"

run "$dir/module_load.sh"
# Layer 0 needs no module: run it, and the board, while none is loaded.
run "$dir/layer0_test"
run "$dir/msi_test"
run "$dir/hostile_test"
run "$dir/vmapple_run.sh"
run "$dir/boot_answers.sh" layer0
run "$dir/guest_restart.sh" layer0
run "$dir/macos_limit.sh"
run "$dir/macos_virtio.sh" layer0
run "$dir/nvram.sh"
run "$dir/bundles.sh"
run "$dir/vetu_run.sh"
run "$dir/fleet_lifecycle.sh"
run "$dir/qmp_events.sh"
run "$dir/linux_boot.sh" layer0
run "$dir/linux_boot.sh" tap
run "$dir/linux_boot.sh" tap-userspace
run "$dir/apple_pac.sh"
run "$dir/exit_bench_test.sh" absent
# Upstream's KVM selftests without the module, then (below) with it loaded:
# the results must be the same.
run "$dir/upstream_kvm.sh" nomodule
modprobe vmapple_kvm || fail=1
run "$dir/upstream_kvm.sh" module
run "$dir/upstream_kvm.sh" --compare nomodule module
run "$dir/vmapple_kvm_attach_test"
run "$dir/vmapple_check.sh"
# Hooks live (ftrace): the _l1 variants attach and must match the CPU; the
# others are VMs the hooks pass through, and must behave as without them.
run "$dir/layer0_test"
run "$dir/hostile_test" -v l1
run "$dir/bus_alignment.sh"
run "$dir/module_unload.sh" ftrace
run "$dir/ioctl_storm.sh" 10
run "$dir/module_hooks.sh" ftrace
run "$dir/exit_bench_test.sh" loaded
run "$dir/wfk.sh"
run "$dir/boot_answers.sh" layer1
run "$dir/guest_restart.sh" layer1
run "$dir/macos_virtio.sh" layer1
run "$dir/qmp_balloon.sh" layer1
run "$dir/linux_boot.sh" layer1
run "$dir/boot_soak.sh" "${SOAK_BOOTS:-3}"
run "$dir/data_safety.sh" "${DATA_KILLS:-20}"
run "$dir/msi_test"
rmmod vmapple_kvm || fail=1
# The same with the kprobe mechanism.
modprobe vmapple_kvm hooks=kprobe || fail=1
run "$dir/module_hooks.sh" kprobe
run "$dir/module_unload.sh" kprobe
run "$dir/layer0_test" -v mmu_off_l1 -v granule_4k_l1 -v granule_16k_l1
run "$dir/hostile_test" -v l1
rmmod vmapple_kvm || fail=1
if insmod "$dir/vmapple_kvm-noexports.ko"; then
	echo "# vmapple_kvm built without file_is_kvm export loaded"
	run "$dir/vmapple_kvm_attach_test"
else
	echo "not ok 1 load the no-exports build"
	fail=1
fi
run "$dir/kernel_log.sh"
exit $fail
