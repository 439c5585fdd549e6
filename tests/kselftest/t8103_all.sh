#!/bin/sh
# t8103_all.sh - the t8103 board's rig tests, in their own rig boot: its
# QEMU must trap IMPDEF registers to EL2 (scripts/rig/qemu-tidcp.sh), which
# Debian 12's QEMU 7.2 does not.  First without the module, then with it;
# make bench's interrupt rows (irq_bench) checked here for the same reason.
dir=$(dirname "$0")
. "$dir/suite.sh"

run "$dir/t8103_boot.sh" nomodule
run "$dir/irq_bench_test.sh" absent
modprobe vmapple_kvm || fail=1
run "$dir/aic_test"
run "$dir/irq_bench_test.sh" loaded
run "$dir/t8103_boot.sh"
run "$dir/kernel_log.sh"
exit $fail
