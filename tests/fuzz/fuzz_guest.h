/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_guest.h - what the device fuzzers share: a guest RAM filled from the
 * back of the input, the front read as a guest driver's register accesses
 * (offset, size, direction, value).  Every DMA a device
 * makes goes through guest_mem, which checks it against the RAM and aborts
 * the run on anything outside (a device that asks is fine; one that touches
 * is the bug).
 */
#ifndef VMAPPLE_FUZZ_GUEST_H
#define VMAPPLE_FUZZ_GUEST_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../userspace/hw/guest_mem.h"

#define FUZZ_RAM_BASE	0x70000000ull
#define FUZZ_RAM_SIZE	0x4000ull

static uint8_t fuzz_ram[FUZZ_RAM_SIZE];

static int fuzz_in_ram(uint64_t gpa, size_t len)
{
	return gpa >= FUZZ_RAM_BASE && gpa - FUZZ_RAM_BASE <= FUZZ_RAM_SIZE &&
	       len <= FUZZ_RAM_SIZE - (gpa - FUZZ_RAM_BASE);
}

static int fuzz_ram_read(void *opaque, uint64_t gpa, void *buf, size_t len)
{
	(void)opaque;
	if (!fuzz_in_ram(gpa, len))
		return -EFAULT;
	memcpy(buf, fuzz_ram + (gpa - FUZZ_RAM_BASE), len);
	return 0;
}

static int fuzz_ram_write(void *opaque, uint64_t gpa, const void *buf, size_t len)
{
	(void)opaque;
	if (!fuzz_in_ram(gpa, len))
		return -EFAULT;
	memcpy(fuzz_ram + (gpa - FUZZ_RAM_BASE), buf, len);
	return 0;
}

static void *fuzz_ram_map(void *opaque, uint64_t gpa, size_t len)
{
	(void)opaque;
	return fuzz_in_ram(gpa, len) ? fuzz_ram + (gpa - FUZZ_RAM_BASE) : NULL;
}

static const struct guest_mem fuzz_mem = {
	NULL, fuzz_ram_read, fuzz_ram_write, fuzz_ram_map,
};

/*
 * The back half of the input, at most @ram_bytes of it, becomes the start
 * of guest RAM; the front stays for the accesses (so even a short input
 * reaches the device).
 */
static void fuzz_fill_ram(const uint8_t **data, size_t *size, size_t ram_bytes)
{
	size_t n = *size / 2;

	if (n > ram_bytes)
		n = ram_bytes;
	if (n > FUZZ_RAM_SIZE)
		n = FUZZ_RAM_SIZE;
	memset(fuzz_ram, 0, sizeof(fuzz_ram));
	memcpy(fuzz_ram, *data + *size - n, n);
	*size -= n;
}

/* One register access as a driver makes it, decoded from 12 input bytes. */
struct fuzz_access {
	uint64_t offset;
	unsigned int len;	/* 1, 2, 4 or 8 */
	int is_write;
	uint8_t value[8];
};

static int fuzz_next_access(const uint8_t **data, size_t *size, uint64_t window,
			    struct fuzz_access *a)
{
	const uint8_t *d = *data;
	uint16_t off;

	if (*size < 12)
		return 0;
	memcpy(&off, d, 2);
	a->len = 1u << (d[2] & 3);
	a->is_write = d[2] >> 7;
	a->offset = off % window;
	a->offset &= ~(uint64_t)(a->len - 1);	/* drivers access registers aligned */
	memcpy(a->value, d + 4, 8);
	*data += 12;
	*size -= 12;
	return 1;
}

#endif
