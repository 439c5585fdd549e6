#!/bin/sh
# boot_soak.sh N - boot reliability, as macOS CI fleets measure it: Debian's
# kernel booted N times on the VMApple board under `vmapple run`, attached
# to vmapple_kvm (Layer 1), each to its init's checks and a PSCI power-off.
# A boot fails if the run does not end with 0 and the guest's "demo done"
# line within BOOT_LIMIT seconds (then it is killed: a hang is a failure,
# never a stall of the run).  Prints one TAP line per boot, then
# "soak: F failures out of N boots, S s per boot".  Expects the module
# loaded.
. "$(dirname "$0")/tap.sh"
guest=$(cd "$(dirname "$0")" && pwd)/guest
n=${1:-5}
limit=${BOOT_LIMIT:-180}
work=/tmp/boot_soak
rm -rf "$work"
mkdir -p "$work/www" && cd "$work" || exit 1
ip link set lo up
echo HOST-HTTP-OK >www/hello.txt
httpd -p 127.0.0.1:8080 -h www
printf VMAPPLE-DISK-OK >disk.img
truncate -s 8M disk.img

one_boot() {	# $1: boot number; leaves its log in boot$1.log
	vmapple run --kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" \
		--append "console=ttyAMA0 quiet panic=-1 vmapple.demo" --cpus 2 --mem 256M \
		--module /dev/vmapple_kvm --drive disk.img --net user </dev/null >"boot$1.log" 2>&1 &
	vm=$!
	if ! wait_pid "$vm" "$limit"; then
		kill -9 "$vm"
		wait "$vm"
		echo "$1" >>failed
		echo "hung: killed after ${limit}s"
		tail -n 5 "boot$1.log"
		return 1
	fi
	rc=$wait_rc
	grep -q "GUEST: demo done" "boot$1.log" && grep -q "VM attached to vmapple_kvm" "boot$1.log" &&
		[ $rc = 0 ] && return 0
	echo "$1" >>failed
	echo "exit $rc"
	tail -n 10 "boot$1.log"
	return 1
}

tap_plan "$n"
: >failed
start=$(date +%s)
b=1
while [ $b -le "$n" ]; do
	t "boot $b of $n under Layer 1 reaches init and powers off" one_boot $b
	b=$((b + 1))
done
secs=$(( $(date +%s) - start ))
failures=$(grep -c . failed)
echo "soak: $failures failures out of $n boots, $((secs / n)) s per boot ($secs s in all)"
tap_exit
