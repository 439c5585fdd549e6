// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_bdif - libFuzzer: the BDIF (iBoot's block device) driven by arbitrary
 * register accesses, with its request records, sector lists and buffers in
 * a guest RAM the input fills.  Its DMA must stay inside that RAM and its
 * disk I/O inside the two small disks.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "../../userspace/hw/bdif.h"
#include "fuzz_guest.h"

static int disk_fd(uint64_t size)
{
	int fd = memfd_create("fuzz-disk", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, (off_t)size))
		abort();
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int root_fd = -1, aux_fd = -1;
	struct fuzz_access a;
	struct bdif b;

	if (root_fd < 0) {
		root_fd = disk_fd(64 * 1024);
		aux_fd = disk_fd(32 * 1024);
	}
	fuzz_fill_ram(&data, &size, 1024);
	memset(&b, 0, sizeof(b));
	b.root = (struct bdif_disk){ .fd = root_fd, .size = 64 * 1024 };
	b.aux = (struct bdif_disk){ .fd = aux_fd, .offset = 4096, .size = 28 * 1024 };
	b.mem = fuzz_mem;
	while (fuzz_next_access(&data, &size, BDIF_SIZE, &a))
		bdif_access(&b, a.offset, a.value, a.len, a.is_write);
	return 0;
}
