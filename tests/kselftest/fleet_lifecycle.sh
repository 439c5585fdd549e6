#!/bin/sh
# fleet_lifecycle.sh - a VM's whole life as Orchard's vetu runtime drives it,
# for two VMs at once, in the rig with the real launcher, network and
# registry: an image pushed (Tart's layout) to Debian's docker-registry on
# 127.0.0.1, `vetu pull`, `clone` (three VMs, each with its own MAC),
# `set`, `run` on the shared NAT network (`vmapple network up`: bridge,
# dnsmasq, nftables), `ip --wait` finding each VM's own lease (the test
# firmware netguest.bin takes one by DHCP and prints it), a third `run`
# refused by the licence cap, `list --format json`, `stop --timeout` (the
# button, which netguest ignores, then force), `delete`, and
# `network down` leaving nothing.  Orchard's arguments and output parsing
# are replayed on the host by test_vetu; this is the same calls for real.
. "$(dirname "$0")/tap.sh"
here=$(cd "$(dirname "$0")" && pwd)
export VMAPPLE_HOME=/tmp/fl-home VMAPPLE_MACOS_LOCK_DIR=/tmp/fl-locks
export VMAPPLE_NETWORK_DIR=/tmp/fl-net VMAPPLE_BIOS="$here/netguest.bin"
ref=127.0.0.1:5000/fleet/macos:v1
vms="fleet-a fleet-b fleet-c"
rm -rf "$VMAPPLE_HOME" "$VMAPPLE_MACOS_LOCK_DIR" "$VMAPPLE_NETWORK_DIR" /tmp/fl-src /tmp/fl-reg
mkdir -p /tmp/fl-src /tmp/fl-reg && cp -a "$here/bundles/tart" /tmp/fl-src/ || exit 1

tap_plan 14
# The kernel's own module loading goes through busybox's modprobe here (the
# suites after this one get the rig's setting back).
modprobe_was=$(cat /proc/sys/kernel/modprobe)
echo /bin/modprobe >/proc/sys/kernel/modprobe
ip link set lo up	# the registry listens on 127.0.0.1
kernel_has_network() {
	# crc32c_generic first: libcrc32c finds it by name, which busybox cannot resolve.
	for m in tun crc32c_generic bridge nf_tables nft_chain_nat nft_masq; do
		modprobe "$m" 2>/dev/null || grep -q "/$m\.ko$" "/lib/modules/$(uname -r)/modules.builtin" ||
			{ echo "the rig kernel has no $m"; return 1; }
	done
}
t "tun, the bridge and nftables NAT modules load" kernel_has_network
t "vmapple network up --taps 3: bridge, dnsmasq, nftables" \
	expect 0 "^vmapple network: up: bridge vmapple0 192\.168\.64\.1/24" \
	vmapple network up --taps 3 --group 0

cat >/tmp/fl-reg/config.yml <<EOT
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: /tmp/fl-reg/data
http:
  addr: 127.0.0.1:5000
  secret: fleet-lifecycle
EOT
docker-registry serve /tmp/fl-reg/config.yml >/tmp/fl-reg/log 2>&1 &
registry=$!
registry_up() {
	n=0
	until wget -q -O /dev/null http://127.0.0.1:5000/v2/; do
		n=$((n + 1))
		[ $n -lt 100 ] && kill -0 "$registry" 2>/dev/null ||
			{ echo "docker-registry did not answer:"; tail -n 5 /tmp/fl-reg/log; return 1; }
		sleep 0.2
	done
}
push_image() {
	registry_up && vetu push /tmp/fl-src/tart "$ref" --insecure
}
t "docker-registry on 127.0.0.1:5000; vetu push BUNDLE $ref --insecure" push_image
t "vetu pull --insecure $ref" vetu pull --insecure "$ref"
clone_all() {
	for vm in $vms; do
		vetu clone "$ref" "$vm" && vetu set "$vm" --cpu 1 --memory 64 || return 1
	done
}
t "vetu clone IMAGE NAME and set --cpu 1 --memory 64, for three VMs" clone_all

# The runs are this shell's children (t's tests run in subshells).
for vm in fleet-a fleet-b; do
	vetu run "$vm" >"/tmp/fl-$vm.log" 2>&1 &
	eval "run_${vm#fleet-}=\$!"
done
# ip_of VM: vetu ip --wait's answer, checked against the lease the guest printed.
ip_of() {
	ip=$(vetu ip "$1" --wait 60) || { cat "/tmp/fl-$1.log"; return 1; }
	echo "$ip" | grep -Eq '^192\.168\.64\.[0-9]+$' || { echo "ip: \"$ip\""; return 1; }
	# dnsmasq records the lease as it sends the ACK: the guest prints it a moment later.
	n=0
	until grep -q "^netguest: lease $ip from 192\.168\.64\.1$" "/tmp/fl-$1.log"; do
		n=$((n + 1))
		[ $n -lt 100 ] || { echo "vetu ip says $ip; the guest said:"; cat "/tmp/fl-$1.log"; return 1; }
		sleep 0.1
	done
	echo "$ip" >"/tmp/fl-$1.ip"
}
t "vetu ip fleet-a --wait 60: the lease its guest took" ip_of fleet-a
t "vetu ip fleet-b --wait 60: the lease its guest took" ip_of fleet-b
t "the two VMs hold different addresses" \
	sh -c '[ "$(cat /tmp/fl-fleet-a.ip)" != "$(cat /tmp/fl-fleet-b.ip)" ]'
t "a third vetu run is refused by the licence cap" \
	expect 1 "2 macOS guests already run on this host .*Apple's licence allows two per Mac" \
	timeout 20 vetu run fleet-c
both_listed_running() {
	out=$(vetu list --format json) || return 1
	flat=$(echo "$out" | tr -d ' \n')
	for vm in fleet-a fleet-b; do
		echo "$flat" | grep -q "\"Name\":\"$vm\"[^}]*\"Running\":true" ||
			{ echo "$out"; return 1; }
	done
	echo "$flat" | grep -q "\"Name\":\"fleet-c\"[^}]*\"Running\":false" || { echo "$out"; return 1; }
}
t "vetu list --format json: fleet-a and fleet-b running, fleet-c not" both_listed_running
t "vetu stop fleet-a --timeout 2" vetu stop fleet-a --timeout 2
t "vetu stop fleet-b --timeout 2" vetu stop fleet-b --timeout 2
# shellcheck disable=SC2154  # set by the eval above
wait_pid "$run_a" 10 && wait_pid "$run_b" 10 ||
	{ kill -9 "$run_a" "$run_b" 2>/dev/null; wait "$run_a" "$run_b"; }
delete_all() {
	# shellcheck disable=SC2086
	vetu delete $vms || return 1
	[ -z "$(ls -A "$VMAPPLE_HOME/vms")" ] || { ls "$VMAPPLE_HOME/vms"; return 1; }
	[ -z "$(vetu list -q)" ]
}
t "vetu delete all three: the store is empty" delete_all
kill "$registry" 2>/dev/null
wait "$registry" 2>/dev/null
down_leaves_nothing() {
	vmapple network down || return 1
	! ip link show vmapple0 >/dev/null 2>&1 || { echo "vmapple0 is still there"; return 1; }
	! nft list table ip vmapple >/dev/null 2>&1 || { echo "the nftables table is still there"; return 1; }
	! pidof dnsmasq >/dev/null || { echo "dnsmasq still runs"; return 1; }
}
t "vmapple network down: no bridge, no table, no dnsmasq" down_leaves_nothing
echo "$modprobe_was" >/proc/sys/kernel/modprobe
tap_exit
