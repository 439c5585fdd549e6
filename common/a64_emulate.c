// SPDX-License-Identifier: GPL-2.0
/* a64_emulate.c - execute a decoded load/store (see a64_emulate.h). */
#include "a64_emulate.h"

#define SCTLR_E0E	BIT_ULL(24)	/* EL0 data big-endian */
#define SCTLR_EE	BIT_ULL(25)	/* EL1 data and walks big-endian */

int a64_fetch_insn(const struct a64_emu_ops *ops, void *ctx, const struct s1_regs *mmu,
		   u64 pc, u32 *insn)
{
	struct s1_result res;
	int ret;

	if (pc & 3)
		return -EINVAL;
	ret = s1_translate(mmu, pc, ops->read_desc, ctx, &res);
	if (ret)
		return ret;
	return ops->read(ctx, res.ipa, insn, sizeof(*insn)) ? -EIO : 0;
}

/* Move @len bytes between @buf and guest VA @va, page by page. */
static int access_va(const struct a64_emu_ops *ops, void *ctx, const struct s1_regs *mmu,
		     bool write, u64 va, u8 *buf, unsigned int len, struct a64_emu_info *info)
{
	while (len) {
		struct s1_result res;
		unsigned int chunk = len;
		int ret;

		ret = s1_translate(mmu, va, ops->read_desc, ctx, &res);
		if (ret)
			return ret;
		if (res.span < chunk)
			chunk = res.span;
		if (info->nchunks >= A64_MAX_CHUNKS)
			return -EOPNOTSUPP;
		info->chunk_ipa[info->nchunks] = res.ipa;
		info->chunk_len[info->nchunks++] = chunk;
		ret = write ? ops->write(ctx, res.ipa, buf, chunk) :
			      ops->read(ctx, res.ipa, buf, chunk);
		if (ret)
			return ret;
		va += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

static void store_data(const struct a64_emu_ops *ops, void *ctx, const struct a64_ldst *ld,
		       unsigned int rt, u8 *data)
{
	u8 v[16];
	u64 x;

	if (ld->simd) {
		ops->get_vreg(ctx, rt, v);
		memcpy(data, v, ld->size);
		return;
	}
	x = rt == A64_REG_ZR_OR_SP ? 0 : ops->get_gpr(ctx, rt);
	memcpy(data, &x, ld->size);	/* little-endian: the low bytes */
}

static void load_data(const struct a64_emu_ops *ops, void *ctx, const struct a64_ldst *ld,
		      unsigned int rt, const u8 *data)
{
	u8 v[16] = { 0 };	/* a scalar load clears the rest of Vt */
	u64 x = 0;

	if (ld->simd) {
		memcpy(v, data, ld->size);
		ops->set_vreg(ctx, rt, v);
		return;
	}
	if (rt == A64_REG_ZR_OR_SP)
		return;
	memcpy(&x, data, ld->size);
	ops->set_gpr(ctx, rt, a64_ldst_extend(ld, x));
}

int a64_emulate_ldst(const struct a64_emu_ops *ops, void *ctx, const struct s1_regs *mmu,
		     u32 insn, struct a64_emu_info *info)
{
	struct a64_ldst *ld = &info->ld;
	u8 data[32];
	u64 base, offset, new_base;
	unsigned int i;
	int ret;

	memset(info, 0, sizeof(*info));
	info->insn = insn;
	ret = a64_decode_ldst(insn, ld);
	if (ret)
		return ret;
	if (mmu->sctlr & (SCTLR_EE | SCTLR_E0E))
		return -EOPNOTSUPP;

	base = ops->get_gpr(ctx, ld->rn);
	offset = ld->reg_offset && ld->rm != A64_REG_ZR_OR_SP ? ops->get_gpr(ctx, ld->rm) : 0;
	info->va = a64_ldst_address(ld, base, offset, &new_base);

	if (!ld->load) {
		store_data(ops, ctx, ld, ld->rt, data);
		if (ld->nregs == 2)
			store_data(ops, ctx, ld, ld->rt2, data + ld->size);
	}
	for (i = 0; i < ld->nregs; i++) {
		ret = access_va(ops, ctx, mmu, !ld->load, info->va + i * ld->size,
				data + i * ld->size, ld->size, info);
		if (ret)
			return ret;
	}
	if (ld->load) {
		load_data(ops, ctx, ld, ld->rt, data);
		if (ld->nregs == 2)
			load_data(ops, ctx, ld, ld->rt2, data + ld->size);
	}
	if (ld->index != A64_INDEX_NONE)
		ops->set_gpr(ctx, ld->rn, new_base);
	return 0;
}
