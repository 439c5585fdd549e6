#!/bin/bash
# guest-initramfs.sh ENV OUT [GBENCH] - the initramfs of the Linux guest that
# the rig boots under `vmapple run --kernel` (tests/kselftest/linux_boot.sh):
# the rig's own busybox, the modules the board's devices need (decompressed:
# the guest insmods them), tests/kselftest/guest/init, and the peer race's
# guest tool as bin/gbench (tests/bench/guest/gbench.c).
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -ge 2 ] && [ $# -le 3 ] || rig_die "usage: guest-initramfs.sh RIG_ENV OUT.cpio.gz [GBENCH]"
env_file=$1 out=$2 gbench=${3:-}
# shellcheck disable=SC1090
. "$env_file"
modules=(net/core/failover drivers/net/net_failover drivers/net/virtio_net
	drivers/block/virtio_blk drivers/char/hw_random/virtio-rng drivers/virtio/virtio_balloon
	drivers/input/evdev drivers/input/keyboard/gpio_keys)

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules}
cp "$RIG_BUSYBOX" "$root/bin/busybox"
install -m 0755 "$RIG_TOP/tests/kselftest/guest/init" "$root/init"
[ -z "$gbench" ] || install -m 0755 "$gbench" "$root/bin/gbench"
for m in "${modules[@]}"; do
	ko=$RIG_MODDIR/kernel/$m.ko
	if [ -f "$ko.xz" ]; then
		xz -dc "$ko.xz" >"$root/lib/modules/${m##*/}.ko"
	elif [ -f "$ko" ]; then
		cp "$ko" "$root/lib/modules/"
	else
		rig_die "the rig kernel has no module $m (looked for $ko.xz)"
	fi
done
mkdir -p "$(dirname "$out")"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
