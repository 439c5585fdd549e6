#!/bin/bash
# build-module.sh KDIR OUTDIR [MAKE ARGS...] - build vmapple_kvm.ko out of tree
# in OUTDIR (a copy of the sources, so the work tree stays clean; copies keep
# their times, so kbuild rebuilds only what changed).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 2 ] || { echo "usage: build-module.sh KDIR OUTDIR [MAKE ARGS...]" >&2; exit 2; }
kdir=$1 out=$2
shift 2
[ -f "$kdir/Makefile" ] ||
	{ echo "build-module: no kernel build tree at '$kdir' (install the kernel headers, or set KDIR=)" >&2; exit 1; }
mkdir -p "$out"
rm -rf "$out/kmod" "$out/include" "$out/common"
cp -pr "$top/Kbuild" "$top/kmod" "$top/common" "$top/include" "$out/"
make -s -C "$kdir" M="$out" "$@" modules
