// SPDX-License-Identifier: GPL-2.0
/*
 * test_a64_emulate - the shared emulator against a fake vCPU, RAM and a
 * recording device: loads and stores of every shape reach the device with
 * the right address, size and data; registers, sign extension, SIMD and
 * writeback end up as the CPU would leave them; page-straddling accesses
 * split; failures leave every register untouched.
 */
#include <stdlib.h>

#include "../../common/a64_emulate.h"
#include "tap.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE 0x100000ull
#define DEV_BASE 0x10000000ull
#define DEV_SIZE 0x10000ull

struct fake_vcpu {
	u64 x[32];		/* x[31] is SP */
	u8 v[32][16];
	u8 ram[RAM_SIZE];
	u8 dev[DEV_SIZE];	/* device registers, little-endian */
	unsigned int dev_writes, dev_reads, set_calls;
	u64 last_ipa;
	unsigned int last_len;
	bool dev_fails;
};

static u64 get_gpr(void *ctx, unsigned int n) { return ((struct fake_vcpu *)ctx)->x[n]; }

static void set_gpr(void *ctx, unsigned int n, u64 v)
{
	struct fake_vcpu *c = ctx;

	c->x[n] = v;
	c->set_calls++;
}

static void get_vreg(void *ctx, unsigned int n, u8 v[16])
{
	memcpy(v, ((struct fake_vcpu *)ctx)->v[n], 16);
}

static void set_vreg(void *ctx, unsigned int n, const u8 v[16])
{
	struct fake_vcpu *c = ctx;

	memcpy(c->v[n], v, 16);
	c->set_calls++;
}

static u8 *mem_at(struct fake_vcpu *c, u64 ipa, unsigned int len, bool *is_dev)
{
	*is_dev = false;
	if (ipa >= RAM_BASE && ipa + len <= RAM_BASE + RAM_SIZE)
		return c->ram + (ipa - RAM_BASE);
	*is_dev = true;
	if (ipa >= DEV_BASE && ipa + len <= DEV_BASE + DEV_SIZE && !c->dev_fails)
		return c->dev + (ipa - DEV_BASE);
	return NULL;
}

static int mem_access(struct fake_vcpu *c, u64 ipa, u8 *buf, unsigned int len, bool is_write)
{
	bool dev;
	u8 *p = mem_at(c, ipa, len, &dev);

	if (!p)
		return -EIO;
	if (dev) {
		if (is_write)
			c->dev_writes++;
		else
			c->dev_reads++;
		c->last_ipa = ipa;
		c->last_len = len;
	}
	if (is_write)
		memcpy(p, buf, len);
	else
		memcpy(buf, p, len);
	return 0;
}

static int mem_read(void *ctx, u64 ipa, void *buf, unsigned int len)
{
	return mem_access(ctx, ipa, buf, len, false);
}

static int mem_write(void *ctx, u64 ipa, const void *buf, unsigned int len)
{
	return mem_access(ctx, ipa, (u8 *)buf, len, true);
}

static int read_desc(void *ctx, u64 ipa, u64 *desc)
{
	bool dev;
	u8 *p = mem_at(ctx, ipa, 8, &dev);

	if (!p || dev)
		return -EFAULT;
	memcpy(desc, p, 8);
	return 0;
}

static const struct a64_emu_ops ops = {
	.get_gpr = get_gpr, .set_gpr = set_gpr, .get_vreg = get_vreg, .set_vreg = set_vreg,
	.read = mem_read, .write = mem_write, .read_desc = read_desc,
};

static struct fake_vcpu *c;
static const struct s1_regs mmu_off = { 0 };
static struct s1_regs mmu_16k;	/* VA 0x8000_0000.. -> IPA, see setup_16k() */
static struct a64_emu_info info;

static u64 dev64(u64 off) { u64 v; memcpy(&v, c->dev + off, 8); return v; }
static void set_dev64(u64 off, u64 v) { memcpy(c->dev + off, &v, 8); }

static int emulate(u32 insn) { return a64_emulate_ldst(&ops, c, &mmu_off, insn, &info); }

/*
 * 16K granule, 36-bit VA space: VA 0x8000_0000 + n*16K maps IPA DEV_BASE +
 * n*16K for n < 4, except page 1, which maps RAM (for straddling tests).
 */
static void setup_16k(void)
{
	u64 root = RAM_BASE, l3 = RAM_BASE + 0x4000;
	u64 *r = (u64 *)(c->ram), *p = (u64 *)(c->ram + 0x4000);
	unsigned int n;

	memset(c->ram, 0, 0x8000);
	/* inputsize 36: start at level 2 (bits 35:25), level 3 (bits 24:14) */
	r[(0x80000000ull >> 25) & 0x7ff] = l3 | 3;
	for (n = 0; n < 4; n++)
		p[n] = (n == 1 ? RAM_BASE + 0x8000 : DEV_BASE + n * 0x4000) | 3 | (1 << 10);
	mmu_16k.sctlr = 1;
	mmu_16k.tcr = 28 | (2ull << 14) | (5ull << 32);
	mmu_16k.ttbr0 = root;
}

static void reset(void)
{
	memset(c, 0, sizeof(*c));
	c->x[8] = DEV_BASE + 0x100;
	c->x[31] = DEV_BASE + 0x800;
}

int main(void)
{
	int i, ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return 1;

	reset();
	c->x[9] = 0x11223344;
	ok(emulate(0xb8080d09) == 0 && c->dev_writes == 1 && c->last_ipa == DEV_BASE + 0x180 &&
	   c->last_len == 4 && dev64(0x180) == 0x11223344 && c->x[8] == DEV_BASE + 0x180,
	   "str w9, [x8, #128]!: 4-byte write at base+128, base written back");

	reset();
	set_dev64(0x100, 0x80);
	ok(emulate(0x38c10501) == 0 && c->x[1] == 0xffffff80 && c->x[8] == DEV_BASE + 0x110 &&
	   c->last_ipa == DEV_BASE + 0x100 && c->last_len == 1,
	   "ldrsb w1, [x8], #16: sign-extends into Wt, post-index writeback");

	reset();
	set_dev64(0x100, 0xfffffffe);
	ok(emulate(0xb9800101) == 0 && c->x[1] == 0xfffffffffffffffeull,
	   "ldrsw x1, [x8]: sign-extends into Xt");

	reset();
	c->x[1] = 0xaaaaaaaabbbbbbbbull;
	c->x[2] = 0xccccccccddddddddull;
	ok(emulate(0xa9bf0be1) == 0 && dev64(0x7f0) == 0xaaaaaaaabbbbbbbbull &&
	   dev64(0x7f8) == 0xccccccccddddddddull && c->x[31] == DEV_BASE + 0x7f0 &&
	   c->dev_writes == 2, "stp x1, x2, [sp, #-16]!: two 8-byte writes, SP written back");

	reset();
	set_dev64(0x100, 0x0000000280000001ull);
	ok(emulate(0x69400503) == 0 && c->x[3] == 0xffffffff80000001ull && c->x[1] == 2 &&
	   c->dev_reads == 2, "ldpsw x3, x1, [x8]: two sign-extended words");

	reset();
	for (i = 0; i < 16; i++)
		c->dev[0x100 + i] = (u8)(0xa0 + i);
	memset(c->v[4], 0xee, 16);
	ok(emulate(0x3dc00104) == 0 && !memcmp(c->v[4], c->dev + 0x100, 16) && c->last_len == 16,
	   "ldr q4, [x8]: one 16-byte access into V4");
	memset(c->v[4], 0xee, 16);
	ok(emulate(0xbd400104) == 0 && !memcmp(c->v[4], c->dev + 0x100, 4) &&
	   c->v[4][4] == 0 && c->v[4][15] == 0, "ldr s4, [x8]: loads 4 bytes, clears the rest of V4");

	reset();
	memset(c->v[0], 0x11, 16);
	memset(c->v[1], 0x22, 16);
	ok(emulate(0xad000500) == 0 && c->dev[0x100] == 0x11 && c->dev[0x11f] == 0x22 &&
	   c->dev_writes == 2, "stp q0, q1, [x8]: two 16-byte writes");

	reset();
	c->x[1] = 0x55;
	ok(emulate(0x3800011f) == 0 && c->dev[0x100] == 0 && c->last_len == 1,
	   "sturb wzr, [x8]: XZR stores zero");
	set_dev64(0x100, 0x77);
	ok(emulate(0xf940011f) == 0 && c->x[31] == DEV_BASE + 0x800,
	   "ldr xzr, [x8]: a load into XZR changes nothing (SP is not XZR)");

	reset();
	c->x[3] = (u64)-2;
	set_dev64(0xf0, 0x1234);
	ok(emulate(0xf8637901) == 0 && c->x[1] == 0x1234, "ldr x1, [x8, x3, lsl #3]: base - 16");

	reset();
	set_dev64(0x100, 0x99);
	ok(emulate(0x88dffd01) == 0 && c->x[1] == 0x99, "ldar w1, [x8]");

	/* failures leave registers alone */
	reset();
	c->dev_fails = true;
	c->x[1] = 1;
	c->x[2] = 2;
	ret = emulate(0xa9c10901);	/* ldp x1, x2, [x8, #16]! */
	ok(ret == -EIO && c->set_calls == 0 && c->x[8] == DEV_BASE + 0x100,
	   "a failing device access changes no register (ret %d)", ret);
	ok(emulate(0xc85f7d01) == -EOPNOTSUPP && c->set_calls == 0, "ldxr is refused, untouched");
	ok(emulate(0xd503201f) == -EINVAL, "a non-load/store is refused");

	/* through the MMU, 16K pages: page 0 and 2 device, page 1 RAM */
	reset();
	setup_16k();
	c->x[8] = 0x80000000ull + 0x3ffc;	/* 4 bytes before the end of page 0 */
	c->x[1] = 0x1111111122222222ull;
	ret = a64_emulate_ldst(&ops, c, &mmu_16k, 0xf9000101, &info);	/* str x1, [x8] */
	ok(ret == 0 && info.nchunks == 2 && info.chunk_ipa[0] == DEV_BASE + 0x3ffc &&
	   info.chunk_len[0] == 4 && info.chunk_ipa[1] == RAM_BASE + 0x8000 &&
	   info.chunk_len[1] == 4 && c->ram[0x8000] == 0x11,
	   "a store straddling a device page and a RAM page splits in two (ret %d)", ret);

	c->x[8] = 0x80000000ull + 0x8000 + 0x40;	/* page 2: device */
	memcpy(c->dev + 0x8040, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	ret = a64_emulate_ldst(&ops, c, &mmu_16k, 0x29400902, &info);	/* ldp w2, w2, [x8] */
	ok(ret == -EINVAL, "ldp w2, w2, [x8] is refused even through the MMU");
	ret = a64_emulate_ldst(&ops, c, &mmu_16k, 0x29400d02, &info);	/* ldp w2, w3, [x8] */
	ok(ret == 0 && c->x[2] == 0x04030201 && c->x[3] == 0x08070605 && info.chunk_ipa[0] ==
	   DEV_BASE + 0x8040, "ldp w2, w3 through a 16K mapping reaches the device");

	c->x[8] = 0x90000000ull;		/* unmapped */
	ok(a64_emulate_ldst(&ops, c, &mmu_16k, 0xb9400101, &info) == -EFAULT,
	   "an unmapped address fails with -EFAULT");

	mmu_16k.sctlr |= (1ull << 25);
	ok(a64_emulate_ldst(&ops, c, &mmu_16k, 0xb9400101, &info) == -EOPNOTSUPP,
	   "a big-endian guest is refused");
	mmu_16k.sctlr = 1;

	/* plan, then commit: the split API the module uses across exits */
	reset();
	setup_16k();
	c->x[8] = 0x80000000ull + 0x3ff4;	/* +8 straddles device page 0 and RAM page 1 */
	c->x[1] = 0x1111111122222222ull;
	ret = a64_emulate_plan(&ops, c, &mmu_16k, 0xf8008d01, &info);	/* str x1, [x8, #8]! */
	ok(ret == 0 && info.nchunks == 2 && info.len == 8 && c->dev_writes == 0 &&
	   c->set_calls == 0 && info.data[0] == 0x22 && info.data[7] == 0x11 &&
	   info.new_base == c->x[8] + 8 && info.chunk_ipa[0] == DEV_BASE + 0x3ffc,
	   "plan gathers the store data and chunks, touching neither memory nor registers");
	a64_emulate_commit(&ops, c, &info);
	ok(c->x[8] == 0x80000000ull + 0x3ffc && c->x[1] == 0x1111111122222222ull &&
	   c->dev_writes == 0, "commit of a store applies only the writeback");

	reset();
	c->x[8] = DEV_BASE + 0x10;
	ok(a64_emulate_plan(&ops, c, &mmu_off, 0xa9c10d02, &info) == 0 &&	/* ldp x2, x3, [x8, #16]! */
	   info.nchunks == 2 && info.len == 16 && c->dev_reads == 0,
	   "plan of a load pair reads nothing");
	memcpy(info.data, "\x01\x02\x03\x04\x05\x06\x07\x08\x11\x12\x13\x14\x15\x16\x17\x18", 16);
	a64_emulate_commit(&ops, c, &info);
	ok(c->x[2] == 0x0807060504030201ull && c->x[3] == 0x1817161514131211ull &&
	   c->x[8] == DEV_BASE + 0x20, "commit of a load pair fills both registers and the base");

	reset();
	setup_16k();
	c->x[8] = 0x80000000ull + 0xfffc;	/* second word would be in unmapped page 4 */
	ret = a64_emulate_plan(&ops, c, &mmu_16k, 0x29000d02, &info);	/* stp w2, w3, [x8] */
	ok(ret == -EFAULT && c->dev_writes == 0,
	   "a pair whose second half does not translate performs no access at all");

	/* instruction fetch through the MMU */
	memcpy(c->ram + 0x8010, "\x09\x0d\x08\xb8", 4);
	{
		u32 insn = 0;

		ok(a64_fetch_insn(&ops, c, &mmu_16k, 0x80004010ull, &insn) == 0 &&
		   insn == 0xb8080d09, "fetch reads the instruction through the MMU");
		ok(a64_fetch_insn(&ops, c, &mmu_16k, 0x80004012ull, &insn) == -EINVAL,
		   "a misaligned PC is refused");
		ok(a64_fetch_insn(&ops, c, &mmu_16k, 0x90000000ull, &insn) == -EFAULT,
		   "an unmapped PC fails with -EFAULT");
	}
	free(c);
	return tap_done();
}
