#!/bin/sh
# linux_boot.sh [layer0|layer1|tap|tap-userspace] - Debian's arm64 kernel boots on the VMApple
# board under `vmapple run --kernel` with 2 vCPUs: it mounts its initramfs,
# reads, writes and discards on a virtio-blk disk, reads the PL031, takes entropy from
# virtio-rng, gets an address from user networking's DHCP and fetches a page
# from the host through it, serves a port the host reaches through hostfwd,
# and powers off through PSCI when `vmapple stop` presses the power button.
# Every check reads the guest's own output (tests/kselftest/guest/init).
# "tap" runs the network over a TAP (192.168.77.0/24) instead of libslirp,
# its frames moved by vhost-net where the rig has it; "tap-userspace" the
# same with vhost=off: the launcher moves them, with checksum and TSO offloads.
. "$(dirname "$0")/tap.sh"
guest=$(cd "$(dirname "$0")" && pwd)/guest
layer=${1:-layer0} vhost=on label=${1:-layer0}
if [ "$layer" = tap-userspace ]; then
	layer=tap vhost=off
	modprobe vhost_net 2>/dev/null
fi
[ "$vhost" = on ] && [ "$layer" = tap ] && modprobe vhost_net 2>/dev/null
work=/tmp/linux_boot.$layer.$vhost
rm -rf "$work"
mkdir -p "$work/www" && cd "$work" || exit 1

ip link set lo up	# the rig's own loopback: slirp reaches the host there
printf VMAPPLE-DISK-OK >disk.img
truncate -s 8M disk.img
# 1 MiB at 4 MiB that the guest discards (guest/init): not zeros until it does.
yes DISCARD-ME | head -c 1048576 | dd of=disk.img bs=1M seek=4 conv=notrunc 2>/dev/null
echo HOST-HTTP-OK >www/hello.txt
module=none
[ "$layer" = layer1 ] && module=/dev/vmapple_kvm
net=user,hostfwd=tcp:127.0.0.1:2222-:22 append=
if [ "$layer" = tap ]; then
	modprobe tun || exit 1
	net=tap,ifname=vmtap0,vhost=$vhost
	append="vmapple.ip=192.168.77.2/24 vmapple.host=192.168.77.1"
else
	httpd -p 127.0.0.1:8080 -h www
fi

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
# The console's input: a FIFO held open here, so the test can type into it.
mkfifo console.in
exec 3<>console.in
vmapple run --kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" \
	--append "console=ttyAMA0 quiet panic=-1 $append" --cpus 2 --mem 256M --module "$module" \
	--drive disk.img --net "$net" --pidfile vm.pid \
	<console.in >out.log 2>&1 &
vm=$!
tap_up=no
if [ "$layer" = tap ]; then
	# The launcher made the TAP and brought it up: give the host its side.
	n=0
	while ! ip link show vmtap0 2>/dev/null | grep -q UP && [ $n -lt 300 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	ip addr add 192.168.77.1/24 dev vmtap0 && tap_up=yes
	httpd -p 192.168.77.1:8080 -h www
fi
listening=no banner=
if wait_for "GUEST: listening on 22" 240; then
	listening=yes
	guest_addr=127.0.0.1 port=2222
	[ "$layer" = tap ] && guest_addr=192.168.77.2 port=22
	banner=$(timeout 20 nc "$guest_addr" "$port" </dev/null)
fi
typed=no
if wait_for "GUEST: console: type a line" 60; then
	echo "typed-into-the-console" >&3 && typed=yes
	wait_for "GUEST: console: got" 30
fi
# Context switches of each launcher thread (TID COUNT lines).
switches() {
	for s in /proc/"$vm"/task/*/status; do
		awk -v t="${s%/status}" '/^(non)?voluntary_ctxt_switches:/ { n += $2 }
			END { sub(/.*\//, "", t); print t, n }' "$s"
	done 2>/dev/null
}
stopped=no idle_main=unknown
if wait_for "GUEST: waiting for the power button" 60; then
	# The guest idles: the main thread has nothing to wait for but events.
	switches >idle.before
	sleep 3
	switches >idle.after
	idle_main=$(awk -v m="$vm" '$1 == m { if (FILENAME ~ /before/) b = $2; else a = $2 }
		END { print a - b }' idle.before idle.after)
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

idle_quiet() {
	[ "$idle_main" != unknown ] && [ "$idle_main" -le 2 ] && return 0
	echo "the main thread woke $idle_main times in 3 s of an idle guest (TID switches before/after):"
	paste idle.before idle.after 2>/dev/null
	return 1
}

tap_plan 17
t "$label: the kernel boots to its initramfs on 2 vCPUs" has "init on" "init on 2 CPUs"
t "$label: PCIe enumerates the host bridge, virtio-blk, -net, -rng" \
	has "pci: " "0x1b36 .*0x1af4 .*0x1af4 .*0x1af4 .*0x0008 .*0x1042 .*0x1041 .*0x1044"
t "$label: virtio-blk reads the disk (content and size)" \
	has "disk: " "disk: VMAPPLE-DISK-OK 16384 sectors"
discarded() {
	grep -q 'GUEST: discard: done' out.log || { line "discard: "; return 1; }
	left=$(dd if=disk.img bs=1M skip=4 count=1 2>/dev/null | tr -d '\0' | wc -c)
	[ "$left" = 0 ] && [ "$(stat -c %s disk.img)" = 8388608 ] ||
		{ echo "$left non-zero bytes left in the discarded MiB, size $(stat -c %s disk.img)"; return 1; }
}
t "$label: a guest write reaches the image (after fsync)" \
	sh -c 'dd if=disk.img bs=512 skip=1 count=1 2>/dev/null | grep -q GUEST-WROTE-THIS'
t "$label: the guest's DISCARD (blkdiscard) punches its range out of the image" discarded
t "$label: the PL031 gives the host's time" rtc_ok
t "$label: virtio-rng is the guest's hwrng" has "rng: " "rng: virtio_rng.0 [0-9a-f]{16}$"
if [ "$layer" = tap ]; then
	t "$label: the launcher made the TAP vmtap0 and brought it up (libnl)" \
		sh -c "[ $tap_up = yes ]"
	t "$label: the guest fetches a page from the host over the TAP" \
		has "http: " "http: HOST-HTTP-OK"
	t "$label: the host reaches the guest's port 22 over the TAP" \
		sh -c "[ '$banner' = GUEST-SSH-BANNER ] || { echo \"banner '$banner'\"; exit 1; }"
else
	t "$label: user networking's DHCP gives 10.0.2.15/24" has "ip: " "ip: 10.0.2.15/24"
	t "$label: the guest fetches a page from the host (10.0.2.2)" has "http: " "http: HOST-HTTP-OK"
	t "$label: hostfwd 127.0.0.1:2222 reaches the guest's port 22" \
		sh -c "[ '$listening' = yes ] && [ '$banner' = GUEST-SSH-BANNER ] || { echo \"banner '$banner'\"; exit 1; }"
fi
t "$label: a line typed on the launcher's stdin reaches the guest's console" \
	has "console: got" "console: got 'typed-into-the-console'"
t "$label: the launcher's main thread sleeps while the guest idles (no polling timer)" idle_quiet
t "$label: vmapple stop presses the power button" \
	sh -c "[ $stopped = yes ] && grep -q 'GUEST: power button pressed' out.log"
t "$label: PSCI SYSTEM_OFF ends the run with status 0" sh -c "[ $rc = 0 ] || { echo exit $rc; exit 1; }"
t "$label: the exit summary counts the guest's exits" grep -q "^exits: mmio [1-9]" out.log
t "$label: every virtio-blk kick came through KVM's ioeventfd (none exited)" \
	grep -Eq "^virtio-blk drive0: [1-9][0-9]* requests, 0 failed, 0 kicks exited" out.log
if [ "$layer" = tap ] && [ "$vhost" = on ] && [ -c /dev/vhost-net ]; then
	t "$label: vhost-net moved the frames (the launcher's own count stops at it)" \
		sh -c "grep -q '^virtio-net0: .*; the rest through vhost-net$' out.log &&
			! grep -q 'vhost-net not used' out.log"
elif [ "$layer" = tap ]; then
	t "$label: the launcher moved the frames, and counts them" \
		sh -c "grep -q '^virtio-net0: rx [1-9]' out.log && ! grep -q 'through vhost-net' out.log"
elif [ "$layer" = layer1 ]; then
	t "$label: the VM was attached to vmapple_kvm" grep -q "VM attached to vmapple_kvm" out.log
else
	t "$label: no module: Layer 0 only" grep -q "Layer 0 only" out.log
fi
if [ $tap_fail != 0 ]; then
	echo "# guest output:"
	sed 's/^/#   /' out.log | tail -n 60
fi
tap_exit
