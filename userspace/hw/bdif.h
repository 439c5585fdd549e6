/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bdif.h - the VMApple "backdoor interface" (QEMU's vmapple-bdif): 2 MiB of
 * MMIO at 0x3000_0000 through which AVPBooter reads the root and aux disks.
 * A request is three 16-byte descriptors in guest memory (sector record,
 * data buffer, status byte); writing its address to CMD runs it at once.
 * Reads and writes (iBoot persists NVRAM through them; QEMU drops writes):
 * a write is synced before its status, and a read-only image refuses it
 * with status 1 (FAILED), the one failure code there is.  NEXT_DEVICE reports
 * each disk's real size in sectors (AVPBooter reads the backup GPT at the
 * end).  Facts: shared/specs/vmapple-board.md §3.
 */
#ifndef VMAPPLE_HW_BDIF_H
#define VMAPPLE_HW_BDIF_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"

#define BDIF_BASE		0x30000000ull
#define BDIF_SIZE		0x200000ull
#define BDIF_DEV_ROOT		0x00000
#define BDIF_DEV_AUX		0x10000
#define BDIF_REG_STATUS		0x000
#define BDIF_REG_CFG		0x004
#define BDIF_REG_UNK1		0x008
#define BDIF_REG_BUSY		0x010
#define BDIF_REG_UNK2		0x400
#define BDIF_REG_CMD		0x408
#define BDIF_REG_NEXT_DEVICE	0x420
#define BDIF_REG_UNK3		0x434

#define BDIF_FLAG_READ		0x00030001u
#define BDIF_FLAG_WRITE		0x00010001u
#define BDIF_MAX_DATA		(128u << 20)
#define BDIF_STATUS_OK		0
#define BDIF_STATUS_FAILED	1

struct bdif_disk {
	int fd;			/* -1: no disk */
	uint64_t offset;	/* where the disk starts in the file (aux: past its header) */
	uint64_t size;		/* bytes, from offset */
	bool read_only;		/* writes end with status 1 */
};

struct bdif {
	struct bdif_disk root, aux;
	struct guest_mem mem;
	uint64_t requests, failures;
	uint64_t bytes_written, writes_refused;
};

/* The mmio_bus access function; @opaque is the struct bdif. */
int bdif_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len, bool is_write);

#endif
