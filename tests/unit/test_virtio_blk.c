// SPDX-License-Identifier: GPL-2.0
/*
 * test_virtio_blk - virtio-blk requests through a real split ring in fake
 * guest RAM, on a temporary disk file, driven as a guest driver does:
 * reads, writes, flush, GET_ID, unknown and Apple requests, the config
 * space of both flavours, indirect descriptors, hostile rings (each must
 * leave the device NEEDS_RESET, and a reset must bring it back), and
 * DISCARD / WRITE_ZEROES ranges with each bad range's status.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/eventfd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../userspace/virtio/blk.h"
#include "fake_guest.h"
#include "tap.h"

#define SECTORS		64
#define DISK_OFFSET	4096	/* the disk starts this far into the file */
#define QSIZE		16

#define HDR_GPA		(BUF_GPA + 0x0000)
#define STATUS_GPA	(BUF_GPA + 0x0100)
#define DATA_GPA	(BUF_GPA + 0x1000)

struct tb {
	struct fake_guest g;
	struct virtio_blk b;
	struct fake_ring r;
	uint32_t used_len;	/* of the last request */
	bool used;		/* the last request came back */
};

static int disk_fd;

static uint8_t pat(uint64_t sector, unsigned int i)
{
	return (uint8_t)(sector * 31 + i * 7 + 1);
}

static int make_disk(void)
{
	char path[] = "/tmp/virtio-blk-test-XXXXXX";
	uint8_t sec[512];
	int fd = mkstemp(path);
	unsigned int s, i;

	if (fd < 0)
		return -1;
	memset(sec, 0xdd, sizeof(sec));
	if (pwrite(fd, sec, sizeof(sec), 0) != (ssize_t)sizeof(sec))
		return -1;
	for (s = 0; s < SECTORS; s++) {
		for (i = 0; i < 512; i++)
			sec[i] = pat(s, i);
		if (pwrite(fd, sec, 512, DISK_OFFSET + 512 * s) != 512)
			return -1;
	}
	unlink(path);
	return fd;
}

static bool sector_is(const uint8_t *buf, uint64_t sector)
{
	unsigned int i;

	for (i = 0; i < 512; i++)
		if (buf[i] != pat(sector, i))
			return false;
	return true;
}

static void kick(struct tb *t)
{
	pthread_mutex_lock(&t->b.vp.lock);
	virtio_blk_kicked(&t->b.vp, 0);
	pthread_mutex_unlock(&t->b.vp.lock);
}

/* Reset and set the device up again as the driver does; true when DRIVER_OK stuck. */
static bool setup_size(struct tb *t, uint16_t qsize)
{
	struct virtio_pci *vp = &t->b.vp;
	uint64_t features = VIRTIO_F_VERSION_1 | VIRTIO_F_RING_INDIRECT_DESC |
			    VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_SEG_MAX;

	if (t->b.read_only)
		features |= VIRTIO_BLK_F_RO;
	ring_init(&t->r, &t->g, qsize);
	if (!(driver_features(vp, features) & VIRTIO_STATUS_FEATURES_OK))
		return false;
	if (driver_queue(vp, 0, qsize, VIRTIO_PCI_NO_VECTOR) != 1)
		return false;
	driver_ok(vp);
	(void)bar_rd(vp, 0, VIRTIO_PCI_ISR, 1);
	return vp_status(vp) == (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static bool setup(struct tb *t)
{
	return setup_size(t, QSIZE);
}

static int tb_init(struct tb *t, const char *name, enum virtio_blk_apple_type type, bool ro)
{
	int ret;

	fg_init(&t->g);
	ret = virtio_blk_init(&t->b, name, type, disk_fd, DISK_OFFSET, SECTORS * 512, ro,
			      &t->g.host);
	if (ret)
		return ret;
	return setup(t) ? 0 : -1;
}

static void tb_destroy(struct tb *t)
{
	virtio_blk_destroy(&t->b);
	fg_free(&t->g);
}

static void put_header(struct tb *t, uint32_t type, uint64_t sector)
{
	uint8_t *h = gpa_ptr(&t->g, HDR_GPA);

	memset(h, 0, 16);
	memcpy(h, &type, 4);
	memcpy(h + 8, &sector, 8);
}

/* Offer whatever chain starts at descriptor 0, kick, and note what came back. */
static uint8_t offer_and_kick(struct tb *t)
{
	uint16_t before = ring_used_idx(&t->r);

	*gpa_ptr(&t->g, STATUS_GPA) = 0xee;
	ring_offer(&t->r, 0);
	kick(t);
	t->used = ring_used_idx(&t->r) == (uint16_t)(before + 1) &&
		  ring_used_id(&t->r, before) == 0;
	t->used_len = t->used ? ring_used_len(&t->r, before) : 0;
	return *gpa_ptr(&t->g, STATUS_GPA);
}

/* header (readable), data (@len; writable when @dev_writes), status (writable). */
static uint8_t request(struct tb *t, uint32_t type, uint64_t sector, uint32_t len, bool dev_writes)
{
	put_header(t, type, sector);
	if (len) {
		put_desc(&t->g, RING_DESC, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
		put_desc(&t->g, RING_DESC, 1, DATA_GPA, len,
			 VRING_DESC_F_NEXT | (dev_writes ? VRING_DESC_F_WRITE : 0), 2);
		put_desc(&t->g, RING_DESC, 2, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	} else {
		put_desc(&t->g, RING_DESC, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
		put_desc(&t->g, RING_DESC, 1, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	}
	return offer_and_kick(t);
}

static uint8_t read_sectors(struct tb *t, uint64_t sector, uint32_t len)
{
	memset(gpa_ptr(&t->g, DATA_GPA), 0x5a, len);
	return request(t, VIRTIO_BLK_T_IN, sector, len, true);
}

static bool file_sector_is(uint64_t sector, const uint8_t *want)
{
	uint8_t got[512];

	return pread(disk_fd, got, 512, DISK_OFFSET + 512 * sector) == 512 &&
	       !memcmp(got, want, 512);
}

static void test_config(void)
{
	struct tb std, root, aux;

	ok(!tb_init(&std, "std", VIRTIO_BLK_STANDARD, false) &&
	   !tb_init(&root, "root", VIRTIO_BLK_APPLE_ROOT, false) &&
	   !tb_init(&aux, "aux", VIRTIO_BLK_APPLE_AUX, true),
	   "three devices set up: standard, Apple root, Apple aux (read-only)");
	ok(bar_rd(&std.b.vp, 0, VIRTIO_PCI_DEVICE + 0, 8) == SECTORS,
	   "capacity at config 0: the disk size in 512-byte sectors");
	ok(bar_rd(&std.b.vp, 0, VIRTIO_PCI_DEVICE + 0, 4) == SECTORS &&
	   bar_rd(&std.b.vp, 0, VIRTIO_PCI_DEVICE + 4, 4) == 0,
	   "capacity read as two 32-bit halves");
	ok(bar_rd(&std.b.vp, 0, VIRTIO_PCI_DEVICE + 20, 4) == 512, "blk_size at config 20: 512");
	ok(bar_rd(&std.b.vp, 0, VIRTIO_PCI_DEVICE + 12, 4) == VQ_MAX_SEGS - 2,
	   "seg_max at config 12 leaves room for header and status");
	ok(bar_rd(&root.b.vp, 0, VIRTIO_PCI_DEVICE + 0x3c, 4) == 1,
	   "Apple root: config word 0x3c reads 1");
	ok(bar_rd(&aux.b.vp, 0, VIRTIO_PCI_DEVICE + 0x3c, 4) == 2,
	   "Apple aux: config word 0x3c reads 2");
	ok(bar_rd(&std.b.vp, 0, VIRTIO_PCI_DEVICE + 0x3c, 4) == 0,
	   "standard: 0x3c is past its config and reads 0");
	ok(bar_rd(&root.b.vp, 0, VIRTIO_PCI_DEVICE + 0x40, 4) == 0 &&
	   bar_rd(&root.b.vp, 0, VIRTIO_PCI_DEVICE + 0x3e, 4) == 0,
	   "Apple: reads past (or straddling) the end of config read 0");
	bar_wr(&std.b.vp, 0, VIRTIO_PCI_DEVICE + 0, 0x1234, 8);
	ok(bar_rd(&std.b.vp, 0, VIRTIO_PCI_DEVICE + 0, 8) == SECTORS,
	   "config is read-only: a capacity write changes nothing");
	bar_wr(&std.b.vp, 0, VIRTIO_CC_DFSELECT, 0, 4);
	ok(bar_rd(&std.b.vp, 0, VIRTIO_CC_DF, 4) & VIRTIO_BLK_F_FLUSH, "FLUSH is offered");
	ok(!(bar_rd(&std.b.vp, 0, VIRTIO_CC_DF, 4) & VIRTIO_BLK_F_RO), "a writable disk: no RO");
	bar_wr(&aux.b.vp, 0, VIRTIO_CC_DFSELECT, 0, 4);
	ok(bar_rd(&aux.b.vp, 0, VIRTIO_CC_DF, 4) & VIRTIO_BLK_F_RO, "a read-only disk offers RO");
	tb_destroy(&std);
	tb_destroy(&root);
	tb_destroy(&aux);
}

static void test_requests(void)
{
	struct tb t, ro, apple;
	uint8_t buf[1024], *data;
	char id[21];
	uint64_t err0;

	ok(!tb_init(&t, "std", VIRTIO_BLK_STANDARD, false), "a standard device set up");
	data = gpa_ptr(&t.g, DATA_GPA);

	ok(read_sectors(&t, 3, 1024) == VIRTIO_BLK_S_OK, "IN of 2 sectors: status OK");
	ok(sector_is(data, 3) && sector_is(data + 512, 4), "IN: the right sectors' content");
	ok(t.used && t.used_len == 1025, "IN: used length is the data plus the status byte");
	ok(read_sectors(&t, SECTORS - 1, 512) == VIRTIO_BLK_S_OK && sector_is(data, SECTORS - 1),
	   "IN of the last sector works");

	/* Data over two descriptors, the status sharing the second. */
	put_header(&t, VIRTIO_BLK_T_IN, 7);
	memset(data, 0, 2048);
	put_desc(&t.g, RING_DESC, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
	put_desc(&t.g, RING_DESC, 1, DATA_GPA, 100, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
	put_desc(&t.g, RING_DESC, 2, DATA_GPA + 100, 413, VRING_DESC_F_WRITE, 0);
	*gpa_ptr(&t.g, DATA_GPA + 512) = 0xee;
	ring_offer(&t.r, 0);
	kick(&t);
	ok(sector_is(data, 7) && data[512] == VIRTIO_BLK_S_OK,
	   "IN split over descriptors, status in the last byte of the last one");

	memset(buf, 0xc3, 512);
	memcpy(data, buf, 512);
	ok(request(&t, VIRTIO_BLK_T_OUT, 9, 512, false) == VIRTIO_BLK_S_OK,
	   "OUT of a sector: status OK");
	ok(file_sector_is(9, buf), "OUT: the file holds the data at offset + sector * 512");
	ok(t.used && t.used_len == 1, "OUT: used length is just the status byte");

	/* Header and data in one readable descriptor. */
	put_header(&t, VIRTIO_BLK_T_OUT, 10);
	memcpy(gpa_ptr(&t.g, DATA_GPA + 0x2000), gpa_ptr(&t.g, HDR_GPA), 16);
	memset(buf, 0x3c, 512);
	memcpy(gpa_ptr(&t.g, DATA_GPA + 0x2000 + 16), buf, 512);
	put_desc(&t.g, RING_DESC, 0, DATA_GPA + 0x2000, 16 + 512, VRING_DESC_F_NEXT, 1);
	put_desc(&t.g, RING_DESC, 1, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	ok(offer_and_kick(&t) == VIRTIO_BLK_S_OK && file_sector_is(10, buf),
	   "OUT with header and data in one descriptor");

	ok(read_sectors(&t, SECTORS, 512) == VIRTIO_BLK_S_IOERR, "IN at the capacity: IOERR");
	ok(t.used && t.used_len == 1, "a failed IN: used length 1");
	ok(read_sectors(&t, SECTORS - 1, 1024) == VIRTIO_BLK_S_IOERR,
	   "IN running past the capacity: IOERR");
	ok(read_sectors(&t, ~0ull, 512) == VIRTIO_BLK_S_IOERR,
	   "IN at sector 2^64-1 (the multiplication would wrap): IOERR");
	ok(read_sectors(&t, 1ull << 55, 512) == VIRTIO_BLK_S_IOERR,
	   "IN at sector 2^55: IOERR");
	memset(data, 0x11, 512);
	ok(request(&t, VIRTIO_BLK_T_OUT, SECTORS, 512, false) == VIRTIO_BLK_S_IOERR,
	   "OUT at the capacity: IOERR");
	ok(pread(disk_fd, buf, 1, DISK_OFFSET + SECTORS * 512) == 0,
	   "OUT past the capacity did not grow the file");

	ok(request(&t, VIRTIO_BLK_T_FLUSH, 0, 0, false) == VIRTIO_BLK_S_OK, "FLUSH: OK");

	memset(data, 0xff, 20);
	ok(request(&t, VIRTIO_BLK_T_GET_ID, 0, 20, true) == VIRTIO_BLK_S_OK, "GET_ID: OK");
	memcpy(id, data, 20);
	id[20] = 0;
	ok(!strcmp(id, "vmapple-std"), "GET_ID: the ID is vmapple-<name>, NUL-padded");
	ok(t.used_len >= 1 + strlen("vmapple-std") && t.used_len <= 21,
	   "GET_ID: used length covers the ID and the status");

	memset(data, 0xff, 20);
	ok(request(&t, VIRTIO_BLK_T_GET_ID, 0, 8, true) == VIRTIO_BLK_S_OK &&
	   !memcmp(data, "vmapple-", 8) && data[8] == 0xff,
	   "GET_ID into an 8-byte buffer fills just those 8 bytes");

	ok(request(&t, 0x42, 0, 0, false) == VIRTIO_BLK_S_UNSUPP, "an unknown type: UNSUPP");
	ok(request(&t, VIRTIO_BLK_T_APPLE_BARRIER, 0, 0, false) == VIRTIO_BLK_S_UNSUPP,
	   "APPLE_BARRIER on the standard device: UNSUPP");

	/* Indirect: one ring descriptor, the chain in a table. */
	put_header(&t, VIRTIO_BLK_T_IN, 12);
	memset(data, 0, 1024);
	put_desc(&t.g, INDIRECT_GPA, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
	put_desc(&t.g, INDIRECT_GPA, 1, DATA_GPA, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
	put_desc(&t.g, INDIRECT_GPA, 2, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	put_desc(&t.g, RING_DESC, 0, INDIRECT_GPA, 3 * 16, VRING_DESC_F_INDIRECT, 0);
	ok(offer_and_kick(&t) == VIRTIO_BLK_S_OK && sector_is(data, 12),
	   "an indirect descriptor table carries an IN request");
	ok(t.used && t.used_len == 513, "indirect: used length 513");

	/* Malformed requests on a well-formed ring: errors, not a broken device. */
	err0 = t.b.errors;
	put_desc(&t.g, RING_DESC, 0, HDR_GPA, 8, VRING_DESC_F_NEXT, 1);
	put_desc(&t.g, RING_DESC, 1, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	ok(offer_and_kick(&t) == VIRTIO_BLK_S_IOERR && t.used,
	   "an 8-byte header: IOERR, the buffer is used");
	put_header(&t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t.g, RING_DESC, 0, HDR_GPA, 16, 0, 0);
	ok(offer_and_kick(&t) == 0xee && t.used && t.used_len == 0,
	   "no writable status byte: nothing written, used length 0");
	put_desc(&t.g, RING_DESC, 0, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	ok(offer_and_kick(&t) == VIRTIO_BLK_S_IOERR && t.used, "no header at all: IOERR");
	ok(t.b.errors == err0 + 3, "the three malformed requests are counted as errors");
	ok(!(vp_status(&t.b.vp) & VIRTIO_STATUS_NEEDS_RESET),
	   "malformed requests do not break the device");
	ok(t.b.requests > 10, "requests are counted");

	/* Interrupt: INTx path, ISR bit 0. */
	(void)bar_rd(&t.b.vp, 0, VIRTIO_PCI_ISR, 1);
	(void)read_sectors(&t, 0, 512);
	ok(bar_rd(&t.b.vp, 0, VIRTIO_PCI_ISR, 1) == 1, "a completed request sets ISR bit 0");

	/* Before DRIVER_OK the device does not process the queue. */
	bar_wr(&t.b.vp, 0, VIRTIO_CC_STATUS, 0, 1);
	ring_init(&t.r, &t.g, QSIZE);
	(void)driver_features(&t.b.vp, VIRTIO_F_VERSION_1);
	(void)driver_queue(&t.b.vp, 0, QSIZE, VIRTIO_PCI_NO_VECTOR);
	(void)read_sectors(&t, 0, 512);
	ok(!t.used, "before DRIVER_OK a kick takes nothing");
	driver_ok(&t.b.vp);
	kick(&t);
	ok(ring_used_idx(&t.r) == 1 && sector_is(data, 0),
	   "after DRIVER_OK the same kick serves the waiting request");
	tb_destroy(&t);

	ok(!tb_init(&ro, "ro", VIRTIO_BLK_STANDARD, true), "a read-only device set up");
	data = gpa_ptr(&ro.g, DATA_GPA);
	memset(data, 0x77, 512);
	ok(pread(disk_fd, buf, 512, DISK_OFFSET + 512 * 20) == 512, "(sector 20 read)");
	ok(request(&ro, VIRTIO_BLK_T_OUT, 20, 512, false) == VIRTIO_BLK_S_IOERR,
	   "OUT on a read-only device: IOERR");
	ok(file_sector_is(20, buf), "OUT on a read-only device: the file is unchanged");
	ok(read_sectors(&ro, 20, 512) == VIRTIO_BLK_S_OK && sector_is(data, 20),
	   "IN on a read-only device works");
	ok(request(&ro, VIRTIO_BLK_T_FLUSH, 0, 0, false) == VIRTIO_BLK_S_OK,
	   "FLUSH on a read-only device: OK");
	tb_destroy(&ro);

	ok(!tb_init(&apple, "root", VIRTIO_BLK_APPLE_ROOT, false), "an Apple device set up");
	ok(request(&apple, VIRTIO_BLK_T_APPLE_BARRIER, 0, 0, false) == VIRTIO_BLK_S_OK,
	   "APPLE_BARRIER on the Apple device: OK");
	ok(read_sectors(&apple, 5, 512) == VIRTIO_BLK_S_OK &&
	   sector_is(gpa_ptr(&apple.g, DATA_GPA), 5), "IN on the Apple device works");
	tb_destroy(&apple);

	ok(!tb_init(&apple, "a-very-long-disk-name", VIRTIO_BLK_STANDARD, false),
	   "a device with a long name set up");
	data = gpa_ptr(&apple.g, DATA_GPA);
	memset(data, 0xff, 32);
	ok(request(&apple, VIRTIO_BLK_T_GET_ID, 0, 32, true) == VIRTIO_BLK_S_OK &&
	   !memcmp(data, "vmapple-a-very-long-", 20) && data[20] == 0xff,
	   "GET_ID of a long name: 20 bytes, no terminator, nothing past them");
	tb_destroy(&apple);
}

/* Hostile rings: each sets up a malformed chain (or ring) and offers it. */
static void loop2(struct tb *t)
{
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, RING_DESC, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
	put_desc(&t->g, RING_DESC, 1, DATA_GPA, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 0);
	ring_offer(&t->r, 0);
}

static void loop_self(struct tb *t)
{
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, RING_DESC, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 0);
	ring_offer(&t->r, 0);
}

static void too_long(struct tb *t)
{
	unsigned int i;

	/* Every descriptor of the queue, then one more (back to the start). */
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, RING_DESC, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
	for (i = 1; i < QSIZE; i++)
		put_desc(&t->g, RING_DESC, (uint16_t)i, DATA_GPA + 32 * i, 32,
			 VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, (uint16_t)((i + 1) % QSIZE));
	ring_offer(&t->r, 0);
}

static void loop_zero_len(struct tb *t)
{
	/* Zero-length descriptors map nothing: only the walk's bound ends this. */
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, RING_DESC, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
	put_desc(&t->g, RING_DESC, 1, DATA_GPA, 0, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
	put_desc(&t->g, RING_DESC, 2, DATA_GPA, 0, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	ring_offer(&t->r, 0);
}

static void next_out_of_range(struct tb *t)
{
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, RING_DESC, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, QSIZE);
	ring_offer(&t->r, 0);
}

static void head_out_of_range(struct tb *t)
{
	ring_offer(&t->r, 0xffff);
}

static void outside_ram(struct tb *t)
{
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, RING_DESC, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
	put_desc(&t->g, RING_DESC, 1, 0x1000, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
	put_desc(&t->g, RING_DESC, 2, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	ring_offer(&t->r, 0);
}

static void off_end_of_ram(struct tb *t)
{
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, RING_DESC, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
	put_desc(&t->g, RING_DESC, 1, RAM_BASE + RAM_SIZE - 256, 512,
		 VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
	put_desc(&t->g, RING_DESC, 2, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	ring_offer(&t->r, 0);
}

static void huge_len(struct tb *t)
{
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, RING_DESC, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
	put_desc(&t->g, RING_DESC, 1, DATA_GPA, 0xffffffff, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
	put_desc(&t->g, RING_DESC, 2, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	ring_offer(&t->r, 0);
}

static void wrapping_addr(struct tb *t)
{
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, RING_DESC, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
	put_desc(&t->g, RING_DESC, 1, ~0ull - 15, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
	put_desc(&t->g, RING_DESC, 2, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	ring_offer(&t->r, 0);
}

static void readable_after_writable(struct tb *t)
{
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, RING_DESC, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
	put_desc(&t->g, RING_DESC, 1, DATA_GPA, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
	put_desc(&t->g, RING_DESC, 2, DATA_GPA + 512, 512, VRING_DESC_F_NEXT, 3);
	put_desc(&t->g, RING_DESC, 3, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	ring_offer(&t->r, 0);
}

static void avail_jump(struct tb *t)
{
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, RING_DESC, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
	put_desc(&t->g, RING_DESC, 1, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	t->r.avail_idx = QSIZE;	/* QSIZE + 1 entries at once */
	ring_offer(&t->r, 0);
}

static void indirect_with(struct tb *t, uint32_t len, uint16_t flags, uint64_t table)
{
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, INDIRECT_GPA, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
	put_desc(&t->g, INDIRECT_GPA, 1, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	put_desc(&t->g, RING_DESC, 0, table, len, VRING_DESC_F_INDIRECT | flags, 1);
	put_desc(&t->g, RING_DESC, 1, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	ring_offer(&t->r, 0);
}

static void indirect_len33(struct tb *t)
{
	indirect_with(t, 33, 0, INDIRECT_GPA);	/* two good entries and a byte */
}

static void indirect_len0(struct tb *t)
{
	indirect_with(t, 0, 0, INDIRECT_GPA);
}

static void indirect_huge(struct tb *t)
{
	indirect_with(t, 0xfffffff0, 0, INDIRECT_GPA);
}

static void indirect_and_next(struct tb *t)
{
	indirect_with(t, 32, VRING_DESC_F_NEXT, INDIRECT_GPA);
}

static void indirect_outside_ram(struct tb *t)
{
	indirect_with(t, 32, 0, 0x2000);
}

static void indirect_nested(struct tb *t)
{
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, INDIRECT_GPA, 0, INDIRECT_GPA, 32, VRING_DESC_F_INDIRECT, 0);
	put_desc(&t->g, RING_DESC, 0, INDIRECT_GPA, 32, VRING_DESC_F_INDIRECT, 0);
	ring_offer(&t->r, 0);
}

static void indirect_loop(struct tb *t)
{
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, INDIRECT_GPA, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
	put_desc(&t->g, INDIRECT_GPA, 1, STATUS_GPA, 1, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
	put_desc(&t->g, RING_DESC, 0, INDIRECT_GPA, 32, VRING_DESC_F_INDIRECT, 0);
	ring_offer(&t->r, 0);
}

static void indirect_next_past_table(struct tb *t)
{
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, INDIRECT_GPA, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 2);
	put_desc(&t->g, INDIRECT_GPA, 1, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	put_desc(&t->g, INDIRECT_GPA, 2, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	put_desc(&t->g, RING_DESC, 0, INDIRECT_GPA, 32, VRING_DESC_F_INDIRECT, 0);
	ring_offer(&t->r, 0);
}

/* The rings themselves outside RAM: the driver programmed bad addresses. */
static void used_outside_ram(struct tb *t)
{
	struct virtio_pci *vp = &t->b.vp;

	bar_wr(vp, 0, VIRTIO_CC_STATUS, 0, 1);
	(void)driver_features(vp, VIRTIO_F_VERSION_1);
	bar_wr(vp, 0, VIRTIO_CC_Q_SELECT, 0, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_SIZE, QSIZE, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_DESCLO, (uint32_t)RING_DESC, 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_AVAILLO, (uint32_t)RING_AVAIL, 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_USEDLO, 0x1000, 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_ENABLE, 1, 2);
	driver_ok(vp);
	put_header(t, VIRTIO_BLK_T_IN, 0);
	put_desc(&t->g, RING_DESC, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
	put_desc(&t->g, RING_DESC, 1, STATUS_GPA, 1, VRING_DESC_F_WRITE, 0);
	ring_offer(&t->r, 0);
}

static void desc_table_outside_ram(struct tb *t)
{
	struct virtio_pci *vp = &t->b.vp;

	bar_wr(vp, 0, VIRTIO_CC_STATUS, 0, 1);
	(void)driver_features(vp, VIRTIO_F_VERSION_1);
	bar_wr(vp, 0, VIRTIO_CC_Q_SELECT, 0, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_SIZE, QSIZE, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_DESCLO, (uint32_t)(RAM_BASE + RAM_SIZE - 16), 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_AVAILLO, (uint32_t)RING_AVAIL, 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_USEDLO, (uint32_t)RING_USED, 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_ENABLE, 1, 2);
	driver_ok(vp);
	ring_offer(&t->r, 3);	/* descriptor 3 lies past RAM's end */
}

static void test_hostile(void)
{
	static const struct {
		const char *name;
		void (*build)(struct tb *t);
	} cases[] = {
		{ "a two-descriptor loop", loop2 },
		{ "a descriptor whose next is itself", loop_self },
		{ "a chain longer than the queue", too_long },
		{ "a loop of zero-length descriptors", loop_zero_len },
		{ "next past the descriptor table", next_out_of_range },
		{ "an avail head past the descriptor table", head_out_of_range },
		{ "a buffer outside RAM", outside_ram },
		{ "a buffer running off the end of RAM", off_end_of_ram },
		{ "a 4 GiB buffer", huge_len },
		{ "a buffer whose address wraps around 2^64", wrapping_addr },
		{ "a readable descriptor after a writable one", readable_after_writable },
		{ "the avail index jumping more than the queue size", avail_jump },
		{ "an indirect table of 33 bytes (not a multiple of 16)", indirect_len33 },
		{ "an indirect table of 0 bytes", indirect_len0 },
		{ "an indirect table of ~4 GiB", indirect_huge },
		{ "an indirect descriptor with NEXT", indirect_and_next },
		{ "an indirect table outside RAM", indirect_outside_ram },
		{ "an indirect table in an indirect table", indirect_nested },
		{ "a loop inside an indirect table", indirect_loop },
		{ "next past the end of an indirect table", indirect_next_past_table },
		{ "the used ring outside RAM", used_outside_ram },
		{ "a descriptor table running off RAM", desc_table_outside_ram },
	};
	struct tb t;
	unsigned int i;

	ok(!tb_init(&t, "hostile", VIRTIO_BLK_STANDARD, false), "a device for hostile rings");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t req0;
		uint8_t st;

		ok(setup(&t), "%s: a fresh setup", cases[i].name);
		req0 = t.b.requests;
		cases[i].build(&t);
		kick(&t);
		st = vp_status(&t.b.vp);
		ok(st & VIRTIO_STATUS_NEEDS_RESET, "%s: the device is NEEDS_RESET", cases[i].name);
		ok(st & VIRTIO_STATUS_DRIVER_OK, "%s: the driver's status bits are kept",
		   cases[i].name);
		ok(ring_used_idx(&t.r) == 0, "%s: nothing is used", cases[i].name);
		/* (The used ring's failure shows only after the request ran.) */
		if (cases[i].build != used_outside_ram)
			ok(t.b.requests == req0, "%s: no request is run", cases[i].name);
		ok(bar_rd(&t.b.vp, 0, VIRTIO_PCI_ISR, 1) & 2,
		   "%s: a configuration-change interrupt (ISR bit 1)", cases[i].name);
		req0 = t.b.requests;
		kick(&t);
		ok(t.b.requests == req0, "%s: a second kick does nothing", cases[i].name);
		ok(setup(&t) && read_sectors(&t, 2, 512) == VIRTIO_BLK_S_OK &&
		   sector_is(gpa_ptr(&t.g, DATA_GPA), 2),
		   "%s: after reset and setup a read works again", cases[i].name);
	}
	tb_destroy(&t);
}

/*
 * The batch limit: one kick takes at most VIRTIO_PCI_BATCH chains, then the
 * worker kicks itself (the queue's kick eventfd) for the rest.
 */
#define BIG_QSIZE	256
#define NBATCH_REQS	100
#define BHDR_GPA(i)	(BUF_GPA + 0x8000 + 16ull * (i))
#define BDATA_GPA(i)	(BUF_GPA + 0x10000 + 1024ull * (i))

/* The kick eventfd has a count waiting (reading it drains it). */
static bool kick_pending(struct tb *t)
{
	eventfd_t v = 0;

	return !eventfd_read(t->b.vp.kick_fd[0], &v) && v >= 1;
}

/* Requests @from..@to-1 are used, in order, each OK with its sector's data (as on file). */
static bool batch_done(struct tb *t, unsigned int from, unsigned int to)
{
	unsigned int i;

	for (i = from; i < to; i++) {
		const uint8_t *d = gpa_ptr(&t->g, BDATA_GPA(i));

		if (ring_used_id(&t->r, (uint16_t)i) != 2 * i ||
		    ring_used_len(&t->r, (uint16_t)i) != 513 ||
		    !file_sector_is(i % SECTORS, d) || d[512] != VIRTIO_BLK_S_OK)
			return false;
	}
	return true;
}

/* Requests @from..@to-1 are untouched: data and status still as offered. */
static bool batch_untouched(struct tb *t, unsigned int from, unsigned int to)
{
	unsigned int i, j;

	for (i = from; i < to; i++) {
		const uint8_t *d = gpa_ptr(&t->g, BDATA_GPA(i));

		for (j = 0; j < 513; j++)
			if (d[j] != 0xee)
				return false;
	}
	return true;
}

static void test_batch(void)
{
	struct tb t;
	unsigned int i;
	uint64_t req0;

	ok(!tb_init(&t, "batch", VIRTIO_BLK_STANDARD, false) && setup_size(&t, BIG_QSIZE),
	   "batch: a device with a %u-entry queue", BIG_QSIZE);
	ok(VIRTIO_PCI_BATCH == 64, "batch: VIRTIO_PCI_BATCH is 64");
	/* 100 INs: header, then data and status in one writable descriptor. */
	for (i = 0; i < NBATCH_REQS; i++) {
		uint8_t *h = gpa_ptr(&t.g, BHDR_GPA(i));
		uint32_t type = VIRTIO_BLK_T_IN;
		uint64_t sector = i % SECTORS;

		memset(h, 0, 16);
		memcpy(h, &type, 4);
		memcpy(h + 8, &sector, 8);
		memset(gpa_ptr(&t.g, BDATA_GPA(i)), 0xee, 513);
		put_desc(&t.g, RING_DESC, (uint16_t)(2 * i), BHDR_GPA(i), 16, VRING_DESC_F_NEXT,
			 (uint16_t)(2 * i + 1));
		put_desc(&t.g, RING_DESC, (uint16_t)(2 * i + 1), BDATA_GPA(i), 513,
			 VRING_DESC_F_WRITE, 0);
		ring_offer(&t.r, (uint16_t)(2 * i));
	}
	(void)kick_pending(&t);
	ok(!kick_pending(&t), "batch: the kick eventfd starts empty");

	req0 = t.b.requests;
	kick(&t);
	ok(ring_used_idx(&t.r) == VIRTIO_PCI_BATCH,
	   "batch: one kick with %u waiting uses exactly %u (used idx %u)", NBATCH_REQS,
	   VIRTIO_PCI_BATCH, ring_used_idx(&t.r));
	ok(t.b.requests == req0 + VIRTIO_PCI_BATCH, "batch: and runs exactly %u requests",
	   VIRTIO_PCI_BATCH);
	ok(batch_done(&t, 0, VIRTIO_PCI_BATCH),
	   "batch: the first %u, in order, each OK with its sector", VIRTIO_PCI_BATCH);
	ok(batch_untouched(&t, VIRTIO_PCI_BATCH, NBATCH_REQS),
	   "batch: the other %u are not touched", NBATCH_REQS - VIRTIO_PCI_BATCH);
	ok(bar_rd(&t.b.vp, 0, VIRTIO_PCI_ISR, 1) & 1, "batch: the first batch interrupts");
	ok(kick_pending(&t), "batch: the worker re-kicked itself (kick eventfd readable)");
	ok(!kick_pending(&t), "batch: (the kick eventfd is drained)");
	ok(!(vp_status(&t.b.vp) & VIRTIO_STATUS_NEEDS_RESET), "batch: the device is fine");

	kick(&t);
	ok(ring_used_idx(&t.r) == NBATCH_REQS, "batch: the second kick uses the other %u",
	   NBATCH_REQS - VIRTIO_PCI_BATCH);
	ok(t.b.requests == req0 + NBATCH_REQS, "batch: %u requests in all", NBATCH_REQS);
	ok(batch_done(&t, VIRTIO_PCI_BATCH, NBATCH_REQS),
	   "batch: the rest, in order, each OK with its sector");
	ok(!kick_pending(&t), "batch: a batch below the limit does not re-kick");
	ok(bar_rd(&t.b.vp, 0, VIRTIO_PCI_ISR, 1) & 1, "batch: the second batch interrupts");

	kick(&t);
	ok(ring_used_idx(&t.r) == NBATCH_REQS && t.b.requests == req0 + NBATCH_REQS &&
	   !kick_pending(&t), "batch: a kick with nothing waiting does nothing, no re-kick");
	ok(bar_rd(&t.b.vp, 0, VIRTIO_PCI_ISR, 1) == 0, "batch: and does not interrupt");
	tb_destroy(&t);
}

/*
 * The I/O threads: five reads offered at once (the 16-entry ring's room
 * for three-descriptor chains), each its own chain and
 * buffer, all completed right by the threads, more than one in flight
 * (the disk is slowed by nothing here, so "more than one" is only likely:
 * reported, not asserted); a reset with requests offered drains, and the
 * threads stop at destroy.
 */
static void test_io_threads(void)
{
	const unsigned int n = 5;
	struct tb t;
	unsigned int i, good = 0;
	uint16_t before;
	int waited;

	memset(&t, 0, sizeof(t));
	ok(!tb_init(&t, "io", VIRTIO_BLK_STANDARD, false) && !virtio_blk_start(&t.b) &&
	   t.b.nr_io == VIRTIO_BLK_IO_THREADS, "I/O threads: all %d started", VIRTIO_BLK_IO_THREADS);
	before = ring_used_idx(&t.r);
	for (i = 0; i < n; i++) {
		uint64_t hdr = HDR_GPA + 0x20 * i, status = STATUS_GPA + i;
		uint64_t data = DATA_GPA + 0x1000 * i;
		uint32_t type = VIRTIO_BLK_T_IN;
		uint64_t sector = 2 + i;

		memset(gpa_ptr(&t.g, hdr), 0, 16);
		memcpy(gpa_ptr(&t.g, hdr), &type, 4);
		memcpy(gpa_ptr(&t.g, hdr) + 8, &sector, 8);
		*gpa_ptr(&t.g, status) = 0xee;
		put_desc(&t.g, RING_DESC, (uint16_t)(3 * i), hdr, 16, VRING_DESC_F_NEXT,
			 (uint16_t)(3 * i + 1));
		put_desc(&t.g, RING_DESC, (uint16_t)(3 * i + 1), data, 512,
			 VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, (uint16_t)(3 * i + 2));
		put_desc(&t.g, RING_DESC, (uint16_t)(3 * i + 2), status, 1, VRING_DESC_F_WRITE, 0);
		ring_offer(&t.r, (uint16_t)(3 * i));
	}
	kick(&t);
	for (waited = 0; ring_used_idx(&t.r) != (uint16_t)(before + n) && waited < 5000; waited++)
		usleep(1000);
	for (i = 0; i < n; i++)
		good += *gpa_ptr(&t.g, STATUS_GPA + i) == VIRTIO_BLK_S_OK &&
			sector_is(gpa_ptr(&t.g, DATA_GPA + 0x1000 * i), 2 + i);
	ok(ring_used_idx(&t.r) == (uint16_t)(before + n) && good == n,
	   "five reads offered at once: all used, each with its own sector (%u good; up to %u "
	   "in flight)", good, t.b.max_in_flight);
	ok(t.b.in_flight == 0, "none left in flight");

	ring_offer(&t.r, 0);	/* one more offered, then the driver resets */
	bar_wr(&t.b.vp, 0, VIRTIO_CC_STATUS, 0, 1);
	ok(vp_status(&t.b.vp) == 0 && t.b.in_flight == 0 && !t.b.draining,
	   "a reset with a request offered: drained, nothing in flight after");
	ok(setup(&t), "and the device comes back after it");
	tb_destroy(&t);
	ok(t.b.nr_io == 0, "destroy stops and joins the I/O threads");
}

/* A DISCARD or WRITE_ZEROES of the @n ranges {sector, count, flags} in @segs. */
static uint8_t ranges(struct tb *t, uint32_t type, const uint32_t (*segs)[3], unsigned int n,
		      size_t extra)
{
	uint8_t *d = gpa_ptr(&t->g, DATA_GPA);
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint64_t sector = segs[i][0];

		memcpy(d + 16 * i, &sector, 8);
		memcpy(d + 16 * i + 8, &segs[i][1], 4);
		memcpy(d + 16 * i + 12, &segs[i][2], 4);
	}
	return request(t, type, 0, (uint32_t)(16 * n + extra), false);
}

static bool file_zero(uint64_t sector, unsigned int count)
{
	uint8_t got[512];
	unsigned int s, i;

	for (s = 0; s < count; s++) {
		if (pread(disk_fd, got, 512, DISK_OFFSET + 512 * (sector + s)) != 512)
			return false;
		for (i = 0; i < 512; i++)
			if (got[i])
				return false;
	}
	return true;
}

static bool file_pattern(uint64_t sector)
{
	uint8_t got[512];

	return pread(disk_fd, got, 512, DISK_OFFSET + 512 * sector) == 512 && sector_is(got, sector);
}

static void test_ranges(void)
{
	static const uint32_t zero2[][3] = { { 20, 2, 0 } }, unmap1[][3] = { { 24, 1, 1 } },
		discard2[][3] = { { 28, 2, 0 } }, two[][3] = { { 32, 1, 0 }, { 34, 1, 1 } },
		discard_unmap[][3] = { { 36, 1, 1 } }, bad_flag[][3] = { { 36, 1, 2 } },
		past[][3] = { { SECTORS - 1, 2, 0 } }, huge[][3] = { { 0, (1u << 22) + 1, 0 } };
	uint32_t many[VIRTIO_BLK_MAX_RANGE_SEGS + 1][3];
	struct tb t, ro;
	struct stat st;
	unsigned int i;
	off_t size;

	ok(!tb_init(&t, "std", VIRTIO_BLK_STANDARD, false), "ranges: a writable device");
	bar_wr(&t.b.vp, 0, VIRTIO_CC_DFSELECT, 0, 4);
	ok((bar_rd(&t.b.vp, 0, VIRTIO_CC_DF, 4) & (VIRTIO_BLK_F_DISCARD | VIRTIO_BLK_F_WRITE_ZEROES)) ==
	   (VIRTIO_BLK_F_DISCARD | VIRTIO_BLK_F_WRITE_ZEROES), "a writable disk offers DISCARD and "
	   "WRITE_ZEROES");
	ok(bar_rd(&t.b.vp, 0, VIRTIO_PCI_DEVICE + 36, 4) == VIRTIO_BLK_MAX_RANGE_SECTORS &&
	   bar_rd(&t.b.vp, 0, VIRTIO_PCI_DEVICE + 40, 4) == VIRTIO_BLK_MAX_RANGE_SEGS &&
	   bar_rd(&t.b.vp, 0, VIRTIO_PCI_DEVICE + 44, 4) == 1 &&
	   bar_rd(&t.b.vp, 0, VIRTIO_PCI_DEVICE + 48, 4) == VIRTIO_BLK_MAX_RANGE_SECTORS &&
	   bar_rd(&t.b.vp, 0, VIRTIO_PCI_DEVICE + 52, 4) == VIRTIO_BLK_MAX_RANGE_SEGS &&
	   bar_rd(&t.b.vp, 0, VIRTIO_PCI_DEVICE + 56, 1) == 1,
	   "config: discard and write-zeroes limits at 36-52, write_zeroes_may_unmap at 56");
	size = fstat(disk_fd, &st) ? -1 : st.st_size;

	ok(ranges(&t, VIRTIO_BLK_T_WRITE_ZEROES, zero2, 1, 0) == VIRTIO_BLK_S_OK &&
	   file_zero(20, 2) && file_pattern(19) && file_pattern(22),
	   "WRITE_ZEROES of sectors 20-21: zeros there, the neighbours kept");
	ok(ranges(&t, VIRTIO_BLK_T_WRITE_ZEROES, unmap1, 1, 0) == VIRTIO_BLK_S_OK &&
	   file_zero(24, 1) && file_pattern(23) && file_pattern(25),
	   "WRITE_ZEROES with unmap: a hole that reads zeros");
	ok(ranges(&t, VIRTIO_BLK_T_DISCARD, discard2, 1, 0) == VIRTIO_BLK_S_OK &&
	   file_zero(28, 2) && file_pattern(27) && file_pattern(30),
	   "DISCARD of sectors 28-29: punched, the neighbours kept");
	ok(!fstat(disk_fd, &st) && st.st_size == size, "the image's size is unchanged");
	ok(ranges(&t, VIRTIO_BLK_T_WRITE_ZEROES, two, 2, 0) == VIRTIO_BLK_S_OK &&
	   file_zero(32, 1) && file_zero(34, 1) && file_pattern(33),
	   "two ranges in one request: both done");

	ok(ranges(&t, VIRTIO_BLK_T_DISCARD, discard_unmap, 1, 0) == VIRTIO_BLK_S_UNSUPP &&
	   file_pattern(36), "DISCARD with the unmap flag: UNSUPP (virtio 1.2 5.2.6.2), nothing done");
	ok(ranges(&t, VIRTIO_BLK_T_WRITE_ZEROES, bad_flag, 1, 0) == VIRTIO_BLK_S_UNSUPP &&
	   file_pattern(36), "a reserved flag: UNSUPP, nothing done");
	ok(ranges(&t, VIRTIO_BLK_T_WRITE_ZEROES, past, 1, 0) == VIRTIO_BLK_S_IOERR &&
	   file_pattern(SECTORS - 1), "a range past the capacity: IOERR, nothing done");
	ok(ranges(&t, VIRTIO_BLK_T_DISCARD, huge, 1, 0) == VIRTIO_BLK_S_IOERR,
	   "a range over max_discard_sectors: IOERR");
	for (i = 0; i < VIRTIO_BLK_MAX_RANGE_SEGS + 1; i++) {
		many[i][0] = 40;
		many[i][1] = 1;
		many[i][2] = 0;
	}
	ok(ranges(&t, VIRTIO_BLK_T_WRITE_ZEROES, (const uint32_t (*)[3])many,
		  VIRTIO_BLK_MAX_RANGE_SEGS + 1, 0) == VIRTIO_BLK_S_IOERR && file_pattern(40),
	   "more segments than max_write_zeroes_seg: IOERR, nothing done");
	ok(ranges(&t, VIRTIO_BLK_T_WRITE_ZEROES, zero2, 1, 8) == VIRTIO_BLK_S_IOERR,
	   "a payload that is not whole segments: IOERR");
	ok(ranges(&t, VIRTIO_BLK_T_DISCARD, discard2, 0, 0) == VIRTIO_BLK_S_IOERR,
	   "no segment at all: IOERR");
	tb_destroy(&t);

	ok(!tb_init(&ro, "ro", VIRTIO_BLK_STANDARD, true), "ranges: a read-only device");
	bar_wr(&ro.b.vp, 0, VIRTIO_CC_DFSELECT, 0, 4);
	ok(!(bar_rd(&ro.b.vp, 0, VIRTIO_CC_DF, 4) & (VIRTIO_BLK_F_DISCARD | VIRTIO_BLK_F_WRITE_ZEROES)) &&
	   bar_rd(&ro.b.vp, 0, VIRTIO_PCI_DEVICE + 36, 4) == 0,
	   "a read-only disk offers neither, and no limits");
	ok(ranges(&ro, VIRTIO_BLK_T_WRITE_ZEROES, unmap1, 1, 0) == VIRTIO_BLK_S_IOERR &&
	   ranges(&ro, VIRTIO_BLK_T_DISCARD, discard2, 1, 0) == VIRTIO_BLK_S_IOERR,
	   "asked anyway, a read-only disk refuses both: IOERR");
	tb_destroy(&ro);
}

int main(void)
{
	disk_fd = make_disk();
	ok(disk_fd >= 0, "a temporary disk file");
	if (disk_fd < 0)
		return tap_done();
	test_config();
	test_requests();
	test_hostile();
	test_batch();
	test_ranges();
	test_io_threads();
	close(disk_fd);
	return tap_done();
}
