// SPDX-License-Identifier: GPL-2.0
/* vhost_net.c - virtio-net's rings served by the kernel's vhost-net (see vhost_net.h). */
#include "vhost_net.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vhost.h>

#define VHOST_NET_PATH		"/dev/vhost-net"
#define VHOST_MAX_REGIONS	8
#define VRING_USED_IDX		2	/* the used ring's idx field */
/*
 * The ring features vhost must honour itself; the rest are the TAP's or
 * ours.  As masks, under names of their own: <linux/virtio_config.h>
 * defines VIRTIO_F_VERSION_1 as the bit's number (32), not pci.h's mask.
 */
#define VHOST_F_MRG_RXBUF	(1ull << 15)	/* vhost fills num_buffers */
#define VHOST_F_INDIRECT_DESC	(1ull << 28)
#define VHOST_F_EVENT_IDX	(1ull << 29)
#define VHOST_F_VERSION_1	(1ull << 32)
#define VHOST_RING_FEATURES	(VHOST_F_VERSION_1 | VHOST_F_EVENT_IDX | VHOST_F_INDIRECT_DESC | \
				 VHOST_F_MRG_RXBUF)

void vhost_net_init(struct vhost_net *v)
{
	unsigned int q;

	v->fd = -1;
	for (q = 0; q < VHOST_NET_QUEUES; q++)
		v->kick[q] = v->call[q] = -1;
	v->running = false;
}

void vhost_net_close(struct vhost_net *v)
{
	unsigned int q;

	if (v->fd >= 0)
		close(v->fd);
	for (q = 0; q < VHOST_NET_QUEUES; q++) {
		if (v->kick[q] >= 0)
			close(v->kick[q]);
		if (v->call[q] >= 0)
			close(v->call[q]);
	}
	vhost_net_init(v);
}

int vhost_net_open(struct vhost_net *v, char *why, size_t why_len)
{
	unsigned int q;
	int ret;

	vhost_net_init(v);
	v->fd = open(VHOST_NET_PATH, O_RDWR | O_CLOEXEC);
	if (v->fd < 0) {
		ret = -errno;
		snprintf(why, why_len, "%s: %s", VHOST_NET_PATH, strerror(errno));
		return ret;
	}
	if (ioctl(v->fd, VHOST_SET_OWNER, NULL) < 0) {
		ret = -errno;
		snprintf(why, why_len, "VHOST_SET_OWNER: %s", strerror(errno));
		vhost_net_close(v);
		return ret;
	}
	for (q = 0; q < VHOST_NET_QUEUES; q++) {
		v->kick[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		v->call[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (v->kick[q] < 0 || v->call[q] < 0) {
			ret = -errno;
			snprintf(why, why_len, "eventfd: %s", strerror(errno));
			vhost_net_close(v);
			return ret;
		}
	}
	return 0;
}

/* Guest RAM as vhost's memory table. */
static int set_mem_table(struct vhost_net *v, const struct virtio_host *host, char *why,
			 size_t why_len)
{
	struct virtio_ram_region r[VHOST_MAX_REGIONS];
	struct vhost_memory *mem;
	int n = host->ram_regions ? host->ram_regions(host->opaque, r, VHOST_MAX_REGIONS) : 0;
	int i, ret = 0;

	if (n <= 0) {
		snprintf(why, why_len, "no guest RAM to give it");
		return -EINVAL;
	}
	mem = calloc(1, sizeof(*mem) + (size_t)n * sizeof(mem->regions[0]));
	if (!mem) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	mem->nregions = (uint32_t)n;
	for (i = 0; i < n; i++)
		mem->regions[i] = (struct vhost_memory_region){
			.guest_phys_addr = r[i].gpa, .memory_size = r[i].size,
			.userspace_addr = (uint64_t)(uintptr_t)r[i].hva,
		};
	if (ioctl(v->fd, VHOST_SET_MEM_TABLE, mem) < 0) {
		ret = -errno;
		snprintf(why, why_len, "VHOST_SET_MEM_TABLE: %s", strerror(errno));
	}
	free(mem);
	return ret;
}

/* The host address of @len bytes of guest memory at @gpa, or 0. */
static uint64_t hva(const struct virtio_pci *vp, uint64_t gpa, size_t len)
{
	const struct guest_mem *m = &vp->host->mem;
	void *p = m->map ? m->map(m->opaque, gpa, len) : NULL;

	return (uint64_t)(uintptr_t)p;
}

/* Queue @q's ring, where the driver put it (the used ring where we write it). */
static int set_vring(struct vhost_net *v, struct virtio_pci *vp, unsigned int q,
		     int backend_fd, char *why, size_t why_len)
{
	const struct virtqueue *vq = &vp->vq[q];
	struct vhost_vring_state num = { .index = q, .num = vq->size };
	struct vhost_vring_state base = { .index = q, .num = vq->last_avail };
	struct vhost_vring_addr addr = {
		.index = q,
		.desc_user_addr = hva(vp, vq->desc, 16ull * vq->size),
		.avail_user_addr = hva(vp, vq->avail, 6ull + 2ull * vq->size),
		.used_user_addr = hva(vp, vq->used, 6ull + 8ull * vq->size),
	};
	struct vhost_vring_file kick = { .index = q, .fd = v->kick[q] };
	struct vhost_vring_file call = { .index = q, .fd = v->call[q] };
	struct vhost_vring_file backend = { .index = q, .fd = backend_fd };

	if (!vq->ready || !vq->size) {
		snprintf(why, why_len, "queue %u is not set up", q);
		return -EINVAL;
	}
	if (!addr.desc_user_addr || !addr.avail_user_addr || !addr.used_user_addr) {
		snprintf(why, why_len, "queue %u's ring is not in guest RAM", q);
		return -EINVAL;
	}
	if (ioctl(v->fd, VHOST_SET_VRING_NUM, &num) < 0 ||
	    ioctl(v->fd, VHOST_SET_VRING_BASE, &base) < 0 ||
	    ioctl(v->fd, VHOST_SET_VRING_ADDR, &addr) < 0 ||
	    ioctl(v->fd, VHOST_SET_VRING_KICK, &kick) < 0 ||
	    ioctl(v->fd, VHOST_SET_VRING_CALL, &call) < 0 ||
	    ioctl(v->fd, VHOST_NET_SET_BACKEND, &backend) < 0) {
		int ret = -errno;

		snprintf(why, why_len, "queue %u: %s", q, strerror(errno));
		return ret;
	}
	return 0;
}

/* vhost lets go of queue @q; its place in the ring back into @vp's queue. */
static void unset_vring(struct vhost_net *v, struct virtio_pci *vp, unsigned int q)
{
	struct vhost_vring_file backend = { .index = q, .fd = -1 };
	struct vhost_vring_state base = { .index = q };
	struct virtqueue *vq = &vp->vq[q];
	uint16_t used_idx;
	eventfd_t drained;

	(void)ioctl(v->fd, VHOST_NET_SET_BACKEND, &backend);
	if (ioctl(v->fd, VHOST_GET_VRING_BASE, &base) == 0)
		vq->last_avail = (uint16_t)base.num;
	if (vq->size && !vq->mem->read(vq->mem->opaque, vq->used + VRING_USED_IDX, &used_idx, 2))
		vq->used_idx = used_idx;
	(void)virtio_pci_set_kick_to(vp, q, -1);
	(void)eventfd_read(v->call[q], &drained);
}

int vhost_net_start(struct vhost_net *v, struct virtio_pci *vp, int backend_fd, char *why,
		    size_t why_len)
{
	uint64_t features = vp->driver_features & VHOST_RING_FEATURES, have = 0;
	unsigned int q, done;
	int ret;

	if (v->fd < 0 || v->running)
		return v->fd < 0 ? -EBADF : 0;
	if (ioctl(v->fd, VHOST_GET_FEATURES, &have) < 0) {
		ret = -errno;
		snprintf(why, why_len, "VHOST_GET_FEATURES: %s", strerror(errno));
		return ret;
	}
	if (features & ~have) {
		snprintf(why, why_len, "it lacks feature bits %#llx the driver took",
			 (unsigned long long)(features & ~have));
		return -EOPNOTSUPP;
	}
	if (ioctl(v->fd, VHOST_SET_FEATURES, &features) < 0) {
		ret = -errno;
		snprintf(why, why_len, "VHOST_SET_FEATURES: %s", strerror(errno));
		return ret;
	}
	ret = set_mem_table(v, vp->host, why, why_len);
	if (ret)
		return ret;
	for (done = 0; done < VHOST_NET_QUEUES; done++) {
		ret = set_vring(v, vp, done, backend_fd, why, why_len);
		if (ret)
			break;
	}
	if (ret) {
		for (q = 0; q < done; q++)
			unset_vring(v, vp, q);
		return ret;
	}
	for (q = 0; q < VHOST_NET_QUEUES; q++) {
		ret = virtio_pci_set_kick_to(vp, q, v->kick[q]);
		if (ret)
			fprintf(stderr, "vmapple: %s: KVM refused queue %u's ioeventfd for vhost "
				"(%s): its kicks exit first\n", vp->p.name, q, strerror(-ret));
		(void)eventfd_write(v->kick[q], 1);	/* what the driver posted already */
	}
	v->running = true;
	return 0;
}

void vhost_net_stop(struct vhost_net *v, struct virtio_pci *vp)
{
	unsigned int q;

	if (!v->running)
		return;
	for (q = 0; q < VHOST_NET_QUEUES; q++)
		unset_vring(v, vp, q);
	v->running = false;
}
