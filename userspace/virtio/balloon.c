// SPDX-License-Identifier: GPL-2.0
/* balloon.c - virtio-balloon, standard and AppleVirtIOBalloon (see balloon.h). */
#include "balloon.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BALLOON_PAGE	(1u << VIRTIO_BALLOON_PFN_SHIFT)
#define PFN_CHUNK	256		/* PFNs copied out of a buffer at a time */
/* Twice the largest request either driver makes (macOS: a 2 GiB deflate). */
#define MAX_BUF_PFNS	(2u * VIRTIO_BALLOON_MACOS_DEFLATE_MAX)
#define STAT_SIZE	10		/* struct virtio_balloon_stat: le16 tag, le64 val, packed */
#define MAX_SUBPAGES	64		/* 4 KiB pieces a partial host page is tracked in */
/*
 * The largest inflate round: the Apple driver's PFN array takes a
 * descriptor per 16 KiB (4096 PFNs), and the stray deflate of three rounds
 * (hold off) must still be a chain the device takes (VQ_MAX_SEGS).
 */
#define MACOS_STEP_MAX	(VQ_MAX_SEGS * 4096u / 4)
#define MACOS_QUEUES	3		/* inflate, deflate, stats: all the driver takes */
#define STD_QUEUES	4		/* and free page reporting */

enum queue_role { ROLE_NONE, ROLE_INFLATE, ROLE_DEFLATE, ROLE_STATS, ROLE_REPORTING };

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static int64_t min_s64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static uint32_t clamp_u32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/*
 * What queue @q is for.  Linux creates only the queues it negotiated and
 * numbers them densely (vp_find_vqs_msix()/vp_find_vqs_intx() count named
 * queues), so reporting follows stats only when stats exist.
 */
static enum queue_role queue_role(const struct virtio_balloon *b, unsigned int q)
{
	uint64_t f = b->vp.driver_features;
	unsigned int next = 2;

	if (q == 0)
		return ROLE_INFLATE;
	if (q == 1)
		return ROLE_DEFLATE;
	if (f & VIRTIO_BALLOON_F_STATS_VQ) {
		if (q == next)
			return ROLE_STATS;
		next++;
	}
	if ((f & VIRTIO_BALLOON_F_REPORTING) && q == next)
		return ROLE_REPORTING;
	return ROLE_NONE;
}

static int stats_queue_index(const struct virtio_balloon *b)
{
	return b->vp.driver_features & VIRTIO_BALLOON_F_STATS_VQ ? 2 : -1;
}

/* Complete a chain known by its head alone (held ones: their iovecs are stale). */
static int push_head(struct virtqueue *vq, uint16_t head)
{
	static __thread struct vq_elem e;

	e.head = head;
	return vq_push(vq, &e, 0);
}

/* Give [p, p + len), whole host pages, back to the host. */
static void discard(struct virtio_balloon *b, uint8_t *p, size_t len)
{
	/*
	 * Guest RAM is private anonymous memory (guest_ram.c), which refuses
	 * MADV_REMOVE; MADV_DONTNEED frees it (splitting a huge page if it
	 * must).  MADV_REMOVE goes first for shmem, where MADV_DONTNEED would
	 * succeed and free nothing.
	 */
	if (!madvise(p, len, MADV_REMOVE) || !madvise(p, len, MADV_DONTNEED)) {
		b->n.returned_bytes += len;
		return;
	}
	if (!b->n.discard_errors++)
		fprintf(stderr, "vmapple: %s: cannot give guest memory back: %m\n", b->vp.p.name);
}

/* One buffer's PFNs as they are walked: the run not yet discarded, a partial page. */
struct pfn_walk {
	bool inflate;
	uint64_t run_gpa, run_len;
	uintptr_t part;			/* host page some of whose pieces are in */
	uint64_t part_bits;		/* which 4 KiB pieces */
};

/*
 * [s, e) lies inside one host page: note it, and discard the page once all
 * its pieces are in.  Only within one buffer: all of its PFNs are in the
 * balloon at once, whereas a piece from an earlier buffer may be deflated.
 */
static void partial(struct virtio_balloon *b, struct pfn_walk *w, uintptr_t s, uintptr_t e)
{
	size_t hp = b->host_page, sub = hp / BALLOON_PAGE;
	uintptr_t page = s & ~(uintptr_t)(hp - 1);
	unsigned int first, count;
	uint64_t full;

	if (s >= e || sub > MAX_SUBPAGES)
		return;		/* nothing, or host pages too big to track */
	first = (unsigned int)((s - page) / BALLOON_PAGE);
	count = (unsigned int)((e - s) / BALLOON_PAGE);
	full = sub == MAX_SUBPAGES ? ~0ull : (1ull << sub) - 1;
	if (w->part != page) {
		w->part = page;
		w->part_bits = 0;
	}
	w->part_bits |= (count == MAX_SUBPAGES ? ~0ull : (1ull << count) - 1) << first;
	if ((w->part_bits & full) == full) {
		discard(b, (uint8_t *)page, hp);
		w->part = 0;
		w->part_bits = 0;
	}
}

/* Host memory [p, p + len) is free: discard its whole pages, track the ends (@w). */
static void discard_span(struct virtio_balloon *b, struct pfn_walk *w, uint8_t *p, size_t len)
{
	uintptr_t hp = b->host_page, s = (uintptr_t)p, e = s + len;
	uintptr_t head = (s + hp - 1) & ~(hp - 1), tail = e & ~(hp - 1);

	if (head >= tail) {
		if (w)
			partial(b, w, s, e);
		return;
	}
	discard(b, (uint8_t *)head, tail - head);
	if (w) {
		partial(b, w, s, head);
		partial(b, w, tail, e);
	}
}

static void flush_run(struct virtio_balloon *b, struct pfn_walk *w)
{
	const struct guest_mem *m = &b->vp.host->mem;
	uint8_t *p;
	uint64_t off;

	if (!w->run_len)
		return;
	p = m->map(m->opaque, w->run_gpa, w->run_len);
	if (p) {
		discard_span(b, w, p, w->run_len);
	} else {
		/* Every PFN is RAM, but the run crosses from one RAM region into another. */
		for (off = 0; off < w->run_len; off += BALLOON_PAGE) {
			p = m->map(m->opaque, w->run_gpa + off, BALLOON_PAGE);
			if (p)
				discard_span(b, w, p, BALLOON_PAGE);
		}
	}
	w->run_len = 0;
}

/* One PFN of a buffer; false when it is not guest RAM. */
static bool take_pfn(struct virtio_balloon *b, struct pfn_walk *w, uint32_t pfn)
{
	const struct guest_mem *m = &b->vp.host->mem;
	uint64_t gpa = (uint64_t)pfn << VIRTIO_BALLOON_PFN_SHIFT;

	if (!m->map(m->opaque, gpa, BALLOON_PAGE)) {
		b->n.bad++;
		return false;
	}
	if (!w->inflate)
		return true;	/* deflated pages refault on touch: nothing to do */
	/* Contiguous PFNs (macOS: four per 16 KiB page) go in one madvise(). */
	if (w->run_len && gpa == w->run_gpa + w->run_len) {
		w->run_len += BALLOON_PAGE;
		return true;
	}
	flush_run(b, w);
	w->run_gpa = gpa;
	w->run_len = BALLOON_PAGE;
	return true;
}

/* An inflate or deflate buffer: an array of le32 PFNs.  Returns how many it holds. */
static uint32_t consume_pfns(struct virtio_balloon *b, const struct vq_elem *e, bool inflate)
{
	struct pfn_walk w = { .inflate = inflate };
	uint32_t pfns[PFN_CHUNK];
	size_t len = e->out_len, off = 0;
	uint64_t good = 0;

	/* The driver only ever gives the device PFNs to read (§5.5.6). */
	if (e->in_num || len % 4)
		b->n.bad++;
	if (len / 4 > MAX_BUF_PFNS) {
		b->n.bad++;
		len = MAX_BUF_PFNS * 4ull;
	}
	len &= ~(size_t)3;
	while (off < len) {
		size_t got = iov_to_buf(e->out, e->out_num, off, pfns,
					min_u64(sizeof(pfns), len - off)), i;

		if (!got)
			break;
		for (i = 0; i < got / 4; i++)
			good += take_pfn(b, &w, pfns[i]);
		off += got;
	}
	flush_run(b, &w);
	if (inflate)
		b->n.inflated += good;
	else
		b->n.deflated += good;
	return (uint32_t)(len / 4);
}

/* The Apple driver's completed inflate buffers, as the device sees them. */
static int64_t macos_completed(const struct virtio_balloon *b)
{
	return (int64_t)b->actual - (int64_t)b->held_pfns;
}

/*
 * The num_pages the Apple driver is shown.  It moves four times what it
 * reads, so a quarter of one bounded step; with the hold, a deflate is
 * exactly the buffers the device completed for it.
 */
static uint64_t macos_num_pages(const struct virtio_balloon *b)
{
	int64_t actual = (int64_t)b->actual, target = (int64_t)b->target;
	int64_t done = macos_completed(b), step = b->macos_step, d;

	if (step < 4)
		step = 4;
	if (step > MACOS_STEP_MAX)
		step = MACOS_STEP_MAX;
	if (b->macos_hold && done >= 4)
		return (uint64_t)(actual - min_s64(done, VIRTIO_BALLOON_MACOS_DEFLATE_MAX) / 4);
	if (target > actual) {
		d = min_s64(target - actual, step) & ~3ll;
		return (uint64_t)(actual + d / 4);
	}
	if (target < actual && !b->macos_hold) {
		d = min_s64(actual - target, step) & ~3ll;
		return (uint64_t)(actual - d / 4);
	}
	return (uint64_t)actual;
}

/*
 * After a target change or a consumed buffer: complete held buffers if a
 * deflate needs them (the driver's completion handler then reads num_pages),
 * else, when @ask, interrupt for the next step.
 */
static void macos_update(struct virtio_balloon *b, bool ask)
{
	struct virtio_pci *vp = &b->vp;
	bool released = false;

	if (!virtio_pci_driver_ok(vp) || (vp->status & VIRTIO_STATUS_NEEDS_RESET))
		return;
	while (b->macos_hold && b->target < b->actual && b->nr_held &&
	       macos_completed(b) < (int64_t)(b->actual - b->target)) {
		const struct virtio_balloon_held *h = &b->held[--b->nr_held];

		b->held_pfns -= h->pfns;
		if (push_head(&vp->vq[0], h->head)) {
			virtio_pci_needs_reset(vp);
			return;
		}
		released = true;
	}
	if (released)
		virtio_pci_notify_queue(vp, 0);
	else if (ask && macos_num_pages(b) != b->actual)
		virtio_pci_config_changed(&b->vp);
}

/* macOS: the device keeps the count, and (hold) the inflate buffer. */
static bool macos_took(struct virtio_balloon *b, const struct vq_elem *e, uint32_t n,
		       bool inflate)
{
	if (!inflate) {
		b->actual -= min_u64(n, b->actual);
		return false;
	}
	b->actual += n;
	if (!b->macos_hold || !n || b->nr_held == VQ_MAX_SIZE)
		return false;
	b->held[b->nr_held++] = (struct virtio_balloon_held){ e->head, n };
	b->held_pfns += n;
	return true;
}

/*
 * Inflate or deflate queue @q: up to VIRTIO_PCI_BATCH buffers for a kick,
 * or (a macOS config read) all that are posted.
 */
static void pfn_queue(struct virtio_balloon *b, unsigned int q, bool inflate, bool kick)
{
	struct virtio_pci *vp = &b->vp;
	struct virtqueue *vq = &vp->vq[q];
	static __thread struct vq_elem e;
	unsigned int taken = 0, limit = kick ? VIRTIO_PCI_BATCH : vq->size;
	bool used = false, any = false;
	int got = 0;

	while (taken++ < limit && (got = vq_pop(vq, &e)) > 0) {
		uint32_t n = consume_pfns(b, &e, inflate);

		any = true;
		if (b->macos && macos_took(b, &e, n, inflate))
			continue;
		if (vq_push(vq, &e, 0))
			break;
		used = true;
	}
	if (kick) {
		virtio_pci_batch_done(vp, q, got, taken, used);
	} else {
		if (got < 0 || vq->broken)
			virtio_pci_needs_reset(vp);
		if (used)
			virtio_pci_notify_queue(vp, q);
	}
	/* A completed deflate re-runs the driver's handler itself: no need to ask. */
	if (b->macos && any)
		macos_update(b, kick && inflate);
}

static void read_stats(struct virtio_balloon *b, const struct vq_elem *e)
{
	size_t off;

	if (e->in_num || e->out_len % STAT_SIZE)
		b->n.bad++;
	b->guest_stats_valid = 0;	/* a driver may report fewer than last time */
	for (off = 0; off + STAT_SIZE <= e->out_len; off += STAT_SIZE) {
		uint8_t raw[STAT_SIZE];
		uint16_t tag;
		uint64_t val;

		iov_to_buf(e->out, e->out_num, off, raw, sizeof(raw));
		memcpy(&tag, raw, 2);
		memcpy(&val, raw + 2, 8);
		if (tag < VIRTIO_BALLOON_S_NR) {
			b->guest_stats[tag] = val;
			b->guest_stats_valid |= 1u << tag;
		}
	}
}

/* The stats queue: the device keeps the buffer until it wants new figures. */
static void stats_queue(struct virtio_balloon *b, unsigned int q)
{
	struct virtio_pci *vp = &b->vp;
	struct virtqueue *vq = &vp->vq[q];
	static __thread struct vq_elem e;
	unsigned int taken = 0;
	bool used = false;
	int got = 0;

	while (taken++ < VIRTIO_PCI_BATCH && (got = vq_pop(vq, &e)) > 0) {
		/* One buffer at a time (§5.5.6.3): a second one retires the first. */
		if (b->stats_held) {
			b->stats_held = false;
			if (push_head(vq, b->stats_head))
				break;
			used = true;
		}
		read_stats(b, &e);
		b->stats_held = true;
		b->stats_head = e.head;
	}
	virtio_pci_batch_done(vp, q, got, taken, used);
}

/* A free page report: device-writable ranges of free pages (virtqueue_add_inbuf). */
static void report(struct virtio_balloon *b, const struct vq_elem *e)
{
	unsigned int i;

	if (e->out_num)
		b->n.bad++;
	for (i = 0; i < e->in_num; i++) {
		b->n.reported += e->in[i].iov_len / BALLOON_PAGE;
		/* A poisoning guest expects its pattern back, not zeros. */
		if (b->poison_val)
			continue;
		discard_span(b, NULL, e->in[i].iov_base, e->in[i].iov_len);
	}
}

static void reporting_queue(struct virtio_balloon *b, unsigned int q)
{
	struct virtio_pci *vp = &b->vp;
	struct virtqueue *vq = &vp->vq[q];
	static __thread struct vq_elem e;
	unsigned int taken = 0;
	bool used = false;
	int got = 0;

	while (taken++ < VIRTIO_PCI_BATCH && (got = vq_pop(vq, &e)) > 0) {
		report(b, &e);
		if (vq_push(vq, &e, 0))
			break;
		used = true;
	}
	virtio_pci_batch_done(vp, q, got, taken, used);
}

void virtio_balloon_kicked(struct virtio_pci *vp, unsigned int q)
{
	struct virtio_balloon *b = vp->p.dev;

	if (q >= vp->p.nr_queues || !virtio_pci_driver_ok(vp))
		return;
	switch (queue_role(b, q)) {
	case ROLE_INFLATE:
		pfn_queue(b, q, true, true);
		break;
	case ROLE_DEFLATE:
		pfn_queue(b, q, false, true);
		break;
	case ROLE_STATS:
		stats_queue(b, q);
		break;
	case ROLE_REPORTING:
		reporting_queue(b, q);
		break;
	case ROLE_NONE:
		break;
	}
}

static void config_image(const struct virtio_balloon *b, uint8_t *cfg)
{
	uint32_t num = clamp_u32(b->macos ? macos_num_pages(b) : b->target);
	uint32_t actual = clamp_u32(b->actual);

	memset(cfg, 0, VIRTIO_BALLOON_CFG_SIZE);	/* free_page_hint_cmd_id: no hinting */
	memcpy(&cfg[VIRTIO_BALLOON_CFG_NUM_PAGES], &num, 4);
	memcpy(&cfg[VIRTIO_BALLOON_CFG_ACTUAL], &actual, 4);
	memcpy(&cfg[VIRTIO_BALLOON_CFG_POISON], &b->poison_val, 4);
}

static bool touches(unsigned int off, unsigned int len, unsigned int field)
{
	return off < field + 4 && off + len > field;
}

static void config_access(struct virtio_pci *vp, unsigned int off, uint8_t *data,
			  unsigned int len, bool is_write)
{
	struct virtio_balloon *b = vp->p.dev;
	uint8_t cfg[VIRTIO_BALLOON_CFG_SIZE];
	uint32_t v;

	/* The Apple driver's count grew when it posted: match it before it compares. */
	if (!is_write && b->macos && virtio_pci_driver_ok(vp)) {
		pfn_queue(b, 0, true, false);
		pfn_queue(b, 1, false, false);
	}
	config_image(b, cfg);
	if (!is_write) {
		memcpy(data, &cfg[off], len);
		return;
	}
	memcpy(&cfg[off], data, len);
	/* The device counts for the Apple driver, which writes nothing sensible. */
	if (!b->macos && touches(off, len, VIRTIO_BALLOON_CFG_ACTUAL)) {
		memcpy(&v, &cfg[VIRTIO_BALLOON_CFG_ACTUAL], 4);
		b->actual = v;
	}
	if ((vp->driver_features & VIRTIO_BALLOON_F_PAGE_POISON) &&
	    touches(off, len, VIRTIO_BALLOON_CFG_POISON))
		memcpy(&b->poison_val, &cfg[VIRTIO_BALLOON_CFG_POISON], 4);
}

/* The driver reset the device: a new driver starts from an empty balloon. */
static void balloon_reset(struct virtio_pci *vp)
{
	struct virtio_balloon *b = vp->p.dev;

	b->nr_held = 0;
	b->held_pfns = 0;
	b->stats_held = false;
	b->poison_val = 0;
	b->actual = 0;
}

static const struct virtio_device_ops balloon_ops = {
	.config_access = config_access,
	.reset = balloon_reset,
};

void virtio_balloon_set_target(struct virtio_balloon *b, uint64_t bytes)
{
	if (!bytes)
		return;		/* as QEMU's balloon command: never all of the guest */
	pthread_mutex_lock(&b->vp.lock);
	bytes = min_u64(bytes, b->ram_bytes);
	b->target = (b->ram_bytes - bytes) >> VIRTIO_BALLOON_PFN_SHIFT;
	if (b->macos) {
		/* The Apple driver moves whole 16 KiB pages: a target it can reach. */
		b->target &= ~3ull;
		macos_update(b, true);
	} else if (virtio_pci_driver_ok(&b->vp)) {
		virtio_pci_config_changed(&b->vp);
	}
	pthread_mutex_unlock(&b->vp.lock);
}

uint64_t virtio_balloon_query(struct virtio_balloon *b)
{
	uint64_t balloon;

	pthread_mutex_lock(&b->vp.lock);
	/* A driver's actual is its word: never more than the RAM. */
	balloon = min_u64(b->actual, b->ram_bytes >> VIRTIO_BALLOON_PFN_SHIFT);
	pthread_mutex_unlock(&b->vp.lock);
	return b->ram_bytes - (balloon << VIRTIO_BALLOON_PFN_SHIFT);
}

void virtio_balloon_poll_stats(struct virtio_balloon *b)
{
	struct virtio_pci *vp = &b->vp;
	int q;

	pthread_mutex_lock(&vp->lock);
	q = stats_queue_index(b);
	if (q >= 0 && b->stats_held && virtio_pci_driver_ok(vp)) {
		b->stats_held = false;
		if (push_head(&vp->vq[q], b->stats_head))
			virtio_pci_needs_reset(vp);
		else
			virtio_pci_notify_queue(vp, (unsigned int)q);
	}
	pthread_mutex_unlock(&vp->lock);
}

void virtio_balloon_get_counters(struct virtio_balloon *b, struct virtio_balloon_counters *n)
{
	pthread_mutex_lock(&b->vp.lock);
	*n = b->n;
	pthread_mutex_unlock(&b->vp.lock);
}

int virtio_balloon_init(struct virtio_balloon *b, const struct virtio_host *host, bool macos,
			uint64_t ram_bytes)
{
	/*
	 * MUST_TELL_HOST binds only the driver (AppleVirtIOBalloon asks for it);
	 * PAGE_POISON lets a poisoning Linux guest keep reporting on (it drops
	 * REPORTING otherwise).  The Apple driver takes neither reporting nor
	 * hints: it gets the three queues it uses, sized for its requests.
	 */
	struct virtio_pci_params p = {
		.name = "virtio-balloon", .device_type = VIRTIO_ID_BALLOON,
		.nr_queues = macos ? MACOS_QUEUES : STD_QUEUES,
		.queue_size = macos ? VIRTIO_BALLOON_MACOS_QUEUE_SIZE : VIRTIO_BALLOON_QUEUE_SIZE,
		.features = VIRTIO_BALLOON_F_MUST_TELL_HOST | VIRTIO_BALLOON_F_STATS_VQ |
			    VIRTIO_BALLOON_F_PAGE_POISON | VIRTIO_F_RING_INDIRECT_DESC |
			    (macos ? 0 : VIRTIO_BALLOON_F_REPORTING),
		.config_size = VIRTIO_BALLOON_CFG_SIZE, .ops = &balloon_ops, .dev = b,
	};
	long page = sysconf(_SC_PAGESIZE);
	int ret;

	memset(b, 0, sizeof(*b));
	b->macos = macos;
	b->macos_hold = macos;
	b->macos_step = VIRTIO_BALLOON_MACOS_STEP;
	b->ram_bytes = ram_bytes;
	b->host_page = page >= (long)BALLOON_PAGE ? (size_t)page : BALLOON_PAGE;
	ret = virtio_pci_init(&b->vp, &p, host);
	if (ret)
		return ret;
	b->worker = (struct virtio_worker){ .vp = &b->vp, .kicked = virtio_balloon_kicked };
	return 0;
}

void virtio_balloon_destroy(struct virtio_balloon *b)
{
	virtio_worker_stop(&b->worker);
	virtio_pci_destroy(&b->vp);
}
