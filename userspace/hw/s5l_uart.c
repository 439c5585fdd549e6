// SPDX-License-Identifier: GPL-2.0
/* s5l_uart.c - the Apple S5L UART (see s5l_uart.h). */
#include <string.h>

#include "s5l_uart.h"

void s5l_uart_init(struct s5l_uart *u)
{
	u->rx_head = u->rx_count = 0;
	u->ulcon = u->ucon = u->ufcon = u->umcon = u->ubrdiv = u->ufracval = 0;
	u->pending = 0;
	u->irq_level = false;
}

/* The line is up while an enabled interrupt bit is pending. */
static void update_irq(struct s5l_uart *u)
{
	uint32_t enabled = 0;
	bool level;

	if (u->ucon & S5L_UCON_TXTHRESH_ENA)
		enabled |= S5L_UTRSTAT_TXTHRESH;
	if (u->ucon & S5L_UCON_RXTHRESH_ENA)
		enabled |= S5L_UTRSTAT_RXTHRESH;
	if (u->ucon & S5L_UCON_RXTO_ENA)
		enabled |= S5L_UTRSTAT_RXTO;
	if (u->ucon & S5L_UCON_RXTO_LEGACY_ENA)
		enabled |= S5L_UTRSTAT_RXTO_LEGACY;
	level = u->pending & enabled;
	if (level != u->irq_level && u->set_irq)
		u->set_irq(u->opaque, level);
	u->irq_level = level;
}

static uint32_t utrstat(const struct s5l_uart *u)
{
	return S5L_UTRSTAT_TXE | S5L_UTRSTAT_TXFE | (u->rx_count ? S5L_UTRSTAT_RXDR : 0) |
	       u->pending;
}

static uint32_t rx_pop(struct s5l_uart *u)
{
	uint32_t byte;

	if (!u->rx_count)
		return 0;
	byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % S5L_UART_FIFO;
	u->rx_count--;
	return byte;
}

static uint32_t reg_read(struct s5l_uart *u, uint64_t offset)
{
	switch (offset) {
	case S5L_ULCON:
		return u->ulcon;
	case S5L_UCON:
		return u->ucon;
	case S5L_UFCON:
		return u->ufcon;
	case S5L_UMCON:
		return u->umcon;
	case S5L_UTRSTAT:
		return utrstat(u);
	case S5L_UFSTAT:
		/* Transmit never waits: the TX count is always 0. */
		return u->rx_count == S5L_UART_FIFO ? S5L_UFSTAT_RXFULL : u->rx_count;
	case S5L_URXH:
		return rx_pop(u);
	case S5L_UBRDIV:
		return u->ubrdiv;
	case S5L_UFRACVAL:
		return u->ufracval;
	}
	return 0;	/* UERSTAT (no errors), UMSTAT, the rest */
}

static void reg_write(struct s5l_uart *u, uint64_t offset, uint32_t val)
{
	switch (offset) {
	case S5L_ULCON:
		u->ulcon = val;
		break;
	case S5L_UCON:
		u->ucon = val;
		break;
	case S5L_UFCON:
		if (val & S5L_UFCON_RESETRX)
			u->rx_head = u->rx_count = 0;
		u->ufcon = val & ~S5L_UFCON_RESETRX;
		break;
	case S5L_UMCON:
		u->umcon = val;
		break;
	case S5L_UTRSTAT:
		u->pending &= ~(val & S5L_UTRSTAT_IRQ_BITS);
		break;
	case S5L_UTXH:
		if (u->tx)
			u->tx(u->tx_opaque, (uint8_t)val);
		/* Sent at once: the FIFO is below its threshold again. */
		u->pending |= S5L_UTRSTAT_TXTHRESH;
		break;
	case S5L_UBRDIV:
		u->ubrdiv = val;
		break;
	case S5L_UFRACVAL:
		u->ufracval = val;
		break;
	}
}

int s5l_uart_access(struct s5l_uart *u, uint64_t offset, uint8_t *data, unsigned int len,
		    bool is_write)
{
	uint32_t val = 0;

	if (len != 4 || (offset & 3)) {
		if (!is_write)
			memset(data, 0, len);
		return 0;
	}
	if (is_write) {
		memcpy(&val, data, 4);
		reg_write(u, offset, val);
	} else {
		val = reg_read(u, offset);
		memcpy(data, &val, 4);
	}
	/* Enabling TX interrupts with the FIFO empty raises one, as hardware does. */
	if (is_write && offset == S5L_UCON && (val & S5L_UCON_TXTHRESH_ENA))
		u->pending |= S5L_UTRSTAT_TXTHRESH;
	update_irq(u);
	return 0;
}

bool s5l_uart_receive(struct s5l_uart *u, uint8_t byte)
{
	if (u->rx_count == S5L_UART_FIFO)
		return false;
	u->rx[(u->rx_head + u->rx_count) % S5L_UART_FIFO] = byte;
	u->rx_count++;
	u->pending |= S5L_UTRSTAT_RXTHRESH | S5L_UTRSTAT_RXTO;
	update_irq(u);
	return true;
}
