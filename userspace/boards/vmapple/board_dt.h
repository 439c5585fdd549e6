/* SPDX-License-Identifier: GPL-2.0 */
/*
 * board_dt.h - the device tree a Linux guest gets for the VMApple board:
 * the same memory map and interrupts the board gives AVPBooter, described
 * with the bindings Linux's own drivers probe (GICv3, arch timer, PSCI,
 * PL011/PL031/PL061 + gpio-keys power button, pvpanic-mmio, generic ECAM
 * PCIe host with its 16 swizzled INTx lines).
 */
#ifndef VMAPPLE_BOARD_DT_H
#define VMAPPLE_BOARD_DT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOARD_DT_MAX_SIZE	0x10000

/* GIC PPIs the board wires (INTIDs). */
#define BOARD_PPI_PMU		23
#define BOARD_PPI_MAINT		25
#define BOARD_PPI_HTIMER	26
#define BOARD_PPI_VTIMER	27
#define BOARD_PPI_STIMER	29
#define BOARD_PPI_PTIMER	30

struct board_dt_params {
	unsigned int nr_cpus;
	uint64_t ram_base, ram_size;
	uint64_t initrd_start, initrd_size;	/* size 0: no initrd */
	const char *bootargs;			/* NULL: none */
	bool pmu;				/* the vCPUs have a PMU (PPI 23) */
};

/*
 * Write the flattened tree into @buf (at most @size bytes).  Returns its
 * size, or -1 with the reason in @err.
 */
int board_dt_build(const struct board_dt_params *p, void *buf, size_t size, char *err,
		   size_t err_len);

#endif
