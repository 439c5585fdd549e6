// SPDX-License-Identifier: GPL-2.0
/*
 * test_s1_walk - the shared stage-1 walker against page tables built here:
 * every granule, every leaf level, TTBR0/TTBR1, TBI, MMU off, and malformed
 * tables (invalid entries, blocks where none may be, pointers outside RAM,
 * a table that points at itself) that must fail cleanly.
 */
#include <stdlib.h>

#include "../../common/s1_walk.h"
#include "tap.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (8ull << 20)

static u8 *ram;
static u64 next_table;
static unsigned int reads;

static int read_desc(void *ctx, u64 ipa, u64 *desc)
{
	(void)ctx;
	reads++;
	if (ipa < RAM_BASE || ipa + 8 > RAM_BASE + RAM_SIZE || (ipa & 7))
		return -EFAULT;
	memcpy(desc, ram + (ipa - RAM_BASE), 8);
	return 0;
}

static u64 *slot(u64 ipa) { return (u64 *)(ram + (ipa - RAM_BASE)); }

static u64 alloc_table(unsigned int gshift)
{
	u64 t = (next_table + (1ull << gshift) - 1) & ~((1ull << gshift) - 1);

	next_table = t + (1ull << gshift);
	memset(ram + (t - RAM_BASE), 0, 1ull << gshift);
	return t;
}

struct granule {
	const char *name;
	unsigned int shift;
	u64 tg0, tg1;		/* TCR encodings */
};

static const struct granule granules[] = {
	{ "4K", 12, 0ull << 14, 2ull << 30 },
	{ "16K", 14, 2ull << 14, 1ull << 30 },
	{ "64K", 16, 1ull << 14, 3ull << 30 },
};

/* Map @va to @oa with a leaf at @leaf_level; returns the root table. */
static u64 map(const struct granule *g, unsigned int inputsize, u64 root, u64 va, u64 oa,
	       int leaf_level)
{
	unsigned int stride = g->shift - 3;
	int level = 4 - (int)((inputsize - g->shift + stride - 1) / stride);
	u64 table = root ? root : alloc_table(g->shift);

	root = table;
	for (;; level++) {
		unsigned int shift = g->shift + (3 - level) * stride;
		unsigned int bits = shift + stride > inputsize ? inputsize - shift : stride;
		u64 *e = slot(table + ((va >> shift) & ((1ull << bits) - 1)) * 8);

		if (level == leaf_level) {
			*e = (oa & ~((1ull << shift) - 1)) | (level == 3 ? 3 : 1) | (1ull << 10);
			return root;
		}
		if (!(*e & 1))
			*e = alloc_table(g->shift) | 3;
		table = *e & 0xfffffffff000ull & ~((1ull << g->shift) - 1);
	}
}

static int walk(const struct s1_regs *r, u64 va, struct s1_result *res)
{
	reads = 0;
	return s1_translate(r, va, read_desc, NULL, res);
}

static void check_granule(const struct granule *g)
{
	unsigned int inputsize = 48, stride = g->shift - 3;
	int start = 4 - (int)((inputsize - g->shift + stride - 1) / stride), leaf;
	u64 ips48 = 5ull << 32;
	struct s1_regs r = { .sctlr = 1 };
	struct s1_result res;

	for (leaf = 3; leaf >= start; leaf--) {
		u64 va = 0x0000123456789abcull & ((1ull << inputsize) - 1);
		u64 block = 1ull << (g->shift + (3 - leaf) * stride);
		u64 oa = 0x0000008000000000ull;
		bool allowed = leaf == 3 || (g->shift == 12 ? leaf >= 1 : leaf == 2);
		int ret;

		next_table = RAM_BASE;
		r.tcr = (64 - inputsize) | g->tg0 | ips48;
		r.ttbr0 = map(g, inputsize, 0, va, oa, leaf);
		ret = walk(&r, va, &res);
		if (allowed)
			ok(ret == 0 && res.ipa == (oa | (va & (block - 1))) &&
			   res.span == block - (va & (block - 1)) && reads == (unsigned int)(leaf - start + 1),
			   "%s: leaf at level %d translates (ret %d, ipa 0x%llx, %u reads)", g->name,
			   leaf, ret, (unsigned long long)res.ipa, reads);
		else
			ok(ret == -EFAULT, "%s: a block at level %d faults (ret %d)", g->name, leaf, ret);
	}

	/* TTBR1: a kernel-half address with TBI1 and a tag in the top byte. */
	next_table = RAM_BASE;
	r.tcr = ((u64)(64 - inputsize) << 16) | g->tg1 | ips48 | (1ull << 38) | (1ull << 7);
	r.ttbr1 = map(g, inputsize, 0, 0xffff800000010000ull, 0x80000000ull, 3);
	ok(walk(&r, 0xffff800000010008ull, &res) == 0 && res.ipa == 0x80000008ull,
	   "%s: TTBR1 kernel address translates", g->name);
	ok(walk(&r, 0x5aff800000010008ull, &res) == 0 && res.ipa == 0x80000008ull,
	   "%s: TBI1 ignores a tag in the top byte", g->name);
	ok(walk(&r, 0xff7f800000010008ull, &res) == -EFAULT,
	   "%s: an address outside the upper range faults", g->name);
	ok(walk(&r, 0x0000000000004008ull, &res) == -EFAULT,
	   "%s: EPD0 disables TTBR0 walks", g->name);
}

static void check_malformed(void)
{
	const struct granule *g = &granules[1];	/* 16K, as macOS uses */
	struct s1_regs r = { .sctlr = 1, .tcr = 16 | (2ull << 14) | (5ull << 32) };
	struct s1_result res;
	u64 root, l1;

	next_table = RAM_BASE;
	root = alloc_table(g->shift);
	r.ttbr0 = root;
	ok(walk(&r, 0x1000, &res) == -EFAULT, "16K: an invalid root entry faults");

	*slot(root) = 0x7fff0000000ull | 3;	/* table pointer outside RAM */
	ok(walk(&r, 0x1000, &res) == -EIO, "16K: a table pointer outside RAM fails with -EIO");

	*slot(root) = (1ull << 47) | 3;		/* beyond a 40-bit PA size */
	r.tcr = (r.tcr & ~(7ull << 32)) | (2ull << 32);
	ok(walk(&r, 0x1000, &res) == -EFAULT, "16K: a table beyond the PA size faults");
	r.tcr |= 5ull << 32;

	/* Every level's entry points back at the root: bounded, no loop. */
	*slot(root) = root | 3;
	l1 = root;
	ok(walk(&r, 0x0, &res) == 0 && res.ipa == l1 && reads == 4,
	   "16K: a self-referencing table ends after 4 reads");

	*slot(root) = alloc_table(g->shift) | 3;
	l1 = *slot(root) & ~3ull;
	*slot(l1) = 0x80000000ull | 1;		/* block at level 1: not for 16K */
	ok(walk(&r, 0x0, &res) == -EFAULT, "16K: a block at level 1 faults");

	r.ttbr0 = RAM_BASE + RAM_SIZE;		/* root just past the end of RAM */
	ok(walk(&r, 0x0, &res) == -EIO, "16K: a root outside RAM fails with -EIO");

	r.tcr = 12 | (2ull << 14);		/* T0SZ 12: 52-bit input */
	ok(walk(&r, 0x0, &res) == -EOPNOTSUPP, "52-bit input sizes are refused as unsupported");
	r.tcr = 50 | (2ull << 14);
	ok(walk(&r, 0x0, &res) == -EFAULT, "T0SZ beyond 48 faults");
	r.tcr = 16 | (3ull << 14);
	ok(walk(&r, 0x0, &res) == -EFAULT, "a reserved TG0 encoding faults");
	r.tcr = 25 | (2ull << 14);
	ok(walk(&r, 1ull << 40, &res) == -EFAULT, "a VA above a 39-bit TTBR0 range faults");

	r.sctlr = 0;
	ok(walk(&r, 0x70001234, &res) == 0 && res.ipa == 0x70001234 && reads == 0,
	   "MMU off: flat, no descriptor read");
	ok(walk(&r, 1ull << 50, &res) == -EFAULT, "MMU off: beyond 48 bits faults");
}

int main(void)
{
	size_t i;

	ram = calloc(1, RAM_SIZE);
	if (!ram)
		return 1;
	for (i = 0; i < sizeof(granules) / sizeof(granules[0]); i++)
		check_granule(&granules[i]);
	check_malformed();
	free(ram);
	return tap_done();
}
