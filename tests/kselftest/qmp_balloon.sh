#!/bin/sh
# qmp_balloon.sh layer0|layer1 - the control socket (--qmp) as a QEMU script
# would drive it, against the Linux guest: query-status, stop (the vCPUs
# make no more exits) and cont, query-vmapple-stats, system_reset (a
# restart in place), balloon/query-balloon: the guest touches 200 MiB and
# frees it, the balloon inflates to a 128 MiB guest and the launcher's
# memory falls (pages returned with MADV_DONTNEED), then deflates back;
# quit ends the run with status 0.  Bad input gets QMP's error classes.
. "$(dirname "$0")/tap.sh"
guest=$(cd "$(dirname "$0")" && pwd)/guest
layer=${1:-layer0}
module=none
[ "$layer" = layer1 ] && module=/dev/vmapple_kvm
work=/tmp/qmp.$layer
rm -rf "$work"
mkdir -p "$work" && cd "$work" || exit 1
sock=$work/vm.qmp

q() { vmapple qmp "$sock" "$1"; }
wait_for() {	# $1 line of the guest's, $2 seconds
	n=0
	while ! grep -q "$1" out.log; do
		[ $n -ge $(($2 * 10)) ] && return 1
		kill -0 "$vm" 2>/dev/null || return 1
		sleep 0.1
		n=$((n + 1))
	done
}
# The launcher's guest RAM in memory: private anonymous (THP-backed), so RssAnon, in KiB.
ram_kib() { sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$(cat vm.pid)/status"; }
actual() { q '{"execute":"query-balloon"}' | sed -n 's/.*"actual": *\([0-9]*\).*/\1/p'; }

# Its exit status lands in rc (each test runs in a subshell, which cannot wait for it).
(vmapple run --kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" \
	--append "console=ttyAMA0 quiet panic=-1 vmapple.balloon" --cpus 2 --mem 512M \
	--module "$module" --qmp "unix:$sock" --rng off --pidfile vm.pid >out.log 2>&1 </dev/null
 echo $? >rc) &
vm=$!

status_running() {
	n=0
	while [ ! -S "$sock" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	q '{"execute":"query-status"}' | grep -Eq '"status": *"running"' &&
		q '{"execute":"query-status"}' | grep -Eq '"running": *true'
}
stop_and_cont() {
	wait_for "balloon: filled" 240 || { tail -5 out.log; return 1; }
	ram_kib >peak	# the next test's baseline
	echo "peak RssAnon $(cat peak) kB"
	q '{"execute":"stop"}' | grep -q '"return"' || return 1
	q '{"execute":"query-status"}' | grep -Eq '"status": *"paused"' || return 1
	a=$(q '{"execute":"query-vmapple-stats"}' | tr -d ' ')
	sleep 1
	b=$(q '{"execute":"query-vmapple-stats"}' | tr -d ' ')
	[ "$a" = "$b" ] || { echo "exits moved while paused: $a / $b"; return 1; }
	q '{"execute":"cont"}' | grep -q '"return"' &&
		q '{"execute":"query-status"}' | grep -Eq '"status": *"running"'
}
stats_shape() {
	out=$(q '{"execute":"query-vmapple-stats"}')
	echo "$out"
	echo "$out" | grep -Eq '"launcher": *\{[^}]*"mmio_exits": *[0-9]+' || return 1
	if [ "$layer" = layer1 ]; then
		echo "$out" | grep -Eq '"vmapple_kvm": *\{[^}]*"hvc_kernel": *[0-9]+'
	fi
}
balloon_inflates_and_memory_falls() {
	wait_for "balloon: ready" 120 || { tail -5 out.log; return 1; }
	q '{"execute":"balloon","arguments":{"value":134217728}}' | grep -q '"return"' || return 1
	n=0
	while [ "$(actual)" -gt $((160 << 20)) ] && [ $n -lt 120 ]; do sleep 1; n=$((n + 1)); done
	now=$(ram_kib) peak=$(cat peak)
	echo "actual $(actual), RssAnon ${peak} kB at the peak, ${now} kB now"
	q '{"execute":"query-vmapple-stats"}' | grep -Eo '"balloon": *\{[^}]*\}'
	[ "$(actual)" -le $((160 << 20)) ] && [ "$now" -lt $((peak - 150 * 1024)) ] &&
		q '{"execute":"query-vmapple-stats"}' | grep -Eq '"inflated": *[1-9]'
}
balloon_deflates() {
	q '{"execute":"balloon","arguments":{"value":536870912}}' | grep -q '"return"' || return 1
	n=0
	while [ "$(actual)" -lt $((500 << 20)) ] && [ $n -lt 120 ]; do sleep 1; n=$((n + 1)); done
	echo "actual $(actual)"
	[ "$(actual)" -ge $((500 << 20)) ]
}
bad_input() {
	q '{"execute":"balloon"}' | grep -q "Parameter 'value' is missing" &&
		q '{"execute":"frobnicate"}' | grep -q 'CommandNotFound' &&
		q '{"execute":"balloon","arguments":{"value":"big"}}' | grep -q "Invalid parameter type"
}
system_reset_restarts() {
	q '{"execute":"system_reset"}' | grep -q '"return"' || return 1
	n=0
	while ! grep -q "system_reset (QMP): restart 1" out.log && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	n=0
	while [ "$(grep -c 'balloon: filled' out.log)" -lt 2 ] && [ $n -lt 2400 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	grep -q "system_reset (QMP): restart 1" out.log &&
		[ "$(grep -c 'balloon: filled' out.log)" = 2 ] &&
		q '{"execute":"query-vmapple-stats"}' | grep -Eq '"restarts": *1'
}
quit_ends_run() {
	q '{"execute":"quit"}' | grep -q '"return"' || return 1
	n=0
	while [ ! -s rc ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
	[ "$(cat rc)" = 0 ] && grep -q "quit (QMP)" out.log || { tail -8 out.log; return 1; }
}

tap_plan 8
t "$layer: query-status: running" status_running
t "$layer: stop pauses every vCPU (no exits meanwhile), cont resumes" stop_and_cont
t "$layer: query-vmapple-stats: the launcher's counters (and the module's)" stats_shape
t "$layer: balloon to 128 MiB: the guest gives its memory back, the launcher's falls" \
	balloon_inflates_and_memory_falls
t "$layer: balloon back to 512 MiB deflates it" balloon_deflates
t "$layer: a missing or ill-typed argument and an unknown command get QMP's errors" bad_input
t "$layer: system_reset restarts the guest in place" system_reset_restarts
t "$layer: quit ends the run with status 0" quit_ends_run
kill "$vm" 2>/dev/null
tap_exit
