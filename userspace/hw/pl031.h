/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pl031.h - the PL031 real-time clock at 0x2005_0000 (SPI 2): seconds since
 * the epoch, settable by the guest (an offset on the host clock), with a
 * match interrupt.  ARM DDI 0224: the match is an event, raised once when
 * the counter becomes equal to MR and cleared by ICR, never re-raised while
 * the counter stays past MR.  As in QEMU's hw/rtc/pl031.c, an MR or LR
 * write arms an alarm for the second the counter reaches MR (at once when
 * it is there already); the board runs the alarm on a timer and calls
 * pl031_alarm() when it expires.
 */
#ifndef VMAPPLE_HW_PL031_H
#define VMAPPLE_HW_PL031_H

#include <stdbool.h>
#include <stdint.h>

#define PL031_BASE	0x20050000ull
#define PL031_SIZE	0x1000ull
#define PL031_DR	0x00	/* data: current seconds */
#define PL031_MR	0x04	/* match */
#define PL031_LR	0x08	/* load */
#define PL031_CR	0x0c	/* control: bit 0 start */
#define PL031_IMSC	0x10
#define PL031_RIS	0x14
#define PL031_MIS	0x18
#define PL031_ICR	0x1c
#define PL031_ID	0xfe0

struct pl031 {
	uint64_t (*now_s)(void *opaque);	/* host wall clock, seconds */
	void (*set_irq)(void *opaque, bool level);
	void *opaque;		/* of now_s and set_irq */
	/* Optional: (re)arm the board's timer for host second @at, or disarm it. */
	void (*arm_alarm)(void *alarm_opaque, bool armed, uint64_t at);
	void *alarm_opaque;
	int64_t offset;		/* guest time - host time */
	uint32_t mr, imsc, ris;
	bool alarm_armed;
	uint64_t alarm_at;	/* host second the counter reaches MR */
};

int pl031_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		 bool is_write);

/* The board's timer expired (or any time): raise the match if it is due. */
void pl031_alarm(struct pl031 *r);

#endif
