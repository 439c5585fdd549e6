// SPDX-License-Identifier: GPL-2.0
/*
 * test_virtio_balloon - virtio-balloon driven through real split rings, one
 * per queue, in fake guest RAM that is a real anonymous mapping: mostly a
 * shared one (shmem, the harder case: only MADV_REMOVE frees it), and a
 * private one as guest_ram.c maps guest RAM.  Whether memory went back to
 * the host is read with mincore(), which for shmem reports the pages still
 * allocated, not merely mapped (MADV_DONTNEED would unmap them and fool RSS).
 *
 * Standard mode: inflate discards, deflate counts, PFNs outside RAM and
 * partial host pages are refused, stats are held, free page reports are
 * discarded and returned, num_pages follows the target, config interrupts.
 * macOS mode (AppleVirtIOBalloon, aquarat's macos-units/macos-hold): 1024
 * entries, quarter steps, held inflate buffers, deflate by released
 * buffers, config reads that consume, and a model of the Apple driver that
 * must converge without stray deflates.  Malformed chains throughout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../userspace/virtio/balloon.h"
#include "fake_guest.h"
#include "tap.h"

/* Each queue's ring at its own place: desc 16 KiB, avail at +16 KiB, used at +24 KiB. */
#define QRING(q)	(RAM_BASE + 0x10000ull * (q))
#define ARRAY_GPA(s)	(RAM_BASE + 0x40000 + 0x1000ull * (s))	/* PFN arrays, 48 slots */
#define NSLOTS		48
#define MISC_GPA	(RAM_BASE + 0x70000)	/* stats buffers */
#define BALLOON_GPA	(RAM_BASE + 0x80000)	/* pages the guest balloons */
#define BALLOON_LEN	0x80000ull
#define RAM_ALIGN	0x10000ull		/* so 16 and 64 KiB host pages line up */
#define KiB		1024ull

#define F_STD		(VIRTIO_F_VERSION_1 | VIRTIO_BALLOON_F_MUST_TELL_HOST | \
			 VIRTIO_BALLOON_F_STATS_VQ | VIRTIO_BALLOON_F_REPORTING)
#define F_MAC		(VIRTIO_F_VERSION_1 | VIRTIO_BALLOON_F_MUST_TELL_HOST | \
			 VIRTIO_BALLOON_F_STATS_VQ)

struct tring {
	struct fake_guest *g;
	uint64_t base;
	uint16_t size, avail_idx;
};

struct tb {
	struct fake_guest g;
	struct virtio_balloon b;
	void *raw;
	struct tring r[VIRTIO_PCI_MAX_QUEUES];
	unsigned int slot;		/* next PFN array slot (and descriptor) */
};

static size_t page_size;

/* ---- the driver's side of a ring, at QRING(q) ---- */

static void tr_init(struct tring *r, struct fake_guest *g, unsigned int q, uint16_t size)
{
	r->g = g;
	r->base = QRING(q);
	r->size = size;
	r->avail_idx = 0;
	memset(gpa_ptr(g, r->base), 0, 0x10000);
}

static void tr_desc(struct tring *r, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		    uint16_t next)
{
	put_desc(r->g, r->base, i, addr, len, flags, next);
}

static void tr_offer(struct tring *r, uint16_t head)
{
	put16(r->g, r->base + 0x4000 + 4 + 2ull * (r->avail_idx % r->size), head);
	r->avail_idx++;
	put16(r->g, r->base + 0x4000 + 2, r->avail_idx);
}

static uint16_t tr_used_idx(struct tring *r)
{
	return get16(r->g, r->base + 0x6000 + 2);
}

static uint32_t tr_used_id(struct tring *r, uint16_t n)
{
	return get32(r->g, r->base + 0x6000 + 4 + 8ull * (n % r->size));
}

static uint32_t tr_used_len(struct tring *r, uint16_t n)
{
	return get32(r->g, r->base + 0x6000 + 8 + 8ull * (n % r->size));
}

/* ---- RAM and residency ---- */

static void map_ram(struct tb *t, bool shared)
{
	int flags = (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS | MAP_NORESERVE;
	uintptr_t p;

	free(t->g.ram);
	t->raw = mmap(NULL, RAM_SIZE + RAM_ALIGN, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (t->raw == MAP_FAILED)
		abort();
	p = ((uintptr_t)t->raw + RAM_ALIGN - 1) & ~(uintptr_t)(RAM_ALIGN - 1);
	t->g.ram = (uint8_t *)p;
}

/* Bytes of [gpa, gpa + len) the host holds (mincore: allocated, mapped or not). */
static size_t resident(struct tb *t, uint64_t gpa, size_t len)
{
	size_t n = len / page_size, i, r = 0;
	unsigned char *v = calloc(n, 1);

	if (!v || mincore(gpa_ptr(&t->g, gpa), len, v))
		abort();
	for (i = 0; i < n; i++)
		r += v[i] & 1;
	free(v);
	return r * page_size;
}

static void fill(struct tb *t, uint64_t gpa, size_t len, uint8_t byte)
{
	memset(gpa_ptr(&t->g, gpa), byte, len);
}

static bool all_bytes(struct tb *t, uint64_t gpa, size_t len, uint8_t byte)
{
	const uint8_t *p = gpa_ptr(&t->g, gpa);
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != byte)
			return false;
	return true;
}

/* ---- the driver ---- */

static uint32_t cfg32(struct tb *t, unsigned int off)
{
	return (uint32_t)bar_rd(&t->b.vp, 0, VIRTIO_PCI_DEVICE + off, 4);
}

static void cfg32_wr(struct tb *t, unsigned int off, uint32_t v)
{
	bar_wr(&t->b.vp, 0, VIRTIO_PCI_DEVICE + off, v, 4);
}

static uint8_t isr(struct tb *t)
{
	return (uint8_t)bar_rd(&t->b.vp, 0, VIRTIO_PCI_ISR, 1);
}

static uint16_t qsize_offered(struct tb *t, uint16_t q)
{
	bar_wr(&t->b.vp, 0, VIRTIO_CC_Q_SELECT, q, 2);
	return (uint16_t)bar_rd(&t->b.vp, 0, VIRTIO_CC_Q_SIZE, 2);
}

static uint64_t features_offered(struct tb *t)
{
	struct virtio_pci *vp = &t->b.vp;
	uint64_t f;

	bar_wr(vp, 0, VIRTIO_CC_DFSELECT, 0, 4);
	f = bar_rd(vp, 0, VIRTIO_CC_DF, 4);
	bar_wr(vp, 0, VIRTIO_CC_DFSELECT, 1, 4);
	return f | bar_rd(vp, 0, VIRTIO_CC_DF, 4) << 32;
}

static bool setup_queue(struct tb *t, uint16_t q, uint16_t size)
{
	struct virtio_pci *vp = &t->b.vp;

	tr_init(&t->r[q], &t->g, q, size);
	bar_wr(vp, 0, VIRTIO_CC_Q_SELECT, q, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_SIZE, size, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_DESCLO, (uint32_t)QRING(q), 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_AVAILLO, (uint32_t)(QRING(q) + 0x4000), 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_USEDLO, (uint32_t)(QRING(q) + 0x6000), 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_ENABLE, 1, 2);
	return bar_rd(vp, 0, VIRTIO_CC_Q_ENABLE, 2) == 1;
}

/* Reset, negotiate @features, set up @nq queues at the device's size, DRIVER_OK. */
static bool setup(struct tb *t, uint64_t features, unsigned int nq)
{
	struct virtio_pci *vp = &t->b.vp;
	unsigned int q;

	if (!(driver_features(vp, features) & VIRTIO_STATUS_FEATURES_OK))
		return false;
	for (q = 0; q < nq; q++)
		if (!setup_queue(t, (uint16_t)q, qsize_offered(t, (uint16_t)q)))
			return false;
	driver_ok(vp);
	(void)isr(t);
	t->slot = 0;
	return virtio_pci_driver_ok(vp) && !(vp_status(vp) & VIRTIO_STATUS_NEEDS_RESET);
}

/* A device on shared (or private) RAM; @tune runs before the driver starts. */
static bool tb_init(struct tb *t, bool macos, bool shared, uint64_t features, unsigned int nq,
		    void (*tune)(struct virtio_balloon *b))
{
	memset(t, 0, sizeof(*t));
	fg_init(&t->g);
	map_ram(t, shared);
	if (virtio_balloon_init(&t->b, &t->g.host, macos, RAM_SIZE))
		return false;
	if (tune)
		tune(&t->b);
	fill(t, BALLOON_GPA, BALLOON_LEN, 0x5a);
	return setup(t, features, nq);
}

static void tb_destroy(struct tb *t)
{
	virtio_balloon_destroy(&t->b);
	munmap(t->raw, RAM_SIZE + RAM_ALIGN);
	t->g.ram = NULL;
	fg_free(&t->g);
}

static void kick(struct tb *t, unsigned int q)
{
	pthread_mutex_lock(&t->b.vp.lock);
	virtio_balloon_kicked(&t->b.vp, q);
	pthread_mutex_unlock(&t->b.vp.lock);
}

/* Post @n PFNs on queue @q as one buffer (its own slot); returns its head. */
static uint16_t post(struct tb *t, unsigned int q, const uint32_t *pfns, unsigned int n)
{
	uint16_t s = (uint16_t)(t->slot++ % NSLOTS);

	memcpy(gpa_ptr(&t->g, ARRAY_GPA(s)), pfns, 4ull * n);
	tr_desc(&t->r[q], s, ARRAY_GPA(s), 4 * n, 0, 0);
	tr_offer(&t->r[q], s);
	return s;
}

static uint32_t pfn_of(uint64_t gpa)
{
	return (uint32_t)(gpa >> VIRTIO_BALLOON_PFN_SHIFT);
}

/* PFNs of [gpa, gpa + len), ascending; returns how many. */
static unsigned int pfns_of(uint32_t *pfns, uint64_t gpa, uint64_t len)
{
	unsigned int n = 0;
	uint64_t off;

	for (off = 0; off < len; off += 4 * KiB)
		pfns[n++] = pfn_of(gpa + off);
	return n;
}

/* Inflate or deflate [gpa, gpa + len) in one buffer and kick. */
static uint16_t pfn_request(struct tb *t, unsigned int q, uint64_t gpa, uint64_t len)
{
	static uint32_t pfns[1024];
	unsigned int n = pfns_of(pfns, gpa, len);
	uint16_t head = post(t, q, pfns, n);

	kick(t, q);
	return head;
}

static struct virtio_balloon_counters counters(struct tb *t)
{
	struct virtio_balloon_counters n;

	virtio_balloon_get_counters(&t->b, &n);
	return n;
}

static bool needs_reset(struct tb *t)
{
	return vp_status(&t->b.vp) & VIRTIO_STATUS_NEEDS_RESET;
}

/* ---- standard mode ---- */

static void test_std_device(void)
{
	struct tb t;
	uint64_t f;

	ok(tb_init(&t, false, true, F_STD, 4, NULL), "std: a device on shared RAM, driver ready");
	f = features_offered(&t);
	ok((f & F_STD) == F_STD && (f & VIRTIO_BALLOON_F_PAGE_POISON),
	   "std: offers MUST_TELL_HOST, STATS_VQ, PAGE_POISON, REPORTING (0x%llx)",
	   (unsigned long long)f);
	ok(!(f & (1ull << 3)), "std: no free page hinting (its queue would be a fifth)");
	ok(bar_rd(&t.b.vp, 0, VIRTIO_CC_NUMQ, 2) == 4, "std: four queues");
	ok(qsize_offered(&t, 0) == VIRTIO_BALLOON_QUEUE_SIZE &&
	   qsize_offered(&t, 1) == VIRTIO_BALLOON_QUEUE_SIZE, "std: 128-entry inflate/deflate");
	ok(qsize_offered(&t, 3) >= 32, "std: the reporting queue fits Linux's 32-range reports");
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 0 && cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 0,
	   "std: num_pages and actual start at 0");
	ok(virtio_balloon_query(&t.b) == RAM_SIZE, "std: query: the whole RAM is the guest's");
	tb_destroy(&t);
}

static void test_std_inflate(void)
{
	struct virtio_balloon_counters n;
	struct tb t;
	size_t before;
	uint16_t head;

	ok(tb_init(&t, false, true, F_STD, 4, NULL), "inflate: a device on shared RAM");
	before = resident(&t, BALLOON_GPA, BALLOON_LEN);
	ok(before == BALLOON_LEN, "inflate: the guest's pages are resident (%zu KiB)",
	   before / 1024);
	head = pfn_request(&t, 0, BALLOON_GPA, 64 * KiB);
	n = counters(&t);
	ok(resident(&t, BALLOON_GPA, BALLOON_LEN) == before - 64 * KiB,
	   "inflate: 16 PFNs: 64 KiB less held by the host (mincore %zu KiB)",
	   resident(&t, BALLOON_GPA, BALLOON_LEN) / 1024);
	ok(all_bytes(&t, BALLOON_GPA, 64 * KiB, 0), "inflate: the ballooned pages read as zeros");
	ok(all_bytes(&t, BALLOON_GPA + 64 * KiB, BALLOON_LEN - 64 * KiB, 0x5a),
	   "inflate: the rest of RAM is untouched");
	ok(n.inflated == 16 && n.returned_bytes == 64 * KiB && !n.bad,
	   "inflate: counters: 16 inflated, 64 KiB returned, nothing bad");
	ok(tr_used_idx(&t.r[0]) == 1 && tr_used_id(&t.r[0], 0) == head &&
	   tr_used_len(&t.r[0], 0) == 0, "inflate: the buffer comes back at once, length 0");
	ok(isr(&t) & 1, "inflate: with a queue interrupt");
	tb_destroy(&t);
}

/* The measure is honest: MADV_DONTNEED alone leaves shmem pages allocated. */
static void test_dontneed_is_not_enough(void)
{
	struct tb t;
	size_t before;

	ok(tb_init(&t, false, true, F_STD, 4, NULL), "control: a device on shared RAM");
	before = resident(&t, BALLOON_GPA, BALLOON_LEN);
	ok(!madvise(gpa_ptr(&t.g, BALLOON_GPA), 64 * KiB, MADV_DONTNEED),
	   "control: MADV_DONTNEED on shared anonymous memory succeeds");
	ok(resident(&t, BALLOON_GPA, BALLOON_LEN) == before,
	   "control: ... and frees nothing (why the device tries MADV_REMOVE next)");
	tb_destroy(&t);
}

static void test_private_ram(void)
{
	struct tb t;
	size_t before;

	ok(tb_init(&t, false, false, F_STD, 4, NULL), "private: a device on private RAM");
	before = resident(&t, BALLOON_GPA, BALLOON_LEN);
	pfn_request(&t, 0, BALLOON_GPA + 128 * KiB, 64 * KiB);
	ok(resident(&t, BALLOON_GPA, BALLOON_LEN) == before - 64 * KiB &&
	   counters(&t).returned_bytes == 64 * KiB && !counters(&t).discard_errors,
	   "private: MADV_DONTNEED frees the 64 KiB");
	tb_destroy(&t);
}

static void test_std_deflate(void)
{
	struct virtio_balloon_counters n;
	struct tb t;
	size_t before;

	ok(tb_init(&t, false, true, F_STD, 4, NULL), "deflate: a device");
	pfn_request(&t, 0, BALLOON_GPA, 64 * KiB);
	before = resident(&t, BALLOON_GPA, BALLOON_LEN);
	pfn_request(&t, 1, BALLOON_GPA, 64 * KiB);
	n = counters(&t);
	ok(n.deflated == 16 && n.inflated == 16, "deflate: 16 PFNs counted deflated");
	ok(tr_used_idx(&t.r[1]) == 1 && tr_used_len(&t.r[1], 0) == 0,
	   "deflate: the buffer comes back, length 0");
	ok(resident(&t, BALLOON_GPA, BALLOON_LEN) == before && n.returned_bytes == 64 * KiB,
	   "deflate: nothing to do on the host");
	fill(&t, BALLOON_GPA, 64 * KiB, 0x77);
	ok(all_bytes(&t, BALLOON_GPA, 64 * KiB, 0x77) &&
	   resident(&t, BALLOON_GPA, BALLOON_LEN) == BALLOON_LEN,
	   "deflate: the guest's pages refault when it uses them again");
	tb_destroy(&t);
}

static void test_out_of_ram(void)
{
	uint32_t pfns[40];
	struct virtio_balloon_counters n;
	unsigned int k = (unsigned int)(page_size / (4 * KiB)), i, c = 0;
	struct tb t;
	size_t before;

	ok(tb_init(&t, false, true, F_STD, 4, NULL), "out of RAM: a device");
	before = resident(&t, BALLOON_GPA, BALLOON_LEN);
	pfns[c++] = 0x1;				/* below RAM */
	for (i = 0; i < k; i++)				/* one whole host page */
		pfns[c++] = pfn_of(BALLOON_GPA) + i;
	pfns[c++] = 0xffffffff;				/* 16 TiB up */
	pfns[c++] = pfn_of(RAM_BASE + RAM_SIZE);	/* just past the end */
	pfns[c++] = pfn_of(RAM_BASE) - 1;		/* just before the start */
	post(&t, 0, pfns, c);
	kick(&t, 0);
	n = counters(&t);
	ok(n.bad == 4 && n.inflated == k, "out of RAM: 4 PFNs refused, the %u in RAM taken", k);
	ok(resident(&t, BALLOON_GPA, BALLOON_LEN) == before - page_size &&
	   n.returned_bytes == page_size, "out of RAM: only the host page in RAM discarded");
	ok(tr_used_idx(&t.r[0]) == 1 && !needs_reset(&t),
	   "out of RAM: the buffer comes back, the device carries on");
	tb_destroy(&t);
}

/* A 16 KiB host page (or the real one, if larger) goes only when all its PFNs do. */
static size_t sim_page;

static void tune_sim_page(struct virtio_balloon *b)
{
	b->host_page = sim_page;
}

static void test_partial_host_pages(void)
{
	unsigned int k, i, c;
	uint32_t pfns[64];
	uint64_t a, bp, cp;
	struct tb t;
	size_t before;

	sim_page = page_size > 16 * KiB ? page_size : 16 * KiB;
	k = (unsigned int)(sim_page / (4 * KiB));
	ok(tb_init(&t, false, true, F_STD, 4, tune_sim_page),
	   "partial: a device discarding %zu KiB host pages", sim_page / 1024);
	a = BALLOON_GPA;
	bp = BALLOON_GPA + sim_page;
	cp = BALLOON_GPA + 4 * sim_page;

	/* All of page A, in descending order. */
	for (c = 0, i = k; i-- > 0;)
		pfns[c++] = pfn_of(a) + i;
	before = resident(&t, BALLOON_GPA, BALLOON_LEN);
	post(&t, 0, pfns, c);
	kick(&t, 0);
	ok(resident(&t, BALLOON_GPA, BALLOON_LEN) == before - sim_page,
	   "partial: every PFN of a host page, descending: it is discarded");

	/* All but the first PFN of page B. */
	for (c = 0, i = 1; i < k; i++)
		pfns[c++] = pfn_of(bp) + i;
	before = resident(&t, BALLOON_GPA, BALLOON_LEN);
	post(&t, 0, pfns, c);
	kick(&t, 0);
	ok(resident(&t, BALLOON_GPA, BALLOON_LEN) == before,
	   "partial: all but one PFN of a host page: nothing discarded");
	pfns[0] = pfn_of(bp);
	post(&t, 0, pfns, 1);
	kick(&t, 0);
	ok(resident(&t, BALLOON_GPA, BALLOON_LEN) == before,
	   "partial: its last PFN in a later buffer: still nothing (it may be deflated by then)");

	/* From the second PFN of page C to the first of page C+2: only C+1 goes. */
	c = pfns_of(pfns, cp + 4 * KiB, 2 * sim_page);
	post(&t, 0, pfns, c);
	kick(&t, 0);
	ok(resident(&t, BALLOON_GPA, BALLOON_LEN) == before - sim_page &&
	   all_bytes(&t, cp + 4 * KiB, 4 * KiB, 0x5a) &&
	   all_bytes(&t, cp + 2 * sim_page, 4 * KiB, 0x5a) && all_bytes(&t, cp + sim_page,
	   sim_page, 0), "partial: a run over three host pages, ends partial: only the middle goes");
	ok(counters(&t).inflated == 4ull * k && counters(&t).returned_bytes == 2 * sim_page,
	   "partial: every PFN in RAM counts as inflated (%llu), only whole pages as returned",
	   (unsigned long long)counters(&t).inflated);
	tb_destroy(&t);
}

static void test_stats(void)
{
	struct tb t;
	uint8_t *p;
	uint16_t tag;
	uint64_t val;
	unsigned int i;

	ok(tb_init(&t, false, true, F_STD, 4, NULL), "stats: a device");
	p = gpa_ptr(&t.g, MISC_GPA);
	for (i = 0; i < 3; i++) {
		tag = (uint16_t)(i == 2 ? 99 : 4 + i);	/* MEMFREE, MEMTOT, an unknown tag */
		val = 1000ull * (i + 1);
		memcpy(p + 10 * i, &tag, 2);
		memcpy(p + 10 * i + 2, &val, 8);
	}
	tr_desc(&t.r[2], 0, MISC_GPA, 30, 0, 0);
	tr_offer(&t.r[2], 0);
	kick(&t, 2);
	ok(tr_used_idx(&t.r[2]) == 0, "stats: the device keeps the buffer");
	ok(t.b.guest_stats[4] == 1000 && t.b.guest_stats[5] == 2000 &&
	   t.b.guest_stats_valid == ((1u << 4) | (1u << 5)),
	   "stats: MEMFREE and MEMTOT read, the unknown tag skipped");
	virtio_balloon_poll_stats(&t.b);
	ok(tr_used_idx(&t.r[2]) == 1 && tr_used_id(&t.r[2], 0) == 0 && (isr(&t) & 1),
	   "stats: a poll gives it back, with an interrupt");
	virtio_balloon_poll_stats(&t.b);
	ok(tr_used_idx(&t.r[2]) == 1, "stats: a poll with no buffer held does nothing");
	/* A driver that sends a second buffer while one is held: the first is retired. */
	tr_offer(&t.r[2], 0);
	kick(&t, 2);
	tr_desc(&t.r[2], 1, MISC_GPA, 15, 0, 0);	/* one entry and half of another */
	tr_offer(&t.r[2], 1);
	kick(&t, 2);
	ok(tr_used_idx(&t.r[2]) == 2 && tr_used_id(&t.r[2], 1) == 0,
	   "stats: a second buffer retires the held one");
	ok(counters(&t).bad == 1 && t.b.guest_stats_valid == 1u << 4,
	   "stats: 15 bytes: one entry read, the torn one counted bad");
	tb_destroy(&t);
}

/* A report: @n device-writable ranges on reporting queue @q. */
static void report(struct tb *t, unsigned int q, const uint64_t *gpa, const uint32_t *len,
		   unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		tr_desc(&t->r[q], (uint16_t)i, gpa[i], len[i],
			VRING_DESC_F_WRITE | (i + 1 < n ? VRING_DESC_F_NEXT : 0), (uint16_t)(i + 1));
	tr_offer(&t->r[q], 0);
	kick(t, q);
}

static void test_reporting(void)
{
	uint64_t gpa[2] = { BALLOON_GPA, BALLOON_GPA + 256 * KiB + 0x800 };
	uint32_t len[2] = { 64 * KiB, (uint32_t)(2 * page_size) };
	struct virtio_balloon_counters n;
	struct tb t;
	size_t before;

	ok(tb_init(&t, false, true, F_STD, 4, NULL), "reporting: a device, reporting at queue 3");
	before = resident(&t, BALLOON_GPA, BALLOON_LEN);
	report(&t, 3, gpa, len, 2);
	n = counters(&t);
	ok(resident(&t, BALLOON_GPA, BALLOON_LEN) == before - 64 * KiB - page_size,
	   "reporting: an aligned 64 KiB range and the one whole host page of a misaligned one");
	ok(all_bytes(&t, gpa[1], page_size - 0x800, 0x5a) &&
	   all_bytes(&t, gpa[1] + 2 * page_size - 0x800, 0x800, 0x5a),
	   "reporting: the misaligned range's partial pages are kept");
	ok(tr_used_idx(&t.r[3]) == 1 && tr_used_id(&t.r[3], 0) == 0 &&
	   tr_used_len(&t.r[3], 0) == 0, "reporting: the report comes back, length 0");
	ok(n.reported == (64 * KiB + 2 * page_size) / (4 * KiB) &&
	   n.returned_bytes == 64 * KiB + page_size && !n.bad,
	   "reporting: counters: pages reported, bytes returned");
	tb_destroy(&t);

	/* A poisoning guest: its free pages hold its pattern, not zeros. */
	ok(tb_init(&t, false, true, F_STD | VIRTIO_BALLOON_F_PAGE_POISON, 4, NULL),
	   "poison: a device, PAGE_POISON negotiated");
	cfg32_wr(&t, VIRTIO_BALLOON_CFG_POISON, 0xaaaaaaaa);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_POISON) == 0xaaaaaaaa, "poison: poison_val written");
	before = resident(&t, BALLOON_GPA, BALLOON_LEN);
	report(&t, 3, gpa, len, 1);
	ok(resident(&t, BALLOON_GPA, BALLOON_LEN) == before && tr_used_idx(&t.r[3]) == 1,
	   "poison: a report is returned but not discarded");
	tb_destroy(&t);

	/* Without STATS_VQ, Linux numbers the reporting queue 2. */
	ok(tb_init(&t, false, true, F_STD & ~VIRTIO_BALLOON_F_STATS_VQ, 3, NULL),
	   "compact: a device, REPORTING without STATS_VQ");
	before = resident(&t, BALLOON_GPA, BALLOON_LEN);
	report(&t, 2, gpa, len, 1);
	ok(resident(&t, BALLOON_GPA, BALLOON_LEN) == before - 64 * KiB &&
	   tr_used_idx(&t.r[2]) == 1, "compact: queue 2 is the reporting queue");
	kick(&t, 3);
	ok(!needs_reset(&t), "compact: a kick on queue 3 (none negotiated) is ignored");
	tb_destroy(&t);
}

static void test_std_target(void)
{
	struct virtio_pci *vp;
	struct tb t;
	uint8_t gen;
	unsigned int n_msi;

	ok(tb_init(&t, false, true, F_STD, 4, NULL), "target: a device");
	vp = &t.b.vp;
	gen = (uint8_t)bar_rd(vp, 0, VIRTIO_CC_CFGGEN, 1);
	virtio_balloon_set_target(&t.b, RAM_SIZE - 64 * KiB);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 16,
	   "target: leave RAM - 64 KiB: num_pages 16 (4 KiB pages)");
	ok(isr(&t) == 2, "target: a configuration-change interrupt (ISR bit 1)");
	ok((uint8_t)bar_rd(vp, 0, VIRTIO_CC_CFGGEN, 1) != gen, "target: config generation moves");
	cfg32_wr(&t, VIRTIO_BALLOON_CFG_ACTUAL, 16);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 16 &&
	   virtio_balloon_query(&t.b) == RAM_SIZE - 64 * KiB,
	   "target: the driver writes actual 16: query says RAM - 64 KiB");
	cfg32_wr(&t, VIRTIO_BALLOON_CFG_NUM_PAGES, 1234);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 16, "target: num_pages is not the driver's");
	cfg32_wr(&t, VIRTIO_BALLOON_CFG_ACTUAL, 0xffffffff);
	ok(virtio_balloon_query(&t.b) == 0, "target: an absurd actual: query says 0, not a wrap");
	virtio_balloon_set_target(&t.b, 0);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 16 && isr(&t) == 0,
	   "target: 0 is ignored (never all of the guest)");
	virtio_balloon_set_target(&t.b, 2 * RAM_SIZE);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 0, "target: more than the RAM: no balloon");

	/* MSI-X: the config vector, masked (pending) and unmasked (delivered). */
	cfg_wr(&vp->pci, vp->msix_cap + 2, 0x8000, 2);
	bar_wr(vp, 1, VIRTIO_PCI_MSIX_TABLE + 0, 0x1fff0040, 4);
	bar_wr(vp, 1, VIRTIO_PCI_MSIX_TABLE + 4, 0, 4);
	bar_wr(vp, 1, VIRTIO_PCI_MSIX_TABLE + 8, 0x91, 4);
	bar_wr(vp, 0, VIRTIO_CC_MSIX, 0, 2);
	bar_wr(vp, 1, VIRTIO_PCI_MSIX_TABLE + 12, 0, 4);
	n_msi = t.g.n_msi;
	virtio_balloon_set_target(&t.b, RAM_SIZE - 128 * KiB);
	ok(t.g.n_msi == n_msi + 1 && t.g.msi[n_msi].addr == 0x1fff0040 &&
	   t.g.msi[n_msi].data == 0x91 && cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 32,
	   "target: with MSI-X, the config vector's message");
	bar_wr(vp, 1, VIRTIO_PCI_MSIX_TABLE + 12, 1, 4);
	virtio_balloon_set_target(&t.b, RAM_SIZE - 64 * KiB);
	ok(t.g.n_msi == n_msi + 1 && (bar_rd(vp, 1, VIRTIO_PCI_MSIX_PBA, 4) & 1),
	   "target: vector masked: pending in the PBA, no message");
	bar_wr(vp, 1, VIRTIO_PCI_MSIX_TABLE + 12, 0, 4);
	ok(t.g.n_msi == n_msi + 2 && !(bar_rd(vp, 1, VIRTIO_PCI_MSIX_PBA, 4) & 1),
	   "target: unmasked: the pending message goes");
	tb_destroy(&t);

	ok(tb_init(&t, false, true, F_STD, 4, NULL), "target: another device");
	bar_wr(&t.b.vp, 0, VIRTIO_CC_STATUS, 0, 1);
	virtio_balloon_set_target(&t.b, RAM_SIZE - 64 * KiB);
	ok(isr(&t) == 0, "target: no interrupt for a driver that is not running");
	ok(setup(&t, F_STD, 4) && cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 16,
	   "target: the driver finds it when it starts");
	tb_destroy(&t);
}

static void test_std_reset(void)
{
	struct tb t;

	ok(tb_init(&t, false, true, F_STD, 4, NULL), "reset: a device");
	virtio_balloon_set_target(&t.b, RAM_SIZE - 64 * KiB);
	cfg32_wr(&t, VIRTIO_BALLOON_CFG_ACTUAL, 16);
	ok(setup(&t, F_STD, 4), "reset: the driver starts again");
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 0 && virtio_balloon_query(&t.b) == RAM_SIZE &&
	   cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 16,
	   "reset: empty balloon, the target kept");
	tb_destroy(&t);
}

/* ---- malformed chains ---- */

static void test_malformed(void)
{
	uint32_t pfns[2] = { pfn_of(BALLOON_GPA), 0 };
	struct virtio_balloon_counters n;
	struct tb t;
	uint16_t used;

	ok(tb_init(&t, false, true, F_STD, 4, NULL), "malformed: a device");
	memcpy(gpa_ptr(&t.g, ARRAY_GPA(0)), pfns, 8);
	tr_desc(&t.r[0], 0, ARRAY_GPA(0), 6, 0, 0);
	tr_offer(&t.r[0], 0);
	kick(&t, 0);
	n = counters(&t);
	ok(n.bad == 1 && n.inflated == 1 && tr_used_idx(&t.r[0]) == 1,
	   "malformed: 6 bytes: one PFN taken, the torn one counted bad");

	tr_desc(&t.r[0], 1, ARRAY_GPA(0), 4, VRING_DESC_F_NEXT, 2);
	tr_desc(&t.r[0], 2, ARRAY_GPA(1), 64, VRING_DESC_F_WRITE, 0);
	tr_offer(&t.r[0], 1);
	kick(&t, 0);
	n = counters(&t);
	ok(n.bad == 2 && n.inflated == 2 && tr_used_idx(&t.r[0]) == 2 && !needs_reset(&t),
	   "malformed: a device-writable part in an inflate buffer: counted bad, PFNs taken");

	tr_desc(&t.r[0], 3, ARRAY_GPA(0), 0, 0, 0);
	tr_offer(&t.r[0], 3);
	kick(&t, 0);
	ok(tr_used_idx(&t.r[0]) == 3 && counters(&t).inflated == 2,
	   "malformed: an empty buffer comes back, nothing taken");

	used = tr_used_idx(&t.r[1]);
	tr_desc(&t.r[1], 0, ARRAY_GPA(0), 4, VRING_DESC_F_NEXT, 1);
	tr_desc(&t.r[1], 1, ARRAY_GPA(0), 4, VRING_DESC_F_NEXT, 0);
	tr_offer(&t.r[1], 0);
	kick(&t, 1);
	ok(needs_reset(&t) && tr_used_idx(&t.r[1]) == used &&
	   counters(&t).deflated == 0, "malformed: a looping deflate chain: NEEDS_RESET, nothing run");
	ok(setup(&t, F_STD, 4), "malformed: after a reset the driver starts again");
	pfn_request(&t, 0, BALLOON_GPA + 64 * KiB, 64 * KiB);
	ok(tr_used_idx(&t.r[0]) == 1 && !needs_reset(&t), "malformed: and inflating works again");

	tr_desc(&t.r[0], 9, RAM_BASE + RAM_SIZE - 8, 64, 0, 0);
	tr_offer(&t.r[0], 9);
	kick(&t, 0);
	ok(needs_reset(&t) && tr_used_idx(&t.r[0]) == 1,
	   "malformed: a PFN array running off RAM: NEEDS_RESET");
	ok(setup(&t, F_STD, 4), "malformed: reset again");

	/* A report with a readable range first: counted bad, the free range still taken. */
	tr_desc(&t.r[3], 0, ARRAY_GPA(0), 8, VRING_DESC_F_NEXT, 1);
	tr_desc(&t.r[3], 1, BALLOON_GPA + 192 * KiB, 64 * KiB, VRING_DESC_F_WRITE, 0);
	tr_offer(&t.r[3], 0);
	kick(&t, 3);
	n = counters(&t);
	ok(tr_used_idx(&t.r[3]) == 1 && n.bad == 3 && n.reported == 16,
	   "malformed: a report with a readable part: counted bad, its range reported");

	tr_desc(&t.r[3], 1, 0x1000, 64 * KiB, VRING_DESC_F_WRITE, 0);
	tr_desc(&t.r[3], 0, BALLOON_GPA, 4 * KiB, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	tr_offer(&t.r[3], 0);
	kick(&t, 3);
	ok(needs_reset(&t) && counters(&t).reported == 16,
	   "malformed: a report of memory outside RAM: NEEDS_RESET, nothing discarded");
	tb_destroy(&t);

	ok(tb_init(&t, false, true, F_STD, 4, NULL), "malformed: a fresh device");
	bar_wr(&t.b.vp, 0, VIRTIO_CC_STATUS, 0, 1);
	pfns[0] = pfn_of(BALLOON_GPA);
	post(&t, 0, pfns, 1);
	kick(&t, 0);
	ok(counters(&t).inflated == 0, "malformed: a kick before DRIVER_OK does nothing");
	kick(&t, 7);
	ok(1, "malformed: a kick on a queue that does not exist does nothing");
	tb_destroy(&t);
}

/* ---- macOS mode ---- */

static void tune_step16(struct virtio_balloon *b)
{
	b->macos_step = 16;	/* 64 KiB rounds, so a small RAM sees several */
}

static void tune_nohold(struct virtio_balloon *b)
{
	b->macos_step = 16;
	b->macos_hold = false;
}

static void test_mac_device(void)
{
	uint64_t f;
	struct tb t;

	ok(tb_init(&t, true, true, F_MAC, 3, NULL), "mac: a device in macOS mode");
	ok(qsize_offered(&t, 0) == 1024 && qsize_offered(&t, 1) == 1024,
	   "mac: 1024-entry inflate and deflate queues");
	ok(bar_rd(&t.b.vp, 0, VIRTIO_CC_NUMQ, 2) == 3, "mac: three queues (inflate, deflate, stats)");
	f = features_offered(&t);
	ok((f & F_MAC) == F_MAC && !(f & VIRTIO_BALLOON_F_REPORTING),
	   "mac: MUST_TELL_HOST and STATS_VQ offered, no reporting");
	ok(t.b.macos_hold && t.b.macos_step == VIRTIO_BALLOON_MACOS_STEP,
	   "mac: hold on, 256 MiB rounds by default");
	tb_destroy(&t);
}

static void test_mac_units(void)
{
	struct tb t;
	size_t before;

	ok(tb_init(&t, true, true, F_MAC, 3, NULL), "units: a macOS device");
	virtio_balloon_set_target(&t.b, RAM_SIZE - 64 * KiB);
	ok(isr(&t) == 2, "units: the target raises a config interrupt");
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 4,
	   "units: 16 PFNs wanted: num_pages 4 (the driver moves 4x)");
	before = resident(&t, BALLOON_GPA, BALLOON_LEN);
	/* The driver allocates 4 16 KiB pages and posts their 16 PFNs. */
	pfn_request(&t, 0, BALLOON_GPA, 64 * KiB);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 16 && virtio_balloon_query(&t.b) ==
	   RAM_SIZE - 64 * KiB, "units: actual counts the 16 PFNs received");
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 16,
	   "units: target reached: num_pages = actual (nothing asked)");
	ok(resident(&t, BALLOON_GPA, BALLOON_LEN) == before - 64 * KiB,
	   "units: the pages went back to the host");
	ok(isr(&t) == 0, "units: no interrupt: held buffer, nothing more to ask");
	cfg32_wr(&t, VIRTIO_BALLOON_CFG_ACTUAL, 999);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 16, "units: the driver's writes to actual ignored");
	virtio_balloon_set_target(&t.b, RAM_SIZE - 84 * KiB);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 16 + 4 / 4,
	   "units: 21 PFNs wanted: rounded down to whole 16 KiB pages, 20");

	/* An 8 GiB guest asked for 4 GiB with an unbounded step. */
	t.b.ram_bytes = 8ull << 30;
	t.b.macos_step = UINT32_MAX;
	virtio_balloon_set_target(&t.b, 4ull << 30);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 16 + 262144 / 4,
	   "units: a round is at most 1 GiB, so even a stray 3x deflate fits a chain");
	tb_destroy(&t);
}

static void test_mac_hold(void)
{
	uint16_t heads[4];
	struct tb t;
	unsigned int i;

	ok(tb_init(&t, true, true, F_MAC, 3, tune_step16), "hold: a macOS device, 64 KiB rounds");
	virtio_balloon_set_target(&t.b, RAM_SIZE - 256 * KiB);	/* 64 PFNs */
	(void)isr(&t);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 4, "hold: first round: num_pages 0 + 16/4");
	heads[0] = pfn_request(&t, 0, BALLOON_GPA, 64 * KiB);
	ok(tr_used_idx(&t.r[0]) == 0, "hold: the inflate buffer is held, not completed");
	ok(isr(&t) == 2, "hold: a config interrupt asks for the next round");
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 20 &&
	   cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) >= cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL),
	   "hold: next round 16 + 16/4; never below actual: no completed buffer to deflate");
	for (i = 1; i < 4; i++)
		heads[i] = pfn_request(&t, 0, BALLOON_GPA + 64 * KiB * i, 64 * KiB);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 64 && cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 64,
	   "hold: four rounds: actual 64 = num_pages");
	ok(tr_used_idx(&t.r[0]) == 0 && t.b.nr_held == 4 && t.b.held_pfns == 64,
	   "hold: all four buffers held, so the stray 3x deflates never find pages");
	ok(resident(&t, BALLOON_GPA, BALLOON_LEN) == BALLOON_LEN - 256 * KiB,
	   "hold: their 256 KiB discarded on receipt");
	(void)isr(&t);

	/* Shrink to 24 PFNs: release the newest buffers until 40 are completed. */
	virtio_balloon_set_target(&t.b, RAM_SIZE - 96 * KiB);
	ok(tr_used_idx(&t.r[0]) == 3 && tr_used_id(&t.r[0], 0) == heads[3] &&
	   tr_used_id(&t.r[0], 1) == heads[2] && tr_used_id(&t.r[0], 2) == heads[1],
	   "hold: deflate: three held buffers completed, newest first");
	ok(isr(&t) == 1, "hold: with a queue interrupt (the driver's handler runs next)");
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 64 - 48 / 4,
	   "hold: num_pages asks for exactly the 48 completed PFNs back");
	pfn_request(&t, 1, BALLOON_GPA + 64 * KiB, 192 * KiB);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 16 && tr_used_idx(&t.r[1]) == 1,
	   "hold: the driver deflates them: actual 16, deflate buffer completed");
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 18,
	   "hold: the overshoot is inflated again: num_pages 16 + 8/4");
	pfn_request(&t, 0, BALLOON_GPA + 64 * KiB, 32 * KiB);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 24 && cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 24,
	   "hold: target reached exactly: 24");
	ok(t.b.nr_held == 2 && t.b.held_pfns == 24, "hold: two buffers held (16 + 8)");

	/* A reboot: the driver starts from an empty balloon. */
	ok(setup(&t, F_MAC, 3), "hold: the driver resets the device");
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 0 && t.b.nr_held == 0 &&
	   cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 4, "hold: reset: nothing held, first round again");
	tb_destroy(&t);
}

static void test_mac_config_read_consumes(void)
{
	uint32_t pfns[16];
	struct tb t;
	unsigned int n;

	ok(tb_init(&t, true, true, F_MAC, 3, NULL), "consume: a macOS device");
	virtio_balloon_set_target(&t.b, RAM_SIZE - 64 * KiB);
	n = pfns_of(pfns, BALLOON_GPA, 64 * KiB);
	post(&t, 0, pfns, n);		/* posted, not kicked (yet) */
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 16 && cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 16,
	   "consume: a config read takes the posted buffer first: num_pages matches the driver's P");
	kick(&t, 0);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 16 && t.b.nr_held == 1,
	   "consume: the late kick finds nothing more");
	tb_destroy(&t);
}

static void test_mac_bad_pfn(void)
{
	uint32_t pfns[5];
	struct tb t;
	unsigned int n;

	ok(tb_init(&t, true, true, F_MAC, 3, NULL), "mac bad: a macOS device");
	virtio_balloon_set_target(&t.b, RAM_SIZE - 64 * KiB);
	n = pfns_of(pfns, BALLOON_GPA, 16 * KiB);
	pfns[n++] = 0x2;
	post(&t, 0, pfns, n);
	kick(&t, 0);
	ok(counters(&t).bad == 1 && counters(&t).inflated == 4,
	   "mac bad: a PFN outside RAM is refused");
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 5,
	   "mac bad: but counted in actual, which must follow the driver's own count");
	tb_destroy(&t);
}

static void test_mac_nohold(void)
{
	struct tb t;

	ok(tb_init(&t, true, true, F_MAC, 3, tune_nohold), "nohold: macOS units without the hold");
	virtio_balloon_set_target(&t.b, RAM_SIZE - 128 * KiB);
	pfn_request(&t, 0, BALLOON_GPA, 64 * KiB);
	ok(tr_used_idx(&t.r[0]) == 1, "nohold: inflate buffers complete at once");
	pfn_request(&t, 0, BALLOON_GPA + 64 * KiB, 64 * KiB);
	virtio_balloon_set_target(&t.b, RAM_SIZE - 64 * KiB);
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_NUM_PAGES) == 32 - 16 / 4,
	   "nohold: a deflate is presented a quarter step down");
	tb_destroy(&t);
}

/*
 * AppleVirtIOBalloon as the notes describe it: its own count P (4 KiB
 * units), and on a config interrupt or any completed buffer: N = num_pages;
 * if N > P inflate N - P 16 KiB pages (P += 4 (N - P)); then, with that same
 * N, if N < P deflate P - N 16 KiB pages out of the completed inflate
 * buffers, if it has that many (P -= 4 (P - N)).
 */
#define MPAGES		(BALLOON_LEN / (16 * KiB))

struct mac_drv {
	struct tb *t;
	int64_t P;
	bool in_balloon[MPAGES];
	unsigned int pages_of[NSLOTS][MPAGES], npages_of[NSLOTS];	/* per posted buffer */
	unsigned int R[MPAGES], nR;	/* pages of completed inflate buffers */
	uint16_t seen[2];
	unsigned int deflates, rounds;
};

static uint64_t page_gpa(unsigned int p)
{
	return BALLOON_GPA + 16 * KiB * p;
}

static void mac_post(struct mac_drv *m, unsigned int q, const unsigned int *pages, unsigned int k)
{
	uint32_t pfns[4 * MPAGES];
	unsigned int i, n = 0;
	uint16_t s;

	for (i = 0; i < k; i++)
		n += pfns_of(pfns + n, page_gpa(pages[i]), 16 * KiB);
	s = post(m->t, q, pfns, n);
	memcpy(m->pages_of[s], pages, k * sizeof(*pages));
	m->npages_of[s] = k;
	kick(m->t, q);
}

static void mac_handler(struct mac_drv *m)
{
	int64_t num = cfg32(m->t, VIRTIO_BALLOON_CFG_NUM_PAGES);
	unsigned int pages[MPAGES], k = 0, p;

	m->rounds++;
	if (num > m->P) {
		for (p = 0; p < MPAGES && (int64_t)k < num - m->P; p++)
			if (!m->in_balloon[p])
				pages[k++] = p;
		if ((int64_t)k == num - m->P) {	/* else: cannot allocate, gives up */
			for (p = 0; p < k; p++)
				m->in_balloon[pages[p]] = true;
			m->P += 4 * k;
			mac_post(m, 0, pages, k);
		}
	}
	if (num < m->P && (int64_t)m->nR >= m->P - num) {
		k = (unsigned int)(m->P - num);
		m->nR -= k;
		memcpy(pages, &m->R[m->nR], k * sizeof(*pages));
		m->P -= 4 * k;
		m->deflates++;
		mac_post(m, 1, pages, k);
	}
}

/* Run the driver until nothing moves; false if it never settles. */
static bool mac_run(struct mac_drv *m)
{
	struct tb *t = m->t;
	unsigned int iter, i;

	for (iter = 0; iter < 500; iter++) {
		bool moved = false;

		while (m->seen[0] != tr_used_idx(&t->r[0])) {
			uint32_t s = tr_used_id(&t->r[0], m->seen[0]++);

			for (i = 0; i < m->npages_of[s]; i++)
				m->R[m->nR++] = m->pages_of[s][i];
			mac_handler(m);
			moved = true;
		}
		while (m->seen[1] != tr_used_idx(&t->r[1])) {
			uint32_t s = tr_used_id(&t->r[1], m->seen[1]++);

			for (i = 0; i < m->npages_of[s]; i++)
				m->in_balloon[m->pages_of[s][i]] = false;
			mac_handler(m);
			moved = true;
		}
		if (isr(t) & 2) {
			mac_handler(m);
			moved = true;
		}
		if (!moved)
			return true;
	}
	return false;
}

static void test_mac_model(void)
{
	struct mac_drv m;
	struct tb t;
	unsigned int deflates;

	ok(tb_init(&t, true, true, F_MAC, 3, tune_step16), "model: a macOS device, 64 KiB rounds");
	memset(&m, 0, sizeof(m));
	m.t = &t;
	virtio_balloon_set_target(&t.b, RAM_SIZE - 256 * KiB);
	ok(mac_run(&m), "model: the driver settles on a 256 KiB target");
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 64 && m.P == 64,
	   "model: balloon 64 PFNs: the device's count and the driver's agree");
	ok(m.deflates == 0, "model: no stray deflate on the way up (the hold kept R empty)");
	ok(m.rounds >= 4, "model: in rounds of 64 KiB (%u handler runs)", m.rounds);
	if (page_size <= 16 * KiB)
		ok(resident(&t, BALLOON_GPA, BALLOON_LEN) == BALLOON_LEN - 256 * KiB,
		   "model: the host holds 256 KiB less");
	else
		ok(1, "model: # skip residency with %zu KiB host pages", page_size / 1024);

	virtio_balloon_set_target(&t.b, RAM_SIZE - 96 * KiB);
	ok(mac_run(&m), "model: the driver settles on a 96 KiB target");
	ok(cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 24 && m.P == 24,
	   "model: balloon 24 PFNs, both counts agree");
	ok(m.deflates == 1, "model: one deflate did it");
	deflates = m.deflates;

	virtio_balloon_set_target(&t.b, RAM_SIZE - 448 * KiB);
	ok(mac_run(&m) && cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 112 && m.P == 112 &&
	   m.deflates == deflates, "model: up again to 448 KiB, exactly, no stray deflate");
	virtio_balloon_set_target(&t.b, RAM_SIZE);
	ok(mac_run(&m) && cfg32(&t, VIRTIO_BALLOON_CFG_ACTUAL) == 0 && m.P == 0,
	   "model: and all the way down to an empty balloon");
	tb_destroy(&t);

	/* Without the hold the same driver deflates behind every inflate. */
	ok(tb_init(&t, true, true, F_MAC, 3, tune_nohold), "model: the same without the hold");
	memset(&m, 0, sizeof(m));
	m.t = &t;
	virtio_balloon_set_target(&t.b, RAM_SIZE - 448 * KiB);
	(void)mac_run(&m);
	ok(m.deflates > 0, "model: no hold: stray deflates while only inflating (%u)", m.deflates);
	tb_destroy(&t);
}

int main(void)
{
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	test_std_device();
	test_std_inflate();
	test_dontneed_is_not_enough();
	test_private_ram();
	test_std_deflate();
	test_out_of_ram();
	test_partial_host_pages();
	test_stats();
	test_reporting();
	test_std_target();
	test_std_reset();
	test_malformed();
	test_mac_device();
	test_mac_units();
	test_mac_hold();
	test_mac_config_read_consumes();
	test_mac_bad_pfn();
	test_mac_nohold();
	test_mac_model();
	return tap_done();
}
