#!/bin/bash
# packages.sh BUILD - `make packages`: the Debian packages (debian/), built in
# a copy of the tree under BUILD/packages (outputs there too), then lintian
# on them and rpmlint on packaging/rpm/vmapple-kvm.spec (TAP, also kept in
# BUILD/packages/packages.tap).
#
# On x86-64: one cross build, DEB_BUILD_PROFILES=pkg.vmapple-kvm.sysroot
# dpkg-buildpackage -aarm64 -F: the source package, vmapple-kvm-dkms (all)
# and vmapple (arm64, the launcher static as `make launcher` links it, from
# the arm64 sysroot in ~/.cache/vmapple-kvm).  On arm64: dpkg-buildpackage
# -F, the launcher linked against the system's libraries (Build-Depends).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(mkdir -p "$1" && cd "$1" && pwd)
out=$build/packages
export DEBIAN_FRONTEND=noninteractive

# need PACKAGE...: install what is missing (as scripts/setup.sh does).
need() {
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return 0
	echo "packages: installing ${missing[*]}" >&2
	local sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	{ $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
		>"$out/apt.log" 2>&1 || { tail -n 20 "$out/apt.log" >&2; echo "packages: apt-get failed" >&2; exit 1; }
}

# The last build's packages go: each run builds them anew.
rm -rf "$out"
mkdir -p "$out"
exec > >(tee "$out/packages.tap") 2>&1
# rpmlint reads the spec through rpm, which Debian's rpmlint does not pull in.
tools=(dpkg-dev debhelper dh-dkms lintian rpmlint rpm)
if [ "$(uname -m)" = aarch64 ]; then
	build_args=(-F)
else
	build_args=(-aarm64 -Ppkg.vmapple-kvm.sysroot -F)
	# Nothing to run on the build machine; CC names the host compiler.
	export DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" CC=aarch64-linux-gnu-gcc
	tools+=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross)
fi
need "${tools[@]}"

version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
src=$out/src/vmapple-kvm-$version
echo "TAP version 13"
echo "1..3"

# The tree as git sees it (tracked and new files, not build/ or ignored ones).
mkdir -p "$src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar -c --null -T - -f -) | tar -x -C "$src"
else
	tar -C "$top" --exclude=./build --exclude=./.git -cf - . | tar -x -C "$src"
fi

# On arm64 the launcher's -dev packages too: debian/control's Build-Depends.
if [ "$(uname -m)" = aarch64 ] && ! (cd "$src" && dpkg-checkbuilddeps) >/dev/null 2>&1; then
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get build-dep -y -qq "$src" >"$out/apt.log" 2>&1 ||
		{ tail -n 20 "$out/apt.log" >&2; echo "packages: apt-get build-dep failed" >&2; exit 1; }
fi

start=$SECONDS
(cd "$src" && dpkg-buildpackage "${build_args[@]}" -J -us -uc) >"$out/build.log" 2>&1
rc=$?
for f in "$out"/src/*.deb "$out"/src/*.dsc "$out"/src/*.tar.* "$out"/src/*.buildinfo \
	"$out"/src/*.changes; do
	[ -e "$f" ] && mv "$f" "$out/"
done
changes=$out/vmapple-kvm_${version}_arm64.changes
if [ $rc = 0 ] && [ -f "$changes" ]; then
	echo "ok 1 dpkg-buildpackage ${build_args[*]}: $(cd "$out" && echo *.deb) ($((SECONDS - start)) s)"
else
	echo "not ok 1 dpkg-buildpackage ${build_args[*]} (exit $rc; $out/build.log)"
	tail -n 40 "$out/build.log" | sed 's/^/# /'
	exit 1
fi
fail=0

# lintian on the source and binary packages: an error fails; every tag is
# shown, overridden ones too (debian/vmapple.lintian-overrides.sysroot).
# (--fail-on error would count the overridden ones once they are shown.)
lintian --fail-on none --info --show-overrides "$changes" >"$out/lintian.txt" 2>&1
rc=$?
grep -q '^E:' "$out/lintian.txt" && rc=1
counts=$(awk '/^E:/ {e++} /^W:/ {w++} /^I:/ {i++} /^O:/ {o++}
	END {printf "%d errors, %d warnings, %d info, %d overridden", e, w, i, o}' "$out/lintian.txt")
if [ $rc = 0 ]; then echo "ok 2 lintian: $counts"; else echo "not ok 2 lintian: $counts"; fail=1; fi
grep -E '^[EWIO]:' "$out/lintian.txt" | sed 's/^/# /'

# rpmlint on the spec (Debian's rpmlint, its default configuration).
rpmlint "$top/packaging/rpm/vmapple-kvm.spec" >"$out/rpmlint.txt" 2>&1
rc=$?
summary=$(grep -o '[0-9]* errors, [0-9]* warnings' "$out/rpmlint.txt")
if [ $rc = 0 ]; then echo "ok 3 rpmlint vmapple-kvm.spec: $summary"; else echo "not ok 3 rpmlint vmapple-kvm.spec: $summary"; fail=1; fi
grep -E ': [EW]: ' "$out/rpmlint.txt" | sed 's/^/# /'
echo "# packages in $out"
exit $fail
