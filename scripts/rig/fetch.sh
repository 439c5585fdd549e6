#!/bin/bash
# fetch.sh - bring Debian's arm64 16K-page 6.12 kernel (image, headers, the
# amd64 kbuild tools) and busybox-static into the cache, once per version.
# Prints the path of an env file describing them (KVER, KREL, KDIR, ...).
#   RIG_KVER=6.12.117+deb12 pins a version; default: the newest 6.12 with an
#   amd64 linux-kbuild, or the last one fetched when apt cannot be reached.
set -euo pipefail
. "$(dirname "$0")/common.sh"

pick_kver() {
	mkdir -p "$RIG_APT/lists/partial" "$RIG_APT/cache/archives/partial"
	if ! timeout 180 apt-get "${RIG_APT_OPTS[@]}" update -qq --error-on=any >"$RIG_CACHE/apt-update.log" 2>&1; then
		if [ -f "$RIG_CACHE/rig-last.env" ]; then
			rig_note "apt-get update failed (no network?); reusing the last fetched kernel"
			# shellcheck disable=SC1091
			(. "$RIG_CACHE/rig-last.env" && echo "$KVER")
			return
		fi
		tail -n 5 "$RIG_CACHE/apt-update.log" >&2
		rig_die "cannot read Debian's arm64 package lists (apt-get update failed; network or mirror down?)"
	fi
	local v
	for v in $(apt-cache "${RIG_APT_OPTS[@]}" pkgnames linux-image-6.12. |
		sed -n "s/^linux-image-\(6\.12\.[0-9]*+deb12\)-$RIG_FLAVOUR-unsigned\$/\1/p" | sort -rV); do
		if apt-cache show "linux-kbuild-$v" >/dev/null 2>&1; then
			echo "$v"
			return
		fi
	done
	rig_die "no Debian 6.12 $RIG_FLAVOUR kernel with a matching amd64 linux-kbuild in the package lists"
}

mkdir -p "$RIG_CACHE"
if [ -n "${RIG_KVER:-}" ]; then
	KVER=$RIG_KVER
elif [ -f "$RIG_CACHE/rig-last.env" ] && [ -n "${RIG_OFFLINE:-}" ]; then
	KVER=$(. "$RIG_CACHE/rig-last.env" && echo "$KVER")
else
	KVER=$(pick_kver)
fi
KREL=$KVER-$RIG_FLAVOUR
DIR=$RIG_CACHE/rig-$KVER
ENV=$DIR/rig.env

if [ ! -f "$DIR/.complete" ]; then
	rig_need_space "$RIG_CACHE" 700
	rm -rf "$DIR"
	mkdir -p "$DIR/debs" "$DIR/root" "$RIG_APT/lists/partial" "$RIG_APT/cache/archives/partial"
	[ -n "$(ls "$RIG_APT/lists" 2>/dev/null | grep -v partial)" ] ||
		timeout 180 apt-get "${RIG_APT_OPTS[@]}" update -qq --error-on=any ||
		rig_die "cannot read Debian's arm64 package lists (network?)"
	rig_note "downloading Debian arm64 kernel $KREL, headers, kbuild and busybox-static"
	(cd "$DIR/debs" &&
		timeout 600 apt-get "${RIG_APT_OPTS[@]}" download -qq \
			"linux-image-$KREL-unsigned" "linux-headers-$KREL" \
			"linux-headers-$KVER-common" busybox-static &&
		timeout 600 apt-get download -qq "linux-kbuild-$KVER") >"$DIR/download.log" 2>&1 || {
		grep -v unsandboxed "$DIR/download.log" | tail -n 5 >&2
		rig_die "download of the rig kernel $KREL failed (network, or version gone from the mirror: set RIG_KVER)"
	}
	for d in "$DIR"/debs/*.deb; do dpkg -x "$d" "$DIR/root"; done
	kdir=$DIR/root/usr/src/linux-headers-$KREL
	# The arch Makefile includes the -common tree by an absolute path.
	sed -i "s#^include /usr/src/#include $DIR/root/usr/src/#" "$kdir/Makefile"
	rm -rf "$DIR/debs"
	touch "$DIR/.complete"
fi

cat >"$ENV" <<EOV
KVER=$KVER
KREL=$KREL
KDIR=$DIR/root/usr/src/linux-headers-$KREL
RIG_IMAGE=$DIR/root/boot/vmlinuz-$KREL
RIG_BUSYBOX=$DIR/root/bin/busybox
RIG_MODDIR=$DIR/root/lib/modules/$KREL
EOV
cp "$ENV" "$RIG_CACHE/rig-last.env"
echo "$ENV"
