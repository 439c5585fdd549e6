/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pl011.h - the PL011 UART at 0x2001_0000 (SPI 1): the guest's console.
 * Transmit goes straight to the host's sink; received bytes queue in a
 * 16-byte FIFO.  Register map from ARM's PL011 TRM (DDI 0183).
 */
#ifndef VMAPPLE_HW_PL011_H
#define VMAPPLE_HW_PL011_H

#include <stdbool.h>
#include <stdint.h>

#define PL011_BASE	0x20010000ull
#define PL011_SIZE	0x1000ull
#define PL011_FIFO	16

/* Register offsets. */
#define PL011_DR	0x000
#define PL011_RSR	0x004
#define PL011_FR	0x018
#define PL011_IBRD	0x024
#define PL011_FBRD	0x028
#define PL011_LCR_H	0x02c
#define PL011_CR	0x030
#define PL011_IFLS	0x034
#define PL011_IMSC	0x038
#define PL011_RIS	0x03c
#define PL011_MIS	0x040
#define PL011_ICR	0x044
#define PL011_DMACR	0x048
#define PL011_ID	0xfe0	/* PeriphID0..3, then PCellID0..3 */

/* FR bits, and interrupt bits (IMSC, RIS, MIS, ICR). */
#define PL011_FR_RXFE	(1u << 4)
#define PL011_FR_TXFF	(1u << 5)
#define PL011_FR_RXFF	(1u << 6)
#define PL011_FR_TXFE	(1u << 7)
#define PL011_INT_RX	(1u << 4)
#define PL011_INT_TX	(1u << 5)
#define PL011_INT_RT	(1u << 6)

struct pl011 {
	void (*tx)(void *opaque, uint8_t byte);	/* console output */
	void (*set_irq)(void *opaque, bool level);
	void *opaque;				/* set_irq's */
	void *tx_opaque;			/* tx's */
	uint8_t rx[PL011_FIFO];
	unsigned int rx_head, rx_count;
	uint32_t ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
};

void pl011_init(struct pl011 *u);

/* Host input: false when the FIFO is full (the caller retries later). */
bool pl011_receive(struct pl011 *u, uint8_t byte);

int pl011_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		 bool is_write);

#endif
