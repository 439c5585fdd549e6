// SPDX-License-Identifier: GPL-2.0
/*
 * test_timebase - the device tree's 24 MHz timebase records rewritten to
 * the host's rate: only the exact name, length 8 (Apple's bit 31 aside)
 * and value 24000000; records of the wrong length, value or name, and
 * records cut off by the buffer's end, left alone; hostile buffers (all
 * names, nothing but the name at the very end) read nothing outside.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <string.h>

#include "../../userspace/timebase.h"
#include "tap.h"

#define RATE 62500000ull

static void record(uint8_t *at, const char *name, uint32_t length, uint64_t value)
{
	memset(at, 0, 32);
	memcpy(at, name, strlen(name));
	memcpy(at + 32, &length, 4);
	memcpy(at + 36, &value, 8);
}

static uint64_t value_at(const uint8_t *at)
{
	uint64_t v;

	memcpy(&v, at + 36, 8);
	return v;
}

int main(void)
{
	uint8_t buf[4096];
	uint8_t *tight;
	size_t i;

	memset(buf, 0x5a, sizeof(buf));
	record(buf + 0, "timebase-frequency", 8, TIMEBASE_APPLE_HZ);
	record(buf + 101, "timebase-frequency", 0x80000008u, TIMEBASE_APPLE_HZ);	/* unaligned */
	record(buf + 200, "timebase-frequency", 4, TIMEBASE_APPLE_HZ);
	record(buf + 300, "timebase-frequency", 8, 25000000);
	record(buf + 400, "timebase-frequencyX", 8, TIMEBASE_APPLE_HZ);
	record(buf + 500, "xtimebase-frequency", 8, TIMEBASE_APPLE_HZ);
	ok(timebase_rewrite(buf, sizeof(buf), RATE) == 2, "two records rewritten");
	ok(value_at(buf) == RATE, "the exact record: 24 MHz -> the host's rate");
	ok(value_at(buf + 101) == RATE, "length with Apple's bit 31, at an odd offset: rewritten");
	ok(value_at(buf + 200) == TIMEBASE_APPLE_HZ, "length 4: left alone");
	ok(value_at(buf + 300) == 25000000, "another value: left alone");
	ok(value_at(buf + 400) == TIMEBASE_APPLE_HZ, "a longer name: left alone");
	ok(buf[99] == 0x5a && buf[145] == 0x5a, "the bytes around a rewritten record untouched");
	ok(timebase_rewrite(buf, sizeof(buf), RATE) == 0, "a second pass finds nothing to do");

	/* A record cut off by the end, in a buffer of exactly its bytes. */
	tight = malloc(43);
	record(buf, "timebase-frequency", 8, TIMEBASE_APPLE_HZ);
	memcpy(tight, buf, 43);
	ok(timebase_rewrite(tight, 43, RATE) == 0, "a record one byte short of the end: left alone");
	free(tight);
	tight = malloc(44);
	memcpy(tight, buf, 44);
	ok(timebase_rewrite(tight, 44, RATE) == 1 && value_at(tight) == RATE,
	   "a record ending exactly at the end: rewritten");
	free(tight);
	tight = malloc(32);
	memcpy(tight, buf, 32);
	ok(timebase_rewrite(tight, 32, RATE) == 0, "only the name, at the very end: nothing read past");
	free(tight);
	ok(timebase_rewrite(buf, 0, RATE) == 0 && timebase_rewrite(buf, 10, RATE) == 0,
	   "empty and tiny buffers");

	/* Hostile: the name over and over, overlapping itself. */
	for (i = 0; i + 44 <= sizeof(buf); i += 44)
		record(buf + i, "timebase-frequency", 8, TIMEBASE_APPLE_HZ);
	ok(timebase_rewrite(buf, sizeof(buf), RATE) == sizeof(buf) / 44,
	   "a buffer of nothing but records: each rewritten once");
	memset(buf, 0, sizeof(buf));
	ok(timebase_rewrite(buf, sizeof(buf), RATE) == 0, "all zeros: nothing");

	/* Guest RAM as the board maps it: only touched pages are read. */
	{
		size_t page = (size_t)sysconf(_SC_PAGESIZE), size = 256 * page;
		uint8_t *ram = mmap(NULL, size, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		unsigned char vec[256];
		unsigned int resident = 0;

		record(ram + 10 * page + 7, "timebase-frequency", 8, TIMEBASE_APPLE_HZ);
		record(ram + 200 * page - 20, "timebase-frequency", 8, TIMEBASE_APPLE_HZ);
		ok(timebase_fix_resident(ram, size, TIMEBASE_APPLE_HZ) == 0 &&
		   value_at(ram + 10 * page + 7) == TIMEBASE_APPLE_HZ, "at 24 MHz nothing is done");
		ok(timebase_fix_resident(ram, size, 0) == 0, "an unknown host rate: nothing is done");
		ok(timebase_fix_resident(ram, size, RATE) == 2 &&
		   value_at(ram + 10 * page + 7) == RATE && value_at(ram + 200 * page - 20) == RATE,
		   "records in touched pages rewritten, one across two pages");
		mincore(ram, size, vec);
		for (i = 0; i < 256; i++)
			resident += vec[i] & 1;
		ok(resident == 3, "the scan allocated none of the untouched pages (%u resident)",
		   resident);
		ok(timebase_fix_resident(NULL, size, RATE) == 0, "RAM not found: nothing");
		munmap(ram, size);
	}
	return tap_done();
}
