/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvpanic.h - pvpanic-mmio at 0x2007_0000: reading reports the events the
 * device advertises; the guest writes an event when it panics, which ends
 * the run with its own exit status.
 */
#ifndef VMAPPLE_HW_PVPANIC_H
#define VMAPPLE_HW_PVPANIC_H

#include <stdbool.h>
#include <stdint.h>

#define PVPANIC_BASE		0x20070000ull
#define PVPANIC_SIZE		0x2ull
#define PVPANIC_PANICKED	(1u << 0)
#define PVPANIC_CRASH_LOADED	(1u << 1)
#define PVPANIC_SHUTDOWN	(1u << 2)
/* Advertised, as QEMU's default; SHUTDOWN is understood but not advertised. */
#define PVPANIC_ADVERTISED	(PVPANIC_PANICKED | PVPANIC_CRASH_LOADED)
#define PVPANIC_UNDERSTOOD	(PVPANIC_ADVERTISED | PVPANIC_SHUTDOWN)

struct pvpanic {
	/* Called with each written event (only understood bits). */
	void (*event)(void *opaque, uint32_t events);
	void *opaque;
};

int pvpanic_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		   bool is_write);

#endif
