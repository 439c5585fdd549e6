/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timebase.h - XNU takes its timebase from the device tree iBoot loaded
 * (/cpus/<cpu>/timebase-frequency, 24 MHz as Apple writes it), never from
 * CNTFRQ_EL0.  On a host whose counter runs at another rate the guest's
 * clock runs wrong (0.80 of real time in yaelliethy's measurement), so at
 * the boot CPU's PAC_SET_INITIAL_STATE the records are rewritten to the
 * real rate, as yaelliethy's hw/vmapple/hvc.c (ba2ac1523e) does: only a
 * record whose 32-byte name field is exactly "timebase-frequency", whose
 * length (bit 31, Apple's flag, ignored) is 8 and whose value is 24000000.
 * Nothing is done at 24 MHz.  facts: shared/specs/macos-guest-facts.md.
 */
#ifndef VMAPPLE_TIMEBASE_H
#define VMAPPLE_TIMEBASE_H

#include <stddef.h>
#include <stdint.h>

#define TIMEBASE_APPLE_HZ	24000000ull
#define TIMEBASE_RECORD_SIZE	44	/* name[32], u32 length, u64 value */
#define TIMEBASE_SCAN_MAX	(2ull << 30)	/* yaelliethy's bound: RAM's first 2 GiB */

/*
 * Rewrite every matching record lying wholly inside @buf[0, @len) to @hz;
 * the number rewritten.  Any content is safe: nothing outside @buf is read.
 */
unsigned int timebase_rewrite(uint8_t *buf, size_t len, uint64_t hz);

/* The host counter's rate (CNTFRQ_EL0), or 0 where it cannot be read. */
uint64_t timebase_host_hz(void);

/*
 * Guest RAM mapped at @p for @size bytes (at most TIMEBASE_SCAN_MAX are
 * read): rewrite within its resident pages only, so the scan never
 * allocates memory the guest has not touched.  Nothing at 0 or 24 MHz.
 * The records rewritten.
 */
unsigned int timebase_fix_resident(uint8_t *p, uint64_t size, uint64_t hz);

#endif
