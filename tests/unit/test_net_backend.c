// SPDX-License-Identifier: GPL-2.0
/* test_net_backend - network spec errors, a live slirp (ARP, DHCP, hostfwd, TCP), tap errors. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../userspace/net/net_backend.h"
#include "tap.h"

#define GUEST_PORT	40000
#define GUEST_ISN	1000u
#define DHCP_XID	0x5eedf00du
#define MAX_FRAMES	64

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Everything slirp sent the guest since the last reset. */
static uint8_t frames[MAX_FRAMES][2048];
static size_t frame_len[MAX_FRAMES];
static int n_frames;
static uint8_t slirp_mac[6];	/* learned from the ARP reply */

static void rx(void *opaque, const void *frame, size_t len)
{
	(void)opaque;
	if (n_frames == MAX_FRAMES || len > sizeof(frames[0]))
		return;
	memcpy(frames[n_frames], frame, len);
	frame_len[n_frames++] = len;
}

static void skip(const char *why)
{
	printf("ok %d # skip %s\n", ++tap_count, why);
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

static uint32_t ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return ntohl(a.s_addr);
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += get16(p + i);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static size_t eth(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, guest_mac, 6);
	put16(f + 12, type);
	return 14;
}

/* IPv4 header at @p for @payload bytes of @proto. */
static void ipv4(uint8_t *p, uint8_t proto, uint32_t src, uint32_t dst, size_t payload)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	put16(p + 2, (uint16_t)(20 + payload));
	put16(p + 6, 0x4000);	/* DF */
	p[8] = 64;
	p[9] = proto;
	put32(p + 12, src);
	put32(p + 16, dst);
	put16(p + 10, fold(sum16(p, 20, 0)));
}

static size_t arp(uint8_t *f, uint16_t op, const uint8_t *dst_mac, uint32_t sip, uint32_t tip)
{
	uint8_t *a = f + eth(f, op == 1 ? bcast_mac : dst_mac, 0x0806);

	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, guest_mac, 6);
	put32(a + 14, sip);
	memcpy(a + 18, op == 1 ? (const uint8_t[6]){ 0 } : dst_mac, 6);
	put32(a + 24, tip);
	return 14 + 28;
}

static size_t dhcp_discover(uint8_t *f)
{
	uint8_t *ih = f + eth(f, bcast_mac, 0x0800), *uh = ih + 20, *b = uh + 8;
	size_t blen = 236 + 312;	/* BOOTP with the full DHCP option area */

	memset(b, 0, blen);
	b[0] = 1;		/* BOOTREQUEST */
	b[1] = 1;
	b[2] = 6;
	put32(b + 4, DHCP_XID);
	memcpy(b + 28, guest_mac, 6);
	put32(b + 236, 0x63825363);	/* magic cookie */
	b[240] = 53;		/* DHCP message type: DISCOVER */
	b[241] = 1;
	b[242] = 1;
	b[243] = 255;
	put16(uh, 68);
	put16(uh + 2, 67);
	put16(uh + 4, (uint16_t)(8 + blen));
	put16(uh + 6, 0);	/* no UDP checksum */
	ipv4(ih, 17, 0, 0xffffffff, 8 + blen);
	return 14 + 20 + 8 + blen;
}

static size_t tcp(uint8_t *f, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		  const char *data)
{
	uint8_t *ih = f + eth(f, slirp_mac, 0x0800), *th = ih + 20;
	size_t dlen = data ? strlen(data) : 0;
	uint8_t pseudo[12];
	uint32_t s;

	memset(th, 0, 20);
	put16(th, GUEST_PORT);
	put16(th + 2, dport);
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = 5 << 4;
	th[13] = flags;
	put16(th + 14, 65535);
	if (dlen)
		memcpy(th + 20, data, dlen);
	put32(pseudo, ip("10.0.2.15"));
	put32(pseudo + 4, ip("10.0.2.2"));
	pseudo[8] = 0;
	pseudo[9] = 6;
	put16(pseudo + 10, (uint16_t)(20 + dlen));
	s = sum16(pseudo, 12, 0);
	put16(th + 16, fold(sum16(th, 20 + dlen, s)));
	ipv4(ih, 6, ip("10.0.2.15"), ip("10.0.2.2"), 20 + dlen);
	return 14 + 20 + 20 + dlen;
}

static int64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * One turn of the device thread's loop.  An ARP question from slirp about the guest is
 * answered here, not inside rx(): the device, too, would answer from its own loop.
 */
static void turn(struct net_backend *nb)
{
	struct pollfd fds[NET_BACKEND_MIN_POLLFDS];
	int timeout = 20, n, i;
	uint8_t f[64];

	n = net_backend_pollfds(nb, fds, NET_BACKEND_MIN_POLLFDS, &timeout);
	if (timeout > 20)
		timeout = 20;
	poll(fds, (nfds_t)n, timeout);
	net_backend_poll(nb, fds, n);
	for (i = 0; i < n_frames; i++) {
		const uint8_t *p = frames[i];

		if (frame_len[i] >= 42 && get16(p + 12) == 0x0806 && get16(p + 20) == 1 &&
		    get32(p + 38) == ip("10.0.2.15")) {
			frame_len[i] = 0;	/* answered */
			net_backend_send(nb, f, arp(f, 2, p + 22, ip("10.0.2.15"),
						   get32(p + 28)));
		}
	}
}

/* Run the loop for up to 3 s until @found says yes. */
static bool drive(struct net_backend *nb, bool (*found)(void *), void *arg)
{
	int64_t end = ms_now() + 3000;

	while (ms_now() < end) {
		if (found(arg))
			return true;
		turn(nb);
	}
	return found(arg);
}

static const uint8_t *find_ipv4(uint8_t proto, size_t *len)
{
	int i;

	for (i = 0; i < n_frames; i++)
		if (frame_len[i] >= 34 && get16(frames[i] + 12) == 0x0800 &&
		    frames[i][14 + 9] == proto) {
			*len = frame_len[i];
			return frames[i];
		}
	return NULL;
}

static bool got_arp_reply(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < n_frames; i++) {
		const uint8_t *p = frames[i];

		if (frame_len[i] >= 42 && get16(p + 12) == 0x0806 && get16(p + 20) == 2 &&
		    get32(p + 28) == ip("10.0.2.2") && !memcmp(p + 32, guest_mac, 6) &&
		    get32(p + 38) == ip("10.0.2.15")) {
			memcpy(slirp_mac, p + 22, 6);
			return true;
		}
	}
	return false;
}

static bool got_dhcp_offer(void *arg)
{
	const uint8_t *p, *b, *o;
	size_t len;

	(void)arg;
	p = find_ipv4(17, &len);
	if (!p || len < 14 + 20 + 8 + 240 || get16(p + 34) != 67 || get16(p + 36) != 68)
		return false;
	b = p + 42;
	if (b[0] != 2 || get32(b + 4) != DHCP_XID || get32(b + 16) != ip("10.0.2.15") ||
	    get32(b + 236) != 0x63825363)
		return false;
	for (o = b + 240; o + 2 < p + len && *o != 255; o += o[0] ? 2 + o[1] : 1)
		if (o[0] == 53)
			return o[2] == 2;	/* DHCPOFFER */
	return false;
}

struct tcp_state {
	uint16_t port;
	int lfd, cfd;
	uint32_t their_seq;
	bool synack;
	char host_got[16];
	bool guest_got_pong;
};

/* The TCP segments slirp sent the guest from @st->port. */
static bool scan_tcp(struct tcp_state *st)
{
	int i;

	for (i = 0; i < n_frames; i++) {
		const uint8_t *p = frames[i], *th = p + 34;
		size_t hl;

		if (frame_len[i] < 54 || get16(p + 12) != 0x0800 || p[23] != 6 ||
		    get16(th) != st->port || get16(th + 2) != GUEST_PORT)
			continue;
		if ((th[13] & 0x12) == 0x12 && get32(th + 8) == GUEST_ISN + 1) {
			st->synack = true;
			st->their_seq = get32(th + 4);
		}
		hl = (size_t)(th[12] >> 4) * 4;
		if (frame_len[i] >= 34 + hl + 4 && !memcmp(th + hl, "pong", 4))
			st->guest_got_pong = true;
	}
	return true;
}

static bool got_synack_and_accept(void *arg)
{
	struct tcp_state *st = arg;

	scan_tcp(st);
	if (st->cfd < 0)
		st->cfd = accept4(st->lfd, NULL, NULL, SOCK_NONBLOCK);
	return st->synack && st->cfd >= 0;
}

static bool host_got_ping(void *arg)
{
	struct tcp_state *st = arg;
	size_t have = strlen(st->host_got);
	ssize_t r = recv(st->cfd, st->host_got + have, sizeof(st->host_got) - 1 - have, 0);

	if (r > 0)
		st->host_got[have + (size_t)r] = '\0';
	return strstr(st->host_got, "ping") != NULL;
}

static bool guest_got_pong(void *arg)
{
	struct tcp_state *st = arg;

	scan_tcp(st);
	return st->guest_got_pong;
}

/* A TCP port on 127.0.0.1 that nobody holds; with @keep, a listening socket on it. */
static int local_port(int *keep)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) || (keep && listen(fd, 4))) {
		perror("test socket");
		exit(1);
	}
	if (keep)
		*keep = fd;
	else
		close(fd);
	return ntohs(a.sin_port);
}

static const struct {
	const char *spec, *want;
} bad[] = {
	{ "", "empty network spec" },
	{ "slip", "unknown network backend 'slip' (want user, tap or shared)" },
	{ "shared,ifname=t0", "shared: unknown option 'ifname' (it takes none)" },
	{ "user,,", "empty option" },
	{ "user,restrict=on", "unknown option 'restrict'" },
	{ "user,hostfwd", "hostfwd needs a value" },
	{ "user,hostfwd=tcp", "hostfwd 'tcp': want tcp|udp:" },
	{ "user,hostfwd=tcp:127.0.0.1:8080", "'tcp:127.0.0.1:8080': missing '-'" },
	{ "user,hostfwd=tcp::80x-:22", "host port '80x' is not a port number" },
	{ "user,hostfwd=tcp::-:22", "host port '' is not a port number" },
	{ "user,hostfwd=tcp::0-:22", "host port 0 is not in 1-65535" },
	{ "user,hostfwd=tcp::65536-:22", "host port 65536 is not in 1-65535" },
	{ "user,hostfwd=tcp::2222-:0", "guest port 0 is not in 1-65535" },
	{ "user,hostfwd=tcp::2222-:99999", "guest port 99999 is not in 1-65535" },
	{ "user,hostfwd=tcp::2222-22", "guest part '22' is not [ADDR]:PORT" },
	{ "user,hostfwd=sctp::2222-:22", "unknown protocol 'sctp'" },
	{ "user,hostfwd=tcp:1.2.3:2222-:22", "host address '1.2.3' is not an IPv4 address" },
	{ "user,hostfwd=tcp::2222-192.168.1.5:22", "guest address is not in 10.0.2.0/24" },
	{ "tap", "tap: ifname=NAME is required" },
	{ "tap,bridge=br0", "tap: ifname=NAME is required" },
	{ "tap,ifname=", "tap: ifname= needs an interface name" },
	{ "tap,ifname=abcdefghijklmnop", "ifname 'abcdefghijklmnop' is longer than 15" },
	{ "tap,ifname=t0,bridge=abcdefghijklmnop", "bridge 'abcdefghijklmnop' is longer" },
	{ "tap,ifname=t0,color=red", "tap: unknown option 'color'" },
	{ "tap,ifname=t0,ifname=t1", "ifname= given twice" },
};

static void test_bad_specs(void)
{
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct net_backend *nb = net_backend_open(bad[i].spec, rx, NULL, err, sizeof(err));

		ok(!nb && strstr(err, bad[i].want) && !strchr(err, '\n'),
		   "'%s' is refused: %s", bad[i].spec, err);
		net_backend_close(nb);
	}
}

/* No pool here (the network test makes one, in namespaces): the one line says how. */
static void test_shared_not_up(void)
{
	struct net_backend *nb;
	char err[256];

	if (if_nametoindex("vmapple0t0")) {
		skip("this host has the shared network up");
		return;
	}
	nb = net_backend_open("shared", rx, NULL, err, sizeof(err));
	ok(!nb && strstr(err, "shared: the shared network is not up (no vmapple0t0: run "
			    "`vmapple network up` once, as root)"), "shared, not up: %s", err);
	net_backend_close(nb);
}

static void test_slirp(void)
{
	struct tcp_state st = { .cfd = -1 };
	struct net_backend *nb;
	uint8_t f[1024];
	int timeout = -1, n;
	struct pollfd fds[NET_BACKEND_MIN_POLLFDS];
	char err[256];
	bool got;

	nb = net_backend_open("user", rx, NULL, err, sizeof(err));
	ok(nb != NULL, "user opens: %s", nb ? "ok" : err);
	if (!nb)
		return;
	n = net_backend_pollfds(nb, fds, NET_BACKEND_MIN_POLLFDS, &timeout);
	net_backend_poll(nb, fds, n);
	ok(n >= 0 && timeout >= 0 && timeout <= 1000, "slirp bounds an infinite timeout (%d ms)",
	   timeout);
	ok(net_backend_send(nb, f, 13) == -EINVAL, "a frame shorter than Ethernet is -EINVAL");
	ok(!net_backend_vnet_hdr(nb) && strstr(net_backend_vnet_why_not(nb), "libslirp") &&
	   net_backend_set_offload(nb, NET_OFFLOAD_CSUM) == -EOPNOTSUPP,
	   "user: no vnet header, so no offloads, and it says why");

	n_frames = 0;
	ok(net_backend_send(nb, f, arp(f, 1, NULL, ip("10.0.2.15"), ip("10.0.2.2"))) == 0,
	   "ARP request for 10.0.2.2 sent");
	got = drive(nb, got_arp_reply, NULL);
	ok(got && memcmp(slirp_mac, (uint8_t[6]){ 0 }, 6),
	   "ARP reply: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x", slirp_mac[0], slirp_mac[1],
	   slirp_mac[2], slirp_mac[3], slirp_mac[4], slirp_mac[5]);

	n_frames = 0;
	ok(net_backend_send(nb, f, dhcp_discover(f)) == 0, "DHCP DISCOVER sent");
	ok(drive(nb, got_dhcp_offer, NULL), "DHCP OFFER of 10.0.2.15 comes back");

	st.port = (uint16_t)local_port(&st.lfd);
	n_frames = 0;
	net_backend_send(nb, f, tcp(f, st.port, GUEST_ISN, 0, 0x02, NULL));
	ok(drive(nb, got_synack_and_accept, &st),
	   "guest SYN to 10.0.2.2:%u: SYN-ACK to the guest, accept() on host 127.0.0.1:%u",
	   st.port, st.port);
	if (st.cfd >= 0 && st.synack) {
		n_frames = 0;
		net_backend_send(nb, f, tcp(f, st.port, GUEST_ISN + 1, st.their_seq + 1, 0x18,
					    "ping"));
		ok(drive(nb, host_got_ping, &st), "guest's \"ping\" reaches the host socket");
		n_frames = 0;
		ok(send(st.cfd, "pong", 4, 0) == 4 && drive(nb, guest_got_pong, &st),
		   "host's \"pong\" reaches the guest");
		close(st.cfd);
	}
	close(st.lfd);
	net_backend_close(nb);
}

static void test_hostfwd(void)
{
	struct net_backend *a, *b;
	char spec[96], err[256], want[64];
	int port = local_port(NULL);

	snprintf(spec, sizeof(spec), "user,hostfwd=tcp:127.0.0.1:%d-:22", port);
	a = net_backend_open(spec, rx, NULL, err, sizeof(err));
	ok(a != NULL, "%s opens: %s", spec, a ? "ok" : err);
	b = net_backend_open(spec, rx, NULL, err, sizeof(err));
	snprintf(want, sizeof(want), "127.0.0.1:%d: Address already in use", port);
	ok(!b && strstr(err, want) && strstr(err, spec + 13),
	   "the same forward again is refused: %s", err);
	net_backend_close(b);
	net_backend_close(a);

	snprintf(spec, sizeof(spec),
		 "user,hostfwd=tcp::%d-10.0.2.15:22,hostfwd=udp:127.0.0.1:%d-:53",
		 local_port(NULL), local_port(NULL));
	a = net_backend_open(spec, rx, NULL, err, sizeof(err));
	ok(a != NULL, "%s opens: %s", spec, a ? "ok" : err);
	net_backend_close(a);
}

static bool if_up(const char *name)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	bool up;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	up = fd >= 0 && !ioctl(fd, SIOCGIFFLAGS, &ifr) && (ifr.ifr_flags & IFF_UP);
	if (fd >= 0)
		close(fd);
	return up;
}

static void test_tap(void)
{
	struct net_backend *nb;
	char spec[96], name[16], err[256];
	uint8_t f[64], vf[NET_VNET_HDR_LEN + 64];
	struct pollfd fds[4];
	int timeout = -1;
	size_t len;

	if (access("/dev/net/tun", R_OK | W_OK)) {
		skip("tap: no usable /dev/net/tun here");
		return;
	}
	snprintf(name, sizeof(name), "vmt%u", (unsigned int)getpid() % 100000);
	snprintf(spec, sizeof(spec), "tap,ifname=%s", name);
	nb = net_backend_open(spec, rx, NULL, err, sizeof(err));
	if (!nb) {
		ok(strstr(err, name) != NULL, "tap names itself when it fails: %s", err);
		skip("tap: cannot create a TAP here (no CAP_NET_ADMIN?)");
		return;
	}
	ok(if_up(name), "%s: the TAP exists and is up", spec);
	ok(net_backend_pollfds(nb, fds, 4, &timeout) == 1 && fds[0].events == POLLIN &&
	   timeout == -1, "one pollfd for POLLIN, no timer");
	if (net_backend_vnet_hdr(nb)) {
		/* The header first: zero is "no offload asked"; then the frame. */
		memset(vf, 0, sizeof(vf));
		len = arp(vf + NET_VNET_HDR_LEN, 1, NULL, ip("10.0.2.15"), ip("10.0.2.2"));
		ok(net_backend_send(nb, vf, NET_VNET_HDR_LEN + len) == 0,
		   "a frame from the guest, behind its vnet header, is written to the TAP");
		ok(!*net_backend_vnet_why_not(nb) &&
		   net_backend_set_offload(nb, NET_OFFLOAD_CSUM | NET_OFFLOAD_TSO4 |
					   NET_OFFLOAD_TSO6) == 0 &&
		   net_backend_set_offload(nb, 0) == 0,
		   "IFF_VNET_HDR: the guest's checksum and TSO offloads are set and cleared");
		vf[1] = 1;	/* GSO TCPv4 with gso_size 0 and hdr_len 0: no such segment */
		vf[4] = 0;
		ok(net_backend_send(nb, vf, NET_VNET_HDR_LEN + len) == -EINVAL,
		   "a segmentation header the kernel cannot honour is an error for that frame");
	} else {
		ok(net_backend_send(nb, f, arp(f, 1, NULL, ip("10.0.2.15"), ip("10.0.2.2"))) == 0,
		   "a frame from the guest is written to the TAP (no vnet header here: %s)",
		   net_backend_vnet_why_not(nb));
	}
	net_backend_close(nb);
	ok(!if_nametoindex(name), "close removes the TAP");

	snprintf(spec, sizeof(spec), "tap,ifname=%s,offload=off", name);
	nb = net_backend_open(spec, rx, NULL, err, sizeof(err));
	ok(nb && !net_backend_vnet_hdr(nb) &&
	   !strcmp(net_backend_vnet_why_not(nb), "tap offload=off") &&
	   net_backend_set_offload(nb, NET_OFFLOAD_CSUM) == -EOPNOTSUPP &&
	   net_backend_send(nb, f, arp(f, 1, NULL, ip("10.0.2.15"), ip("10.0.2.2"))) == 0,
	   "offload=off: plain frames, no offloads, and it says why");
	net_backend_close(nb);
	snprintf(spec, sizeof(spec), "tap,ifname=%s,offload=maybe", name);
	nb = net_backend_open(spec, rx, NULL, err, sizeof(err));
	ok(!nb && strstr(err, "tap: offload=maybe: want on or off"), "offload=maybe: %s", err);
	ok(!if_nametoindex(name), "and no TAP is left behind");

	snprintf(spec, sizeof(spec), "tap,ifname=%s,bridge=br9nosuch", name);
	nb = net_backend_open(spec, rx, NULL, err, sizeof(err));
	ok(!nb && strstr(err, "bridge br9nosuch: no such device") && strstr(err, name),
	   "a missing bridge: %s", err);
	ok(!if_nametoindex(name), "and the TAP is gone again");
	net_backend_close(nb);

	snprintf(spec, sizeof(spec), "tap,ifname=%s,bridge=lo", name);
	nb = net_backend_open(spec, rx, NULL, err, sizeof(err));
	ok(!nb && strstr(err, "bridge lo: not a bridge"), "lo as bridge: %s", err);
	net_backend_close(nb);

	nb = net_backend_open("tap,ifname=lo", rx, NULL, err, sizeof(err));
	ok(!nb && strstr(err, "tap lo: TUNSETIFF: "), "lo is not a TAP: %s", err);
	net_backend_close(nb);
}

int main(void)
{
	test_bad_specs();
	test_shared_not_up();
	test_slirp();
	test_hostfwd();
	test_tap();
	return tap_done();
}
