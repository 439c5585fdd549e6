#!/bin/sh
# qmp_events.sh - what a QEMU script listening on the control socket sees:
# `vmapple qmp SOCKET --events` stays connected from before the guest's
# first instruction (--paused, QEMU's -S) to the run's end, and gets, in
# order, RESUME and GUEST_PANICKED (a pvpanic), RESET (guest-reset) and
# SHUTDOWN (guest-shutdown) from a guest that resets itself, and POWERDOWN,
# STOP, RESUME, RESET (host-qmp-system-reset) and SHUTDOWN (host-qmp-quit)
# for the host's commands.  A listener killed mid-run disturbs nothing.
# The guests are the test firmware (payload/fwtest.S) and an MMIO loop.
. "$(dirname "$0")/tap.sh"
dir=$(cd "$(dirname "$0")" && pwd)
work=/tmp/qmp-events
rm -rf "$work"
mkdir -p "$work" && cd "$work" || exit 1
printf ROOTDISK >root.img && truncate -s 1M root.img

q() { vmapple qmp "$sock" "$1"; }
# start NAME FIRMWARE OPTIONS...: a paused run on NAME.qmp, its exit status in NAME.rc.
start() {
	name=$1 fw=$2
	shift 2
	sock=$work/$name.qmp
	printf 'AUXDISK!' >"$name-aux.img" && truncate -s 2M "$name-aux.img"
	(vmapple run --bios "$fw" --disk root.img --aux "$name-aux.img" --mem 64M --module none \
		--qmp "unix:$sock" --pidfile "$name.pid" "$@" >"$name.log" 2>&1 </dev/null
	 echo $? >"$name.rc") &
	n=0
	while [ ! -S "$sock" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	[ -S "$sock" ] || { cat "$name.log"; return 1; }
}
# listen NAME: the event listener, on until the run ends; its status in NAME.ev.rc.
listen() {
	(vmapple qmp "$sock" --events >"$1.ev" 2>&1; echo $? >"$1.ev.rc") &
	n=0
	while ! grep -q '^listening$' "$1.ev" 2>/dev/null && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	grep -q '^listening$' "$1.ev"
}
# ended NAME RC: the run and its listener are over, the run with status RC.
ended() {
	n=0
	while { [ ! -s "$1.rc" ] || [ ! -s "$1.ev.rc" ]; } && [ $n -lt 300 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ "$(cat "$1.rc" 2>/dev/null)" = "$2" ] && [ "$(cat "$1.ev.rc" 2>/dev/null)" = 0 ] || {
		echo "run status $(cat "$1.rc" 2>/dev/null), listener $(cat "$1.ev.rc" 2>/dev/null)"
		cat "$1.log" "$1.ev"
		return 1
	}
}
# events NAME: the names of the events NAME's listener got, one line (the
# boot's progress milestones left out: progress lines are tested elsewhere).
events() { sed -n 's/^{"event":"\([A-Z_]*\)".*/\1/p' "$1.ev" | grep -v '^VMAPPLE_PROGRESS$' | tr '\n' ' '; }
# seen NAME "E1 E2 ...": exactly those events, in that order.
seen() {
	[ "$(events "$1")" = "$2 " ] || { echo "events: $(events "$1"), wanted: $2"; cat "$1.ev"; return 1; }
}

held_until_cont() {
	start panic "$dir/fwtest.bin" --ecid 0xdead --paused || return 1
	q '{"execute":"query-status"}' | grep -Eq '"status": *"prelaunch"' &&
		q '{"execute":"query-status"}' | grep -Eq '"running": *false' ||
		{ q '{"execute":"query-status"}'; return 1; }
	listen panic || return 1
	sleep 1
	! grep -q '^fwtest: hello' panic.log || { echo "the firmware ran before cont"; return 1; }
	q '{"execute":"cont"}' | grep -q '"return"'
}
panic_events() {
	ended panic 3 && seen panic "RESUME GUEST_PANICKED" &&
		grep -q '"event":"GUEST_PANICKED","data":{"action":"poweroff"}' panic.ev &&
		grep -q '^fwtest: hello' panic.log
}
# The boot's clock starts at cont: firmware-started comes after RESUME, at 0 s.
progress_from_cont() {
	first=$(grep -n '"event":"RESUME"' panic.ev | cut -d: -f1)
	fw=$(grep -n '"stage":"firmware-started","seconds":0.000,' panic.ev | cut -d: -f1)
	[ -n "$first" ] && [ -n "$fw" ] && [ "$fw" -gt "$first" ] || { cat panic.ev; return 1; }
}
guest_reset_events() {
	start reset "$dir/fwtest.bin" --ecid 0xb002 --paused && listen reset &&
		q '{"execute":"cont"}' | grep -q '"return"' || return 1
	ended reset 0 && seen reset "RESUME RESET RESET SHUTDOWN" &&
		[ "$(grep -c '"event":"RESET","data":{"guest":true,"reason":"guest-reset"}' reset.ev)" = 2 ] &&
		grep -q '"event":"SHUTDOWN","data":{"guest":true,"reason":"guest-shutdown"}' reset.ev
}
host_command_events() {
	start host "$dir/mmio_loop.bin" && listen host || return 1
	# A second listener, killed: the run and the first listener carry on.
	(vmapple qmp "$sock" --events >gone.ev 2>&1) &
	gone=$!
	sleep 0.5
	kill -9 "$gone"
	for c in system_powerdown stop cont system_reset; do
		q "{\"execute\":\"$c\"}" | grep -q '"return"' || { echo "$c failed"; return 1; }
	done
	n=0
	while ! grep -q "system_reset (QMP): restart 1" host.log && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	q '{"execute":"query-status"}' | grep -Eq '"status": *"running"' || return 1
	q '{"execute":"quit"}' | grep -q '"return"' || return 1
	ended host 0 && seen host "POWERDOWN STOP RESUME RESET SHUTDOWN" &&
		grep -q '"event":"RESET","data":{"guest":false,"reason":"host-qmp-system-reset"}' host.ev &&
		grep -q '"event":"SHUTDOWN","data":{"guest":false,"reason":"host-qmp-quit"}' host.ev
}
# A system_reset before the first cont: the new machine is held too (as QEMU's).
reset_while_held() {
	start held "$dir/mmio_loop.bin" --paused || return 1
	q '{"execute":"system_reset"}' | grep -q '"return"' || return 1
	n=0
	while ! grep -q "system_reset (QMP): restart 1" held.log && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	grep -q "system_reset (QMP): restart 1" held.log &&
		q '{"execute":"query-status"}' | grep -Eq '"status": *"prelaunch"' ||
		{ q '{"execute":"query-status"}'; cat held.log; return 1; }
	q '{"execute":"cont"}' | grep -q '"return"' &&
		q '{"execute":"query-status"}' | grep -Eq '"status": *"running"' &&
		q '{"execute":"quit"}' | grep -q '"return"' || return 1
	n=0
	while [ ! -s held.rc ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	[ "$(cat held.rc)" = 0 ] || { cat held.log; return 1; }
}
# quit's reply reaches the client before the run ends: the launcher ends
# at once now (no polling), so five runs in a row must each answer.
quit_answers() {
	for i in 1 2 3 4 5; do
		start "quit$i" "$dir/mmio_loop.bin" || return 1
		out=$(q '{"execute":"quit"}' 2>&1)
		echo "$out" | grep -q '"return"' || { echo "run $i: quit got: $out"; return 1; }
		n=0
		while [ ! -s "quit$i.rc" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
		[ "$(cat "quit$i.rc")" = 0 ] || { echo "run $i ended $(cat "quit$i.rc")"; return 1; }
	done
}
no_socket() {
	expect 1 "^vmapple qmp: $work/none.qmp: No such file or directory" \
		vmapple qmp "$work/none.qmp" --events
}

tap_plan 8
t "--paused: query-status says prelaunch, the firmware waits for cont" held_until_cont
t "a pvpanic: RESUME, then GUEST_PANICKED (action poweroff); the run ends with 3" panic_events
t "--paused: the boot's progress clock starts at cont (firmware-started after RESUME, at 0 s)" \
	progress_from_cont
t "a guest that resets twice, then powers off: RESET (guest-reset) twice, SHUTDOWN (guest-shutdown)" \
	guest_reset_events
t "the host's commands: POWERDOWN, STOP, RESUME, RESET (host-qmp-system-reset), SHUTDOWN (host-qmp-quit); a killed listener disturbs nothing" \
	host_command_events
t "a system_reset before the first cont leaves the new machine held (prelaunch) until cont" \
	reset_while_held
t "quit is answered before the run ends, five runs in a row" quit_answers
t "--events with no socket names it" no_socket
for p in panic reset host held; do [ -s "$p.pid" ] && kill -9 "$(cat "$p.pid")" 2>/dev/null; done
tap_exit
