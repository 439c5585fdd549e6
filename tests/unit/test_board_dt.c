// SPDX-License-Identifier: GPL-2.0
/*
 * test_board_dt - the device tree a Linux guest gets, read back with
 * libfdt: chosen, memory, CPUs and PSCI, GICv3 and timers, the platform
 * devices, the PCIe host with its swizzled interrupt-map.
 */
#include <string.h>

#include <libfdt.h>

#include "../../userspace/boards/vmapple/board_dt.h"
#include "../../userspace/boards/vmapple/board.h"
#include "fdt_read.h"
#include "tap.h"

static uint8_t fdt[BOARD_DT_MAX_SIZE];
static uint8_t fdt18[BOARD_DT_MAX_SIZE];

static const struct board_dt_params params = {
	.nr_cpus = 2,
	.ram_base = 0x70000000,
	.ram_size = 256ull << 20,
	.initrd_start = 0x7e000000,
	.initrd_size = 0x123456,
	.bootargs = "console=ttyAMA0 root=/dev/vda",
	.pmu = true,
};

static bool has_compat(const void *t, const char *path, const char *compat)
{
	int node = fdt_path_offset(t, path), len;
	const char *p;

	if (node < 0)
		return false;
	p = fdt_getprop(t, node, "compatible", &len);
	return p && fdt_stringlist_contains(p, len, compat);
}

static uint64_t u64prop(const void *t, const char *path, const char *name)
{
	int node = fdt_path_offset(t, path), len;
	const void *p;
	fdt64_t v;

	if (node < 0)
		return 0;
	p = fdt_getprop(t, node, name, &len);
	if (!p || len != 8)
		return 0;
	memcpy(&v, p, sizeof(v));	/* properties are only 4-byte aligned */
	return fdt64_to_cpu(v);
}

/* reg = <addr size> in 2+2 cells */
static bool reg_is(const void *t, const char *path, int idx, uint64_t addr, uint64_t size)
{
	int b = idx * 4;

	return cell(t, path, "reg", b) == (uint32_t)(addr >> 32) &&
	       cell(t, path, "reg", b + 1) == (uint32_t)addr &&
	       cell(t, path, "reg", b + 2) == (uint32_t)(size >> 32) &&
	       cell(t, path, "reg", b + 3) == (uint32_t)size;
}

/* <GIC_SPI spi IRQ_TYPE_LEVEL_HIGH> */
static bool spi_is(const void *t, const char *path, uint32_t spi)
{
	return prop_len(t, path, "interrupts") == 12 && cell(t, path, "interrupts", 0) == 0 &&
	       cell(t, path, "interrupts", 1) == spi && cell(t, path, "interrupts", 2) == 4;
}

/* The parent interrupt of interrupt-map entry (slot, pin), or -1. */
static int64_t map_spi(const void *t, unsigned int slot, unsigned int pin, uint32_t gic_phandle)
{
	int node = fdt_path_offset(t, "/pcie@40000000"), len, i;
	const fdt32_t *m;

	if (node < 0)
		return -1;
	m = fdt_getprop(t, node, "interrupt-map", &len);
	if (!m)
		return -1;
	for (i = 0; i + 10 <= len / 4; i += 10) {
		if (fdt32_to_cpu(m[i]) != slot << 11 || fdt32_to_cpu(m[i + 3]) != pin)
			continue;
		if (fdt32_to_cpu(m[i + 1]) || fdt32_to_cpu(m[i + 2]) ||
		    fdt32_to_cpu(m[i + 4]) != gic_phandle || fdt32_to_cpu(m[i + 5]) ||
		    fdt32_to_cpu(m[i + 6]) || fdt32_to_cpu(m[i + 7]) != 0 ||
		    fdt32_to_cpu(m[i + 9]) != 4)
			return -1;
		return fdt32_to_cpu(m[i + 8]);
	}
	return -1;
}

static void test_chosen_memory(const void *t)
{
	ok(!strcmp(str(t, "/chosen", "bootargs"), params.bootargs), "/chosen bootargs");
	ok(!strcmp(str(t, "/chosen", "stdout-path"), "/pl011@20010000"),
	   "/chosen stdout-path names the PL011");
	ok(has_compat(t, str(t, "/chosen", "stdout-path"), "arm,pl011"),
	   "stdout-path resolves to the arm,pl011 node");
	ok(u64prop(t, "/chosen", "linux,initrd-start") == 0x7e000000,
	   "linux,initrd-start is the 64-bit start");
	ok(u64prop(t, "/chosen", "linux,initrd-end") == 0x7e000000 + 0x123456,
	   "linux,initrd-end is start + size");
	ok(!strcmp(str(t, "/memory@70000000", "device_type"), "memory"), "memory@70000000 node");
	ok(reg_is(t, "/memory@70000000", 0, 0x70000000, 256ull << 20),
	   "memory reg = <0x7000_0000 256 MiB>");
	ok(cell(t, "/", "#address-cells", 0) == 2 && cell(t, "/", "#size-cells", 0) == 2,
	   "the root has 2 address and 2 size cells");
}

static void test_cpus(const void *t)
{
	ok(fdt_path_offset(t, "/cpus/cpu@0") >= 0 && cell(t, "/cpus/cpu@0", "reg", 0) == 0,
	   "cpu@0 has reg 0");
	ok(fdt_path_offset(t, "/cpus/cpu@1") >= 0 && cell(t, "/cpus/cpu@1", "reg", 0) == 1,
	   "cpu@1 has reg 1");
	ok(fdt_path_offset(t, "/cpus/cpu@2") < 0, "two CPUs: no cpu@2");
	ok(!strcmp(str(t, "/cpus/cpu@1", "enable-method"), "psci"), "CPUs come up by PSCI");
	ok(!strcmp(str(t, "/cpus/cpu@0", "device_type"), "cpu"), "cpu device_type");
	ok(cell(t, "/cpus", "#address-cells", 0) == 1 && cell(t, "/cpus", "#size-cells", 0) == 0,
	   "/cpus has 1 address cell, 0 size cells");
	ok(!strcmp(str(t, "/psci", "method"), "hvc"), "PSCI method hvc");
	ok(has_compat(t, "/psci", "arm,psci-1.0"), "PSCI compatible includes arm,psci-1.0");
	ok(has_compat(t, "/psci", "arm,psci-0.2"), "PSCI compatible includes arm,psci-0.2");
}

static void test_cpus18(void)
{
	struct board_dt_params p = params;
	char err[256] = "";
	const void *t = fdt18;

	p.nr_cpus = 18;
	ok(board_dt_build(&p, fdt18, sizeof(fdt18), err, sizeof(err)) > 0 &&
	   !fdt_check_header(t), "an 18-CPU tree builds");
	ok(cell(t, "/cpus/cpu@f", "reg", 0) == 0xf, "cpu 15 has reg 0xf");
	ok(cell(t, "/cpus/cpu@100", "reg", 0) == 0x100, "cpu 16 has reg 0x100 (Aff1 = 1)");
	ok(cell(t, "/cpus/cpu@101", "reg", 0) == 0x101, "cpu 17 has reg 0x101");
	ok(fdt_path_offset(t, "/cpus/cpu@10") < 0, "no cpu@10: MPIDR is not the index");
	ok(reg_is(t, "/intc@10000000", 1, 0x10010000, 0x20000ull * 18),
	   "18 CPUs: redistributors 18 * 0x20000");
}

static void test_gic_timer_pmu(const void *t)
{
	static const uint32_t ppi[] = { 13, 14, 11, 10 };
	unsigned int i;
	bool timer_ok = prop_len(t, "/timer", "interrupts") == 48;

	ok(has_compat(t, "/intc@10000000", "arm,gic-v3"), "the GIC is arm,gic-v3");
	ok(prop_len(t, "/intc@10000000", "interrupt-controller") == 0,
	   "it is an interrupt-controller");
	ok(cell(t, "/intc@10000000", "#interrupt-cells", 0) == 3, "with 3 interrupt cells");
	ok(reg_is(t, "/intc@10000000", 0, 0x10000000, 0x10000),
	   "GIC reg[0]: distributor 0x1000_0000 size 0x10000");
	ok(reg_is(t, "/intc@10000000", 1, 0x10010000, 0x40000),
	   "GIC reg[1]: redistributors 0x1001_0000 size 2 * 0x20000");
	ok(cell(t, "/", "interrupt-parent", 0) == cell(t, "/intc@10000000", "phandle", 0),
	   "the root's interrupt-parent is the GIC");

	ok(has_compat(t, "/timer", "arm,armv8-timer"), "arm,armv8-timer");
	for (i = 0; i < 4; i++)
		timer_ok = timer_ok && cell(t, "/timer", "interrupts", 3 * i) == 1 &&
			   cell(t, "/timer", "interrupts", 3 * i + 1) == ppi[i] &&
			   cell(t, "/timer", "interrupts", 3 * i + 2) == 4;
	ok(timer_ok, "timer interrupts: PPIs 13, 14, 11, 10 (INTIDs 29, 30, 27, 26), level-high");
	ok(cell(t, "/timer", "interrupts", 1) + 16 == BOARD_PPI_STIMER &&
	   cell(t, "/timer", "interrupts", 4) + 16 == BOARD_PPI_PTIMER &&
	   cell(t, "/timer", "interrupts", 7) + 16 == BOARD_PPI_VTIMER &&
	   cell(t, "/timer", "interrupts", 10) + 16 == BOARD_PPI_HTIMER,
	   "timer PPIs match the BOARD_PPI_* INTIDs");

	ok(has_compat(t, "/pmu", "arm,armv8-pmuv3"), "pmu=true: a PMU node");
	ok(prop_len(t, "/pmu", "interrupts") == 12 && cell(t, "/pmu", "interrupts", 0) == 1 &&
	   cell(t, "/pmu", "interrupts", 1) == 7 && cell(t, "/pmu", "interrupts", 2) == 4,
	   "the PMU interrupt is PPI 7 (INTID 23), level-high");
}

static void test_platform(const void *t)
{
	int node;
	uint32_t gpio_ph;

	ok(has_compat(t, "/pl011@20010000", "arm,pl011") &&
	   has_compat(t, "/pl011@20010000", "arm,primecell"), "pl011: arm,pl011 + arm,primecell");
	ok(reg_is(t, "/pl011@20010000", 0, 0x20010000, PL011_SIZE), "pl011 reg");
	ok(spi_is(t, "/pl011@20010000", 1), "pl011 on SPI 1");
	ok(has_compat(t, "/pl031@20050000", "arm,pl031") &&
	   has_compat(t, "/pl031@20050000", "arm,primecell"), "pl031: arm,pl031 + arm,primecell");
	ok(spi_is(t, "/pl031@20050000", 2), "pl031 on SPI 2");
	ok(has_compat(t, "/pl061@20060000", "arm,pl061") &&
	   has_compat(t, "/pl061@20060000", "arm,primecell"), "pl061: arm,pl061 + arm,primecell");
	ok(spi_is(t, "/pl061@20060000", 5), "pl061 on SPI 5");
	ok(prop_len(t, "/pl061@20060000", "gpio-controller") == 0 &&
	   cell(t, "/pl061@20060000", "#gpio-cells", 0) == 2, "pl061 is a 2-cell gpio-controller");
	node = fdt_path_offset(t, "/apb-pclk");
	ok(node >= 0 && cell(t, "/pl031@20050000", "clocks", 0) == fdt_get_phandle(t, node),
	   "primecells are clocked by the fixed apb-pclk");

	gpio_ph = cell(t, "/pl061@20060000", "phandle", 0);
	ok(has_compat(t, "/gpio-keys", "gpio-keys"), "a gpio-keys node");
	ok(cell(t, "/gpio-keys/poweroff", "linux,code", 0) == 116, "the key is KEY_POWER (116)");
	ok(prop_len(t, "/gpio-keys/poweroff", "gpios") == 12 &&
	   cell(t, "/gpio-keys/poweroff", "gpios", 0) == gpio_ph &&
	   cell(t, "/gpio-keys/poweroff", "gpios", 1) == 3, "on the pl061's gpio 3");

	ok(has_compat(t, "/pvpanic@20070000", "qemu,pvpanic-mmio"), "pvpanic-mmio node");
	ok(reg_is(t, "/pvpanic@20070000", 0, 0x20070000, 2), "pvpanic reg <0x2007_0000 2>");
}

static void test_pcie(const void *t)
{
	const char *pc = "/pcie@40000000";
	uint32_t gic = cell(t, "/intc@10000000", "phandle", 0);

	ok(has_compat(t, pc, "pci-host-ecam-generic"), "PCIe: pci-host-ecam-generic");
	ok(!strcmp(str(t, pc, "device_type"), "pci"), "PCIe device_type pci");
	ok(reg_is(t, pc, 0, 0x40000000, 0x10000000), "PCIe reg <0x4000_0000 0x1000_0000>");
	ok(cell(t, pc, "bus-range", 0) == 0 && cell(t, pc, "bus-range", 1) == 255,
	   "bus-range 0..255");
	ok(cell(t, pc, "#address-cells", 0) == 3 && cell(t, pc, "#size-cells", 0) == 2 &&
	   cell(t, pc, "#interrupt-cells", 0) == 1, "PCIe cells: 3 address, 2 size, 1 interrupt");
	ok(prop_len(t, pc, "ranges") == 28 && cell(t, pc, "ranges", 0) == 0x02000000 &&
	   cell(t, pc, "ranges", 1) == 0 && cell(t, pc, "ranges", 2) == 0x50000000 &&
	   cell(t, pc, "ranges", 3) == 0 && cell(t, pc, "ranges", 4) == 0x50000000 &&
	   cell(t, pc, "ranges", 5) == 0 && cell(t, pc, "ranges", 6) == 0x1fff0000,
	   "ranges: 32-bit memory 0x5000_0000 identity-mapped, size 0x1fff_0000");
	ok(cell(t, pc, "interrupt-map-mask", 0) == 0xf800 &&
	   cell(t, pc, "interrupt-map-mask", 1) == 0 &&
	   cell(t, pc, "interrupt-map-mask", 2) == 0 && cell(t, pc, "interrupt-map-mask", 3) == 7,
	   "interrupt-map-mask <0xf800 0 0 7>");
	ok(prop_len(t, pc, "interrupt-map") == 32 * 4 * 10 * 4,
	   "interrupt-map: 128 entries of 10 cells");
	ok(map_spi(t, 3, 1, gic) == 0x23, "interrupt-map: slot 3 pin 1 -> SPI 0x23");
	ok(map_spi(t, 15, 2, gic) == 0x20, "interrupt-map: slot 15 pin 2 -> SPI 0x20 (wraps)");
	ok(map_spi(t, 0, 1, gic) == 0x20, "interrupt-map: slot 0 pin 1 -> SPI 0x20");
	ok(map_spi(t, 31, 4, gic) == 0x22, "interrupt-map: slot 31 pin 4 -> SPI 0x22");
	ok(cell(t, "/intc@10000000", "#address-cells", 0) == 2,
	   "the GIC's #address-cells (2) matches the map's parent address width");
}

static void test_optional(void)
{
	static uint8_t t[BOARD_DT_MAX_SIZE];
	struct board_dt_params p = params;
	char err[256] = "";

	p.pmu = false;
	p.initrd_size = 0;
	p.bootargs = NULL;
	ok(board_dt_build(&p, t, sizeof(t), err, sizeof(err)) > 0 && !fdt_check_header(t),
	   "a tree without PMU, initrd, bootargs builds");
	ok(fdt_path_offset(t, "/pmu") < 0, "pmu=false: no PMU node");
	ok(prop_len(t, "/chosen", "linux,initrd-start") == -1 &&
	   prop_len(t, "/chosen", "linux,initrd-end") == -1, "no initrd: no initrd properties");
	ok(prop_len(t, "/chosen", "bootargs") == -1, "no bootargs: no bootargs property");
	ok(prop_len(t, "/chosen", "stdout-path") > 0, "stdout-path is always there");
}

static void test_biggest(void)
{
	static uint8_t t[BOARD_DT_MAX_SIZE];
	static char args[2048];
	struct board_dt_params p = params;
	char err[256] = "";

	memset(args, 'x', sizeof(args) - 1);
	p.nr_cpus = BOARD_MAX_CPUS;
	p.bootargs = args;
	ok(board_dt_build(&p, t, sizeof(t), err, sizeof(err)) > 0 &&
	   cell(t, "/cpus/cpu@10f", "reg", 0) == 0x10f,
	   "32 CPUs and a 2 KiB command line fit in BOARD_DT_MAX_SIZE");
}

static void test_too_small(void)
{
	static uint8_t t[1024];
	char err[256] = "";

	ok(board_dt_build(&params, t, sizeof(t), err, sizeof(err)) == -1,
	   "a 1 KiB buffer: board_dt_build fails");
	ok(strstr(err, "device tree") != NULL, "the message names the device tree: %s", err);
}

int main(void)
{
	char err[256] = "";
	int n = board_dt_build(&params, fdt, sizeof(fdt), err, sizeof(err));

	ok(n > 0 && n <= BOARD_DT_MAX_SIZE, "board_dt_build returns the size (%d)", n);
	ok(fdt_check_header(fdt) == 0, "the header checks");
	ok(n > 0 && (uint32_t)n == fdt_totalsize(fdt), "the returned size is fdt_totalsize");
	ok(has_compat(fdt, "/", "apple,vmapple"), "the root is apple,vmapple");
	test_chosen_memory(fdt);
	test_cpus(fdt);
	test_gic_timer_pmu(fdt);
	test_platform(fdt);
	test_pcie(fdt);
	test_cpus18();
	test_optional();
	test_biggest();
	test_too_small();
	return tap_done();
}
