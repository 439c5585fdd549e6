/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhost_net.h - virtio-net's rings served by the kernel's vhost-net: the
 * guest's kicks reach vhost through KVM's ioeventfd (no exit, no launcher
 * thread), vhost moves frames between the rings and a TAP itself, and
 * signals an eventfd when the driver wants an interrupt, which the device's
 * thread raises through the transport (so MSI-X masking and vectors stay
 * the transport's business).  Started at the driver's first kick after
 * DRIVER_OK, stopped at a reset; the rings are the launcher's again then.
 */
#ifndef VMAPPLE_VIRTIO_VHOST_NET_H
#define VMAPPLE_VIRTIO_VHOST_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "pci.h"

#define VHOST_NET_QUEUES	2	/* receive, transmit */

struct vhost_net {
	int fd;				/* /dev/vhost-net, or -1 */
	int kick[VHOST_NET_QUEUES];	/* the guest's kicks, for vhost */
	int call[VHOST_NET_QUEUES];	/* vhost's "interrupt the driver" */
	bool running;
};

/* Everything closed: what vhost_net_open() starts from. */
void vhost_net_init(struct vhost_net *v);

/*
 * Open /dev/vhost-net and make this process its owner.  0, or a negative
 * errno with one line in @why (no such device, no permission).
 */
int vhost_net_open(struct vhost_net *v, char *why, size_t why_len);

/*
 * With @vp's lock held: hand queues 0 and 1 of @vp (set up by the driver)
 * and @backend_fd (a TAP with a 12-byte vnet header) to vhost.  0, or a
 * negative errno with @why; nothing is left half handed over.
 */
int vhost_net_start(struct vhost_net *v, struct virtio_pci *vp, int backend_fd, char *why,
		    size_t why_len);

/* With @vp's lock held: take the rings back (their indices into @vp's queues). */
void vhost_net_stop(struct vhost_net *v, struct virtio_pci *vp);

void vhost_net_close(struct vhost_net *v);

#endif
