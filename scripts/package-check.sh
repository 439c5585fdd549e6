#!/bin/bash
# package-check.sh BUILD - `make package-check`: the Debian packages `make
# packages` left in BUILD/packages, installed with apt in a clean Debian 12
# amd64 root (debootstrap --variant=minbase), then the module built there by
# DKMS for the rig's kernel (cross, arm64, its headers), the launcher package
# inspected, and both purged.  TAP; the last line counts this and
# BUILD/packages/packages.tap.
#
# Root only (chroot, mounts).  Cached under ~/.cache/vmapple-kvm/package-check
# (or $VMAPPLE_CACHE): the debootstrapped root as a tarball, apt's lists and
# downloaded .debs; PACKAGE_CHECK_FRESH=1 bootstraps anew (and says how long
# that took).  The mirror is the one the host's apt uses for bookworm
# (PACKAGE_CHECK_MIRROR overrides it).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/rig/common.sh
. "$top/scripts/rig/common.sh"
build=$(cd "$1" && pwd)
pkgs=$build/packages
work=$build/package-check
root=$work/root
cache=$RIG_CACHE/package-check
suite=bookworm
export LC_ALL=C

die() { echo "package-check: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (debootstrap, chroot, mounts)"
[ "$(uname -m)" = x86_64 ] || die "x86-64 hosts only: an amd64 root, the module cross-built for the rig"
if ! command -v debootstrap >/dev/null; then
	echo "package-check: installing debootstrap" >&2
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap; } >/dev/null 2>&1 ||
		die "apt-get could not install debootstrap"
fi
# shellcheck disable=SC1091
. "$build/rig.env" || die "no $build/rig.env (make $build/rig.env)"
dkms_name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$top/dkms.conf")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
dkms_deb=$(ls "$pkgs"/vmapple-kvm-dkms_"$version"_all.deb 2>/dev/null)
launcher_deb=$(ls "$pkgs"/vmapple_"$version"_arm64.deb 2>/dev/null)
[ -n "$dkms_deb" ] && [ -n "$launcher_deb" ] || die "no $version packages in $pkgs (make packages)"
# The rig's kernel tree (headers, amd64 kbuild), mounted read-only in the root.
rig_dir=${KDIR%/root/usr/src/*}

# Nothing is ever deleted under a mount point: unmount, deepest first.
unmount_all() {
	local m
	for m in $(findmnt -rn -o TARGET | grep -E "^$root(/|$)" | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
}
remove_root() {
	unmount_all
	findmnt -rn -o TARGET | grep -qE "^$root(/|$)" && die "still mounted under $root"
	rm -rf "$root"
}
trap unmount_all EXIT
trap 'exit 130' INT TERM

mirror=${PACKAGE_CHECK_MIRROR:-}
if [ -z "$mirror" ]; then
	# deb822 stanzas (URIs: then Suites:) and one-line "deb URI SUITE ..." entries.
	mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
		2>/dev/null | awk -v s="$suite" '
		/^URIs:/ {u = $2} /^Suites:/ {for (i = 2; i <= NF; i++) if ($i == s && u) {print u; exit}}
		/^deb / {for (i = 2; i <= NF; i++) if ($i !~ /^\[/) {if ($(i + 1) == s) {print $i; exit} break}}')
	mirror=${mirror:-http://deb.debian.org/debian}
fi

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n $*"; }
# check NAME CMD...: one test, its output shown when it fails.
check() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then ok "$name"; else not_ok "$name (exit $rc)"; echo "$out" | tail -n 30 | sed 's/^/# /'; fi
	return $rc
}
in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
		DEBIAN_FRONTEND=noninteractive "$@"
}
apt_in_root() { in_root apt-get -q -y -o Dpkg::Use-Pty=0 --no-install-recommends "$@"; }

mkdir -p "$work"
exec > >(tee "$work/package-check.tap") 2>&1
echo "TAP version 13"
echo "1..13"
mkdir -p "$cache/lists/partial" "$cache/archives/partial" "$work"
# One run at a time on the machine: the cache's apt lists and .debs are shared.
exec 9>"$cache/lock"
flock 9
remove_root
total=$SECONDS

# 1: the clean root: a fresh debootstrap (timed), or its cached tarball.
base=$cache/$suite-amd64-minbase.tar
key="$suite amd64 minbase $mirror debootstrap $(dpkg-query -W -f '${Version}' debootstrap)"
if [ "${PACKAGE_CHECK_FRESH:-0}" = 1 ] || [ ! -f "$base" ] || [ "$(cat "$base.key" 2>/dev/null)" != "$key" ]; then
	rig_need_space "$cache" 1500
	start=$SECONDS
	# Cached without the .debs it installed and its package lists.
	if debootstrap --variant=minbase --arch=amd64 "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 &&
		rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* &&
		tar -C "$root" -cf "$base.new" . && mv "$base.new" "$base" && echo "$key" >"$base.key"; then
		ok "clean root: debootstrap --variant=minbase $suite amd64 from $mirror ($((SECONDS - start)) s, fresh; cached as $base)"
	else
		not_ok "clean root: debootstrap $suite from $mirror failed ($work/debootstrap.log)"
		tail -n 20 "$work/debootstrap.log" | sed 's/^/# /'
		exit 1
	fi
else
	start=$SECONDS
	mkdir -p "$root" && tar -C "$root" -xf "$base" || die "cannot unpack $base"
	ok "clean root: $suite amd64 minbase from the cached debootstrap ($((SECONDS - start)) s)"
fi
printf 'deb %s %s main\ndeb %s %s-updates main\n' "$mirror" "$suite" "$mirror" "$suite" \
	>"$root/etc/apt/sources.list"
# No service starts in the root (there is no init there anyway).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/tmp/debs" "$root$rig_dir"
cp "$dkms_deb" "$launcher_deb" "$root/tmp/debs/"
mount -t proc proc "$root/proc" &&
	mount --bind "$cache/lists" "$root/var/lib/apt/lists" &&
	mount --bind "$cache/archives" "$root/var/cache/apt/archives" &&
	mount --bind "$rig_dir" "$root$rig_dir" && mount -o remount,bind,ro "$root$rig_dir" ||
	die "cannot mount into $root"
# The rig kernel's headers as linux-headers-$KREL installs them.
mkdir -p "$root/lib/modules/$KREL"
ln -s "$KDIR" "$root/lib/modules/$KREL/build"

# 2: the -dkms package and what it depends on, from the mirror.
start=$SECONDS
install_dkms() { apt_in_root update && apt_in_root install "/tmp/debs/${dkms_deb##*/}"; }
if check "apt-get install ./${dkms_deb##*/} (dependencies from $suite)" install_dkms; then
	echo "# installed with its dependencies in $((SECONDS - start)) s"
fi

# 3: what it ships, where.
src=/usr/src/$dkms_name-$version
check "$src (dkms.conf, Kbuild, kmod/, common/, include/), udev rule, modules-load.d entry" \
	sh -c "cd '$root' && test -f .$src/dkms.conf && test -f .$src/Kbuild && test -f .$src/kmod/main.c &&
		test -f .$src/common/a64_ldst.c && test -f .$src/include/uapi/linux/vmapple_kvm.h &&
		grep -q vmapple_kvm lib/udev/rules.d/60-vmapple-kvm.rules &&
		grep -qx vmapple_kvm usr/lib/modules-load.d/vmapple-kvm.conf"

# 4: registered with DKMS by its postinst (for no kernel: amd64 is excluded).
status=$(in_root dkms status 2>&1)
if echo "$status" | grep -q "^$dkms_name/$version: added"; then
	ok "dkms status after install: $(echo "$status" | head -n 1)"
else
	not_ok "dkms status after install: module not added"
	echo "$status" | sed 's/^/# /'
fi

# 5-7: DKMS builds it for the rig's kernel: cross, with what the rig's
# headers need to build modules here (scripts/setup.sh's cross tools: the
# compiler, pahole for the modules' BTF), and systemd for test 10.
start=$SECONDS
check "check tools in the root: gcc-aarch64-linux-gnu dwarves systemd" \
	apt_in_root install gcc-aarch64-linux-gnu dwarves libelf1 libssl3 zlib1g systemd
if check "dkms build $dkms_name/$version -k $KREL -a aarch64 (ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)" \
	in_root ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- dkms build "$dkms_name/$version" \
	-k "$KREL" -a aarch64; then
	echo "# built in $((SECONDS - start)) s, toolchain included"
else
	cat "$root/var/lib/dkms/$dkms_name/$version/build/make.log" 2>/dev/null | tail -n 20 | sed 's/^/# make.log: /'
fi
status=$(in_root dkms status 2>&1)
ko=$(find "$root/var/lib/dkms/$dkms_name/$version/$KREL/aarch64/module" -name "$dkms_name.ko*" 2>/dev/null |
	head -n 1)
if echo "$status" | grep -qF "$dkms_name/$version, $KREL, aarch64: built" && [ -n "$ko" ] &&
	modinfo -F vermagic "$ko" | grep -q "^$KREL " && file -L "$ko" | grep -q 'ARM aarch64'; then
	ok "dkms status: $(echo "$status" | grep -F "$KREL"); ${ko#"$root"} is arm64, vermagic $KREL"
else
	not_ok "dkms status shows no arm64 build for $KREL"
	echo "$status" | sed 's/^/# /'
fi

# 8-9: the launcher package (arm64) in the same root.
install_launcher() {
	in_root dpkg --add-architecture arm64 && apt_in_root install "/tmp/debs/${launcher_deb##*/}"
}
check "dpkg --add-architecture arm64; apt-get install ./${launcher_deb##*/}" install_launcher
check "/usr/bin/vmapple (arm64), /usr/bin/vetu a link to it, run-bundle, vmapple@.service, vmapple-network.service (not enabled), /var/lib/vmapple, /etc/vmapple/vmapple.json a conffile" \
	sh -c "cd '$root' && file -L usr/bin/vmapple | grep -q 'ARM aarch64' &&
		test \"\$(readlink usr/bin/vetu)\" = vmapple &&
		test -x usr/libexec/vmapple/run-bundle && test -f lib/systemd/system/vmapple@.service &&
		test -f lib/systemd/system/vmapple-network.service &&
		test ! -e etc/systemd/system/multi-user.target.wants/vmapple-network.service &&
		test -d var/lib/vmapple && grep -q '\"max-macos-instances\": 2' etc/vmapple/vmapple.json &&
		chroot '$root' dpkg-query -W -f '\${Conffiles}' vmapple | grep -q /etc/vmapple/vmapple.json"

# 10: the units, as bookworm's systemd reads it, against that root's files.
# Unknown keys and bad values are only warnings there: any output fails.
verify_unit() {
	local o rc
	o=$(in_root systemd-analyze verify --man=no vmapple@check.service vmapple-network.service 2>&1)
	rc=$?
	echo "$o"
	[ $rc = 0 ] && [ -z "$o" ]
}
check "systemd-analyze verify vmapple@check.service vmapple-network.service: no warning (systemd $(in_root dpkg-query -W -f '${Version}' systemd))" \
	verify_unit

# 11: run-bundle's command lines (an arm64 launcher cannot run here: a
# stand-in prints its directory and arguments): a directory whose vmapple.args
# names the files (--kernel), and a bundle with extra options.
mkdir -p "$root/var/lib/vmapple/files" "$root/var/lib/vmapple/bundle"
printf '%s\n' '# a comment' '--kernel Image' '  --append console=hvc0 root=/dev/vda rw  ' '' \
	'--mem 512M' >"$root/var/lib/vmapple/files/vmapple.args"
printf '%s\n' '--net tap,ifname=vm0' >"$root/var/lib/vmapple/bundle/vmapple.args"
mv "$root/usr/bin/vmapple" "$root/usr/bin/vmapple.real"
printf '#!/bin/sh\npwd\nprintf "<%%s>" "$@"\necho\n' >"$root/usr/bin/vmapple"
chmod 755 "$root/usr/bin/vmapple"
got=$(for b in files bundle; do
	in_root /usr/libexec/vmapple/run-bundle "$b" --qmp "unix:/run/vmapple/$b.qmp" 2>&1
done)
want="/var/lib/vmapple/files
<run><--kernel><Image><--append><console=hvc0 root=/dev/vda rw><--mem><512M><--qmp><unix:/run/vmapple/files.qmp>
/var/lib/vmapple/bundle
<run></var/lib/vmapple/bundle><--net><tap,ifname=vm0><--qmp><unix:/run/vmapple/bundle.qmp>"
mv "$root/usr/bin/vmapple.real" "$root/usr/bin/vmapple"
rm -rf "$root/var/lib/vmapple/files" "$root/var/lib/vmapple/bundle"
if [ "$got" = "$want" ]; then
	ok "run-bundle: vmapple run in the directory, vmapple.args's options (files, or added to a bundle's), the service's last"
else
	not_ok "run-bundle: wrong command lines"
	printf '%s\n' "# want:" "$want" "# got:" "$got" | sed 's/^\([^#]\)/#   \1/'
fi

# 12-13: both purged: DKMS forgets the module, nothing is left behind.
check "apt-get purge vmapple vmapple-kvm-dkms" apt_in_root purge vmapple vmapple-kvm-dkms
status=$(in_root dkms status 2>&1)
left=$(cd "$root" && ls -d ".$src" "./var/lib/dkms/$dkms_name" lib/udev/rules.d/60-vmapple-kvm.rules \
	usr/lib/modules-load.d/vmapple-kvm.conf usr/bin/vmapple lib/systemd/system/vmapple@.service 2>/dev/null)
if [ -z "$status" ] && [ -z "$left" ]; then
	ok "after purge: dkms status empty, no file left"
else
	not_ok "after purge: left behind"
	printf '%s\n' "$status" "$left" | sed 's/^/# /'
fi

if [ $failed = 0 ]; then
	remove_root
	echo "# package-check: $((SECONDS - total)) s in all"
else
	unmount_all
	echo "# package-check: $((SECONDS - total)) s in all; the root is kept in $root for a look"
fi
taps=("$work/package-check.tap")
[ -f "$pkgs/packages.tap" ] && taps=("$pkgs/packages.tap" "${taps[@]}")
"$top/scripts/tap-summary.sh" "${taps[@]}"
exit $(( failed || $? ))
