/* SPDX-License-Identifier: GPL-2.0 */
/*
 * disk.h - a disk image as the board's block devices share it: opened
 * once (BDIF and virtio-blk use the same descriptor), locked with an OFD
 * lock so two VMs can never open one image read-write (a second reader is
 * fine), and for the aux disk, Virtualization.framework's 16 KiB header
 * found and skipped.
 */
#ifndef VMAPPLE_DISK_H
#define VMAPPLE_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DISK_AUX_HEADER		0x4000ull	/* vmapple-board.md §7 */

enum disk_layout {
	DISK_RAW,		/* the whole file is the disk */
	DISK_AUX,		/* an aux image: trimmed, or with VZ's header in front */
};

struct disk_image {
	int fd;			/* -1: none */
	uint64_t offset;	/* where the disk starts in the file */
	uint64_t size;		/* bytes from offset */
	bool read_only;
};

/*
 * Open @path for option @opt ("--disk").  0, or -1 with one line naming
 * the file and the problem in @err (missing, too short, locked by another
 * VM, an aux image whose size fits no known layout).
 */
int disk_open(struct disk_image *d, const char *opt, const char *path, bool read_only,
	      enum disk_layout layout, char *err, size_t err_len);

/*
 * Where an aux image of @size bytes starts: 0 when trimmed (a whole number
 * of MiB), DISK_AUX_HEADER when VZ's header is still on it; -1 otherwise.
 */
int64_t disk_aux_offset(uint64_t size);

void disk_close(struct disk_image *d);

#endif
