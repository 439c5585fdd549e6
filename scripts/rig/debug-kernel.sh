#!/bin/bash
# debug-kernel.sh [--cached] - the rig's debug host kernel for
# `make check-debug`: linux-source-6.12 (the rig kernel's own source) with
# KASAN, lockdep and DEBUG_ATOMIC_SLEEP, configured as `make defconfig` plus
# scripts/rig/debug-kernel.config, every module left turned off.  Built once,
# niced, into $VMAPPLE_CACHE/debug-kernel-HASH/ (HASH: the fragment, the
# source version, this recipe), and reused from there by every clone.
# Prints the path of an env file like fetch.sh's (KREL, KDIR, RIG_IMAGE,
# RIG_MODDIR, ...) pointing at it; Debian's busybox, and Debian's kernel for
# the Linux guest (RIG_GUEST_IMAGE), come from fetch.sh.
#   --cached  build nothing: print the env path and exit 0 if the kernel is
#             already built, exit 1 if not (what .ci/run asks).
# About 40 minutes on 2 cores the first time (log: DIR/build.log).
set -euo pipefail
# shellcheck disable=SC1091
. "$(dirname "$0")/common.sh"
PKG=linux-source-6.12
FRAG=$RIG_TOP/scripts/rig/debug-kernel.config
# Bump when the build steps below change what they produce.
RECIPE=1
cached_only=
case ${1:-} in
--cached) cached_only=1 ;;
'') ;;
*) rig_die "usage: debug-kernel.sh [--cached]" ;;
esac
export ARCH=arm64
[ "$(uname -m)" = aarch64 ] || export CROSS_COMPILE=aarch64-linux-gnu-

ver=$(rig_kernel_source_version)
hash=$({ cat "$FRAG"; echo "source $ver recipe $RECIPE"; } | sha256sum | cut -c1-12)
dir=$RIG_CACHE/debug-kernel-$hash
env=$dir/rig.env

if [ -n "$cached_only" ]; then
	[ -f "$dir/.complete" ] || { rig_note "no debug kernel cached (would be $dir)"; exit 1; }
	echo "$env"
	exit 0
fi

# The fragment as asked: every `=` line in the final .config as written,
# every `is not set` symbol neither y nor m.
check_config() {
	local cfg=$1 line sym bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$cfg" && continue
			sym=${line%%=*}
			echo "debug-kernel: wanted $line, got: $(grep -E "^(# )?${sym}[= ]" "$cfg" || echo unset)"
			bad=1
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			grep -qE "^$sym=[ym]$" "$cfg" || continue
			echo "debug-kernel: wanted $sym off, got: $(grep -E "^$sym=" "$cfg")"
			bad=1
			;;
		esac
	done <"$FRAG"
	return $bad
}

build() {
	local src=$1 out=$dir/build _
	kmake() { nice -n 19 make -C "$src" O="$out" "$@"; }
	mkdir -p "$out"
	# An interrupted build resumes: the same .config rebuilds only what is missing.
	kmake -s defconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$FRAG"
	kmake -s olddefconfig
	# Modules the fragment did not reach: off (a symbol some built-in code
	# selects comes back as y).  Until nothing changes.
	for _ in 1 2 3 4 5; do
		grep -q '=m$' "$out/.config" || break
		sed -i 's/^\(CONFIG_[A-Za-z0-9_]*\)=m$/# \1 is not set/' "$out/.config"
		kmake -s olddefconfig
	done
	echo "modules left: $(grep -c '=m$' "$out/.config" || true)"
	check_config "$out/.config"
	kmake -j2 Image modules
	rm -rf "$dir/root"
	kmake -s INSTALL_MOD_PATH="$dir/root" modules_install
}

# One build at a time, whichever clone asks.
mkdir -p "$RIG_CACHE"
exec 9>"$dir.lock"
flock 9
if [ ! -f "$dir/.complete" ]; then
	rig_need_pkgs make gcc bc bison flex libssl-dev libelf-dev cpio kmod gcc-aarch64-linux-gnu
	src=$(rig_full_source "$ver")
	rig_need_space "$RIG_CACHE" 6000
	mkdir -p "$dir"
	rig_note "building the debug kernel (KASAN, lockdep; about 40 min on 2 cores) in $dir"
	rig_note "log: $dir/build.log"
	start=$(date +%s)
	if ! build "$src" >"$dir/build.log" 2>&1; then
		grep -E 'debug-kernel:|error:|Error [0-9]' "$dir/build.log" | head -n 20 >&2
		tail -n 10 "$dir/build.log" >&2
		rig_die "the debug kernel build failed (log: $dir/build.log)"
	fi
	echo "$(($(date +%s) - start))" >"$dir/build-seconds"
	rig_note "debug kernel built in $(($(cat "$dir/build-seconds") / 60)) min"
	touch "$dir/.complete"
fi

# Busybox, and the Linux guest's kernel, stay Debian's.
base=$("$RIG_TOP/scripts/rig/fetch.sh")
# shellcheck disable=SC1090
guest_image=$(. "$base" && echo "$RIG_IMAGE")
# shellcheck disable=SC1090
busybox=$(. "$base" && echo "$RIG_BUSYBOX")
out=$dir/build
krel=$(make -s -C "$dir/build" kernelrelease)
kver=$(make -s -C "$dir/build" kernelversion)
cat >"$env.tmp" <<EOV
KVER=$kver
KREL=$krel
KDIR=$out
RIG_IMAGE=$out/arch/arm64/boot/Image
RIG_BUSYBOX=$busybox
RIG_MODDIR=$dir/root/lib/modules/$krel
RIG_GUEST_IMAGE=$guest_image
RIG_CMDLINE="kasan_multi_shot loglevel=5"
RIG_DEBUG_KERNEL=$dir
EOV
mv "$env.tmp" "$env"
echo "$env"
