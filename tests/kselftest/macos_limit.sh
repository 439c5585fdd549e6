#!/bin/sh
# macos_limit.sh - Apple's licence allows two macOS guests per Mac: with two
# --bios VMs running, a third is refused with one line saying why, a
# --max-macos-instances 3 one runs, and a slot comes back when its VM is
# killed with SIGKILL.  --kernel (Linux) VMs are not counted.
. "$(dirname "$0")/tap.sh"
loop=$(dirname "$0")/mmio_loop.bin
export VMAPPLE_MACOS_LOCK_DIR=/tmp/ml-locks
cd /tmp || exit 1
rm -rf "$VMAPPLE_MACOS_LOCK_DIR"

# A --bios VM that never powers off by itself, in the background: its pid in $!.
start() {
	vmapple run --bios "$loop" --mem 32M --module none "$@" >"ml-$#-$$.log" 2>&1 &
}
running() { sleep 1; kill -0 "$1" 2>/dev/null; }

start
vm1=$!
start
vm2=$!
third_refused() {
	running "$vm1" && running "$vm2" || { echo "the first two did not stay up"; return 1; }
	expect 1 "^vmapple: 2 macOS guests already run on this host \(pid [0-9]+, [0-9]+\): Apple's licence allows two per Mac" \
		vmapple run --bios "$loop" --mem 32M --module none
}
limit_raised() {
	start --max-macos-instances 3
	vm3=$!
	running "$vm3" || return 1
	stop_vm "$vm3"
}
slot_back_after_kill() {
	kill -9 "$vm2"
	wait "$vm2" 2>/dev/null
	start
	vm2=$!
	running "$vm2"
}
linux_not_counted() {
	# With both slots taken, a --kernel run gets as far as its kernel file.
	expect 1 "^vmapple: --kernel /nonexistent" vmapple run --kernel /nonexistent --module none
}

tap_plan 4
t "a third --bios VM is refused, naming the two and why" third_refused
t "--max-macos-instances 3 lets it run" limit_raised
t "a VM killed with SIGKILL gives its slot back" slot_back_after_kill
t "--kernel (Linux) VMs are not counted" linux_not_counted
stop_vm "$vm1"
stop_vm "$vm2"
tap_exit
