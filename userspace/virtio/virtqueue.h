/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtqueue.h - a split virtqueue (virtio 1.2 §2.7) in guest memory, as a
 * device walks it: take the next available chain as host iovecs (readable
 * part, then writable part), hand it back as used.  Every guest address is
 * bounds-checked through guest_mem; a malformed ring (a chain that loops,
 * leaves RAM, is too long, or puts readable after writable) is reported,
 * never followed.  Unaligned rings are read bytewise: macOS 26 places
 * them byte-aligned (peer-asahi-kvm-macos.md §3).
 */
#ifndef VMAPPLE_VIRTIO_VIRTQUEUE_H
#define VMAPPLE_VIRTIO_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "../hw/guest_mem.h"

#define VQ_MAX_SIZE	1024
#define VQ_MAX_SEGS	256	/* iovecs one chain may use */

#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VIRTIO_F_RING_EVENT_IDX	(1ull << 29)

struct virtqueue {
	const struct guest_mem *mem;
	uint16_t size;			/* entries; 0: not set up */
	uint64_t desc, avail, used;	/* guest-physical; @used where the device writes */
	uint64_t used_programmed;	/* the used address the driver wrote (reads back) */
	bool ready;
	uint16_t last_avail;		/* next avail entry we take */
	uint16_t used_idx;		/* next used entry we fill */
	bool broken;			/* malformed: taken no further until reset */
	/*
	 * VIRTIO_F_RING_EVENT_IDX negotiated (§2.7.7.2, §2.7.10): the driver
	 * says in used_event which used index it wants an interrupt at, we say
	 * in avail_event which avail index we want a kick at.
	 */
	bool event_idx;
	uint16_t signalled_used;	/* used_idx at the last interrupt decision */
	bool signalled_valid;		/* none made yet since enable: interrupt */
};

struct vq_elem {
	uint16_t head;
	unsigned int out_num, in_num;	/* readable, writable iovecs */
	size_t out_len, in_len;
	struct iovec out[VQ_MAX_SEGS];
	struct iovec in[VQ_MAX_SEGS];
};

/*
 * Where the device must write the used ring of a split ring programmed
 * as @desc/@avail/@used with @size entries.  AppleVirtIO (macOS 26)
 * allocates the descriptors and avail ring byte-aligned in one block and
 * programs a used address at a 4 KiB boundary inside the avail ring when
 * the avail ring straddles one, while it reads the used ring at the first
 * 4 KiB boundary past the avail ring (aquarat's notes and QEMU fork,
 * x-fix-overlapping-used, 607c56b16d).  So a used ring that overlaps the
 * avail ring (or, beyond aquarat's check, the descriptor table) goes
 * there; any other ring keeps its address.  *@moved says which.
 */
uint64_t vq_used_address(uint64_t desc, uint64_t avail, uint64_t used, uint16_t size,
			 bool *moved);

/* Back to the reset state (size kept as the device's maximum by the caller). */
void vq_reset(struct virtqueue *vq);

/* How many chains the driver has made available that we have not taken (a hint). */
unsigned int vq_pending(struct virtqueue *vq);

/*
 * Take the next available chain.  1: @e filled; 0: none available;
 * -EINVAL: the ring or chain is malformed (the queue is then broken).
 */
int vq_pop(struct virtqueue *vq, struct vq_elem *e);

/*
 * Put back the last @n chains taken and not yet pushed: the next vq_pop()
 * takes them again (a frame that needed more buffers than were posted).
 */
void vq_unpop(struct virtqueue *vq, unsigned int n);

/* Give @e back with @written bytes written into its writable part. */
int vq_push(struct virtqueue *vq, const struct vq_elem *e, uint32_t written);

/*
 * vq_push() in two steps, for a frame spread over several chains: write
 * @e as the @nth used entry past the published ones, then publish @count
 * entries at once (the driver must never see the first without the rest).
 * 0, or -EINVAL (the queue is then broken).
 */
int vq_fill(struct virtqueue *vq, const struct vq_elem *e, uint32_t written, uint16_t nth);
int vq_flush(struct virtqueue *vq, uint16_t count);

/* After vq_push(): does the driver want an interrupt? */
bool vq_wants_interrupt(struct virtqueue *vq);

/* Copy helpers over an iovec array: bytes actually copied. */
size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t skip, void *buf, size_t len);
size_t iov_from_buf(const struct iovec *iov, unsigned int n, size_t skip, const void *buf,
		    size_t len);

#endif
