/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net.h - virtio-net over virtio-pci: one receive and one transmit queue,
 * a MAC and link status, mergeable receive buffers.  Frames go to and come
 * from a network backend (net/: libslirp user networking or a TAP) on the
 * device's own thread.  Where the backend carries a virtio-net header (a
 * TAP with IFF_VNET_HDR), the guest may leave checksums and TCP
 * segmentation to the host and take them from it (CSUM, HOST_TSO4/6,
 * GUEST_CSUM, GUEST_TSO4/6): the header passes through unchanged, and a
 * 64 KiB segment costs one trip instead of 45.  Such a TAP's frames move
 * in the kernel, through vhost-net, where /dev/vhost-net can be had
 * (vhost_net.h); else here, and vhost_why_not says why.  A frame that finds
 * no receive buffer waits in a short backlog until the driver posts one,
 * then is dropped.
 */
#ifndef VMAPPLE_VIRTIO_NET_H
#define VMAPPLE_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "../net/net_backend.h"
#include "pci.h"
#include "vhost_net.h"
#include "worker.h"

#define VIRTIO_ID_NET		1
#define VIRTIO_NET_F_CSUM	(1ull << 0)
#define VIRTIO_NET_F_GUEST_CSUM	(1ull << 1)
#define VIRTIO_NET_F_MAC	(1ull << 5)
#define VIRTIO_NET_F_GUEST_TSO4	(1ull << 7)
#define VIRTIO_NET_F_GUEST_TSO6	(1ull << 8)
#define VIRTIO_NET_F_HOST_TSO4	(1ull << 11)
#define VIRTIO_NET_F_HOST_TSO6	(1ull << 12)
#define VIRTIO_NET_F_MRG_RXBUF	(1ull << 15)
#define VIRTIO_NET_F_STATUS	(1ull << 16)
#define VIRTIO_NET_HDR_LEN	12	/* struct virtio_net_hdr_v1 */
#define VIRTIO_NET_BACKLOG	64
#define VIRTIO_NET_MAX_FRAME	(65535 + 14)	/* a 64 KiB segment and its Ethernet header */
#define VIRTIO_NET_MAX_MERGE	64	/* receive buffers one frame may span */

/* struct virtio_net_hdr_v1's fields (virtio 1.2 §5.1.6). */
#define VNET_HDR_FLAGS		0
#define VNET_HDR_GSO_TYPE	1
#define VNET_HDR_NUM_BUFFERS	10
#define VNET_HDR_F_NEEDS_CSUM	1
#define VNET_HDR_GSO_NONE	0
#define VNET_HDR_GSO_TCPV4	1
#define VNET_HDR_GSO_TCPV6	4
#define VNET_HDR_GSO_ECN	0x80

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
	struct vq_elem *rx_elems;	/* VIRTIO_NET_MAX_MERGE: one frame's buffers */
	bool vnet_hdr;			/* the backend's frames carry the header */
	uint64_t offloads_for;		/* driver features the backend's offloads match */
	bool offloads_valid;
	struct vhost_net vhost;		/* fd -1: the launcher moves the frames */
	char vhost_why_not[160];	/* why it does, when it does ("" otherwise) */
	bool vhost_used;		/* vhost-net moved frames in this boot */
	uint64_t rx_frames, tx_frames, rx_dropped, tx_errors;
};

/* @spec as net_backend_open() takes it.  0, or -1 with the reason in @err. */
int virtio_net_init(struct virtio_net *n, const char *name, const char *spec,
		    const uint8_t mac[6], const struct virtio_host *host, char *err,
		    size_t err_len);
void virtio_net_destroy(struct virtio_net *n);

#endif
