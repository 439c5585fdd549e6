/* SPDX-License-Identifier: GPL-2.0 */
/*
 * avp_rtc.h - AppleVirtualPlatformRTC ("avp,rtc") at 0x3024_0000, SPI 0x13.
 * iBoot keeps this clock and drops the PL031 when it reads ID 0xF001 at
 * +0x40.  Register map from a third-party port [3rd-party, unverified on
 * Apple hardware]: shared/specs/vmapple-board.md §8.4.
 */
#ifndef VMAPPLE_HW_AVP_RTC_H
#define VMAPPLE_HW_AVP_RTC_H

#include <stdbool.h>
#include <stdint.h>

#define AVP_RTC_BASE		0x30240000ull
#define AVP_RTC_SIZE		0x1000ull
#define AVP_RTC_TIME_US		0x00	/* R, 64-bit: microseconds since the epoch */
#define AVP_RTC_CONTROL		0x18	/* RW: bit 0 enable */
#define AVP_RTC_IRQ_ENABLE	0x20	/* RW: the driver writes 6 */
#define AVP_RTC_IRQ_STATUS	0x30	/* R: bits 1, 2 */
#define AVP_RTC_IRQ_ACK		0x38	/* W: write 1 to clear */
#define AVP_RTC_ID		0x40	/* R: 0xF001 */
#define AVP_RTC_ID_VALUE	0xf001

struct avp_rtc {
	uint64_t (*now_us)(void *opaque);	/* host wall clock */
	void (*set_irq)(void *opaque, bool level);
	void *opaque;
	uint32_t control, irq_enable, irq_status;
};

int avp_rtc_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		   bool is_write);

#endif
