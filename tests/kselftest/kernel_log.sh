#!/bin/sh
# kernel_log.sh - after everything else: the kernel logged no warning, oops
# or memory error, no program (a launcher) died of a fault, the module
# unloads, and `vmapple check` notices.
. "$(dirname "$0")/tap.sh"

no_splats() {
	! dmesg | grep -E 'BUG:|Oops|WARNING:|Call trace:|refcount_t:|use-after-free|general protection|list_(add|del) corruption'
}
# arm64's report of a fatal user fault (show_unhandled_signals): the
# command, the fault, the mapping and the registers, so a crash names its pc.
no_user_faults() {
	! dmesg | grep -A4 'unhandled exception'
}
check_sees_no_module() {
	vmapple check | grep -Eq '^vmapple_kvm +not loaded +optional'
}

tap_plan 4
t "kernel log has no warnings, oopses or memory errors" no_splats
t "no program died of a fault (the kernel's report of one, with its pc, if so)" no_user_faults
t "rmmod vmapple_kvm after all tests" rmmod vmapple_kvm
t "vmapple check reports the module not loaded" check_sees_no_module
tap_exit
