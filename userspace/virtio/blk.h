/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blk.h - virtio-blk over virtio-pci, in two flavours: the standard device
 * (1af4:1042, what Linux binds) and Apple's (106b:1a00, class SCSI
 * storage), which puts its disk type (root 1, aux 2) in the config word at
 * 0x3c and accepts the no-op APPLE_BARRIER request (0x10000).  Requests
 * run on the device's own thread; FLUSH is fdatasync().  Facts:
 * vmapple-board.md §5.
 */
#ifndef VMAPPLE_VIRTIO_BLK_H
#define VMAPPLE_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "pci.h"
#include "worker.h"

#define VIRTIO_ID_BLOCK		2
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8
#define VIRTIO_BLK_T_APPLE_BARRIER 0x10000
#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2
#define VIRTIO_BLK_F_RO		(1ull << 5)
#define VIRTIO_BLK_F_BLK_SIZE	(1ull << 6)
#define VIRTIO_BLK_F_FLUSH	(1ull << 9)
#define VIRTIO_BLK_F_SEG_MAX	(1ull << 2)

enum virtio_blk_apple_type {
	VIRTIO_BLK_STANDARD = 0,
	VIRTIO_BLK_APPLE_ROOT = 1,
	VIRTIO_BLK_APPLE_AUX = 2,
};

struct virtio_blk {
	struct virtio_pci vp;
	struct virtio_worker worker;
	enum virtio_blk_apple_type type;
	int fd;
	uint64_t offset;	/* where the disk starts in the file */
	uint64_t size;		/* bytes */
	bool read_only;
	char id[21];		/* GET_ID: up to 20 bytes */
	uint64_t requests, errors;
};

/* The disk is @fd from @offset, @size bytes.  0 or -errno. */
int virtio_blk_init(struct virtio_blk *b, const char *name, enum virtio_blk_apple_type type,
		    int fd, uint64_t offset, uint64_t size, bool read_only,
		    const struct virtio_host *host);
/* Process queue 0 now (the worker's job; tests call it directly). */
void virtio_blk_kicked(struct virtio_pci *vp, unsigned int q);
void virtio_blk_destroy(struct virtio_blk *b);

#endif
