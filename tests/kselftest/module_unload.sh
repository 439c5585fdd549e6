#!/bin/sh
# module_unload.sh MECHANISM - rmmod ends within bounded time, whatever a
# guest does: with a vCPU parked in PSCI CPU_SUSPEND (interrupts masked) in
# a VM never attached, or attached and detached, the unload succeeds; with
# the VM still attached it is refused at once; a vCPU asleep in the
# module's WFK is woken by its detach, and the unload then succeeds.  A
# hang is reported (after UNLOAD_LIMIT seconds) and ended by killing the
# guest, so the rest of the run goes on.  Expects the module loaded with
# hooks=MECHANISM; leaves it loaded the same way.
. "$(dirname "$0")/tap.sh"
dir=$(cd "$(dirname "$0")" && pwd)
mech=$1
limit=${UNLOAD_LIMIT:-10}

park() {	# $1: park_vcpu mode; sets park_pid once the vCPU is parked
	rm -f /tmp/park.out
	"$dir/park_vcpu" "$1" >/tmp/park.out 2>&1 &
	park_pid=$!
	i=0
	until grep -q '^parked' /tmp/park.out; do
		i=$((i + 1))
		[ $i -le 50 ] || return 1
		kill -0 "$park_pid" 2>/dev/null || return 1
		sleep 0.2
	done
}

unpark() {
	kill -9 "$park_pid" 2>/dev/null
	wait "$park_pid" 2>/dev/null
	true
}

# timed_rmmod: rmmod's exit status in $rmmod_rc, or 124 if it was still
# running after $limit seconds (then the guest is killed to let it end).
timed_rmmod() {
	rmmod vmapple_kvm >/tmp/rmmod.out 2>&1 &
	rmmod_pid=$!
	if wait_pid "$rmmod_pid" "$limit"; then
		rmmod_rc=$wait_rc
	else
		rmmod_rc=124
		echo "rmmod still running after ${limit}s: $(cut -d' ' -f3 /proc/$rmmod_pid/stat) state"
		unpark
		wait "$rmmod_pid"
	fi
	grep -q '^vmapple_kvm ' /proc/modules || modprobe vmapple_kvm hooks="$mech"
}

unload_succeeds_beside() {	# $1: park mode
	park "$1" || { cat /tmp/park.out; unpark; return 1; }
	timed_rmmod
	unpark
	[ "$rmmod_rc" = 0 ] || { echo "rmmod exited $rmmod_rc"; cat /tmp/rmmod.out; return 1; }
}

unload_refused_while_attached() {
	park attached || { cat /tmp/park.out; unpark; return 1; }
	timed_rmmod
	unpark
	[ "$rmmod_rc" != 0 ] && [ "$rmmod_rc" != 124 ] ||
		{ echo "rmmod exited $rmmod_rc: want a prompt refusal"; return 1; }
}

wfk_woken_by_detach() {
	park wfk || { cat /tmp/park.out; unpark; return 1; }
	timed_rmmod
	[ "$rmmod_rc" != 0 ] && [ "$rmmod_rc" != 124 ] ||
		{ echo "rmmod with the WFK VM attached exited $rmmod_rc"; unpark; return 1; }
	kill -USR1 "$park_pid"
	i=0
	until grep -q '^woke' /tmp/park.out; do
		i=$((i + 1))
		[ $i -le 50 ] || { echo "the detach did not wake the vCPU"; cat /tmp/park.out; unpark; return 1; }
		sleep 0.1
	done
	wait "$park_pid"
	timed_rmmod
	[ "$rmmod_rc" = 0 ] || { echo "rmmod after the wake exited $rmmod_rc"; return 1; }
}

tap_plan 4
t "$mech: rmmod beside a vCPU in CPU_SUSPEND of a VM never attached" unload_succeeds_beside none
t "$mech: rmmod beside a vCPU in CPU_SUSPEND of a VM attached, then detached" \
	unload_succeeds_beside detached
t "$mech: rmmod is refused at once while that VM is attached" unload_refused_while_attached
t "$mech: a detach wakes a vCPU in the module's WFK; rmmod then succeeds" wfk_woken_by_detach
tap_exit
