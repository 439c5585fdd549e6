#!/bin/sh
# module_load.sh - the module loads, makes /dev/vmapple_kvm 0660, unloads
# cleanly, and does so again and again.  Leaves the module unloaded.
. "$(dirname "$0")/tap.sh"

node_mode_is_0660() { [ "$(stat -c %a /dev/vmapple_kvm)" = 660 ]; }
is_listed() { grep -q '^vmapple_kvm ' /proc/modules; }
cycles() {
	i=0
	while [ $i -lt 20 ]; do
		modprobe vmapple_kvm && [ -c /dev/vmapple_kvm ] && rmmod vmapple_kvm || return 1
		i=$((i + 1))
	done
}

rmmod vmapple_kvm 2>/dev/null
tap_plan 8
t "modprobe vmapple_kvm loads the module" modprobe vmapple_kvm
t "module is listed in /proc/modules" is_listed
t "/dev/vmapple_kvm is a character device" test -c /dev/vmapple_kvm
t "/dev/vmapple_kvm has mode 0660" node_mode_is_0660
t "rmmod unloads the module" rmmod vmapple_kvm
t "/dev/vmapple_kvm is gone after unload" test ! -e /dev/vmapple_kvm
t "module is not listed after unload" sh -c '! grep -q "^vmapple_kvm " /proc/modules'
t "20 load/unload cycles" cycles
tap_exit
