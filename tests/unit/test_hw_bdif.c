// SPDX-License-Identifier: GPL-2.0
/*
 * test_hw_bdif - BDIF registers and requests against a fake guest memory
 * and real disk files: reads land in guest memory and writes on the image
 * (past the aux header) with status 0, and read back after a "restart";
 * writes to a read-only image, bad descriptors, oversize and out-of-disk
 * requests end with status 1; DMA outside RAM never touches the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../userspace/hw/bdif.h"
#include "tap.h"

#define RAM_BASE 0x70000000ull
#define RAM_SIZE 0x100000ull

static uint8_t ram[RAM_SIZE];

static int ram_read(void *opaque, uint64_t gpa, void *buf, size_t len)
{
	(void)opaque;
	if (gpa < RAM_BASE || gpa - RAM_BASE > RAM_SIZE || len > RAM_SIZE - (gpa - RAM_BASE))
		return -EFAULT;
	memcpy(buf, ram + (gpa - RAM_BASE), len);
	return 0;
}

static int ram_write(void *opaque, uint64_t gpa, const void *buf, size_t len)
{
	(void)opaque;
	if (gpa < RAM_BASE || gpa - RAM_BASE > RAM_SIZE || len > RAM_SIZE - (gpa - RAM_BASE))
		return -EFAULT;
	memcpy(ram + (gpa - RAM_BASE), buf, len);
	return 0;
}

static uint64_t reg(struct bdif *b, uint64_t off)
{
	uint64_t v = 0;

	bdif_access(b, off, (uint8_t *)&v, 8, false);
	return v;
}

/* Lay out a request at RAM_BASE: sector record, data buffer, status. */
static uint8_t request(struct bdif *b, uint32_t devid, uint32_t sector, uint32_t sector_len,
		       uint64_t data_gpa, uint32_t len, uint32_t flags)
{
	uint64_t req[6] = {
		RAM_BASE + 0x100, sector_len, data_gpa, len | ((uint64_t)flags << 32),
		RAM_BASE + 0x200, 0,
	};
	uint64_t cmd = RAM_BASE;

	memcpy(ram, req, sizeof(req));
	memset(ram + 0x100, 0, 16);
	memcpy(ram + 0x108, &sector, 4);
	ram[0x200] = 0xaa;
	bdif_access(b, devid + BDIF_REG_CMD, (uint8_t *)&cmd, 8, true);
	return ram[0x200];
}

static int make_disk(const char *fill, size_t size)
{
	char path[] = "/tmp/bdif-test-XXXXXX";
	int fd = mkstemp(path);
	size_t i;

	unlink(path);
	for (i = 0; i < size; i += 512)
		if (write(fd, fill, 512) != 512)
			return -1;
	return fd;
}

int main(void)
{
	char a[512], r[512];
	struct bdif b = { .mem = { .read = ram_read, .write = ram_write } };

	memset(a, 'A', sizeof(a));
	memset(r, 'R', sizeof(r));
	r[0] = 'S';	/* each root sector starts with S */
	b.root = (struct bdif_disk){ .fd = make_disk(r, 64 * 512), .size = 64 * 512 };
	b.aux = (struct bdif_disk){ .fd = make_disk(a, 40 * 512), .offset = 8 * 512,
				    .size = 32 * 512 };

	ok(reg(&b, BDIF_REG_STATUS) == 1 && reg(&b, BDIF_REG_CFG) == 2 &&
	   reg(&b, BDIF_REG_BUSY) == 1 && reg(&b, BDIF_REG_UNK1) == 0x420,
	   "STATUS, CFG, BUSY, UNK1 read as QEMU's");
	ok(reg(&b, BDIF_DEV_ROOT + BDIF_REG_NEXT_DEVICE) == 64 &&
	   reg(&b, BDIF_DEV_AUX + BDIF_REG_NEXT_DEVICE) == 32,
	   "NEXT_DEVICE: each disk's real size in sectors (aux past its header)");
	ok(reg(&b, 0x100000 + BDIF_REG_NEXT_DEVICE) == ~0ull, "NEXT_DEVICE of USB: all ones");
	ok(reg(&b, 0x123) == ~0ull, "an unknown register reads all ones");

	ok(request(&b, BDIF_DEV_ROOT, 3, 16, RAM_BASE + 0x1000, 1024, BDIF_FLAG_READ) == 0 &&
	   ram[0x1000] == 'S' && ram[0x1001] == 'R' && ram[0x1200] == 'S',
	   "a 2-sector root read lands in guest memory, status 0");
	ok(request(&b, BDIF_DEV_AUX, 0, 16, RAM_BASE + 0x2000, 512, BDIF_FLAG_READ) == 0 &&
	   ram[0x2000] == 'A', "an aux read, from past its header");
	ok(request(&b, BDIF_DEV_ROOT, 63, 16, RAM_BASE + 0x3000, 512, BDIF_FLAG_READ) == 0,
	   "the last root sector (AVPBooter's backup GPT) reads");
	ok(request(&b, BDIF_DEV_ROOT, 63, 16, RAM_BASE + 0x3000, 1024, BDIF_FLAG_READ) == 1,
	   "a read running past the disk's end: status 1");
	ok(request(&b, BDIF_DEV_ROOT, 0xffffffff, 16, RAM_BASE + 0x3000, 512, BDIF_FLAG_READ) == 1,
	   "a sector far past the end: status 1");
	memset(ram + 0x4000, 'N', 1024);
	ok(request(&b, BDIF_DEV_AUX, 2, 16, RAM_BASE + 0x4000, 1024, BDIF_FLAG_WRITE) == 0,
	   "a 2-sector aux (NVRAM) write: status 0");
	{
		char on_disk[1024];

		ok(pread(b.aux.fd, on_disk, sizeof(on_disk), 10 * 512) == 1024 &&
		   on_disk[0] == 'N' && on_disk[1023] == 'N' && b.bytes_written == 1024,
		   "... on the image at aux sector 2, past the 8-sector header");
		ok(pread(b.aux.fd, on_disk, 512, 9 * 512) == 512 && on_disk[0] == 'A' &&
		   pread(b.aux.fd, on_disk, 512, 12 * 512) == 512 && on_disk[0] == 'A',
		   "... and nothing around it touched");
	}
	memset(ram + 0x4000, 0, 1024);
	ok(request(&b, BDIF_DEV_AUX, 2, 16, RAM_BASE + 0x4000, 1024, BDIF_FLAG_READ) == 0 &&
	   ram[0x4000] == 'N' && ram[0x43ff] == 'N', "the written sectors read back");
	ok(request(&b, BDIF_DEV_AUX, 31, 16, RAM_BASE + 0x4000, 1024, BDIF_FLAG_WRITE) == 1,
	   "a write running past the disk's end: status 1");
	ok(request(&b, BDIF_DEV_AUX, 0, 16, 0x1000, 512, BDIF_FLAG_WRITE) == 1,
	   "a write from outside guest RAM: status 1");
	b.aux.read_only = true;
	ok(request(&b, BDIF_DEV_AUX, 0, 16, RAM_BASE + 0x4000, 512, BDIF_FLAG_WRITE) == 1 &&
	   b.writes_refused == 1, "a write to a read-only image: status 1, counted");
	{
		char on_disk[512];

		ok(pread(b.aux.fd, on_disk, 512, 8 * 512) == 512 && on_disk[0] == 'A',
		   "... and the image is untouched");
	}
	b.aux.read_only = false;
	ok(request(&b, BDIF_DEV_ROOT, 0, 16, RAM_BASE + 0x3000, 512, 0x12345) == 1,
	   "an unknown command: status 1");
	ok(request(&b, BDIF_DEV_ROOT, 0, 8, RAM_BASE + 0x3000, 512, BDIF_FLAG_READ) == 1,
	   "a sector descriptor not 16 bytes long: status 1");
	ok(request(&b, BDIF_DEV_ROOT, 0, 16, RAM_BASE + 0x3000, BDIF_MAX_DATA + 1,
		   BDIF_FLAG_READ) == 1, "more than 128 MiB: status 1");
	ok(request(&b, BDIF_DEV_ROOT, 0, 16, 0x1000, 512, BDIF_FLAG_READ) == 1,
	   "DMA outside guest RAM: status 1, host untouched");
	ok(request(&b, BDIF_DEV_ROOT, 0, 16, RAM_BASE + RAM_SIZE - 256, 512, BDIF_FLAG_READ) == 1,
	   "DMA running off the end of RAM: status 1");
	{
		uint64_t outside = 0x1000;

		ram[0x200] = 0xaa;
		bdif_access(&b, BDIF_REG_CMD, (uint8_t *)&outside, 8, true);
		ok(ram[0x200] == 0xaa, "a request outside RAM is dropped: nothing is written");
	}
	ok(b.requests == 16 && b.failures == 11, "requests and failures are counted");
	close(b.root.fd);
	close(b.aux.fd);
	return tap_done();
}
