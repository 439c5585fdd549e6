/* SPDX-License-Identifier: GPL-2.0 */
/*
 * t8103_dt.h - the device tree a Linux guest gets on the t8103 board,
 * shaped as Linux's arch/arm64/boot/dts/apple/t8103.dtsi (6.12) is: the
 * AIC at 0x2_3b10_0000 as the root interrupt parent, the guest timers as
 * AIC FIQs, icestorm/firestorm CPUs started by spin-table, the s5l UART on
 * AIC IRQ 605 with the 24 MHz reference clock.  Left out: the power
 * domains, PMUs, pinctrl and every other device of the SoC.  Added: a PSCI
 * node (hvc), used only for power-off and reset.
 */
#ifndef VMAPPLE_T8103_DT_H
#define VMAPPLE_T8103_DT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define T8103_DT_MAX_SIZE	0x10000

struct t8103_dt_params {
	unsigned int nr_cpus;
	const uint64_t *mpidr;		/* per CPU */
	uint64_t release_addr;		/* CPU n's spin-table slot: + 8 * n */
	uint64_t ram_base, ram_size;
	uint64_t initrd_start, initrd_size;	/* size 0: no initrd */
	const char *bootargs;		/* NULL: none */
	bool mmio_ipis;			/* AIC compatible "apple,aic" only: IPIs through MMIO */
};

/* Write the tree into @buf (at most @size bytes): its size, or -1 with the reason. */
int t8103_dt_build(const struct t8103_dt_params *p, void *buf, size_t size, char *err,
		   size_t err_len);

#endif
