// SPDX-License-Identifier: GPL-2.0
/* virtqueue.c - walk a split virtqueue in guest memory (see virtqueue.h). */
#include "virtqueue.h"

#include <errno.h>
#include <string.h>

#define DESC_SIZE	16
#define AVAIL_RING	4	/* avail: flags u16, idx u16, ring[] u16 */
#define USED_RING	4	/* used: flags u16, idx u16, ring[] { u32 id; u32 len; } */
#define MAX_INDIRECT	VQ_MAX_SIZE

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

static bool ranges_overlap(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len)
{
	return a < b + b_len && b < a + a_len;
}

uint64_t vq_used_address(uint64_t desc, uint64_t avail, uint64_t used, uint16_t size,
			 bool *moved)
{
	enum { PAGE = 4096 };
	/* flags, idx, ring[size], used_event: the avail ring's bytes. */
	uint64_t avail_len = AVAIL_RING + 2ull * size + 2;
	/* flags, idx, ring[size] of 8 bytes, avail_event. */
	uint64_t used_len = USED_RING + 8ull * size + 2;
	uint64_t desc_len = (uint64_t)DESC_SIZE * size;
	uint64_t to;

	*moved = false;
	if (!ranges_overlap(used, used_len, avail, avail_len) &&
	    !ranges_overlap(used, used_len, desc, desc_len))
		return used;
	if (avail > UINT64_MAX - avail_len - PAGE)
		return used;
	to = (avail + avail_len + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	/* Only where it then overlaps neither; otherwise leave the driver's layout be. */
	if (ranges_overlap(to, used_len, desc, desc_len))
		return used;
	*moved = true;
	return to;
}

void vq_reset(struct virtqueue *vq)
{
	vq->desc = vq->avail = vq->used = vq->used_programmed = 0;
	vq->ready = false;
	vq->last_avail = vq->used_idx = 0;
	vq->broken = false;
	vq->event_idx = vq->signalled_valid = false;
	vq->signalled_used = 0;
}

static int rd(struct virtqueue *vq, uint64_t gpa, void *buf, size_t len)
{
	return vq->mem->read(vq->mem->opaque, gpa, buf, len);
}

static int wr(struct virtqueue *vq, uint64_t gpa, const void *buf, size_t len)
{
	return vq->mem->write(vq->mem->opaque, gpa, buf, len);
}

static int read_desc(struct virtqueue *vq, uint64_t table, uint16_t i, struct desc *d)
{
	uint8_t raw[DESC_SIZE];

	if (rd(vq, table + (uint64_t)i * DESC_SIZE, raw, sizeof(raw)))
		return -EINVAL;
	memcpy(&d->addr, raw, 8);
	memcpy(&d->len, raw + 8, 4);
	memcpy(&d->flags, raw + 12, 2);
	memcpy(&d->next, raw + 14, 2);
	return 0;
}

static int add_seg(struct virtqueue *vq, struct vq_elem *e, const struct desc *d)
{
	void *p;

	if (!d->len)
		return 0;
	p = vq->mem->map(vq->mem->opaque, d->addr, d->len);
	if (!p)
		return -EINVAL;
	if (d->flags & VRING_DESC_F_WRITE) {
		if (e->in_num == VQ_MAX_SEGS)
			return -EINVAL;
		e->in[e->in_num++] = (struct iovec){ p, d->len };
		e->in_len += d->len;
	} else {
		/* Readable buffers come first (virtio 1.2 §2.7.4.2). */
		if (e->in_num || e->out_num == VQ_MAX_SEGS)
			return -EINVAL;
		e->out[e->out_num++] = (struct iovec){ p, d->len };
		e->out_len += d->len;
	}
	return 0;
}

/* Follow one chain of @table (@n entries) from @i; @budget bounds it against loops. */
static int walk(struct virtqueue *vq, struct vq_elem *e, uint64_t table, uint32_t n,
		uint16_t i, bool indirect_ok)
{
	unsigned int budget = n;
	struct desc d;

	for (;;) {
		if (i >= n || !budget--)
			return -EINVAL;
		if (read_desc(vq, table, i, &d))
			return -EINVAL;
		if (d.flags & VRING_DESC_F_INDIRECT) {
			/* One indirect table, alone in its chain (§2.7.5.3.1). */
			if (!indirect_ok || (d.flags & VRING_DESC_F_NEXT) || !d.len ||
			    d.len % DESC_SIZE || d.len / DESC_SIZE > MAX_INDIRECT)
				return -EINVAL;
			return walk(vq, e, d.addr, d.len / DESC_SIZE, 0, false);
		}
		if (add_seg(vq, e, &d))
			return -EINVAL;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		i = d.next;
	}
}

/* avail_event: the u16 after the used ring's entries. */
static int set_avail_event(struct virtqueue *vq, uint16_t idx)
{
	return wr(vq, vq->used + USED_RING + 8ull * vq->size, &idx, 2);
}

unsigned int vq_pending(struct virtqueue *vq)
{
	uint16_t avail_idx, n;

	if (!vq->ready || vq->broken || rd(vq, vq->avail + 2, &avail_idx, 2))
		return 0;
	n = (uint16_t)(avail_idx - vq->last_avail);
	return n > vq->size ? 0 : n;	/* a bogus index: vq_pop() will say so */
}

int vq_pop(struct virtqueue *vq, struct vq_elem *e)
{
	uint16_t avail_idx, head;

	if (!vq->ready || vq->broken)
		return 0;
	if (rd(vq, vq->avail + 2, &avail_idx, 2))
		goto broken;
	if (avail_idx == vq->last_avail) {
		if (!vq->event_idx)
			return 0;
		/* Ask for a kick at the next buffer, then look again: it may be there already. */
		if (set_avail_event(vq, vq->last_avail))
			goto broken;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (rd(vq, vq->avail + 2, &avail_idx, 2))
			goto broken;
		if (avail_idx == vq->last_avail)
			return 0;
	}
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->size)
		goto broken;
	/* The ring entry and descriptors are read after the index. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (rd(vq, vq->avail + AVAIL_RING + 2ull * (vq->last_avail % vq->size), &head, 2))
		goto broken;
	e->head = head;
	e->out_num = e->in_num = 0;
	e->out_len = e->in_len = 0;
	if (walk(vq, e, vq->desc, vq->size, head, true))
		goto broken;
	vq->last_avail++;
	/* No kick needed until the driver passes what we have taken. */
	if (vq->event_idx && set_avail_event(vq, vq->last_avail))
		goto broken;
	return 1;
broken:
	vq->broken = true;
	return -EINVAL;
}

void vq_unpop(struct virtqueue *vq, unsigned int n)
{
	/*
	 * avail_event stays where the pop that found the ring empty put it:
	 * at the driver's avail index, so its next buffer kicks us.
	 */
	vq->last_avail = (uint16_t)(vq->last_avail - n);
}

int vq_fill(struct virtqueue *vq, const struct vq_elem *e, uint32_t written, uint16_t nth)
{
	uint32_t entry[2] = { e->head, written };
	uint16_t slot = (uint16_t)(vq->used_idx + nth);

	if (wr(vq, vq->used + USED_RING + 8ull * (slot % vq->size), entry, sizeof(entry))) {
		vq->broken = true;
		return -EINVAL;
	}
	return 0;
}

int vq_flush(struct virtqueue *vq, uint16_t count)
{
	uint16_t idx;

	/* The entries are visible before the index that publishes them. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	idx = (uint16_t)(vq->used_idx + count);
	if (wr(vq, vq->used + 2, &idx, 2)) {
		vq->broken = true;
		return -EINVAL;
	}
	vq->used_idx = idx;
	return 0;
}

int vq_push(struct virtqueue *vq, const struct vq_elem *e, uint32_t written)
{
	int ret = vq_fill(vq, e, written, 0);

	return ret ? ret : vq_flush(vq, 1);
}

bool vq_wants_interrupt(struct virtqueue *vq)
{
	uint16_t flags, event, old = vq->signalled_used, now = vq->used_idx;
	bool first = !vq->signalled_valid;

	/* Our used index store is ordered before the driver's flags are read. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->event_idx) {
		if (rd(vq, vq->avail, &flags, 2))
			return true;
		return !(flags & VRING_AVAIL_F_NO_INTERRUPT);
	}
	/* used_event: the u16 after the avail ring's entries. */
	if (rd(vq, vq->avail + AVAIL_RING + 2ull * vq->size, &event, 2))
		return true;
	vq->signalled_used = now;
	vq->signalled_valid = true;
	/* Did used_idx just pass used_event (the spec's vring_need_event)? */
	return first || (uint16_t)(now - event - 1) < (uint16_t)(now - old);
}

/* Copy between @buf and the iovecs, @skip bytes into them: the bytes copied. */
static size_t iov_copy(const struct iovec *iov, unsigned int n, size_t skip, void *buf,
		       size_t len, bool to_iov)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < n && done < len; i++) {
		uint8_t *seg = iov[i].iov_base;
		size_t take;

		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		take = iov[i].iov_len - skip;
		if (take > len - done)
			take = len - done;
		if (to_iov)
			memcpy(seg + skip, (uint8_t *)buf + done, take);
		else
			memcpy((uint8_t *)buf + done, seg + skip, take);
		done += take;
		skip = 0;
	}
	return done;
}

size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t skip, void *buf, size_t len)
{
	return iov_copy(iov, n, skip, buf, len, false);
}

size_t iov_from_buf(const struct iovec *iov, unsigned int n, size_t skip, const void *buf,
		    size_t len)
{
	return iov_copy(iov, n, skip, (void *)buf, len, true);
}
