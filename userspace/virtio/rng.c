// SPDX-License-Identifier: GPL-2.0
/* rng.c - virtio-rng (see rng.h). */
#include "rng.h"

#include <string.h>
#include <sys/random.h>

#define QUEUE_SIZE	64
#define MAX_PER_REQUEST	4096	/* enough entropy per buffer; the driver asks again */

void virtio_rng_kicked(struct virtio_pci *vp, unsigned int q)
{
	struct virtio_rng *r = vp->p.dev;
	static __thread struct vq_elem e;
	uint8_t buf[MAX_PER_REQUEST];
	unsigned int taken = 0;
	bool used = false;
	int got = 0;

	if (q || !virtio_pci_driver_ok(vp))
		return;
	while (taken++ < VIRTIO_PCI_BATCH && (got = vq_pop(&vp->vq[0], &e)) > 0) {
		size_t want = e.in_len < sizeof(buf) ? e.in_len : sizeof(buf);
		ssize_t n = getrandom(buf, want, 0);
		size_t done = n > 0 ? iov_from_buf(e.in, e.in_num, 0, buf, (size_t)n) : 0;

		r->bytes += done;
		if (vq_push(&vp->vq[0], &e, (uint32_t)done))
			break;
		used = true;
	}
	virtio_pci_batch_done(vp, 0, got, taken, used);
}

static const struct virtio_device_ops rng_ops = { 0 };	/* no config space, no reset state */

int virtio_rng_init(struct virtio_rng *r, const struct virtio_host *host)
{
	struct virtio_pci_params p = {
		.name = "virtio-rng", .device_type = VIRTIO_ID_RNG, .nr_queues = 1,
		.queue_size = QUEUE_SIZE, .config_size = 0, .ops = &rng_ops, .dev = r,
		.features = VIRTIO_F_RING_INDIRECT_DESC,
	};
	int ret;

	memset(r, 0, sizeof(*r));
	ret = virtio_pci_init(&r->vp, &p, host);
	if (ret)
		return ret;
	r->worker = (struct virtio_worker){ .vp = &r->vp, .kicked = virtio_rng_kicked };
	return 0;
}

void virtio_rng_destroy(struct virtio_rng *r)
{
	virtio_worker_stop(&r->worker);
	virtio_pci_destroy(&r->vp);
}
