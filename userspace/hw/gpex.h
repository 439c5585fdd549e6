/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gpex.h - the VMApple board's PCIe host (QEMU's GPEX): ECAM at
 * 0x4000_0000 (256 buses; our functions live on bus 0, function 0 of each
 * slot), the identity-mapped 32-bit MMIO window at 0x5000_0000 where the
 * guest places BARs, and 16 INTx lines at SPI 0x20, swizzled
 * (slot + pin) % 16 as the board's GPEX change does.  Slot 0 holds the
 * host bridge (1b36:0008, as QEMU's).  Facts: vmapple-board.md §1.5, §6.2.
 */
#ifndef VMAPPLE_HW_GPEX_H
#define VMAPPLE_HW_GPEX_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "pci.h"

#define GPEX_ECAM_BASE		0x40000000ull
#define GPEX_ECAM_SIZE		0x10000000ull
#define GPEX_MMIO_BASE		0x50000000ull
#define GPEX_MMIO_SIZE		0x1fff0000ull
#define GPEX_FIRST_SPI		0x20
#define GPEX_NR_IRQS		16
#define GPEX_SLOTS		32

/* The SPI that INTx pin @pin (1 = INTA) of @slot raises. */
static inline uint32_t gpex_intx_spi(unsigned int slot, unsigned int pin)
{
	return GPEX_FIRST_SPI + (slot + pin - 1) % GPEX_NR_IRQS;
}

struct gpex {
	struct pci_function *slot[GPEX_SLOTS];
	struct pci_function host_bridge;
	pthread_mutex_t cfg_lock;	/* config space and BAR lookup */
	pthread_mutex_t intx_lock;
	unsigned int intx_count[GPEX_NR_IRQS];	/* functions asserting each line */
	void (*set_spi)(void *opaque, uint32_t spi, bool level);
	void *opaque;
};

void gpex_init(struct gpex *g);

/* 0, -EINVAL (slot out of range or 0), -EEXIST (slot taken). */
int gpex_add(struct gpex *g, unsigned int slot, struct pci_function *f);

/* A function drives its INTx pin (lines shared by several are ORed). */
void gpex_set_intx(struct pci_function *f, bool level);

/* mmio_bus access functions; @opaque is the struct gpex. */
int gpex_ecam_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		     bool is_write);
int gpex_mmio_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		     bool is_write);

#endif
