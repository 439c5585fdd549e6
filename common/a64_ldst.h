/* SPDX-License-Identifier: GPL-2.0 */
/*
 * a64_ldst.h - decode the A64 load/store instructions that can fault on
 * device memory without a syndrome (ESR_EL2.ISV == 0).
 *
 * Decoded: LDR/STR of every size and sign extension in the unsigned-offset,
 * unscaled (LDUR/STUR), unprivileged (LDTR/STTR), register-offset, pre- and
 * post-index forms; LDP/STP/LDNP/STNP/LDPSW in every index mode; the SIMD&FP
 * forms of both (B/H/S/D/Q, S/D/Q pairs); LDAR/STLR, LDLAR/STLLR, LDAPR and
 * LDAPUR/STLUR.  Everything else is refused: -EINVAL for encodings the
 * architecture leaves unallocated or CONSTRAINED UNPREDICTABLE (writeback
 * onto a transfer register, LDP into one register twice), -EOPNOTSUPP for
 * valid instructions that cannot be emulated as plain accesses (exclusives,
 * atomics, prefetch, LD1-style structures, literal loads, MTE, LDRAA).
 */
#ifndef VMK_A64_LDST_H
#define VMK_A64_LDST_H

#include "vmk_types.h"

enum a64_index {
	A64_INDEX_NONE,		/* [Xn, offset]: no writeback */
	A64_INDEX_PRE,		/* [Xn, #imm]!: access at Xn + imm, Xn += imm */
	A64_INDEX_POST,		/* [Xn], #imm: access at Xn, Xn += imm */
};

/* Register-offset extends, as the instruction's option field encodes them. */
enum a64_extend {
	A64_EXTEND_UXTW = 2,
	A64_EXTEND_LSL = 3,	/* UXTX */
	A64_EXTEND_SXTW = 6,
	A64_EXTEND_SXTX = 7,
};

#define A64_REG_ZR_OR_SP 31	/* XZR as a transfer or offset register, SP as a base */

struct a64_ldst {
	u8 rt;			/* first transfer register */
	u8 rt2;			/* second one, for pairs */
	u8 rn;			/* base register; 31 is SP */
	u8 rm;			/* offset register, if reg_offset; 31 is XZR */
	u8 nregs;		/* 1, or 2 for pairs */
	u8 size;		/* bytes per register: 1, 2, 4, 8 or 16 */
	u8 dest_bits;		/* GPR loads: 32 (Wt) or 64 (Xt) */
	bool load;
	bool simd;		/* transfer registers are SIMD&FP (Vt) */
	bool sign_extend;	/* loads: sign-extend from size to dest_bits */
	bool reg_offset;	/* offset is extend(Xm) << shift, not imm */
	bool ordered;		/* acquire/release (no effect on emulation) */
	bool unprivileged;	/* LDTR/STTR */
	u8 extend;		/* enum a64_extend, if reg_offset */
	u8 shift;		/* if reg_offset */
	enum a64_index index;
	s64 imm;		/* byte offset, already scaled */
};

/* 0 with @ld filled, or -EINVAL / -EOPNOTSUPP (see above). */
int a64_decode_ldst(u32 insn, struct a64_ldst *ld);

/*
 * The address of the first byte accessed, given the base register's value
 * and (for reg_offset) the offset register's; *new_base is the base after
 * writeback (equal to @base when there is none).
 */
u64 a64_ldst_address(const struct a64_ldst *ld, u64 base, u64 offset_reg, u64 *new_base);

/* A loaded value of ld->size bytes, extended as the load defines for a GPR. */
u64 a64_ldst_extend(const struct a64_ldst *ld, u64 raw);

#endif
