#!/bin/bash
# network_test.sh BUILD - the shared NAT network, end to end, in network
# namespaces the test makes (the machine's own network is not touched): a
# "host" namespace where `vmapple network up` makes the bridge, the TAP
# pool, dnsmasq and the nftables table; a "guest" namespace with a TAP that
# a stand-in VMM (BUILD/host/net-pump: the launcher's `shared` backend)
# joins to the pool as an unprivileged user.  The guest takes a DHCP lease
# (busybox udhcpc), `vetu ip --wait` finds it by the VM's MAC, and a TCP
# connection from the host namespace reaches the guest's port; `down` then
# removes everything.  Each refusal is one line.  Root only.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
. "$top/tests/kselftest/tap.sh"
vetu=$build/host/vetu-host
pump=$build/host/net-pump
# Debian's python3 and tools, whatever else is on PATH.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (network namespaces)"; exit 0; }
for tool in ip nft dnsmasq busybox python3 setpriv unshare; do
	command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool not installed (scripts/setup.sh)"; exit 0; }
done
[ -x "$vetu" ] && [ -x "$pump" ] || { echo "1..0 # SKIP no $vetu or $pump (make unit)"; exit 0; }

work=$(mktemp -d)
chmod 755 "$work"
H=vmapple-nt-host-$$
G=vmapple-nt-guest-$$
GROUP=4242		# the pool's group: the joining user is in it
OUTSIDER=4243		# a group that is not
USER_ID=65534
export VMAPPLE_NETWORK_DIR=$work/net VMAPPLE_HOME=$work/home
cleanup() {
	pkill -f "$pump" 2>/dev/null
	ip netns pids "$H" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns pids "$G" 2>/dev/null | xargs -r kill 2>/dev/null
	sleep 0.2
	ip netns del "$H" 2>/dev/null
	ip netns del "$G" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$H" && ip netns add "$G" || { echo "1..0 # SKIP cannot make network namespaces"; exit 0; }
inh() { ip netns exec "$H" "$@"; }
ing() { ip netns exec "$G" "$@"; }
inh ip link set lo up
ing ip link set lo up
mkdir -p "$VMAPPLE_NETWORK_DIR" "$VMAPPLE_HOME"

# as_user CMD...: CMD as the unprivileged user (an Orchard worker's), in no extra group.
as_user() { setpriv --reuid=$USER_ID --regid=$USER_ID --clear-groups "$@"; }
# The VM the guest stands for: a Tart bundle cloned into that user's store,
# its MAC the guest TAP's, as the launcher gives the bundle's MAC to virtio-net.
chown $USER_ID "$VMAPPLE_HOME"
python3 "$top/tests/oci/tart_image.py" make "$work/src" --disk-size 1048576 >/dev/null &&
	chmod -R a+rX "$work/src" && as_user "$vetu" clone "$work/src" vm1 >/dev/null ||
	{ echo "1..0 # SKIP cannot make the test VM"; exit 1; }
mac=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['macAddress'])" \
	"$VMAPPLE_HOME/vms/vm1/config.json")
for g in vmg0 vmg1 vmg2; do
	ing ip tuntap add "$g" mode tap vnet_hdr
done
ing ip link set vmg0 address "$mac"

# /dev/net/tun as Debian's udev leaves it (0666) for the unprivileged joins,
# in the pumps' own mount namespace, when this machine's is not.
mkdir -p "$work/dev"
mknod "$work/dev/tun" c 10 200 && chmod 666 "$work/dev/tun"
# pump NAME GUEST_TAP GID: the stand-in VMM in the background, its output in NAME.log.
pump() {
	unshare -m sh -c "mount --bind '$work/dev/tun' /dev/net/tun &&
		exec ip netns exec '$G' '$pump' '$2' /run/netns/$H $USER_ID $3" \
		>"$work/$1.log" 2>&1 &
	echo $! >"$work/$1.pid"
}
# wait_log NAME: the pump joined, or ended with its one line.
wait_log() {
	local n=0
	while [ $n -lt 100 ] && ! grep -q . "$work/$1.log" 2>/dev/null; do
		sleep 0.1
		n=$((n + 1))
	done
	cat "$work/$1.log"
}
# A busybox udhcpc script: the lease's address on the interface.
cat >"$work/udhcpc.sh" <<'EOF'
#!/bin/sh
case "$1" in
bound | renew) busybox ifconfig "$interface" "$ip" netmask "$subnet" up && echo "$ip" >"$LEASED_TO" ;;
deconfig) busybox ifconfig "$interface" 0.0.0.0 up ;;
esac
exit 0
EOF
chmod 755 "$work/udhcpc.sh"

nothing_left() {
	[ -z "$(inh ip -br link show type bridge)" ] || { inh ip -br link; return 1; }
	! inh ip link show vmapple0t0 >/dev/null 2>&1 || { echo "a TAP is left"; return 1; }
	! inh nft list table ip vmapple >/dev/null 2>&1 || { echo "the nft table is left"; return 1; }
	[ "$(inh cat /proc/sys/net/ipv4/ip_forward)" = 0 ] || { echo "ip_forward is left on"; return 1; }
	! pgrep -f "dhcp-leasefile=$VMAPPLE_NETWORK_DIR" >/dev/null || { echo "dnsmasq is left"; return 1; }
	[ ! -e "$VMAPPLE_NETWORK_DIR/network.json" ] || { echo "the state is left"; return 1; }
}

bad_inputs() {
	expect 2 "^vmapple network up: --taps 0: 1 to 64$" inh "$vetu" network up --taps 0 &&
		expect 2 "^vmapple network up: --taps 65: 1 to 64$" inh "$vetu" network up --taps 65 &&
		expect 2 "^vmapple network up: --taps x: 1 to 64$" inh "$vetu" network up --taps x &&
		expect 2 "^vmapple network up: --taps needs a value$" inh "$vetu" network up --taps &&
		expect 2 "^vmapple network up: --group no-such-group: no such group" \
			inh "$vetu" network up --group no-such-group &&
		expect 2 "^vmapple network up: unknown option '--subnet'$" \
			inh "$vetu" network up --subnet 10.0.0.0/8 &&
		expect 2 "^vmapple network down: unknown option 'now'$" inh "$vetu" network down now &&
		expect 2 "^vmapple network: unknown command 'start'$" inh "$vetu" network start &&
		nothing_left
}
unprivileged_up() {
	expect 1 "^vmapple network: bridge vmapple0: Operation not permitted \(the setup is root's, once" \
		inh setpriv --reuid=$USER_ID --regid=$USER_ID --clear-groups "$vetu" network up \
		--group $GROUP && nothing_left
}
up_rolls_back() {
	mkdir -p "$work/fakebin"
	printf '#!/bin/sh\necho "dnsmasq: failed to bind DHCP server socket" >&2\nexit 2\n' \
		>"$work/fakebin/dnsmasq"
	chmod 755 "$work/fakebin/dnsmasq"
	expect 1 "^vmapple network: dnsmasq did not start \(exit 2; it said why, above\)$" \
		env PATH="$work/fakebin:$PATH" ip netns exec "$H" "$vetu" network up --taps 1 \
		--group $GROUP || return 1
	grep -q "what it had made is removed" <<<"$out" && nothing_left
}
up() {
	expect 0 "^vmapple network: up: bridge vmapple0 192\.168\.64\.1/24" \
		inh "$vetu" network up --taps 1 --group $GROUP || return 1
	inh ip -br addr show vmapple0 | grep -q "192.168.64.1/24" || { inh ip addr; return 1; }
	inh ip -d link show vmapple0t0 | grep -q "master vmapple0" &&
		inh ip -d link show vmapple0t0 | grep -q "persist on group $GROUP" ||
		{ inh ip -d link show vmapple0t0; return 1; }
	inh nft list table ip vmapple | grep -q "ip saddr 192.168.64.0/24 ip daddr != 192.168.64.0/24 masquerade" ||
		{ inh nft list ruleset; return 1; }
	[ "$(inh cat /proc/sys/net/ipv4/ip_forward)" = 1 ] || { echo "no ip_forward"; return 1; }
	expect 0 "^vmapple network: up: .*1 TAPs \(1 free to you\), dnsmasq running" \
		inh "$vetu" network status
}
up_again() {
	expect 1 "^vmapple network: already up \($VMAPPLE_NETWORK_DIR/network.json; vmapple network down first\)$" \
		inh "$vetu" network up --group $GROUP
}
outsider_refused() {
	pump outsider vmg2 $OUTSIDER
	wait_log outsider | grep -q "^net-pump: shared: vmapple0t0: not permitted: the pool's TAPs are for the group" ||
		{ cat "$work/outsider.log"; return 1; }
}
joins_unprivileged() {
	pump vm1 vmg0 $GROUP
	[ "$(wait_log vm1)" = joined ] || return 1
	# The process that joined is the unprivileged user, not root.
	local p
	p=$(pgrep -u $USER_ID -f "$pump vmg0")
	[ -n "$p" ] || { echo "no pump running as uid $USER_ID"; return 1; }
}
pool_full() {
	pump vm2 vmg1 $GROUP
	wait_log vm2 | grep -q "^net-pump: shared: all 1 TAPs of vmapple0 are in use (vmapple network up --taps N makes more)$" ||
		{ cat "$work/vm2.log"; return 1; }
}
dhcp_lease() {
	LEASED_TO=$work/leased ing busybox udhcpc -i vmg0 -n -q -t 10 -T 1 -s "$work/udhcpc.sh" ||
		return 1
	grep -Eq "^192\.168\.64\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])$" "$work/leased" ||
		{ cat "$work/leased"; return 1; }
	grep -qi " $mac $(cat "$work/leased") " "$VMAPPLE_NETWORK_DIR/dnsmasq.leases" ||
		{ cat "$VMAPPLE_NETWORK_DIR/dnsmasq.leases"; return 1; }
}
vetu_ip() {
	local ip
	ip=$(as_user "$vetu" ip vm1 --wait 30) || return 1
	[ "$ip" = "$(cat "$work/leased")" ] || { echo "ip said '$ip', the guest has $(cat "$work/leased")"; return 1; }
}
vetu_run_joins() {
	expect 0 "^would run: vmapple run .* --net shared$" as_user "$vetu" run vm1
}
tcp_to_guest() {
	ing python3 -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 2222))
s.listen(1)
s.settimeout(20)
c, _ = s.accept()
c.sendall(b"hello from the guest\n")
c.close()' >"$work/server.log" 2>&1 &
	sleep 0.5
	local got
	got=$(inh python3 -c '
import socket, sys, time
for _ in range(40):
    try:
        s = socket.create_connection((sys.argv[1], 2222), timeout=5)
        break
    except OSError:
        time.sleep(0.25)
print(s.recv(100).decode().strip())' "$(cat "$work/leased")") || return 1
	[ "$got" = "hello from the guest" ] || { echo "got '$got'"; return 1; }
}
down() {
	expect 0 "^vmapple network: down$" inh "$vetu" network down || return 1
	nothing_left || return 1
	sleep 0.3
	grep -q "vmapple0t0: read: " "$work/vm1.log" || { echo "the VM did not see its TAP go"; cat "$work/vm1.log"; return 1; }
}
down_again() {
	expect 0 "^vmapple network: down$" inh "$vetu" network down && nothing_left &&
		expect 1 "^vmapple network: down$" inh "$vetu" network status
}
vetu_run_without() {
	out=$(as_user "$vetu" run vm1 2>&1) || { echo "$out"; return 1; }
	! grep -q -- "--net" <<<"$out" || { echo "$out"; return 1; }
}

tap_plan 15
t "bad command lines: one line each, nothing made" bad_inputs
t "up as an unprivileged user: refused, saying the setup is root's; nothing made" unprivileged_up
t "up whose dnsmasq fails: one line, and what it made is removed" up_rolls_back
t "up: bridge 192.168.64.1/24, a persistent TAP of the group in it, the NAT table, forwarding, dnsmasq" up
t "up again: refused, naming the state" up_again
t "a user outside the pool's group: refused in one line" outsider_refused
t "a VM joins the pool as an unprivileged user (--net shared)" joins_unprivileged
t "a second VM with the pool used up: one line saying so" pool_full
t "the guest gets a DHCP lease in 192.168.64.0/24 for the VM's MAC" dhcp_lease
t "vetu ip --wait 30 NAME, as the unprivileged user: the guest's address" vetu_ip
t "vetu run NAME with the network up: --net shared" vetu_run_joins
t "a TCP connection from the host namespace reaches the guest's port" tcp_to_guest
t "down: bridge, TAPs, NAT table, dnsmasq and state gone, forwarding restored" down
t "down again: nothing to do, exit 0; status says down" down_again
t "vetu run NAME with the network down: no --net" vetu_run_without
tap_exit
