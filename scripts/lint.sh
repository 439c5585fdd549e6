#!/bin/bash
# lint.sh BUILD - kernel-style gates on the module, as TAP: checkpatch
# --strict, a W=1 build with -Werror, sparse, and the uapi header on its own.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1
lsrc=$(cat "$build/linux-source.path")
n=0 fail=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fail=1; sed 's/^/# /' "$3"; fi
}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "TAP version 13"
echo "1..5"
cd "$top"
perl "$lsrc/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	-f kmod/*.c kmod/*.h common/*.c common/*.h include/uapi/linux/vmapple_kvm.h >"$log" 2>&1
rc=$?
[ -s "$log" ] && rc=1
result $rc "checkpatch.pl --strict: kmod/, common/ and the uapi header" "$log"

. "$build/rig.env"
cross=()
[ "$(uname -m)" = aarch64 ] || cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
rm -rf "$build/lint-module"
scripts/build-module.sh "$KDIR" "$build/lint-module" "${cross[@]}" W=1 KCFLAGS=-Werror >"$log" 2>&1
rc=$?
grep -q 'warning:' "$log" && rc=1
result $rc "module builds with W=1 and no warning" "$log"

rm -rf "$build/lint-module"
scripts/build-module.sh "$KDIR" "$build/lint-module" "${cross[@]}" C=2 CHECK=sparse >"$log" 2>&1
rc=$?
grep -Eq 'warning:|error:' "$log" && rc=1
result $rc "sparse reports nothing on the module" "$log"

# common/ goes into the module later; prove now that the kernel builds it
# (W=1 -Werror, sparse) exactly as the launcher does.
shared=$build/lint-common
rm -rf "$shared"
mkdir -p "$shared"
cp -r common include "$shared/"
printf '%s\n' 'obj-m := vmk_common_check.o' \
	'vmk_common_check-y := common/a64_ldst.o common/s1_walk.o common/a64_emulate.o' \
	'vmk_common_check-y += common/apple_hvc.o licence.o' \
	'ccflags-y := -I$(src)/include' >"$shared/Kbuild"
printf '%s\n' '#include <linux/module.h>' 'MODULE_LICENSE("GPL");' >"$shared/licence.c"
make -s -C "$KDIR" M="$shared" "${cross[@]}" W=1 C=2 CHECK=sparse KCFLAGS=-Werror modules >"$log" 2>&1
rc=$?
grep -Eq 'warning:|error:' "$log" && rc=1
result $rc "common/ builds in the kernel: W=1, -Werror, sparse clean" "$log"

gcc -std=gnu89 -Wall -Wextra -Werror -fsyntax-only -I include/uapi \
	-include linux/vmapple_kvm.h -x c /dev/null >"$log" 2>&1
result $? "uapi header compiles alone as C89 userspace" "$log"
exit $fail
