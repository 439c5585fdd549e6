#!/bin/bash
# run.sh [-t SECONDS] [-l CONSOLE_LOG] ENV INITRAMFS COMMAND...
# Boot the rig (Debian's arm64 16K kernel under qemu-system-aarch64 TCG with
# virtualization=on, so KVM works inside), run COMMAND in the guest, stream
# its output here and exit with its exit status.  Kernel messages go to
# CONSOLE_LOG.  A hang, a panic or a guest that never reports fails clearly.
set -euo pipefail
. "$(dirname "$0")/common.sh"

timeout_s=${RIG_TIMEOUT:-300}
console=
while getopts "t:l:" o; do
	case $o in
	t) timeout_s=$OPTARG ;;
	l) console=$OPTARG ;;
	*) rig_die "usage: run.sh [-t SECONDS] [-l CONSOLE_LOG] ENV INITRAMFS COMMAND..." ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 3 ] || rig_die "usage: run.sh [-t SECONDS] [-l CONSOLE_LOG] ENV INITRAMFS COMMAND..."
env_file=$1 base=$2
shift 2
# shellcheck disable=SC1090
. "$env_file"
[ -f "$base" ] || rig_die "initramfs $base does not exist (run make first)"
[ -f "$RIG_IMAGE" ] || rig_die "kernel image $RIG_IMAGE missing (rerun scripts/rig/fetch.sh)"
# RIG_QEMU: another qemu-system-aarch64 (scripts/rig/qemu-tidcp.sh's, for the t8103 tests).
qemu=${RIG_QEMU:-qemu-system-aarch64}
command -v "$qemu" >/dev/null || rig_die "$qemu not installed (run scripts/setup.sh)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "$console" ] || console=$work/console.log
mkdir -p "$work/cmd/rig" "$(dirname "$console")"
printf '#!/bin/sh\n%s\n' "$*" >"$work/cmd/rig/cmd"
chmod +x "$work/cmd/rig/cmd"
# The kernel unpacks concatenated cpio archives in order: the command last.
(cd "$work/cmd" && find . | cpio -o -H newc --quiet | gzip -1) | cat "$base" - >"$work/initrd"

set +e
timeout "$timeout_s" "$qemu" \
	-M virt,virtualization=on,gic-version=3 -cpu max,pauth-impdef=on \
	-smp 2 -m 2048 -no-reboot -nic none -display none -monitor none \
	-serial "file:$console" \
	-device virtio-serial-pci -chardev stdio,id=out,signal=off \
	-device virtconsole,chardev=out \
	-kernel "$RIG_IMAGE" -initrd "$work/initrd" \
	-append "console=ttyAMA0 panic=-1 loglevel=4 ${RIG_CMDLINE:-}" </dev/null 2>"$work/qemu.err" |
	stdbuf -oL tr -d '\r' | tee "$work/out" | grep --line-buffered -v '^RIG-EXIT '
qemu_rc=${PIPESTATUS[0]}
set -e

rc=$(sed -n 's/^RIG-EXIT \([0-9]*\)$/\1/p' "$work/out" | tail -n 1)
if [ -n "$rc" ]; then
	exit "$rc"
fi
tail -n 5 "$work/qemu.err" >&2
if grep -q 'Kernel panic' "$console"; then
	grep -m1 'Kernel panic' "$console" >&2
	rig_note "guest kernel panicked; last console lines:"
elif [ "$qemu_rc" = 124 ]; then
	rig_note "guest did not finish within ${timeout_s}s (hang?); last console lines:"
else
	rig_note "guest stopped (qemu exit $qemu_rc) without reporting an exit status; last console lines:"
fi
tail -n 25 "$console" | tr -d '\r' >&2
exit 125
