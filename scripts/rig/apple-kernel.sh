#!/bin/bash
# apple-kernel.sh [--cached] - the t8103 board's Linux guest: linux-source-6.12
# configured as `make allnoconfig` plus scripts/rig/apple-kernel.config
# (ARCH_APPLE, the AIC driver, the Samsung/Apple UART and its console,
# initramfs support), built once, niced, into $VMAPPLE_CACHE/apple-kernel-HASH/
# (HASH: the fragment, the source version, this recipe) and reused by every
# clone.  Prints the path of its Image.  A few minutes on 2 cores.
#   --cached  build nothing: print the Image's path and exit 0 if it is
#             built, exit 1 if not.
set -euo pipefail
# shellcheck disable=SC1091
. "$(dirname "$0")/common.sh"
FRAG=$RIG_TOP/scripts/rig/apple-kernel.config
RECIPE=1
cached_only=
case ${1:-} in
--cached) cached_only=1 ;;
'') ;;
*) rig_die "usage: apple-kernel.sh [--cached]" ;;
esac
export ARCH=arm64
[ "$(uname -m)" = aarch64 ] || export CROSS_COMPILE=aarch64-linux-gnu-

ver=$(rig_kernel_source_version)
hash=$({ cat "$FRAG"; echo "source $ver recipe $RECIPE"; } | sha256sum | cut -c1-12)
dir=$RIG_CACHE/apple-kernel-$hash
image=$dir/build/arch/arm64/boot/Image

if [ -n "$cached_only" ]; then
	[ -f "$dir/.complete" ] || { rig_note "no t8103 guest kernel cached (would be $dir)"; exit 1; }
	echo "$image"
	exit 0
fi

# Every `=y` line of the fragment must have survived olddefconfig.
check_config() {
	local cfg=$1 line bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$cfg" && continue
			echo "apple-kernel: wanted $line, got: $(grep -E "^(# )?${line%%=*}[= ]" "$cfg" || echo unset)"
			bad=1 ;;
		esac
	done <"$FRAG"
	return $bad
}

build() {
	local src=$1 out=$dir/build
	kmake() { nice -n 19 make -C "$src" O="$out" "$@"; }
	mkdir -p "$out"
	kmake -s allnoconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$FRAG"
	kmake -s olddefconfig
	check_config "$out/.config"
	kmake -j"$(nproc)" Image
}

mkdir -p "$RIG_CACHE"
exec 9>"$dir.lock"
flock 9
if [ ! -f "$dir/.complete" ]; then
	rig_need_pkgs make gcc bc bison flex libssl-dev libelf-dev cpio gcc-aarch64-linux-gnu
	src=$(rig_full_source "$ver")
	rig_need_space "$RIG_CACHE" 1500
	mkdir -p "$dir"
	rig_note "building the t8103 guest kernel (ARCH_APPLE, allnoconfig-based) in $dir"
	start=$(date +%s)
	if ! build "$src" >"$dir/build.log" 2>&1; then
		grep -E 'apple-kernel:|error:|Error [0-9]' "$dir/build.log" | head -n 20 >&2
		tail -n 10 "$dir/build.log" >&2
		rig_die "the t8103 guest kernel build failed (log: $dir/build.log)"
	fi
	echo "$(($(date +%s) - start))" >"$dir/build-seconds"
	rig_note "t8103 guest kernel built in $(cat "$dir/build-seconds") s"
	touch "$dir/.complete"
fi
echo "$image"
