// SPDX-License-Identifier: GPL-2.0
/* pl031.c - the PL031 RTC (see pl031.h). */
#include "pl031.h"

#include "reg32.h"

static const uint8_t pl031_id[8] = { 0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static uint32_t now(struct pl031 *r)
{
	return (uint32_t)(r->now_s(r->opaque) + r->offset);
}

static void update_irq(struct pl031 *r)
{
	if (r->set_irq)
		r->set_irq(r->opaque, (r->ris & r->imsc) != 0);
}

/* The match event: once, when the counter gets to MR; ICR alone clears it. */
static void check_alarm(struct pl031 *r)
{
	if (r->alarm_armed && r->now_s(r->opaque) >= r->alarm_at) {
		r->alarm_armed = false;
		r->ris |= 1;
	}
}

void pl031_alarm(struct pl031 *r)
{
	check_alarm(r);
	update_irq(r);
}

/* After MR or LR changed: the counter next equals MR in (MR - DR) mod 2^32 s. */
static void set_alarm(struct pl031 *r)
{
	uint32_t ticks = r->mr - now(r);

	if (ticks == 0) {
		r->alarm_armed = false;
		r->ris |= 1;
	} else {
		r->alarm_armed = true;
		r->alarm_at = r->now_s(r->opaque) + ticks;
	}
	if (r->arm_alarm)
		r->arm_alarm(r->alarm_opaque, r->alarm_armed, r->alarm_at);
}

static uint32_t read_reg(void *dev, uint64_t off)
{
	struct pl031 *r = dev;

	pl031_alarm(r);	/* the board's timer may lag the guest's look by a tick */
	switch (off) {
	case PL031_DR:
		return now(r);
	case PL031_MR:
		return r->mr;
	case PL031_CR:
		return 1;	/* always running */
	case PL031_IMSC:
		return r->imsc;
	case PL031_RIS:
		return r->ris;
	case PL031_MIS:
		return r->ris & r->imsc;
	default:
		if (off >= PL031_ID && off < PL031_ID + 32 && !(off & 3))
			return pl031_id[(off - PL031_ID) / 4];
		return 0;
	}
}

static void write_reg(void *dev, uint64_t off, uint32_t v)
{
	struct pl031 *r = dev;

	switch (off) {
	case PL031_MR:
		r->mr = v;
		set_alarm(r);
		break;
	case PL031_LR:
		r->offset = (int64_t)v - (int64_t)r->now_s(r->opaque);
		set_alarm(r);
		break;
	case PL031_IMSC:
		r->imsc = v & 1;
		break;
	case PL031_ICR:
		r->ris &= ~(v & 1);
		break;
	default:
		return;
	}
	update_irq(r);
}

int pl031_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		 bool is_write)
{
	return reg32_access(opaque, offset, data, len, is_write, read_reg, write_reg);
}
