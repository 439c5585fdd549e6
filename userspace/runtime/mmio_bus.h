/* SPDX-License-Identifier: GPL-2.0 */
/* mmio_bus.h - userspace devices by guest-physical range, kvmtool style. */
#ifndef VMAPPLE_MMIO_BUS_H
#define VMAPPLE_MMIO_BUS_H

#include <stdbool.h>
#include <stdint.h>

/* A device access: @len is 1..8 bytes, little-endian in @data. */
typedef int (*mmio_fn)(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		       bool is_write);

struct mmio_device {
	const char *name;
	uint64_t base;
	uint64_t size;
	mmio_fn access;
	void *opaque;
};

#define MMIO_BUS_MAX 32

struct mmio_bus {
	struct mmio_device dev[MMIO_BUS_MAX];
	int count;
};

/* 0, or -EEXIST (overlap), -ENOSPC (full), -EINVAL (empty range). */
int mmio_bus_add(struct mmio_bus *bus, const struct mmio_device *dev);

/* Accesses within one device only; -ENODEV when no device claims it. */
int mmio_bus_access(struct mmio_bus *bus, uint64_t addr, uint8_t *data, unsigned int len,
		    bool is_write);

#endif
