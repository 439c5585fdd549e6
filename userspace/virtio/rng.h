/* SPDX-License-Identifier: GPL-2.0 */
/* rng.h - virtio-rng over virtio-pci: one queue, filled from the host's getrandom(). */
#ifndef VMAPPLE_VIRTIO_RNG_H
#define VMAPPLE_VIRTIO_RNG_H

#include "pci.h"
#include "worker.h"

#define VIRTIO_ID_RNG	4

struct virtio_rng {
	struct virtio_pci vp;
	struct virtio_worker worker;
	uint64_t bytes;
};

int virtio_rng_init(struct virtio_rng *r, const struct virtio_host *host);
void virtio_rng_kicked(struct virtio_pci *vp, unsigned int q);
void virtio_rng_destroy(struct virtio_rng *r);

#endif
