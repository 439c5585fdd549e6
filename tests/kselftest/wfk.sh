#!/bin/sh
# wfk.sh - Apple's VCPU_WFK / VCPU_KICK under `vmapple run` with two vCPUs
# (payload/wfk.S).  Attached to vmapple_kvm (loaded, hooks live): a waiting
# vCPU sleeps until another one kicks it, a kick that comes first makes the
# next wait return at once, and both calls are counted as answered in the
# kernel.  With --module none (Layer 0) the wait returns at once, so the
# firmware sees its vCPU wake before the kick and panics: status 3.
set -u
dir=$(dirname "$0")
. "$dir/tap.sh"
fw=$dir/wfk.bin
run() { vmapple run --bios "$fw" --mem 64M --cpus 2 "$@"; }

tap_plan 3
t "attached: WFK sleeps until the KICK, a kick that comes first is kept" \
	expect 0 "VM attached to vmapple_kvm" run
t "attached: WFK and KICK are answered in the kernel" \
	expect 0 "hvc_kernel 4 hvc_left 0" run
t "Layer 0: WFK returns at once, so the firmware sees an early wake" \
	expect 3 "the guest panicked" run --module none
tap_exit
