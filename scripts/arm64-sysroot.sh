#!/bin/bash
# arm64-sysroot.sh - the arm64 libraries the static `vmapple` links (on x86,
# cross): Debian's arm64 -dev packages, downloaded with the rig's arm64 apt
# lists and unpacked into the cache.  Prints the sysroot directory.
#
# Each -dev package brings its headers and its .a, except libslirp-dev (only
# the headers and the .so link): libslirp.a is built here, with the cross
# compiler, from Debian's libslirp source package of the same version.
# glib's only static dependency is libpcre2-8 (libglib-2.0.a alone: slirp
# needs no gio/gobject); libnl-3.a lands in lib/, not usr/lib/.
set -euo pipefail
. "$(dirname "$0")/rig/common.sh"

packages=(libssl-dev libfdt-dev libslirp-dev libglib2.0-dev libpcre2-dev
	libnl-3-dev libnl-route-3-dev libjson-c-dev)
dir=$RIG_CACHE/arm64-sysroot
stamp=$dir/.packages
triplet=aarch64-linux-gnu
# The source package lists: apart from the binary ones, only while building.
src_apt=$dir/slirp-build/apt
src_apt_opts=(-oDir::Etc::SourceList="$src_apt/sources.list" -oDir::Etc::SourceParts="$src_apt/parts"
	-oDir::State::Lists="$src_apt/lists" -oDir::Cache="$src_apt/cache" "${rig_extra[@]}")

mkdir -p "$RIG_APT/lists/partial" "$RIG_APT/cache/archives/partial"
if [ -z "$(ls "$RIG_APT/lists" 2>/dev/null | grep -v partial)" ]; then
	timeout 180 apt-get "${RIG_APT_OPTS[@]}" update -qq --error-on=any >/dev/null 2>&1 ||
		rig_die "cannot read Debian's arm64 package lists (network?)"
fi
want=$(apt-cache "${RIG_APT_OPTS[@]}" policy "${packages[@]}" |
	awk '/^[^ ]/ {p = $1; sub(/:.*/, "", p)} /Candidate:/ {print p "=" $2}')
slirp_ver=$(echo "$want" | awk -F= '$1 == "libslirp-dev" {print $2}')
[ -n "$slirp_ver" ] && [ "$slirp_ver" != "(none)" ] ||
	rig_die "no arm64 libslirp-dev in the package lists"
# The source package (name and version) that libslirp-dev was built from.
read -r slirp_src slirp_src_ver <<<"$(apt-cache "${RIG_APT_OPTS[@]}" show "libslirp-dev=$slirp_ver" |
	awk '/^Source:/ {gsub(/[()]/, ""); print $2, $3; exit}')"
slirp_src=${slirp_src:-libslirp} slirp_src_ver=${slirp_src_ver:-$slirp_ver}
want+=$'\n'"libslirp.a=$slirp_src_ver"

# build_slirp: libslirp.a from Debian's source package, in one object whose
# only global symbols are the library's API (libslirp.map), as in the .so.
build_slirp() {
	local b=$dir/slirp-build repo s
	# The source package comes from the archive that serves libslirp-dev.
	repo=$(apt-cache "${RIG_APT_OPTS[@]}" policy libslirp-dev | awk -v v="$slirp_ver" '
		f && /Packages$/ {split($3, s, "/"); print $2, s[1], s[2]; exit}
		{x = ($1 == "***") ? $2 : $1} x == v {f = 1}')
	[ -n "$repo" ] || rig_die "cannot tell which archive serves libslirp-dev $slirp_ver"
	mkdir -p "$src_apt/lists/partial" "$src_apt/cache/archives/partial" "$src_apt/parts" "$b"
	echo "deb-src $repo" >"$src_apt/sources.list"
	timeout 180 apt-get "${src_apt_opts[@]}" update -qq --error-on=any >"$dir/slirp.log" 2>&1 ||
		{ tail -n 5 "$dir/slirp.log" >&2; rig_die "cannot read Debian's source package lists (network?)"; }
	(cd "$b" && timeout 300 apt-get "${src_apt_opts[@]}" source -qq "$slirp_src=$slirp_src_ver") \
		>>"$dir/slirp.log" 2>&1 ||
		{ tail -n 5 "$dir/slirp.log" >&2; rig_die "download of the $slirp_src $slirp_src_ver source failed"; }
	s=$(ls -d "$b"/"$slirp_src"*/src 2>/dev/null | head -n 1)
	[ -n "$s" ] && [ -f "$s/libslirp.map" ] || rig_die "no src/libslirp.map in the $slirp_src source"
	# meson.build's flags; libslirp-version.h is libslirp-dev's (same version).
	for c in "$s"/*.c; do
		"$triplet-gcc" -std=gnu99 -O2 -g -DG_LOG_DOMAIN='"Slirp"' -I"$s" \
			-I"$dir/usr/include/slirp" -I"$dir/usr/include/glib-2.0" \
			-I"$dir/usr/lib/$triplet/glib-2.0/include" -c -o "${c%.c}.o" "$c" >>"$dir/slirp.log" 2>&1 ||
			{ tail -n 5 "$dir/slirp.log" >&2; rig_die "cannot compile libslirp's $(basename "$c") for arm64"; }
	done
	awk '/^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*;/ {gsub(/[[:space:];]/, ""); print}' \
		"$s/libslirp.map" >"$b/api.syms"
	[ -s "$b/api.syms" ] || rig_die "no symbols in the $slirp_src source's libslirp.map"
	"$triplet-ld" -r -o "$b/slirp.o" "$s"/*.o &&
		"$triplet-objcopy" --keep-global-symbols="$b/api.syms" "$b/slirp.o" &&
		rm -f "$dir/usr/lib/$triplet/libslirp.a" &&
		"$triplet-ar" rcs "$dir/usr/lib/$triplet/libslirp.a" "$b/slirp.o" ||
		rig_die "cannot make libslirp.a for arm64"
	rm -rf "$b"
}

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	rig_need_space "$RIG_CACHE" 200
	rm -rf "$dir"
	mkdir -p "$dir/debs"
	rig_note "downloading arm64 libraries: ${packages[*]}"
	(cd "$dir/debs" && timeout 300 apt-get "${RIG_APT_OPTS[@]}" download -qq "${packages[@]}") \
		>"$dir/download.log" 2>&1 ||
		{ tail -n 5 "$dir/download.log" >&2; rig_die "download of arm64 ${packages[*]} failed"; }
	for d in "$dir"/debs/*.deb; do dpkg -x "$d" "$dir"; done
	rm -rf "$dir/debs"
	rig_note "building arm64 libslirp.a from the $slirp_src $slirp_src_ver source"
	build_slirp
	echo "$want" >"$stamp"
fi
echo "$dir"
