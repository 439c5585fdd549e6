#!/bin/sh
# vmapple_run.sh - `vmapple run` boots the VMApple board from firmware in the
# rig: our test firmware (payload/fwtest.S) reads cfg and both disks through
# BDIF and prints them; bad command lines and files fail with one clear line;
# an aux image's Virtualization.framework header is skipped; two VMs never
# share a disk; `vmapple stop` presses the power button, twice forces off.
. "$(dirname "$0")/tap.sh"
fw=$(dirname "$0")/fwtest.bin
cd /tmp || exit 1

# A disk of @2 KiB whose first bytes are @1.
disk() {
	dd if=/dev/zero of="$3" bs=1024 count="$2" 2>/dev/null
	printf '%s' "$1" | dd of="$3" conv=notrunc 2>/dev/null
}
disk ROOTDISK 1024 root.img
disk 'AUXDISK!' 2048 aux.img
# The same aux image as Virtualization.framework writes it: a 16 KiB header first.
dd if=/dev/zero bs=1024 count=16 2>/dev/null | tr '\0' H >aux-vz.img
cat aux.img >>aux-vz.img
disk 'AUXDISK!' 100 aux-odd.img
dd if=/dev/zero of=big.bin bs=1024 count=2048 2>/dev/null

run() { vmapple run --bios "$fw" --disk root.img --aux aux.img --mem 64M "$@"; }
loop=$(dirname "$0")/mmio_loop.bin
image=$(dirname "$0")/guest/Image

# A VM that holds root.img and never powers off by itself.
holder_start() {
	rm -f holder.rc
	(vmapple run --bios "$loop" --disk root.img --mem 64M --module none --pidfile holder.pid \
		>holder.log 2>&1; echo $? >holder.rc) &
	n=0
	while [ ! -s holder.pid ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
	sleep 0.5
	holder=$(cat holder.pid)
}
# Two `vmapple stop`s: the firmware ignores the button, the second forces it off.
holder_stop_twice() {
	vmapple stop --pidfile holder.pid | grep -q "asked the VM of pid $holder to power off" ||
		{ echo "first stop failed"; return 1; }
	sleep 0.5
	grep -q "pressing the power button" holder.log || { echo "no button press"; return 1; }
	vmapple stop --pidfile holder.pid >/dev/null || { echo "second stop failed"; return 1; }
	n=0
	while [ ! -s holder.rc ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	rc=$(cat holder.rc)
	[ "$rc" = 4 ] && grep -q "second stop request: forcing the VM off" holder.log ||
		{ echo "exit $rc"; cat holder.log; return 1; }
	[ ! -e holder.pid ] || { echo "pidfile left behind"; return 1; }
}

# One stop, a guest that ignores the button: forced off after --stop-timeout.
stop_timeout_forces_off() {
	rm -f st.rc st.pid
	(vmapple run --bios "$loop" --mem 64M --module none --pidfile st.pid --stop-timeout 2 \
		>st.log 2>&1; echo $? >st.rc) &
	n=0
	while [ ! -s st.pid ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
	sleep 0.5
	vmapple stop --pidfile st.pid >/dev/null || return 1
	n=0
	while [ ! -s st.rc ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	[ "$(cat st.rc)" = 4 ] && [ $n -ge 15 ] &&
		grep -q "did not power off within --stop-timeout 2 s: forcing the VM off" st.log ||
		{ echo "exit $(cat st.rc) after $n ticks"; cat st.log; return 1; }
}

tap_plan 38
t "firmware starts at 0x100000 and prints on the PL011" expect 0 "^fwtest: hello from 0x100000" run
t "cfg: CPU count, model and ECID as configured" \
	expect 0 "^fwtest: cfg cpus 0000000000000002 model VM0001 ecid 0000000000001234" \
	run --cpus 2 --ecid 0x1234
t "BDIF reports each disk's real size in sectors" \
	expect 0 "^fwtest: bdif sectors root 0000000000000800 aux 0000000000001000" run
t "BDIF reads root sector 0" expect 0 "^fwtest: root sector 0 status 0000000000000000 data 'ROOTDISK'" run
t "BDIF reads aux sector 0" expect 0 "^fwtest: aux sector 0 status 0000000000000000 data 'AUXDISK!'" run
t "a guest panic ends the run with status 3" expect 3 "the guest panicked" run --ecid 0xdead
t "--on-reset exit: a guest reset ends the run with status 5, saying so" \
	expect 5 "^vmapple: the guest asked for a reset \(PSCI SYSTEM_RESET\); --on-reset exit" \
	run --ecid 0xb007 --on-reset exit
t "one image given twice is named, not taken for another VM's" \
	expect 1 "^vmapple: --disk root.img and --drive root.img are the same image; give each disk once" \
	run --drive root.img
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
t "run without --bios or --kernel: usage error" \
	expect 2 "^vmapple run: a BUNDLE, --bios FILE \(AVPBooter.vmapple2.bin\) or --kernel IMAGE is required" \
	vmapple run
t "a VZ aux image: its 16 KiB header is detected and skipped" \
	expect 0 "skipping its 16 KiB Virtualization.framework header" \
	vmapple run --bios "$fw" --disk root.img --aux aux-vz.img --mem 64M
t "a VZ aux image: BDIF reads its sector 0 past the header, its size without it" \
	sh -c "vmapple run --bios '$fw' --disk root.img --aux aux-vz.img --mem 64M |
		grep -q \"aux sector 0 status 0000000000000000 data 'AUXDISK!'\" &&
		vmapple run --bios '$fw' --disk root.img --aux aux-vz.img --mem 64M |
		grep -q 'bdif sectors root 0000000000000800 aux 0000000000001000'"
t "an aux image of no known layout is refused, naming both" \
	expect 1 "^vmapple: --aux aux-odd.img: 102400 bytes is neither a trimmed aux image" \
	vmapple run --bios "$fw" --aux aux-odd.img
holder_start
t "a second VM cannot open a disk another VM holds" \
	expect 1 "^vmapple: --disk root.img: in use by another VM \(locked\); two VMs cannot share" \
	vmapple run --bios "$fw" --disk root.img --mem 64M
t "... nor as a read-only --drive" \
	expect 1 "^vmapple: --drive root.img: in use by another VM \(it holds it read-write\)" \
	vmapple run --bios "$fw" --drive root.img,ro --mem 64M
t "vmapple stop presses the power button; a second stop forces the VM off (exit 4)" \
	holder_stop_twice
t "once the VM is gone, its disk opens again" expect 0 "^fwtest: hello" run
t "one stop and a guest that ignores the button: forced off after --stop-timeout" \
	stop_timeout_forces_off
t "vmapple stop: a pid that is not a vmapple is refused" \
	expect 1 "^vmapple stop: pid 1 is not a running vmapple" vmapple stop --pid 1
t "vmapple stop: a missing pidfile is named" \
	expect 1 "^vmapple stop: --pidfile /nonexistent.pid: No such file" \
	vmapple stop --pidfile /nonexistent.pid
t "vmapple stop without a VM: usage error" expect 2 "^vmapple stop: give the VM as --pid N" \
	vmapple stop
t "--bios and --kernel together: usage error" expect 2 "two ways to boot; give one" \
	vmapple run --bios "$fw" --kernel "$image"
t "a missing --kernel is named" expect 1 "^vmapple: --kernel /nonexistent: No such file" \
	vmapple run --kernel /nonexistent
t "a raw --kernel binary runs from RAM's start with x0 = the device tree" \
	expect 0 "^rawk: entered at 0000000070000000, x0 0000000073e00000 holds a device tree" \
	vmapple run --kernel "$(dirname "$0")/rawk.bin" --mem 64M --module none
printf '\177ELF\002\001\001' >fake.elf
t "an ELF --kernel is refused, saying how to make a raw binary" \
	expect 1 "^vmapple: --kernel fake.elf: an ELF file; give an arm64 Image or a raw binary" \
	vmapple run --kernel fake.elf --module none
printf '\037\213\010\000fakegzip' >Image.gz
t "a gzip-compressed kernel is named, with how to unpack it" \
	expect 1 "^vmapple: --kernel Image.gz: a gzip-compressed Image; give the uncompressed one" \
	vmapple run --kernel Image.gz
t "a kernel too big for --mem names the size it needs" \
	expect 1 "^vmapple: the kernel \([0-9]+ MiB\), initrd \(0 MiB\) and device tree do not fit in --mem 16M; they need at least [0-9]+M" \
	vmapple run --kernel "$image" --mem 16M
t "a missing --initrd is named" expect 1 "^vmapple: --initrd /nonexistent.cpio: No such file" \
	vmapple run --kernel "$image" --initrd /nonexistent.cpio
t "a missing --drive is named" expect 1 "^vmapple: --drive /nonexistent.img: No such file" \
	vmapple run --kernel "$image" --drive /nonexistent.img
t "a bad --net names the bad part" expect 1 "^vmapple: --net bogus: .*bogus" \
	vmapple run --kernel "$image" --net bogus
ip link set lo up
fwd=user,hostfwd=tcp:127.0.0.1:2223-:22
t "a --net hostfwd that cannot listen is named (two NICs, one port)" \
	expect 1 "^vmapple: --net $fwd: .*cannot listen on tcp 127.0.0.1:2223" \
	vmapple run --kernel "$image" --net "$fwd" --net "$fwd"
t "a bad --pidfile path is named" expect 1 "^vmapple: --pidfile /nonexistent/vm.pid: No such file" \
	vmapple run --bios "$fw" --pidfile /nonexistent/vm.pid
t "without the module: says Layer 0 only, and why" \
	expect 0 "^vmapple: Layer 0 only \(cannot open /dev/vmapple_kvm: No such file.*modprobe" run
modprobe vmapple_kvm
t "with the module loaded: the VM is attached to it" \
	expect 0 "^vmapple: VM attached to vmapple_kvm \(ABI 1\)" run
rmmod vmapple_kvm
tap_exit
