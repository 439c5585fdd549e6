#!/bin/sh
# macos_limit.sh - Apple's licence allows two macOS guests per Mac: with two
# --bios VMs running, a third is refused with one line saying why, a
# --max-macos-instances 3 one runs, and a slot comes back when its VM is
# killed with SIGKILL.  The host's limit in its config file
# ($VMAPPLE_CONFIG) does the same for every run, `vmapple resources` offers
# Orchard that number, and a bad file is refused naming it and the key.
# --kernel (Linux) VMs are not counted.
. "$(dirname "$0")/tap.sh"
loop=$(dirname "$0")/mmio_loop.bin
export VMAPPLE_MACOS_LOCK_DIR=/tmp/ml-locks
cd /tmp || exit 1
rm -rf "$VMAPPLE_MACOS_LOCK_DIR"

# A --bios VM that never powers off by itself, in the background, its pid
# in ml-NAME.pid (tests run in subshells: a variable would not come back).
start() {	# $1 NAME, then options
	name=$1
	shift
	rm -f "ml-$name.pid"
	vmapple run --bios "$loop" --mem 32M --module none --pidfile "ml-$name.pid" "$@" \
		>"ml-$name.log" 2>&1 &
	n=0
	while [ ! -s "ml-$name.pid" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
}
pid() { cat "ml-$1.pid" 2>/dev/null; }
running() { sleep 1; [ -n "$(pid "$1")" ] && kill -0 "$(pid "$1")" 2>/dev/null; }
# Gone: no process, or a zombie (its flock is dropped at exit, before the reaping).
gone() {
	n=0
	while [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null &&
		[ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ $n -lt 100 ]
}

start vm1
start vm2
third_refused() {
	running vm1 && running vm2 || { echo "the first two did not stay up"; return 1; }
	expect 1 "^vmapple: 2 macOS guests already run on this host \(pid [0-9]+, [0-9]+\): Apple's licence allows two per Mac" \
		vmapple run --bios "$loop" --mem 32M --module none
}
limit_raised() {
	start vm3 --max-macos-instances 3
	running vm3 || return 1
	p3=$(pid vm3)	# the launcher removes its pidfile as it exits
	stop_vm "$p3"
	gone "$p3"
}
host_limit_raised() {
	printf '{ "max-macos-instances": 3 }\n' >/tmp/ml-config.json
	expect 0 "^org\.cirruslabs\.tart-vms=3$" env VMAPPLE_CONFIG=/tmp/ml-config.json \
		vmapple resources || return 1
	export VMAPPLE_CONFIG=/tmp/ml-config.json	# this test's subshell only
	start vm3
	running vm3 || { cat ml-vm3.log; return 1; }
	p3=$(pid vm3)
	stop_vm "$p3"
	gone "$p3"
}
host_limit_bad() {
	printf '{ "max-macos-instances": 0 }\n' >/tmp/ml-config.json
	expect 1 "^vmapple: /tmp/ml-config.json: \"max-macos-instances\": a whole number, 1 to 64$" \
		env VMAPPLE_CONFIG=/tmp/ml-config.json vmapple run --bios "$loop" --mem 32M --module none
}
slot_back_after_kill() {
	old=$(pid vm2)
	kill -9 "$old"
	gone "$old" || { echo "pid $old did not go"; return 1; }
	start vm2
	running vm2 || { cat ml-vm2.log; return 1; }
}
linux_not_counted() {
	# With both slots taken, a --kernel run gets as far as its kernel file.
	expect 1 "^vmapple: --kernel /nonexistent" vmapple run --kernel /nonexistent --module none
}

tap_plan 6
t "a third --bios VM is refused, naming the two and why" third_refused
t "--max-macos-instances 3 lets it run" limit_raised
t "max-macos-instances 3 in the host's config: resources says 3, and it runs" host_limit_raised
t "a host config with a limit of 0: the run refused, naming the file and key" host_limit_bad
t "a VM killed with SIGKILL gives its slot back" slot_back_after_kill
t "--kernel (Linux) VMs are not counted" linux_not_counted
for v in vm1 vm2 vm3; do
	[ -n "$(pid $v)" ] && kill -9 "$(pid $v)" 2>/dev/null
done
wait
tap_exit
