// SPDX-License-Identifier: GPL-2.0
/*
 * test_virtio_used_ring - macOS 26's AppleVirtIO lays a 64-entry split
 * ring out byte-aligned: descriptors, then the avail ring straddling a
 * 4 KiB boundary; it programs that boundary (inside the avail ring) as
 * the used address and reads the used ring at the next boundary.  With
 * the board's fix the device completes 1000 requests there and the avail
 * ring stays intact; a well-formed ring is never moved; without the fix
 * the same driver stalls with its avail ring overwritten (the test can
 * fail).  Plus vq_used_address()'s pure cases.
 */
#include <string.h>

#include "../../userspace/virtio/rng.h"
#include "fake_guest.h"
#include "tap.h"

#define QSIZE		64
#define APPLE_DESC	(RAM_BASE + 0x5bf0)	/* aquarat's NOTES.md: page offset 0xbf0 */
#define APPLE_AVAIL	(APPLE_DESC + 16 * QSIZE)	/* 0x...5ff0 */
#define APPLE_USED_PROG	(RAM_BASE + 0x6000)	/* the boundary inside the avail ring */
#define APPLE_USED_READ	(RAM_BASE + 0x7000)	/* ALIGN_UP(avail + 6 + 2 * 64, 4 KiB) */
#define AVAIL_LEN	(4 + 2 * QSIZE + 2)

struct layout {
	uint64_t desc, avail, used_prog, used_read;
};

static const struct layout apple = { APPLE_DESC, APPLE_AVAIL, APPLE_USED_PROG, APPLE_USED_READ };
static const struct layout proper = { RING_DESC, RING_AVAIL, RING_USED, RING_USED };

/* The driver's side, bytewise as a driver on byte-aligned rings must. */
struct driver {
	struct fake_guest g;
	struct virtio_rng rng;
	struct layout l;
	uint8_t avail_shadow[AVAIL_LEN];	/* what the driver wrote there */
	uint16_t avail_idx;
};

static void put_bytes(struct driver *d, uint64_t gpa, const void *v, size_t n)
{
	memcpy(gpa_ptr(&d->g, gpa), v, n);
}

static void setup(struct driver *d, const struct layout *l, bool fix)
{
	struct virtio_pci *vp;

	memset(d, 0, sizeof(*d));
	fg_init(&d->g);
	d->g.host.fix_overlapping_used = fix;
	d->l = *l;
	if (virtio_rng_init(&d->rng, &d->g.host))
		abort();
	vp = &d->rng.vp;
	(void)driver_features(vp, VIRTIO_F_VERSION_1);
	bar_wr(vp, 0, VIRTIO_CC_Q_SELECT, 0, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_SIZE, QSIZE, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_DESCLO, l->desc, 8);
	bar_wr(vp, 0, VIRTIO_CC_Q_AVAILLO, l->avail, 8);
	bar_wr(vp, 0, VIRTIO_CC_Q_USEDLO, l->used_prog, 8);
	bar_wr(vp, 0, VIRTIO_CC_Q_ENABLE, 1, 2);
	driver_ok(vp);
}

static void teardown(struct driver *d)
{
	virtio_rng_destroy(&d->rng);
	fg_free(&d->g);
}

/* Offer one 16-byte buffer, kick, and see it used where the driver reads. */
static bool one_request(struct driver *d)
{
	uint16_t slot = d->avail_idx % QSIZE, before, after;
	uint8_t desc[16];
	uint64_t buf = BUF_GPA + 16ull * slot;
	uint32_t len = 16;
	uint16_t flags = VRING_DESC_F_WRITE, next = 0;

	memcpy(desc, &buf, 8);
	memcpy(desc + 8, &len, 4);
	memcpy(desc + 12, &flags, 2);
	memcpy(desc + 14, &next, 2);
	put_bytes(d, d->l.desc + 16ull * slot, desc, 16);
	memcpy(d->avail_shadow + 4 + 2 * slot, &slot, 2);
	put_bytes(d, d->l.avail + 4 + 2 * slot, &slot, 2);
	d->avail_idx++;
	memcpy(d->avail_shadow + 2, &d->avail_idx, 2);
	put_bytes(d, d->l.avail + 2, &d->avail_idx, 2);
	memcpy(&before, gpa_ptr(&d->g, d->l.used_read + 2), 2);
	pthread_mutex_lock(&d->rng.vp.lock);
	virtio_rng_kicked(&d->rng.vp, 0);
	pthread_mutex_unlock(&d->rng.vp.lock);
	memcpy(&after, gpa_ptr(&d->g, d->l.used_read + 2), 2);
	return after == (uint16_t)(before + 1) &&
	       get32(&d->g, d->l.used_read + 4 + 8ull * slot) == slot;
}

static bool avail_intact(struct driver *d)
{
	return !memcmp(gpa_ptr(&d->g, d->l.avail), d->avail_shadow, AVAIL_LEN);
}

static unsigned int run_requests(struct driver *d, unsigned int n, bool *intact)
{
	unsigned int i, done = 0;

	*intact = true;
	for (i = 0; i < n; i++) {
		done += one_request(d);
		*intact &= avail_intact(d);
	}
	return done;
}

static void test_pure(void)
{
	bool moved;

	ok(vq_used_address(APPLE_DESC, APPLE_AVAIL, APPLE_USED_PROG, QSIZE, &moved) ==
	   APPLE_USED_READ && moved, "AppleVirtIO's layout: used moves to the next 4 KiB past avail");
	ok(vq_used_address(RING_DESC, RING_AVAIL, RING_USED, QSIZE, &moved) == RING_USED && !moved,
	   "a well-formed ring keeps its used address");
	ok(vq_used_address(0x1000, 0x1400, 0x1486, QSIZE, &moved) == 0x1486 && !moved,
	   "a used ring right after the avail ring (byte-packed, no overlap) stays");
	ok(vq_used_address(0x1000, 0x1400, 0x1485, QSIZE, &moved) == 0x2000 && moved,
	   "one byte into avail's used_event: moved");
	ok(vq_used_address(0x1000, 0x1400, 0x13f0, QSIZE, &moved) == 0x2000 && moved,
	   "a used ring starting inside the descriptor table: moved");
	ok(vq_used_address(0x2100, 0x1400, 0x1400, QSIZE, &moved) == 0x1400 && !moved,
	   "where the new place would hit the descriptors, the layout is left alone");
	ok(vq_used_address(0, UINT64_MAX - 100, UINT64_MAX - 90, QSIZE, &moved) ==
	   UINT64_MAX - 90 && !moved, "an avail ring at the top of the address space: no wrap");
	ok(vq_used_address(0x1000, 0x1010, 0x1010, 1, &moved) == 0x2000 && moved,
	   "a 1-entry ring whose used == avail: moved");
}

int main(void)
{
	struct driver d;
	bool intact;

	test_pure();

	setup(&d, &apple, true);
	ok(d.rng.vp.vq[0].used == APPLE_USED_READ && d.rng.vp.used_relocated == 1,
	   "AppleVirtIO layout, fix on: the device uses the used ring the driver reads");
	ok(bar_rd(&d.rng.vp, 0, VIRTIO_CC_Q_USEDLO, 8) == APPLE_USED_PROG,
	   "... and the driver reads back the address it programmed");
	ok(run_requests(&d, 1000, &intact) == 1000 && intact,
	   "... 1000 requests complete, the avail ring intact after each");
	teardown(&d);

	setup(&d, &proper, true);
	ok(d.rng.vp.vq[0].used == RING_USED && !d.rng.vp.used_relocated,
	   "a well-formed ring, fix on: not moved");
	ok(run_requests(&d, 1000, &intact) == 1000 && intact,
	   "... the same driver completes 1000 requests");
	teardown(&d);

	setup(&d, &apple, false);
	ok(run_requests(&d, 8, &intact) == 0 && !intact,
	   "AppleVirtIO layout, fix off: nothing completes and the avail ring is overwritten");
	teardown(&d);
	return tap_done();
}
