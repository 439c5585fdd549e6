#!/bin/sh
# kernel_log.sh - after everything else: the kernel logged no warning, oops
# or memory error, the module unloads, and `vmapple check` notices.
. "$(dirname "$0")/tap.sh"

no_splats() {
	! dmesg | grep -E 'BUG:|Oops|WARNING:|Call trace:|refcount_t:|use-after-free|general protection|list_(add|del) corruption'
}
check_sees_no_module() {
	vmapple check | grep -Eq '^vmapple_kvm +not loaded +optional'
}

tap_plan 3
t "kernel log has no warnings, oopses or memory errors" no_splats
t "rmmod vmapple_kvm after all tests" rmmod vmapple_kvm
t "vmapple check reports the module not loaded" check_sees_no_module
tap_exit
