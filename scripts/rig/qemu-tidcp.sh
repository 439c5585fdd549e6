#!/bin/bash
# qemu-tidcp.sh - a qemu-system-aarch64 whose -cpu max traps IMPDEF system
# registers to EL2 when HCR_EL2.TIDCP is set (QEMU 8.0 and later), for the
# t8103 tests: Debian 12's QEMU 7.2 makes them UNDEF at EL1 without asking
# EL2, so on it no guest can reach the module's fast-IPI and PMU registers.
# Debian's own build from bookworm-backports, unpacked (not installed) into
# $VMAPPLE_CACHE/qemu-bpo-VERSION/ and run with the host's libraries.
# Prints the binary's path.
set -euo pipefail
# shellcheck disable=SC1091
. "$(dirname "$0")/common.sh"
apt_dir=$RIG_CACHE/apt-bookworm-backports
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
# One at a time: two CI runs on one machine share the lists and the unpacked tree.
exec 9>"$apt_dir.lock"
flock 9
echo "deb http://deb.debian.org/debian bookworm-backports main" >"$apt_dir/sources.list"
opts=(-oDir::Etc::SourceList="$apt_dir/sources.list" -oDir::Etc::SourceParts=/nonexistent
	-oDir::State::Lists="$apt_dir/lists" -oDir::Cache="$apt_dir/cache")

policy() {
	apt-cache "${opts[@]}" policy qemu-system-arm 2>/dev/null |
		awk '/bookworm-backports/ { print prev; exit } { prev = $1 " " $2 }' |
		sed 's/^\*\*\* //' | awk '{ print $1 }'
}
newest_cached() {
	find "$RIG_CACHE" -mindepth 1 -maxdepth 1 -name 'qemu-bpo-*' -type d 2>/dev/null | sort -V |
		while read -r d; do [ -f "$d/.complete" ] && echo "$d"; done | tail -n 1
}

ver=
if timeout 180 apt-get "${opts[@]}" update -qq >"$apt_dir/update.log" 2>&1; then
	ver=$(policy)
fi
if [ -z "$ver" ]; then
	dir=$(newest_cached)
	[ -n "$dir" ] || rig_die "bookworm-backports' qemu-system-arm is out of reach and none is cached (network?)"
	rig_note "bookworm-backports unreachable; using the cached $(basename "$dir")"
else
	dir=$RIG_CACHE/qemu-bpo-${ver//[:~]/_}
fi
if [ ! -f "$dir/.complete" ]; then
	rig_need_space "$RIG_CACHE" 200
	rm -rf "$dir"
	mkdir -p "$dir"
	rig_note "fetching qemu-system-arm $ver from bookworm-backports (TIDCP traps, for the t8103 tests)"
	(cd "$dir" && timeout 600 apt-get "${opts[@]}" download -qq "qemu-system-arm=$ver") \
		>"$dir/download.log" 2>&1 ||
		{ tail -n 5 "$dir/download.log" >&2; rig_die "download of qemu-system-arm $ver failed"; }
	dpkg-deb -x "$dir"/qemu-system-arm_*.deb "$dir/root"
	rm -f "$dir"/*.deb
	"$dir/root/usr/bin/qemu-system-aarch64" --version >/dev/null ||
		rig_die "the backported qemu-system-aarch64 does not run here (missing libraries?)"
	touch "$dir/.complete"
fi
echo "$dir/root/usr/bin/qemu-system-aarch64"
