#!/bin/sh
# peer_bench.sh [ROUNDS] - the rig's side of make bench's race against
# QEMU-KVM (Debian's arm64 qemu-system-aarch64 from /opt/peer, appended to
# the rig's initramfs by scripts/rig/peer-qemu.sh): the same Linux guest
# kernel and initramfs, 2 vCPUs, 512 MiB, the same disk image, user
# networking in both; vmapple with vmapple_kvm loaded (Layer 1).  Each
# round runs every case under both VMMs, A B then B A in the next round,
# so drift in the rig spreads over both.  The guest's own tool
# (guest/gbench.c) times the work inside; tstamp times the boot from
# outside.  Prints "peer CASE VMM VALUE UNIT" lines for
# scripts/peer-report.sh, and the rig's own ceiling for the disk rows
# ("peer CASE host VALUE UNIT": gbench on the image file, no VM).
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

# PEER_OURS_ARGS: more `vmapple run` options (--event-idx off, say), to
# measure what one of our means buys; VMAPPLE_NO_THP=1 in the environment
# does the same for huge pages.
ours() {	# BENCH: one run under vmapple, its console timestamped
	# shellcheck disable=SC2086
	"$dir/tstamp" vmapple run ${PEER_OURS_ARGS:-} --kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" \
		--append "$append vmapple.bench=$1" --cpus 2 --mem 512M --drive "$disk" \
		--net user --rng off --balloon off </dev/null
}
theirs() {	# BENCH: the same under QEMU
	"$dir/tstamp" "$qemu" -M virt,gic-version=3 -accel kvm -cpu host -smp 2 -m 512M \
		-nographic -nodefaults -serial stdio -no-reboot \
		-kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" \
		-append "$append vmapple.bench=$1" \
		-drive "file=$disk,if=none,id=d0,format=raw" -device virtio-blk-pci,drive=d0 \
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile= </dev/null
}
# One run of case $1 under VMM $2: its rows as "peer" lines.
one() {
	log=$work/$1.$2.log
	if [ "$2" = vmapple ]; then ours "$1" >"$log" 2>&1; else theirs "$1" >"$log" 2>&1; fi
	if ! grep -q "GUEST: bench done" "$log"; then
		echo "peer_bench: $1 under $2 did not finish:" >&2
		tail -n 15 "$log" >&2
		return 1
	fi
	awk -v c="$1" -v v="$2" '
		/GUEST: init on/ && !init { init = $1; print "peer boot_to_init", v, $1, "s" }
		/GUEST: uptime / && !up { up = 1; print "peer guest_uptime_at_init", v, $4, "s" }
		/ EXIT / { print "peer boot_to_poweroff", v, $1, "s" }
		/GBENCH / { sub(/.*GBENCH /, ""); print "peer", $1, v, $2, $3 }' "$log" |
		if [ "$1" = boot ]; then cat; else grep -v ' boot_to_\| guest_uptime_'; fi
}
fail=0
cases="boot mem disk"
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
# The ceiling: the same disk work on the image file, in the rig itself.
"$guest/gbench" disk-seq "$disk" 64 | sed -n 's/^GBENCH \([^ ]*\) \(.*\)/peer \1 host \2/p'
"$guest/gbench" disk-rand "$disk" 2000 1 | sed -n 's/^GBENCH \([^ ]*\) \(.*\)/peer \1 host \2/p'
"$guest/gbench" disk-rand "$disk" 4000 16 | sed -n 's/^GBENCH \([^ ]*\) \(.*\)/peer \1 host \2/p'
"$guest/gbench" disk-fsync "$disk" 200 | sed -n 's/^GBENCH \([^ ]*\) \(.*\)/peer \1 host \2/p'
exit $fail
