#!/bin/bash
# initramfs.sh ENV PAYLOAD OUT - build the rig's base initramfs: busybox, our
# /init, and PAYLOAD (a staged tree: the module under lib/modules/$KREL/extra,
# binaries, tests), with depmod run so that `modprobe vmapple_kvm` works.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -eq 3 ] || rig_die "usage: initramfs.sh RIG_ENV PAYLOAD_DIR OUT.cpio.gz"
env_file=$1 payload=$2 out=$3
# shellcheck disable=SC1090
. "$env_file"
[ -d "$payload" ] || rig_die "payload directory $payload does not exist"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,rig,root} "$root/lib/modules/$KREL"
cp "$RIG_BUSYBOX" "$root/bin/busybox"
install -m 0755 "$(dirname "$0")/init" "$root/init"
cp -a "$payload/." "$root/"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$RIG_MODDIR/$f" ] && cp "$RIG_MODDIR/$f" "$root/lib/modules/$KREL/"
done
depmod -b "$root" "$KREL" || rig_die "depmod failed on the staged modules"
mkdir -p "$(dirname "$out")"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
