/* SPDX-License-Identifier: GPL-2.0 */
/*
 * worker.h - the one thread each virtio device runs its queues on, so disk
 * and network I/O never happen on a vCPU thread.  It polls the queues'
 * kick eventfds (signalled by KVM's ioeventfd or the transport), a stop
 * eventfd, and any descriptors the device adds (a network backend's).
 */
#ifndef VMAPPLE_VIRTIO_WORKER_H
#define VMAPPLE_VIRTIO_WORKER_H

#include <poll.h>
#include <pthread.h>
#include <stdbool.h>

#include "pci.h"

#define WORKER_MAX_EXTRA_FDS	64

struct virtio_worker {
	struct virtio_pci *vp;
	/* Queue @q was kicked: called with vp->lock held. */
	void (*kicked)(struct virtio_pci *vp, unsigned int q);
	/* Optional: the device's own descriptors and timeout, and their events. */
	int (*pollfds)(void *opaque, struct pollfd *fds, int max, int *timeout_ms);
	void (*polled)(void *opaque, const struct pollfd *fds, int n);
	void *opaque;
	pthread_t tid;
	int stop_fd;
	bool started;
};

/* 0 or -errno. */
int virtio_worker_start(struct virtio_worker *w);
/* Stop and join the thread (a no-op when it never started). */
void virtio_worker_stop(struct virtio_worker *w);

#endif
