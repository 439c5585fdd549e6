#!/bin/bash
# arm64-sysroot.sh - the arm64 libraries the static `vmapple` links (on x86,
# cross): Debian's arm64 -dev packages, downloaded with the rig's arm64 apt
# lists and unpacked into the cache.  Prints the sysroot directory.
#
# Each -dev package brings its headers and its .a, except libslirp-dev and
# libplist-dev (only the headers and the .so link; Debian's rules delete
# libplist's .a): libslirp.a and libplist-2.0.a are built here, with the
# cross compiler, from Debian's source packages of the same versions.
# glib's only static dependency is libpcre2-8 (libglib-2.0.a alone: slirp
# needs no gio/gobject); libplist needs only libc and pthread; libnl-3.a
# lands in lib/, not usr/lib/.
set -euo pipefail
. "$(dirname "$0")/rig/common.sh"

packages=(libssl-dev libfdt-dev libslirp-dev libglib2.0-dev libpcre2-dev
	libnl-3-dev libnl-route-3-dev libjson-c-dev libplist-dev liblz4-dev libcurl4-openssl-dev)
dir=$RIG_CACHE/arm64-sysroot
stamp=$dir/.packages
triplet=aarch64-linux-gnu
# The source package lists: apart from the binary ones, only while building.
src_build=$dir/src-build
src_apt=$src_build/apt
src_apt_opts=(-oDir::Etc::SourceList="$src_apt/sources.list" -oDir::Etc::SourceParts="$src_apt/parts"
	-oDir::State::Lists="$src_apt/lists" -oDir::Cache="$src_apt/cache" "${rig_extra[@]}")

mkdir -p "$RIG_APT/lists/partial" "$RIG_APT/cache/archives/partial"
if [ -z "$(ls "$RIG_APT/lists" 2>/dev/null | grep -v partial)" ]; then
	timeout 180 apt-get "${RIG_APT_OPTS[@]}" update -qq --error-on=any >/dev/null 2>&1 ||
		rig_die "cannot read Debian's arm64 package lists (network?)"
fi
want=$(apt-cache "${RIG_APT_OPTS[@]}" policy "${packages[@]}" |
	awk '/^[^ ]/ {p = $1; sub(/:.*/, "", p)} /Candidate:/ {print p "=" $2}')

# source_pkg DEV: "NAME VERSION" of the source package the candidate DEV was built from.
source_pkg() {
	local ver src src_ver
	ver=$(echo "$want" | awk -F= -v p="$1" '$1 == p {print $2}')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || rig_die "no arm64 $1 in the package lists"
	read -r src src_ver <<<"$(apt-cache "${RIG_APT_OPTS[@]}" show "$1=$ver" |
		awk '/^Source:/ {gsub(/[()]/, ""); print $2, $3; exit}')"
	echo "${src:-${1%-dev}} ${src_ver:-$ver}"
}
read -r slirp_src slirp_src_ver <<<"$(source_pkg libslirp-dev)"
read -r plist_src plist_src_ver <<<"$(source_pkg libplist-dev)"
read -r curl_src curl_src_ver <<<"$(source_pkg libcurl4-openssl-dev)"
want+=$'\n'"libslirp.a=$slirp_src_ver"$'\n'"libplist.a=$plist_src_ver"$'\n'"libcurl.a=$curl_src_ver"

# fetch_source DEV NAME VERSION: unpack that source package under $src_build
# (from the archive that serves DEV) and print its directory.
fetch_source() {
	local ver repo s
	ver=$(echo "$want" | awk -F= -v p="$1" '$1 == p {print $2}')
	repo=$(apt-cache "${RIG_APT_OPTS[@]}" policy "$1" | awk -v v="$ver" '
		f && /Packages$/ {split($3, s, "/"); print $2, s[1], s[2]; exit}
		{x = ($1 == "***") ? $2 : $1} x == v {f = 1}')
	[ -n "$repo" ] || rig_die "cannot tell which archive serves $1 $ver"
	mkdir -p "$src_apt/lists/partial" "$src_apt/cache/archives/partial" "$src_apt/parts" \
		"$src_build/$2"
	if [ ! -f "$src_apt/sources.list" ] || ! grep -qxF "deb-src $repo" "$src_apt/sources.list"; then
		echo "deb-src $repo" >>"$src_apt/sources.list"
		timeout 180 apt-get "${src_apt_opts[@]}" update -qq --error-on=any >>"$dir/src.log" 2>&1 ||
			{ tail -n 5 "$dir/src.log" >&2; rig_die "cannot read Debian's source package lists (network?)"; }
	fi
	(cd "$src_build/$2" && timeout 300 apt-get "${src_apt_opts[@]}" source -qq "$2=$3") \
		>>"$dir/src.log" 2>&1 ||
		{ tail -n 5 "$dir/src.log" >&2; rig_die "download of the $2 $3 source failed"; }
	s=$(ls -d "$src_build/$2/$2"-*/ 2>/dev/null | head -n 1)
	[ -n "$s" ] || rig_die "the $2 $3 source did not unpack"
	echo "${s%/}"
}

# archive_api LIB SYMS OBJ...: LIB as one object whose only global symbols
# are those named in SYMS (the library's API, as its .so exports it), so its
# internal helpers cannot clash with another library's.
archive_api() {
	local lib=$1 syms=$2 o=$src_build/${1##*/}.o
	shift 2
	[ -s "$syms" ] || rig_die "no API symbols for ${lib##*/}"
	"$triplet-ld" -r -o "$o" "$@" &&
		"$triplet-objcopy" --keep-global-symbols="$syms" "$o" &&
		rm -f "$lib" && "$triplet-ar" rcs "$lib" "$o" ||
		rig_die "cannot make ${lib##*/} for arm64"
}

# build_slirp: libslirp.a from Debian's source package (API: libslirp.map).
build_slirp() {
	local s c
	s=$(fetch_source libslirp-dev "$slirp_src" "$slirp_src_ver")/src
	[ -f "$s/libslirp.map" ] || rig_die "no src/libslirp.map in the $slirp_src source"
	# meson.build's flags; libslirp-version.h is libslirp-dev's (same version).
	for c in "$s"/*.c; do
		"$triplet-gcc" -std=gnu99 -O2 -g -DG_LOG_DOMAIN='"Slirp"' -I"$s" \
			-I"$dir/usr/include/slirp" -I"$dir/usr/include/glib-2.0" \
			-I"$dir/usr/lib/$triplet/glib-2.0/include" -c -o "${c%.c}.o" "$c" >>"$dir/src.log" 2>&1 ||
			{ tail -n 5 "$dir/src.log" >&2; rig_die "cannot compile libslirp's $(basename "$c") for arm64"; }
	done
	awk '/^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*;/ {gsub(/[[:space:];]/, ""); print}' \
		"$s/libslirp.map" >"$src_build/slirp.syms"
	archive_api "$dir/usr/lib/$triplet/libslirp.a" "$src_build/slirp.syms" "$s"/*.o
}

# build_plist: libplist-2.0.a from Debian's source package: the C library
# (src/ and libcnary/, as src/Makefile.am lists them; not libplist++), with
# what configure finds on glibc as -D flags.  Its API is what PLIST_API marks
# visible under -fvisibility=hidden: the symbols the .so exports.
build_plist() {
	local s c objs=()
	s=$(fetch_source libplist-dev "$plist_src" "$plist_src_ver")
	for c in base64 bytearray hashtable ptrarray time64 xplist bplist plist; do
		objs+=("$s/src/$c.o")
	done
	objs+=("$s/libcnary/node.o" "$s/libcnary/node_list.o")
	for c in "${objs[@]}"; do
		"$triplet-gcc" -std=gnu99 -O2 -g -fvisibility=hidden -DHAVE_FVISIBILITY \
			-DHAVE_STRPTIME -DHAVE_MEMMEM -DHAVE_GMTIME_R -DHAVE_LOCALTIME_R -DHAVE_TIMEGM \
			-DHAVE_TM_TM_GMTOFF -DHAVE_TM_TM_ZONE -D__LITTLE_ENDIAN__=1 \
			-I"$s/include" -I"$s/src" -I"$s/libcnary/include" \
			-c -o "$c" "${c%.o}.c" >>"$dir/src.log" 2>&1 ||
			{ tail -n 5 "$dir/src.log" >&2; rig_die "cannot compile libplist's $(basename "${c%.o}.c") for arm64"; }
	done
	"$triplet-readelf" -sW "${objs[@]}" |
		awk '$5 == "GLOBAL" && $6 == "DEFAULT" && $7 != "UND" {print $8}' >"$src_build/plist.syms"
	grep -qx plist_from_memory "$src_build/plist.syms" ||
		rig_die "libplist's objects export no plist_from_memory"
	archive_api "$dir/usr/lib/$triplet/libplist-2.0.a" "$src_build/plist.syms" "${objs[@]}"
}

# build_curl: libcurl.a from Debian's source package.  Debian's own .a needs
# GSSAPI, LDAP, libpsl, nghttp2... of which Debian ships no .a, so this one is
# HTTP(S) on the sysroot's OpenSSL and nothing else: all a registry needs.
# The headers are libcurl4-openssl-dev's (same version).
build_curl() {
	local s
	s=$(fetch_source libcurl4-openssl-dev "$curl_src" "$curl_src_ver")
	(cd "$s" && ./configure --host="$triplet" CC="$triplet-gcc" \
		CPPFLAGS="-I$dir/usr/include -I$dir/usr/include/$triplet" \
		LDFLAGS="-L$dir/usr/lib/$triplet" LIBS="-lpthread -ldl" \
		--disable-shared --enable-static --with-openssl --without-zlib --without-brotli \
		--without-zstd --without-libpsl --without-libidn2 --without-nghttp2 --without-nghttp3 \
		--without-ngtcp2 --without-libssh2 --without-librtmp --without-gssapi --disable-ldap \
		--disable-ldaps --disable-rtsp --disable-dict --disable-telnet --disable-tftp \
		--disable-pop3 --disable-imap --disable-smtp --disable-gopher --disable-mqtt \
		--disable-smb --disable-ftp --disable-file --disable-manual --disable-docs \
		--disable-ntlm --without-libgsasl --without-hyper \
		--with-ca-bundle=/etc/ssl/certs/ca-certificates.crt --with-ca-path=/etc/ssl/certs &&
		make -C lib -j2) >>"$dir/src.log" 2>&1 ||
		{ tail -n 8 "$dir/src.log" >&2; rig_die "cannot build libcurl $curl_src_ver for arm64"; }
	cp "$s/lib/.libs/libcurl.a" "$dir/usr/lib/$triplet/libcurl.a" ||
		rig_die "libcurl's build left no lib/.libs/libcurl.a"
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
	rig_note "building arm64 libplist-2.0.a from the $plist_src $plist_src_ver source"
	build_plist
	rig_note "building arm64 libcurl.a (HTTP(S) only) from the $curl_src $curl_src_ver source"
	build_curl
	rm -rf "$src_build"
	echo "$want" >"$stamp"
fi
echo "$dir"
