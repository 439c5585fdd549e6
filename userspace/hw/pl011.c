// SPDX-License-Identifier: GPL-2.0
/* pl011.c - the PL011 UART (see pl011.h). */
#include "pl011.h"

#include "reg32.h"

static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static void update_irq(struct pl011 *u)
{
	if (u->set_irq)
		u->set_irq(u->opaque, (u->ris & u->imsc) != 0);
}

void pl011_init(struct pl011 *u)
{
	u->rx_head = u->rx_count = 0;
	u->cr = 0x300;		/* TXE | RXE, as out of reset */
	u->ifls = 0x12;
	u->ris = PL011_INT_TX;	/* the transmitter is always ready */
	u->imsc = u->ibrd = u->fbrd = u->lcr_h = u->dmacr = 0;
}

bool pl011_receive(struct pl011 *u, uint8_t byte)
{
	if (u->rx_count == PL011_FIFO)
		return false;
	u->rx[(u->rx_head + u->rx_count++) % PL011_FIFO] = byte;
	u->ris |= PL011_INT_RX | PL011_INT_RT;
	update_irq(u);
	return true;
}

static uint32_t read_dr(struct pl011 *u)
{
	uint32_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % PL011_FIFO;
	if (!--u->rx_count)
		u->ris &= ~(PL011_INT_RX | PL011_INT_RT);
	update_irq(u);
	return c;
}

static uint32_t read_reg(void *dev, uint64_t off)
{
	struct pl011 *u = dev;

	switch (off) {
	case PL011_DR:
		return read_dr(u);
	case PL011_RSR:
		return 0;
	case PL011_FR:
		return PL011_FR_TXFE | (u->rx_count ? 0 : PL011_FR_RXFE) |
		       (u->rx_count == PL011_FIFO ? PL011_FR_RXFF : 0);
	case PL011_IBRD:
		return u->ibrd;
	case PL011_FBRD:
		return u->fbrd;
	case PL011_LCR_H:
		return u->lcr_h;
	case PL011_CR:
		return u->cr;
	case PL011_IFLS:
		return u->ifls;
	case PL011_IMSC:
		return u->imsc;
	case PL011_RIS:
		return u->ris;
	case PL011_MIS:
		return u->ris & u->imsc;
	case PL011_DMACR:
		return u->dmacr;
	default:
		if (off >= PL011_ID && off < PL011_ID + 32 && !(off & 3))
			return pl011_id[(off - PL011_ID) / 4];
		return 0;
	}
}

static void write_reg(void *dev, uint64_t off, uint32_t v)
{
	struct pl011 *u = dev;
	switch (off) {
	case PL011_DR:
		if (u->tx)
			u->tx(u->tx_opaque, (uint8_t)v);
		u->ris |= PL011_INT_TX;
		break;
	case PL011_IBRD:
		u->ibrd = v & 0xffff;
		break;
	case PL011_FBRD:
		u->fbrd = v & 0x3f;
		break;
	case PL011_LCR_H:
		u->lcr_h = v & 0xff;
		break;
	case PL011_CR:
		u->cr = v & 0xffff;
		break;
	case PL011_IFLS:
		u->ifls = v & 0x3f;
		break;
	case PL011_IMSC:
		u->imsc = v & 0x7ff;
		break;
	case PL011_ICR:
		u->ris &= ~v;
		if (u->rx_count)	/* still data: the RX condition stays */
			u->ris |= PL011_INT_RX & v;
		break;
	case PL011_DMACR:
		u->dmacr = v & 7;
		break;
	default:
		return;		/* read-only or reserved */
	}
	update_irq(u);
}

int pl011_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		 bool is_write)
{
	return reg32_access(opaque, offset, data, len, is_write, read_reg, write_reg);
}
