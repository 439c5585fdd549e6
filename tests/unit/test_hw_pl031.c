// SPDX-License-Identifier: GPL-2.0
/* test_hw_pl031 - the RTC: time, load, match interrupt, IDs. */
#include "../../userspace/hw/pl031.h"
#include "tap.h"

static uint64_t host_s = 1700000000;
static bool irq;

static uint64_t clock_s(void *opaque) { (void)opaque; return host_s; }
static void set_irq(void *opaque, bool level) { (void)opaque; irq = level; }

static uint32_t rd(struct pl031 *r, uint64_t off)
{
	uint32_t v = 0;

	pl031_access(r, off, (uint8_t *)&v, 4, false);
	return v;
}

static void wr(struct pl031 *r, uint64_t off, uint32_t v)
{
	pl031_access(r, off, (uint8_t *)&v, 4, true);
}

int main(void)
{
	struct pl031 r = { .now_s = clock_s, .set_irq = set_irq };

	ok(rd(&r, PL031_DR) == 1700000000, "DR is the host's time");
	ok(rd(&r, PL031_ID) == 0x31 && rd(&r, PL031_ID + 0x1c) == 0xb1, "IDs identify a PL031");
	wr(&r, PL031_LR, 1000);
	host_s += 5;
	ok(rd(&r, PL031_DR) == 1005, "a load sets the time, which then runs with the host");
	wr(&r, PL031_MR, 1010);
	wr(&r, PL031_IMSC, 1);
	ok(!irq && rd(&r, PL031_RIS) == 0, "before the match: no interrupt");
	host_s += 5;
	ok(rd(&r, PL031_RIS) == 1 && irq, "at the match: RIS set, IRQ up");
	wr(&r, PL031_MR, 5000);
	wr(&r, PL031_ICR, 1);
	ok(rd(&r, PL031_RIS) == 0 && !irq, "ICR clears it");
	ok(rd(&r, PL031_CR) == 1, "the clock always runs");
	return tap_done();
}
