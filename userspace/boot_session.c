// SPDX-License-Identifier: GPL-2.0
/* boot_session.c - a boot's session UUID and MABS offset (see boot_session.h). */
#include "boot_session.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* The counter the guest's mach absolute time counts (CNTVCT_EL0), now. */
static u64 counter_now(void)
{
#ifdef __aarch64__
	u64 v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
#else
	/* Host unit tests only: a monotonic stand-in at the 24 MHz Apple rate. */
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 24000000u + (u64)ts.tv_nsec * 24 / 1000;
#endif
}

int boot_session_init(struct apple_hvc_config *cfg)
{
	u8 uuid[16];

	if (getrandom(uuid, sizeof(uuid), 0) != sizeof(uuid)) {
		fprintf(stderr, "vmapple: no random boot session UUID: %s\n", strerror(errno));
		return -errno;
	}
	uuid[6] = (uuid[6] & 0x0f) | 0x40;	/* version 4 */
	uuid[8] = (uuid[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	memcpy(cfg->boot_session_uuid, uuid, sizeof(uuid));
	cfg->mabs_offset = counter_now();
	return 0;
}
