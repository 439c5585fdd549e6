/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pl061.h - the PL061 GPIO at 0x2006_0000 (SPI 5).  Input line 3 is the
 * power button (a gpio-key): the launcher presses it for SIGTERM or
 * `vmapple stop`.  Edge and level interrupts as ARM DDI 0190 describes.
 */
#ifndef VMAPPLE_HW_PL061_H
#define VMAPPLE_HW_PL061_H

#include <stdbool.h>
#include <stdint.h>

#define PL061_BASE		0x20060000ull
#define PL061_SIZE		0x1000ull
#define PL061_POWER_BUTTON	3
#define PL061_DATA		0x000	/* 0x000-0x3fc: address bits [9:2] mask the access */
#define PL061_DIR		0x400
#define PL061_IS		0x404	/* 1: level-sensitive */
#define PL061_IBE		0x408	/* 1: both edges */
#define PL061_IEV		0x40c	/* 1: rising edge or high level */
#define PL061_IE		0x410
#define PL061_RIS		0x414
#define PL061_MIS		0x418
#define PL061_IC		0x41c
#define PL061_AFSEL		0x420
#define PL061_ID		0xfe0

struct pl061 {
	void (*set_irq)(void *opaque, bool level);
	void *opaque;
	uint8_t in;		/* levels driven from outside */
	uint8_t out;		/* levels the guest drives (DIR = 1) */
	uint8_t dir, is, ibe, iev, ie, ris, afsel;
};

/* Drive input @line (0-7) to @level, from the host side. */
void pl061_set_input(struct pl061 *g, unsigned int line, bool level);

int pl061_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		 bool is_write);

#endif
