// SPDX-License-Identifier: GPL-2.0
/* gpex.c - the PCIe host: ECAM, BAR window, INTx (see gpex.h). */
#include "gpex.h"

#include <errno.h>
#include <string.h>

#define ECAM_BUS(off)	((off) >> 20)
#define ECAM_SLOT(off)	(((off) >> 15) & 0x1f)
#define ECAM_FN(off)	(((off) >> 12) & 0x7)
#define ECAM_REG(off)	((off) & 0xfff)

void gpex_init(struct gpex *g)
{
	memset(g->slot, 0, sizeof(g->slot));
	memset(g->intx_count, 0, sizeof(g->intx_count));
	pthread_mutex_init(&g->cfg_lock, NULL);
	pthread_mutex_init(&g->intx_lock, NULL);
	/* Red Hat's "QEMU PCIe host bridge", class host bridge. */
	pci_function_init(&g->host_bridge, 0x1b36, 0x0008, 0x060000, 0);
	g->host_bridge.ops = NULL;
	g->host_bridge.host = g;
	g->slot[0] = &g->host_bridge;
}

int gpex_add(struct gpex *g, unsigned int slot, struct pci_function *f)
{
	if (!slot || slot >= GPEX_SLOTS)
		return -EINVAL;
	if (g->slot[slot])
		return -EEXIST;
	f->host = g;
	f->slot = slot;
	g->slot[slot] = f;
	return 0;
}

void gpex_set_intx(struct pci_function *f, bool level)
{
	struct gpex *g = f->host;
	unsigned int pin = f->cfg[PCI_INTERRUPT_PIN], line;

	if (!g || pin < 1 || pin > 4)
		return;
	line = gpex_intx_spi(f->slot, pin) - GPEX_FIRST_SPI;
	pthread_mutex_lock(&g->intx_lock);
	if (f->intx_level != level) {
		f->intx_level = level;
		if (level ? !g->intx_count[line]++ : !--g->intx_count[line])
			g->set_spi(g->opaque, GPEX_FIRST_SPI + line, level);
		/* Status.Interrupt reflects the pin, as the spec has it. */
		if (level)
			f->cfg[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
		else
			f->cfg[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
	}
	pthread_mutex_unlock(&g->intx_lock);
}

int gpex_ecam_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		     bool is_write)
{
	struct gpex *g = opaque;
	struct pci_function *f = NULL;
	unsigned int reg = ECAM_REG(offset);

	/* Config accesses are naturally aligned 1, 2 or 4 bytes. */
	if ((len != 1 && len != 2 && len != 4) || (reg & (len - 1))) {
		if (!is_write)
			memset(data, 0xff, len);
		return 0;
	}
	if (!ECAM_BUS(offset) && !ECAM_FN(offset))
		f = g->slot[ECAM_SLOT(offset)];
	if (!f) {
		if (!is_write)
			memset(data, 0xff, len);	/* no function: master abort */
		return 0;
	}
	pthread_mutex_lock(&g->cfg_lock);
	pci_cfg_access(f, reg, data, len, is_write);
	pthread_mutex_unlock(&g->cfg_lock);
	return 0;
}

int gpex_mmio_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		     bool is_write)
{
	struct gpex *g = opaque;
	uint64_t addr = GPEX_MMIO_BASE + offset;
	struct pci_function *hit = NULL;
	unsigned int s, bar, hit_bar = 0;
	uint64_t hit_off = 0;

	pthread_mutex_lock(&g->cfg_lock);
	for (s = 1; s < GPEX_SLOTS && !hit; s++) {
		struct pci_function *f = g->slot[s];

		for (bar = 0; f && bar < PCI_NR_BARS; bar++) {
			uint32_t base = pci_bar_addr(f, bar);

			if (base && addr >= base && addr - base < f->bar_size[bar] &&
			    len <= f->bar_size[bar] - (addr - base)) {
				hit = f;
				hit_bar = bar;
				hit_off = addr - base;
				break;
			}
		}
	}
	pthread_mutex_unlock(&g->cfg_lock);
	if (!hit || !hit->ops || !hit->ops->bar_access) {
		if (!is_write)
			memset(data, 0xff, len);	/* nothing decodes it */
		return 0;
	}
	return hit->ops->bar_access(hit, hit_bar, hit_off, data, len, is_write);
}
