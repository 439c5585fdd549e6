// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_pci_config - libFuzzer: the PCIe host's ECAM config space and BAR
 * window as a guest's enumeration drives them, with arbitrary offsets,
 * sizes and values: two functions with BARs and a capability, the host
 * bridge, and empty slots.  Every BAR access that reaches a function must
 * name one of its BARs, inside that BAR.
 */
#include "../../userspace/hw/gpex.h"
#include "fuzz_guest.h"

static const uint32_t bar_size[2] = { 0x4000, 0x1000 };

static int bar_access(struct pci_function *f, unsigned int bar, uint64_t offset, uint8_t *data,
		      unsigned int len, bool is_write)
{
	(void)f;
	if (bar >= 2 || offset + len > bar_size[bar])
		abort();
	if (!is_write)
		memset(data, 0x5a, len);
	return 0;
}

static void set_spi(void *opaque, uint32_t spi, bool level)
{
	(void)opaque;
	(void)level;
	if (spi < GPEX_FIRST_SPI || spi >= GPEX_FIRST_SPI + GPEX_NR_IRQS)
		abort();
}

static const struct pci_function_ops ops = { .bar_access = bar_access };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t cap[6] = { 1, 2, 3, 4, 5, 6 };
	struct pci_function fn[2];
	struct fuzz_access a;
	struct gpex g;
	unsigned int i;

	gpex_init(&g);
	g.set_spi = set_spi;
	for (i = 0; i < 2; i++) {
		pci_function_init(&fn[i], 0x1af4, 0x1041 + i, 0x020000, 1);
		pci_set_bar(&fn[i], 0, bar_size[0]);
		pci_set_bar(&fn[i], 1, bar_size[1]);
		pci_set_intx_pin(&fn[i], 1 + i);
		pci_allow_write(&fn[i], pci_add_cap(&fn[i], 0x09, cap, sizeof(cap)), 8);
		fn[i].ops = &ops;
		gpex_add(&g, 1 + 5 * i, &fn[i]);
	}
	while (fuzz_next_access(&data, &size, 0x10000, &a)) {
		/* Bus 0's config space (32 slots x 8 functions x 4 KiB = 1 MiB) or the BAR window. */
		if (a.value[7] & 1) {
			uint64_t off = ((uint64_t)a.value[6] << 16 | a.offset) & 0xfffff;

			gpex_ecam_access(&g, off & ~(uint64_t)(a.len - 1), a.value, a.len, a.is_write);
		} else {
			gpex_mmio_access(&g, a.offset, a.value, a.len, a.is_write);
		}
		if (a.value[5] == 0x7f)
			gpex_set_intx(&fn[a.value[4] & 1], a.value[3] & 1);
	}
	return 0;
}
