#!/bin/sh
# bundles.sh - VMs as the Mac tools make them: a fake bundle of each layout
# (macosvm, Tart, UTM, VirtualBuddy: tests/fixtures/make-bundle.py) is
# inspected, and run with the test firmware, which sees the bundle's ECID,
# CPU count and disks through cfg and BDIF; a clone gets a fresh MAC (and is
# refused where reflinks are impossible, here on tmpfs, unless
# --allow-copy); --ephemeral leaves the bundle unwritten and no scratch
# copy behind, even after kill -9; bad bundles are named in one line.
. "$(dirname "$0")/tap.sh"
here=$(cd "$(dirname "$0")" && pwd)
fw=$here/fwtest.bin
loop=$here/mmio_loop.bin
export VMAPPLE_MACOS_LOCK_DIR=/tmp/bd-locks
rm -rf /tmp/bd && mkdir /tmp/bd && cd /tmp/bd || exit 1
cp -a "$here/bundles/." .

inspect_each() {
	for b in macosvm tart vm.utm vm.vbvm; do
		out=$(vmapple inspect "$b") || { echo "$b: $out"; return 1; }
		echo "$out" | grep -q "1122334455667788" && echo "$out" | grep -q "5a:94:ef:12:34:56" ||
			{ echo "$b:"; echo "$out"; return 1; }
	done
}
inspect_json() {
	vmapple inspect tart --json | grep -Eq '"ecid": *"?(0x)?1122334455667788|"ecid": *1234605616436508552'
}
run_each() {
	for b in macosvm tart vm.utm vm.vbvm; do
		vmapple run "$b" --bios "$fw" --module none >"run-$b.log" 2>&1 ||
			{ echo "$b: exit $?"; cat "run-$b.log"; return 1; }
		grep -q "^fwtest: cfg cpus 0000000000000002 model VM0001 ecid 1122334455667788" \
			"run-$b.log" &&
			grep -q "^fwtest: bdif sectors root 0000000000000800 aux 0000000000000800" \
				"run-$b.log" &&
			grep -q "^fwtest: root sector 0 status 0000000000000000 data 'ROOTDISK'" \
				"run-$b.log" || { echo "$b:"; cat "run-$b.log"; return 1; }
	done
}
options_override() {
	vmapple run tart --bios "$fw" --module none --ecid 0x42 --cpus 1 >over.log 2>&1 &&
		grep -q "cfg cpus 0000000000000001 model VM0001 ecid 0000000000000042" over.log
}
clone_needs_reflink() {
	expect 1 "cannot reflink .*--allow-copy" vmapple clone tart tart2 && [ ! -e tart2 ]
}
clone_copies_with_fresh_mac() {
	vmapple clone tart tart2 --allow-copy || return 1
	mac=$(vmapple inspect tart2 | sed -n 's/.*\([0-9a-f][0-9a-f]\(:[0-9a-f][0-9a-f]\)\{5\}\).*/\1/p')
	echo "clone's MAC: $mac"
	[ -n "$mac" ] && [ "$mac" != 5a:94:ef:12:34:56 ] &&
		vmapple inspect tart | grep -q 5a:94:ef:12:34:56
}
ephemeral_leaves_nothing() {
	before=$(md5sum tart/disk.img tart/nvram.bin tart/config.json)
	vmapple run tart --ephemeral --allow-copy --bios "$loop" --module none \
		--pidfile eph.pid >eph.log 2>&1 &
	n=0
	while [ ! -s eph.pid ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	sleep 1
	grep -q "ephemeral: running on" eph.log || { cat eph.log; return 1; }
	kill -9 "$(cat eph.pid)"
	sleep 0.5
	ls -a | grep -q vmapple-ephemeral && { echo "a scratch copy is left:"; ls -a; return 1; }
	[ "$(md5sum tart/disk.img tart/nvram.bin tart/config.json)" = "$before" ]
}
stale_scratch_reaped() {
	mkdir .vmapple-ephemeral-99999-tart && touch .vmapple-ephemeral-99999-tart/disk.img
	vmapple run tart --ephemeral --allow-copy --bios "$fw" --module none >reap.log 2>&1 &&
		grep -q "removed 1 scratch copy left by killed launchers" reap.log &&
		[ ! -e .vmapple-ephemeral-99999-tart ] || { cat reap.log; return 1; }
}
bad_bundles_named() {
	mkdir empty.bundle
	expect 1 "empty.bundle" vmapple inspect empty.bundle || return 1
	cp -a tart tart-nodisk && rm tart-nodisk/disk.img
	expect 1 "tart-nodisk.*disk" vmapple run tart-nodisk --bios "$fw" --module none || return 1
	cp -a tart tart-badjson && printf '{"version": ' >tart-badjson/config.json
	expect 1 "tart-badjson/config.json" vmapple inspect tart-badjson
}
no_firmware() {
	expect 1 "no firmware: give --bios AVPBooter.vmapple2.bin" env -u VMAPPLE_BIOS \
		vmapple run tart --module none
}

tap_plan 10
t "inspect reads each layout: disk, aux, ECID, MAC" inspect_each
t "inspect --json" inspect_json
t "run BUNDLE: the firmware sees the bundle's ECID, CPUs and disks (4 layouts)" run_each
t "options on the command line override the bundle's" options_override
t "clone where reflinks are impossible (tmpfs): refused, nothing made" clone_needs_reflink
t "clone --allow-copy: a copy with a fresh MAC, the original's kept" clone_copies_with_fresh_mac
t "--ephemeral: after kill -9 no scratch copy is left, the bundle unwritten" \
	ephemeral_leaves_nothing
t "--ephemeral reaps the scratch copy of a launcher that is gone" stale_scratch_reaped
t "bad bundles: one line naming the file and the field" bad_bundles_named
t "a bundle without --bios or an installed AVPBooter: says where to get it" no_firmware
tap_exit
