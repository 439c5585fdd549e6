#!/bin/bash
# linux-source.sh - extract from Debian's linux-source-6.12 the pieces we take
# from the kernel tree as they are: checkpatch.pl (with its data files), the
# kselftest headers, and the upstream KVM selftests with what building them
# needs (`make headers` for arm64, tools/ headers, the sysreg generator).
# Cached; prints the directory that holds them (a linux-source-6.12 tree with
# only those files).
set -euo pipefail
# shellcheck disable=SC1091
. "$(dirname "$0")/rig/common.sh"

PKG=linux-source-6.12
members=(
	# checkpatch.pl and its data files; kbuild, for `make ARCH=arm64 headers`
	Makefile scripts
	# the uapi headers `make headers` installs
	include/uapi arch/arm64/Makefile arch/arm64/include/uapi
	# the kselftest headers (our own kselftests include them)
	tools/testing/selftests/kselftest.h tools/testing/selftests/kselftest_harness.h
	# the upstream KVM selftests and what their Makefile pulls in
	tools/testing/selftests/kvm tools/testing/selftests/lib.mk
	tools/include tools/arch/arm64 tools/build tools/scripts tools/lib/rbtree.c
	# sysreg-defs.h, generated for tools/arch/arm64 from these
	arch/arm64/tools
)
# Bump when the list changes: caches without this marker are extracted again.
marker=.complete-2

policy() { apt-cache policy "$PKG" 2>/dev/null | awk '/Candidate:/ {print $2}'; }
ver=$(policy)
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	timeout 180 apt-get update -qq >/dev/null 2>&1 || true
	ver=$(policy)
fi
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	cached=$(find "$RIG_CACHE" -mindepth 2 -maxdepth 2 -path "*/linux-source-*/$marker" 2>/dev/null |
		sort -V | tail -n 1)
	[ -n "$cached" ] || rig_die "$PKG is not in the apt lists and nothing is cached (network?)"
	dir=$(dirname "$cached")
	rig_note "apt has no $PKG; using the cached $dir"
	echo "$dir/$PKG"
	exit 0
fi

dir=$RIG_CACHE/linux-source-$ver
if [ ! -f "$dir/$marker" ]; then
	rig_need_space "$RIG_CACHE" 400
	rm -rf "$dir"
	mkdir -p "$dir"
	rig_note "downloading $PKG $ver (checkpatch.pl, kselftest headers, KVM selftests)"
	(cd "$dir" && timeout 600 apt-get download -qq "$PKG=$ver") >"$dir/download.log" 2>&1 ||
		{ tail -n 5 "$dir/download.log" >&2; rig_die "download of $PKG $ver failed"; }
	dpkg-deb --fsys-tarfile "$dir"/*.deb | tar -x -C "$dir" ./usr/src/$PKG.tar.xz
	tar -xJf "$dir/usr/src/$PKG.tar.xz" -C "$dir" "${members[@]/#/$PKG/}"
	rm -rf "${dir:?}"/*.deb "${dir:?}/usr"
	touch "$dir/$marker"
fi
echo "$dir/$PKG"
