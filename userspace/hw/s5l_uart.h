/* SPDX-License-Identifier: GPL-2.0 */
/*
 * s5l_uart.h - the t8103 board's console: Apple's variant of the Samsung
 * UART ("apple,s5l-uart", at 0x2_3520_0000, AIC IRQ 605), as Linux's
 * drivers/tty/serial/samsung_tty.c drives it.  Register map and the Apple
 * interrupt bits from include/linux/serial_s3c.h.  Transmit goes straight
 * to the host's sink, so the FIFO is always empty; received bytes queue in
 * a 16-byte FIFO.
 */
#ifndef VMAPPLE_HW_S5L_UART_H
#define VMAPPLE_HW_S5L_UART_H

#include <stdbool.h>
#include <stdint.h>

#define S5L_UART_BASE		0x235200000ull
#define S5L_UART_SIZE		0x4000ull	/* the DT says 0x1000; one 16K page */
#define S5L_UART_AIC_IRQ	605
#define S5L_UART_FIFO		16

#define S5L_ULCON		0x00
#define S5L_UCON		0x04
#define S5L_UFCON		0x08
#define S5L_UMCON		0x0c
#define S5L_UTRSTAT		0x10
#define S5L_UERSTAT		0x14
#define S5L_UFSTAT		0x18
#define S5L_UMSTAT		0x1c
#define S5L_UTXH		0x20
#define S5L_URXH		0x24
#define S5L_UBRDIV		0x28
#define S5L_UFRACVAL		0x2c

#define S5L_UTRSTAT_RXDR	(1u << 0)
#define S5L_UTRSTAT_TXFE	(1u << 1)
#define S5L_UTRSTAT_TXE		(1u << 2)
/* Apple's interrupt status bits (write 1 to clear) and their UCON enables. */
#define S5L_UTRSTAT_RXTO_LEGACY	(1u << 3)
#define S5L_UTRSTAT_RXTHRESH	(1u << 4)
#define S5L_UTRSTAT_TXTHRESH	(1u << 5)
#define S5L_UTRSTAT_RXTO	(1u << 9)
#define S5L_UTRSTAT_IRQ_BITS	0x3f8u		/* GENMASK(9, 3) */
#define S5L_UCON_RXTO_ENA	(1u << 9)
#define S5L_UCON_RXTO_LEGACY_ENA (1u << 11)
#define S5L_UCON_RXTHRESH_ENA	(1u << 12)
#define S5L_UCON_TXTHRESH_ENA	(1u << 13)
#define S5L_UFSTAT_RXCOUNT	0xfu
#define S5L_UFSTAT_RXFULL	(1u << 8)
#define S5L_UFSTAT_TXFULL	(1u << 9)
#define S5L_UFCON_RESETRX	(1u << 1)

struct s5l_uart {
	void (*tx)(void *opaque, uint8_t byte);	/* console output */
	void (*set_irq)(void *opaque, bool level);	/* the AIC line */
	void *opaque;				/* set_irq's */
	void *tx_opaque;			/* tx's */
	uint8_t rx[S5L_UART_FIFO];
	unsigned int rx_head, rx_count;
	uint32_t ulcon, ucon, ufcon, umcon, ubrdiv, ufracval;
	uint32_t pending;			/* UTRSTAT's interrupt bits */
	bool irq_level;
};

void s5l_uart_init(struct s5l_uart *u);

/* A 32-bit register access (the driver's reg-io-width is 4); others are ignored. */
int s5l_uart_access(struct s5l_uart *u, uint64_t offset, uint8_t *data, unsigned int len,
		    bool is_write);

/* A byte from the console: false when the FIFO is full (try again later). */
bool s5l_uart_receive(struct s5l_uart *u, uint8_t byte);

#endif
