#!/bin/bash
# t8103-initramfs.sh ENV OUT - the initramfs of the t8103 board's Linux guest
# (tests/kselftest/t8103_boot.sh): the rig's busybox and
# tests/kselftest/guest/t8103-init.  Its kernel has no modules.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -eq 2 ] || rig_die "usage: t8103-initramfs.sh RIG_ENV OUT.cpio.gz"
env_file=$1 out=$2
# shellcheck disable=SC1090
. "$env_file"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp}
cp "$RIG_BUSYBOX" "$root/bin/busybox"
install -m 0755 "$RIG_TOP/tests/kselftest/guest/t8103-init" "$root/init"
mkdir -p "$(dirname "$out")"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
