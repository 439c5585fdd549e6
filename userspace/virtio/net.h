/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net.h - virtio-net over virtio-pci: one receive and one transmit queue,
 * a MAC and link status, no offloads.  Frames go to and come from a
 * network backend (net/: libslirp user networking or a TAP) on the
 * device's own thread.  A frame that finds no receive buffer waits in a
 * short backlog until the driver posts one, then is dropped.
 */
#ifndef VMAPPLE_VIRTIO_NET_H
#define VMAPPLE_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "../net/net_backend.h"
#include "pci.h"
#include "worker.h"

#define VIRTIO_ID_NET		1
#define VIRTIO_NET_F_MAC	(1ull << 5)
#define VIRTIO_NET_F_STATUS	(1ull << 16)
#define VIRTIO_NET_HDR_LEN	12	/* struct virtio_net_hdr_v1 */
#define VIRTIO_NET_BACKLOG	64
#define VIRTIO_NET_MAX_FRAME	65536

struct virtio_net_frame {
	size_t len;
	uint8_t *data;
};

struct virtio_net {
	struct virtio_pci vp;
	struct virtio_worker worker;
	struct net_backend *backend;
	uint8_t mac[6];
	bool in_kick;		/* the worker holds vp.lock (backend answering a send) */
	struct virtio_net_frame backlog[VIRTIO_NET_BACKLOG];
	unsigned int backlog_head, backlog_count;
	uint8_t *tx_buf;
	uint64_t rx_frames, tx_frames, rx_dropped, tx_errors;
};

/* @spec as net_backend_open() takes it.  0, or -1 with the reason in @err. */
int virtio_net_init(struct virtio_net *n, const char *name, const char *spec,
		    const uint8_t mac[6], const struct virtio_host *host, char *err,
		    size_t err_len);
void virtio_net_destroy(struct virtio_net *n);

#endif
