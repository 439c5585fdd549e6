// SPDX-License-Identifier: GPL-2.0
/*
 * test_t8103_dt - the t8103 board's device tree, read back with libfdt, as
 * Linux 6.12's irq-apple-aic.c, arm_arch_timer.c, samsung_tty.c and the
 * spin-table code will read it.
 */
#include <string.h>

#include "../../userspace/boards/t8103/t8103.h"
#include "../../userspace/boards/t8103/t8103_dt.h"
#include "fdt_read.h"
#include "tap.h"

static uint8_t fdt[T8103_DT_MAX_SIZE];
static uint64_t mpidr[4];

static struct t8103_dt_params params = {
	.nr_cpus = 4, .mpidr = mpidr,
	.release_addr = T8103_PEN_BASE + T8103_RELEASE_OFFSET,
	.ram_base = T8103_RAM_BASE, .ram_size = 512ull << 20,
	.initrd_start = T8103_RAM_BASE + 0x1000000, .initrd_size = 0x2000,
	.bootargs = "console=ttySAC0",
};

static bool has_compat(const char *path, const char *want)
{
	int node = fdt_path_offset(fdt, path);

	return node >= 0 && !fdt_node_check_compatible(fdt, node, want);
}

int main(void)
{
	char err[128];
	unsigned int i;
	int n;

	for (i = 0; i < 4; i++)
		mpidr[i] = t8103_mpidr(i, 4);
	ok(mpidr[0] == 0 && mpidr[1] == 1 && mpidr[2] == 0x10100 && mpidr[3] == 0x10101,
	   "4 vCPUs: two icestorm e-cores (0x0, 0x1), two firestorm p-cores (0x10100, 0x10101)");
	ok(t8103_mpidr(0, 1) == 0 && t8103_mpidr(1, 2) == 0x10100,
	   "1 vCPU is e-core 0; 2 vCPUs are one of each");
	n = t8103_dt_build(&params, fdt, sizeof(fdt), err, sizeof(err));
	ok(n > 0 && !fdt_check_header(fdt), "the tree builds and checks");
	ok(has_compat("/", "apple,t8103") && cell(fdt, "/", "interrupt-parent", 0) ==
	   cell(fdt, "/soc/interrupt-controller@23b100000", "phandle", 0),
	   "root: apple,t8103, interrupt parent the AIC");
	ok(has_compat("/soc/interrupt-controller@23b100000", "apple,t8103-aic") &&
	   has_compat("/soc/interrupt-controller@23b100000", "apple,aic") &&
	   cell(fdt, "/soc/interrupt-controller@23b100000", "reg", 1) == 0x3b100000 &&
	   cell(fdt, "/soc/interrupt-controller@23b100000", "reg", 3) == 0x8000 &&
	   cell(fdt, "/soc/interrupt-controller@23b100000", "#interrupt-cells", 0) == 3,
	   "AIC: t8103-aic + aic (fast IPIs), 0x2_3b10_0000, 32 KiB, 3 cells");
	ok(cell(fdt, "/timer", "interrupts", 0) == 1 && cell(fdt, "/timer", "interrupts", 1) == 2 &&
	   cell(fdt, "/timer", "interrupts", 4) == 3 && cell(fdt, "/timer", "interrupts", 7) == 0,
	   "timer: AIC FIQs, phys = guest phys (2), virt = guest virt (3), hyp-phys = HV phys (0)");
	ok(!strcmp(str(fdt, "/cpus/cpu@10101", "enable-method"), "spin-table") &&
	   has_compat("/cpus/cpu@10101", "apple,firestorm") &&
	   has_compat("/cpus/cpu@1", "apple,icestorm") &&
	   cell(fdt, "/cpus/cpu@10101", "reg", 1) == 0x10101,
	   "CPUs: spin-table, e- and p-cores named as in t8103.dtsi, reg = MPIDR");
	ok(cell(fdt, "/cpus/cpu@10101", "cpu-release-addr", 0) == 1 &&
	   cell(fdt, "/cpus/cpu@10101", "cpu-release-addr", 1) == T8103_RELEASE_OFFSET + 3 * 8,
	   "each CPU has its own release slot in the boot-ROM page");
	ok(has_compat("/soc/serial@235200000", "apple,s5l-uart") &&
	   cell(fdt, "/soc/serial@235200000", "interrupts", 1) == 605 &&
	   cell(fdt, "/soc/serial@235200000", "reg-io-width", 0) == 4 &&
	   cell(fdt, "/soc/serial@235200000", "clocks", 0) ==
	   cell(fdt, "/clock-ref", "phandle", 0) &&
	   cell(fdt, "/clock-ref", "clock-frequency", 0) == 24000000,
	   "UART: s5l at 0x2_3520_0000, AIC IRQ 605, 32-bit, the 24 MHz clkref");
	ok(!strcmp(str(fdt, "/aliases", "serial0"), "/soc/serial@235200000") &&
	   !strcmp(str(fdt, "/chosen", "bootargs"), "console=ttySAC0"),
	   "chosen: bootargs; serial0 is the UART");
	ok(cell(fdt, "/memory@800000000", "reg", 0) == 8 &&
	   cell(fdt, "/memory@800000000", "reg", 3) == 512u << 20,
	   "memory: at 0x8_0000_0000, --mem long");
	params.mmio_ipis = true;
	n = t8103_dt_build(&params, fdt, sizeof(fdt), err, sizeof(err));
	ok(n > 0 && !has_compat("/soc/interrupt-controller@23b100000", "apple,t8103-aic") &&
	   has_compat("/soc/interrupt-controller@23b100000", "apple,aic"),
	   "mmio_ipis: compatible apple,aic alone (the driver's MMIO IPIs)");
	ok(t8103_dt_build(&params, fdt, 256, err, sizeof(err)) < 0 &&
	   strstr(err, "t8103 device tree"), "a buffer too small: an error naming the tree");
	return tap_done();
}
