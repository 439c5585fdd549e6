// SPDX-License-Identifier: GPL-2.0
/* board_dt.c - the VMApple board as a device tree for Linux (see board_dt.h). */
#include "board_dt.h"

#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "board.h"
#include "../../dt_util.h"
#include "../../hw/gpex.h"

/* phandles */
#define PH_GIC		1
#define PH_CLK		2
#define PH_GPIO		3

/* GIC interrupt specifiers: <type number flags>. */
#define GIC_SPI		0
#define GIC_PPI		1
#define IRQ_EDGE_RISING	1
#define IRQ_LEVEL_HIGH	4
#define KEY_POWER	116	/* <linux/input-event-codes.h> */



/* A primecell: compatible "arm,NAME", "arm,primecell"; one SPI; the APB clock. */
static int primecell(void *fdt, const char *name, uint64_t base, uint64_t size, uint32_t spi,
		     bool two_clocks)
{
	const uint32_t irq[] = { GIC_SPI, spi, IRQ_LEVEL_HIGH };
	const uint32_t clocks[] = { PH_CLK, PH_CLK };
	char compat[64];
	int n, ret;

	n = snprintf(compat, sizeof(compat), "arm,%s%carm,primecell", name, 0);
	CHECK(begin_node_at(fdt, name, base));
	CHECK(fdt_property(fdt, "compatible", compat, n + 1));
	CHECK(prop_reg(fdt, base, size));
	CHECK(prop_cells(fdt, "interrupts", irq, 3));
	CHECK(prop_cells(fdt, "clocks", clocks, two_clocks ? 2 : 1));
	if (two_clocks)
		CHECK(PROP_STRINGS(fdt, "clock-names", "uartclk\0apb_pclk"));
	else
		CHECK(fdt_property_string(fdt, "clock-names", "apb_pclk"));
	return 0;
fail:
	return ret;
}

static int cpus(void *fdt, unsigned int nr_cpus)
{
	unsigned int i;
	int ret;

	CHECK(fdt_begin_node(fdt, "cpus"));
	CHECK(fdt_property_u32(fdt, "#address-cells", 1));
	CHECK(fdt_property_u32(fdt, "#size-cells", 0));
	for (i = 0; i < nr_cpus; i++) {
		/* MPIDR Aff1 = n / 16, Aff0 = n % 16, as the board numbers them. */
		uint32_t mpidr = ((i / 16) << 8) | (i % 16);

		CHECK(begin_node_at(fdt, "cpu", mpidr));
		CHECK(fdt_property_string(fdt, "device_type", "cpu"));
		CHECK(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		CHECK(fdt_property_u32(fdt, "reg", mpidr));
		CHECK(fdt_property_string(fdt, "enable-method", "psci"));
		CHECK(fdt_end_node(fdt));
	}
	CHECK(fdt_end_node(fdt));
	CHECK(fdt_begin_node(fdt, "psci"));
	CHECK(PROP_STRINGS(fdt, "compatible", "arm,psci-1.0\0arm,psci-0.2\0arm,psci"));
	CHECK(fdt_property_string(fdt, "method", "hvc"));
	return fdt_end_node(fdt);
fail:
	return ret;
}

static int gic_and_timers(void *fdt, const struct board_dt_params *p)
{
	const uint32_t maint[] = { GIC_PPI, BOARD_PPI_MAINT - 16, IRQ_LEVEL_HIGH };
	const uint32_t timer[] = {
		GIC_PPI, BOARD_PPI_STIMER - 16, IRQ_LEVEL_HIGH,
		GIC_PPI, BOARD_PPI_PTIMER - 16, IRQ_LEVEL_HIGH,
		GIC_PPI, BOARD_PPI_VTIMER - 16, IRQ_LEVEL_HIGH,
		GIC_PPI, BOARD_PPI_HTIMER - 16, IRQ_LEVEL_HIGH,
	};
	const uint32_t pmu[] = { GIC_PPI, BOARD_PPI_PMU - 16, IRQ_LEVEL_HIGH };
	const uint64_t redist_size = 0x20000ull * p->nr_cpus;
	const uint32_t reg[] = {
		BOARD_GICD >> 32, (uint32_t)BOARD_GICD, 0, 0x10000,
		BOARD_GICR >> 32, (uint32_t)BOARD_GICR, redist_size >> 32, (uint32_t)redist_size,
	};
	int ret;

	CHECK(begin_node_at(fdt, "intc", BOARD_GICD));
	CHECK(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	CHECK(fdt_property_u32(fdt, "#interrupt-cells", 3));
	CHECK(fdt_property(fdt, "interrupt-controller", NULL, 0));
	CHECK(fdt_property_u32(fdt, "#redistributor-regions", 1));
	/* The PCIe interrupt-map names the GIC with two address cells. */
	CHECK(fdt_property_u32(fdt, "#address-cells", 2));
	CHECK(fdt_property_u32(fdt, "#size-cells", 2));
	CHECK(fdt_property(fdt, "ranges", NULL, 0));
	CHECK(prop_cells(fdt, "reg", reg, 8));
	CHECK(prop_cells(fdt, "interrupts", maint, 3));
	CHECK(fdt_property_u32(fdt, "phandle", PH_GIC));
	CHECK(fdt_end_node(fdt));

	CHECK(fdt_begin_node(fdt, "timer"));
	CHECK(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	CHECK(prop_cells(fdt, "interrupts", timer, 12));
	CHECK(fdt_property(fdt, "always-on", NULL, 0));
	CHECK(fdt_end_node(fdt));
	if (p->pmu) {
		CHECK(fdt_begin_node(fdt, "pmu"));
		CHECK(fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3"));
		CHECK(prop_cells(fdt, "interrupts", pmu, 3));
		CHECK(fdt_end_node(fdt));
	}
	return 0;
fail:
	return ret;
}

static int platform_devices(void *fdt)
{
	const uint32_t key_gpio[] = { PH_GPIO, PL061_POWER_BUTTON, 0 };
	int ret;

	CHECK(fdt_begin_node(fdt, "apb-pclk"));
	CHECK(fdt_property_string(fdt, "compatible", "fixed-clock"));
	CHECK(fdt_property_u32(fdt, "#clock-cells", 0));
	CHECK(fdt_property_u32(fdt, "clock-frequency", 24000000));
	CHECK(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
	CHECK(fdt_property_u32(fdt, "phandle", PH_CLK));
	CHECK(fdt_end_node(fdt));

	CHECK(primecell(fdt, "pl011", PL011_BASE, PL011_SIZE, BOARD_SPI_UART, true));
	CHECK(fdt_end_node(fdt));
	CHECK(primecell(fdt, "pl031", PL031_BASE, PL031_SIZE, BOARD_SPI_RTC, false));
	CHECK(fdt_end_node(fdt));
	CHECK(primecell(fdt, "pl061", PL061_BASE, PL061_SIZE, BOARD_SPI_GPIO, false));
	CHECK(fdt_property(fdt, "gpio-controller", NULL, 0));
	CHECK(fdt_property_u32(fdt, "#gpio-cells", 2));
	CHECK(fdt_property_u32(fdt, "phandle", PH_GPIO));
	CHECK(fdt_end_node(fdt));

	CHECK(fdt_begin_node(fdt, "gpio-keys"));
	CHECK(fdt_property_string(fdt, "compatible", "gpio-keys"));
	CHECK(fdt_begin_node(fdt, "poweroff"));
	CHECK(fdt_property_string(fdt, "label", "GPIO Key Poweroff"));
	CHECK(fdt_property_u32(fdt, "linux,code", KEY_POWER));
	CHECK(prop_cells(fdt, "gpios", key_gpio, 3));
	CHECK(fdt_end_node(fdt));
	CHECK(fdt_end_node(fdt));

	CHECK(begin_node_at(fdt, "pvpanic", PVPANIC_BASE));
	CHECK(fdt_property_string(fdt, "compatible", "qemu,pvpanic-mmio"));
	CHECK(prop_reg(fdt, PVPANIC_BASE, PVPANIC_SIZE));
	return fdt_end_node(fdt);
fail:
	return ret;
}

/*
 * The GPEX host: ECAM, the identity-mapped 32-bit MMIO window, and an
 * interrupt-map that spells out the board's swizzle: slot s, pin p (1-4)
 * raises SPI 0x20 + (s + p - 1) % 16.
 */
static int pcie(void *fdt)
{
	const uint32_t ranges[] = {
		0x02000000, GPEX_MMIO_BASE >> 32, (uint32_t)GPEX_MMIO_BASE,
		GPEX_MMIO_BASE >> 32, (uint32_t)GPEX_MMIO_BASE, 0, (uint32_t)GPEX_MMIO_SIZE,
	};
	const uint32_t bus_range[] = { 0, GPEX_ECAM_SIZE / (1u << 20) - 1 };
	const uint32_t mask[] = { 0x1f << 11, 0, 0, 7 };
	uint32_t map[GPEX_SLOTS * 4 * 10];
	unsigned int slot, pin, n = 0;
	int ret;

	for (slot = 0; slot < GPEX_SLOTS; slot++) {
		for (pin = 1; pin <= 4; pin++) {
			const uint32_t entry[] = {
				slot << 11, 0, 0, pin, PH_GIC, 0, 0,
				GIC_SPI, gpex_intx_spi(slot, pin), IRQ_LEVEL_HIGH,
			};

			memcpy(&map[n], entry, sizeof(entry));
			n += 10;
		}
	}
	CHECK(begin_node_at(fdt, "pcie", GPEX_ECAM_BASE));
	CHECK(fdt_property_string(fdt, "compatible", "pci-host-ecam-generic"));
	CHECK(fdt_property_string(fdt, "device_type", "pci"));
	CHECK(prop_reg(fdt, GPEX_ECAM_BASE, GPEX_ECAM_SIZE));
	CHECK(prop_cells(fdt, "bus-range", bus_range, 2));
	CHECK(fdt_property_u32(fdt, "#address-cells", 3));
	CHECK(fdt_property_u32(fdt, "#size-cells", 2));
	CHECK(fdt_property_u32(fdt, "#interrupt-cells", 1));
	CHECK(fdt_property_u32(fdt, "linux,pci-domain", 0));
	CHECK(fdt_property(fdt, "dma-coherent", NULL, 0));
	CHECK(prop_cells(fdt, "ranges", ranges, 7));
	CHECK(prop_cells(fdt, "interrupt-map-mask", mask, 4));
	/* prop_cells' buffer is too small for the map: write it here. */
	for (slot = 0; slot < n; slot++)
		map[slot] = cpu_to_fdt32(map[slot]);
	CHECK(fdt_property(fdt, "interrupt-map", map, (int)(n * sizeof(map[0]))));
	return fdt_end_node(fdt);
fail:
	return ret;
}

static int chosen_and_memory(void *fdt, const struct board_dt_params *p)
{
	int ret;

	CHECK(dt_chosen(fdt, p->bootargs, "/pl011@20010000", p->initrd_start, p->initrd_size));
	return dt_memory(fdt, p->ram_base, p->ram_size);
fail:
	return ret;
}

int board_dt_build(const struct board_dt_params *p, void *buf, size_t size, char *err,
		   size_t err_len)
{
	void *fdt = buf;
	int ret;

	CHECK(fdt_create(fdt, (int)size));
	CHECK(fdt_finish_reservemap(fdt));
	CHECK(fdt_begin_node(fdt, ""));
	CHECK(fdt_property_string(fdt, "compatible", "apple,vmapple"));
	CHECK(fdt_property_string(fdt, "model", "VMApple board (vmapple-kvm)"));
	CHECK(fdt_property_u32(fdt, "#address-cells", 2));
	CHECK(fdt_property_u32(fdt, "#size-cells", 2));
	CHECK(fdt_property_u32(fdt, "interrupt-parent", PH_GIC));
	CHECK(chosen_and_memory(fdt, p));
	CHECK(cpus(fdt, p->nr_cpus));
	CHECK(gic_and_timers(fdt, p));
	CHECK(platform_devices(fdt));
	CHECK(pcie(fdt));
	CHECK(fdt_end_node(fdt));
	CHECK(fdt_finish(fdt));
	return (int)fdt_totalsize(fdt);
fail:
	snprintf(err, err_len, "vmapple: cannot build the device tree: %s", fdt_strerror(ret));
	return -1;
}
