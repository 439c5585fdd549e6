// SPDX-License-Identifier: GPL-2.0
/* test_hw_pl011 - the console UART: transmit, receive FIFO, flags, IRQ. */
#include <string.h>

#include "../../userspace/hw/pl011.h"
#include "tap.h"

static char out[64];
static unsigned int n_out;
static bool irq;

static void tx(void *opaque, uint8_t b) { (void)opaque; out[n_out++ % sizeof(out)] = (char)b; }
static void set_irq(void *opaque, bool level) { (void)opaque; irq = level; }

static uint32_t rd(struct pl011 *u, uint64_t off)
{
	uint32_t v = 0;

	pl011_access(u, off, (uint8_t *)&v, 4, false);
	return v;
}

static void wr(struct pl011 *u, uint64_t off, uint32_t v)
{
	pl011_access(u, off, (uint8_t *)&v, 4, true);
}

int main(void)
{
	struct pl011 u = { .tx = tx, .set_irq = set_irq };
	int i;

	pl011_init(&u);
	ok(rd(&u, PL011_ID) == 0x11 && rd(&u, PL011_ID + 4) == 0x10 && rd(&u, PL011_ID + 0x1c) == 0xb1,
	   "PeriphID and PCellID identify a PL011");
	ok((rd(&u, PL011_FR) & (PL011_FR_TXFE | PL011_FR_RXFE)) == (PL011_FR_TXFE | PL011_FR_RXFE),
	   "out of reset: TX empty, RX empty");
	wr(&u, PL011_DR, 'h');
	wr(&u, PL011_DR, 'i');
	ok(n_out == 2 && !memcmp(out, "hi", 2), "DR writes reach the console");
	ok(!irq, "no IRQ while every source is masked");
	wr(&u, PL011_IMSC, PL011_INT_RX);
	ok(pl011_receive(&u, 'x') && irq && !(rd(&u, PL011_FR) & PL011_FR_RXFE),
	   "a received byte: RX not empty, RX IRQ raised");
	ok(rd(&u, PL011_DR) == 'x' && !irq && (rd(&u, PL011_FR) & PL011_FR_RXFE),
	   "reading it empties the FIFO and lowers the IRQ");
	for (i = 0; i < PL011_FIFO; i++)
		pl011_receive(&u, (uint8_t)('a' + i));
	ok(!pl011_receive(&u, '!') && (rd(&u, PL011_FR) & PL011_FR_RXFF),
	   "a full FIFO refuses more and says RXFF");
	ok(rd(&u, PL011_DR) == 'a' && rd(&u, PL011_DR) == 'b', "bytes come out in order");
	ok(rd(&u, PL011_DR + 0x100) == 0, "a reserved offset reads zero");
	wr(&u, PL011_MIS, 0xffff);
	ok(rd(&u, PL011_MIS) == (rd(&u, PL011_RIS) & rd(&u, PL011_IMSC)), "MIS is read-only RIS & IMSC");
	return tap_done();
}
