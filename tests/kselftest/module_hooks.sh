#!/bin/sh
# module_hooks.sh MECHANISM - vmapple_kvm loaded with its hooks live through
# MECHANISM (ftrace or kprobe): `vmapple check` says so, the tracepoints
# fire for ISV=0 accesses, `vmapple stat` shows an attached VM's counters,
# and unloading under a running VM is refused while it is attached and safe
# while it is not.  Expects the module loaded with hooks=MECHANISM.
. "$(dirname "$0")/tap.sh"
dir=$(cd "$(dirname "$0")" && pwd)
mech=$1
tr=/sys/kernel/tracing

hooks_named() {
	vmapple check | grep -Eq "^exit hooks +io_mem_abort mmio_return smccc_call +ok" &&
		vmapple check | grep -Eq "^hook mechanism +$mech " &&
		vmapple check | grep -Eq "^ISV=0 in kernel +yes +ok" &&
		vmapple check | grep -Eq "^Apple hvc in kernel +yes, architected PAC keys +ok"
}

events_exist() {
	for e in isv0_emulated isv0_user_exit isv0_fallback apple_hvc; do
		[ -d "$tr/events/vmapple_kvm/vmapple_kvm_$e" ] || { echo "no event $e"; return 1; }
	done
}

# The Layer 1 payload run once with every vmapple_kvm event on.
traced_run() {
	echo > "$tr/trace"
	echo 1 > "$tr/events/vmapple_kvm/enable"
	"$dir/layer0_test" -v mmu_off_l1 -t every_isv0_form_matches_the_cpu_on_ram >/dev/null 2>&1
	rc=$?
	echo 0 > "$tr/events/vmapple_kvm/enable"
	cat "$tr/trace" > /tmp/vmk-trace.txt
	return $rc
}
trace_has() { grep -Eq "$1" /tmp/vmk-trace.txt || { echo "no trace line matches: $1"; return 1; }; }

# Not inside t(): that runs in a subshell, and loop_pid must survive it.
start_loop_vm() {	# $1: --module argument
	vmapple run --bios "$dir/mmio_loop.bin" --mem 64M --module "$1" >/tmp/loop-vm.log 2>&1 &
	loop_pid=$!
	sleep 2
}
loop_vm_runs() { kill -0 "$loop_pid" || { cat /tmp/loop-vm.log; return 1; }; }
# The loop ignores the power button: stop_vm's second SIGTERM forces it off.
stop_loop_vm() { stop_vm "$loop_pid"; }

stat_shows_loop_vm() {
	out=$(vmapple stat --count 2 --interval 1) || return 1
	echo "$out"
	echo "$out" | grep -q "(pid $loop_pid," &&
		echo "$out" | grep -q "per second" &&
		echo "$out" | grep -Eq "^  isv0_user +[1-9][0-9]* +[1-9]"
}

rmmod_refused() { ! rmmod vmapple_kvm 2>&1 && grep -q '^vmapple_kvm ' /proc/modules; }

reload_cycles() {
	i=0
	while [ $i -lt 10 ]; do
		rmmod vmapple_kvm || return 1
		modprobe vmapple_kvm hooks="$mech" || return 1
		i=$((i + 1))
	done
	kill -0 "$loop_pid" || { echo "the VM died"; cat /tmp/loop-vm.log; return 1; }
}

tap_plan 15
t "$mech: check names the live hooks and the mechanism" hooks_named
t "$mech: kernel log says the hooks are live through $mech" \
	sh -c "dmesg | grep -q 'vmapple_kvm: hooks live through $mech'"
t "$mech: vmapple_kvm tracepoints exist" events_exist
t "$mech: the Layer 1 payload passes with tracing on" traced_run
t "$mech: vGIC accesses are traced as emulated in the kernel" \
	trace_has "vmapple_kvm_isv0_emulated: .* ipa 0x1000[0-9a-f]{4} .*user_exits 0"
t "$mech: device accesses are traced with their KVM_EXIT_MMIO" \
	trace_has "vmapple_kvm_isv0_user_exit: .*KVM_EXIT_MMIO (read|write) ipa 0x200"
t "$mech: undecodable accesses are traced as left to KVM" \
	trace_has "vmapple_kvm_isv0_fallback: .*left to KVM: decode"
t "$mech: Apple hypercalls are traced as answered in the kernel" \
	trace_has "vmapple_kvm_apple_hvc: .*0xc1000003 answered in the kernel: x0 0x0"
t "$mech: stat with no VM attached says so" expect 0 "no VM is attached" vmapple stat --count 1
t "$mech: stat with a missing device names it" \
	expect 1 "vmapple stat: cannot open /nonexistent/vmk" vmapple stat --module /nonexistent/vmk
start_loop_vm /dev/vmapple_kvm
t "$mech: an attached VM runs the MMIO loop" loop_vm_runs
t "$mech: stat shows its counters and rates" stat_shows_loop_vm
t "$mech: rmmod is refused while it is attached" rmmod_refused
stop_loop_vm
start_loop_vm none
t "$mech: a VM not attached runs the MMIO loop" loop_vm_runs
t "$mech: 10 unloads and reloads under it: the VM keeps running" reload_cycles
stop_loop_vm
tap_exit
