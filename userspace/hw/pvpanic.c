// SPDX-License-Identifier: GPL-2.0
/* pvpanic.c - the pvpanic-mmio device (see pvpanic.h). */
#include "pvpanic.h"

#include <string.h>

int pvpanic_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		   bool is_write)
{
	struct pvpanic *p = opaque;
	uint32_t value = 0;

	if (offset != 0) {	/* only the first byte is a register */
		if (!is_write)
			memset(data, 0, len);
		return 0;
	}
	if (!is_write) {
		value = PVPANIC_ADVERTISED;
		memcpy(data, &value, len < sizeof(value) ? len : sizeof(value));
		return 0;
	}
	memcpy(&value, data, len < sizeof(value) ? len : sizeof(value));
	value &= PVPANIC_UNDERSTOOD;
	if (value && p->event)
		p->event(p->opaque, value);
	return 0;
}
