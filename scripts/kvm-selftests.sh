#!/bin/bash
# kvm-selftests.sh BUILD - cross-build (static, arm64) the upstream KVM arm64
# selftests that the rig runs with and without vmapple_kvm, from Debian's
# linux-source-6.12 (scripts/linux-source.sh), with their own Makefile:
# `make headers` for arm64 (into BUILD/kvm-selftests/hdr), then libkvm and
# only the tests below (objects in BUILD/kvm-selftests/obj).  The stripped
# binaries land in BUILD/arm64/kvm-selftests/, which stage.sh copies into the
# guest's /usr/lib/vmapple-tests/kvm/.  Incremental: a rerun rebuilds nothing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] || { echo "usage: kvm-selftests.sh BUILD" >&2; exit 2; }
build=$(mkdir -p "$1" && cd "$1" && pwd)

# As named in the selftests' Makefile (TEST_GEN_PROGS_aarch64); arch_timer is
# one of its SPLIT_TESTS (arch_timer.c + aarch64/arch_timer.c).
tests=(aarch64/page_fault_test aarch64/smccc_filter aarch64/hypercalls aarch64/psci_test
	aarch64/vgic_init aarch64/vgic_irq arch_timer aarch64/debug-exceptions)

if [ -f "$build/linux-source.path" ]; then
	src=$(cat "$build/linux-source.path")
else
	src=$("$top/scripts/linux-source.sh")
fi
if [ ! -f "$src/tools/testing/selftests/kvm/Makefile" ] || [ ! -f "$src/tools/lib/rbtree.c" ]; then
	echo "kvm-selftests: $src lacks the KVM selftests (rerun scripts/linux-source.sh)" >&2
	exit 1
fi

work=$build/kvm-selftests
out=$build/arm64/kvm-selftests
# A different kernel tree (a new linux-source version) starts from scratch.
if [ "$(cat "$work/source" 2>/dev/null)" != "$src" ]; then
	rm -rf "$work" "$out"
fi
mkdir -p "$work/hdr" "$work/obj/tools" "$out"
echo "$src" >"$work/source"

# Nothing from the calling make (flags, jobserver, command-line variables) or
# the environment leaks into the kernel's Makefiles.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES CFLAGS CPPFLAGS LDFLAGS LDLIBS EXTRA_CFLAGS
cross=()
[ "$(uname -m)" = aarch64 ] || cross=(CROSS_COMPILE=aarch64-linux-gnu-)
log=$work/build.log
: >"$log"
fail() {
	tail -n 30 "$log" >&2
	echo "kvm-selftests: $1 failed (log: $log)" >&2
	exit 1
}

# The arm64 uapi headers of this very kernel (the cross toolchain's are 6.1).
# `headers`, not `headers_install`: the latter wants rsync and copies the same.
make -s -C "$src" O="$work/hdr" ARCH=arm64 headers >>"$log" 2>&1 || fail "make headers"

# Their own Makefile, with its own flags; -static as the rig has no arm64
# libc; abs_objdir puts the generated sysreg-defs.h under obj/tools/ too, so
# the cached tree is never written to.
make -s -j2 -C "$src/tools/testing/selftests/kvm" ARCH=arm64 "${cross[@]}" \
	OUTPUT="$work/obj" abs_objdir="$work/obj" \
	LINUX_HDR_PATH="$work/hdr/usr/include/" KHDR_INCLUDES="-isystem $work/hdr/usr/include" \
	TEST_GEN_PROGS_aarch64="${tests[*]}" EXTRA_CFLAGS=-static >>"$log" 2>&1 ||
	fail "the KVM selftests build"

strip="strip"
[ ${#cross[@]} -eq 0 ] || strip="aarch64-linux-gnu-strip"
for t in "${tests[@]}"; do
	bin=$work/obj/$t
	file "$bin" | grep -q 'ARM aarch64.*statically linked' ||
		{ file "$bin" >&2; echo "kvm-selftests: $t is not a static arm64 binary" >&2; exit 1; }
	dst=$out/$(basename "$t")
	if [ ! -f "$dst" ] || [ "$bin" -nt "$dst" ]; then
		"$strip" -o "$dst.tmp" "$bin"
		mv "$dst.tmp" "$dst"
	fi
done
# Tests dropped from the list above leave the guest too.
for f in "$out"/*; do
	case " ${tests[*]} " in
	*/"$(basename "$f")"\ * | *\ "$(basename "$f")"\ *) ;;
	*) rm -f "$f" ;;
	esac
done
