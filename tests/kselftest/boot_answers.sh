#!/bin/sh
# boot_answers.sh layer0|layer1 - each boot of the board is told its own
# session UUID (random, new every boot) and a MABS offset through the Apple
# hypercalls: the test firmware asks for them and prints them.  In layer1
# the VM is attached to vmapple_kvm and the module gives the answers (its
# counters say so); in layer0 the launcher does.
. "$(dirname "$0")/tap.sh"
fw=$(dirname "$0")/fwtest.bin
layer=${1:-layer0}
module=none
[ "$layer" = layer1 ] && module=/dev/vmapple_kvm
cd /tmp || exit 1
printf ROOTDISK >ba-root.img && truncate -s 1M ba-root.img
printf 'AUXDISK!' >ba-aux.img && truncate -s 2M ba-aux.img

boot() {	# $1: log file
	vmapple run --bios "$fw" --disk ba-root.img --aux ba-aux.img --mem 64M \
		--module "$module" >"$1" 2>&1
}
answers() { sed -n 's/^fwtest: hvc mabs \([0-9a-f]*\) uuid \([0-9a-f]*\).*/\1 \2/p' "$1"; }

two_boots_differ() {
	boot ba1.log && boot ba2.log || { cat ba1.log ba2.log; return 1; }
	a=$(answers ba1.log) b=$(answers ba2.log)
	echo "boot 1: $a"
	echo "boot 2: $b"
	# shellcheck disable=SC2086
	set -- $a $b
	[ $# = 4 ] && [ "$1" != 0000000000000000 ] && [ "$3" != 0000000000000000 ] &&
		[ "$2" != "$4" ] && ! echo "$2" | grep -q '^0*$'
}

answered_where_expected() {
	if [ "$layer" = layer1 ]; then
		grep -q "VM attached to vmapple_kvm" ba2.log &&
			grep -Eq "vmapple_kvm:.* hvc_kernel [2-9]" ba2.log || { cat ba2.log; return 1; }
	else
		grep -Eq "^exits: .*hvc [2-9]" ba2.log || { cat ba2.log; return 1; }
	fi
}

tap_plan 2
t "$layer: two boots, each its own session UUID and a MABS offset" two_boots_differ
t "$layer: answered by the $([ "$layer" = layer1 ] && echo module || echo launcher)" \
	answered_where_expected
tap_exit
