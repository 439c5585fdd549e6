// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_gicv2m - libFuzzer: the launcher's GICv2m frame at every offset and
 * size, and devices' MSIs to arbitrary addresses; every SPI it raises must
 * be one of the frame's.
 */
#include "../../userspace/hw/gicv2m.h"
#include "fuzz_guest.h"

static void raise_spi(void *opaque, uint32_t spi)
{
	(void)opaque;
	if (spi < GICV2M_FIRST_SPI || spi >= GICV2M_FIRST_SPI + GICV2M_NR_SPIS)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gicv2m m = { .raise_spi = raise_spi };
	struct fuzz_access a;

	while (fuzz_next_access(&data, &size, GICV2M_SIZE, &a)) {
		uint32_t v;

		gicv2m_access(&m, a.offset, a.value, a.len, a.is_write);
		memcpy(&v, a.value, 4);
		gicv2m_deliver_msi(&m, GICV2M_BASE + a.offset, v);
	}
	return 0;
}
