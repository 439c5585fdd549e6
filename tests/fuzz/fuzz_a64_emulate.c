// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_a64_emulate - libFuzzer: an arbitrary instruction, registers, MMU
 * registers and guest RAM (page tables included) through the emulator.
 * Every memory access must stay inside the RAM or the device window.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../common/a64_emulate.h"

#define DEV_BASE 0x10000000ull
#define DEV_SIZE 0x1000ull

struct fuzz_vcpu {
	u64 x[32];
	u8 v[32][16];
	const u8 *ram;
	size_t ram_size;
};

static u64 get_gpr(void *ctx, unsigned int n)
{
	if (n > 31)
		abort();
	return ((struct fuzz_vcpu *)ctx)->x[n];
}

static void set_gpr(void *ctx, unsigned int n, u64 v)
{
	if (n > 31)
		abort();
	((struct fuzz_vcpu *)ctx)->x[n] = v;
}

static void get_vreg(void *ctx, unsigned int n, u8 v[16])
{
	memcpy(v, ((struct fuzz_vcpu *)ctx)->v[n & 31], 16);
}

static void set_vreg(void *ctx, unsigned int n, const u8 v[16])
{
	memcpy(((struct fuzz_vcpu *)ctx)->v[n & 31], v, 16);
}

static int mem_read(void *ctx, u64 ipa, void *buf, unsigned int len)
{
	struct fuzz_vcpu *c = ctx;

	if (len == 0 || len > 16)
		abort();
	if (ipa < c->ram_size && c->ram_size - ipa >= len) {
		memcpy(buf, c->ram + ipa, len);
		return 0;
	}
	if (ipa >= DEV_BASE && ipa - DEV_BASE + len <= DEV_SIZE) {
		memset(buf, 0x5a, len);
		return 0;
	}
	return -EIO;
}

static int mem_write(void *ctx, u64 ipa, const void *buf, unsigned int len)
{
	u8 sink[16];

	(void)ctx;
	if (len == 0 || len > 16)
		abort();
	memcpy(sink, buf, len);
	return ipa >= DEV_BASE && ipa - DEV_BASE + len <= DEV_SIZE ? 0 : -EIO;
}

static int read_desc(void *ctx, u64 ipa, u64 *desc)
{
	struct fuzz_vcpu *c = ctx;

	if (ipa >= c->ram_size || c->ram_size - ipa < 8)
		return -EFAULT;
	memcpy(desc, c->ram + ipa, 8);
	return 0;
}

static const struct a64_emu_ops ops = {
	.get_gpr = get_gpr, .set_gpr = set_gpr, .get_vreg = get_vreg, .set_vreg = set_vreg,
	.read = mem_read, .write = mem_write, .read_desc = read_desc,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_vcpu c = { 0 };
	struct a64_emu_info info;
	struct s1_regs mmu;
	u32 insn;

	if (size < 4 + sizeof(mmu) + 4 * 8)
		return 0;
	memcpy(&insn, data, 4);
	memcpy(&mmu, data + 4, sizeof(mmu));
	/* Base and offset registers: small values, so accesses can hit RAM. */
	memcpy(&c.x[0], data + 4 + sizeof(mmu), 4 * 8);
	c.x[insn >> 5 & 31] = c.x[0] & 0x1ffff;
	c.x[insn >> 16 & 31] = c.x[1] & 0xff;
	c.ram = data;
	c.ram_size = size;
	a64_emulate_ldst(&ops, &c, &mmu, insn, &info);
	if (info.nchunks > A64_MAX_CHUNKS)
		abort();
	return 0;
}
