#!/bin/bash
# built-using.sh - Built-Using of the static launcher: the source packages of
# the arm64 sysroot's libraries (its .packages stamp, from
# scripts/arm64-sysroot.sh, looked up in the same arm64 package lists) and the
# cross toolchain's glibc.  The .a entries that script builds itself come from
# the source packages of their -dev entries, at the same versions.
set -euo pipefail
# shellcheck source=scripts/rig/common.sh
. scripts/rig/common.sh
root=$(scripts/arm64-sysroot.sh)
out=()
while IFS='=' read -r pkg ver; do
	case $pkg in *.a) continue ;; esac
	info=$(apt-cache "${RIG_APT_OPTS[@]}" show "$pkg=$ver" 2>/dev/null) ||
		{ echo "built-using.sh: $pkg $ver is not in the arm64 package lists" >&2; exit 1; }
	src=$(awk '/^Source:/ {gsub(/[()]/, ""); print $2, $3; exit}' <<<"$info")
	read -r name sver <<<"${src:-$pkg $ver}"
	out+=("$name (= ${sver:-$ver})")
done <"$root/.packages"
glibc=$(dpkg-query -W -f '${Built-Using}' libc6-dev-arm64-cross |
	tr ',' '\n' | sed -n 's/^ *\(glibc (= [^)]*)\).*/\1/p')
[ -n "$glibc" ] || { echo "built-using.sh: no glibc in libc6-dev-arm64-cross's Built-Using" >&2; exit 1; }
out+=("$glibc")
printf '%s\n' "${out[@]}" | sort -u | paste -sd, | sed 's/,/, /g'
