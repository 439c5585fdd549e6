// SPDX-License-Identifier: GPL-2.0
/* blk.c - virtio-blk, standard and Apple (see blk.h). */
#include "blk.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <linux/fs.h>

#define SECTOR		512u
#define QUEUE_SIZE	256
#define SEG_MAX		(VQ_MAX_SEGS - 2)	/* the header and status take two */
#define CONFIG_SIZE_STD	0x3c
#define CONFIG_SIZE_APPLE 0x40
#define CONFIG_APPLE_TYPE 0x3c
#define CONFIG_MAX_DISCARD_SECTORS	36	/* then max_discard_seg, discard_sector_alignment */
#define CONFIG_MAX_ZEROES_SECTORS	48	/* then max_write_zeroes_seg, may_unmap (u8) */
#define ZERO_CHUNK	(64u << 10)
#define PCI_VENDOR_APPLE 0x106b
#define PCI_DEVICE_APPLE_VIRTIO_BLK 0x1a00
#define PCI_CLASS_STORAGE_SCSI 0x010000
#define PCI_CLASS_STORAGE_OTHER 0x018000

struct blk_req_header {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* One range of a DISCARD or WRITE_ZEROES request (virtio 1.2 §5.2.6). */
struct blk_range_seg {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;
};

static void config_access(struct virtio_pci *vp, unsigned int off, uint8_t *data,
			  unsigned int len, bool is_write)
{
	struct virtio_blk *b = vp->p.dev;
	uint8_t cfg[CONFIG_SIZE_APPLE] = { 0 };
	uint64_t sectors = b->size / SECTOR;
	uint32_t seg_max = SEG_MAX, blk_size = SECTOR, type = b->type;

	if (is_write)
		return;		/* writeback toggling is not offered: all read-only */
	memcpy(&cfg[0], &sectors, 8);
	memcpy(&cfg[12], &seg_max, 4);
	memcpy(&cfg[20], &blk_size, 4);
	if (b->type != VIRTIO_BLK_STANDARD)
		memcpy(&cfg[CONFIG_APPLE_TYPE], &type, 4);
	if (!b->read_only) {
		uint32_t range[3] = { VIRTIO_BLK_MAX_RANGE_SECTORS, VIRTIO_BLK_MAX_RANGE_SEGS, 1 };

		memcpy(&cfg[CONFIG_MAX_DISCARD_SECTORS], range, sizeof(range));
		memcpy(&cfg[CONFIG_MAX_ZEROES_SECTORS], range, 8);
		cfg[CONFIG_MAX_ZEROES_SECTORS + 8] = 1;	/* write_zeroes_may_unmap */
	}
	memcpy(data, &cfg[off], len);
}

/* The data part of a request: the writable iovecs minus the status byte. */
static unsigned int data_in(const struct vq_elem *e, struct iovec *iov)
{
	unsigned int n = e->in_num;
	size_t left = 1;

	memcpy(iov, e->in, n * sizeof(*iov));
	while (n && left) {
		if (iov[n - 1].iov_len > left) {
			iov[n - 1].iov_len -= left;
			left = 0;
		} else {
			left -= iov[n - 1].iov_len;
			n--;
		}
	}
	return n;
}

static bool in_disk(const struct virtio_blk *b, uint64_t sector, size_t len)
{
	return sector <= b->size / SECTOR && len <= b->size - sector * SECTOR;
}

/* Drop the first @bytes of the iovecs at *@iov (*@n of them), in place. */
static void iov_advance(struct iovec **iov, unsigned int *n, size_t bytes)
{
	while (*n && bytes >= (*iov)->iov_len) {
		bytes -= (*iov)->iov_len;
		(*iov)++;
		(*n)--;
	}
	if (*n) {
		(*iov)->iov_base = (uint8_t *)(*iov)->iov_base + bytes;
		(*iov)->iov_len -= bytes;
	}
}

/* preadv/pwritev the whole of @iov at @pos; false on an error or short transfer. */
static bool transfer(struct virtio_blk *b, struct iovec *iov, unsigned int n, uint64_t pos,
		     size_t len, bool is_write)
{
	while (len) {
		ssize_t done = is_write ? pwritev(b->fd, iov, (int)n, (off_t)pos)
					: preadv(b->fd, iov, (int)n, (off_t)pos);

		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return false;
		pos += (uint64_t)done;
		len -= (size_t)done;
		iov_advance(&iov, &n, (size_t)done);
	}
	return true;
}

/* Zeros written over [@pos, @pos + @len): where the range cannot be zeroed in place. */
static int write_zeros(struct virtio_blk *b, uint64_t pos, uint64_t len)
{
	static const uint8_t zeros[ZERO_CHUNK];

	while (len) {
		size_t n = len < ZERO_CHUNK ? (size_t)len : ZERO_CHUNK;
		ssize_t done;

		/* A reset waits for this request: up to 32 GiB of zeros would stall it. */
		if (__atomic_load_n(&b->draining, __ATOMIC_RELAXED))
			return -EIO;
		done = pwrite(b->fd, zeros, n, (off_t)pos);

		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return -EIO;
		pos += (uint64_t)done;
		len -= (uint64_t)done;
	}
	return 0;
}

/*
 * One range: discarded (a hole punched, the space back to the host's file
 * system; a hint, so a file system without holes is no error), or zeroed
 * (a hole when @unmap, else zeroed in place, else written with zeros).
 */
static int range_op(struct virtio_blk *b, uint64_t pos, uint64_t len, bool discard, bool unmap)
{
	const int punch = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;

	if (b->is_blockdev) {
		uint64_t r[2] = { pos, len };

		if (!ioctl(b->fd, discard ? BLKDISCARD : BLKZEROOUT, r))
			return 0;
		return discard ? 0 : write_zeros(b, pos, len);
	}
	if (discard)
		return fallocate(b->fd, punch, (off_t)pos, (off_t)len) && errno != EOPNOTSUPP ?
		       -errno : 0;
	if (unmap && !fallocate(b->fd, punch, (off_t)pos, (off_t)len))
		return 0;
	if (!fallocate(b->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, (off_t)pos, (off_t)len))
		return 0;
	return write_zeros(b, pos, len);
}

/* DISCARD or WRITE_ZEROES: every segment checked before any is done. */
static uint8_t run_ranges(struct virtio_blk *b, const struct vq_elem *e, bool discard)
{
	struct blk_range_seg seg[VIRTIO_BLK_MAX_RANGE_SEGS];
	size_t len = e->out_len - sizeof(struct blk_req_header);
	unsigned int n = (unsigned int)(len / sizeof(seg[0])), i;

	if (b->read_only || !len || len % sizeof(seg[0]) || n > VIRTIO_BLK_MAX_RANGE_SEGS ||
	    iov_to_buf(e->out, e->out_num, sizeof(struct blk_req_header), seg, len) != len)
		return VIRTIO_BLK_S_IOERR;
	for (i = 0; i < n; i++) {
		if (seg[i].flags & ~VIRTIO_BLK_WZ_UNMAP)
			return VIRTIO_BLK_S_UNSUPP;
		/* §5.2.6.2: unmap on a DISCARD is the driver's mistake. */
		if (discard && seg[i].flags)
			return VIRTIO_BLK_S_UNSUPP;
		if (seg[i].num_sectors > VIRTIO_BLK_MAX_RANGE_SECTORS ||
		    !in_disk(b, seg[i].sector, (size_t)seg[i].num_sectors * SECTOR))
			return VIRTIO_BLK_S_IOERR;
	}
	for (i = 0; i < n; i++)
		if (seg[i].num_sectors &&
		    range_op(b, b->offset + seg[i].sector * SECTOR,
			     (uint64_t)seg[i].num_sectors * SECTOR, discard,
			     seg[i].flags & VIRTIO_BLK_WZ_UNMAP))
			return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

static uint8_t run_request(struct virtio_blk *b, const struct vq_elem *e, uint32_t *written)
{
	struct iovec data[VQ_MAX_SEGS], *iov = data;
	struct blk_req_header h;
	unsigned int n;
	size_t len;

	*written = 0;
	if (iov_to_buf(e->out, e->out_num, 0, &h, sizeof(h)) != sizeof(h))
		return VIRTIO_BLK_S_IOERR;
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		n = data_in(e, data);
		len = e->in_len - 1;
		if (!in_disk(b, h.sector, len) ||
		    !transfer(b, data, n, b->offset + h.sector * SECTOR, len, false))
			return VIRTIO_BLK_S_IOERR;
		*written = (uint32_t)len;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_OUT:
		len = e->out_len - sizeof(h);
		if (b->read_only || !in_disk(b, h.sector, len))
			return VIRTIO_BLK_S_IOERR;
		memcpy(data, e->out, e->out_num * sizeof(*data));
		n = e->out_num;
		iov_advance(&iov, &n, sizeof(h));	/* the data follows the header */
		if (len && !transfer(b, iov, n, b->offset + h.sector * SECTOR, len, true))
			return VIRTIO_BLK_S_IOERR;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_FLUSH:
		return b->read_only || !fdatasync(b->fd) ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return run_ranges(b, e, h.type == VIRTIO_BLK_T_DISCARD);
	case VIRTIO_BLK_T_GET_ID:
		n = data_in(e, data);
		/* NUL-padded to 20 bytes (virtio 1.2 §5.2.6); b->id is zero-filled. */
		*written = (uint32_t)iov_from_buf(data, n, 0, b->id, 20);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_APPLE_BARRIER:
		if (b->type != VIRTIO_BLK_STANDARD)
			return VIRTIO_BLK_S_OK;	/* Apple's no-op, as QEMU completes it */
		return VIRTIO_BLK_S_UNSUPP;
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

/* @e's status, and why: a request needs its header and a status byte at the least. */
static uint8_t run_elem(struct virtio_blk *b, const struct vq_elem *e, uint32_t *written)
{
	*written = 0;
	if (e->out_len < sizeof(struct blk_req_header) || !e->in_len)
		return VIRTIO_BLK_S_IOERR;
	return run_request(b, e, written);
}

/* With vp.lock held: @e done with @status; false when the ring broke. */
static bool complete(struct virtio_blk *b, const struct vq_elem *e, uint8_t status,
		     uint32_t written)
{
	b->requests++;
	if (status != VIRTIO_BLK_S_OK)
		b->errors++;
	if (e->in_len)
		iov_from_buf(e->in, e->in_num, e->in_len - 1, &status, 1);
	return !vq_push(&b->vp.vq[0], e, written + (e->in_len ? 1 : 0));
}

/*
 * With vp.lock held: @e, just taken, run with the lock let go during its
 * I/O, then completed under it.  Counted in flight meanwhile, for reset.
 */
static void run_unlocked(struct virtio_blk *b, struct vq_elem *e)
{
	struct virtio_pci *vp = &b->vp;
	uint32_t written;
	uint8_t status;

	if (++b->in_flight > b->max_in_flight)
		b->max_in_flight = b->in_flight;
	pthread_mutex_unlock(&vp->lock);
	status = run_elem(b, e, &written);
	pthread_mutex_lock(&vp->lock);
	if (complete(b, e, status, written))
		virtio_pci_notify_queue(vp, 0);
	else
		virtio_pci_needs_reset(vp);
	if (!--b->in_flight)
		pthread_cond_broadcast(&b->idle);
}

/* With vp.lock held: may a request be taken now? */
static bool may_take(struct virtio_blk *b)
{
	return !b->io_stop && !b->draining && virtio_pci_driver_ok(&b->vp);
}

/*
 * An I/O thread: woken when the worker sees more than one request, it
 * takes what it can.  A reset drains (no new request is taken while one
 * is in flight to a ring the driver is taking back).
 */
static void *io_main(void *arg)
{
	struct virtio_blk *b = arg;
	struct virtio_pci *vp = &b->vp;
	struct vq_elem *e = malloc(sizeof(*e));

	if (!e) {
		fprintf(stderr, "vmapple: %s: an I/O thread has no memory; the others go on\n",
			vp->p.name);
		return NULL;
	}
	pthread_mutex_lock(&vp->lock);
	while (!b->io_stop) {
		int got = may_take(b) ? vq_pop(&vp->vq[0], e) : 0;

		if (got > 0) {
			run_unlocked(b, e);
			continue;
		}
		if (got < 0)
			virtio_pci_needs_reset(vp);
		pthread_cond_wait(&b->work, &vp->lock);
	}
	pthread_mutex_unlock(&vp->lock);
	free(e);
	return NULL;
}

void virtio_blk_kicked(struct virtio_pci *vp, unsigned int q)
{
	struct virtio_blk *b = vp->p.dev;
	static __thread struct vq_elem e;
	unsigned int taken = 0, extra, i;
	bool used = false;
	int got = 0;

	if (q || !virtio_pci_driver_ok(vp))
		return;
	if (b->nr_io) {
		/*
		 * The worker runs requests itself (a lone one pays no hand-over)
		 * and wakes an I/O thread for each further one waiting.
		 */
		while (may_take(b) && (got = vq_pop(&vp->vq[0], &e)) > 0) {
			extra = vq_pending(&vp->vq[0]);
			for (i = 0; i < extra && i < b->nr_io; i++)
				pthread_cond_signal(&b->work);
			run_unlocked(b, &e);
		}
		if (got < 0)
			virtio_pci_needs_reset(vp);
		return;
	}
	while (taken++ < VIRTIO_PCI_BATCH && (got = vq_pop(&vp->vq[0], &e)) > 0) {
		uint32_t written;
		uint8_t status = run_elem(b, &e, &written);

		if (!complete(b, &e, status, written))
			break;
		used = true;
	}
	virtio_pci_batch_done(vp, 0, got, taken, used);
}

/* With vp.lock held (a vCPU's reset): the requests in flight finish first. */
static void reset(struct virtio_pci *vp)
{
	struct virtio_blk *b = vp->p.dev;

	b->draining = true;
	while (b->in_flight)
		pthread_cond_wait(&b->idle, &vp->lock);
	b->draining = false;
}

static const struct virtio_device_ops blk_ops = {
	.config_access = config_access,
	.reset = reset,
};

int virtio_blk_start(struct virtio_blk *b)
{
	sigset_t all, old;
	unsigned int i;
	int ret = 0;

	/* Signals are the main thread's (and the vCPUs' kicks): none lands mid-I/O here. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < VIRTIO_BLK_IO_THREADS; i++) {
		ret = pthread_create(&b->io[i], NULL, io_main, b);
		if (ret)
			break;
		b->nr_io++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!b->nr_io)
		return -ret;
	return virtio_worker_start(&b->worker);
}

int virtio_blk_init(struct virtio_blk *b, const char *name, enum virtio_blk_apple_type type,
		    int fd, uint64_t offset, uint64_t size, bool read_only,
		    const struct virtio_host *host)
{
	struct virtio_pci_params p = {
		.name = name, .device_type = VIRTIO_ID_BLOCK, .nr_queues = 1,
		.queue_size = QUEUE_SIZE, .config_size = CONFIG_SIZE_STD, .ops = &blk_ops,
		.dev = b, .class_code = PCI_CLASS_STORAGE_OTHER,
		.features = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH |
			    VIRTIO_F_RING_INDIRECT_DESC |
			    (read_only ? VIRTIO_BLK_F_RO :
			     VIRTIO_BLK_F_DISCARD | VIRTIO_BLK_F_WRITE_ZEROES),
	};
	struct stat st;
	int ret;

	memset(b, 0, sizeof(*b));
	b->type = type;
	b->fd = fd;
	b->offset = offset;
	b->size = size;
	b->read_only = read_only;
	b->is_blockdev = !fstat(fd, &st) && S_ISBLK(st.st_mode);
	snprintf(b->id, sizeof(b->id), "vmapple-%s", name);
	if (type != VIRTIO_BLK_STANDARD) {
		p.pci_vendor = PCI_VENDOR_APPLE;
		p.pci_device = PCI_DEVICE_APPLE_VIRTIO_BLK;
		p.class_code = PCI_CLASS_STORAGE_SCSI;
		p.config_size = CONFIG_SIZE_APPLE;
	}
	pthread_cond_init(&b->work, NULL);
	pthread_cond_init(&b->idle, NULL);
	ret = virtio_pci_init(&b->vp, &p, host);
	if (ret)
		return ret;
	b->worker = (struct virtio_worker){ .vp = &b->vp, .kicked = virtio_blk_kicked };
	return 0;
}

void virtio_blk_destroy(struct virtio_blk *b)
{
	unsigned int i;

	virtio_worker_stop(&b->worker);
	pthread_mutex_lock(&b->vp.lock);
	b->io_stop = true;
	pthread_cond_broadcast(&b->work);
	pthread_mutex_unlock(&b->vp.lock);
	for (i = 0; i < b->nr_io; i++)
		pthread_join(b->io[i], NULL);
	b->nr_io = 0;
	virtio_pci_destroy(&b->vp);
}
