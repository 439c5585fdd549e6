#!/bin/sh
# macos_virtio.sh layer0|layer1 - a bare-metal driver that lays out its
# rings as macOS 26's AppleVirtIO does (payload/vdrv.c): a 64-entry split
# ring byte-aligned, the used address programmed inside the avail ring.
# The board relocates the used ring (aquarat's x-fix-overlapping-used, on
# by default) so 1000 requests complete with the avail ring intact; the
# same driver on a well-formed ring is untouched; with the fix off it
# stalls (the test can fail).  The virtio-sound answers JACK_INFO,
# PCM_INFO and CHMAP_INFO as macOS asks them.
. "$(dirname "$0")/tap.sh"
drv=$(dirname "$0")/vdrv.bin
layer=${1:-layer0}
module=none
[ "$layer" = layer1 ] && module=/dev/vmapple_kvm
export VMAPPLE_MACOS_LOCK_DIR=/tmp/mv-locks
cd /tmp || exit 1

boot() {	# $1 log, then options
	log=$1
	shift
	timeout 120 vmapple run --bios "$drv" --mem 64M --module "$module" "$@" >"$log" 2>&1
}

apple_layout_relocated() {
	boot mv-apple.log || { cat mv-apple.log; return 1; }
	grep -q "^vdrv: rng apple-layout requests 1000 of 1000 avail-intact 1000$" mv-apple.log &&
		grep -q "virtio-rng: queue 0's used ring at 0x70106000 overlaps its rings .*uses 0x70107000" \
			mv-apple.log || { cat mv-apple.log; return 1; }
	if [ "$layer" = layer1 ]; then
		grep -q "VM attached to vmapple_kvm" mv-apple.log || { cat mv-apple.log; return 1; }
	fi
}
well_formed_untouched() {
	boot mv-good.log --ecid 0x600d || { cat mv-good.log; return 1; }
	grep -q "^vdrv: rng well-formed requests 1000 of 1000 avail-intact 1000$" mv-good.log &&
		! grep -q "overlaps its rings" mv-good.log || { cat mv-good.log; return 1; }
}
fix_off_stalls() {
	boot mv-off.log --fix-overlapping-used off
	grep "^vdrv: rng" mv-off.log
	grep -q "^vdrv: rng apple-layout requests 0 of 1000" mv-off.log
}
sound_answers() {
	line=$(grep "^vdrv: sound" mv-apple.log)
	echo "$line"
	echo "$line" | grep -q "jack_info 0x0000000000008000 pcm_info 0x0000000000008000 chmap_info 0x0000000000008000 bad_range 0x0000000000008001"
}
sound_off() {
	boot mv-nosnd.log --sound off || { cat mv-nosnd.log; return 1; }
	! grep -q "^vdrv: sound" mv-nosnd.log && grep -q "^vdrv: done" mv-nosnd.log
}

tap_plan 5
t "$layer: AppleVirtIO's byte-aligned 64-entry ring: 1000 requests, avail ring intact" \
	apple_layout_relocated
t "$layer: the same driver on a well-formed ring: 1000 requests, nothing moved" \
	well_formed_untouched
t "$layer: with --fix-overlapping-used off the same driver stalls" fix_off_stalls
t "$layer: virtio-sound answers JACK_INFO, PCM_INFO, CHMAP_INFO (and refuses a bad range)" \
	sound_answers
t "$layer: --sound off: no sound device" sound_off
tap_exit
