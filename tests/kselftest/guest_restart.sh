#!/bin/sh
# guest_restart.sh layer0|layer1 - what a macOS guest's first boots need
# from the board, played by the test firmware (payload/fwtest.S):
# - a guest that resets itself twice, keeping a boot count in aux sector 1
#   written through BDIF (NVRAM), then powers off: restarted in the same
#   process each time, RAM cleared, every boot a new cfg seed and session
#   UUID, the count on the image afterwards;
# - a read-only aux refuses the BDIF write with status 1;
# - a reset loop ends the run with status 6; --on-reset exit with 5;
# - the device tree's 24 MHz timebase records rewritten to the host's rate
#   at the boot CPU's PAC_SET_INITIAL_STATE, the hostile ones left alone.
# In layer1 the VM is attached to vmapple_kvm, which answers the hypercalls
# and hands the boot CPU's PAC_SET_INITIAL_STATE on for the timebase.
. "$(dirname "$0")/tap.sh"
fw=$(dirname "$0")/fwtest.bin
layer=${1:-layer0}
module=none
[ "$layer" = layer1 ] && module=/dev/vmapple_kvm
cd /tmp || exit 1

fresh() { printf ROOTDISK >gr-root.img && truncate -s 1M gr-root.img &&
	  printf 'AUXDISK!' >gr-aux.img && truncate -s 2M gr-aux.img; }
boot() {	# $1: log, then options
	log=$1
	shift
	vmapple run --bios "$fw" --disk gr-root.img --aux gr-aux.img --mem 64M --cpus 2 \
		--module "$module" "$@" >"$log" 2>&1
}

resets_twice_then_powers_off() {
	fresh
	boot gr.log --ecid 0xb002 || { echo "exit $?"; cat gr.log; return 1; }
	[ "$(grep -c '^fwtest: hello' gr.log)" = 3 ] &&
		grep -q "restart 2$" gr.log && grep -q "^restarts: 2 " gr.log ||
		{ cat gr.log; return 1; }
	if [ "$layer" = layer1 ]; then
		[ "$(grep -c 'VM attached to vmapple_kvm' gr.log)" = 3 ] || { cat gr.log; return 1; }
	fi
}
boot_counts_seen() {
	sed -n 's/^fwtest: boot count \([0-9a-f]*\)$/\1/p' gr.log | tr '\n' ' ' | tee /dev/stderr |
		grep -qx '0000000000000000 0000000000000001 0000000000000002 '
}
nvram_on_the_image() {
	# aux sector 1 holds the count (the file has no VZ header: trimmed, 2 MiB).
	[ "$(od -An -tu1 -j512 -N1 gr-aux.img | tr -d ' ')" = 2 ] &&
		[ "$(grep -c 'boot count written, status 0000000000000000' gr.log)" = 2 ]
}
ram_cleared() {
	# The marker each boot leaves is gone at the next one.
	[ "$(grep -c 'ram marker 0000000000000000$' gr.log)" = 3 ] || { grep marker gr.log; return 1; }
}
seed_and_uuid_new_each_boot() {
	seeds=$(sed -n 's/^fwtest: cfg seed \([0-9a-f]*\) .*/\1/p' gr.log | sort -u | wc -l)
	uuids=$(sed -n 's/^fwtest: hvc mabs [0-9a-f]* uuid \([0-9a-f]*\).*/\1/p' gr.log |
		sort -u | wc -l)
	echo "distinct seeds $seeds, uuids $uuids"
	[ "$seeds" = 3 ] && [ "$uuids" = 3 ] || { grep "^fwtest: \(cfg seed\|hvc\)" gr.log; return 1; }
	grep -q "cfg seed [0-9a-f]* production 0000000000000001 " gr.log
}
readonly_aux_refused() {
	fresh
	boot gr-ro.log --ecid 0xb002 --aux gr-aux.img,ro --reset-limit 2 --reset-window 600
	rc=$?
	# The write fails (status 1), the count never moves: a reset loop.
	[ "$rc" = 6 ] && grep -q "boot count written, status 0000000000000001" gr-ro.log &&
		[ "$(od -An -tu1 -j512 -N1 gr-aux.img | tr -d ' ')" = 0 ] ||
		{ echo "exit $rc"; cat gr-ro.log; return 1; }
}
reset_loop_ends_run() {
	fresh
	boot gr-loop.log --ecid 0xb007 --reset-limit 3 --reset-window 60
	rc=$?
	[ "$rc" = 6 ] && grep -q "reset 4 times within 60 s: a reset loop" gr-loop.log &&
		grep -q "^restarts: 3 " gr-loop.log || { echo "exit $rc"; cat gr-loop.log; return 1; }
}
on_reset_exit() {
	boot gr-exit.log --ecid 0xb007 --on-reset exit
	rc=$?
	[ "$rc" = 5 ] && grep -q -- "--on-reset exit: ending the run" gr-exit.log &&
		[ "$(grep -c '^fwtest: hello' gr-exit.log)" = 1 ] || { echo "exit $rc"; cat gr-exit.log; return 1; }
}
timebase_rewritten() {
	fresh
	boot gr-tb.log || { cat gr-tb.log; return 1; }
	line=$(grep '^fwtest: timebase' gr-tb.log)
	echo "$line"
	# shellcheck disable=SC2086
	set -- $line
	# $4 cntfrq, $6 exact, $7 bit-31 length, $8 length 4, $9 another value
	hz=$(printf '%016x' 24000000) other=$(printf '%016x' 25000000)
	if [ "$4" = "$hz" ]; then
		[ "$6" = "$hz" ] && [ "$7" = "$hz" ]	# 24 MHz host: nothing to do
	else
		[ "$6" = "$4" ] && [ "$7" = "$4" ] && [ "$8" = "$hz" ] && [ "$9" = "$other" ] &&
			grep -q "2 timebase-frequency record(s) of the guest's device tree rewritten" \
				gr-tb.log
	fi
}

progress_lines() {
	for b in 1 2 3; do
		grep -Eq "^vmapple: \+[0-9.]+ s: firmware started \(boot $b\)$" gr.log &&
			grep -Eq "^vmapple: \+[0-9.]+ s: stage 1 read \(first BDIF request\) \(boot $b\)$" gr.log &&
			grep -Eq "^vmapple: \+[0-9.]+ s: kernel reached \(first Apple hypercall\) \(boot $b\)$" gr.log ||
			{ grep "^vmapple: +" gr.log; return 1; }
		# Boot b's stage 1 is its own firmware's first BDIF request, not a count left over.
		hello=$(grep -n '^fwtest: hello' gr.log | sed -n "${b}p" | cut -d: -f1)
		stage=$(grep -n "stage 1 read .*(boot $b)" gr.log | cut -d: -f1)
		[ -n "$hello" ] && [ -n "$stage" ] && [ "$stage" -gt "$hello" ] ||
			{ echo "boot $b: stage 1 said at line $stage, its firmware's hello at $hello"; return 1; }
	done
}

tap_plan 10
t "$layer: a guest that resets twice is restarted in place, then powers off" \
	resets_twice_then_powers_off
t "$layer: its boot count went 0, 1, 2: NVRAM written through BDIF survives restarts" \
	boot_counts_seen
t "$layer: the count is on the aux image afterwards" nvram_on_the_image
t "$layer: RAM is cleared at every restart" ram_cleared
t "$layer: every boot a new cfg seed and session UUID" seed_and_uuid_new_each_boot
t "$layer: a read-only aux refuses the BDIF write with status 1" readonly_aux_refused
t "$layer: a reset loop ends the run with status 6" reset_loop_ends_run
t "$layer: --on-reset exit ends it at the first reset with status 5" on_reset_exit
t "$layer: each boot's milestones said once, timed: firmware, stage 1 (its own firmware's request), kernel" \
	progress_lines
t "$layer: 24 MHz timebase records rewritten to the host's rate, the others left alone" \
	timebase_rewritten
tap_exit
