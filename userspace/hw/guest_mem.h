/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_mem.h - how a device reaches guest memory (DMA): by guest-physical
 * address, bounded, failing cleanly outside RAM.  The VM provides one over
 * its RAM regions; tests provide their own.
 */
#ifndef VMAPPLE_HW_GUEST_MEM_H
#define VMAPPLE_HW_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

struct guest_mem {
	void *opaque;
	/* 0, or -EFAULT when [gpa, gpa + len) is not all guest RAM. */
	int (*read)(void *opaque, uint64_t gpa, void *buf, size_t len);
	int (*write)(void *opaque, uint64_t gpa, const void *buf, size_t len);
	/* Host pointer for [gpa, gpa + len), or NULL when not all RAM (virtio buffers). */
	void *(*map)(void *opaque, uint64_t gpa, size_t len);
};

#endif
