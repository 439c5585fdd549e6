// SPDX-License-Identifier: GPL-2.0
/* guest_ram.c - guest RAM that stage 2 can map in blocks (see guest_ram.h). */
#include "guest_ram.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

uint64_t guest_ram_block_size(void)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	return page * (page / 8);	/* a page of 8-byte entries, each mapping a page */
}

uint8_t *guest_ram_map(uint64_t gpa, uint64_t size)
{
	uint64_t block = guest_ram_block_size(), len, head, tail;
	uint8_t *raw, *hva;

	if (!size || size > SIZE_MAX - block) {
		errno = EINVAL;
		return NULL;
	}
	/* One block more than asked, to choose where in it the RAM starts. */
	len = size + block;
	raw = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	head = (gpa - (uint64_t)(uintptr_t)raw) & (block - 1);
	hva = raw + head;
	tail = len - head - size;
	if (head)
		munmap(raw, head);
	if (tail)
		munmap(hva + size, tail);
	/*
	 * Where THP is "madvise" only; a kernel without THP refuses, which is
	 * fine.  VMAPPLE_NO_THP=1 asks for none (to measure what they buy).
	 */
	if (getenv("VMAPPLE_NO_THP") && !strcmp(getenv("VMAPPLE_NO_THP"), "1"))
		(void)madvise(hva, size, MADV_NOHUGEPAGE);
	else
		(void)madvise(hva, size, MADV_HUGEPAGE);
	return hva;
}

void guest_ram_unmap(uint8_t *hva, uint64_t size)
{
	if (hva)
		munmap(hva, size);
}
