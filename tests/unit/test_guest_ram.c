// SPDX-License-Identifier: GPL-2.0
/*
 * test_guest_ram - guest RAM's host mapping: its address agrees with the
 * guest physical address modulo the PMD size (what stage-2 blocks need),
 * the kernel calls it eligible for transparent huge pages, nothing beyond
 * the RAM stays mapped, and sizes that cannot be mapped are refused.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../userspace/runtime/guest_ram.h"
#include "tap.h"

/* The smaps field @field ("THPeligible:", "Size:") of the mapping at @addr, or -1. */
static long smaps_field(const void *addr, const char *field)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[256];
	bool in = false;
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
			continue;
		}
		if (in && !strncmp(line, field, strlen(field))) {
			v = strtol(line + strlen(field), NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* THP as the host has it set: "always", "madvise" or "never" (or "" without THP). */
static const char *thp_mode(void)
{
	static char buf[128];
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char *a, *b;

	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		return "";
	}
	fclose(f);
	a = strchr(buf, '[');
	b = a ? strchr(a, ']') : NULL;
	if (!b)
		return "";
	*b = 0;
	return a + 1;
}

int main(void)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), block = guest_ram_block_size();
	uint64_t size = 3 * block + 5 * page, gpa = 0x70000000ull;
	uint8_t *ram;

	ok(block == page * page / 8, "the block is a PMD: %llu KiB for %llu KiB pages",
	   (unsigned long long)(block >> 10), (unsigned long long)(page >> 10));
	ram = guest_ram_map(gpa, size);
	ok(ram != NULL, "%llu bytes mapped", (unsigned long long)size);
	if (!ram)
		return tap_done();
	ok((((uint64_t)(uintptr_t)ram - gpa) & (block - 1)) == 0,
	   "hva %p and gpa 0x%llx agree modulo the block", (void *)ram, (unsigned long long)gpa);
	ram[0] = 1;
	ram[size - 1] = 2;
	ok(ram[0] == 1 && ram[size - 1] == 2, "first and last bytes writable");
	if (!strcmp(thp_mode(), "always") || !strcmp(thp_mode(), "madvise"))
		ok(smaps_field(ram, "THPeligible:") == 1, "THP %s: the kernel may back it with "
		   "huge pages (THPeligible %ld)", thp_mode(), smaps_field(ram, "THPeligible:"));
	else
		ok(1, "# SKIP THP is '%s' on this host: no huge pages to ask for", thp_mode());
	/* Slack left mapped beside it would have merged into this mapping. */
	ok(smaps_field(ram, "Size:") == (long)(size >> 10),
	   "one mapping of exactly the RAM's size, no slack kept (%ld KiB)",
	   smaps_field(ram, "Size:"));
	guest_ram_unmap(ram, size);
	ok(smaps_field(ram, "Size:") == -1, "unmapped: nothing left at the RAM's address");

	setenv("VMAPPLE_NO_THP", "1", 1);
	ram = guest_ram_map(gpa, size);
	ok(ram && smaps_field(ram, "THPeligible:") == 0,
	   "VMAPPLE_NO_THP=1: no huge pages (THPeligible %ld)",
	   ram ? smaps_field(ram, "THPeligible:") : -1);
	guest_ram_unmap(ram, size);
	unsetenv("VMAPPLE_NO_THP");

	ram = guest_ram_map(0x70001000ull, block);
	ok(ram && (((uint64_t)(uintptr_t)ram - 0x70001000ull) & (block - 1)) == 0,
	   "an unaligned gpa gets an hva unaligned the same way");
	guest_ram_unmap(ram, block);
	errno = 0;
	ok(!guest_ram_map(gpa, 0) && errno == EINVAL, "a size of 0: EINVAL");
	errno = 0;
	ok(!guest_ram_map(gpa, UINT64_MAX - 1) && errno == EINVAL,
	   "a size with no room to align: EINVAL");
	return tap_done();
}
