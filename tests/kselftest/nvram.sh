#!/bin/sh
# nvram.sh - `vmapple nvram` on an aux image (a synthetic one, laid out as
# userspace/nvram.h says: tests/fixtures/make-aux.py): print; set appends
# KEY=VALUE into the other bank with a higher generation and leaves the old
# live bank byte for byte; the same through VZ's 16 KiB header and in a
# bundle directory; every refusal named in one line.
. "$(dirname "$0")/tap.sh"
fix=$(dirname "$0")
cd /tmp || exit 1
rm -rf nv && mkdir nv && cd nv || exit 1
cp "$fix/nvram-aux.bin" aux.img
cp "$fix/nvram-aux-vz.bin" aux-vz.img
loop=$fix/mmio_loop.bin
export VMAPPLE_MACOS_LOCK_DIR=/tmp/nv-locks

bank() { dd if="$1" bs=65536 skip=$(($2 / 65536)) count=8 2>/dev/null | md5sum | cut -d' ' -f1; }

prints() {
	out=$(vmapple nvram aux.img print) || return 1
	echo "$out"
	[ "$out" = "$(printf 'auto-boot=true\nboot-args=-v')" ]
}
set_appends_to_the_other_bank() {
	old=$(bank aux.img $((0xa80000)))
	vmapple nvram aux.img set "boot-args=-v serial=3" || return 1
	vmapple nvram aux.img print | grep -qx "boot-args=-v serial=3" || return 1
	[ "$(bank aux.img $((0xa80000)))" = "$old" ] || { echo "the old live bank changed"; return 1; }
}
headered() {
	vmapple nvram aux-vz.img set "serial=3" 2>/dev/null &&
		vmapple nvram aux-vz.img print | grep -qx "serial=3"
}
bundle_dir() {
	mkdir -p vm.bundle && cp aux.img vm.bundle/aux.img &&
		vmapple nvram vm.bundle print | grep -qx "auto-boot=true"
}
unset_refused() {
	expect 1 "boot-args" vmapple nvram aux.img unset boot-args
}
garbage_refused() {
	dd if=/dev/zero of=zero.img bs=1M count=32 2>/dev/null
	expect 1 "zero.img: no valid NVRAM bank" vmapple nvram zero.img print
}
held_refused() {
	vmapple run --bios "$loop" --mem 32M --module none --aux aux.img --pidfile h.pid \
		>h.log 2>&1 &
	n=0
	while [ ! -s h.pid ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
	sleep 0.5
	expect 1 "aux.img: in use by another VM" vmapple nvram aux.img set "a=b"
	rc=$?
	stop_vm "$(cat h.pid)"
	return $rc
}
bad_key_refused() {
	expect 1 "key" vmapple nvram aux.img set "=x"
}

tap_plan 7
t "nvram print: every KEY=VALUE of the live bank" prints
t "nvram set: appended into the other bank, the old live bank untouched" \
	set_appends_to_the_other_bank
t "nvram set through Virtualization.framework's 16 KiB header" headered
t "nvram on a bundle directory finds its aux" bundle_dir
t "nvram unset of a set key is refused, saying why" unset_refused
t "an aux with no valid bank is refused, named" garbage_refused
t "an aux a running VM holds is refused" held_refused
tap_exit
