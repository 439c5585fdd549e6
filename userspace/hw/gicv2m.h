/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gicv2m.h - the GICv2m MSI frame at 0x1FFF_0000 that macOS 13+ uses for
 * MSI/MSI-X: a write of an INTID to MSI_SETSPI_NS raises that SPI.  This is
 * the Layer 0 (userspace) frame; the module answers it in the kernel.
 * SPIs 0x80-0xFF (INTIDs 160-287), as QEMU's arm-gicv2m with base-spi 0x80.
 */
#ifndef VMAPPLE_HW_GICV2M_H
#define VMAPPLE_HW_GICV2M_H

#include <stdbool.h>
#include <stdint.h>

#define GICV2M_BASE		0x1fff0000ull
#define GICV2M_SIZE		0x10000ull
#define GICV2M_MSI_TYPER	0x008
/*
 * MSI_TYPER bit 31 (reserved in Arm's GICv2m): macOS does not use the
 * frame without it, as yaelliethy's macos-compat frame reports
 * (shared/specs/macos-guest-facts.md); what it means is unpublished.
 * Linux's driver reads only the base and count fields.
 */
#define GICV2M_TYPER_MACOS	0x80000000u
#define GICV2M_MSI_SETSPI_NS	0x040
#define GICV2M_MSI_IIDR		0xfcc
#define GICV2M_FIRST_SPI	0x80
#define GICV2M_NR_SPIS		128

struct gicv2m {
	/* Raise SPI @spi (INTID - 32) as an edge. */
	void (*raise_spi)(void *opaque, uint32_t spi);
	void *opaque;
	uint64_t msis, dropped;
};

int gicv2m_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		  bool is_write);

/*
 * A device's MSI: @data written to guest-physical @addr.  Only the
 * frame's SETSPI takes one (true); any other address is refused (false)
 * and counted in @dropped, never run against another device.
 */
bool gicv2m_deliver_msi(struct gicv2m *m, uint64_t addr, uint32_t data);

#endif
