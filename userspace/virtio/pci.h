/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pci.h - the virtio-pci modern transport (virtio 1.2 §4.1), and only the
 * modern one, as the VMApple board sets `disable-legacy=on`.  BAR 0 holds
 * the common, ISR, device and notify structures; BAR 1 the MSI-X table and
 * PBA.  Queue kicks arrive on one eventfd per queue: KVM signals it
 * itself (ioeventfd, no exit) once the guest has placed BAR 0, and a kick
 * that still exits (an ISV=0 store, say) signals the same fd.  Interrupts
 * are MSI-X writes (to the GICv2m frame) or the INTx pin and ISR.
 *
 * Locking: @lock guards the transport and the queues; the device's own
 * thread takes it around each batch, the vCPUs around each register access.
 */
#ifndef VMAPPLE_VIRTIO_PCI_H
#define VMAPPLE_VIRTIO_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../hw/guest_mem.h"
#include "../hw/gpex.h"
#include "../hw/pci.h"
#include "virtqueue.h"

#define VIRTIO_PCI_MAX_QUEUES	4
#define VIRTIO_PCI_MAX_VECTORS	8
#define VIRTIO_PCI_NO_VECTOR	0xffff

/* BAR 0 layout. */
#define VIRTIO_PCI_COMMON	0x0000
#define VIRTIO_PCI_ISR		0x1000
#define VIRTIO_PCI_DEVICE	0x2000
#define VIRTIO_PCI_NOTIFY	0x3000
#define VIRTIO_PCI_NOTIFY_MULT	4
#define VIRTIO_PCI_BAR0_SIZE	0x4000
/* BAR 1 layout. */
#define VIRTIO_PCI_MSIX_TABLE	0x000
#define VIRTIO_PCI_MSIX_PBA	0x800
#define VIRTIO_PCI_BAR1_SIZE	0x1000

/* BAR 0's common configuration: struct virtio_pci_common_cfg offsets (§4.1.4.3). */
#define VIRTIO_CC_DFSELECT	0x00
#define VIRTIO_CC_DF		0x04
#define VIRTIO_CC_GFSELECT	0x08
#define VIRTIO_CC_GF		0x0c
#define VIRTIO_CC_MSIX		0x10
#define VIRTIO_CC_NUMQ		0x12
#define VIRTIO_CC_STATUS	0x14
#define VIRTIO_CC_CFGGEN	0x15
#define VIRTIO_CC_Q_SELECT	0x16
#define VIRTIO_CC_Q_SIZE	0x18
#define VIRTIO_CC_Q_MSIX	0x1a
#define VIRTIO_CC_Q_ENABLE	0x1c
#define VIRTIO_CC_Q_NOFF	0x1e
#define VIRTIO_CC_Q_DESCLO	0x20
#define VIRTIO_CC_Q_DESCHI	0x24
#define VIRTIO_CC_Q_AVAILLO	0x28
#define VIRTIO_CC_Q_AVAILHI	0x2c
#define VIRTIO_CC_Q_USEDLO	0x30
#define VIRTIO_CC_Q_USEDHI	0x34
#define VIRTIO_CC_SIZE		0x38

/* Device status bits (§2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	1
#define VIRTIO_STATUS_DRIVER		2
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

#define VIRTIO_F_RING_INDIRECT_DESC	(1ull << 28)
#define VIRTIO_F_VERSION_1		(1ull << 32)

/* A piece of guest RAM and where this process maps it. */
struct virtio_ram_region {
	uint64_t gpa, size;
	void *hva;
};

/* What the transport needs from the VMM. */
struct virtio_host {
	void *opaque;
	/* Guest RAM, for vhost's memory table: regions filled (at most @max); NULL: none. */
	int (*ram_regions)(void *opaque, struct virtio_ram_region *r, int max);
	struct guest_mem mem;
	/* Have KVM signal @fd on guest writes to @gpa (assign) or stop; 0 or -errno. */
	int (*ioeventfd)(void *opaque, uint64_t gpa, int fd, bool assign);
	/* A device's MSI write: @data to guest-physical @addr. */
	void (*msi)(void *opaque, uint64_t addr, uint32_t data);
	/* Move a used ring that overlaps the other rings (vq_used_address()). */
	bool fix_overlapping_used;
	bool no_event_idx;		/* --event-idx off: VIRTIO_F_RING_EVENT_IDX not offered */
};

struct virtio_pci;

struct virtio_device_ops {
	/* The device-specific config space; offsets are bounds-checked (NULL: none). */
	void (*config_access)(struct virtio_pci *vp, unsigned int offset, uint8_t *data,
			      unsigned int len, bool is_write);
	/* The driver reset the device: forget in-flight state. */
	void (*reset)(struct virtio_pci *vp);
};

struct virtio_pci_params {
	const char *name;		/* for messages: "virtio-blk root" */
	uint16_t device_type;		/* VIRTIO_ID_* */
	uint16_t pci_vendor, pci_device;	/* 0: virtio's own 0x1af4:0x1040 + type */
	uint32_t class_code;
	uint16_t nr_queues;
	uint16_t queue_size;		/* maximum per queue */
	uint64_t features;		/* device features; VERSION_1 is added */
	uint32_t config_size;
	const struct virtio_device_ops *ops;
	void *dev;
};

struct msix_entry {
	uint32_t addr_lo, addr_hi, data, ctrl;	/* ctrl bit 0: masked */
};

struct virtio_pci {
	struct pci_function pci;
	pthread_mutex_t lock;
	struct virtio_pci_params p;
	const struct virtio_host *host;
	uint64_t device_features, driver_features;
	uint32_t device_feature_select, driver_feature_select;
	uint8_t status, config_generation, isr;
	uint16_t msix_config, queue_select;
	uint16_t queue_vector[VIRTIO_PCI_MAX_QUEUES];
	struct virtqueue vq[VIRTIO_PCI_MAX_QUEUES];
	int kick_fd[VIRTIO_PCI_MAX_QUEUES];	/* the worker's */
	int kick_to[VIRTIO_PCI_MAX_QUEUES];	/* where kicks go: kick_fd, or vhost's */
	struct msix_entry msix[VIRTIO_PCI_MAX_VECTORS];
	uint32_t msix_pending;		/* PBA */
	uint64_t ioeventfd_base;	/* BAR 0 address the kicks are registered at */
	unsigned int msix_cap, pcicfg_cap;
	uint64_t bad_accesses;		/* guest errors ignored */
	uint64_t kicks_exited;		/* kicks that came as MMIO exits, not ioeventfd */
	uint64_t used_relocated;	/* queues enabled with their used ring moved */
	unsigned int ioeventfd_refused;
};

/* Set up the function and its capabilities; 0 or -errno (eventfds). */
int virtio_pci_init(struct virtio_pci *vp, const struct virtio_pci_params *p,
		    const struct virtio_host *host);
void virtio_pci_destroy(struct virtio_pci *vp);

/* With @lock held: the device used buffers of queue @q; interrupt if wanted. */
void virtio_pci_notify_queue(struct virtio_pci *vp, unsigned int q);
/*
 * With @lock held: queue @q's interrupt, unconditionally (vhost used
 * buffers and already decided the driver wants to hear of it).
 */
void virtio_pci_interrupt_queue(struct virtio_pci *vp, unsigned int q);
/*
 * With @lock held: the guest's kicks of queue @q go to eventfd @fd (vhost's)
 * from now on, through KVM's ioeventfd and when they exit alike; -1: back to
 * the worker's kick_fd.  0, or KVM's -errno (the kicks then exit to us).
 */
int virtio_pci_set_kick_to(struct virtio_pci *vp, unsigned int q, int fd);
/* With @lock held: the device changed its config space; tell the driver. */
void virtio_pci_config_changed(struct virtio_pci *vp);
/* With @lock held: the device found queue @q malformed; tell the driver. */
void virtio_pci_needs_reset(struct virtio_pci *vp);
static inline bool virtio_pci_driver_ok(const struct virtio_pci *vp)
{
	return vp->status & VIRTIO_STATUS_DRIVER_OK;
}

/* Drain a kick eventfd after poll() said it is readable. */
void virtio_pci_drain_kick(int fd);

/*
 * A worker takes at most this many chains per kick, then kicks itself for
 * the rest: the lock is let go in between (the vCPUs' register accesses,
 * ISR reads, reset), and a stop is seen, however busy the guest keeps it.
 */
#define VIRTIO_PCI_BATCH	64
void virtio_pci_rekick(struct virtio_pci *vp, unsigned int q);
/*
 * With @lock held, after a batch on queue @q: vq_pop()'s last result @got,
 * the chains @taken (past VIRTIO_PCI_BATCH: re-kick), whether any were
 * @used (interrupt).  A broken ring asks the driver for a reset.
 */
void virtio_pci_batch_done(struct virtio_pci *vp, unsigned int q, int got, unsigned int taken,
			   bool used);

#endif
