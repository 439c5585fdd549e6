#!/bin/bash
# setup.sh - install the Debian packages the build, the tests and the rig
# need, and nothing when they are all there already.  A fresh Debian 12
# machine needs no manual step: `make` calls this first.
set -euo pipefail

common=(make gcc libc6-dev perl cpio kmod xz-utils file clang libclang-rt-14-dev libssl-dev
        pkg-config libfdt-dev libslirp-dev libglib2.0-dev libnl-3-dev libnl-route-3-dev
        libjson-c-dev libplist-dev python3 groff-base xfsprogs libcurl4-openssl-dev liblz4-dev
        docker-registry python3-lz4 curl dnsmasq-base nftables busybox util-linux iproute2)
cross=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
       binutils-aarch64-linux-gnu libelf1 libssl3 zlib1g dwarves sparse dkms)

case "$(uname -m)" in
aarch64) want=("${common[@]}" sparse dkms) ;;
*) want=("${common[@]}" "${cross[@]}") ;;
esac

if ! command -v dpkg-query >/dev/null; then
	echo "setup: not a Debian system; install by hand: ${want[*]} (or your distribution's names)" >&2
	exit 0
fi

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null ||
		{ echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "setup: apt-get could not install: ${missing[*]} (is Debian's package mirror reachable?)" >&2
	rm -f "$log"
	exit 1
fi
rm -f "$log"
