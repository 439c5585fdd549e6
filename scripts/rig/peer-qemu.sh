#!/bin/bash
# peer-qemu.sh OUT.cpio.gz - the peer `make bench` races: Debian's own arm64
# qemu-system-aarch64 (the qemu-system-arm package) and every arm64 library
# it needs, resolved and downloaded with the rig's arm64 apt lists, unpacked
# under /opt/peer and packed as a cpio archive to append to the rig's
# initramfs (the kernel unpacks concatenated archives in turn).  In the rig:
#   /opt/peer/qemu-system-aarch64 ARGS...   (a wrapper: Debian's loader and
#   library path, as the rig's busybox root has no glibc of its own).
# Downloads and the unpacked root are cached under $VMAPPLE_CACHE/peer-qemu,
# keyed by the package's version.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -eq 1 ] || rig_die "usage: peer-qemu.sh OUT.cpio.gz"
out=$1
cache=$RIG_CACHE/peer-qemu
debs=$cache/debs
mkdir -p "$debs" "$RIG_APT/lists/partial" "$RIG_APT/cache/archives/partial"
if [ -z "$(ls "$RIG_APT/lists" 2>/dev/null | grep -v partial)" ]; then
	timeout 180 apt-get "${RIG_APT_OPTS[@]}" update -qq --error-on=any >/dev/null 2>&1 ||
		rig_die "cannot read Debian's arm64 package lists (network?)"
fi
# Every package an empty arm64 system would install with qemu-system-arm.
want=$(rig_apt_closure qemu-system-arm) || true
qemu_ver=$(echo "$want" | sed -n 's/^qemu-system-arm=//p')
[ -n "$qemu_ver" ] || rig_die "no arm64 qemu-system-arm in Debian's package lists"
root=$cache/root-$qemu_ver
if [ ! -f "$root/.complete" ]; then
	rig_need_space "$cache" 800
	rig_note "peer: Debian's arm64 qemu-system-arm $qemu_ver and $(($(echo "$want" | wc -l) - 1)) packages it needs"
	rm -rf "$root.tmp"
	mkdir -p "$root.tmp"
	rig_apt_unpack "$debs" "$root.tmp" "$cache/download.log" "the peer's packages" <<<"$want"
	rm -rf "$root.tmp"/usr/share/{doc,man,locale,info,lintian,bash-completion}
	mv "$root.tmp" "$root"
	touch "$root/.complete"
fi

# The archive: the root under /opt/peer, and the wrapper that runs QEMU from it.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/opt"
cp -a "$root" "$stage/opt/peer"
rm -f "$stage/opt/peer/.complete"
cat >"$stage/opt/peer/qemu-system-aarch64" <<'EOF'
#!/bin/sh
# Debian's arm64 QEMU (its version in VERSION beside this), with its own loader and libraries.
p=/opt/peer
exec "$p/lib/ld-linux-aarch64.so.1" \
	--library-path "$p/lib/aarch64-linux-gnu:$p/usr/lib/aarch64-linux-gnu:$p/usr/lib/aarch64-linux-gnu/pulseaudio" \
	"$p/usr/bin/qemu-system-aarch64" -L "$p/usr/share/qemu" "$@"
EOF
chmod 755 "$stage/opt/peer/qemu-system-aarch64"
echo "$qemu_ver" >"$stage/opt/peer/VERSION"
mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
