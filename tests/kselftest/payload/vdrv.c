// SPDX-License-Identifier: GPL-2.0
/*
 * vdrv.c - a bare-metal virtio-pci driver that behaves as macOS's
 * AppleVirtIO does, loaded by `vmapple run --bios` at 0x10_0000 (MMU off,
 * so every guest-memory access is bytewise: Device memory faults on
 * unaligned ones).  It enumerates the PCIe host's ECAM, places each
 * virtio function's BARs, and:
 * - on the virtio-rng, lays out a 64-entry split ring byte-aligned as
 *   AppleVirtIO does (descriptors at page offset 0xbf0, the avail ring
 *   straddling a 4 KiB boundary, the used address programmed at that
 *   boundary) and reads the used ring at the next boundary past the avail
 *   ring; with ECID 0x600d the same driver lays a well-formed ring.  It
 *   completes 1000 requests, checking after each that the avail ring holds
 *   exactly what it wrote, and prints the counts;
 * - on the virtio-sound, asks JACK_INFO, PCM_INFO and CHMAP_INFO on the
 *   control queue and prints each status.
 * Facts: shared/specs/macos-guest-facts.md (Virtio), aquarat's NOTES.md.
 * The board's addresses and the bytewise helpers: bare.h.
 */
#include "bare.h"

#define DEV_RNG		0x1044
#define DEV_SOUND	0x1059

#define QSIZE		64
#define REQUESTS	1000
#define SPIN_LIMIT	20000000u

/* Features (VERSION_1 only), queue 0 at @desc/@avail/@used, DRIVER_OK. */
static int bring_up(struct vdev *d, uint64_t desc, uint64_t avail, uint64_t used)
{
	if (vdev_features(d, 0))
		return -1;
	vdev_queue(d, 0, QSIZE, desc, avail, used);
	vdev_driver_ok(d);
	return 0;
}

/* One split ring as the driver sees it, with what it wrote to the avail ring. */
struct ring {
	uintptr_t desc, avail, used_read;
	uint16_t avail_idx, used_seen;
	uint8_t shadow[4 + 2 * QSIZE + 2];
};

static int avail_intact(const struct ring *r)
{
	for (unsigned int i = 0; i < sizeof(r->shadow); i++)
		if (r8(r->avail + i) != r->shadow[i])
			return 0;
	return 1;
}

/*
 * Offer a chain of @n descriptors (addr, len, writable) at head 0, kick, wait
 * for the used index to move.  1 when used; 0 when it never was.
 */
static int request(struct vdev *d, struct ring *r, const uint64_t *addr, const uint32_t *len,
		   const int *writable, int n)
{
	uint16_t slot = r->avail_idx % QSIZE;
	uint32_t spins = 0;

	for (int i = 0; i < n; i++) {
		uintptr_t e = r->desc + 16u * (unsigned int)i;

		put(e, addr[i], 8);
		put(e + 8, len[i], 4);
		put(e + 12, (i + 1 < n ? 1 : 0) | (writable[i] ? 2 : 0), 2);
		put(e + 14, (uint64_t)(i + 1), 2);
	}
	put(r->avail + 4 + 2u * slot, 0, 2);
	r->shadow[4 + 2 * slot] = 0;
	r->shadow[5 + 2 * slot] = 0;
	fence();
	r->avail_idx++;
	put(r->avail + 2, r->avail_idx, 2);
	r->shadow[2] = (uint8_t)r->avail_idx;
	r->shadow[3] = (uint8_t)(r->avail_idx >> 8);
	fence();
	w16(d->notify, 0);
	while ((uint16_t)get(r->used_read + 2, 2) == r->used_seen)
		if (++spins > SPIN_LIMIT)
			return 0;
	fence();
	r->used_seen++;
	return 1;
}

static void rng_test(struct vdev *d, int apple)
{
	struct ring r = { 0 };
	uint64_t used_prog;
	unsigned int done = 0, intact = 0;
	uint64_t buf = RAM + 0x200000;
	uint32_t len = 16;
	int wr = 1;

	if (apple) {
		r.desc = RAM + 0x105bf0;		/* byte-aligned, page offset 0xbf0 */
		r.avail = r.desc + 16 * QSIZE;		/* 0x...5ff0: straddles 0x...6000 */
		used_prog = RAM + 0x106000;		/* the boundary inside the avail ring */
		r.used_read = (r.avail + 6 + 2 * QSIZE + 0xfff) & ~0xffful;	/* 0x...7000 */
	} else {
		r.desc = RAM + 0x110000;
		r.avail = RAM + 0x111000;
		used_prog = RAM + 0x112000;
		r.used_read = used_prog;
	}
	for (uintptr_t a = r.desc; a < r.used_read + 4 + 8 * QSIZE + 2; a++)
		w8(a, 0);
	if (bring_up(d, r.desc, r.avail, used_prog)) {
		puts_("vdrv: rng refused FEATURES_OK\n");
		return;
	}
	for (unsigned int i = 0; i < REQUESTS; i++) {
		if (!request(d, &r, &buf, &len, &wr, 1))
			break;
		done++;
		intact += avail_intact(&r);
	}
	puts_(apple ? "vdrv: rng apple-layout" : "vdrv: rng well-formed");
	puts_(" requests ");
	putdec(done);
	puts_(" of ");
	putdec(REQUESTS);
	puts_(" avail-intact ");
	putdec(intact);
	puts_("\n");
}

/* A control request: 16 bytes of query in, a status and @resp_len of answer out. */
static uint32_t snd_query(struct vdev *d, struct ring *r, uint32_t code, uint32_t count,
			  uint32_t size)
{
	uint64_t q = RAM + 0x300000, resp = RAM + 0x301000;
	uint64_t addr[2] = { q, resp };
	uint32_t len[2] = { 16, 4 + count * size };
	int wr[2] = { 0, 1 };

	put(q, code, 4);
	put(q + 4, 0, 4);		/* start_id */
	put(q + 8, count, 4);
	put(q + 12, size, 4);
	put(resp, 0xdeadbeef, 4);
	if (!request(d, r, addr, len, wr, 2))
		return 0xffffffff;
	return (uint32_t)get(resp, 4);
}

static void sound_test(struct vdev *d)
{
	struct ring r = { .desc = RAM + 0x120000, .avail = RAM + 0x121000,
			  .used_read = RAM + 0x122000 };

	for (uintptr_t a = r.desc; a < r.used_read + 0x1000; a++)
		w8(a, 0);
	if (bring_up(d, r.desc, r.avail, r.used_read)) {
		puts_("vdrv: sound refused FEATURES_OK\n");
		return;
	}
	puts_("vdrv: sound jack_info ");
	puthex(snd_query(d, &r, 0x0001, 0, 24));	/* VIRTIO_SND_R_JACK_INFO, 0 jacks */
	puts_(" pcm_info ");
	puthex(snd_query(d, &r, 0x0100, 1, 32));	/* VIRTIO_SND_R_PCM_INFO, stream 0 */
	puts_(" chmap_info ");
	puthex(snd_query(d, &r, 0x0200, 0, 24));	/* VIRTIO_SND_R_CHMAP_INFO, 0 maps */
	puts_(" bad_range ");
	puthex(snd_query(d, &r, 0x0100, 2, 32));	/* two streams of one: BAD_MSG */
	puts_("\n");
}

int main(void)
{
	int apple = get(CFG_ECID, 8) != 0x600d;
	struct vdev d;

	puts_("vdrv: hello\n");
	for (unsigned int slot = 0; slot < 32; slot++) {
		uint32_t id = r32(ECAM + ((uintptr_t)slot << 15));

		if ((id & 0xffff) != VIRTIO_VENDOR)
			continue;
		place_bars(slot, &d);
		if (id >> 16 == DEV_RNG)
			rng_test(&d, apple);
		else if (id >> 16 == DEV_SOUND)
			sound_test(&d);
	}
	puts_("vdrv: done\n");
	return 0;
}
