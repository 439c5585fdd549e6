// SPDX-License-Identifier: GPL-2.0
/*
 * test_virtio_net - the receive path of virtio-net, driven as a driver
 * would on a fake guest: mergeable buffers (a frame spread over as many
 * as it needs, num_buffers saying how many), a frame too big for one
 * buffer without them, a frame that waits for buffers posted later; and
 * over a TAP with IFF_VNET_HDR (where this host lets a test make one) the
 * offloads offered, the header passed through, and a segment the driver
 * did not ask for dropped.  Frames come in through the backend's own
 * receive callback, as the device's thread would give them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../userspace/net/net_kind.h"
#include "../../userspace/virtio/net.h"
#include "fake_guest.h"
#include "tap.h"

#define RXQ		0
#define BUF_LEN		32
#define NR_BUFS		16

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

struct tnet {
	struct fake_guest fg;
	struct virtio_net n;
	struct fake_ring r;
	uint16_t next_desc;
};

static void skip(const char *why)
{
	printf("ok %d # skip %s\n", ++tap_count, why);
}

/* A device on @spec; false (and nothing to free) when it cannot be made. */
static bool net_open(struct tnet *t, const char *spec, char *err, size_t err_len)
{
	fg_init(&t->fg);
	if (virtio_net_init(&t->n, "virtio-net0", spec, mac, &t->fg.host, err, err_len)) {
		fg_free(&t->fg);
		return false;
	}
	return true;
}

static void net_close(struct tnet *t)
{
	virtio_net_destroy(&t->n);
	fg_free(&t->fg);
}

static bool offered(struct tnet *t, uint64_t feature)
{
	return t->n.vp.device_features & feature;
}

/* The driver takes @features and sets up the receive queue; no buffers yet. */
static bool driver_up(struct tnet *t, uint64_t features)
{
	uint8_t status = driver_features(&t->n.vp, VIRTIO_F_VERSION_1 | features);

	ring_init(&t->r, &t->fg, 64);
	t->next_desc = 0;
	(void)driver_queue(&t->n.vp, RXQ, 64, VIRTIO_PCI_NO_VECTOR);
	driver_ok(&t->n.vp);
	return status & VIRTIO_STATUS_FEATURES_OK;
}

/* Post @count receive buffers of BUF_LEN bytes, one chain each. */
static void post(struct tnet *t, unsigned int count)
{
	while (count--) {
		uint16_t d = t->next_desc++;

		put_desc(&t->fg, RING_DESC, d, BUF_GPA + (uint64_t)d * BUF_LEN, BUF_LEN,
			 VRING_DESC_F_WRITE, 0);
		ring_offer(&t->r, d);
	}
}

/* The frame arrives from the backend (@hdr first when the backend carries one). */
static void arrive(struct tnet *t, const uint8_t *hdr, const uint8_t *frame, size_t len)
{
	uint8_t buf[256];
	size_t off = 0;

	if (hdr) {
		memcpy(buf, hdr, VIRTIO_NET_HDR_LEN);
		off = VIRTIO_NET_HDR_LEN;
	}
	memcpy(buf + off, frame, len);
	t->n.backend->rx(t->n.backend->opaque, buf, off + len);
}

/* The driver kicks the receive queue (new buffers), as the worker would see it. */
static void kick_rx(struct tnet *t)
{
	pthread_mutex_lock(&t->n.vp.lock);
	t->n.worker.kicked(&t->n.vp, RXQ);
	pthread_mutex_unlock(&t->n.vp.lock);
}

/* Used entries @from.. hold, in order, a header then @frame: true when so. */
static bool frame_is(struct tnet *t, uint16_t from, unsigned int bufs, const uint8_t *frame,
		     size_t len, uint8_t gso_type)
{
	uint8_t got[256];
	size_t have = 0;
	unsigned int i;

	for (i = 0; i < bufs; i++) {
		uint32_t id = ring_used_id(&t->r, (uint16_t)(from + i));
		uint32_t n = ring_used_len(&t->r, (uint16_t)(from + i));

		if (n > BUF_LEN || have + n > sizeof(got))
			return false;
		memcpy(got + have, gpa_ptr(&t->fg, BUF_GPA + (uint64_t)id * BUF_LEN), n);
		have += n;
	}
	return have == VIRTIO_NET_HDR_LEN + len && got[VNET_HDR_GSO_TYPE] == gso_type &&
	       got[VNET_HDR_NUM_BUFFERS] == bufs && got[VNET_HDR_NUM_BUFFERS + 1] == 0 &&
	       !memcmp(got + VIRTIO_NET_HDR_LEN, frame, len);
}

/* Every value the device writes to the receive ring's used index, in order. */
static uint16_t idx_writes[16];
static unsigned int nr_idx_writes;

static int recording_write(void *opaque, uint64_t gpa, const void *buf, size_t len)
{
	if (gpa == RING_USED + 2 && len == 2 && nr_idx_writes < 16)
		memcpy(&idx_writes[nr_idx_writes++], buf, 2);
	return fg_write(opaque, gpa, buf, len);
}

static void test_mergeable(void)
{
	uint8_t frame[60];
	struct tnet t;
	char err[256];
	unsigned int i;

	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(0xa0 + i);
	if (!net_open(&t, "user", err, sizeof(err))) {
		ok(0, "virtio-net on user networking: %s", err);
		return;
	}
	ok(offered(&t, VIRTIO_NET_F_MRG_RXBUF) && !offered(&t, VIRTIO_NET_F_CSUM) &&
	   !offered(&t, VIRTIO_NET_F_GUEST_TSO4) && !t.n.vnet_hdr,
	   "user networking: mergeable buffers offered, no offloads (libslirp takes whole frames)");

	ok(driver_up(&t, VIRTIO_NET_F_MRG_RXBUF), "the driver takes MRG_RXBUF");
	post(&t, 4);
	t.fg.host.mem.write = recording_write;
	nr_idx_writes = 0;
	arrive(&t, NULL, frame, sizeof(frame));
	t.fg.host.mem.write = fg_write;
	ok(nr_idx_writes == 1 && idx_writes[0] == 3,
	   "the frame's three buffers are published at once: used index written %u time(s), "
	   "first to %u (a driver never sees num_buffers 3 with one buffer there)", nr_idx_writes,
	   nr_idx_writes ? idx_writes[0] : 0);
	ok(ring_used_idx(&t.r) == 3 && ring_used_len(&t.r, 0) == 32 && ring_used_len(&t.r, 1) == 32 &&
	   ring_used_len(&t.r, 2) == 8, "a 12 + 60-byte frame fills three 32-byte buffers: "
	   "32, 32, 8 (used index %u)", ring_used_idx(&t.r));
	ok(frame_is(&t, 0, 3, frame, sizeof(frame), VNET_HDR_GSO_NONE),
	   "their bytes are the header, num_buffers 3, then the frame");

	arrive(&t, NULL, frame, sizeof(frame));	/* one buffer left: not enough */
	ok(ring_used_idx(&t.r) == 3 && t.n.backlog_count == 1 && !t.n.rx_dropped,
	   "too few buffers: none is taken, the frame waits in the backlog");
	post(&t, 2);
	kick_rx(&t);
	ok(ring_used_idx(&t.r) == 6 && !t.n.backlog_count && frame_is(&t, 3, 3, frame, sizeof(frame),
								   VNET_HDR_GSO_NONE),
	   "buffers posted and kicked: the frame goes into the one left and the new two");

	ok(driver_up(&t, 0), "a driver without MRG_RXBUF");
	post(&t, 2);
	arrive(&t, NULL, frame, sizeof(frame));
	ok(ring_used_idx(&t.r) == 1 && ring_used_len(&t.r, 0) == 0 && t.n.rx_dropped == 1,
	   "without MRG_RXBUF a frame bigger than its buffer is dropped, the buffer given back");
	arrive(&t, NULL, frame, 16);
	ok(ring_used_idx(&t.r) == 2 && frame_is(&t, 1, 1, frame, 16, VNET_HDR_GSO_NONE),
	   "and a frame that fits takes one buffer, num_buffers 1");
	net_close(&t);
}

static void test_vnet_hdr(void)
{
	uint8_t frame[40], hdr[VIRTIO_NET_HDR_LEN] = { 0 };
	char spec[64], err[256];
	struct tnet t;

	memset(frame, 0x5c, sizeof(frame));
	snprintf(spec, sizeof(spec), "tap,ifname=vmn%u", (unsigned int)getpid() % 100000);
	if (access("/dev/net/tun", R_OK | W_OK) || !net_open(&t, spec, err, sizeof(err))) {
		skip("vnet header: cannot make a TAP here");
		return;
	}
	if (!t.n.vnet_hdr) {
		skip("vnet header: this kernel's tun has none");
		net_close(&t);
		return;
	}
	ok(offered(&t, VIRTIO_NET_F_CSUM) && offered(&t, VIRTIO_NET_F_HOST_TSO4) &&
	   offered(&t, VIRTIO_NET_F_HOST_TSO6) && offered(&t, VIRTIO_NET_F_GUEST_CSUM) &&
	   offered(&t, VIRTIO_NET_F_GUEST_TSO4) && offered(&t, VIRTIO_NET_F_GUEST_TSO6) &&
	   offered(&t, VIRTIO_NET_F_MRG_RXBUF), "a TAP with IFF_VNET_HDR: checksum and TSO offered "
	   "both ways");

	ok(driver_up(&t, VIRTIO_NET_F_MRG_RXBUF | VIRTIO_NET_F_GUEST_CSUM |
			     VIRTIO_NET_F_GUEST_TSO4), "the driver takes GUEST_CSUM and GUEST_TSO4");
	kick_rx(&t);	/* the offloads follow the features on the device's thread */
	post(&t, 8);
	hdr[VNET_HDR_FLAGS] = VNET_HDR_F_NEEDS_CSUM;
	hdr[VNET_HDR_GSO_TYPE] = VNET_HDR_GSO_TCPV4;
	arrive(&t, hdr, frame, sizeof(frame));
	ok(ring_used_idx(&t.r) == 2 && frame_is(&t, 0, 2, frame, sizeof(frame), VNET_HDR_GSO_TCPV4),
	   "a TCPv4 segment from the TAP reaches the driver with its header");
	hdr[VNET_HDR_GSO_TYPE] = VNET_HDR_GSO_TCPV6;
	arrive(&t, hdr, frame, sizeof(frame));
	ok(ring_used_idx(&t.r) == 2 && t.n.rx_dropped == 1,
	   "a TCPv6 segment the driver did not take (no GUEST_TSO6) is dropped");
	hdr[VNET_HDR_GSO_TYPE] = VNET_HDR_GSO_TCPV4 | VNET_HDR_GSO_ECN;
	arrive(&t, hdr, frame, sizeof(frame));
	ok(ring_used_idx(&t.r) == 2 && t.n.rx_dropped == 2, "and so is one with ECN (not offered)");

	ok(driver_up(&t, VIRTIO_NET_F_MRG_RXBUF), "after a reset, a driver with no offloads");
	kick_rx(&t);
	post(&t, 4);
	hdr[VNET_HDR_GSO_TYPE] = VNET_HDR_GSO_NONE;
	arrive(&t, hdr, frame, sizeof(frame));
	ok(ring_used_idx(&t.r) == 0 && t.n.rx_dropped == 3,
	   "a partial checksum is dropped for a driver without GUEST_CSUM (used %u, dropped %llu)",
	   ring_used_idx(&t.r), (unsigned long long)t.n.rx_dropped);
	hdr[VNET_HDR_FLAGS] = 0;
	arrive(&t, hdr, frame, sizeof(frame));
	ok(ring_used_idx(&t.r) == 2 && frame_is(&t, 0, 2, frame, sizeof(frame), VNET_HDR_GSO_NONE),
	   "a whole frame reaches it");
	net_close(&t);
}

int main(void)
{
	test_mergeable();
	test_vnet_hdr();
	return tap_done();
}
