#!/bin/sh
# run_all.sh - every rig test, in one boot: each prints its own TAP stream.
# The 6.18-style build (no file_is_kvm export) runs the attach tests again.
dir=$(dirname "$0")
fail=0
run() { echo "# === $*"; "$@" || fail=1; }

run "$dir/module_load.sh"
# Layer 0 needs no module: run it, and the board, while none is loaded.
run "$dir/layer0_test"
run "$dir/vmapple_run.sh"
modprobe vmapple_kvm || fail=1
run "$dir/vmapple_kvm_attach_test"
run "$dir/vmapple_check.sh"
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
