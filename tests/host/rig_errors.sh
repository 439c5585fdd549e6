#!/bin/bash
# rig_errors.sh BUILD - the rig's failure paths each end with a clear message
# and a non-zero exit: no network, no disk, a missing file, a bad kernel
# tree, a hung guest, a panicked guest; and a command's status comes back.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
. "$top/tests/kselftest/tap.sh"
cd "$top"

empty_cache=$(mktemp -d)
trap 'rm -rf "$empty_cache"' EXIT
# A proxy on the discard port of loopback: every download fails at once.
no_network=(env VMAPPLE_CACHE="$empty_cache" RIG_APT_EXTRA_OPTS="-oAcquire::http::Proxy=http://127.0.0.1:9 -oAcquire::Retries=0")
run=(scripts/rig/run.sh -t 20 "$build/rig.env" "$build/rig/initramfs.cpio.gz")

tap_plan 8
t "fetch without network or cache: says the package lists are unreachable" \
	expect 1 "rig: cannot read Debian's arm64 package lists" "${no_network[@]}" scripts/rig/fetch.sh
t "a full disk is refused before downloading" \
	expect 1 "rig: need 99999999 MiB free under /tmp" \
	bash -c '. scripts/rig/common.sh && rig_need_space /tmp 99999999'
t "run.sh: a missing initramfs is named" \
	expect 1 "rig: initramfs /nonexistent.cpio.gz does not exist" \
	scripts/rig/run.sh "$build/rig.env" /nonexistent.cpio.gz true
t "run.sh: bad usage prints the usage" expect 1 "rig: usage: run.sh" scripts/rig/run.sh
t "build-module.sh: a bad KDIR is named" \
	expect 1 "no kernel build tree at '/nonexistent'" scripts/build-module.sh /nonexistent "$build/x"
t "run.sh: the guest command's exit status comes back" expect 7 "^hello from the rig$" \
	"${run[@]}" 'echo hello from the rig; exit 7'
t "run.sh: a hung guest is stopped and reported" \
	expect 125 "rig: guest did not finish within 20s \(hang\?\)" "${run[@]}" 'sleep 600'
t "run.sh: a kernel panic is reported" \
	expect 125 "rig: guest kernel panicked" "${run[@]}" 'echo c > /proc/sysrq-trigger; sleep 30'
tap_exit
