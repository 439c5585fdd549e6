/* SPDX-License-Identifier: GPL-2.0 */
/*
 * balloon.h - virtio-balloon (virtio 1.2 §5.5) over virtio-pci, in two modes.
 *
 * Standard (Linux guests): PFNs of 4 KiB (VIRTIO_BALLOON_PFN_SHIFT); the
 * device sets num_pages, the balloon size it wants, and the driver writes
 * back actual, the size it has.  Queues: inflate 0, deflate 1, stats 2,
 * free page reporting 3.  Linux numbers only the queues it negotiated
 * (vp_find_vqs_msix() in virtio_pci_common.c counts named queues), so
 * without STATS_VQ reporting is 2; the device follows the same rule.
 * Free page hinting is not offered: its queue would be a fifth.
 *
 * macOS (the --bios boots): AppleVirtIOBalloon's quirks, handled as
 * aquarat's QEMU fork does with macos-units=on, macos-hold=on
 * (aquarat/qemu-reims-vgpu hw/virtio/virtio-balloon.c at aa38c32f7e1c,
 * the protocol in aquarat/experiment-macos-arm64-on-asahi-linux-arm64
 * docs/NOTES.md).  The driver counts its balloon itself (P, 4 KiB units),
 * never reads actual, and on every config interrupt and completed buffer
 * runs: N = num_pages; if N > P, inflate N - P 16 KiB pages (P += 4 (N - P));
 * then, with the N read before, if N < P, deflate P - N 16 KiB pages out of
 * the inflate buffers the device completed, if it has that many.  So:
 *  - actual counts the PFNs the device received; driver writes are ignored;
 *  - num_pages is presented in the driver's confused units, one bounded
 *    step at a time: actual + min(target - actual, macos_step) / 4 (the
 *    target rounded down to whole 16 KiB pages, a step to at most 1 GiB);
 *  - every inflate of d is followed by a stray deflate of 3d; with the hold
 *    on, the device discards an inflate buffer's pages at once but keeps
 *    the buffer, so the driver never has completed buffers to deflate from.
 *    To deflate, the device completes just enough held buffers (newest
 *    first) and presents actual - completed / 4 (at most 2 GiB a round);
 *  - config reads first consume posted buffers: the driver's P grew when it
 *    posted, and it compares right after;
 *  - inflate and deflate queues have 1024 entries: a request must fit in
 *    the free descriptors, one 16 KiB page of PFNs each, and with 128 a
 *    deflate above 2 GiB never posts.
 *
 * Pages given back are returned to the host with MADV_DONTNEED: guest RAM
 * is private anonymous memory (guest_ram.c).  Only whole host pages inside guest RAM are discarded
 * (a 16 KiB host page needs all four of its PFNs in one buffer); PFNs
 * outside RAM are counted as bad and skipped.
 *
 * Locking: vp.lock, as for every virtio device; the entry points below
 * take it, virtio_balloon_kicked() is called with it held.
 */
#ifndef VMAPPLE_VIRTIO_BALLOON_H
#define VMAPPLE_VIRTIO_BALLOON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pci.h"
#include "worker.h"

#define VIRTIO_ID_BALLOON		5
#define VIRTIO_BALLOON_PFN_SHIFT	12

#define VIRTIO_BALLOON_F_MUST_TELL_HOST	(1ull << 0)
#define VIRTIO_BALLOON_F_STATS_VQ	(1ull << 1)
#define VIRTIO_BALLOON_F_PAGE_POISON	(1ull << 4)
#define VIRTIO_BALLOON_F_REPORTING	(1ull << 5)

/* Config space (§5.5.4), little-endian. */
#define VIRTIO_BALLOON_CFG_NUM_PAGES	0
#define VIRTIO_BALLOON_CFG_ACTUAL	4
#define VIRTIO_BALLOON_CFG_HINT_CMD_ID	8
#define VIRTIO_BALLOON_CFG_POISON	12
#define VIRTIO_BALLOON_CFG_SIZE		16

#define VIRTIO_BALLOON_S_NR		16	/* stats tags we keep */

#define VIRTIO_BALLOON_QUEUE_SIZE	128	/* as QEMU's */
#define VIRTIO_BALLOON_MACOS_QUEUE_SIZE	1024
/* 4 KiB pages per round: inflate (256 MiB, as macos-step) and deflate (2 GiB). */
#define VIRTIO_BALLOON_MACOS_STEP	65536u
#define VIRTIO_BALLOON_MACOS_DEFLATE_MAX (128u * 4096)

/* Counters; pages are 4 KiB balloon pages. */
struct virtio_balloon_counters {
	uint64_t inflated;		/* PFNs put in the balloon (inside RAM) */
	uint64_t deflated;		/* PFNs taken back (inside RAM) */
	uint64_t reported;		/* pages of free page reports */
	uint64_t returned_bytes;	/* host memory discarded */
	uint64_t bad;			/* refused: PFNs outside RAM, malformed buffers */
	uint64_t discard_errors;	/* madvise() refused */
};

struct virtio_balloon_held {
	uint16_t head;
	uint32_t pfns;
};

struct virtio_balloon {
	struct virtio_pci vp;
	struct virtio_worker worker;
	bool macos;
	/* macOS mode only; change before the driver starts (tests do). */
	bool macos_hold;
	uint32_t macos_step;		/* PFNs per inflate round */
	uint64_t ram_bytes;
	size_t host_page;		/* discard granule: the host's page size */
	uint64_t target;		/* balloon size wanted, 4 KiB pages */
	uint64_t actual;		/* the driver's (standard) or counted (macOS) */
	uint32_t poison_val;
	/* macOS hold: inflate buffers consumed but not completed, oldest first. */
	struct virtio_balloon_held held[VQ_MAX_SIZE];
	unsigned int nr_held;
	uint64_t held_pfns;
	/* The stats buffer, kept until the host wants fresh figures. */
	bool stats_held;
	uint16_t stats_head;
	uint64_t guest_stats[VIRTIO_BALLOON_S_NR];
	uint32_t guest_stats_valid;	/* bit per tag in the last buffer */
	struct virtio_balloon_counters n;
};

/* @ram_bytes: the guest's RAM, what targets are taken from.  0 or -errno. */
int virtio_balloon_init(struct virtio_balloon *b, const struct virtio_host *host, bool macos,
			uint64_t ram_bytes);
/* Process queue @q now (the worker's job; tests call it directly). */
void virtio_balloon_kicked(struct virtio_pci *vp, unsigned int q);
/*
 * Leave the guest @bytes of its RAM (QMP `balloon` semantics): the balloon
 * should hold the rest.  0 is ignored, more than the RAM means none.
 * Updates num_pages and raises a configuration-change interrupt.
 */
void virtio_balloon_set_target(struct virtio_balloon *b, uint64_t bytes);
/* The guest's RAM less the balloon, in bytes (QMP `query-balloon` "actual"). */
uint64_t virtio_balloon_query(struct virtio_balloon *b);
/* Give the stats buffer back so the driver refills it (call every few s). */
void virtio_balloon_poll_stats(struct virtio_balloon *b);
void virtio_balloon_get_counters(struct virtio_balloon *b, struct virtio_balloon_counters *n);
void virtio_balloon_destroy(struct virtio_balloon *b);

#endif
