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

/* Clear the access flag of the page that maps @va. */
static void clear_af(const struct granule *g, unsigned int inputsize, u64 table, u64 va)
{
	unsigned int stride = g->shift - 3;
	int level = 4 - (int)((inputsize - g->shift + stride - 1) / stride);

	for (;; level++) {
		unsigned int shift = g->shift + (3 - level) * stride;
		unsigned int bits = shift + stride > inputsize ? inputsize - shift : stride;
		u64 *e = slot(table + ((va >> shift) & ((1ull << bits) - 1)) * 8);

		if (level == 3) {
			*e &= ~(1ull << 10);
			return;
		}
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
		bool lpa = g->shift == 16 && leaf == 1;	/* FEAT_LPA's 4 TiB block */
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
		else if (lpa)
			ok(ret == -EOPNOTSUPP, "%s: a level-1 block (FEAT_LPA) is refused as "
			   "unsupported (ret %d)", g->name, ret);
		else
			ok(ret == -EFAULT, "%s: a block at level %d faults (ret %d)", g->name, leaf, ret);
	}
	/* The same walk with the leaf's access flag clear: the MMU faults, unless HA. */
	next_table = RAM_BASE;
	r.tcr = (64 - inputsize) | g->tg0 | ips48;
	r.ttbr0 = map(g, inputsize, 0, 0x5000ull << g->shift, 0x80000000ull, 3);
	ok(walk(&r, 0x5000ull << g->shift, &res) == 0, "%s: a page with AF set translates",
	   g->name);
	clear_af(g, inputsize, r.ttbr0, 0x5000ull << g->shift);
	ok(walk(&r, 0x5000ull << g->shift, &res) == -EFAULT, "%s: AF clear faults", g->name);
	r.tcr |= 1ull << 39;
	ok(walk(&r, 0x5000ull << g->shift, &res) == 0 && res.ipa == 0x80000000ull,
	   "%s: AF clear with TCR.HA translates (the MMU would set it)", g->name);

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
	*slot(root) = root | 3 | (1ull << 10);
	l1 = root;
	ok(walk(&r, 0x0, &res) == 0 && res.ipa == l1 && reads == 4,
	   "16K: a self-referencing table ends after 4 reads");
	*slot(root) = root | 3;
	ok(walk(&r, 0x0, &res) == -EFAULT && reads == 4,
	   "16K: ... and faults there when its access flag is clear");

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
	r.tcr = 16 | (2ull << 14) | (1ull << 59);
	ok(walk(&r, 0x0, &res) == -EOPNOTSUPP, "TCR.DS (LPA2's descriptors) is refused as unsupported");
	r.tcr = 25 | (2ull << 14);
	ok(walk(&r, 1ull << 40, &res) == -EFAULT, "a VA above a 39-bit TTBR0 range faults");

	r.sctlr = 0;
	ok(walk(&r, 0x70001234, &res) == 0 && res.ipa == 0x70001234 && reads == 0,
	   "MMU off: flat, no descriptor read");
	ok(walk(&r, 1ull << 50, &res) == -EFAULT, "MMU off: beyond 48 bits faults");
}

/*
 * Where the architecture leaves a choice, the walker makes QEMU's (which
 * hostile_test checks shape by shape against the CPU): a reserved TGn is
 * 4K, and the root table's address drops the bits below its size.
 */
static void check_choices(void)
{
	const struct granule *g4k = &granules[0];
	struct s1_regs r = { .sctlr = 1 };
	struct s1_result res;
	u64 root, va = 0x12345678ull;

	next_table = RAM_BASE;
	root = map(g4k, 39, 0, va, 0x80000000ull, 3);
	r.tcr = 25 | (3ull << 14) | (2ull << 32);	/* TG0 0b11: reserved */
	r.ttbr0 = root;
	ok(walk(&r, va, &res) == 0 && res.ipa == (0x80000000ull | (va & 0xfff)),
	   "a reserved TG0 walks as 4K");
	r.tcr = (25ull << 16) | (0ull << 30) | (2ull << 32) | (1ull << 7);	/* TG1 0b00 */
	r.ttbr1 = root;
	ok(walk(&r, 0xffffff8000000000ull | va, &res) == 0 &&
	   res.ipa == (0x80000000ull | (va & 0xfff)), "a reserved TG1 walks as 4K");
	r.tcr = 25 | (2ull << 32);
	r.ttbr0 = root | 0x41;			/* in the table, and CnP */
	ok(walk(&r, va, &res) == 0 && res.ipa == (0x80000000ull | (va & 0xfff)),
	   "the root's address drops its low bits (and CnP)");
	r.ttbr0 = root + 0x1000 - 8;		/* 512 entries: 4 KiB-aligned, so root */
	ok(walk(&r, va, &res) == 0 && res.ipa == (0x80000000ull | (va & 0xfff)),
	   "a root of 512 entries is 4 KiB-aligned: its last 8 bytes name its start");
	r.tcr = 34 | (1ull << 14) | (2ull << 32);	/* 64K, 30-bit: a root of 2 entries */
	next_table = RAM_BASE;
	root = map(&granules[2], 30, 0, 0x20000000ull, 0x80000000ull, 2);
	r.ttbr0 = root + 8;			/* 16 bytes: aligned to 16, so root */
	ok(walk(&r, 0x20000080ull, &res) == 0 && res.ipa == 0x80000080ull,
	   "a root of 2 entries is 16-byte aligned");
	r.tcr = (r.tcr & ~(7ull << 32)) | (6ull << 32);	/* 64K, IPS 52 bits: FEAT_LPA's TTBR */
	ok(walk(&r, 0x20000080ull, &res) == -EOPNOTSUPP,
	   "64K with a 52-bit IPS is refused as unsupported");
	r.tcr = 16 | (0ull << 14) | (5ull << 32);	/* 4K, 48-bit: level 0 */
	next_table = RAM_BASE;
	root = alloc_table(12);
	*slot(root) = (1ull << 10) | 1;	/* a level-0 block: not without LPA2 */
	r.ttbr0 = root;
	ok(walk(&r, 0x1000, &res) == -EFAULT, "4K: a block at level 0 faults");
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
	check_choices();
	free(ram);
	return tap_done();
}
