// SPDX-License-Identifier: GPL-2.0
/* test_hw_gicv2m - MSI_TYPER, SETSPI into and outside the frame, IIDR. */
#include "../../userspace/hw/gicv2m.h"
#include "tap.h"

static uint32_t raised[4];
static unsigned int n_raised;

static void raise_spi(void *o, uint32_t spi) { (void)o; raised[n_raised++ % 4] = spi; }

static uint32_t rd(struct gicv2m *m, uint64_t off)
{
	uint32_t v = 0;

	gicv2m_access(m, off, (uint8_t *)&v, 4, false);
	return v;
}

static void wr(struct gicv2m *m, uint64_t off, uint32_t v)
{
	gicv2m_access(m, off, (uint8_t *)&v, 4, true);
}

int main(void)
{
	struct gicv2m m = { .raise_spi = raise_spi };

	ok(rd(&m, GICV2M_MSI_TYPER) == (GICV2M_TYPER_MACOS | (160u << 16) | 128),
	   "MSI_TYPER: bit 31 (macOS), base INTID 160, 128 SPIs");
	ok(rd(&m, GICV2M_MSI_IIDR) == 0, "IIDR: no erratum-triggering ID");
	wr(&m, GICV2M_MSI_SETSPI_NS, 160);
	wr(&m, GICV2M_MSI_SETSPI_NS, 287);
	ok(n_raised == 2 && raised[0] == 0x80 && raised[1] == 0xff, "SETSPI raises SPI 0x80 and 0xff");
	wr(&m, GICV2M_MSI_SETSPI_NS, 159);
	wr(&m, GICV2M_MSI_SETSPI_NS, 288);
	wr(&m, GICV2M_MSI_SETSPI_NS, 0xffffffff);
	ok(n_raised == 2 && m.dropped == 3, "INTIDs outside the frame are dropped and counted");
	wr(&m, GICV2M_MSI_TYPER, 0);
	ok(rd(&m, GICV2M_MSI_TYPER) == (GICV2M_TYPER_MACOS | (160u << 16) | 128),
	   "MSI_TYPER is read-only");
	ok(gicv2m_deliver_msi(&m, GICV2M_BASE + GICV2M_MSI_SETSPI_NS, 161) && n_raised == 3 &&
	   raised[2] == 0x81, "a device's MSI to SETSPI raises its SPI");
	ok(!gicv2m_deliver_msi(&m, 0x50000000, 161) && !gicv2m_deliver_msi(&m, GICV2M_BASE, 161) &&
	   n_raised == 3 && m.dropped == 5,
	   "an MSI programmed to any other address (a BAR, the frame's TYPER) is refused, counted");
	return tap_done();
}
