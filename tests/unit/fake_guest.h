/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fake_guest.h - what the virtio tests play the guest with: RAM at a fake
 * guest-physical base (accesses outside it fail), a virtio_host that
 * records ioeventfd registrations and MSI writes, a virtio-pci driver's
 * register accesses (config space through pci_cfg_access, BARs through the
 * function's bar_access) and a split ring laid out in that RAM.
 */
#ifndef VMAPPLE_FAKE_GUEST_H
#define VMAPPLE_FAKE_GUEST_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../userspace/virtio/pci.h"

#define RAM_BASE	0x70000000ull
#define RAM_SIZE	0x100000ull

/* Where the rings and buffers live. */
#define RING_DESC	(RAM_BASE + 0x0000)
#define RING_AVAIL	(RAM_BASE + 0x4000)
#define RING_USED	(RAM_BASE + 0x6000)
#define INDIRECT_GPA	(RAM_BASE + 0x10000)
#define BUF_GPA		(RAM_BASE + 0x20000)


struct fake_ioeventfd {
	uint64_t gpa;
	int fd;
	bool assign;
};

struct fake_msi {
	uint64_t addr;
	uint32_t data;
};

struct fake_guest {
	uint8_t *ram;
	struct virtio_host host;
	struct fake_ioeventfd ioev[64];
	unsigned int n_ioev;
	struct fake_msi msi[64];
	unsigned int n_msi;
};

static inline bool fg_in_ram(uint64_t gpa, size_t len)
{
	return gpa >= RAM_BASE && gpa - RAM_BASE <= RAM_SIZE && len <= RAM_SIZE - (gpa - RAM_BASE);
}

static inline int fg_read(void *opaque, uint64_t gpa, void *buf, size_t len)
{
	struct fake_guest *g = opaque;

	if (!fg_in_ram(gpa, len))
		return -EFAULT;
	memcpy(buf, g->ram + (gpa - RAM_BASE), len);
	return 0;
}

static inline int fg_write(void *opaque, uint64_t gpa, const void *buf, size_t len)
{
	struct fake_guest *g = opaque;

	if (!fg_in_ram(gpa, len))
		return -EFAULT;
	memcpy(g->ram + (gpa - RAM_BASE), buf, len);
	return 0;
}

static inline void *fg_map(void *opaque, uint64_t gpa, size_t len)
{
	struct fake_guest *g = opaque;

	return fg_in_ram(gpa, len) ? g->ram + (gpa - RAM_BASE) : NULL;
}

static inline int fg_ioeventfd(void *opaque, uint64_t gpa, int fd, bool assign)
{
	struct fake_guest *g = opaque;

	if (g->n_ioev < sizeof(g->ioev) / sizeof(g->ioev[0]))
		g->ioev[g->n_ioev++] = (struct fake_ioeventfd){ gpa, fd, assign };
	return 0;
}

static inline void fg_msi(void *opaque, uint64_t addr, uint32_t data)
{
	struct fake_guest *g = opaque;

	if (g->n_msi < sizeof(g->msi) / sizeof(g->msi[0]))
		g->msi[g->n_msi++] = (struct fake_msi){ addr, data };
}

static inline void fg_init(struct fake_guest *g)
{
	memset(g, 0, sizeof(*g));
	g->ram = calloc(1, RAM_SIZE);
	if (!g->ram)
		abort();
	g->host = (struct virtio_host){
		.opaque = g,
		.mem = { .opaque = g, .read = fg_read, .write = fg_write, .map = fg_map },
		.ioeventfd = fg_ioeventfd,
		.msi = fg_msi,
	};
}

static inline void fg_free(struct fake_guest *g)
{
	free(g->ram);
	g->ram = NULL;
}

static inline uint8_t *gpa_ptr(struct fake_guest *g, uint64_t gpa)
{
	return g->ram + (gpa - RAM_BASE);
}

static inline void put16(struct fake_guest *g, uint64_t gpa, uint16_t v)
{
	memcpy(gpa_ptr(g, gpa), &v, 2);
}

static inline uint16_t get16(struct fake_guest *g, uint64_t gpa)
{
	uint16_t v;

	memcpy(&v, gpa_ptr(g, gpa), 2);
	return v;
}

static inline uint32_t get32(struct fake_guest *g, uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, gpa_ptr(g, gpa), 4);
	return v;
}

/* Config space, as the guest's config accessors do it. */
static inline uint32_t cfg_rd(struct pci_function *f, unsigned int off, unsigned int len)
{
	uint8_t d[4] = { 0 };
	uint32_t v = 0;

	pci_cfg_access(f, off, d, len, false);
	memcpy(&v, d, len);
	return v;
}

static inline void cfg_wr(struct pci_function *f, unsigned int off, uint32_t v, unsigned int len)
{
	uint8_t d[4];

	memcpy(d, &v, 4);
	pci_cfg_access(f, off, d, len, true);
}

/* BAR accesses, as the host bridge routes them. */
static inline uint64_t bar_rd(struct virtio_pci *vp, unsigned int bar, uint64_t off,
			      unsigned int len)
{
	uint8_t d[8];
	uint64_t v = 0;

	memset(d, 0xa5, sizeof(d));
	vp->pci.ops->bar_access(&vp->pci, bar, off, d, len, false);
	memcpy(&v, d, len);
	return v;
}

static inline void bar_wr(struct virtio_pci *vp, unsigned int bar, uint64_t off, uint64_t v,
			  unsigned int len)
{
	uint8_t d[8];

	memcpy(d, &v, 8);
	vp->pci.ops->bar_access(&vp->pci, bar, off, d, len, true);
}

static inline uint8_t vp_status(struct virtio_pci *vp)
{
	return (uint8_t)bar_rd(vp, 0, VIRTIO_CC_STATUS, 1);
}

/*
 * The vendor capability of @cfg_type found walking the list as a driver
 * does (0: none); at most 48 hops, so a looping list ends.
 */
static inline unsigned int find_vcap(struct pci_function *f, uint8_t cfg_type)
{
	unsigned int pos = cfg_rd(f, PCI_CAPABILITY_LIST, 1) & ~3u, hops = 0;

	while (pos && hops++ < 48) {
		if (cfg_rd(f, pos, 1) == PCI_CAP_ID_VNDR && cfg_rd(f, pos + 3, 1) == cfg_type)
			return pos;
		pos = cfg_rd(f, pos + 1, 1) & ~3u;
	}
	return 0;
}

static inline unsigned int find_cap(struct pci_function *f, uint8_t id)
{
	unsigned int pos = cfg_rd(f, PCI_CAPABILITY_LIST, 1) & ~3u, hops = 0;

	while (pos && hops++ < 48) {
		if (cfg_rd(f, pos, 1) == id)
			return pos;
		pos = cfg_rd(f, pos + 1, 1) & ~3u;
	}
	return 0;
}

/*
 * The driver's part of §3.1.1: reset, ACKNOWLEDGE, DRIVER, features,
 * FEATURES_OK.  Returns the status read back.
 */
static inline uint8_t driver_features(struct virtio_pci *vp, uint64_t features)
{
	bar_wr(vp, 0, VIRTIO_CC_STATUS, 0, 1);
	bar_wr(vp, 0, VIRTIO_CC_STATUS, VIRTIO_STATUS_ACKNOWLEDGE, 1);
	bar_wr(vp, 0, VIRTIO_CC_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER, 1);
	bar_wr(vp, 0, VIRTIO_CC_GFSELECT, 0, 4);
	bar_wr(vp, 0, VIRTIO_CC_GF, (uint32_t)features, 4);
	bar_wr(vp, 0, VIRTIO_CC_GFSELECT, 1, 4);
	bar_wr(vp, 0, VIRTIO_CC_GF, (uint32_t)(features >> 32), 4);
	bar_wr(vp, 0, VIRTIO_CC_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	       VIRTIO_STATUS_FEATURES_OK, 1);
	return vp_status(vp);
}

/* Set up queue @q of @size at the RING_* addresses and enable it; enable read back. */
static inline uint16_t driver_queue(struct virtio_pci *vp, uint16_t q, uint16_t size,
				    uint16_t vector)
{
	bar_wr(vp, 0, VIRTIO_CC_Q_SELECT, q, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_SIZE, size, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_MSIX, vector, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_DESCLO, (uint32_t)RING_DESC, 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_DESCHI, (uint32_t)(RING_DESC >> 32), 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_AVAILLO, (uint32_t)RING_AVAIL, 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_AVAILHI, (uint32_t)(RING_AVAIL >> 32), 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_USEDLO, (uint32_t)RING_USED, 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_USEDHI, (uint32_t)(RING_USED >> 32), 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_ENABLE, 1, 2);
	return (uint16_t)bar_rd(vp, 0, VIRTIO_CC_Q_ENABLE, 2);
}

static inline void driver_ok(struct virtio_pci *vp)
{
	bar_wr(vp, 0, VIRTIO_CC_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	       VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK, 1);
}

/* The driver's side of the split ring (one queue at the RING_* addresses). */
struct fake_ring {
	struct fake_guest *g;
	uint16_t size;
	uint16_t avail_idx;	/* next avail index the driver publishes */
	uint16_t used_seen;	/* used entries consumed */
};

static inline void ring_init(struct fake_ring *r, struct fake_guest *g, uint16_t size)
{
	r->g = g;
	r->size = size;
	r->avail_idx = r->used_seen = 0;
	memset(gpa_ptr(g, RING_DESC), 0, 16u * size);
	memset(gpa_ptr(g, RING_AVAIL), 0, 6u + 2u * size);
	memset(gpa_ptr(g, RING_USED), 0, 6u + 8u * size);
}

static inline void put_desc(struct fake_guest *g, uint64_t table, uint16_t i, uint64_t addr,
			    uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *p = gpa_ptr(g, table + 16ull * i);

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

/* Offer chain @head: the ring entry, then the index (what virtqueue_add does). */
static inline void ring_offer(struct fake_ring *r, uint16_t head)
{
	put16(r->g, RING_AVAIL + 4 + 2ull * (r->avail_idx % r->size), head);
	r->avail_idx++;
	put16(r->g, RING_AVAIL + 2, r->avail_idx);
}

static inline uint16_t ring_used_idx(struct fake_ring *r)
{
	return get16(r->g, RING_USED + 2);
}

/* The used element @n (modulo the size): id and len. */
static inline uint32_t ring_used_id(struct fake_ring *r, uint16_t n)
{
	return get32(r->g, RING_USED + 4 + 8ull * (n % r->size));
}

static inline uint32_t ring_used_len(struct fake_ring *r, uint16_t n)
{
	return get32(r->g, RING_USED + 8 + 8ull * (n % r->size));
}

#endif
