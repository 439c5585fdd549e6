/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reg32.h - devices whose registers are 32 bits wide: one mmio_bus access
 * function that narrows or widens the guest's access (1-8 bytes) to a
 * register read or write.  Bytes past the register read as zero.
 */
#ifndef VMAPPLE_HW_REG32_H
#define VMAPPLE_HW_REG32_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef uint32_t (*reg32_read_fn)(void *dev, uint64_t offset);
typedef void (*reg32_write_fn)(void *dev, uint64_t offset, uint32_t value);

static inline int reg32_access(void *dev, uint64_t offset, uint8_t *data, unsigned int len,
			       bool is_write, reg32_read_fn rd, reg32_write_fn wr)
{
	uint32_t v = 0;
	unsigned int n = len < sizeof(v) ? len : sizeof(v);

	if (is_write) {
		memcpy(&v, data, n);
		wr(dev, offset, v);
	} else {
		v = rd(dev, offset);
		memset(data, 0, len);
		memcpy(data, &v, n);
	}
	return 0;
}

#endif
