#!/bin/sh
# vetu_run.sh - Orchard's vetu runtime's calls through the `vetu` link the
# packages install, with the real launcher: a Tart bundle cloned into the
# store; set's memory and CPUs reach the launcher (out-of-range values are
# refused by it, by name); run (the test firmware's MMIO loop, as
# $VMAPPLE_BIOS) with QMP at the store's known path; listed as running;
# stopped (the button, which that guest ignores, then SIGKILL after
# --timeout); listed as stopped; deleted.  Every call and error of the
# contract is replayed on the host by test_vetu; this is the run itself.
. "$(dirname "$0")/tap.sh"
here=$(cd "$(dirname "$0")" && pwd)
export VMAPPLE_HOME=/tmp/vetu-home VMAPPLE_MACOS_LOCK_DIR=/tmp/vetu-locks
export VMAPPLE_BIOS=$here/mmio_loop.bin
vm=orchard-rig-0b7e4c1a-5d2f-4e6a-8b9c-0123456789ab-0
dir=$VMAPPLE_HOME/vms/$vm
rm -rf "$VMAPPLE_HOME" /tmp/vetu-src && mkdir -p /tmp/vetu-src &&
	cp -a "$here/bundles/tart" /tmp/vetu-src/ || exit 1

running_in_list() {
	out=$(vetu list --format json) || return 1
	echo "$out" | tr -d ' \n' | grep -q "\"Name\":\"$vm\".*\"Running\":$1,\"State\":\"$2\"" ||
		{ echo "$out"; return 1; }
}
mem_reaches_launcher() {
	vetu set --memory 8 "$vm" && expect 1 "mem 8 MiB: must be 16 MiB" vetu run "$vm"
}
cpus_reach_launcher() {
	vetu set --memory 256 --cpu 200 "$vm" && expect 1 "cpus 200: the board has 1 to" vetu run "$vm"
}
# The run is this shell's child (t's tests run in subshells): started here, waited for here.
start_run() {
	vetu run "$vm" >/tmp/vetu-run.log 2>&1 &
	run=$!
	n=0
	while [ ! -S "$dir/qmp.sock" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
}
qmp_running() {
	vmapple qmp "$dir/qmp.sock" '{"execute":"query-status"}' | grep -q '"status":"running"' ||
		{ cat /tmp/vetu-run.log; return 1; }
}
killed() {
	[ "$1" = 137 ] || { echo "the run ended $1, not by SIGKILL"; cat /tmp/vetu-run.log; return 1; }
}

tap_plan 10
t "vetu clone BUNDLE NAME" vetu clone /tmp/vetu-src/tart "$vm"
t "set --memory 8: the launcher refuses it by name (set's memory reaches it)" mem_reaches_launcher
t "set --cpu 200: the launcher refuses it by name (set's CPUs reach it)" cpus_reach_launcher
t "vetu set --cpu 1 NAME" vetu set --cpu 1 "$vm"
start_run
t "vetu run NAME: QMP at NAME/qmp.sock answers running" qmp_running
t "vetu list --format json: Running true, State running" running_in_list true running
t "vetu stop --timeout 2 NAME: exit 0" vetu stop --timeout 2 "$vm"
wait "$run"
t "the run ended by SIGKILL after the button (this guest ignores it)" killed $?
t "vetu list --format json: Running false, State stopped" running_in_list false stopped
t "vetu delete NAME" sh -c "vetu delete '$vm' && [ ! -e '$dir' ]"
tap_exit
