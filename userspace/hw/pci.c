// SPDX-License-Identifier: GPL-2.0
/* pci.c - a PCI function's configuration space (see pci.h). */
#include "pci.h"

#include <string.h>

#define PCI_CAP_START	0x40

void pci_function_init(struct pci_function *f, uint16_t vendor, uint16_t device,
		       uint32_t class_code, uint8_t revision)
{
	memset(f->cfg, 0, sizeof(f->cfg));
	memset(f->wmask, 0, sizeof(f->wmask));
	memset(f->bar_size, 0, sizeof(f->bar_size));
	pci_cfg_put(f, PCI_VENDOR_ID, vendor, 2);
	pci_cfg_put(f, PCI_DEVICE_ID, device, 2);
	pci_cfg_put(f, PCI_REVISION_ID, revision | class_code << 8, 4);
	/* Memory decoding, bus mastering and INTx disable are the guest's to set. */
	f->wmask[PCI_COMMAND] = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	f->wmask[PCI_COMMAND + 1] = PCI_COMMAND_INTX_DISABLE >> 8;
	f->wmask[PCI_INTERRUPT_LINE] = 0xff;
	f->next_cap = PCI_CAP_START;
	f->intx_level = false;
}

void pci_set_subsystem(struct pci_function *f, uint16_t vendor, uint16_t id)
{
	pci_cfg_put(f, PCI_SUBSYSTEM_VENDOR_ID, vendor, 2);
	pci_cfg_put(f, PCI_SUBSYSTEM_ID, id, 2);
}

void pci_set_bar(struct pci_function *f, unsigned int bar, uint32_t size)
{
	unsigned int off = PCI_BAR0 + 4 * bar;

	f->bar_size[bar] = size;
	/* Memory, 32-bit, not prefetchable: flag bits 0.  Address bits above the size. */
	pci_cfg_put(f, off, 0, 4);
	f->wmask[off] = (uint8_t)~(size - 1);
	f->wmask[off + 1] = (uint8_t)(~(size - 1) >> 8);
	f->wmask[off + 2] = (uint8_t)(~(size - 1) >> 16);
	f->wmask[off + 3] = (uint8_t)(~(size - 1) >> 24);
}

void pci_set_intx_pin(struct pci_function *f, uint8_t pin)
{
	f->cfg[PCI_INTERRUPT_PIN] = pin;
}

unsigned int pci_add_cap(struct pci_function *f, uint8_t id, const void *body, unsigned int len)
{
	unsigned int off = f->next_cap, prev;

	if (off + 2 + len > PCI_CFG_SPACE)
		return 0;
	f->cfg[off] = id;
	f->cfg[off + 1] = 0;
	memcpy(&f->cfg[off + 2], body, len);
	/* Chain it after the last one. */
	if (!(f->cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST)) {
		f->cfg[PCI_CAPABILITY_LIST] = (uint8_t)off;
		f->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	} else {
		for (prev = f->cfg[PCI_CAPABILITY_LIST]; f->cfg[prev + 1];
		     prev = f->cfg[prev + 1])
			;
		f->cfg[prev + 1] = (uint8_t)off;
	}
	f->next_cap = (off + 2 + len + 3) & ~3u;
	return off;
}

void pci_allow_write(struct pci_function *f, unsigned int offset, unsigned int len)
{
	memset(&f->wmask[offset], 0xff, len);
}

uint32_t pci_bar_addr(const struct pci_function *f, unsigned int bar)
{
	if (bar >= PCI_NR_BARS || !f->bar_size[bar] || !(f->cfg[PCI_COMMAND] & PCI_COMMAND_MEMORY))
		return 0;
	return pci_cfg_get(f, PCI_BAR0 + 4 * bar, 4) & ~(f->bar_size[bar] - 1);
}

void pci_cfg_access(struct pci_function *f, unsigned int offset, uint8_t *data,
		    unsigned int len, bool is_write)
{
	unsigned int i;

	if (offset >= PCI_CFG_SPACE || len > PCI_CFG_SPACE - offset) {
		if (!is_write)
			memset(data, 0, len);	/* no extended capabilities */
		return;
	}
	if (!is_write) {
		if (!f->ops || !f->ops->cfg_read || !f->ops->cfg_read(f, offset, data, len))
			memcpy(data, &f->cfg[offset], len);
		return;
	}
	for (i = 0; i < len; i++)
		f->cfg[offset + i] = (f->cfg[offset + i] & ~f->wmask[offset + i]) |
				     (data[i] & f->wmask[offset + i]);
	if (f->ops && f->ops->cfg_written)
		f->ops->cfg_written(f, offset, len);
}
