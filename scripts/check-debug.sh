#!/bin/bash
# check-debug.sh BUILD - `make check-debug`: the module built against the
# rig's debug host kernel (KASAN, lockdep, DEBUG_ATOMIC_SLEEP:
# scripts/rig/debug-kernel.sh, built once into the cache), a rig initramfs
# for that kernel (BUILD/debug/), one rig boot running the hostile suites and
# the upstream KVM selftests (tests/kselftest/run_debug.sh), then the kernel
# log judged class by class (scripts/rig/kernel-splats.sh).  TAP per stage in
# BUILD/check-debug/, console log beside it; the last line counts them all,
# as `make check` does.  Expects `make`'s arm64 tests and launcher built.
#   CHECK_DEBUG_TIMEOUT=SECONDS  the rig run's limit (default 1800; it takes ~17 min)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] || { echo "usage: check-debug.sh BUILD" >&2; exit 2; }
build=$(cd "$1" && pwd)
out=$build/check-debug
dbg=$build/debug
rm -rf "$out"
mkdir -p "$out"
cd "$top" || exit 1

# shellcheck source=scripts/tap-stage.sh
. "$top/scripts/tap-stage.sh"

# The kernel (built here the first time: long), and its env file.
kernel() {
	local env
	echo "TAP version 13"
	echo "1..1"
	env=$(scripts/rig/debug-kernel.sh) || return 1
	cp "$env" "$build/rig-debug.env"
	# shellcheck disable=SC1091
	. "$build/rig-debug.env"
	echo "ok 1 debug kernel $KREL (KASAN, lockdep, DEBUG_ATOMIC_SLEEP) at $RIG_DEBUG_KERNEL"
}

# BUILD/debug: what belongs to the debug kernel (its env, the module built
# against it, the initramfs); stage.sh takes everything else from BUILD.
module() {
	local cross=() rc=0
	[ "$(uname -m)" = aarch64 ] || cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	# shellcheck disable=SC1091
	. "$build/rig-debug.env"
	mkdir -p "$dbg/rig"
	cp "$build/rig-debug.env" "$dbg/rig.env"
	echo "TAP version 13"
	echo "1..3"
	if scripts/build-module.sh "$KDIR" "$dbg/module" "${cross[@]}"; then
		echo "ok 1 vmapple_kvm.ko builds against $KREL"
	else
		echo "not ok 1 vmapple_kvm.ko builds against $KREL"
		rc=1
	fi
	if scripts/build-module.sh "$KDIR" "$dbg/module-noexports" "${cross[@]}" VMK_NO_EXPORTS=1; then
		echo "ok 2 the no-exports build (as for 6.18+) builds against $KREL"
	else
		echo "not ok 2 the no-exports build (as for 6.18+) builds against $KREL"
		rc=1
	fi
	[ "$rc" = 0 ] || return 1
	if scripts/rig/stage.sh "$build" "$dbg"; then
		echo "ok 3 rig initramfs for $KREL"
	else
		echo "not ok 3 rig initramfs for $KREL"
		return 1
	fi
}

if stage debug-kernel kernel && stage debug-module module; then
	start=$(date +%s)
	stage debug-rig scripts/rig/run.sh -t "${CHECK_DEBUG_TIMEOUT:-1800}" -l "$out/console.log" \
		"$dbg/rig.env" "$dbg/rig/initramfs.cpio.gz" /usr/lib/vmapple-tests/run_debug.sh
	echo "# rig run: $(($(date +%s) - start)) s"
	stage debug-kernel-log scripts/rig/kernel-splats.sh "$out/console.log"
fi
stage_times
echo "=== summary (TAP in $out, rig console in $out/console.log)"
scripts/tap-summary.sh "$out"/*.tap
