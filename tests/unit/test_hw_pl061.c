// SPDX-License-Identifier: GPL-2.0
/* test_hw_pl061 - GPIO data masking, edge and level interrupts, the power button. */
#include "../../userspace/hw/pl061.h"
#include "tap.h"

static bool irq;

static void set_irq(void *opaque, bool level) { (void)opaque; irq = level; }

static uint8_t rd(struct pl061 *g, uint64_t off)
{
	uint8_t v[4] = { 0 };

	pl061_access(g, off, v, 4, false);
	return v[0];
}

static void wr(struct pl061 *g, uint64_t off, uint8_t v)
{
	uint8_t d[4] = { v, 0, 0, 0 };

	pl061_access(g, off, d, 4, true);
}

int main(void)
{
	struct pl061 g = { .set_irq = set_irq };
	uint8_t bit = 1u << PL061_POWER_BUTTON;

	ok(rd(&g, PL061_ID) == 0x61 && rd(&g, PL061_ID + 0x1c) == 0xb1, "IDs identify a PL061");
	/* Linux's gpio-keys: rising edge on line 3 */
	wr(&g, PL061_IEV, bit);
	wr(&g, PL061_IE, bit);
	pl061_set_input(&g, PL061_POWER_BUTTON, true);
	ok(irq && rd(&g, PL061_RIS) == bit, "pressing the button: rising edge, IRQ up");
	ok(rd(&g, PL061_DATA + (bit << 2)) == bit && rd(&g, PL061_DATA + (0xf7 << 2)) == 0,
	   "DATA reads through the address mask");
	wr(&g, PL061_IC, bit);
	ok(!irq && rd(&g, PL061_RIS) == 0, "IC clears the edge");
	pl061_set_input(&g, PL061_POWER_BUTTON, false);
	ok(!irq, "releasing: a falling edge does not fire a rising-edge line");
	wr(&g, PL061_IBE, bit);
	pl061_set_input(&g, PL061_POWER_BUTTON, true);
	pl061_set_input(&g, PL061_POWER_BUTTON, false);
	ok(irq, "both-edges mode fires");
	wr(&g, PL061_IC, 0xff);
	wr(&g, PL061_IBE, 0);
	wr(&g, PL061_IS, bit);			/* level, high */
	ok(!irq, "level-high while low: quiet");
	pl061_set_input(&g, PL061_POWER_BUTTON, true);
	ok(irq, "level-high while high: IRQ up");
	wr(&g, PL061_IC, bit);
	ok(irq, "IC cannot clear a level that is still there");
	pl061_set_input(&g, PL061_POWER_BUTTON, false);
	ok(!irq, "the level goes, the IRQ goes");
	wr(&g, PL061_DIR, 0x01);		/* line 0 output */
	wr(&g, PL061_DATA + (0xff << 2), 0xff);
	ok(rd(&g, PL061_DATA + (0xff << 2)) == 0x01, "only output lines take written data");
	pl061_set_input(&g, 9, true);
	ok(rd(&g, PL061_DATA + (0xff << 2)) == 0x01, "a line beyond 7 is ignored");
	return tap_done();
}
