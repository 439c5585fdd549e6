#!/bin/sh
# linux_boot.sh [layer0|layer1] - Debian's arm64 kernel boots on the VMApple
# board under `vmapple run --kernel` with 2 vCPUs: it mounts its initramfs,
# reads and writes a virtio-blk disk, reads the PL031, takes entropy from
# virtio-rng, gets an address from user networking's DHCP and fetches a page
# from the host through it, serves a port the host reaches through hostfwd,
# and powers off through PSCI when `vmapple stop` presses the power button.
# Every check reads the guest's own output (tests/kselftest/guest/init).
. "$(dirname "$0")/tap.sh"
guest=$(dirname "$0")/guest
layer=${1:-layer0}
work=/tmp/linux_boot.$layer
rm -rf "$work"
mkdir -p "$work/www" && cd "$work" || exit 1

ip link set lo up	# the rig's own loopback: slirp reaches the host there
printf VMAPPLE-DISK-OK >disk.img
truncate -s 8M disk.img
echo HOST-HTTP-OK >www/hello.txt
httpd -p 127.0.0.1:8080 -h www
module=none
[ "$layer" = layer1 ] && module=/dev/vmapple_kvm

# Wait (up to $2 seconds) for the guest to print line $1.
wait_for() {
	n=0
	while ! grep -q "$1" out.log; do
		[ $n -ge $(($2 * 10)) ] && return 1
		kill -0 "$vm" 2>/dev/null || return 1
		sleep 0.1
		n=$((n + 1))
	done
}

start=$(date +%s)
vmapple run --kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" \
	--append "console=ttyAMA0 quiet panic=-1" --cpus 2 --mem 256M --module "$module" \
	--drive disk.img --net user,hostfwd=tcp:127.0.0.1:2222-:22 --pidfile vm.pid \
	>out.log 2>&1 &
vm=$!
listening=no banner=
if wait_for "GUEST: listening on 22" 240; then
	listening=yes
	banner=$(timeout 20 nc 127.0.0.1 2222 </dev/null)
fi
stopped=no
if wait_for "GUEST: waiting for the power button" 60; then
	vmapple stop --pidfile vm.pid >stop.log 2>&1 && stopped=yes
fi
n=0
while kill -0 "$vm" 2>/dev/null && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
kill -9 "$vm" 2>/dev/null
wait "$vm"
rc=$?
kill "$(pidof httpd)" 2>/dev/null
now=$(date +%s)

line() { tr -d '\r' <out.log | grep -m1 "^GUEST: $1"; }
has() { line "$1" | grep -Eq "$2" || { echo "got: $(line "$1")"; return 1; }; }
rtc_ok() {
	s=$(line "rtc: " | sed 's/.*rtc: //')
	[ -n "$s" ] && [ "$s" -ge $((start - 5)) ] && [ "$s" -le $((now + 5)) ] ||
		{ echo "rtc '$s' not within the run [$start, $now]"; return 1; }
}

tap_plan 13
t "$layer: the kernel boots to its initramfs on 2 vCPUs" has "init on" "init on 2 CPUs"
t "$layer: PCIe enumerates the host bridge, virtio-blk, -net, -rng" \
	has "pci: " "0x1b36 .*0x1af4 .*0x1af4 .*0x1af4 .*0x0008 .*0x1042 .*0x1041 .*0x1044"
t "$layer: virtio-blk reads the disk (content and size)" \
	has "disk: " "disk: VMAPPLE-DISK-OK 16384 sectors"
t "$layer: a guest write reaches the image (after fsync)" \
	sh -c 'dd if=disk.img bs=512 skip=1 count=1 2>/dev/null | grep -q GUEST-WROTE-THIS'
t "$layer: the PL031 gives the host's time" rtc_ok
t "$layer: virtio-rng is the guest's hwrng" has "rng: " "rng: virtio_rng.0 [0-9a-f]{16}$"
t "$layer: user networking's DHCP gives 10.0.2.15/24" has "dhcp: " "dhcp: 10.0.2.15/24"
t "$layer: the guest fetches a page from the host (10.0.2.2)" has "http: " "http: HOST-HTTP-OK"
t "$layer: hostfwd 127.0.0.1:2222 reaches the guest's port 22" \
	sh -c "[ '$listening' = yes ] && [ '$banner' = GUEST-SSH-BANNER ] || { echo \"banner '$banner'\"; exit 1; }"
t "$layer: vmapple stop presses the power button" \
	sh -c "[ $stopped = yes ] && grep -q 'GUEST: power button pressed' out.log"
t "$layer: PSCI SYSTEM_OFF ends the run with status 0" sh -c "[ $rc = 0 ] || { echo exit $rc; exit 1; }"
t "$layer: the exit summary counts the guest's exits" grep -q "^exits: mmio [1-9]" out.log
if [ "$layer" = layer1 ]; then
	t "$layer: the VM was attached to vmapple_kvm" grep -q "VM attached to vmapple_kvm" out.log
else
	t "$layer: no module: Layer 0 only" grep -q "Layer 0 only" out.log
fi
if [ $tap_fail != 0 ]; then
	echo "# guest output:"
	sed 's/^/#   /' out.log | tail -n 60
fi
tap_exit
