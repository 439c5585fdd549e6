/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blk.h - virtio-blk over virtio-pci, in two flavours: the standard device
 * (1af4:1042, what Linux binds) and Apple's (106b:1a00, class SCSI
 * storage), which puts its disk type (root 1, aux 2) in the config word at
 * 0x3c and accepts the no-op APPLE_BARRIER request (0x10000).  Requests
 * run on the device's I/O threads, several in flight, with the device's
 * lock let go while each one's I/O runs (a vCPU touching the device never
 * waits on the disk); FLUSH is fdatasync().  A writable disk
 * also takes DISCARD (a hole punched: the host gets the space back) and
 * WRITE_ZEROES (a zeroed range, a hole when the driver allows unmap).
 * Facts: vmapple-board.md §5, virtio 1.2 §5.2.
 */
#ifndef VMAPPLE_VIRTIO_BLK_H
#define VMAPPLE_VIRTIO_BLK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "pci.h"
#include "worker.h"

#define VIRTIO_ID_BLOCK		2
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8
#define VIRTIO_BLK_T_DISCARD	11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_T_APPLE_BARRIER 0x10000
#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2
#define VIRTIO_BLK_F_RO		(1ull << 5)
#define VIRTIO_BLK_F_BLK_SIZE	(1ull << 6)
#define VIRTIO_BLK_F_FLUSH	(1ull << 9)
#define VIRTIO_BLK_F_SEG_MAX	(1ull << 2)
#define VIRTIO_BLK_F_DISCARD	(1ull << 13)
#define VIRTIO_BLK_F_WRITE_ZEROES (1ull << 14)
#define VIRTIO_BLK_WZ_UNMAP	1u	/* a segment's flags: the range may become a hole */
#define VIRTIO_BLK_MAX_RANGE_SEGS 16	/* segments one DISCARD / WRITE_ZEROES may carry */
#define VIRTIO_BLK_MAX_RANGE_SECTORS (1u << 22)	/* 2 GiB a segment */
#define VIRTIO_BLK_IO_THREADS	4	/* requests in flight at once */

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
	bool is_blockdev;	/* ranges by BLKDISCARD / BLKZEROOUT, not fallocate() */
	char id[21];		/* GET_ID: up to 20 bytes */
	uint64_t requests, errors;
	/* The I/O threads, under vp.lock: @work says requests may wait. */
	pthread_t io[VIRTIO_BLK_IO_THREADS];
	unsigned int nr_io;
	pthread_cond_t work, idle;	/* idle: @in_flight fell to 0 */
	unsigned int in_flight, max_in_flight;
	bool io_stop, draining;
};

/* The disk is @fd from @offset, @size bytes.  0 or -errno. */
int virtio_blk_init(struct virtio_blk *b, const char *name, enum virtio_blk_apple_type type,
		    int fd, uint64_t offset, uint64_t size, bool read_only,
		    const struct virtio_host *host);
/*
 * The device's threads: its worker (kicks) and its I/O threads.  Until
 * then, virtio_blk_kicked() runs the requests itself (the tests do).
 * 0 or -errno.
 */
int virtio_blk_start(struct virtio_blk *b);
/*
 * Queue 0 was kicked (the worker's job; tests call it directly): the I/O
 * threads take the requests, or without them it runs them now.
 */
void virtio_blk_kicked(struct virtio_pci *vp, unsigned int q);
void virtio_blk_destroy(struct virtio_blk *b);

#endif
