// SPDX-License-Identifier: GPL-2.0
/* timebase.c - rewrite the device tree's 24 MHz timebase records (see timebase.h). */
#include "timebase.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define NAME_SIZE	32
#define LENGTH_FLAG	0x80000000u	/* Apple's "placeholder" bit in a property's length */

static const char record_name[NAME_SIZE] = "timebase-frequency";

unsigned int timebase_rewrite(uint8_t *buf, size_t len, uint64_t hz)
{
	unsigned int rewritten = 0;
	size_t at = 0;

	while (len >= TIMEBASE_RECORD_SIZE && at <= len - TIMEBASE_RECORD_SIZE) {
		uint8_t *hit = memmem(buf + at, len - at - (TIMEBASE_RECORD_SIZE - NAME_SIZE),
				      record_name, NAME_SIZE);
		uint32_t length;
		uint64_t value;

		if (!hit)
			break;
		at = (size_t)(hit - buf);
		memcpy(&length, hit + NAME_SIZE, sizeof(length));
		memcpy(&value, hit + NAME_SIZE + 4, sizeof(value));
		if ((length & ~LENGTH_FLAG) == 8 && value == TIMEBASE_APPLE_HZ) {
			memcpy(hit + NAME_SIZE + 4, &hz, sizeof(hz));
			rewritten++;
		}
		at++;
	}
	return rewritten;
}

uint64_t timebase_host_hz(void)
{
#ifdef __aarch64__
	uint64_t hz;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
	return hz;
#else
	return 0;
#endif
}

/* Rewrite within each run of resident pages of [p, p + size). */
static unsigned int scan_resident(uint8_t *p, uint64_t size, uint64_t hz)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), pages = (size + page - 1) / page, i, run = 0;
	unsigned char *resident = malloc(pages);
	unsigned int n = 0;

	if (!resident || mincore(p, size, resident)) {
		free(resident);
		return 0;
	}
	for (i = 0; i <= pages; i++) {
		if (i < pages && (resident[i] & 1))
			continue;
		if (i > run) {
			uint64_t end = (uint64_t)i * page < size ? (uint64_t)i * page : size;

			n += timebase_rewrite(p + run * page, end - (uint64_t)run * page, hz);
		}
		run = i + 1;
	}
	free(resident);
	return n;
}

unsigned int timebase_fix_resident(uint8_t *p, uint64_t size, uint64_t hz)
{
	if (!p || !hz || hz == TIMEBASE_APPLE_HZ)
		return 0;
	return scan_resident(p, size < TIMEBASE_SCAN_MAX ? size : TIMEBASE_SCAN_MAX, hz);
}
