// SPDX-License-Identifier: GPL-2.0
/* test_mmio_bus - device registration and dispatch, and every refusal. */
#include <errno.h>
#include <string.h>

#include "../../userspace/runtime/mmio_bus.h"
#include "tap.h"

static uint64_t last_offset;
static unsigned int last_len;

static int record(void *opaque, uint64_t offset, uint8_t *data, unsigned int len, bool is_write)
{
	(void)opaque;
	(void)is_write;
	last_offset = offset;
	last_len = len;
	memset(data, 0xab, len);
	return 0;
}

int main(void)
{
	static struct mmio_bus bus;
	struct mmio_device d = { .name = "a", .base = 0x1000, .size = 0x100, .access = record };
	uint8_t data[8];
	int i;

	ok(mmio_bus_add(&bus, &d) == 0, "a device registers");
	d.base = 0x10ff;
	ok(mmio_bus_add(&bus, &d) == -EEXIST, "an overlapping device is refused with -EEXIST");
	d.base = 0x2000;
	d.size = 0;
	ok(mmio_bus_add(&bus, &d) == -EINVAL, "an empty range is refused with -EINVAL");
	d.base = ~0ull - 4;
	d.size = 16;
	ok(mmio_bus_add(&bus, &d) == -EINVAL, "a range wrapping past 2^64 is refused");
	ok(mmio_bus_access(&bus, 0x1010, data, 4, false) == 0 && last_offset == 0x10 &&
	   last_len == 4 && data[0] == 0xab, "an access reaches its device at its offset");
	ok(mmio_bus_access(&bus, 0x10fc, data, 8, true) == -ENODEV,
	   "an access running off the device's end is refused with -ENODEV");
	ok(mmio_bus_access(&bus, 0x3000, data, 4, true) == -ENODEV, "no device: -ENODEV");
	d.size = 0x10;
	for (i = 0; i < MMIO_BUS_MAX - 1; i++) {
		d.base = 0x100000 + (uint64_t)i * 0x100;
		mmio_bus_add(&bus, &d);
	}
	d.base = 0x900000;
	ok(mmio_bus_add(&bus, &d) == -ENOSPC, "a full bus refuses with -ENOSPC");
	return tap_done();
}
