/* SPDX-License-Identifier: GPL-2.0 */
/*
 * a64_emulate.h - complete a load/store that faulted without a syndrome:
 * fetch the instruction at the guest PC, decode it, translate each access
 * with the stage-1 walker (splitting at page boundaries), perform it through
 * the caller's memory callbacks, then update the transfer registers and the
 * base register.  Registers change only after every access succeeded.
 *
 * The same code runs in the launcher (callbacks over KVM_GET/SET_ONE_REG
 * and the device models) and in the module (callbacks over the vCPU's own
 * context and guest memory).
 */
#ifndef VMK_A64_EMULATE_H
#define VMK_A64_EMULATE_H

#include "a64_ldst.h"
#include "s1_walk.h"

struct a64_emu_ops {
	/* Xn for n < 31; n == 31 is the current stack pointer (bases only). */
	u64 (*get_gpr)(void *ctx, unsigned int n);
	void (*set_gpr)(void *ctx, unsigned int n, u64 value);
	void (*get_vreg)(void *ctx, unsigned int n, u8 value[16]);
	void (*set_vreg)(void *ctx, unsigned int n, const u8 value[16]);
	/* Guest memory or device at an IPA: 0, or a negative errno. */
	int (*read)(void *ctx, u64 ipa, void *buf, unsigned int len);
	int (*write)(void *ctx, u64 ipa, const void *buf, unsigned int len);
	/* Page-table reads: guest RAM only. */
	s1_read_desc_fn read_desc;
};

#define A64_MAX_CHUNKS 4	/* two registers, each split at most once */

/*
 * One emulated instruction: what to access, and the bytes moved.  Chunk i
 * covers data[] from the sum of the earlier chunks' lengths on: the
 * registers' bytes in order, little-endian, split where pages end.
 */
struct a64_emu_info {
	u32 insn;
	struct a64_ldst ld;
	u64 va;			/* address of the first byte */
	u64 new_base;		/* the base register after writeback */
	unsigned int len;	/* bytes in all chunks */
	unsigned int nchunks;	/* accesses to perform */
	u64 chunk_ipa[A64_MAX_CHUNKS];
	u8 chunk_len[A64_MAX_CHUNKS];
	u8 data[32];		/* stores: what to write; loads: what was read */
};

/*
 * Read the instruction at @pc.  0, -EFAULT (translation), -EIO (not RAM),
 * or -EINVAL (misaligned PC).
 */
int a64_fetch_insn(const struct a64_emu_ops *ops, void *ctx, const struct s1_regs *mmu,
		   u64 pc, u32 *insn);

/*
 * Emulate @insn.  0 on success (the caller advances the PC); -EINVAL or
 * -EOPNOTSUPP when it is not an emulatable load/store (or the guest runs
 * big-endian); -EFAULT when an address does not translate; otherwise the
 * memory callback's error.  On error no register has changed.
 */
int a64_emulate_ldst(const struct a64_emu_ops *ops, void *ctx, const struct s1_regs *mmu,
		     u32 insn, struct a64_emu_info *info);

/*
 * The same in three steps, for callers that cannot perform every access at
 * once (the module completes some through userspace exits):
 * a64_emulate_plan() decodes @insn, translates every chunk and, for stores,
 * gathers the data, touching no register and no memory (-EINVAL,
 * -EOPNOTSUPP or -EFAULT as above; -EIO when a page-table read fails);
 * the caller then performs the chunks, filling data[] for loads;
 * a64_emulate_commit() writes the transfer and base registers.
 */
int a64_emulate_plan(const struct a64_emu_ops *ops, void *ctx, const struct s1_regs *mmu,
		     u32 insn, struct a64_emu_info *info);
void a64_emulate_commit(const struct a64_emu_ops *ops, void *ctx,
			const struct a64_emu_info *info);

#endif
