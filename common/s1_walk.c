// SPDX-License-Identifier: GPL-2.0
/*
 * s1_walk.c - the guest stage-1 walker (see s1_walk.h).  Follows the Arm
 * ARM's VMSAv8-64 translation process (D8.2, DDI 0487K).
 */
#include "s1_walk.h"

#define SCTLR_M			BIT_ULL(0)
#define TCR_T0SZ		GENMASK_ULL(5, 0)
#define TCR_EPD0		BIT_ULL(7)
#define TCR_TG0			GENMASK_ULL(15, 14)
#define TCR_T1SZ		GENMASK_ULL(21, 16)
#define TCR_EPD1		BIT_ULL(23)
#define TCR_TG1			GENMASK_ULL(31, 30)
#define TCR_IPS			GENMASK_ULL(34, 32)
#define TCR_TBI0		BIT_ULL(37)
#define TCR_TBI1		BIT_ULL(38)
#define TCR_HA			BIT_ULL(39)
#define TCR_DS			BIT_ULL(59)

#define DESC_VALID		BIT_ULL(0)
#define DESC_TABLE_OR_PAGE	BIT_ULL(1)
#define DESC_AF			BIT_ULL(10)
#define OA_BITS_MAX		48
#define MIN_TXSZ		16	/* 48-bit inputs; 52-bit (LPA2/LVA) not modelled */
#define MAX_TXSZ		48

static const unsigned int ips_bits[8] = { 32, 36, 40, 42, 44, 48, 48, 48 };

/*
 * Granule shift from TG0 (00 4K, 01 64K, 10 16K) or TG1 (01 16K, 10 4K,
 * 11 64K).  A reserved encoding selects an IMPLEMENTATION DEFINED granule
 * the CPU has, and does not fault (Arm ARM, TCR_EL1.TGn): 4K here, as QEMU
 * and Arm's cores choose.  Apple's choice is not published.
 */
static unsigned int granule_shift(bool upper, unsigned int tg)
{
	static const unsigned int tg0[4] = { 12, 16, 14, 12 };
	static const unsigned int tg1[4] = { 12, 14, 12, 16 };

	return upper ? tg1[tg] : tg0[tg];
}

/*
 * A block descriptor at @level: 0 when the architecture allows it without
 * LPA2 (4K: levels 1-2; 16K and 64K: level 2), -EOPNOTSUPP for a 64K
 * level-1 block (4 TiB, only with FEAT_LPA, not modelled), else -EFAULT.
 */
static int block_allowed(unsigned int gshift, int level)
{
	if (gshift == 16 && level == 1)
		return -EOPNOTSUPP;
	if (gshift == 12 ? level == 1 || level == 2 : level == 2)
		return 0;
	return -EFAULT;
}

int s1_translate(const struct s1_regs *regs, u64 va, s1_read_desc_fn read_desc, void *ctx,
		 struct s1_result *res)
{
	bool upper = (va >> 55) & 1;
	u64 tcr = regs->tcr;
	unsigned int txsz = upper ? FIELD_GET(TCR_T1SZ, tcr) : FIELD_GET(TCR_T0SZ, tcr);
	bool tbi = tcr & (upper ? TCR_TBI1 : TCR_TBI0);
	unsigned int tg = upper ? FIELD_GET(TCR_TG1, tcr) : FIELD_GET(TCR_TG0, tcr);
	unsigned int gshift = granule_shift(upper, tg);
	unsigned int pa_bits = ips_bits[FIELD_GET(TCR_IPS, tcr)];
	u64 pa_limit = 1ull << pa_bits;
	u64 oa_mask, table, table_bytes, top, want_top;
	unsigned int inputsize, stride;
	int level;

	if (!(regs->sctlr & SCTLR_M)) {
		/* MMU off: flat, limited by the PA size. */
		if (va >= (1ull << OA_BITS_MAX))
			return -EFAULT;
		res->ipa = va;
		res->span = (1ull << OA_BITS_MAX) - va;
		return 0;
	}
	if (tcr & (upper ? TCR_EPD1 : TCR_EPD0))
		return -EFAULT;
	if (gshift != 16 && (tcr & TCR_DS))
		return -EOPNOTSUPP;	/* LPA2's descriptor format */
	/* 52-bit PAs: FEAT_LPA moves PA[51:48] into the TTBR and descriptors. */
	if (gshift == 16 && FIELD_GET(TCR_IPS, tcr) >= 6)
		return -EOPNOTSUPP;
	if (txsz < MIN_TXSZ)
		return -EOPNOTSUPP;
	if (txsz > MAX_TXSZ)
		return -EFAULT;
	inputsize = 64 - txsz;

	/* Bits above the input size must all equal bit 55 (top byte too, unless TBI). */
	top = va >> inputsize;
	if (tbi)
		top &= (1ull << (56 - inputsize)) - 1;
	want_top = upper ? (tbi ? (1ull << (56 - inputsize)) - 1 : ~0ull >> inputsize) : 0;
	if (top != want_top)
		return -EFAULT;

	stride = gshift - 3;
	level = 4 - (int)((inputsize - gshift + stride - 1) / stride);
	oa_mask = ((1ull << OA_BITS_MAX) - 1) & ~((1ull << gshift) - 1);
	if (level < 0)
		return -EOPNOTSUPP;
	/*
	 * The first table is aligned to its size: BADDR's bits below that are
	 * RES0, and (as QEMU does) ignored, which also drops CnP (bit 0).
	 */
	table_bytes = 8ull << (inputsize - (gshift + (3 - level) * stride));
	table = (upper ? regs->ttbr1 : regs->ttbr0) & ((1ull << OA_BITS_MAX) - 1) &
		~(table_bytes - 1);

	for (; level <= 3; level++) {
		unsigned int shift = gshift + (3 - level) * stride;
		unsigned int bits = shift + stride > inputsize ? inputsize - shift : stride;
		u64 index = (va >> shift) & ((1ull << bits) - 1);
		u64 desc, block;

		if (table >= pa_limit)
			return -EFAULT;
		if (read_desc(ctx, table + index * 8, &desc))
			return -EIO;
		if (!(desc & DESC_VALID))
			return -EFAULT;
		if (level < 3 && (desc & DESC_TABLE_OR_PAGE)) {
			table = desc & oa_mask;
			continue;
		}
		if (level == 3 && !(desc & DESC_TABLE_OR_PAGE))
			return -EFAULT;
		if (level < 3) {
			int ret = block_allowed(gshift, level);

			if (ret)
				return ret;
		}
		/* No access flag: the MMU faults, unless it sets the flag itself (HA). */
		if (!(desc & DESC_AF) && !(tcr & TCR_HA))
			return -EFAULT;
		block = 1ull << shift;
		res->ipa = (desc & oa_mask & ~(block - 1)) | (va & (block - 1));
		res->span = block - (va & (block - 1));
		return res->ipa >= pa_limit ? -EFAULT : 0;
	}
	return -EFAULT;		/* not reached: level 3 always returns */
}
