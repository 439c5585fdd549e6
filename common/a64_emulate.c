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

/* Translate @len bytes at guest VA @va into chunks that end where pages do. */
static int plan_va(const struct a64_emu_ops *ops, void *ctx, const struct s1_regs *mmu,
		   u64 va, unsigned int len, struct a64_emu_info *info)
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
		va += chunk;
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

int a64_emulate_plan(const struct a64_emu_ops *ops, void *ctx, const struct s1_regs *mmu,
		     u32 insn, struct a64_emu_info *info)
{
	struct a64_ldst *ld = &info->ld;
	u64 base, offset;
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
	info->va = a64_ldst_address(ld, base, offset, &info->new_base);
	info->len = ld->nregs * ld->size;

	for (i = 0; i < ld->nregs; i++) {
		ret = plan_va(ops, ctx, mmu, info->va + i * ld->size, ld->size, info);
		if (ret)
			return ret;
	}
	if (!ld->load) {
		store_data(ops, ctx, ld, ld->rt, info->data);
		if (ld->nregs == 2)
			store_data(ops, ctx, ld, ld->rt2, info->data + ld->size);
	}
	return 0;
}

void a64_emulate_commit(const struct a64_emu_ops *ops, void *ctx,
			const struct a64_emu_info *info)
{
	const struct a64_ldst *ld = &info->ld;

	if (ld->load) {
		load_data(ops, ctx, ld, ld->rt, info->data);
		if (ld->nregs == 2)
			load_data(ops, ctx, ld, ld->rt2, info->data + ld->size);
	}
	if (ld->index != A64_INDEX_NONE)
		ops->set_gpr(ctx, ld->rn, info->new_base);
}

int a64_emulate_ldst(const struct a64_emu_ops *ops, void *ctx, const struct s1_regs *mmu,
		     u32 insn, struct a64_emu_info *info)
{
	unsigned int i, off = 0;
	int ret;

	ret = a64_emulate_plan(ops, ctx, mmu, insn, info);
	if (ret)
		return ret;
	for (i = 0; i < info->nchunks; i++) {
		u8 *buf = info->data + off;

		ret = info->ld.load ? ops->read(ctx, info->chunk_ipa[i], buf, info->chunk_len[i]) :
				      ops->write(ctx, info->chunk_ipa[i], buf, info->chunk_len[i]);
		if (ret)
			return ret;
		off += info->chunk_len[i];
	}
	a64_emulate_commit(ops, ctx, info);
	return 0;
}
