// SPDX-License-Identifier: GPL-2.0
/* bdif.c - the VMApple backdoor block interface (see bdif.h). */
#include "bdif.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BDIF_DEVID_MASK	0xffff0000u
#define BDIF_REG_MASK	0x0000ffffu
#define SECTOR		512u

/* The request in guest memory: three { u64 addr; u32 len; u32 flags; }. */
struct bdif_desc {
	uint64_t addr;
	uint32_t len;
	uint32_t flags;
};

struct bdif_request {
	struct bdif_desc sector;	/* -> 16-byte record, sector number at +8 */
	struct bdif_desc data;
	struct bdif_desc retval;	/* -> one status byte */
};

static struct bdif_disk *disk_of(struct bdif *b, uint32_t devid)
{
	if (devid == BDIF_DEV_ROOT)
		return &b->root;
	if (devid == BDIF_DEV_AUX)
		return &b->aux;
	return NULL;
}

static uint64_t read_reg(struct bdif *b, uint32_t devid, uint32_t reg)
{
	struct bdif_disk *d = disk_of(b, devid);

	switch (reg) {
	case BDIF_REG_STATUS:
		return 1;		/* ACTIVE */
	case BDIF_REG_CFG:
		return 2;		/* ACTIVE */
	case BDIF_REG_UNK1:
		return 0x420;
	case BDIF_REG_BUSY:
		return 1;		/* READY */
	case BDIF_REG_UNK2:
		return 1;
	case BDIF_REG_NEXT_DEVICE:
		return d && d->fd >= 0 ? d->size / SECTOR : ~0ull;
	case BDIF_REG_UNK3:
		return 0;
	default:
		return ~0ull;
	}
}

/* One chunk between the image at @off and guest memory at @gpa, either way. */
static int move_chunk(struct bdif *b, struct bdif_disk *d, bool to_disk, uint8_t *buf,
		      uint32_t n, uint64_t off, uint64_t gpa)
{
	if (to_disk) {
		int ret = b->mem.read(b->mem.opaque, gpa, buf, n);

		if (ret)
			return ret;
		return pwrite(d->fd, buf, n, (off_t)off) == (ssize_t)n ? 0 : -EIO;
	}
	if (pread(d->fd, buf, n, (off_t)off) != (ssize_t)n)
		return -EIO;
	return b->mem.write(b->mem.opaque, gpa, buf, n);
}

/*
 * Move [sector, sector + len) of @d from or to guest memory at @gpa, in
 * chunks.  A write is synced before it returns: BDIF has no flush command
 * (QEMU's and yaelliethy's bdif.c), so a write's OK status is the promise
 * that it is on the image (NVRAM writes are rare and small).  A read-only
 * image refuses it.
 */
static int disk_xfer(struct bdif *b, struct bdif_disk *d, bool to_disk, uint64_t sector,
		     uint32_t len, uint64_t gpa)
{
	enum { CHUNK = 1 << 20 };
	uint8_t *buf;
	uint64_t pos = sector * SECTOR;
	uint32_t done = 0;
	int ret = 0;

	if (d->fd < 0 || sector > d->size / SECTOR || len > d->size - pos)
		return -ERANGE;
	if (to_disk && d->read_only) {
		b->writes_refused++;
		return -EROFS;
	}
	buf = malloc(len < CHUNK ? len : CHUNK);
	if (!buf)
		return -ENOMEM;
	while (!ret && done < len) {
		uint32_t n = len - done < CHUNK ? len - done : CHUNK;

		ret = move_chunk(b, d, to_disk, buf, n, d->offset + pos + done, gpa + done);
		done += n;
	}
	free(buf);
	if (!ret && to_disk && fdatasync(d->fd))
		ret = -EIO;
	if (!ret && to_disk)
		b->bytes_written += len;
	return ret;
}

static int run_request(struct bdif *b, struct bdif_disk *d, const struct bdif_request *req)
{
	uint8_t record[16];
	uint32_t sector;

	if (req->sector.len != sizeof(record) ||
	    b->mem.read(b->mem.opaque, req->sector.addr, record, sizeof(record)))
		return -EINVAL;
	memcpy(&sector, record + 8, sizeof(sector));
	if (req->data.len > BDIF_MAX_DATA)
		return -E2BIG;
	if (req->data.flags == BDIF_FLAG_READ)
		return disk_xfer(b, d, false, sector, req->data.len, req->data.addr);
	if (req->data.flags == BDIF_FLAG_WRITE)
		return disk_xfer(b, d, true, sector, req->data.len, req->data.addr);
	return -EOPNOTSUPP;	/* unknown commands */
}

static void command(struct bdif *b, uint32_t devid, uint64_t req_gpa)
{
	struct bdif_disk *d = disk_of(b, devid);
	struct bdif_request req;
	uint8_t status;
	int ret;

	if (!d)
		return;		/* USB and the rest: not implemented, as in QEMU */
	b->requests++;
	if (b->mem.read(b->mem.opaque, req_gpa, &req, sizeof(req))) {
		b->failures++;	/* no request, so no status address either */
		return;
	}
	ret = run_request(b, d, &req);
	status = ret ? BDIF_STATUS_FAILED : BDIF_STATUS_OK;
	b->failures += !!ret;
	b->mem.write(b->mem.opaque, req.retval.addr, &status, 1);
}

int bdif_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len, bool is_write)
{
	struct bdif *b = opaque;
	uint32_t devid = (uint32_t)offset & BDIF_DEVID_MASK;
	uint32_t reg = (uint32_t)offset & BDIF_REG_MASK;
	uint64_t value = 0;

	if (is_write) {
		memcpy(&value, data, len);
		if (reg == BDIF_REG_CMD)
			command(b, devid, value);
		return 0;
	}
	value = read_reg(b, devid, reg);
	memcpy(data, &value, len);
	return 0;
}
