#!/bin/bash
# dkms.sh install        register, build and install vmapple_kvm with DKMS on
#                        this (arm64) host, plus the udev rule; run as root.
# dkms.sh check BUILD    prove the DKMS recipe: build it with the real dkms
#                        tool, in private trees, cross, against the rig's
#                        headers (TAP).  Nothing outside BUILD is touched.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$top/dkms.conf")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")

# stage_source DIR: the files DKMS needs, and nothing else of the tree.
stage_source() {
	rm -rf "$1"
	mkdir -p "$1"
	cp -r "$top/Kbuild" "$top/dkms.conf" "$top/kmod" "$top/common" "$top/include" "$1/"
}

install_host() {
	[ "$(id -u)" = 0 ] || { echo "dkms.sh install: run as root" >&2; exit 1; }
	command -v dkms >/dev/null || { echo "dkms.sh install: dkms is not installed (apt-get/dnf install dkms)" >&2; exit 1; }
	local src=/usr/src/$name-$version
	dkms remove -m "$name" -v "$version" --all >/dev/null 2>&1 || true
	stage_source "$src"
	dkms add -m "$name" -v "$version"
	dkms build -m "$name" -v "$version"
	dkms install -m "$name" -v "$version"
	install -m 0644 "$top/udev/60-vmapple-kvm.rules" /etc/udev/rules.d/
	udevadm control --reload-rules 2>/dev/null || true
	echo "installed: modprobe vmapple_kvm, then vmapple check"
}

check_cross() {
	local build tree log rc
	build=$(cd "$1" && pwd)
	# shellcheck disable=SC1091
	. "$build/rig.env"
	tree=$build/dkms
	rm -rf "$tree"
	mkdir -p "$tree/dkms" "$tree/install"
	stage_source "$tree/src/$name-$version"
	log=$tree/dkms.log
	echo "TAP version 13"
	echo "1..2"
	# dkms reads ARCH from -a, the compiler prefix from the environment.
	set +e
	CROSS_COMPILE=aarch64-linux-gnu- ARCH=arm64 dkms build "$name/$version" \
		--dkmstree "$tree/dkms" --sourcetree "$tree/src" --installtree "$tree/install" \
		-k "$KREL" -a aarch64 --kernelsourcedir "$KDIR" --no-depmod >"$log" 2>&1
	rc=$?
	set -e
	local ko
	ko=$(find "$tree/dkms/$name/$version" -name "$name.ko*" | head -n 1)
	if [ $rc = 0 ] && [ -n "$ko" ]; then
		echo "ok 1 dkms build $name/$version for $KREL (cross, rig headers)"
	else
		echo "not ok 1 dkms build $name/$version for $KREL (exit $rc)"
		sed 's/^/# /' "$log"
		find "$tree/dkms" -name make.log -exec sed 's/^/# make.log: /' {} \;
		exit 1
	fi
	if modinfo -F vermagic "$ko" | grep -q "^$KREL " && file "$ko" | grep -q 'ARM aarch64'; then
		echo "ok 2 dkms-built module is arm64 with vermagic $KREL"
	else
		echo "not ok 2 dkms-built module's vermagic: $(modinfo -F vermagic "$ko")"
		exit 1
	fi
}

case "${1:-}" in
install) install_host ;;
check) check_cross "${2:?usage: dkms.sh check BUILD}" ;;
*) echo "usage: dkms.sh install | dkms.sh check BUILD" >&2; exit 2 ;;
esac
