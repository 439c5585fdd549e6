/* SPDX-License-Identifier: GPL-2.0 */
/*
 * s1_walk.h - translate a guest virtual address to an IPA the way the
 * guest's EL1&0 stage-1 MMU does: 4K, 16K and 64K granules, TTBR0/TTBR1,
 * top-byte-ignore, blocks at every level the architecture allows, the
 * access flag, with 48-bit output addresses.  Where the architecture leaves
 * a choice (a reserved TGn, a TTBR's RES0 low bits) it follows what QEMU's
 * CPU does, which tests/kselftest/hostile_test holds it against shape by
 * shape: a reserved TGn is 4K, the first table is aligned to its size.
 *
 * Guest page tables are hostile input.  The walk reads at most one
 * descriptor per level (four at most), checks every address it reads or
 * returns against the configured PA size, and reads only through the
 * caller's callback, which decides what guest memory is readable.
 */
#ifndef VMK_S1_WALK_H
#define VMK_S1_WALK_H

#include "vmk_types.h"

/* The guest's translation registers, as KVM_GET_ONE_REG returns them. */
struct s1_regs {
	u64 sctlr;	/* SCTLR_EL1: M (bit 0) turns the MMU on */
	u64 tcr;	/* TCR_EL1 */
	u64 ttbr0;	/* TTBR0_EL1 */
	u64 ttbr1;	/* TTBR1_EL1 */
};

/* Read the 8-byte descriptor at @ipa: 0, or -EFAULT when it is not RAM. */
typedef int (*s1_read_desc_fn)(void *ctx, u64 ipa, u64 *desc);

struct s1_result {
	u64 ipa;
	u64 span;	/* bytes from the VA to the end of its page or block */
};

/*
 * 0 with @res filled; -EFAULT for a translation or address-size fault the
 * guest's MMU would raise too; -EIO when a descriptor is not in RAM;
 * -EOPNOTSUPP for configurations not modelled: 52-bit inputs (LVA), LPA2's
 * descriptors (TCR.DS), 64K level-1 blocks and 64K with a 52-bit IPS
 * (FEAT_LPA).  An access flag of 0
 * faults unless TCR.HA lets the MMU set it (the walk does not write it).
 */
int s1_translate(const struct s1_regs *regs, u64 va, s1_read_desc_fn read_desc, void *ctx,
		 struct s1_result *res);

#endif
