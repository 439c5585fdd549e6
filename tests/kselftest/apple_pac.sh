#!/bin/sh
# apple_pac.sh - the Apple-native PAC backend's gates and plumbing.  The rig
# is no Apple CPU, so apple_pac=native must refuse (saying why) and leave
# everything else working; apple_pac=selftest runs the real vCPU load/put
# switching with Apple's registers simulated per CPU, and the trace must
# show the guest's KERNKEY and APCTL restored at load and saved at put.
# Expects vmapple_kvm not loaded; leaves it unloaded.
. "$(dirname "$0")/tap.sh"
dir=$(cd "$(dirname "$0")" && pwd)
tr=/sys/kernel/tracing

load() { dmesg -c >/dev/null; modprobe vmapple_kvm "$@"; }
unload() { rmmod vmapple_kvm; }
check_row() { vmapple check | grep -E "^Apple PAC regs +$1" || { vmapple check | grep "^Apple PAC"; return 1; }; }

traced_hypercalls() {
	echo > "$tr/trace"
	echo 1 > "$tr/events/vmapple_kvm/vmapple_kvm_apple_pac_switch/enable"
	"$dir/layer0_test" -v mmu_off_l1 -t apple_hypercalls_answer_as_the_spec_says \
		>/tmp/pac-run.log 2>&1
	rc=$?
	echo 0 > "$tr/events/vmapple_kvm/vmapple_kvm_apple_pac_switch/enable"
	cat "$tr/trace" > /tmp/pac-trace.txt
	[ $rc = 0 ] || { tail -n 20 /tmp/pac-run.log; return 1; }
}
trace_has() { grep -Eq "$1" /tmp/pac-trace.txt || { echo "no trace line matches: $1"; tail -n 5 /tmp/pac-trace.txt; return 1; }; }

tap_plan 11
load
t "default: Apple's PAC state is modelled, and check says how to ask for more" \
	check_row "modelled .*apple_pac=native"
unload

load apple_pac=native
t "apple_pac=native on a non-Apple CPU: the module loads, the log says why not" \
	sh -c 'dmesg | grep -q "apple_pac=native: not an Apple CPU (MIDR implementer 0x"'
t "... vmapple check says so" check_row "modelled .*not an Apple CPU"
t "... no vCPU load/put hook is installed" sh -c '! vmapple check | grep -q vcpu_load/put'
t "... and the hypercalls still run in the kernel" traced_hypercalls
unload

load apple_pac=bogus
t "apple_pac=bogus: named in the log and by check" \
	sh -c 'dmesg | grep -q "apple_pac=bogus: use off, native or selftest" &&
		vmapple check | grep -Eq "^Apple PAC regs +modelled .*use off, native or selftest"'
unload

load apple_pac=selftest
t "apple_pac=selftest: check shows the simulated backend and its hooks" \
	sh -c 'vmapple check | grep -Eq "^Apple PAC regs +simulated" &&
		vmapple check | grep -Eq "^exit hooks .*vcpu_load/put"'
t "selftest: the guest's hypercalls run attached" traced_hypercalls
t "selftest: a vCPU load restores the KERNKEY the guest set (0x4000) and APCTL (0x13)" \
	trace_has "load: restored Apple PAC state: apctl 0x13 kernkey_lo 0x4000"
t "selftest: the put after it saves the same state back from the registers" \
	trace_has "put: saved Apple PAC state: apctl 0x13 kernkey_lo 0x4000"
t "selftest: unloading after the run is clean (deferred frees drained)" unload
tap_exit
