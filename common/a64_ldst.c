// SPDX-License-Identifier: GPL-2.0
/*
 * a64_ldst.c - A64 load/store decoder (see a64_ldst.h).  Encodings follow
 * the Arm ARM's "Loads and Stores" encoding index (C4.1.94 in DDI 0487K).
 */
#include "a64_ldst.h"

#define A64_FIELD(insn, hi, lo)	((unsigned int)FIELD_GET(GENMASK(hi, lo), insn))
#define A64_FLAG(insn, bit)	((unsigned int)FIELD_GET(BIT(bit), insn))

/* Class masks: bits that identify each group of the encoding index. */
#define A64_LDST_UIMM_MASK	0x3b000000u	/* size 111 V 01 ...: unsigned offset */
#define A64_LDST_UIMM		0x39000000u
#define A64_LDST_REG_MASK	0x3b000000u	/* size 111 V 00 ...: imm9 and reg forms */
#define A64_LDST_REG		0x38000000u
#define A64_LDST_PAIR_MASK	0x3a000000u	/* opc 101 V 0 ...: pairs */
#define A64_LDST_PAIR		0x28000000u
#define A64_LDST_ORDERED_MASK	0x3f000000u	/* size 001000 ...: ordered, exclusive */
#define A64_LDST_ORDERED	0x08000000u
#define A64_LDAPR_MASK		0x3ffffc00u	/* size 111000 101 11111 1100 00 */
#define A64_LDAPR		0x38bfc000u
#define A64_RCPC_IMM_MASK	0x3f200c00u	/* size 011001 opc 0 imm9 00: LDAPUR/STLUR */
#define A64_RCPC_IMM		0x19000000u

enum single_form { FORM_UIMM, FORM_UNSCALED, FORM_POST, FORM_UNPRIV, FORM_PRE, FORM_REG };

static s64 sign_extend64(u64 value, unsigned int bits)
{
	return (s64)(value << (64 - bits)) >> (64 - bits);
}

/*
 * The size/opc pair of single-register GPR forms (also LDAPUR/STLUR).
 * Returns 1 for a prefetch (size 3, opc 2), which the caller judges.
 */
static int decode_gpr_opc(unsigned int size, unsigned int opc, struct a64_ldst *ld)
{
	ld->size = 1u << size;
	switch (opc) {
	case 0:
		return 0;
	case 1:
		ld->load = true;
		ld->dest_bits = size == 3 ? 64 : 32;
		return 0;
	case 2:
		if (size == 3)
			return 1;
		ld->load = true;
		ld->sign_extend = true;
		ld->dest_bits = 64;
		return 0;
	default:
		if (size >= 2)
			return -EINVAL;
		ld->load = true;
		ld->sign_extend = true;
		ld->dest_bits = 32;
		return 0;
	}
}

/* Writeback onto a transfer register is CONSTRAINED UNPREDICTABLE: refuse. */
static bool writeback_hazard(const struct a64_ldst *ld)
{
	if (ld->index == A64_INDEX_NONE || ld->simd || ld->rn == A64_REG_ZR_OR_SP)
		return false;
	return ld->rt == ld->rn || (ld->nregs == 2 && ld->rt2 == ld->rn);
}

static int decode_single(u32 insn, enum single_form form, struct a64_ldst *ld)
{
	unsigned int size = A64_FIELD(insn, 31, 30);
	unsigned int opc = A64_FIELD(insn, 23, 22);
	unsigned int scale = size;
	int ret;

	if (A64_FLAG(insn, 26)) {
		if (form == FORM_UNPRIV)
			return -EINVAL;
		if (opc & 2) {
			if (size)
				return -EINVAL;
			scale = 4;
		}
		ld->simd = true;
		ld->load = opc & 1;
		ld->size = 1u << scale;
	} else {
		ret = decode_gpr_opc(size, opc, ld);
		if (ret < 0)
			return ret;
		if (ret)	/* PRFM/PRFUM; unallocated in the other forms */
			return form == FORM_UIMM || form == FORM_REG ||
			       form == FORM_UNSCALED ? -EOPNOTSUPP : -EINVAL;
	}

	switch (form) {
	case FORM_UIMM:
		ld->imm = (s64)A64_FIELD(insn, 21, 10) << scale;
		break;
	case FORM_REG:
		ld->extend = A64_FIELD(insn, 15, 13);
		if (!(ld->extend & 2))
			return -EINVAL;
		ld->reg_offset = true;
		ld->rm = A64_FIELD(insn, 20, 16);
		ld->shift = A64_FLAG(insn, 12) ? scale : 0;
		break;
	default:
		ld->imm = sign_extend64(A64_FIELD(insn, 20, 12), 9);
		ld->unprivileged = form == FORM_UNPRIV;
		if (form == FORM_PRE)
			ld->index = A64_INDEX_PRE;
		else if (form == FORM_POST)
			ld->index = A64_INDEX_POST;
		break;
	}
	return writeback_hazard(ld) ? -EINVAL : 0;
}

static int decode_reg_group(u32 insn, struct a64_ldst *ld)
{
	static const enum single_form imm9_forms[] = {
		FORM_UNSCALED, FORM_POST, FORM_UNPRIV, FORM_PRE,
	};
	unsigned int op4 = A64_FIELD(insn, 11, 10);

	if (!A64_FLAG(insn, 21))
		return decode_single(insn, imm9_forms[op4], ld);
	if (op4 == 2)
		return decode_single(insn, FORM_REG, ld);
	return -EOPNOTSUPP;	/* atomics, LDRAA/LDRAB */
}

static int decode_pair(u32 insn, struct a64_ldst *ld)
{
	static const enum a64_index indexes[] = {
		A64_INDEX_NONE, A64_INDEX_POST, A64_INDEX_NONE, A64_INDEX_PRE,
	};
	unsigned int opc = A64_FIELD(insn, 31, 30);
	unsigned int idx = A64_FIELD(insn, 24, 23);
	unsigned int scale;

	ld->load = A64_FLAG(insn, 22);
	if (A64_FLAG(insn, 26)) {
		if (opc == 3)
			return -EINVAL;
		ld->simd = true;
		scale = 2 + opc;
	} else {
		switch (opc) {
		case 0:
			scale = 2;
			ld->dest_bits = 32;
			break;
		case 1:		/* LDPSW; STGP (MTE) when L == 0 */
			if (!ld->load)
				return idx ? -EOPNOTSUPP : -EINVAL;
			if (!idx)
				return -EINVAL;
			scale = 2;
			ld->sign_extend = true;
			ld->dest_bits = 64;
			break;
		case 2:
			scale = 3;
			ld->dest_bits = 64;
			break;
		default:
			return -EINVAL;
		}
	}
	ld->nregs = 2;
	ld->rt2 = A64_FIELD(insn, 14, 10);
	ld->size = 1u << scale;
	ld->imm = sign_extend64(A64_FIELD(insn, 21, 15), 7) * (s64)ld->size;
	ld->index = indexes[idx];
	if (ld->load && ld->rt == ld->rt2)
		return -EINVAL;
	return writeback_hazard(ld) ? -EINVAL : 0;
}

/* LDAR/STLR and the LORegion LDLAR/STLLR; exclusives and CAS are refused. */
static int decode_ordered(u32 insn, struct a64_ldst *ld)
{
	unsigned int size = A64_FIELD(insn, 31, 30);

	if (!A64_FLAG(insn, 23) || A64_FLAG(insn, 21))
		return -EOPNOTSUPP;
	if (A64_FIELD(insn, 20, 16) != 31 || A64_FIELD(insn, 14, 10) != 31)
		return -EINVAL;
	ld->size = 1u << size;
	ld->load = A64_FLAG(insn, 22);
	ld->dest_bits = size == 3 ? 64 : 32;
	ld->ordered = true;
	return 0;
}

static int decode_ldapr(u32 insn, struct a64_ldst *ld)
{
	unsigned int size = A64_FIELD(insn, 31, 30);

	ld->size = 1u << size;
	ld->load = true;
	ld->dest_bits = size == 3 ? 64 : 32;
	ld->ordered = true;
	return 0;
}

static int decode_rcpc_imm(u32 insn, struct a64_ldst *ld)
{
	int ret = decode_gpr_opc(A64_FIELD(insn, 31, 30), A64_FIELD(insn, 23, 22), ld);

	if (ret)
		return -EINVAL;	/* size 3 with opc 2 is unallocated here */
	ld->imm = sign_extend64(A64_FIELD(insn, 20, 12), 9);
	ld->ordered = true;
	return 0;
}

int a64_decode_ldst(u32 insn, struct a64_ldst *ld)
{
	memset(ld, 0, sizeof(*ld));
	ld->rt = A64_FIELD(insn, 4, 0);
	ld->rn = A64_FIELD(insn, 9, 5);
	ld->nregs = 1;

	/* Bit 27 set and bit 25 clear: the loads and stores group. */
	if ((insn & 0x0a000000u) != 0x08000000u)
		return -EINVAL;
	if ((insn & A64_LDAPR_MASK) == A64_LDAPR)
		return decode_ldapr(insn, ld);
	if ((insn & A64_LDST_UIMM_MASK) == A64_LDST_UIMM)
		return decode_single(insn, FORM_UIMM, ld);
	if ((insn & A64_LDST_REG_MASK) == A64_LDST_REG)
		return decode_reg_group(insn, ld);
	if ((insn & A64_LDST_PAIR_MASK) == A64_LDST_PAIR)
		return decode_pair(insn, ld);
	if ((insn & A64_LDST_ORDERED_MASK) == A64_LDST_ORDERED)
		return decode_ordered(insn, ld);
	if ((insn & A64_RCPC_IMM_MASK) == A64_RCPC_IMM)
		return decode_rcpc_imm(insn, ld);
	/* Literal loads, LD1-LD4/ST1-ST4 structures, MTE tag accesses, ... */
	return -EOPNOTSUPP;
}

u64 a64_ldst_address(const struct a64_ldst *ld, u64 base, u64 offset_reg, u64 *new_base)
{
	u64 offset = (u64)ld->imm;

	if (ld->reg_offset) {
		switch (ld->extend) {
		case A64_EXTEND_UXTW:
			offset = (u32)offset_reg;
			break;
		case A64_EXTEND_SXTW:
			offset = (u64)(s64)(s32)(u32)offset_reg;
			break;
		default:
			offset = offset_reg;
			break;
		}
		offset <<= ld->shift;
	}
	*new_base = ld->index == A64_INDEX_NONE ? base : base + offset;
	return ld->index == A64_INDEX_POST ? base : base + offset;
}

u64 a64_ldst_extend(const struct a64_ldst *ld, u64 raw)
{
	unsigned int bits = ld->size * 8;
	u64 value = bits >= 64 ? raw : raw & ((1ull << bits) - 1);

	if (ld->sign_extend && bits < 64)
		value = (u64)sign_extend64(value, bits);
	if (ld->dest_bits == 32)
		value &= 0xffffffffull;
	return value;
}
