/* SPDX-License-Identifier: GPL-2.0 */
/*
 * t8103.h - the t8103 board: an Apple M1 as Linux's t8103 device tree
 * describes it, for Linux guests.  No GIC: vmapple_kvm's in-kernel AIC
 * (VMAPPLE_KVM_SET_AIC) is the interrupt controller, so the board does not
 * start without the module; there is no userspace AIC.  Memory map:
 *   0x1_0000_0000  16 KiB "boot ROM": the spin-table pen and release slots
 *   0x2_3520_0000  the s5l UART (AIC IRQ 605)
 *   0x2_3b10_0000  the AIC (32 KiB)
 *   0x8_0000_0000  RAM
 * vCPUs are e-cores (MPIDR 0x0..0x3) for the first half, p-cores
 * (0x10100..0x10103) for the rest, so fast IPIs go both within a cluster
 * and across.
 */
#ifndef VMAPPLE_T8103_H
#define VMAPPLE_T8103_H

#include <stdint.h>

#define T8103_RAM_BASE		0x800000000ull
#define T8103_PEN_BASE		0x100000000ull
#define T8103_PEN_SIZE		0x4000ull
#define T8103_RELEASE_OFFSET	0x100		/* CPU n's slot: + 8 * n */
#define T8103_AIC_BASE		0x23b100000ull
#define T8103_AIC_SIZE		0x8000ull
#define T8103_MAX_CPUS		8
#define T8103_IPA_BITS		36

struct board_config;

/* vCPU @i of @nr's MPIDR_EL1 (Aff2..Aff0). */
uint64_t t8103_mpidr(unsigned int i, unsigned int nr);

/* The board's run (struct board_kind's). */
int t8103_run(const struct board_config *cfg, volatile int *stop_requests);

#endif
