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
