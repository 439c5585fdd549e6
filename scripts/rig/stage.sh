#!/bin/bash
# stage.sh BUILD - lay out the rig's payload (module, launcher, kselftests)
# and build BUILD/rig/initramfs.cpio.gz from it.
set -euo pipefail
. "$(dirname "$0")/common.sh"
build=$1
# shellcheck disable=SC1091
. "$build/rig.env"
payload=$build/rig/payload
tests=$payload/usr/lib/vmapple-tests
rm -rf "$payload"
mkdir -p "$payload/lib/modules/$KREL/extra" "$payload/usr/bin" "$tests"
cp "$build/module/vmapple_kvm.ko" "$payload/lib/modules/$KREL/extra/"
cp "$build/module-noexports/vmapple_kvm.ko" "$tests/vmapple_kvm-noexports.ko"
cp "$build/arm64/vmapple" "$payload/usr/bin/"
for t in "$build"/arm64/*_test; do cp "$t" "$tests/"; done
cp "$RIG_TOP"/tests/kselftest/*.sh "$build/arm64/payload/fwtest.bin" "$tests/"
chmod +x "$tests"/*.sh
"$(dirname "$0")/initramfs.sh" "$build/rig.env" "$payload" "$build/rig/initramfs.cpio.gz"
