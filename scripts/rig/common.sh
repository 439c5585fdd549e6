# common.sh - shared by the rig scripts: paths, messages, the download cache.
# shellcheck shell=bash
RIG_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Outside the clone by default, so every checkout on this machine (and CI)
# shares one copy of the downloads and the builds made from them.
RIG_CACHE=${VMAPPLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmapple-kvm}
RIG_FLAVOUR=arm64-16k
export DEBIAN_FRONTEND=noninteractive

rig_die() { echo "rig: $*" >&2; exit 1; }
rig_note() { echo "rig: $*" >&2; }

# rig_need_space DIR MIB: fail clearly before a download that cannot fit.
rig_need_space() {
	local avail
	mkdir -p "$1"
	avail=$(df -Pm "$1" | awk 'NR==2 {print $4}')
	[ "$avail" -ge "$2" ] ||
		rig_die "need ${2} MiB free under $1 for the rig, only ${avail} MiB left"
}

# The arm64 package lists live in the cache, apart from the host's own apt.
RIG_APT=$RIG_CACHE/apt-arm64
RIG_APT_OPTS=(-oAPT::Architecture=arm64 -oAPT::Architectures=arm64
	-oDir::State::Lists="$RIG_APT/lists" -oDir::Cache="$RIG_APT/cache")
# RIG_APT_EXTRA_OPTS: more apt options (a proxy, say; the tests use it to cut
# the network off).
read -ra rig_extra <<<"${RIG_APT_EXTRA_OPTS:-}"
RIG_APT_OPTS+=("${rig_extra[@]}")

# rig_kernel_source_version: the version of apt's linux-source-6.12, or the newest one cached.
rig_kernel_source_version() {
	local PKG=linux-source-6.12
	local v cached
	v=$(apt-cache policy "$PKG" 2>/dev/null | awk '/Candidate:/ {print $2}')
	if [ -n "$v" ] && [ "$v" != "(none)" ]; then
		echo "$v"
		return
	fi
	cached=$(find "$RIG_CACHE" -mindepth 2 -maxdepth 2 -path "*/linux-source-full-*/.complete" \
		2>/dev/null | sort -V | tail -n 1)
	[ -n "$cached" ] || rig_die "$PKG is not in the apt lists and no full source is cached (network?)"
	basename "$(dirname "$cached")" | sed 's/^linux-source-full-//'
}

# rig_need_pkgs PKG...: kernel build tools beyond what setup.sh installs.
rig_need_pkgs() {
	local p missing=() sudo=
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	rig_note "installing ${missing[*]} (to build a kernel)"
	{ $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
		{ $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; }
	} >"$RIG_CACHE/kernel-apt.log" 2>&1 ||
		{ tail -n 5 "$RIG_CACHE/kernel-apt.log" >&2; rig_die "apt-get could not install ${missing[*]}"; }
}

# rig_apt_closure PKG...: "NAME=VERSION", a line each, of every package an
# empty arm64 system would install with PKG... (no recommends), as the rig's
# arm64 apt lists resolve them.
rig_apt_closure() {
	apt-get "${RIG_APT_OPTS[@]}" -oDir::State::status=/dev/null -oDebug::NoLocking=1 \
		-s install --no-install-recommends "$@" 2>&1 |
		awk '/^Inst / {v = $3; gsub(/[()]/, "", v); print $2 "=" v}'
}

# rig_apt_unpack DEBS ROOT LOG WHAT < LIST: download the packages of LIST
# ("NAME=VERSION" lines) into DEBS, apt's output in LOG, and unpack each
# into ROOT (files only: no maintainer scripts).  WHAT names them in errors.
rig_apt_unpack() {
	local debs=$1 root=$2 log=$3 what=$4 list p v deb
	list=$(cat)
	# shellcheck disable=SC2086  # a word per package
	(cd "$debs" && timeout 600 apt-get "${RIG_APT_OPTS[@]}" download $list >"$log" 2>&1) ||
		{ tail -n 5 "$log" >&2; rig_die "cannot download $what"; }
	while IFS='=' read -r p v; do
		deb=$(ls "$debs/${p}_${v//:/%3a}_"*.deb 2>/dev/null | head -n 1)
		[ -n "$deb" ] || rig_die "$what: $p $v was not downloaded"
		dpkg-deb -x "$deb" "$root"
	done <<<"$list"
}

# rig_full_source VERSION: the whole linux-source-6.12 tree of VERSION,
# unpacked once into the cache (shared by every kernel the rig builds).
rig_full_source() {
	local ver=$1 PKG=linux-source-6.12
	local sdir=$RIG_CACHE/linux-source-full-$ver
	if [ ! -f "$sdir/.complete" ]; then
		rig_need_space "$RIG_CACHE" 2500
		rm -rf "$sdir"
		mkdir -p "$sdir"
		rig_note "downloading and unpacking $PKG $ver (the source of the kernels the rig builds)"
		(cd "$sdir" && timeout 600 apt-get download -qq "$PKG=$ver") >"$sdir/download.log" 2>&1 ||
			{ tail -n 5 "$sdir/download.log" >&2; rig_die "download of $PKG $ver failed"; }
		dpkg-deb --fsys-tarfile "$sdir"/*.deb | tar -x -C "$sdir" "./usr/src/$PKG.tar.xz"
		tar -xJf "$sdir/usr/src/$PKG.tar.xz" -C "$sdir"
		rm -rf "${sdir:?}"/*.deb "${sdir:?}/usr"
		touch "$sdir/.complete"
	fi
	echo "$sdir/$PKG"
}

