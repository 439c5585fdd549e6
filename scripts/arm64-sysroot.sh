#!/bin/bash
# arm64-sysroot.sh - the arm64 libraries the static `vmapple` links (on x86,
# cross): Debian's arm64 -dev packages, downloaded with the rig's arm64 apt
# lists and unpacked into the cache.  Prints the sysroot directory.
set -euo pipefail
. "$(dirname "$0")/rig/common.sh"

packages=(libssl-dev)
dir=$RIG_CACHE/arm64-sysroot
stamp=$dir/.packages

mkdir -p "$RIG_APT/lists/partial" "$RIG_APT/cache/archives/partial"
if [ -z "$(ls "$RIG_APT/lists" 2>/dev/null | grep -v partial)" ]; then
	timeout 180 apt-get "${RIG_APT_OPTS[@]}" update -qq --error-on=any >/dev/null 2>&1 ||
		rig_die "cannot read Debian's arm64 package lists (network?)"
fi
want=$(for p in "${packages[@]}"; do
	echo "$p=$(apt-cache "${RIG_APT_OPTS[@]}" policy "$p" | awk '/Candidate:/ {print $2}')"
done)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	rig_need_space "$RIG_CACHE" 100
	rm -rf "$dir"
	mkdir -p "$dir/debs"
	rig_note "downloading arm64 libraries: ${packages[*]}"
	(cd "$dir/debs" && timeout 300 apt-get "${RIG_APT_OPTS[@]}" download -qq "${packages[@]}") \
		>"$dir/download.log" 2>&1 ||
		{ tail -n 5 "$dir/download.log" >&2; rig_die "download of arm64 ${packages[*]} failed"; }
	for d in "$dir"/debs/*.deb; do dpkg -x "$d" "$dir"; done
	rm -rf "$dir/debs"
	echo "$want" >"$stamp"
fi
echo "$dir"
