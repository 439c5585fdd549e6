#!/bin/sh
# data_safety.sh [KILLS] - nothing a guest saw flushed is lost: Debian's
# kernel writes 4 KiB blocks to a virtio-blk disk under `vmapple run`
# (Layer 1 when the module is loaded), each block flushed (FLUSH) before
# the guest reports it; the launcher is killed with SIGKILL at a random
# moment, KILLS times (default 20); after each kill every block reported
# must be on the image, whole.  While one such VM runs, a second is refused
# its image.
. "$(dirname "$0")/tap.sh"
guest=$(cd "$(dirname "$0")" && pwd)/guest
kills=${1:-20}
work=/tmp/data_safety
rm -rf "$work"
mkdir -p "$work" && cd "$work" || exit 1
module=none
[ -e /dev/vmapple_kvm ] && module=/dev/vmapple_kvm

# A fresh image each round: a block an earlier round wrote cannot stand in
# for one this round reported and lost.
start_writer() {
	rm -f disk.img && truncate -s 8M disk.img
	# Gone before the launcher starts: its shell opens (and truncates) the log
	# only once it runs, so under load wait_first_flush could read the last
	# round's "flushed" lines and kill before this round wrote any.
	rm -f out.log && : >out.log
	vmapple run --kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" \
		--append "console=ttyAMA0 quiet panic=-1 vmapple.writer" --cpus 2 --mem 256M \
		--module "$module" --drive disk.img </dev/null >out.log 2>&1 &
	vm=$!
}

# Wait up to $1 s for the guest's first flushed block: its number printed,
# not just the words before it (the console comes a byte at a time, and a
# kill right after a half-printed line left no block to check).
wait_first_flush() {
	i=0
	until LC_ALL=C grep -aq "GUEST: flushed [0-9]" out.log; do
		i=$((i + 1))
		[ $i -le $(($1 * 10)) ] && kill -0 "$vm" 2>/dev/null || return 1
		sleep 0.1
	done
}

# Every block the guest reported flushed is on the image, whole; and the
# guest wrote nothing but those (a failed write, or no disk, is its own
# failure).  What the launcher printed last is shown on a failure.
blocks_intact() {
	bad=0 n=0
	if LC_ALL=C grep -a "GUEST: writer:" out.log; then
		bad=1
	fi
	for i in $(LC_ALL=C sed -n 's/.*GUEST: flushed \([0-9][0-9]*\).*/\1/p' out.log | sort -un); do
		n=$((n + 1))
		yes "blk-$i" | head -c 4096 >want
		dd if=disk.img of=got bs=4096 skip="$i" count=1 2>/dev/null
		cmp -s want got || { echo "block $i was reported flushed but is not on the image"; bad=1; }
	done
	echo "$n flushed blocks checked"
	[ $n -gt 0 ] && [ $bad = 0 ] && return 0
	echo "the launcher's last output:"
	# Octal ranges: busybox tr takes "[:print:]" as its eight letters.
	tail -n 15 out.log | tr -c '\040-\176\n' '?'
	return 1
}

kill_at_random() {	# $1: the round
	start_writer
	wait_first_flush 240 || { echo "the guest never wrote"; tail -n 20 out.log; kill -9 "$vm"; return 1; }
	# A random moment within the next 0-2 s of writing.
	sleep "0.$(($(od -An -N1 -tu1 /dev/urandom) % 10))"
	[ $(($(od -An -N1 -tu1 /dev/urandom) % 2)) = 0 ] && sleep 1
	kill -9 "$vm"
	wait "$vm" 2>/dev/null
	blocks_intact
}

second_vm_refused() {
	start_writer
	wait_first_flush 240 || { kill -9 "$vm"; return 1; }
	expect 1 "disk.img.*(in use|locked|held)" vmapple run --kernel "$guest/Image" \
		--initrd "$guest/initramfs.cpio.gz" --mem 256M --module none --drive disk.img
	rc=$?
	kill -9 "$vm"
	wait "$vm" 2>/dev/null
	return $rc
}

tap_plan $((kills + 1))
r=1
while [ $r -le "$kills" ]; do
	t "kill -9 $r of $kills at a random moment: every flushed block is on the image" \
		kill_at_random $r
	r=$((r + 1))
done
t "a second VM is refused the image the writer holds" second_vm_refused
tap_exit
