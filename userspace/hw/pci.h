/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pci.h - one PCI function's type-0 configuration space: the header,
 * 32-bit memory BARs (sized the architected way: the write mask keeps the
 * size bits clear), and a capability list.  The device owns what is
 * behind its BARs; the host bridge (gpex.c) routes config and BAR accesses.
 */
#ifndef VMAPPLE_HW_PCI_H
#define VMAPPLE_HW_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_CFG_SPACE		256
#define PCI_NR_BARS		6

/* Header offsets and bits (PCI Local Bus 3.0, §6). */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_REVISION_ID		0x08
#define PCI_CLASS_PROG		0x09
#define PCI_HEADER_TYPE		0x0e
#define PCI_BAR0		0x10
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c
#define PCI_SUBSYSTEM_ID	0x2e
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d

#define PCI_COMMAND_MEMORY	0x0002
#define PCI_COMMAND_MASTER	0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS_INTERRUPT	0x0008
#define PCI_STATUS_CAP_LIST	0x0010

#define PCI_CAP_ID_VNDR		0x09
#define PCI_CAP_ID_EXP		0x10
#define PCI_CAP_ID_MSIX		0x11

struct pci_function;

struct pci_function_ops {
	/* An access of 1-8 bytes at @offset into BAR @bar. */
	int (*bar_access)(struct pci_function *f, unsigned int bar, uint64_t offset,
			  uint8_t *data, unsigned int len, bool is_write);
	/* After the guest wrote [offset, offset + len) of config space. */
	void (*cfg_written)(struct pci_function *f, unsigned int offset, unsigned int len);
	/* Reads the device answers itself (a window into a BAR); false: plain config. */
	bool (*cfg_read)(struct pci_function *f, unsigned int offset, uint8_t *data,
			 unsigned int len);
};

struct gpex;

struct pci_function {
	uint8_t cfg[PCI_CFG_SPACE];
	uint8_t wmask[PCI_CFG_SPACE];	/* bits the guest may change */
	uint32_t bar_size[PCI_NR_BARS];	/* 0: no BAR */
	unsigned int next_cap;		/* where the next capability goes */
	const struct pci_function_ops *ops;
	void *opaque;			/* the device */
	struct gpex *host;		/* set by gpex_add() */
	unsigned int slot;
	bool intx_level;		/* what this function drives on its INTx pin */
};

void pci_function_init(struct pci_function *f, uint16_t vendor, uint16_t device,
		       uint32_t class_code, uint8_t revision);
void pci_set_subsystem(struct pci_function *f, uint16_t vendor, uint16_t id);
/* A 32-bit non-prefetchable memory BAR of @size bytes (a power of two, >= 16). */
void pci_set_bar(struct pci_function *f, unsigned int bar, uint32_t size);
/* INTA..INTD = 1..4. */
void pci_set_intx_pin(struct pci_function *f, uint8_t pin);
/*
 * Append a capability: @body is the bytes after the ID and next pointer
 * (@len of them).  Returns its config offset, or 0 when space runs out.
 */
unsigned int pci_add_cap(struct pci_function *f, uint8_t id, const void *body, unsigned int len);
/* Let the guest write @len bytes of config at @offset (capability fields). */
void pci_allow_write(struct pci_function *f, unsigned int offset, unsigned int len);

/* The BAR's guest address when memory decoding is on and it is assigned, else 0. */
uint32_t pci_bar_addr(const struct pci_function *f, unsigned int bar);

/* A config access of 1, 2 or 4 bytes; @offset beyond the header space reads 0. */
void pci_cfg_access(struct pci_function *f, unsigned int offset, uint8_t *data,
		    unsigned int len, bool is_write);

static inline uint32_t pci_cfg_get(const struct pci_function *f, unsigned int off,
				   unsigned int len)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		v |= (uint32_t)f->cfg[off + i] << (8 * i);
	return v;
}

static inline void pci_cfg_put(struct pci_function *f, unsigned int off, uint32_t v,
			       unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		f->cfg[off + i] = (uint8_t)(v >> (8 * i));
}

#endif
