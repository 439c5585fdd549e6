// SPDX-License-Identifier: GPL-2.0
/* pci.c - the virtio-pci modern transport (see pci.h). */
#include "pci.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* virtio_pci_cap cfg_type values (§4.1.4). */
#define CAP_COMMON	1
#define CAP_NOTIFY	2
#define CAP_ISR		3
#define CAP_DEVICE	4
#define CAP_PCI_CFG	5


#define MSIX_CTRL_ENABLE	0x8000
#define MSIX_CTRL_MASKALL	0x4000
#define PCI_CLASS_OTHER		0xff0000
#define PCI_VENDOR_VIRTIO	0x1af4

static uint64_t le_get(const uint8_t *d, unsigned int len)
{
	uint64_t v = 0;

	memcpy(&v, d, len);
	return v;
}

static void le_put(uint8_t *d, uint64_t v, unsigned int len)
{
	memcpy(d, &v, len);
}

static uint16_t msix_control(const struct virtio_pci *vp)
{
	return (uint16_t)pci_cfg_get(&vp->pci, vp->msix_cap + 2, 2);
}

static bool msix_enabled(const struct virtio_pci *vp)
{
	return msix_control(vp) & MSIX_CTRL_ENABLE;
}

static void msix_fire(struct virtio_pci *vp, uint16_t vector)
{
	const struct msix_entry *e;

	if (vector >= VIRTIO_PCI_MAX_VECTORS)
		return;
	e = &vp->msix[vector];
	if ((e->ctrl & 1) || (msix_control(vp) & MSIX_CTRL_MASKALL)) {
		vp->msix_pending |= 1u << vector;
		return;
	}
	vp->msix_pending &= ~(1u << vector);
	vp->host->msi(vp->host->opaque, (uint64_t)e->addr_hi << 32 | e->addr_lo, e->data);
}

/* Deliver what became unmasked. */
static void msix_flush_pending(struct virtio_pci *vp)
{
	unsigned int v;

	if (!msix_enabled(vp))
		return;	/* MSI-X disabled: no messages; they stay pending */
	for (v = 0; v < VIRTIO_PCI_MAX_VECTORS; v++)
		if (vp->msix_pending & (1u << v))
			msix_fire(vp, (uint16_t)v);
}

/* The INTx pin: a pending ISR, unless MSI-X is on or the driver disabled INTx. */
static void update_intx(struct virtio_pci *vp)
{
	gpex_set_intx(&vp->pci, vp->isr && !msix_enabled(vp) &&
		      !(pci_cfg_get(&vp->pci, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE));
}

static void raise(struct virtio_pci *vp, uint16_t vector, uint8_t isr_bit)
{
	if (msix_enabled(vp)) {
		if (vector != VIRTIO_PCI_NO_VECTOR)
			msix_fire(vp, vector);
		return;
	}
	vp->isr |= isr_bit;
	update_intx(vp);
}

void virtio_pci_notify_queue(struct virtio_pci *vp, unsigned int q)
{
	if (q < vp->p.nr_queues && vq_wants_interrupt(&vp->vq[q]))
		raise(vp, vp->queue_vector[q], 1);
}

void virtio_pci_interrupt_queue(struct virtio_pci *vp, unsigned int q)
{
	if (q < vp->p.nr_queues)
		raise(vp, vp->queue_vector[q], 1);
}

void virtio_pci_needs_reset(struct virtio_pci *vp)
{
	if (vp->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	fprintf(stderr, "vmapple: %s: the driver's virtqueue is malformed; device needs reset\n",
		vp->p.name);
	vp->status |= VIRTIO_STATUS_NEEDS_RESET;
	vp->config_generation++;
	raise(vp, vp->msix_config, 2);
}

void virtio_pci_config_changed(struct virtio_pci *vp)
{
	vp->config_generation++;
	raise(vp, vp->msix_config, 2);
}

void virtio_pci_drain_kick(int fd)
{
	eventfd_t v;

	(void)eventfd_read(fd, &v);
}

void virtio_pci_rekick(struct virtio_pci *vp, unsigned int q)
{
	if (q < vp->p.nr_queues)
		(void)eventfd_write(vp->kick_fd[q], 1);
}

void virtio_pci_batch_done(struct virtio_pci *vp, unsigned int q, int got, unsigned int taken,
			   bool used)
{
	if (got < 0 || vp->vq[q].broken)
		virtio_pci_needs_reset(vp);
	else if (taken > VIRTIO_PCI_BATCH)
		virtio_pci_rekick(vp, q);	/* more may wait: after the others */
	if (used)
		virtio_pci_notify_queue(vp, q);
}

int virtio_pci_set_kick_to(struct virtio_pci *vp, unsigned int q, int fd)
{
	uint64_t gpa = vp->ioeventfd_base + VIRTIO_PCI_NOTIFY + q * VIRTIO_PCI_NOTIFY_MULT;
	int ret = 0;

	if (q >= vp->p.nr_queues)
		return -EINVAL;
	if (fd < 0)
		fd = vp->kick_fd[q];
	if (fd == vp->kick_to[q])
		return 0;
	/* KVM takes one eventfd per address: the old one goes first. */
	if (vp->ioeventfd_base && vp->host->ioeventfd) {
		vp->host->ioeventfd(vp->host->opaque, gpa, vp->kick_to[q], false);
		ret = vp->host->ioeventfd(vp->host->opaque, gpa, fd, true);
	}
	vp->kick_to[q] = fd;	/* kicks that exit go there too */
	return ret;
}

/* Register the kick eventfds at BAR 0's current place (or take them away). */
static void update_ioeventfds(struct virtio_pci *vp)
{
	uint64_t base = pci_bar_addr(&vp->pci, 0);
	unsigned int q;

	if (base == vp->ioeventfd_base || !vp->host->ioeventfd)
		return;
	for (q = 0; q < vp->p.nr_queues; q++) {
		uint64_t off = VIRTIO_PCI_NOTIFY + q * VIRTIO_PCI_NOTIFY_MULT;
		int ret;

		if (vp->ioeventfd_base)
			vp->host->ioeventfd(vp->host->opaque, vp->ioeventfd_base + off,
					    vp->kick_to[q], false);
		if (!base)
			continue;
		ret = vp->host->ioeventfd(vp->host->opaque, base + off, vp->kick_to[q], true);
		/* Correct either way, only slower: say so once. */
		if (ret && !vp->ioeventfd_refused++)
			fprintf(stderr, "vmapple: %s: KVM refused an ioeventfd (%s): its kicks exit "
				"to the launcher\n", vp->p.name, strerror(-ret));
	}
	vp->ioeventfd_base = base;
}

static void device_reset(struct virtio_pci *vp)
{
	unsigned int q;

	if (vp->p.ops->reset)
		vp->p.ops->reset(vp);
	vp->status = 0;
	vp->driver_features = 0;
	vp->device_feature_select = vp->driver_feature_select = 0;
	vp->queue_select = 0;
	vp->msix_config = VIRTIO_PCI_NO_VECTOR;
	vp->isr = 0;
	update_intx(vp);
	for (q = 0; q < vp->p.nr_queues; q++) {
		vq_reset(&vp->vq[q]);
		vp->vq[q].size = vp->p.queue_size;
		vp->queue_vector[q] = VIRTIO_PCI_NO_VECTOR;
	}
}

static void write_status(struct virtio_pci *vp, uint8_t status)
{
	if (!status) {
		device_reset(vp);
		return;
	}
	/* FEATURES_OK sticks only for a subset of ours that includes VERSION_1 (§2.2). */
	if ((status & VIRTIO_STATUS_FEATURES_OK) && !(vp->status & VIRTIO_STATUS_FEATURES_OK) &&
	    ((vp->driver_features & ~vp->device_features) ||
	     !(vp->driver_features & VIRTIO_F_VERSION_1)))
		status &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
	vp->status = status | (vp->status & VIRTIO_STATUS_NEEDS_RESET);
}

static struct virtqueue *selected(struct virtio_pci *vp)
{
	return vp->queue_select < vp->p.nr_queues ? &vp->vq[vp->queue_select] : NULL;
}

static void set_half(uint64_t *v, bool high, uint32_t half)
{
	*v = high ? (*v & 0xffffffffull) | (uint64_t)half << 32
		  : (*v & ~0xffffffffull) | half;
}

static uint64_t common_read(struct virtio_pci *vp, unsigned int off)
{
	struct virtqueue *vq = selected(vp);

	switch (off) {
	case VIRTIO_CC_DFSELECT:
		return vp->device_feature_select;
	case VIRTIO_CC_DF:
		return vp->device_feature_select < 2 ?
		       (uint32_t)(vp->device_features >> (32 * vp->device_feature_select)) : 0;
	case VIRTIO_CC_GFSELECT:
		return vp->driver_feature_select;
	case VIRTIO_CC_GF:
		return vp->driver_feature_select < 2 ?
		       (uint32_t)(vp->driver_features >> (32 * vp->driver_feature_select)) : 0;
	case VIRTIO_CC_MSIX:
		return vp->msix_config;
	case VIRTIO_CC_NUMQ:
		return vp->p.nr_queues;
	case VIRTIO_CC_STATUS:
		return vp->status;
	case VIRTIO_CC_CFGGEN:
		return vp->config_generation;
	case VIRTIO_CC_Q_SELECT:
		return vp->queue_select;
	case VIRTIO_CC_Q_SIZE:
		return vq ? vq->size : 0;
	case VIRTIO_CC_Q_MSIX:
		return vq ? vp->queue_vector[vp->queue_select] : VIRTIO_PCI_NO_VECTOR;
	case VIRTIO_CC_Q_ENABLE:
		return vq ? vq->ready : 0;
	case VIRTIO_CC_Q_NOFF:
		return vp->queue_select;
	case VIRTIO_CC_Q_DESCLO: case VIRTIO_CC_Q_DESCHI:
		return vq ? (uint32_t)(vq->desc >> (off == VIRTIO_CC_Q_DESCHI ? 32 : 0)) : 0;
	case VIRTIO_CC_Q_AVAILLO: case VIRTIO_CC_Q_AVAILHI:
		return vq ? (uint32_t)(vq->avail >> (off == VIRTIO_CC_Q_AVAILHI ? 32 : 0)) : 0;
	case VIRTIO_CC_Q_USEDLO: case VIRTIO_CC_Q_USEDHI:
		return vq ? (uint32_t)(vq->used_programmed >> (off == VIRTIO_CC_Q_USEDHI ? 32 : 0))
			  : 0;
	}
	return 0;
}

static void queue_enable(struct virtio_pci *vp, struct virtqueue *vq)
{
	/* Split rings are a power of two in size, at most what we offered. */
	if (!vq->size || vq->size > vp->p.queue_size || (vq->size & (vq->size - 1))) {
		vp->bad_accesses++;
		return;
	}
	vq->used = vq->used_programmed;
	if (vp->host->fix_overlapping_used) {
		bool moved;

		vq->used = vq_used_address(vq->desc, vq->avail, vq->used_programmed, vq->size,
					   &moved);
		if (moved && !vp->used_relocated++)
			fprintf(stderr, "vmapple: %s: queue %u's used ring at 0x%llx overlaps its "
				"rings (AppleVirtIO's layout): the device uses 0x%llx\n", vp->p.name,
				(unsigned int)(vq - vp->vq), (unsigned long long)vq->used_programmed,
				(unsigned long long)vq->used);
	}
	vq->last_avail = vq->used_idx = 0;
	vq->broken = false;
	vq->event_idx = vp->driver_features & VIRTIO_F_RING_EVENT_IDX;
	vq->signalled_valid = false;
	vq->ready = true;
}

static void common_write(struct virtio_pci *vp, unsigned int off, uint32_t v)
{
	struct virtqueue *vq = selected(vp);
	/* Queue registers are the driver's only before it enables the queue. */
	bool q_open = vq && !vq->ready;

	switch (off) {
	case VIRTIO_CC_DFSELECT:
		vp->device_feature_select = v;
		return;
	case VIRTIO_CC_GFSELECT:
		vp->driver_feature_select = v;
		return;
	case VIRTIO_CC_GF:
		if (vp->driver_feature_select < 2 && !(vp->status & VIRTIO_STATUS_FEATURES_OK))
			set_half(&vp->driver_features, vp->driver_feature_select, v);
		return;
	case VIRTIO_CC_MSIX:
		vp->msix_config = v < VIRTIO_PCI_MAX_VECTORS ? (uint16_t)v : VIRTIO_PCI_NO_VECTOR;
		return;
	case VIRTIO_CC_STATUS:
		write_status(vp, (uint8_t)v);
		return;
	case VIRTIO_CC_Q_SELECT:
		vp->queue_select = (uint16_t)v;
		return;
	case VIRTIO_CC_Q_SIZE:
		if (q_open)
			vq->size = (uint16_t)v;
		return;
	case VIRTIO_CC_Q_MSIX:
		/* An unusable vector reads back as NO_VECTOR (§4.1.5.1.2). */
		if (vq)
			vp->queue_vector[vp->queue_select] =
				v < VIRTIO_PCI_MAX_VECTORS ? (uint16_t)v : VIRTIO_PCI_NO_VECTOR;
		return;
	case VIRTIO_CC_Q_ENABLE:
		if (q_open && v == 1)
			queue_enable(vp, vq);
		return;
	case VIRTIO_CC_Q_DESCLO: case VIRTIO_CC_Q_DESCHI:
		if (q_open)
			set_half(&vq->desc, off == VIRTIO_CC_Q_DESCHI, v);
		return;
	case VIRTIO_CC_Q_AVAILLO: case VIRTIO_CC_Q_AVAILHI:
		if (q_open)
			set_half(&vq->avail, off == VIRTIO_CC_Q_AVAILHI, v);
		return;
	case VIRTIO_CC_Q_USEDLO: case VIRTIO_CC_Q_USEDHI:
		if (q_open)
			set_half(&vq->used_programmed, off == VIRTIO_CC_Q_USEDHI, v);
		return;
	}
	vp->bad_accesses++;	/* read-only or unknown */
}

/* Common config: the driver uses naturally sized accesses; 64-bit ones split. */
static void common_access(struct virtio_pci *vp, unsigned int off, uint8_t *data,
			  unsigned int len, bool is_write)
{
	if (len == 8 && (off == VIRTIO_CC_Q_DESCLO || off == VIRTIO_CC_Q_AVAILLO || off == VIRTIO_CC_Q_USEDLO)) {
		common_access(vp, off, data, 4, is_write);
		common_access(vp, off + 4, data + 4, 4, is_write);
		return;
	}
	if (off >= VIRTIO_CC_SIZE || len > 4) {
		if (!is_write)
			memset(data, 0, len);
		vp->bad_accesses++;
		return;
	}
	if (is_write)
		common_write(vp, off, (uint32_t)le_get(data, len));
	else
		le_put(data, common_read(vp, off), len);
}

/* The MSI-X table's 32-bit words: addr_lo, addr_hi, data, ctrl per 16-byte entry. */
static uint32_t *msix_word(struct virtio_pci *vp, uint64_t off)
{
	struct msix_entry *e = &vp->msix[off / 16];
	uint32_t *words[] = { &e->addr_lo, &e->addr_hi, &e->data, &e->ctrl };

	return words[(off % 16) / 4];
}

/* BAR 1: the table, then the PBA.  8-byte accesses are two 4-byte ones. */
static void msix_access(struct virtio_pci *vp, uint64_t off, uint8_t *data, unsigned int len,
			bool is_write)
{
	unsigned int shift = 8 * (off % 4);
	uint32_t *w, mask;

	if (len == 8) {
		msix_access(vp, off, data, 4, is_write);
		msix_access(vp, off + 4, data + 4, 4, is_write);
		return;
	}
	if (off >= VIRTIO_PCI_MSIX_PBA) {
		if (!is_write)
			le_put(data, off == VIRTIO_PCI_MSIX_PBA ? vp->msix_pending : 0, len);
		return;
	}
	/* Within one word of an entry that exists, or nothing. */
	if (off / 16 >= VIRTIO_PCI_MAX_VECTORS || off % 4 + len > 4) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	w = msix_word(vp, off);
	if (!is_write) {
		le_put(data, *w >> shift, len);
		return;
	}
	mask = (len == 4 ? ~0u : (1u << (8 * len)) - 1) << shift;
	*w = (*w & ~mask) | (((uint32_t)le_get(data, len) << shift) & mask);
	msix_flush_pending(vp);
}

static int bar_access(struct pci_function *f, unsigned int bar, uint64_t off, uint8_t *data,
		      unsigned int len, bool is_write)
{
	struct virtio_pci *vp = f->opaque;

	pthread_mutex_lock(&vp->lock);
	if (bar == 1) {
		msix_access(vp, off, data, len, is_write);
	} else if (off < VIRTIO_PCI_ISR) {
		common_access(vp, (unsigned int)off, data, len, is_write);
	} else if (off < VIRTIO_PCI_DEVICE) {
		/* ISR: reading it acknowledges the interrupt and lowers INTx. */
		if (!is_write) {
			memset(data, 0, len);
			data[0] = off == VIRTIO_PCI_ISR ? vp->isr : 0;
			if (off == VIRTIO_PCI_ISR) {
				vp->isr = 0;
				update_intx(vp);
			}
		}
	} else if (off < VIRTIO_PCI_NOTIFY) {
		off -= VIRTIO_PCI_DEVICE;
		if (off < vp->p.config_size && len <= vp->p.config_size - off &&
		    vp->p.ops->config_access)
			vp->p.ops->config_access(vp, (unsigned int)off, data, len, is_write);
		else if (!is_write)
			memset(data, 0, len);
	} else {
		uint64_t q = (off - VIRTIO_PCI_NOTIFY) / VIRTIO_PCI_NOTIFY_MULT;

		/* A kick that exited: the path KVM's ioeventfd takes otherwise. */
		if (is_write && q < vp->p.nr_queues) {
			vp->kicks_exited++;
			(void)eventfd_write(vp->kick_to[q], 1);
		}
		else if (!is_write)
			memset(data, 0, len);
	}
	pthread_mutex_unlock(&vp->lock);
	return 0;
}

/* The VIRTIO_PCI_CAP_PCI_CFG window: cap + 4 bar, + 8 offset, + 12 length, + 16 data. */
static bool pcicfg_window(struct virtio_pci *vp, unsigned int off, unsigned int len)
{
	unsigned int data = vp->pcicfg_cap + 16;

	return off < data + 4 && off + len > data;
}

static void pcicfg_bar_access(struct virtio_pci *vp, bool is_write)
{
	struct pci_function *f = &vp->pci;
	unsigned int cap = vp->pcicfg_cap;
	uint32_t bar = f->cfg[cap + 4], off = pci_cfg_get(f, cap + 8, 4);
	uint32_t len = pci_cfg_get(f, cap + 12, 4);

	if ((len != 1 && len != 2 && len != 4) || bar > 1 || off % len ||
	    off >= f->bar_size[bar] || len > f->bar_size[bar] - off)
		return;
	bar_access(f, bar, off, &f->cfg[cap + 16], len, is_write);
}

static bool cfg_read(struct pci_function *f, unsigned int off, uint8_t *data, unsigned int len)
{
	struct virtio_pci *vp = f->opaque;

	if (!pcicfg_window(vp, off, len))
		return false;
	pcicfg_bar_access(vp, false);
	memcpy(data, &f->cfg[off], len);
	return true;
}

static void cfg_written(struct pci_function *f, unsigned int off, unsigned int len)
{
	struct virtio_pci *vp = f->opaque;

	if (pcicfg_window(vp, off, len)) {
		pcicfg_bar_access(vp, true);
		return;
	}
	pthread_mutex_lock(&vp->lock);
	update_ioeventfds(vp);
	/* INTx disable or MSI-X on masks the pin at once; off again shows a pending ISR. */
	update_intx(vp);
	if (off < vp->msix_cap + 4 && off + len > vp->msix_cap + 2)
		msix_flush_pending(vp);
	pthread_mutex_unlock(&vp->lock);
}

static const struct pci_function_ops transport_ops = {
	.bar_access = bar_access,
	.cfg_written = cfg_written,
	.cfg_read = cfg_read,
};

static void add_virtio_cap(struct virtio_pci *vp, uint8_t type, uint8_t bar, uint32_t off,
			   uint32_t len, unsigned int extra)
{
	uint8_t body[18] = { 0 };

	body[0] = (uint8_t)(16 + extra);	/* cap_len */
	body[1] = type;
	body[2] = bar;
	le_put(&body[6], off, 4);
	le_put(&body[10], len, 4);
	if (type == CAP_NOTIFY)
		le_put(&body[14], VIRTIO_PCI_NOTIFY_MULT, 4);
	if (type == CAP_PCI_CFG) {
		vp->pcicfg_cap = pci_add_cap(&vp->pci, PCI_CAP_ID_VNDR, body, 14 + extra);
		/* bar, offset, length and data are the driver's to write. */
		pci_allow_write(&vp->pci, vp->pcicfg_cap + 4, 1);
		pci_allow_write(&vp->pci, vp->pcicfg_cap + 8, 12);
		return;
	}
	pci_add_cap(&vp->pci, PCI_CAP_ID_VNDR, body, 14 + extra);
}

static void add_caps(struct virtio_pci *vp)
{
	uint8_t msix[10] = { 0 }, pcie[0x3a] = { 0 };

	add_virtio_cap(vp, CAP_COMMON, 0, VIRTIO_PCI_COMMON, VIRTIO_CC_SIZE, 0);
	add_virtio_cap(vp, CAP_ISR, 0, VIRTIO_PCI_ISR, 4, 0);
	if (vp->p.config_size)	/* a device without config has no such structure */
		add_virtio_cap(vp, CAP_DEVICE, 0, VIRTIO_PCI_DEVICE, vp->p.config_size, 0);
	add_virtio_cap(vp, CAP_NOTIFY, 0, VIRTIO_PCI_NOTIFY,
		       vp->p.nr_queues * VIRTIO_PCI_NOTIFY_MULT, 4);
	add_virtio_cap(vp, CAP_PCI_CFG, 0, 0, 0, 4);
	/* MSI-X: table size - 1, table and PBA in BAR 1. */
	le_put(&msix[0], VIRTIO_PCI_MAX_VECTORS - 1, 2);
	le_put(&msix[2], VIRTIO_PCI_MSIX_TABLE | 1, 4);
	le_put(&msix[6], VIRTIO_PCI_MSIX_PBA | 1, 4);
	vp->msix_cap = pci_add_cap(&vp->pci, PCI_CAP_ID_MSIX, msix, sizeof(msix));
	vp->pci.wmask[vp->msix_cap + 3] = (MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL) >> 8;
	/* PCIe v2, a root-complex integrated endpoint, as QEMU's on a root bus. */
	le_put(&pcie[0], 0x2 | 0x9 << 4, 2);
	pci_add_cap(&vp->pci, PCI_CAP_ID_EXP, pcie, sizeof(pcie));
}

int virtio_pci_init(struct virtio_pci *vp, const struct virtio_pci_params *p,
		    const struct virtio_host *host)
{
	uint16_t vendor = p->pci_vendor ? p->pci_vendor : PCI_VENDOR_VIRTIO;
	uint16_t device = p->pci_vendor ? p->pci_device : 0x1040 + p->device_type;
	unsigned int q;

	memset(vp, 0, sizeof(*vp));
	vp->p = *p;
	vp->host = host;
	pthread_mutex_init(&vp->lock, NULL);
	for (q = 0; q < VIRTIO_PCI_MAX_QUEUES; q++)
		vp->kick_fd[q] = -1;
	if (p->nr_queues > VIRTIO_PCI_MAX_QUEUES || p->queue_size > VQ_MAX_SIZE ||
	    p->config_size > VIRTIO_PCI_NOTIFY - VIRTIO_PCI_DEVICE)
		return -EINVAL;
	for (q = 0; q < p->nr_queues; q++) {
		vp->kick_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (vp->kick_fd[q] < 0) {
			virtio_pci_destroy(vp);
			return -errno;
		}
		vp->kick_to[q] = vp->kick_fd[q];
		vp->vq[q].mem = &host->mem;
	}
	/* Revision 1: a modern-only device (§4.1.2.1). */
	pci_function_init(&vp->pci, vendor, device, p->class_code ? p->class_code :
			  PCI_CLASS_OTHER, 1);
	pci_set_subsystem(&vp->pci, PCI_VENDOR_VIRTIO, 0x40);
	pci_set_bar(&vp->pci, 0, VIRTIO_PCI_BAR0_SIZE);
	pci_set_bar(&vp->pci, 1, VIRTIO_PCI_BAR1_SIZE);
	pci_set_intx_pin(&vp->pci, 1);
	vp->pci.ops = &transport_ops;
	vp->pci.opaque = vp;
	add_caps(vp);
	/* Every device suppresses kicks and interrupts the driver does not need. */
	vp->device_features = p->features | VIRTIO_F_VERSION_1 |
			      (host->no_event_idx ? 0 : VIRTIO_F_RING_EVENT_IDX);
	device_reset(vp);
	for (q = 0; q < VIRTIO_PCI_MAX_VECTORS; q++)
		vp->msix[q].ctrl = 1;	/* masked at reset */
	return 0;
}

void virtio_pci_destroy(struct virtio_pci *vp)
{
	unsigned int q;

	for (q = 0; q < VIRTIO_PCI_MAX_QUEUES; q++) {
		if (vp->kick_fd[q] >= 0)
			close(vp->kick_fd[q]);
		vp->kick_fd[q] = -1;
	}
}
