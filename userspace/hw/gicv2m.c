// SPDX-License-Identifier: GPL-2.0
/* gicv2m.c - the GICv2m MSI frame (see gicv2m.h). */
#include "gicv2m.h"

#include <string.h>

#define FIRST_INTID	(GICV2M_FIRST_SPI + 32)
#define TYPER_BASE_SHIFT 16

bool gicv2m_deliver_msi(struct gicv2m *m, uint64_t addr, uint32_t data)
{
	uint8_t v[4];

	if (addr != GICV2M_BASE + GICV2M_MSI_SETSPI_NS) {
		m->dropped++;
		return false;
	}
	memcpy(v, &data, 4);
	return !gicv2m_access(m, GICV2M_MSI_SETSPI_NS, v, 4, true);
}

int gicv2m_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		  bool is_write)
{
	struct gicv2m *m = opaque;
	uint32_t v = 0;

	if (is_write) {
		memcpy(&v, data, len < 4 ? len : 4);
		if (offset != GICV2M_MSI_SETSPI_NS)
			return 0;
		v &= 0x3ff;
		if (v >= FIRST_INTID && v < FIRST_INTID + GICV2M_NR_SPIS) {
			m->msis++;
			if (m->raise_spi)
				m->raise_spi(m->opaque, v - 32);
		} else {
			m->dropped++;	/* outside the frame: ignored, as hardware does */
		}
		return 0;
	}
	if (offset == GICV2M_MSI_TYPER)
		v = GICV2M_TYPER_MACOS | (FIRST_INTID << TYPER_BASE_SHIFT) | GICV2M_NR_SPIS;
	memset(data, 0, len);
	memcpy(data, &v, len < 4 ? len : 4);
	return 0;
}
