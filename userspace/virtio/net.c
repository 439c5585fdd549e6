// SPDX-License-Identifier: GPL-2.0
/* net.c - virtio-net between the guest and a network backend (see net.h). */
#include "net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* One frame into one receive buffer.  false: no buffer (or the ring broke). */
static bool deliver(struct virtio_net *n, const void *frame, size_t len)
{
	static __thread struct vq_elem e;
	uint8_t hdr[VIRTIO_NET_HDR_LEN] = { 0 };
	struct virtqueue *vq = &n->vp.vq[RXQ];
	int got = vq_pop(vq, &e);

	if (got < 0)
		virtio_pci_needs_reset(&n->vp);
	if (got <= 0)
		return false;
	hdr[10] = 1;	/* num_buffers, little-endian u16 */
	if (e.in_len < sizeof(hdr) + len) {
		/* Too small for it (no mergeable buffers offered): the frame is lost. */
		n->rx_dropped++;
		vq_push(vq, &e, 0);
		return true;
	}
	iov_from_buf(e.in, e.in_num, 0, hdr, sizeof(hdr));
	iov_from_buf(e.in, e.in_num, sizeof(hdr), frame, len);
	vq_push(vq, &e, (uint32_t)(sizeof(hdr) + len));
	n->rx_frames++;
	return true;
}

static void flush_backlog(struct virtio_net *n)
{
	bool any = false;

	while (n->backlog_count) {
		struct virtio_net_frame *f = &n->backlog[n->backlog_head];

		if (!deliver(n, f->data, f->len))
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

	if (locked)
		pthread_mutex_lock(&n->vp.lock);
	if (!virtio_pci_driver_ok(&n->vp) || len > VIRTIO_NET_MAX_FRAME) {
		n->rx_dropped++;
	} else if (!n->backlog_count && deliver(n, frame, len)) {
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

	while (taken++ < VIRTIO_PCI_BATCH && (got = vq_pop(vq, &e)) > 0) {
		size_t len = e.out_len > VIRTIO_NET_HDR_LEN ? e.out_len - VIRTIO_NET_HDR_LEN : 0;

		if (len < MIN_FRAME || len > VIRTIO_NET_MAX_FRAME) {
			n->tx_errors++;
		} else {
			iov_to_buf(e.out, e.out_num, VIRTIO_NET_HDR_LEN, n->tx_buf, len);
			if (net_backend_send(n->backend, n->tx_buf, len))
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

static void kicked(struct virtio_pci *vp, unsigned int q)
{
	struct virtio_net *n = vp->p.dev;

	if (!virtio_pci_driver_ok(vp))
		return;
	n->in_kick = true;
	if (q == TXQ)
		transmit(n);
	flush_backlog(n);	/* new receive buffers, or replies to what was sent */
	n->in_kick = false;
}

static int pollfds(void *opaque, struct pollfd *fds, int max, int *timeout_ms)
{
	struct virtio_net *n = opaque;

	return net_backend_pollfds(n->backend, fds, max, timeout_ms);
}

static void polled(void *opaque, const struct pollfd *fds, int count)
{
	struct virtio_net *n = opaque;

	net_backend_poll(n->backend, fds, count);
}

static void reset(struct virtio_pci *vp)
{
	backlog_drop_all(vp->p.dev);
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
		.features = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS | VIRTIO_F_RING_INDIRECT_DESC,
	};
	char why[256];
	int ret;

	memset(n, 0, sizeof(*n));
	memcpy(n->mac, mac, 6);
	n->tx_buf = malloc(VIRTIO_NET_MAX_FRAME);
	if (!n->tx_buf) {
		snprintf(err, err_len, "vmapple: %s: out of memory", name);
		return -1;
	}
	n->backend = net_backend_open(spec, backend_rx, n, why, sizeof(why));
	if (!n->backend) {
		snprintf(err, err_len, "vmapple: --net %s: %s", spec, why);
		free(n->tx_buf);
		n->tx_buf = NULL;
		return -1;
	}
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
}

void virtio_net_destroy(struct virtio_net *n)
{
	virtio_worker_stop(&n->worker);
	net_backend_close(n->backend);
	n->backend = NULL;
	backlog_drop_all(n);
	virtio_pci_destroy(&n->vp);
	free(n->tx_buf);
	n->tx_buf = NULL;
}
