// SPDX-License-Identifier: GPL-2.0
/* test_hw_pl031 - the RTC: time, load, match interrupt, IDs. */
#include "../../userspace/hw/pl031.h"
#include "tap.h"

static uint64_t host_s = 1700000000;
static bool irq;
static unsigned int irq_raises;
static bool alarm_armed;
static uint64_t alarm_at;

static uint64_t clock_s(void *opaque) { (void)opaque; return host_s; }

static void set_irq(void *opaque, bool level)
{
	(void)opaque;
	irq_raises += level && !irq;
	irq = level;
}

static void arm_alarm(void *opaque, bool armed, uint64_t at)
{
	(void)opaque;
	alarm_armed = armed;
	alarm_at = at;
}

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

/*
 * A guest driver's alarm, as Linux's rtc-pl031 does it: set MR, unmask, take
 * the interrupt, clear it with ICR in the handler, return.  Once cleared it
 * must stay clear while the counter runs past MR (the old model raised it
 * again at every access: an interrupt storm the guest never left).
 */
static void match_is_an_event(void)
{
	struct pl031 r = { .now_s = clock_s, .set_irq = set_irq, .arm_alarm = arm_alarm };
	unsigned int i;

	host_s = 1700000000;
	irq = false;
	irq_raises = 0;
	wr(&r, PL031_LR, 2000);
	wr(&r, PL031_MR, 2003);
	wr(&r, PL031_IMSC, 1);
	ok(alarm_armed && alarm_at == host_s + 3, "an MR write arms the board's alarm for the match");
	host_s += 2;
	pl031_alarm(&r);
	ok(!irq && rd(&r, PL031_RIS) == 0, "the alarm early: nothing yet");
	host_s += 1;
	pl031_alarm(&r);
	ok(irq && irq_raises == 1 && rd(&r, PL031_MIS) == 1,
	   "the alarm at the match raises the interrupt, with no guest access");
	wr(&r, PL031_ICR, 1);
	ok(!irq, "the handler's ICR write lowers it");
	for (i = 0; i < 5; i++) {
		host_s += 1;
		(void)rd(&r, PL031_DR);
		(void)rd(&r, PL031_MIS);
		pl031_alarm(&r);
	}
	ok(!irq && irq_raises == 1 && rd(&r, PL031_RIS) == 0,
	   "past MR it stays clear: no storm after the handler returns");
	wr(&r, PL031_MR, rd(&r, PL031_DR) - 10);
	ok(!irq && alarm_armed, "a match in the past waits for the counter to wrap to it");
	wr(&r, PL031_MR, rd(&r, PL031_DR));
	ok(irq && irq_raises == 2 && !alarm_armed, "a match written equal to the counter fires at once");
	wr(&r, PL031_ICR, 1);
	wr(&r, PL031_IMSC, 0);
	wr(&r, PL031_MR, rd(&r, PL031_DR) + 1);
	host_s += 1;
	pl031_alarm(&r);
	ok(!irq && rd(&r, PL031_RIS) == 1 && rd(&r, PL031_MIS) == 0,
	   "masked: the match shows in RIS only");
	wr(&r, PL031_IMSC, 1);
	ok(irq, "unmasking a pending match raises it");
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
	match_is_an_event();
	return tap_done();
}
