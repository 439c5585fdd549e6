#!/bin/bash
# stage.sh BUILD [KBUILD] - lay out the rig's payload (module, launcher,
# kselftests, upstream KVM selftests) and build BUILD/rig/initramfs.cpio.gz
# from it.  KBUILD (default BUILD) holds what belongs to one rig kernel -
# rig.env, module/, module-noexports/ - and gets rig/payload and
# rig/initramfs.cpio.gz (check-debug: BUILD/debug, for the debug kernel).
set -euo pipefail
# shellcheck disable=SC1091
. "$(dirname "$0")/common.sh"
build=$1
kbuild=${2:-$1}
# shellcheck disable=SC1091
. "$kbuild/rig.env"
payload=$kbuild/rig/payload
tests=$payload/usr/lib/vmapple-tests
rm -rf "$payload"
mkdir -p "$payload/lib/modules/$KREL/extra" "$payload/usr/bin" "$tests"
cp "$kbuild/module/vmapple_kvm.ko" "$payload/lib/modules/$KREL/extra/"
# tun, for the tap backend's tests, and vhost-net with what it needs (the
# rig's own modules, decompressed; depmod finds their order), unless the
# kernel has them built in (the debug kernel: modules.builtin says so).
for m in drivers/net/tun drivers/net/tap drivers/vhost/vhost_iotlb drivers/vhost/vhost \
	drivers/vhost/vhost_net; do
	ko=$RIG_MODDIR/kernel/$m.ko
	if [ -f "$ko.xz" ] || [ -f "$ko" ]; then
		mkdir -p "$payload/lib/modules/$KREL/kernel/${m%/*}"
		if [ -f "$ko.xz" ]; then
			xz -dc "$ko.xz" >"$payload/lib/modules/$KREL/kernel/$m.ko"
		else
			cp "$ko" "$payload/lib/modules/$KREL/kernel/$m.ko"
		fi
	elif ! grep -qx "kernel/$m.ko" "$RIG_MODDIR/modules.builtin" 2>/dev/null; then
		rig_die "the rig kernel has no ${m##*/}, as a module ($ko.xz) or built in"
	fi
done
# What the shared network needs of the kernel (fleet_lifecycle.sh): the
# bridge, nf_tables and its NAT, with each module's own dependencies as
# modinfo names them, and crc32c_generic, which libcrc32c (nf_tables') asks
# the crypto API for by name, not by symbol.  The debug kernel builds in
# what it has.
ko_path() {	# NAME: the rig kernel's NAME.ko(.xz), or nothing
	find "$RIG_MODDIR/kernel" \( -name "$1.ko" -o -name "$1.ko.xz" \) -print -quit
}
stage_ko() {	# NAME, and then what it depends on
	local ko rel dep deps
	ko=$(ko_path "$1")
	if [ -z "$ko" ]; then
		grep -q "/$1\.ko\$" "$RIG_MODDIR/modules.builtin" 2>/dev/null ||
			rig_note "the rig kernel has no $1 module: fleet_lifecycle.sh will say so"
		return 0
	fi
	rel=${ko#"$RIG_MODDIR"/}
	rel=${rel%.xz}
	[ -f "$payload/lib/modules/$KREL/$rel" ] && return 0
	mkdir -p "$payload/lib/modules/$KREL/${rel%/*}"
	case $ko in
	*.xz) xz -dc "$ko" >"$payload/lib/modules/$KREL/$rel" ;;
	*) cp "$ko" "$payload/lib/modules/$KREL/$rel" ;;
	esac
	deps=$(modinfo -F depends "$ko") || rig_die "modinfo cannot read $ko"
	for dep in ${deps//,/ }; do stage_ko "$dep"; done
}
for m in crc32c_generic bridge nf_tables nft_chain_nat nft_masq; do stage_ko "$m"; done
# Their programs (scripts/rig/fleet-tools.sh: dnsmasq, nft, docker-registry
# and glibc), and the users dnsmasq drops to.
fleet_root=$("$RIG_TOP/scripts/rig/fleet-tools.sh")
cp -a "$fleet_root/." "$payload/"
rm -f "$payload/.complete"
mkdir -p "$payload/etc"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
	>"$payload/etc/passwd"
printf 'root:x:0:\nkvm:x:993:\ndip:x:30:\nnogroup:x:65534:\n' >"$payload/etc/group"
cp "$kbuild/module-noexports/vmapple_kvm.ko" "$tests/vmapple_kvm-noexports.ko"
cp "$build/arm64/vmapple" "$payload/usr/bin/"
ln -sf vmapple "$payload/usr/bin/vetu"	# as the packages install it
for t in "$build"/arm64/*_test "$build"/arm64/exit_bench "$build"/arm64/irq_bench "$build"/arm64/park_vcpu \
	"$build"/arm64/ioctl_storm "$build"/arm64/tstamp; do
	cp "$t" "$tests/"
done
# The upstream KVM selftests (scripts/kvm-selftests.sh), for upstream_kvm.sh.
mkdir -p "$tests/kvm"
cp "$build"/arm64/kvm-selftests/* "$tests/kvm/"
# The Linux guest linux_boot.sh boots: the rig's own kernel (Debian's, when
# the rig runs the debug kernel: RIG_GUEST_IMAGE), its initramfs.
mkdir -p "$tests/guest"
cp "${RIG_GUEST_IMAGE:-$RIG_IMAGE}" "$tests/guest/Image"
cp "$build/rig/guest-initramfs.cpio.gz" "$tests/guest/initramfs.cpio.gz"
# The t8103 board's guest: scripts/rig/apple-kernel.sh's Image, its initramfs.
cp "$("$RIG_TOP/scripts/rig/apple-kernel.sh" --cached)" "$tests/guest/t8103-Image"
cp "$build/rig/t8103-initramfs.cpio.gz" "$tests/guest/t8103-initramfs.cpio.gz"
cp "$build/arm64/gbench" "$tests/guest/gbench"
cp "$RIG_TOP"/tests/kselftest/*.sh "$RIG_TOP"/tests/bench/*.sh "$build"/arm64/payload/*.bin "$tests/"
# A fake bundle of each layout (tests/fixtures/make-bundle.py), for bundles.sh.
cp -a "$build/bundles" "$tests/bundles"
cp "$RIG_TOP/scripts/demo.sh" "$payload/usr/bin/vmapple-demo"
chmod +x "$tests"/*.sh "$payload/usr/bin/vmapple-demo"
"$(dirname "$0")/initramfs.sh" "$kbuild/rig.env" "$payload" "$kbuild/rig/initramfs.cpio.gz"
