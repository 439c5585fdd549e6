// SPDX-License-Identifier: GPL-2.0
/* net.c - virtio-net between the guest and a network backend (see net.h). */
#include "net.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>

#define RXQ		0
#define TXQ		1
#define QUEUE_SIZE	256
#define CONFIG_SIZE	8	/* mac[6], status */
#define LINK_UP		1
#define MIN_FRAME	14	/* an Ethernet header */

static void config_access(struct virtio_pci *vp, unsigned int off, uint8_t *data,
			  unsigned int len, bool is_write)
{
	struct virtio_net *n = vp->p.dev;
	uint8_t cfg[CONFIG_SIZE] = { 0 };

	if (is_write)
		return;
	memcpy(cfg, n->mac, 6);
	cfg[6] = LINK_UP;
	memcpy(data, &cfg[off], len);
}

static bool negotiated(const struct virtio_net *n, uint64_t feature)
{
	return n->vp.driver_features & feature;
}

/*
 * May the guest be given a frame with header @hdr?  Only what it took:
 * the backend's offloads follow the driver's features, but a frame read
 * before they changed (a reset) may still be on its way.
 */
static bool guest_takes(const struct virtio_net *n, const uint8_t *hdr)
{
	uint8_t gso = hdr[VNET_HDR_GSO_TYPE] & (uint8_t)~VNET_HDR_GSO_ECN;

	if ((hdr[VNET_HDR_FLAGS] & VNET_HDR_F_NEEDS_CSUM) && !negotiated(n, VIRTIO_NET_F_GUEST_CSUM))
		return false;
	if (hdr[VNET_HDR_GSO_TYPE] & VNET_HDR_GSO_ECN)
		return false;
	return gso == VNET_HDR_GSO_NONE ||
	       (gso == VNET_HDR_GSO_TCPV4 && negotiated(n, VIRTIO_NET_F_GUEST_TSO4)) ||
	       (gso == VNET_HDR_GSO_TCPV6 && negotiated(n, VIRTIO_NET_F_GUEST_TSO6));
}

/* Bytes @skip.. of the header @hdr then the frame @frame, into @e's buffers. */
static size_t fill(const struct vq_elem *e, const uint8_t *hdr, const uint8_t *frame,
		   size_t len, size_t skip)
{
	size_t room = e->in_len, done = 0;

	if (skip < VIRTIO_NET_HDR_LEN) {
		done = iov_from_buf(e->in, e->in_num, 0, hdr + skip,
				    VIRTIO_NET_HDR_LEN - skip < room ? VIRTIO_NET_HDR_LEN - skip : room);
		skip += done;
	}
	if (done < room && skip >= VIRTIO_NET_HDR_LEN)
		done += iov_from_buf(e->in, e->in_num, done, frame + (skip - VIRTIO_NET_HDR_LEN),
				     len - (skip - VIRTIO_NET_HDR_LEN));
	return done;
}

/*
 * One frame (@hdr, then @len bytes of @frame) into receive buffers: one
 * buffer, or with MRG_RXBUF as many as it needs, num_buffers saying how
 * many.  false: too few buffers posted yet (none taken), or the ring broke.
 */
static bool deliver(struct virtio_net *n, uint8_t *hdr, const uint8_t *frame, size_t len)
{
	struct virtqueue *vq = &n->vp.vq[RXQ];
	size_t total = VIRTIO_NET_HDR_LEN + len, done = 0;
	uint32_t written[VIRTIO_NET_MAX_MERGE];
	bool merge = negotiated(n, VIRTIO_NET_F_MRG_RXBUF);
	unsigned int nbufs = 0, i;
	uint16_t num;

	if (!guest_takes(n, hdr)) {
		n->rx_dropped++;
		return true;
	}
	while (done < total) {
		struct vq_elem *e = &n->rx_elems[nbufs];
		int got = vq_pop(vq, e);

		if (got <= 0) {
			vq_unpop(vq, nbufs);
			if (got < 0)
				virtio_pci_needs_reset(&n->vp);
			return false;
		}
		nbufs++;
		if (!merge && e->in_len < total) {
			/* Too small for it (no mergeable buffers negotiated): the frame is lost. */
			n->rx_dropped++;
			if (vq_push(vq, e, 0))
				virtio_pci_needs_reset(&n->vp);
			return true;
		}
		written[nbufs - 1] = (uint32_t)fill(e, hdr, frame, len, done);
		done += written[nbufs - 1];
		if (done < total && (nbufs == VIRTIO_NET_MAX_MERGE || !written[nbufs - 1])) {
			/* Buffers too small or empty for a frame this size: lost, buffers back. */
			for (i = 0; i < nbufs; i++)
				if (vq_push(vq, &n->rx_elems[i], 0))
					virtio_pci_needs_reset(&n->vp);
			n->rx_dropped++;
			return true;
		}
	}
	num = (uint16_t)nbufs;	/* little-endian u16, in the first buffer's header */
	hdr[VNET_HDR_NUM_BUFFERS] = (uint8_t)num;
	hdr[VNET_HDR_NUM_BUFFERS + 1] = (uint8_t)(num >> 8);
	iov_from_buf(n->rx_elems[0].in, n->rx_elems[0].in_num, VNET_HDR_NUM_BUFFERS,
		     hdr + VNET_HDR_NUM_BUFFERS, 2);
	/* All of the frame's buffers published at once: num_buffers is never ahead. */
	for (i = 0; i < nbufs; i++)
		if (vq_fill(vq, &n->rx_elems[i], written[i], (uint16_t)i))
			break;
	if (i < nbufs || vq_flush(vq, (uint16_t)nbufs)) {
		virtio_pci_needs_reset(&n->vp);
		return false;
	}
	n->rx_frames++;
	return true;
}

/*
 * A frame as the backend gave it (with or without its header) into the
 * guest: deliver() with the header split off, or a blank one.
 */
static bool deliver_raw(struct virtio_net *n, const uint8_t *data, size_t len)
{
	uint8_t hdr[VIRTIO_NET_HDR_LEN] = { 0 };

	if (n->vnet_hdr) {
		memcpy(hdr, data, VIRTIO_NET_HDR_LEN);
		data += VIRTIO_NET_HDR_LEN;
		len -= VIRTIO_NET_HDR_LEN;
	}
	return deliver(n, hdr, data, len);
}

static void flush_backlog(struct virtio_net *n)
{
	bool any = false;

	while (n->backlog_count) {
		struct virtio_net_frame *f = &n->backlog[n->backlog_head];

		if (!deliver_raw(n, f->data, f->len))
			break;
		free(f->data);
		f->data = NULL;
		n->backlog_head = (n->backlog_head + 1) % VIRTIO_NET_BACKLOG;
		n->backlog_count--;
		any = true;
	}
	if (any)
		virtio_pci_notify_queue(&n->vp, RXQ);
}

static void backlog_drop_all(struct virtio_net *n)
{
	while (n->backlog_count) {
		free(n->backlog[n->backlog_head].data);
		n->backlog[n->backlog_head].data = NULL;
		n->backlog_head = (n->backlog_head + 1) % VIRTIO_NET_BACKLOG;
		n->backlog_count--;
	}
}

/* The backend has a frame for the guest (on the worker thread). */
static void backend_rx(void *opaque, const void *frame, size_t len)
{
	struct virtio_net *n = opaque;
	bool locked = !n->in_kick;
	size_t hdr = n->vnet_hdr ? VIRTIO_NET_HDR_LEN : 0;

	if (locked)
		pthread_mutex_lock(&n->vp.lock);
	if (!virtio_pci_driver_ok(&n->vp) || len < hdr || len - hdr > VIRTIO_NET_MAX_FRAME) {
		n->rx_dropped++;
	} else if (!n->backlog_count && deliver_raw(n, frame, len)) {
		virtio_pci_notify_queue(&n->vp, RXQ);
	} else if (n->backlog_count == VIRTIO_NET_BACKLOG) {
		n->rx_dropped++;
	} else {
		struct virtio_net_frame *f =
			&n->backlog[(n->backlog_head + n->backlog_count) % VIRTIO_NET_BACKLOG];

		f->data = malloc(len);
		if (f->data) {
			memcpy(f->data, frame, len);
			f->len = len;
			n->backlog_count++;
		} else {
			n->rx_dropped++;
		}
	}
	if (locked)
		pthread_mutex_unlock(&n->vp.lock);
}

static void transmit(struct virtio_net *n)
{
	static __thread struct vq_elem e;
	struct virtqueue *vq = &n->vp.vq[TXQ];
	unsigned int taken = 0;
	bool used = false;
	int got = 0;
	/* With a vnet header the guest's goes along: its checksum and TSO asks. */
	size_t keep = n->vnet_hdr ? VIRTIO_NET_HDR_LEN : 0;

	while (taken++ < VIRTIO_PCI_BATCH && (got = vq_pop(vq, &e)) > 0) {
		size_t len = e.out_len > VIRTIO_NET_HDR_LEN ? e.out_len - VIRTIO_NET_HDR_LEN : 0;

		if (len < MIN_FRAME || len > VIRTIO_NET_MAX_FRAME) {
			n->tx_errors++;
		} else {
			iov_to_buf(e.out, e.out_num, VIRTIO_NET_HDR_LEN - keep, n->tx_buf, keep + len);
			if (net_backend_send(n->backend, n->tx_buf, keep + len))
				n->tx_errors++;
			else
				n->tx_frames++;
		}
		if (vq_push(vq, &e, 0))
			break;
		used = true;
	}
	virtio_pci_batch_done(&n->vp, TXQ, got, taken, used);
}

/*
 * The backend gives the guest checksums and segments only as the driver
 * negotiated them: set on the device's thread (the backend's), at the
 * first kick after the features changed.
 */
static void sync_offloads(struct virtio_net *n)
{
	unsigned int off = 0;
	int ret;

	if (!n->vnet_hdr || (n->offloads_valid && n->offloads_for == n->vp.driver_features))
		return;
	if (negotiated(n, VIRTIO_NET_F_GUEST_CSUM)) {
		off |= NET_OFFLOAD_CSUM;
		if (negotiated(n, VIRTIO_NET_F_GUEST_TSO4))
			off |= NET_OFFLOAD_TSO4;
		if (negotiated(n, VIRTIO_NET_F_GUEST_TSO6))
			off |= NET_OFFLOAD_TSO6;
	}
	ret = net_backend_set_offload(n->backend, off);
	if (ret)
		fprintf(stderr, "vmapple: %s: the backend refused offloads %#x: %s; frames with "
			"them are dropped\n", n->vp.p.name, off, strerror(-ret));
	n->offloads_for = n->vp.driver_features;
	n->offloads_valid = true;
}

/*
 * At the driver's first kick after DRIVER_OK: the rings and the TAP to
 * vhost-net, when it is open.  true: vhost has them.
 */
static bool vhost_running(struct virtio_net *n)
{
	char why[128];
	const char *no;
	int fd, ret;

	if (n->vhost.running)
		return true;
	if (n->vhost.fd < 0)
		return false;
	fd = net_backend_vhost_fd(n->backend, &no);
	ret = vhost_net_start(&n->vhost, &n->vp, fd, why, sizeof(why));
	if (ret) {
		/* Not for this driver (its features, its rings): the frames move here. */
		fprintf(stderr, "vmapple: %s: vhost-net refused the rings: %s; the launcher moves "
			"the frames\n", n->vp.p.name, why);
		snprintf(n->vhost_why_not, sizeof(n->vhost_why_not), "%s", why);
		vhost_net_close(&n->vhost);
		/* vhost may have used buffers before it gave up: the driver looks. */
		virtio_pci_interrupt_queue(&n->vp, RXQ);
		virtio_pci_interrupt_queue(&n->vp, TXQ);
		return false;
	}
	/* Frames waiting for buffers are the launcher's, and it hands off now. */
	n->rx_dropped += n->backlog_count;
	backlog_drop_all(n);
	net_backend_vhost_taken(n->backend, true);
	n->vhost_used = true;
	return true;
}

static void kicked(struct virtio_pci *vp, unsigned int q)
{
	struct virtio_net *n = vp->p.dev;

	if (!virtio_pci_driver_ok(vp))
		return;
	sync_offloads(n);
	if (vhost_running(n)) {
		/* A kick that reached us as vhost took over: it is vhost's. */
		if (q < VHOST_NET_QUEUES)
			(void)eventfd_write(n->vhost.kick[q], 1);
		return;
	}
	n->in_kick = true;
	if (q == TXQ)
		transmit(n);
	flush_backlog(n);	/* new receive buffers, or replies to what was sent */
	n->in_kick = false;
}

/* With vhost: its interrupt eventfds; else the backend's descriptors. */
static int pollfds(void *opaque, struct pollfd *fds, int max, int *timeout_ms)
{
	struct virtio_net *n = opaque;
	unsigned int q;

	if (!n->vhost.running)
		return net_backend_pollfds(n->backend, fds, max, timeout_ms);
	if (max < VHOST_NET_QUEUES)
		return 0;
	for (q = 0; q < VHOST_NET_QUEUES; q++)
		fds[q] = (struct pollfd){ .fd = n->vhost.call[q], .events = POLLIN };
	return VHOST_NET_QUEUES;
}

static void polled(void *opaque, const struct pollfd *fds, int count)
{
	struct virtio_net *n = opaque;
	eventfd_t v;
	int q;

	if (!n->vhost.running) {
		net_backend_poll(n->backend, fds, count);
		return;
	}
	for (q = 0; q < count && q < VHOST_NET_QUEUES; q++) {
		if (fds[q].fd != n->vhost.call[q] || !(fds[q].revents & POLLIN))
			continue;
		(void)eventfd_read(n->vhost.call[q], &v);
		pthread_mutex_lock(&n->vp.lock);
		if (n->vhost.running)	/* not reset since */
			virtio_pci_interrupt_queue(&n->vp, (unsigned int)q);
		pthread_mutex_unlock(&n->vp.lock);
	}
}

static void reset(struct virtio_pci *vp)
{
	struct virtio_net *n = vp->p.dev;

	backlog_drop_all(n);
	n->offloads_valid = false;	/* the next driver's features decide */
	if (n->vhost.running) {
		vhost_net_stop(&n->vhost, vp);
		net_backend_vhost_taken(n->backend, false);
		/* The worker polls vhost's eventfds: have it look at the TAP again. */
		(void)eventfd_write(vp->kick_fd[RXQ], 1);
	}
}

static const struct virtio_device_ops net_ops = {
	.config_access = config_access,
	.reset = reset,
};

int virtio_net_init(struct virtio_net *n, const char *name, const char *spec,
		    const uint8_t mac[6], const struct virtio_host *host, char *err,
		    size_t err_len)
{
	struct virtio_pci_params p = {
		.name = name, .device_type = VIRTIO_ID_NET, .nr_queues = 2,
		.queue_size = QUEUE_SIZE, .config_size = CONFIG_SIZE, .ops = &net_ops, .dev = n,
		.class_code = 0x020000,	/* Ethernet controller */
		.features = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS | VIRTIO_F_RING_INDIRECT_DESC |
			    VIRTIO_NET_F_MRG_RXBUF,
	};
	const char *no_vhost;
	char why[256];
	int ret;

	memset(n, 0, sizeof(*n));
	vhost_net_init(&n->vhost);
	memcpy(n->mac, mac, 6);
	n->tx_buf = malloc(VIRTIO_NET_HDR_LEN + VIRTIO_NET_MAX_FRAME);
	n->rx_elems = calloc(VIRTIO_NET_MAX_MERGE, sizeof(*n->rx_elems));
	if (!n->tx_buf || !n->rx_elems) {
		snprintf(err, err_len, "vmapple: %s: out of memory", name);
		goto fail;
	}
	n->backend = net_backend_open(spec, backend_rx, n, why, sizeof(why));
	if (!n->backend) {
		snprintf(err, err_len, "vmapple: --net %s: %s", spec, why);
		goto fail;
	}
	n->vnet_hdr = net_backend_vnet_hdr(n->backend);
	if (net_backend_vhost_fd(n->backend, &no_vhost) >= 0) {
		char why_vhost[128];

		if (vhost_net_open(&n->vhost, why_vhost, sizeof(why_vhost)))
			snprintf(n->vhost_why_not, sizeof(n->vhost_why_not), "%s", why_vhost);
	} else if (!strcmp(net_backend_kind_name(n->backend), "tap")) {
		snprintf(n->vhost_why_not, sizeof(n->vhost_why_not), "%s", no_vhost);
	}
	if (n->vnet_hdr)
		p.features |= VIRTIO_NET_F_CSUM | VIRTIO_NET_F_HOST_TSO4 | VIRTIO_NET_F_HOST_TSO6 |
			      VIRTIO_NET_F_GUEST_CSUM | VIRTIO_NET_F_GUEST_TSO4 |
			      VIRTIO_NET_F_GUEST_TSO6;
	ret = virtio_pci_init(&n->vp, &p, host);
	if (ret) {
		snprintf(err, err_len, "vmapple: %s: %s", name, strerror(-ret));
		virtio_net_destroy(n);
		return -1;
	}
	n->worker = (struct virtio_worker){
		.vp = &n->vp, .kicked = kicked, .pollfds = pollfds, .polled = polled, .opaque = n,
	};
	return 0;
fail:	/* before virtio_pci_init(): only what was allocated here */
	free(n->tx_buf);
	free(n->rx_elems);
	n->tx_buf = NULL;
	n->rx_elems = NULL;
	return -1;
}

void virtio_net_destroy(struct virtio_net *n)
{
	virtio_worker_stop(&n->worker);
	pthread_mutex_lock(&n->vp.lock);
	vhost_net_stop(&n->vhost, &n->vp);
	pthread_mutex_unlock(&n->vp.lock);
	vhost_net_close(&n->vhost);
	net_backend_close(n->backend);
	n->backend = NULL;
	backlog_drop_all(n);
	virtio_pci_destroy(&n->vp);
	free(n->tx_buf);
	n->tx_buf = NULL;
	free(n->rx_elems);
	n->rx_elems = NULL;
}
