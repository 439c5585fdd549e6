// SPDX-License-Identifier: GPL-2.0
/* t8103_dt.c - the t8103 board as a device tree for Linux (see t8103_dt.h). */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "../../dt_util.h"
#include "../../hw/s5l_uart.h"
#include "t8103.h"
#include "t8103_dt.h"

#define PH_AIC		1
#define PH_CLKREF	2

/* dt-bindings/interrupt-controller/apple-aic.h */
#define AIC_IRQ			0
#define AIC_FIQ			1
#define AIC_TMR_HV_PHYS		0
#define AIC_TMR_HV_VIRT		1
#define AIC_TMR_GUEST_PHYS	2
#define AIC_TMR_GUEST_VIRT	3
#define IRQ_LEVEL_HIGH		4

uint64_t t8103_mpidr(unsigned int i, unsigned int nr)
{
	unsigned int ecores = (nr + 1) / 2;

	return i < ecores ? i : 0x10100 + (i - ecores);
}

static bool is_pcore(uint64_t mpidr)
{
	return (mpidr >> 16) & 0xff;	/* Aff2 1: the firestorm cluster */
}

static int cpus(void *fdt, const struct t8103_dt_params *p)
{
	unsigned int i;
	int ret;

	CHECK(fdt_begin_node(fdt, "cpus"));
	CHECK(fdt_property_u32(fdt, "#address-cells", 2));
	CHECK(fdt_property_u32(fdt, "#size-cells", 0));
	for (i = 0; i < p->nr_cpus; i++) {
		uint64_t slot = p->release_addr + 8ull * i;
		const uint32_t reg[] = { (uint32_t)(p->mpidr[i] >> 32), (uint32_t)p->mpidr[i] };
		const uint32_t release[] = { (uint32_t)(slot >> 32), (uint32_t)slot };

		CHECK(begin_node_at(fdt, "cpu", p->mpidr[i]));
		CHECK(fdt_property_string(fdt, "compatible",
					  is_pcore(p->mpidr[i]) ? "apple,firestorm" : "apple,icestorm"));
		CHECK(fdt_property_string(fdt, "device_type", "cpu"));
		CHECK(prop_cells(fdt, "reg", reg, 2));
		CHECK(fdt_property_string(fdt, "enable-method", "spin-table"));
		CHECK(prop_cells(fdt, "cpu-release-addr", release, 2));
		CHECK(fdt_end_node(fdt));
	}
	CHECK(fdt_end_node(fdt));
	return 0;
fail:
	return ret;
}

static int soc(void *fdt, const struct t8103_dt_params *p)
{
	const uint32_t uart_irq[] = { AIC_IRQ, S5L_UART_AIC_IRQ, IRQ_LEVEL_HIGH };
	const uint32_t clocks[] = { PH_CLKREF, PH_CLKREF };
	int ret;

	CHECK(fdt_begin_node(fdt, "soc"));
	CHECK(fdt_property_string(fdt, "compatible", "simple-bus"));
	CHECK(fdt_property_u32(fdt, "#address-cells", 2));
	CHECK(fdt_property_u32(fdt, "#size-cells", 2));
	CHECK(fdt_property(fdt, "ranges", NULL, 0));
	CHECK(fdt_property(fdt, "nonposted-mmio", NULL, 0));

	CHECK(begin_node_at(fdt, "interrupt-controller", T8103_AIC_BASE));
	if (p->mmio_ipis)
		CHECK(fdt_property_string(fdt, "compatible", "apple,aic"));
	else
		CHECK(PROP_STRINGS(fdt, "compatible", "apple,t8103-aic\0apple,aic"));
	CHECK(fdt_property_u32(fdt, "#interrupt-cells", 3));
	CHECK(fdt_property(fdt, "interrupt-controller", NULL, 0));
	CHECK(prop_reg(fdt, T8103_AIC_BASE, T8103_AIC_SIZE));
	CHECK(fdt_property_u32(fdt, "phandle", PH_AIC));
	CHECK(fdt_end_node(fdt));

	CHECK(begin_node_at(fdt, "serial", S5L_UART_BASE));
	CHECK(fdt_property_string(fdt, "compatible", "apple,s5l-uart"));
	CHECK(prop_reg(fdt, S5L_UART_BASE, 0x1000));
	CHECK(fdt_property_u32(fdt, "reg-io-width", 4));
	CHECK(fdt_property_u32(fdt, "interrupt-parent", PH_AIC));
	CHECK(prop_cells(fdt, "interrupts", uart_irq, 3));
	CHECK(prop_cells(fdt, "clocks", clocks, 2));
	CHECK(PROP_STRINGS(fdt, "clock-names", "uart\0clk_uart_baud0"));
	CHECK(fdt_property_string(fdt, "status", "okay"));
	CHECK(fdt_end_node(fdt));
	CHECK(fdt_end_node(fdt));
	return 0;
fail:
	return ret;
}

static int root(void *fdt, const struct t8103_dt_params *p)
{
	const uint32_t timer_irqs[] = {
		AIC_FIQ, AIC_TMR_GUEST_PHYS, IRQ_LEVEL_HIGH, AIC_FIQ, AIC_TMR_GUEST_VIRT, IRQ_LEVEL_HIGH,
		AIC_FIQ, AIC_TMR_HV_PHYS, IRQ_LEVEL_HIGH, AIC_FIQ, AIC_TMR_HV_VIRT, IRQ_LEVEL_HIGH,
	};
	char uart_path[64];
	int ret;

	snprintf(uart_path, sizeof(uart_path), "/soc/serial@%llx",
		 (unsigned long long)S5L_UART_BASE);
	CHECK(fdt_begin_node(fdt, ""));
	CHECK(PROP_STRINGS(fdt, "compatible", "apple,j274\0apple,t8103\0apple,arm-platform"));
	CHECK(fdt_property_string(fdt, "model", "vmapple t8103 (Apple M1) board"));
	CHECK(fdt_property_u32(fdt, "#address-cells", 2));
	CHECK(fdt_property_u32(fdt, "#size-cells", 2));
	CHECK(fdt_property_u32(fdt, "interrupt-parent", PH_AIC));

	CHECK(fdt_begin_node(fdt, "aliases"));
	CHECK(fdt_property_string(fdt, "serial0", uart_path));
	CHECK(fdt_end_node(fdt));

	CHECK(dt_chosen(fdt, p->bootargs, "serial0", p->initrd_start, p->initrd_size));
	CHECK(cpus(fdt, p));
	CHECK(dt_memory(fdt, p->ram_base, p->ram_size));

	CHECK(fdt_begin_node(fdt, "timer"));
	CHECK(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	CHECK(fdt_property_u32(fdt, "interrupt-parent", PH_AIC));
	CHECK(PROP_STRINGS(fdt, "interrupt-names", "phys\0virt\0hyp-phys\0hyp-virt"));
	CHECK(prop_cells(fdt, "interrupts", timer_irqs, 12));
	CHECK(fdt_end_node(fdt));

	CHECK(fdt_begin_node(fdt, "clock-ref"));
	CHECK(fdt_property_string(fdt, "compatible", "fixed-clock"));
	CHECK(fdt_property_u32(fdt, "#clock-cells", 0));
	CHECK(fdt_property_u32(fdt, "clock-frequency", 24000000));
	CHECK(fdt_property_string(fdt, "clock-output-names", "clkref"));
	CHECK(fdt_property_u32(fdt, "phandle", PH_CLKREF));
	CHECK(fdt_end_node(fdt));

	CHECK(fdt_begin_node(fdt, "psci"));
	CHECK(fdt_property_string(fdt, "compatible", "arm,psci-1.0"));
	CHECK(fdt_property_string(fdt, "method", "hvc"));
	CHECK(fdt_end_node(fdt));

	CHECK(soc(fdt, p));
	CHECK(fdt_end_node(fdt));
	return 0;
fail:
	return ret;
}

int t8103_dt_build(const struct t8103_dt_params *p, void *buf, size_t size, char *err,
		   size_t err_len)
{
	int ret;

	CHECK(fdt_create(buf, (int)size));
	CHECK(fdt_finish_reservemap(buf));
	CHECK(root(buf, p));
	CHECK(fdt_finish(buf));
	return fdt_totalsize(buf);
fail:
	snprintf(err, err_len, "vmapple: t8103 device tree: %s", fdt_strerror(ret));
	return -1;
}
