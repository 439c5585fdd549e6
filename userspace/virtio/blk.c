// SPDX-License-Identifier: GPL-2.0
/* blk.c - virtio-blk, standard and Apple (see blk.h). */
#include "blk.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SECTOR		512u
#define QUEUE_SIZE	256
#define SEG_MAX		(VQ_MAX_SEGS - 2)	/* the header and status take two */
#define CONFIG_SIZE_STD	0x3c
#define CONFIG_SIZE_APPLE 0x40
#define CONFIG_APPLE_TYPE 0x3c
#define PCI_VENDOR_APPLE 0x106b
#define PCI_DEVICE_APPLE_VIRTIO_BLK 0x1a00
#define PCI_CLASS_STORAGE_SCSI 0x010000
#define PCI_CLASS_STORAGE_OTHER 0x018000

struct blk_req_header {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
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

void virtio_blk_kicked(struct virtio_pci *vp, unsigned int q)
{
	struct virtio_blk *b = vp->p.dev;
	static __thread struct vq_elem e;
	unsigned int taken = 0;
	bool used = false;
	int got = 0;

	if (q || !virtio_pci_driver_ok(vp))
		return;
	while (taken++ < VIRTIO_PCI_BATCH && (got = vq_pop(&vp->vq[0], &e)) > 0) {
		uint32_t written = 0;
		uint8_t status;

		/* A request needs its header and a status byte at the least. */
		if (e.out_len < sizeof(struct blk_req_header) || !e.in_len)
			status = VIRTIO_BLK_S_IOERR;
		else
			status = run_request(b, &e, &written);
		b->requests++;
		if (status != VIRTIO_BLK_S_OK)
			b->errors++;
		if (e.in_len)
			iov_from_buf(e.in, e.in_num, e.in_len - 1, &status, 1);
		if (vq_push(&vp->vq[0], &e, written + (e.in_len ? 1 : 0)))
			break;
		used = true;
	}
	virtio_pci_batch_done(vp, 0, got, taken, used);
}

static const struct virtio_device_ops blk_ops = {
	.config_access = config_access,
};

int virtio_blk_init(struct virtio_blk *b, const char *name, enum virtio_blk_apple_type type,
		    int fd, uint64_t offset, uint64_t size, bool read_only,
		    const struct virtio_host *host)
{
	struct virtio_pci_params p = {
		.name = name, .device_type = VIRTIO_ID_BLOCK, .nr_queues = 1,
		.queue_size = QUEUE_SIZE, .config_size = CONFIG_SIZE_STD, .ops = &blk_ops,
		.dev = b, .class_code = PCI_CLASS_STORAGE_OTHER,
		.features = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH |
			    VIRTIO_F_RING_INDIRECT_DESC | (read_only ? VIRTIO_BLK_F_RO : 0),
	};
	int ret;

	memset(b, 0, sizeof(*b));
	b->type = type;
	b->fd = fd;
	b->offset = offset;
	b->size = size;
	b->read_only = read_only;
	snprintf(b->id, sizeof(b->id), "vmapple-%s", name);
	if (type != VIRTIO_BLK_STANDARD) {
		p.pci_vendor = PCI_VENDOR_APPLE;
		p.pci_device = PCI_DEVICE_APPLE_VIRTIO_BLK;
		p.class_code = PCI_CLASS_STORAGE_SCSI;
		p.config_size = CONFIG_SIZE_APPLE;
	}
	ret = virtio_pci_init(&b->vp, &p, host);
	if (ret)
		return ret;
	b->worker = (struct virtio_worker){ .vp = &b->vp, .kicked = virtio_blk_kicked };
	return 0;
}

void virtio_blk_destroy(struct virtio_blk *b)
{
	virtio_worker_stop(&b->worker);
	virtio_pci_destroy(&b->vp);
}
