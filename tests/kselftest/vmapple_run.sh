#!/bin/sh
# vmapple_run.sh - `vmapple run` boots the VMApple board from firmware in the
# rig: our test firmware (payload/fwtest.S) reads cfg and both disks through
# BDIF and prints them; bad command lines and files fail with one clear line.
. "$(dirname "$0")/tap.sh"
fw=$(dirname "$0")/fwtest.bin
cd /tmp || exit 1

# A disk of @2 KiB whose first bytes are @1.
disk() {
	dd if=/dev/zero of="$3" bs=1024 count="$2" 2>/dev/null
	printf '%s' "$1" | dd of="$3" conv=notrunc 2>/dev/null
}
disk ROOTDISK 1024 root.img
disk 'AUXDISK!' 64 aux.img
dd if=/dev/zero of=big.bin bs=1024 count=2048 2>/dev/null

run() { vmapple run --bios "$fw" --disk root.img --aux aux.img --mem 64M "$@"; }

tap_plan 14
t "firmware starts at 0x100000 and prints on the PL011" expect 0 "^fwtest: hello from 0x100000" run
t "cfg: CPU count, model and ECID as configured" \
	expect 0 "^fwtest: cfg cpus 0000000000000002 model VM0001 ecid 0000000000001234" \
	run --cpus 2 --ecid 0x1234
t "BDIF reports each disk's real size in sectors" \
	expect 0 "^fwtest: bdif sectors root 0000000000000800 aux 0000000000000080" run
t "BDIF reads root sector 0" expect 0 "^fwtest: root sector 0 status 0000000000000000 data 'ROOTDISK'" run
t "BDIF reads aux sector 0" expect 0 "^fwtest: aux sector 0 status 0000000000000000 data 'AUXDISK!'" run
t "a guest panic ends the run with status 3" expect 3 "the guest panicked" run --ecid 0xdead
t "a missing --bios file is named" expect 1 "^vmapple: --bios /nonexistent.bin: No such file" \
	vmapple run --bios /nonexistent.bin
t "a firmware larger than its region is refused" expect 1 "^vmapple: --bios big.bin: 2097152 bytes" \
	vmapple run --bios big.bin
t "a missing --disk is named" expect 1 "^vmapple: --disk /nonexistent.img: No such file" \
	vmapple run --bios "$fw" --disk /nonexistent.img
t "too little memory is refused" expect 1 "^vmapple: --mem 8 MiB: must be 16 MiB" \
	vmapple run --bios "$fw" --mem 8M
t "too many CPUs are refused" expect 1 "^vmapple: --cpus 33: the board has 1 to 32" \
	vmapple run --bios "$fw" --cpus 33
t "run without --bios: usage error" expect 2 "^vmapple run: --bios FILE is required" vmapple run
t "without the module: says Layer 0 only, and why" \
	expect 0 "^vmapple: Layer 0 only \(cannot open /dev/vmapple_kvm: No such file.*modprobe" run
modprobe vmapple_kvm
t "with the module loaded: the VM is attached to it" \
	expect 0 "^vmapple: VM attached to vmapple_kvm \(ABI 1\)" run
rmmod vmapple_kvm
tap_exit
