#!/bin/bash
# fleet-tools.sh - what the rig's fleet lifecycle test
# (tests/kselftest/fleet_lifecycle.sh) runs beside `vmapple`: Debian's arm64
# dnsmasq (the shared network's DHCP), nft (its masquerading) and
# docker-registry (the OCI registry it pulls from), with the shared
# libraries they need and Debian's loader, as a root tree to copy into the
# rig's (its busybox root has no glibc of its own).  Prints that tree's path.
#
# The packages come with the rig's arm64 apt lists; of what apt would
# install with them, only the libraries are unpacked (no perl, no PAM and
# what passwd needs, no maintainer scripts), and every DT_NEEDED of the three programs and of
# those libraries must then resolve inside the tree, or this fails naming
# the one that does not.  Cached under $VMAPPLE_CACHE/fleet-tools, keyed by
# the three packages' versions.
set -euo pipefail
. "$(dirname "$0")/common.sh"
cache=$RIG_CACHE/fleet-tools
debs=$cache/debs
tools=(dnsmasq-base nftables docker-registry)
programs=(usr/sbin/dnsmasq usr/sbin/nft usr/bin/docker-registry)
mkdir -p "$debs" "$RIG_APT/lists/partial" "$RIG_APT/cache/archives/partial"
# One at a time: two CI runs on one machine share the downloads and the tree.
exec 9>"$cache.lock"
flock 9
if [ -z "$(ls "$RIG_APT/lists" 2>/dev/null | grep -v partial)" ]; then
	timeout 180 apt-get "${RIG_APT_OPTS[@]}" update -qq --error-on=any >/dev/null 2>&1 ||
		rig_die "cannot read Debian's arm64 package lists (network?)"
fi
all=$(rig_apt_closure "${tools[@]}") || true
want=$(echo "$all" | grep -E "^($(IFS='|'; echo "${tools[*]}"))=|^lib" | grep -vE '^(libperl|libpam|libsemanage|libsepol|libaudit|libdb5|libgdbm)|-perl=' || true)
[ "$(echo "$want" | grep -cE "^($(IFS='|'; echo "${tools[*]}"))=")" = ${#tools[@]} ] ||
	rig_die "fleet tools: ${tools[*]} not all installable from Debian's arm64 package lists"
# Every package's version and this script: a library's update or a change here rebuilds.
key=$( (echo "$want" | sort; cat "$0") | md5sum | cut -c1-12)
root=$cache/root-$key
if [ ! -f "$root/.complete" ]; then
	rig_need_space "$cache" 200
	rig_note "fleet tools: Debian's arm64 ${tools[*]} and $(($(echo "$want" | wc -l) - ${#tools[@]})) libraries"
	rm -rf "$root.tmp"
	mkdir -p "$root.tmp"
	rig_apt_unpack "$debs" "$root.tmp" "$cache/download.log" "the fleet tools' packages" <<<"$want"
	# Only the programs, the loader and the libraries stay.
	rm -rf "$root.tmp"/usr/share "$root.tmp"/usr/lib/aarch64-linux-gnu/gconv "$root.tmp"/lib/systemd \
		"$root.tmp"/etc "$root.tmp"/var "$root.tmp"/usr/libexec "$root.tmp"/usr/include
	for d in bin sbin usr/bin usr/sbin; do [ -d "$root.tmp/$d" ] && echo "$root.tmp/$d"; done |
		xargs -r -I{} find {} \( -type f -o -type l \) | while read -r f; do
		keep=
		for p in "${programs[@]}"; do [ "$f" = "$root.tmp/$p" ] && keep=1; done
		[ -n "$keep" ] || rm -f "$f"
	done
	# Every DT_NEEDED resolves in the tree's two library directories.
	find "$root.tmp/usr/sbin" "$root.tmp/usr/bin" "$root.tmp/lib" "$root.tmp/usr/lib" -type f \
		\( -name '*.so*' -o -perm -u+x \) | while read -r elf; do
		{ readelf -d "$elf" 2>/dev/null || true; } | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | while read -r lib; do
			[ -e "$root.tmp/lib/aarch64-linux-gnu/$lib" ] ||
				[ -e "$root.tmp/usr/lib/aarch64-linux-gnu/$lib" ] ||
				[ "$lib" = ld-linux-aarch64.so.1 ] ||
				rig_die "fleet tools: ${elf#"$root.tmp"/} needs $lib, which no unpacked package has"
		done
	done
	[ -e "$root.tmp/lib/ld-linux-aarch64.so.1" ] || rig_die "fleet tools: libc6 brought no loader"
	mv "$root.tmp" "$root"
	touch "$root/.complete"
	# The trees of older versions (or of an older script) are of no more use.
	find "$cache" -mindepth 1 -maxdepth 1 -name 'root-*' ! -name "root-$key" -exec rm -rf {} +
fi
echo "$root"
