#!/bin/bash
# oci_test.sh BUILD - `vmapple pull`/`push` (the vetu commands, built for the
# host under ASan: BUILD/host/vetu-host) against Debian's docker-registry on
# 127.0.0.1, with images made in Tart's layout by tests/oci/tart_image.py (an
# independent Python encoder of Apple's LZ4 framing), and faults injected by
# tests/oci/fault_proxy.py: token auth, Basic auth, a corrupt blob, a blob cut
# off mid-transfer, a registry that vanishes mid-blob.  Each failure must be
# one line on stderr and leave no image and no VM behind.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
. "$top/tests/kselftest/tap.sh"
# shellcheck source=tests/oci/registry.sh
. "$top/tests/oci/registry.sh"
vetu=$build/host/vetu-host
tart=$top/tests/oci/tart_image.py
# Debian's python3 (python3-lz4 is installed for it), whatever else is on PATH.
export PATH=/usr/bin:$PATH
work=$(mktemp -d)
cleanup() { proxy_stop; registry_stop; rm -rf "$work"; }
trap cleanup EXIT
# A disk of three 256 MiB layers (--chunk only shortens Tart's 512 MiB, for speed).
disk_size=700000000
chunk=268435456

for tool in docker-registry /usr/bin/python3 curl; do
	command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool not installed (scripts/setup.sh)"; exit 0; }
done
python3 -c 'import lz4.block' 2>/dev/null || { echo "1..0 # SKIP python3-lz4 not installed"; exit 0; }

# fresh_home: a new, empty store (and image cache) for the next case.
fresh_home() {
	export VMAPPLE_HOME=$work/home.$1
	mkdir -p "$VMAPPLE_HOME"
}

# no_image REPO: nothing published in the cache for REPO, and no VM.
no_image() {
	! ls -d "$VMAPPLE_HOME"/cache/OCIs/*/"$1"/sha256:* >/dev/null 2>&1 &&
		[ -z "$(ls -A "$VMAPPLE_HOME/vms" 2>/dev/null)" ]
}

# one_line FILE: exactly one line of error.
one_line() { [ "$(grep -c . "$1")" = 1 ]; }

same_vm() {
	cmp "$1/disk.img" "$2/disk.img" && cmp "$1/nvram.bin" "$2/nvram.bin" &&
		python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
			"$1/config.json" "$2/config.json"
}

tap_plan 21
registry_start "$work/registry" || exit 1
reg=127.0.0.1:$REGISTRY_PORT
python3 "$tart" make "$work/tart-vm" --disk-size "$disk_size" --seed 1 >/dev/null || exit 1
tart_digest=$(python3 "$tart" push "$work/tart-vm" "http://$reg" tart/vm v1 --chunk "$chunk") || exit 1

# --- what Tart pushed, pulled here -------------------------------------------------
fresh_home pull
pull_tart() {
	"$vetu" pull --insecure "$reg/tart/vm:v1" >"$work/pull.out" 2>"$work/pull.err" || { cat "$work/pull.err"; return 1; }
	same_vm "$work/tart-vm" "$(ls -d "$VMAPPLE_HOME"/cache/OCIs/*/tart/vm/"$tart_digest")"
}
t "pull: an image in Tart's layout (3 chained-LZ4 disk layers) arrives byte for byte" pull_tart
image=$(ls -d "$VMAPPLE_HOME"/cache/OCIs/*/tart/vm/"$tart_digest" 2>/dev/null)
sparse() {
	local a
	a=$(du -k "$image/disk.img" | cut -f1)
	[ "$a" -lt 100000 ] || { echo "disk.img takes $a KiB"; return 1; }
}
t "pull: the disk stays sparse (zero runs left as holes)" sparse
t "pull: the tag names the image (fqn gives HOST/REPO@digest)" \
	expect 0 "^$reg/tart/vm@$tart_digest\$" "$vetu" fqn "$reg/tart/vm:v1"
t "clone: from the cache, into a VM" expect 0 "" "$vetu" clone "$reg/tart/vm:v1" vm1
t "clone: the VM gets a fresh MAC, keeps the disk" bash -c \
	"cmp '$image/disk.img' '$VMAPPLE_HOME/vms/vm1/disk.img' &&
	 ! grep -q \"\$(python3 -c 'import json;print(json.load(open(\"$image/config.json\"))[\"macAddress\"])')\" '$VMAPPLE_HOME/vms/vm1/config.json'"

# --- pushed here, checked as Tart would pull it --------------------------------------
t "push: a VM, to a registry" expect 0 "^pushed $reg/mine/vm:v2@sha256:" \
	"$vetu" push --insecure vm1 "$reg/mine/vm:v2"
t "push: what Tart's pull checks holds (independent decoder, layout, digests)" \
	expect 0 "verify: ok" python3 "$tart" verify "$VMAPPLE_HOME/vms/vm1" "http://$reg" mine/vm v2
t "push: a second push sends no blob the registry has" \
	expect 0 "is there already" "$vetu" push --insecure vm1 "$reg/mine/vm:v3"
t "push: chunked (PATCH) uploads" bash -c "'$vetu' set vm1 --cpu 3 &&
	'$vetu' push --insecure --chunk-size 1 vm1 '$reg/mine/vm:chunked' >/dev/null &&
	python3 '$tart' verify '$VMAPPLE_HOME/vms/vm1' 'http://$reg' mine/vm chunked | grep -q 'verify: ok' ||
	{ python3 '$tart' verify '$VMAPPLE_HOME/vms/vm1' 'http://$reg' mine/vm chunked; false; }"
t "pull: layers a cached image holds are copied, not downloaded" \
	expect 0 "copied from the cache" "$vetu" pull --insecure "$reg/mine/vm:v2"

# --- auth ----------------------------------------------------------------------------
fresh_home token
export TOKEN_USER=ci TOKEN_PASS=s3cret
proxy_start token || exit 1
t "token auth: with the login, the pull gets a token and succeeds" env \
	VMAPPLE_REGISTRY_USERNAME=ci VMAPPLE_REGISTRY_PASSWORD=s3cret \
	"$vetu" pull --insecure "127.0.0.1:$PROXY_PORT/tart/vm:v1"
fresh_home token-bad
badauth() {
	env VMAPPLE_REGISTRY_USERNAME=ci VMAPPLE_REGISTRY_PASSWORD=wrong \
		"$vetu" pull --insecure "127.0.0.1:$PROXY_PORT/tart/vm:v1" >/dev/null 2>"$work/auth.err"
	[ $? = 1 ] && grep -q "authentication failed" "$work/auth.err" && one_line "$work/auth.err" &&
		no_image tart/vm || { cat "$work/auth.err"; return 1; }
}
t "token auth: a wrong password, one line, no image" badauth
proxy_stop

# --- faults ------------------------------------------------------------------------
fresh_home corrupt
proxy_start corrupt-blob || exit 1
corrupt() {
	"$vetu" pull --insecure "127.0.0.1:$PROXY_PORT/tart/vm:v1" >/dev/null 2>"$work/c.err"
	[ $? = 1 ] && grep -q "arrived with digest" "$work/c.err" && one_line "$work/c.err" &&
		no_image tart/vm || { cat "$work/c.err"; return 1; }
}
t "digest mismatch: one line, no image" corrupt
t "digest mismatch: a clone of it leaves no VM" bash -c \
	"! '$vetu' clone --insecure '127.0.0.1:$PROXY_PORT/tart/vm:v1' vmx 2>/dev/null && [ ! -e '$VMAPPLE_HOME/vms/vmx' ]"
proxy_stop

fresh_home cut
proxy_start cut-blob:100000 || exit 1
t "a blob cut off mid-transfer is resumed (Range) within the pull" \
	expect 0 "resuming blob" "$vetu" pull --insecure "127.0.0.1:$PROXY_PORT/tart/vm:v1"
t "... and the image is whole" same_vm "$work/tart-vm" \
	"$(ls -d "$VMAPPLE_HOME"/cache/OCIs/*/tart/vm/"$tart_digest")"
proxy_stop

fresh_home vanish
proxy_start vanish:100000 || exit 1
vanish() {
	"$vetu" pull --insecure "127.0.0.1:$PROXY_PORT/tart/vm:v1" >/dev/null 2>"$work/v.err"
	[ $? = 1 ] && one_line "$work/v.err" && grep -q "run the pull again to resume" "$work/v.err" &&
		no_image tart/vm || { cat "$work/v.err"; return 1; }
}
t "a registry that vanishes mid-blob: one line, no image" vanish
proxy_stop
t "the next pull resumes where it stopped" \
	expect 0 "resuming blob .* at byte [1-9]" "$vetu" pull --insecure "$reg/tart/vm:v1"

# --- bad images -----------------------------------------------------------------------
fresh_home linux
linux_image() {
	python3 "$tart" make "$work/linux-vm" --disk-size 1000000 --seed 2 >/dev/null &&
		python3 - "$work/linux-vm/config.json" <<-'EOT' &&
		import json, sys
		c = json.load(open(sys.argv[1])); c["os"] = "linux"; json.dump(c, open(sys.argv[1], "w"))
		EOT
		python3 "$tart" push "$work/linux-vm" "http://$reg" linux/vm v1 >/dev/null &&
		expect 1 'os "linux".*vmapple runs macOS' "$vetu" pull --insecure "$reg/linux/vm:v1" &&
		no_image linux/vm
}
t "a Linux image is refused, by its config, before its disk" linux_image
t "an image that is not there: one line naming it" \
	expect 1 "GET manifest tart/nothere:v1: no such image \\(404\\)" "$vetu" pull --insecure "$reg/tart/nothere:v1"
t "a registry that is not there: one line naming it" \
	expect 1 "registry 127.0.0.1:1: GET manifest" "$vetu" pull --insecure 127.0.0.1:1/tart/vm:v1
tap_exit
