#!/bin/sh
# peer_bench.sh [ROUNDS] - the rig's side of make bench's race against
# QEMU-KVM (Debian's arm64 qemu-system-aarch64 from /opt/peer, appended to
# the rig's initramfs by scripts/rig/peer-qemu.sh): the same Linux guest
# kernel and initramfs, 2 vCPUs, 512 MiB, the same disk image, user
# networking in both, then TAP in both (vhost-net in both when the rig has
# /dev/vhost-net: QEMU's vhost=on, ours by default); vmapple with vmapple_kvm loaded (Layer 1).  Each round
# runs every case under both VMMs, A B then B A in the next round, so drift
# in the rig spreads over both.  The guest's own tool (guest/gbench.c)
# times the work inside; tstamp times the boot and reads the VMM's CPU time
# from outside; mmio_peer.bin, a raw bare-metal payload, times MMIO reads
# under both -kernel loaders.  Once, with tracing on: stage-2 faults during
# the memory case (ours with and without THP, QEMU's).  Prints
# "peer CASE VMM VALUE UNIT" lines for scripts/peer-report.sh, and the rig's
# own ceiling for the disk and network rows ("peer CASE host VALUE UNIT":
# gbench on the image file and over loopback TCP, no VM).
# PEER_CASES picks cases (default: all); PEER_IDLE the idle seconds (60).
set -u
rounds=${1:-2}
dir=$(cd "$(dirname "$0")" && pwd)
guest=$dir/guest
qemu=/opt/peer/qemu-system-aarch64
work=/tmp/peer
rm -rf "$work"
mkdir -p "$work" && cd "$work" || exit 1
[ -x "$qemu" ] || { echo "peer_bench: no peer QEMU at $qemu (make bench appends it)" >&2; exit 1; }
echo "bench-info peer: QEMU $(cat /opt/peer/VERSION) -M virt -accel kvm -cpu host"
grep -q '^vmapple_kvm ' /proc/modules || modprobe vmapple_kvm || exit 1
disk=$work/disk.img
dd if=/dev/zero of="$disk" bs=1M count=160 2>/dev/null
append="console=ttyAMA0 quiet panic=-1"
idle=${PEER_IDLE:-60}
tap_ip=192.168.77

# The case's kernel, command line and network: the mmio case boots the raw
# payload; net-tap puts both VMMs on the TAP vmtap0 with a static address.
case_setup() {	# CASE
	kernel=$guest/Image initrd=$guest/initramfs.cpio.gz
	args="$append vmapple.bench=${1%%-*} vmapple.idle=$idle"
	ours_net="user,hostfwd=tcp:127.0.0.1:5555-:5202"
	qemu_net="user,id=n0,hostfwd=tcp:127.0.0.1:5555-:5202"
	case $1 in
	mmio) kernel=$dir/mmio_peer.bin initrd= ;;
	net-user) args="$args vmapple.nettag=user" ;;
	net-tap)
		args="$args vmapple.nettag=tap vmapple.ip=$tap_ip.2/24 vmapple.host=$tap_ip.1"
		ours_net="tap,ifname=vmtap0${PEER_TAP_OPTS:-}"
		qemu_net="tap,id=n0,ifname=vmtap0,script=no,downscript=no,vhost=$vhost" ;;
	esac
}
# PEER_OURS_ARGS: more `vmapple run` options (--event-idx off, say), to
# measure what one of our means buys; VMAPPLE_NO_THP=1 in the environment
# does the same for huge pages, PEER_TAP_OPTS (",vhost=off,offload=off")
# for the TAP's.
ours() {	# CASE: one run under vmapple, its console timestamped
	case_setup "$1"
	# shellcheck disable=SC2086
	"$dir/tstamp" vmapple run ${PEER_OURS_ARGS:-} --kernel "$kernel" ${initrd:+--initrd "$initrd"} \
		--append "$args" --cpus 2 --mem 512M --drive "$disk" \
		--net "$ours_net" --rng off --balloon off </dev/null
}
theirs() {	# CASE: the same under QEMU
	case_setup "$1"
	"$dir/tstamp" "$qemu" -M virt,gic-version=3 -accel kvm -cpu host -smp 2 -m 512M \
		-nographic -nodefaults -serial stdio -no-reboot \
		-kernel "$kernel" ${initrd:+-initrd "$initrd"} -append "$args" \
		-drive "file=$disk,if=none,id=d0,format=raw" -device virtio-blk-pci,drive=d0 \
		-netdev "$qemu_net" -device virtio-net-pci,netdev=n0,romfile= </dev/null
}
# The host's half of a net case: receive the guest's 32 MiB on 5201, send
# it 32 MiB on 5202 (through user networking's forward, or straight to its
# TAP address once the VMM made vmtap0), rows named by the case.
net_host() {	# CASE
	tag=${1#net-}
	"$guest/gbench" net-recv 5201 >/dev/null &
	recv=$!
	dst=127.0.0.1 port=5555
	if [ "$tag" = tap ]; then
		dst=$tap_ip.2 port=5202
		n=0
		while ! ip link show vmtap0 >/dev/null 2>&1 && [ $n -lt 600 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		ip link set vmtap0 up && ip addr add "$tap_ip.1/24" dev vmtap0
	fi
	"$guest/gbench" net-send "$dst" "$port" 32 "net_${tag}_host_to_guest"
	wait "$recv"
}
# One run of case $1 under VMM $2: its rows as "peer" lines.
one() {
	log=$work/$1.$2.log hostlog=$work/$1.$2.host.log
	: >"$hostlog"
	helper=
	case $1 in net-*)
		net_host "$1" >"$hostlog" 2>&1 &
		helper=$!
	esac
	if [ "$2" = vmapple ]; then ours "$1" >"$log" 2>&1; else theirs "$1" >"$log" 2>&1; fi
	if [ -n "$helper" ]; then
		# The host's side ends with the guest's; past that it waits on nobody.
		kill "$helper" 2>/dev/null
		wait "$helper" 2>/dev/null
		pkill -f "gbench net-" 2>/dev/null
	fi
	if ! grep -q "GUEST: bench done" "$log"; then
		echo "peer_bench: $1 under $2 did not finish:" >&2
		tail -n 15 "$log" "$hostlog" >&2
		return 1
	fi
	awk -v c="$1" -v v="$2" '
		/GUEST: init on/ && !init { init = $1; print "peer boot_to_init", v, $1, "s" }
		/GUEST: uptime / && !up { up = 1; print "peer guest_uptime_at_init", v, $4, "s" }
		/ EXIT / { print "peer boot_to_poweroff", v, $1, "s" }
		/CPU-MARK start/ { mark = 1 }
		/CPU-MARK end/ { mark = 2 }
		$2 == "CPU" && mark == 1 { cpu0 = $3 }
		$2 == "CPU" && mark == 2 { print "peer", idle, v, $3 - cpu0, "cpu-s" }
		/GBENCH / { sub(/.*GBENCH /, ""); print "peer", $1, v, $2, $3 }' \
		idle="idle_cpu_${idle}s" "$log" "$hostlog" |
		if [ "$1" = boot ]; then cat; else grep -v ' boot_to_\| guest_uptime_'; fi
}
# Stage-2 faults during one memory case under $1 (vmapple, vmapple-nothp or
# qemu): KVM's kvm_guest_fault events, the tracing buffer's entries plus
# overruns over all CPUs.  Tracing slows the run, so it is not a timed one.
fault_count() {	# VMM
	tr=/sys/kernel/tracing
	[ -d $tr/events/kvm/kvm_guest_fault ] || return 1
	echo 0 >$tr/tracing_on && echo >$tr/trace && echo 1 >$tr/events/kvm/kvm_guest_fault/enable &&
		echo 1 >$tr/tracing_on || return 1
	case $1 in
	vmapple) ours mem ;;
	vmapple-nothp) (export VMAPPLE_NO_THP=1 && ours mem) ;;
	*) theirs mem ;;
	esac >"$work/faults.$1.log" 2>&1
	echo 0 >$tr/tracing_on
	echo 0 >$tr/events/kvm/kvm_guest_fault/enable
	grep -q "GUEST: bench done" "$work/faults.$1.log" || return 1
	cat $tr/per_cpu/cpu*/stats | awk '/^(entries|overrun):/ { n += $2 } END { print n + 0 }'
}
ip link set lo up	# slirp reaches the rig's own services over its loopback
modprobe tun 2>/dev/null
vhost=off
modprobe vhost_net 2>/dev/null
[ -c /dev/vhost-net ] && vhost=on
fail=0
cases=${PEER_CASES:-boot mem disk idle net-user net-tap mmio}
echo "bench-info peer: TAP rows: both with vhost-net: $vhost (ours: checksum and TSO offloads through the TAP's vnet header)"
i=1
while [ "$i" -le "$rounds" ]; do
	for c in $cases; do
		if [ $((i % 2)) = 1 ]; then
			one "$c" vmapple || fail=1
			one "$c" qemu || fail=1
		else
			one "$c" qemu || fail=1
			one "$c" vmapple || fail=1
		fi
	done
	i=$((i + 1))
done
# Stage-2 faults, once: THP should leave the first touch a fault per 32 MiB
# block, not per 16 KiB page.
case " $cases " in *" mem "*)
	for v in vmapple vmapple-nothp qemu; do
		n=$(fault_count $v) || { echo "peer_bench: no stage-2 fault count under $v" >&2; continue; }
		if [ $v = vmapple-nothp ]; then
			echo "bench-info peer: stage-2 faults in the memory case without THP (VMAPPLE_NO_THP=1): $n"
		else
			echo "peer stage2_faults_mem ${v%-*} $n faults"
		fi
	done
esac
# The ceiling: the same disk work on the image file, and TCP over the
# loopback, in the rig itself.
"$guest/gbench" net-recv 5301 >/dev/null &
"$guest/gbench" net-send 127.0.0.1 5301 32 loopback | sed -n 's/^GBENCH [^ ]* \(.*\)/\1/p' >"$work/loop"
wait
for r in net_user_host_to_guest net_user_guest_to_host net_tap_host_to_guest net_tap_guest_to_host; do
	[ -s "$work/loop" ] && echo "peer $r host $(cat "$work/loop")"
done
"$guest/gbench" disk-seq "$disk" 64 | sed -n 's/^GBENCH \([^ ]*\) \(.*\)/peer \1 host \2/p'
"$guest/gbench" disk-rand "$disk" 2000 1 | sed -n 's/^GBENCH \([^ ]*\) \(.*\)/peer \1 host \2/p'
"$guest/gbench" disk-rand "$disk" 4000 16 | sed -n 's/^GBENCH \([^ ]*\) \(.*\)/peer \1 host \2/p'
"$guest/gbench" disk-fsync "$disk" 200 | sed -n 's/^GBENCH \([^ ]*\) \(.*\)/peer \1 host \2/p'
exit $fail
