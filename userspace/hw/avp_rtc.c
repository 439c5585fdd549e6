// SPDX-License-Identifier: GPL-2.0
/* avp_rtc.c - the AppleVirtualPlatformRTC (see avp_rtc.h). */
#include "avp_rtc.h"

#include <string.h>

#define AVP_RTC_IRQ_BITS 0x6u

static void update_irq(struct avp_rtc *r)
{
	if (r->set_irq)
		r->set_irq(r->opaque, (r->irq_status & r->irq_enable) != 0);
}

static uint64_t read_reg(struct avp_rtc *r, uint64_t offset)
{
	switch (offset) {
	case AVP_RTC_TIME_US:
		return r->now_us(r->opaque);
	case AVP_RTC_TIME_US + 4:	/* the high word, for 32-bit readers */
		return r->now_us(r->opaque) >> 32;
	case AVP_RTC_CONTROL:
		return r->control;
	case AVP_RTC_IRQ_ENABLE:
		return r->irq_enable;
	case AVP_RTC_IRQ_STATUS:
		return r->irq_status;
	case AVP_RTC_ID:
		return AVP_RTC_ID_VALUE;
	default:
		return 0;
	}
}

static void write_reg(struct avp_rtc *r, uint64_t offset, uint64_t value)
{
	switch (offset) {
	case AVP_RTC_CONTROL:
		r->control = (uint32_t)value & 1;
		break;
	case AVP_RTC_IRQ_ENABLE:
		r->irq_enable = (uint32_t)value & AVP_RTC_IRQ_BITS;
		break;
	case AVP_RTC_IRQ_ACK:
		r->irq_status &= ~((uint32_t)value & AVP_RTC_IRQ_BITS);
		break;
	default:
		return;		/* read-only or unknown: ignored */
	}
	update_irq(r);
}

int avp_rtc_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		   bool is_write)
{
	struct avp_rtc *r = opaque;
	uint64_t value = 0;

	if (is_write) {
		memcpy(&value, data, len);
		write_reg(r, offset, value);
	} else {
		value = read_reg(r, offset);
		memcpy(data, &value, len);
	}
	return 0;
}
