// SPDX-License-Identifier: GPL-2.0
/*
 * netguest.c - a test firmware that takes a DHCP lease, for the fleet
 * lifecycle test (tests/kselftest/fleet_lifecycle.sh): what Orchard needs
 * of a VM before it dials IP:22 is that the VM's MAC holds a lease on the
 * shared network, and this is the least guest that makes one.
 *
 * It finds the board's virtio-net (VERSION_1 only: a 12-byte header, no
 * offloads), reads its MAC from the device configuration, and polls its
 * rings (no interrupts): DHCPDISCOVER, OFFER, REQUEST, ACK (RFC 2131), the
 * replies asked for as broadcasts.  It prints the lease, then waits for
 * interrupts it never enables, like a guest that ignores the power button,
 * so `vetu stop` needs its force.  With no lease after TRIES rounds it
 * says so and powers off.  Addresses and helpers: bare.h.
 */
#include "bare.h"

#define DEV_NET		0x1041
#define RXQ		0
#define TXQ		1
#define QN		16		/* entries per queue */
#define VNET_HDR	12		/* virtio_net_hdr_v1 */
#define F_MAC		(1u << 5)	/* VIRTIO_NET_F_MAC: the config's mac is valid */
#define BUF_SIZE	2048		/* a header and a 1514-byte frame */

#define RX_DESC		(RAM + 0x200000)
#define RX_AVAIL	(RAM + 0x201000)
#define RX_USED		(RAM + 0x202000)
#define RX_BUFS		(RAM + 0x210000)
#define TX_DESC		(RAM + 0x220000)
#define TX_AVAIL	(RAM + 0x221000)
#define TX_USED		(RAM + 0x222000)
#define TX_BUF		(RAM + 0x230000)

/* Frame offsets: Ethernet, IPv4 (no options when we send), UDP, BOOTP. */
#define ETH_LEN		14
#define IP_OFF		ETH_LEN
#define UDP_OFF		(IP_OFF + 20)
#define BOOTP_OFF	(UDP_OFF + 8)
#define BOOTP_LEN	236
#define BOOTP_MIN	300		/* RFC 1542: servers may drop shorter ones */
#define DHCP_DISCOVER	1
#define DHCP_OFFER	2
#define DHCP_REQUEST	3
#define DHCP_ACK	5
#define DHCP_NAK	6
#define OPT_REQ_IP	50
#define OPT_MSG_TYPE	53
#define OPT_SERVER_ID	54
#define OPT_PARAMS	55
#define OPT_END		255
#define XID		0x6e657467u	/* "netg" */
#define TRIES		8
#define OFFER_WAIT_MS	4000	/* dnsmasq pings an address before it offers it */
#define ACK_WAIT_MS	2000

struct nic {
	struct vdev d;
	uintptr_t rx_notify, tx_notify;
	uint16_t rx_avail, rx_used_seen, tx_avail;
	uint8_t mac[6];
};

/* What a reply said: its DHCP type, the address offered, the server. */
struct reply {
	int type;
	uint32_t yiaddr, server;
};

static uint64_t counter(void)
{
	uint64_t v;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static uint64_t ticks_per_ms(void)
{
	uint64_t f;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f / 1000;
}

/* Network byte order, at any alignment. */
static void put_be(uintptr_t a, uint32_t v, int n)
{
	for (int i = 0; i < n; i++)
		w8(a + i, (uint8_t)(v >> (8 * (n - 1 - i))));
}

static uint32_t get_be(uintptr_t a, int n)
{
	uint32_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | r8(a + i);
	return v;
}

static void put_ip(uint32_t ip)
{
	for (int s = 24; s >= 0; s -= 8) {
		putdec((ip >> s) & 0xff);
		if (s)
			puts_(".");
	}
}

/* Offer receive buffer @i to the device again. */
static void rx_post(struct nic *n, uint16_t i)
{
	put(RX_AVAIL + 4 + 2u * (n->rx_avail % QN), i, 2);
	fence();
	n->rx_avail++;
	put(RX_AVAIL + 2, n->rx_avail, 2);
	fence();
	w16(n->rx_notify, RXQ);
}

static int nic_up(struct nic *n, unsigned int slot)
{
	place_bars(slot, &n->d);
	zero(RX_DESC, 0x3000);
	zero(TX_DESC, 0x3000);
	if (vdev_features(&n->d, F_MAC))
		return -1;
	for (int i = 0; i < 6; i++)
		n->mac[i] = r8(n->d.bar0 + DEVICE_CFG + (uintptr_t)i);
	vdev_queue(&n->d, RXQ, QN, RX_DESC, RX_AVAIL, RX_USED);
	n->rx_notify = n->d.notify;
	vdev_queue(&n->d, TXQ, QN, TX_DESC, TX_AVAIL, TX_USED);
	n->tx_notify = n->d.notify;
	vdev_driver_ok(&n->d);
	for (uint16_t i = 0; i < QN; i++) {
		uintptr_t e = RX_DESC + 16u * i;

		put(e, RX_BUFS + (uint64_t)i * BUF_SIZE, 8);
		put(e + 8, BUF_SIZE, 4);
		put(e + 12, 2, 2);		/* VIRTQ_DESC_F_WRITE */
		rx_post(n, i);
	}
	return 0;
}

/*
 * Send the @len-byte frame at TX_BUF + VNET_HDR; 0 once the device used it.
 * -1 when it did not: the device may still own the buffer, so nothing more
 * can be sent.
 */
static int tx(struct nic *n, uint32_t len)
{
	uint64_t deadline = counter() + 1000 * ticks_per_ms();

	zero(TX_BUF, VNET_HDR);
	put(TX_DESC, TX_BUF, 8);
	put(TX_DESC + 8, VNET_HDR + len, 4);
	put(TX_DESC + 12, 0, 2);
	put(TX_AVAIL + 4 + 2u * (n->tx_avail % QN), 0, 2);
	fence();
	n->tx_avail++;
	put(TX_AVAIL + 2, n->tx_avail, 2);
	fence();
	w16(n->tx_notify, TXQ);
	while ((uint16_t)get(TX_USED + 2, 2) != n->tx_avail)
		if (counter() > deadline)
			return -1;
	return 0;
}

static uint16_t ip_checksum(uintptr_t hdr)
{
	uint32_t sum = 0;

	for (int i = 0; i < 20; i += 2)
		sum += get_be(hdr + i, 2);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A DHCP message of @type, broadcast from 0.0.0.0:68 to 255.255.255.255:67. */
static int send_dhcp(struct nic *n, int type, uint32_t req_ip, uint32_t server)
{
	uintptr_t f = TX_BUF + VNET_HDR, b = f + BOOTP_OFF, o = b + BOOTP_LEN;
	uint32_t udp_len, len;

	zero(f, BOOTP_OFF + BOOTP_MIN);
	for (int i = 0; i < 6; i++) {
		w8(f + i, 0xff);
		w8(f + 6 + i, n->mac[i]);
		w8(b + 28 + i, n->mac[i]);	/* chaddr */
	}
	put_be(f + 12, 0x0800, 2);
	w8(b, 1);				/* BOOTREQUEST */
	w8(b + 1, 1);				/* Ethernet */
	w8(b + 2, 6);
	put_be(b + 4, XID, 4);
	put_be(b + 10, 0x8000, 2);		/* the reply as a broadcast: no IP yet */
	put_be(o, 0x63825363, 4);		/* the magic cookie */
	o += 4;
	w8(o++, OPT_MSG_TYPE);
	w8(o++, 1);
	w8(o++, (uint8_t)type);
	if (type == DHCP_REQUEST) {
		w8(o++, OPT_REQ_IP);
		w8(o++, 4);
		put_be(o, req_ip, 4);
		o += 4;
		w8(o++, OPT_SERVER_ID);
		w8(o++, 4);
		put_be(o, server, 4);
		o += 4;
	}
	w8(o++, OPT_PARAMS);
	w8(o++, 2);
	w8(o++, 1);				/* subnet mask */
	w8(o++, 3);				/* router */
	w8(o++, OPT_END);
	udp_len = 8 + BOOTP_MIN;
	len = UDP_OFF + udp_len;
	w8(f + IP_OFF, 0x45);
	put_be(f + IP_OFF + 2, len - IP_OFF, 2);
	w8(f + IP_OFF + 8, 64);			/* TTL */
	w8(f + IP_OFF + 9, 17);			/* UDP */
	put_be(f + IP_OFF + 16, 0xffffffffu, 4);
	put_be(f + IP_OFF + 10, ip_checksum(f + IP_OFF), 2);
	put_be(f + UDP_OFF, 68, 2);
	put_be(f + UDP_OFF + 2, 67, 2);
	put_be(f + UDP_OFF + 4, udp_len, 2);	/* checksum 0: none, as IPv4 allows */
	return tx(n, len);
}

/* A frame of @len bytes at @f: our DHCP reply?  1 with @r filled, else 0. */
static int parse_reply(const struct nic *n, uintptr_t f, uint32_t len, struct reply *r)
{
	uint32_t ihl, b, o, end;

	if (len < ETH_LEN + 20 || get_be(f + 12, 2) != 0x0800 || r8(f + IP_OFF + 9) != 17)
		return 0;
	ihl = (r8(f + IP_OFF) & 0xfu) * 4;
	b = IP_OFF + ihl + 8;
	if (ihl < 20 || len < b + BOOTP_LEN + 4 || get_be(f + IP_OFF + ihl + 2, 2) != 68)
		return 0;
	if (r8(f + b) != 2 || get_be(f + b + 4, 4) != XID ||
	    get_be(f + b + BOOTP_LEN, 4) != 0x63825363)
		return 0;
	for (int i = 0; i < 6; i++)
		if (r8(f + b + 28 + i) != n->mac[i])
			return 0;
	r->type = 0;
	r->server = 0;
	r->yiaddr = get_be(f + b + 16, 4);
	/* Options, each bounded by the frame's length. */
	for (o = b + BOOTP_LEN + 4, end = len; o < end && r8(f + o) != OPT_END;) {
		uint32_t code = r8(f + o), olen;

		if (code == 0) {		/* pad */
			o++;
			continue;
		}
		if (o + 2 > end || o + 2 + (olen = r8(f + o + 1)) > end)
			break;
		if (code == OPT_MSG_TYPE && olen == 1)
			r->type = r8(f + o + 2);
		else if (code == OPT_SERVER_ID && olen == 4)
			r->server = get_be(f + o + 2, 4);
		o += 2 + olen;
	}
	return r->type != 0;
}

/* Wait up to @ms for a reply of type @want (or a NAK); the buffers go back as they are read. */
static int wait_reply(struct nic *n, int want, uint32_t ms, struct reply *r)
{
	uint64_t deadline = counter() + ms * ticks_per_ms();

	while (counter() < deadline) {
		uintptr_t u;
		uint32_t id, len;
		int got;

		if ((uint16_t)get(RX_USED + 2, 2) == n->rx_used_seen)
			continue;
		fence();
		u = RX_USED + 4 + 8u * (n->rx_used_seen % QN);
		id = (uint32_t)get(u, 4);
		len = (uint32_t)get(u + 4, 4);
		n->rx_used_seen++;
		if (id >= QN)
			return 0;
		got = len > VNET_HDR && len <= BUF_SIZE &&
		      parse_reply(n, RX_BUFS + (uintptr_t)id * BUF_SIZE + VNET_HDR, len - VNET_HDR, r);
		rx_post(n, (uint16_t)id);
		if (got && (r->type == want || r->type == DHCP_NAK))
			return r->type == want;
	}
	return 0;
}

static int lease(struct nic *n)
{
	struct reply offer, ack;

	for (int try = 0; try < TRIES; try++) {
		if (send_dhcp(n, DHCP_DISCOVER, 0, 0))
			goto tx_stuck;
		if (!wait_reply(n, DHCP_OFFER, OFFER_WAIT_MS, &offer))
			continue;
		if (send_dhcp(n, DHCP_REQUEST, offer.yiaddr, offer.server))
			goto tx_stuck;
		if (!wait_reply(n, DHCP_ACK, ACK_WAIT_MS, &ack))
			continue;
		puts_("netguest: lease ");
		put_ip(ack.yiaddr);
		puts_(" from ");
		put_ip(ack.server);
		puts_("\n");
		return 0;
	}
	return -1;
tx_stuck:
	puts_("netguest: the virtio-net never used a frame sent\n");
	return -1;
}

int main(void)
{
	struct nic n = { 0 };

	puts_("netguest: hello\n");
	for (unsigned int slot = 0; slot < 32; slot++) {
		uint32_t id = r32(ECAM + ((uintptr_t)slot << 15));

		if ((id & 0xffff) != VIRTIO_VENDOR || id >> 16 != DEV_NET)
			continue;
		if (nic_up(&n, slot)) {
			puts_("netguest: the virtio-net refused FEATURES_OK\n");
			return 0;
		}
		puts_("netguest: mac ");
		for (int i = 0; i < 6; i++) {
			w8(UART, (uint8_t)"0123456789abcdef"[n.mac[i] >> 4]);
			w8(UART, (uint8_t)"0123456789abcdef"[n.mac[i] & 0xf]);
			puts_(i < 5 ? ":" : "\n");
		}
		if (lease(&n)) {
			puts_("netguest: no lease\n");
			return 0;
		}
		for (;;)
			asm volatile("wfi");
	}
	puts_("netguest: no virtio-net\n");
	return 0;
}
