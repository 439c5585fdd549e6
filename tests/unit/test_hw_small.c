// SPDX-License-Identifier: GPL-2.0
/* test_hw_small - pvpanic-mmio and the avp,rtc clock, register by register. */
#include <string.h>

#include "../../userspace/hw/avp_rtc.h"
#include "../../userspace/hw/pvpanic.h"
#include "tap.h"

static uint32_t events;
static bool irq;

static void on_event(void *opaque, uint32_t e) { (void)opaque; events |= e; }
static void on_irq(void *opaque, bool level) { (void)opaque; irq = level; }
static uint64_t clock_us(void *opaque) { (void)opaque; return 0x123456789abcdefull; }

static uint64_t rd(int (*f)(void *, uint64_t, uint8_t *, unsigned int, bool), void *d,
		   uint64_t off, unsigned int len)
{
	uint64_t v = 0;

	f(d, off, (uint8_t *)&v, len, false);
	return v;
}

static void wr(int (*f)(void *, uint64_t, uint8_t *, unsigned int, bool), void *d,
	       uint64_t off, uint64_t v, unsigned int len)
{
	f(d, off, (uint8_t *)&v, len, true);
}

int main(void)
{
	struct pvpanic p = { .event = on_event };
	struct avp_rtc r = { .now_us = clock_us, .set_irq = on_irq };

	ok(rd(pvpanic_access, &p, 0, 1) == 3, "pvpanic: advertises PANICKED | CRASH_LOADED");
	wr(pvpanic_access, &p, 0, PVPANIC_PANICKED, 1);
	ok(events == PVPANIC_PANICKED, "pvpanic: a PANICKED write reaches the VM");
	events = 0;
	wr(pvpanic_access, &p, 0, 0xf0, 1);
	ok(events == 0, "pvpanic: unknown bits are dropped, no event");
	wr(pvpanic_access, &p, 0, PVPANIC_SHUTDOWN, 1);
	ok(events == PVPANIC_SHUTDOWN, "pvpanic: SHUTDOWN is understood though not advertised");
	events = 0;
	wr(pvpanic_access, &p, 1, PVPANIC_PANICKED, 1);
	ok(events == 0 && rd(pvpanic_access, &p, 1, 1) == 0, "pvpanic: the second byte is inert");

	ok(rd(avp_rtc_access, &r, AVP_RTC_ID, 4) == 0xf001, "avp-rtc: ID 0xF001 at +0x40");
	ok(rd(avp_rtc_access, &r, AVP_RTC_TIME_US, 8) == 0x123456789abcdefull,
	   "avp-rtc: 64-bit microsecond time at +0");
	ok(rd(avp_rtc_access, &r, AVP_RTC_TIME_US, 4) == 0x89abcdef &&
	   rd(avp_rtc_access, &r, AVP_RTC_TIME_US + 4, 4) == 0x01234567,
	   "avp-rtc: the time as two 32-bit halves");
	wr(avp_rtc_access, &r, AVP_RTC_CONTROL, 0xff, 4);
	ok(rd(avp_rtc_access, &r, AVP_RTC_CONTROL, 4) == 1, "avp-rtc: control keeps bit 0 only");
	r.irq_status = 6;
	wr(avp_rtc_access, &r, AVP_RTC_IRQ_ENABLE, 6, 4);
	ok(irq, "avp-rtc: enabled pending status raises the IRQ");
	wr(avp_rtc_access, &r, AVP_RTC_IRQ_ACK, 2, 4);
	ok(irq && rd(avp_rtc_access, &r, AVP_RTC_IRQ_STATUS, 4) == 4,
	   "avp-rtc: W1C acks one bit, the other keeps the IRQ up");
	wr(avp_rtc_access, &r, AVP_RTC_IRQ_ACK, 4, 4);
	ok(!irq, "avp-rtc: acking the last bit lowers the IRQ");
	wr(avp_rtc_access, &r, AVP_RTC_ID, 0, 4);
	ok(rd(avp_rtc_access, &r, AVP_RTC_ID, 4) == 0xf001, "avp-rtc: the ID ignores writes");
	return tap_done();
}
