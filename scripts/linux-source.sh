#!/bin/bash
# linux-source.sh - extract from Debian's linux-source-6.12 the pieces we take
# from the kernel tree as they are: checkpatch.pl (with its data files), the
# kselftest headers, and the upstream KVM selftests.  Cached; prints the
# directory that holds them (a linux-source-6.12 tree with only those files).
set -euo pipefail
. "$(dirname "$0")/rig/common.sh"

PKG=linux-source-6.12
members=(scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch
	tools/testing/selftests/kselftest.h tools/testing/selftests/kselftest_harness.h
	tools/testing/selftests/kvm)

policy() { apt-cache policy "$PKG" 2>/dev/null | awk '/Candidate:/ {print $2}'; }
ver=$(policy)
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	timeout 180 apt-get update -qq >/dev/null 2>&1 || true
	ver=$(policy)
fi
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	ls -d "$RIG_CACHE"/linux-source-*/.complete >/dev/null 2>&1 ||
		rig_die "$PKG is not in the apt lists and nothing is cached (network?)"
	dir=$(dirname "$(ls -d "$RIG_CACHE"/linux-source-*/.complete | sort -V | tail -n 1)")
	rig_note "apt has no $PKG; using the cached $dir"
	echo "$dir/$PKG"
	exit 0
fi

dir=$RIG_CACHE/linux-source-$ver
if [ ! -f "$dir/.complete" ]; then
	rig_need_space "$RIG_CACHE" 400
	rm -rf "$dir"
	mkdir -p "$dir"
	rig_note "downloading $PKG $ver (for checkpatch.pl and the kselftests)"
	(cd "$dir" && timeout 600 apt-get download -qq "$PKG=$ver") >"$dir/download.log" 2>&1 ||
		{ tail -n 5 "$dir/download.log" >&2; rig_die "download of $PKG $ver failed"; }
	dpkg-deb --fsys-tarfile "$dir"/*.deb | tar -x -C "$dir" ./usr/src/$PKG.tar.xz
	tar -xJf "$dir/usr/src/$PKG.tar.xz" -C "$dir" "${members[@]/#/$PKG/}"
	rm -rf "$dir"/*.deb "$dir/usr"
	touch "$dir/.complete"
fi
echo "$dir/$PKG"
