// SPDX-License-Identifier: GPL-2.0
/* mmio_bus.c - find the userspace device behind a guest-physical address. */
#include "mmio_bus.h"

#include <errno.h>

static bool overlaps(const struct mmio_device *a, const struct mmio_device *b)
{
	return a->base < b->base + b->size && b->base < a->base + a->size;
}

int mmio_bus_add(struct mmio_bus *bus, const struct mmio_device *dev)
{
	int i;

	if (!dev->size || dev->base + dev->size < dev->base)
		return -EINVAL;
	for (i = 0; i < bus->count; i++)
		if (overlaps(&bus->dev[i], dev))
			return -EEXIST;
	if (bus->count == MMIO_BUS_MAX)
		return -ENOSPC;
	bus->dev[bus->count++] = *dev;
	return 0;
}

int mmio_bus_access(struct mmio_bus *bus, uint64_t addr, uint8_t *data, unsigned int len,
		    bool is_write)
{
	int i;

	for (i = 0; i < bus->count; i++) {
		const struct mmio_device *d = &bus->dev[i];

		if (addr >= d->base && addr - d->base + len <= d->size)
			return d->access(d->opaque, addr - d->base, data, len, is_write);
	}
	return -ENODEV;
}
