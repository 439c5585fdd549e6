// SPDX-License-Identifier: GPL-2.0
/*
 * test_a64_ldst - the shared A64 load/store decoder against its truth table
 * (every class, size, index mode; unallocated and unsupported encodings),
 * its address and extension arithmetic, and invariants over random words.
 */
#include <stdlib.h>

#include "../../common/a64_ldst.h"
#include "a64_ldst_cases.h"
#include "tap.h"

#define N_CASES (sizeof(ldst_cases) / sizeof(ldst_cases[0]))

static int same_decode(const struct a64_ldst *got, const struct a64_ldst *want)
{
	return got->rt == want->rt && got->rt2 == want->rt2 && got->rn == want->rn &&
	       got->rm == want->rm && got->nregs == (want->nregs ? want->nregs : 1) &&
	       got->size == want->size && got->dest_bits == want->dest_bits &&
	       got->load == want->load && got->simd == want->simd &&
	       got->sign_extend == want->sign_extend && got->reg_offset == want->reg_offset &&
	       got->ordered == want->ordered && got->unprivileged == want->unprivileged &&
	       got->extend == want->extend && got->shift == want->shift &&
	       got->index == want->index && got->imm == want->imm;
}

static void check_table(void)
{
	struct a64_ldst ld;
	size_t i;

	for (i = 0; i < N_CASES; i++) {
		const struct ldst_case *c = &ldst_cases[i];
		int ret = a64_decode_ldst(c->insn, &ld);

		if (c->ret)
			ok(ret == c->ret, "%-32s 0x%08x refused with %d (got %d)", c->text,
			   c->insn, c->ret, ret);
		else
			ok(ret == 0 && same_decode(&ld, &c->want),
			   "%-32s 0x%08x decodes (ret %d, size %u, imm %lld)", c->text, c->insn,
			   ret, ld.size, (long long)ld.imm);
	}
}

static void check_addresses(void)
{
	struct a64_ldst ld;
	u64 wb;

	a64_decode_ldst(0xb8008d09, &ld);	/* str w9, [x8, #8]! */
	ok(a64_ldst_address(&ld, 0x1000, 0, &wb) == 0x1008 && wb == 0x1008,
	   "pre-index: access at base+imm, base written back");
	a64_decode_ldst(0xf85f8441, &ld);	/* ldr x1, [x2], #-8 */
	ok(a64_ldst_address(&ld, 0x1000, 0, &wb) == 0x1000 && wb == 0xff8,
	   "post-index: access at base, base+imm written back");
	a64_decode_ldst(0xb9400441, &ld);	/* ldr w1, [x2, #4] */
	ok(a64_ldst_address(&ld, 0x1000, 0, &wb) == 0x1004 && wb == 0x1000,
	   "offset: no writeback");
	a64_decode_ldst(0xb863d841, &ld);	/* ldr w1, [x2, w3, sxtw #2] */
	ok(a64_ldst_address(&ld, 0x1000, 0xfffffffffffffffeull, &wb) == 0xff8,
	   "sxtw #2: -2 from the low word, scaled");
	ok(a64_ldst_address(&ld, 0x1000, 0x00000001fffffffeull, &wb) == 0xff8,
	   "sxtw ignores the offset register's high word");
	a64_decode_ldst(0x38234841, &ld);	/* strb w1, [x2, w3, uxtw] */
	ok(a64_ldst_address(&ld, 0x1000, 0xffffffff00000010ull, &wb) == 0x1010,
	   "uxtw zero-extends the low word");
	a64_decode_ldst(0xf8637841, &ld);	/* ldr x1, [x2, x3, lsl #3] */
	ok(a64_ldst_address(&ld, 0x1000, 2, &wb) == 0x1010, "lsl #3 scales by 8");
	a64_decode_ldst(0xa9bf7bfd, &ld);	/* stp x29, x30, [sp, #-16]! */
	ok(a64_ldst_address(&ld, 0x0, 0, &wb) == 0xfffffffffffffff0ull && wb == 0xfffffffffffffff0ull,
	   "address arithmetic wraps at 2^64 like the CPU's");
}

static void check_extend(void)
{
	struct a64_ldst ld;

	a64_decode_ldst(0x39800cc5, &ld);	/* ldrsb x5, [x6, #3] */
	ok(a64_ldst_extend(&ld, 0x80) == 0xffffffffffffff80ull, "ldrsb Xt sign-extends to 64");
	a64_decode_ldst(0x39c000c5, &ld);	/* ldrsb w5, [x6] */
	ok(a64_ldst_extend(&ld, 0x80) == 0xffffff80ull, "ldrsb Wt sign-extends to 32, upper zero");
	a64_decode_ldst(0x79400483, &ld);	/* ldrh w3, [x4, #2] */
	ok(a64_ldst_extend(&ld, 0xdead8001) == 0x8001, "ldrh zero-extends and drops extra bytes");
	a64_decode_ldst(0xb9800441, &ld);	/* ldrsw x1, [x2, #4] */
	ok(a64_ldst_extend(&ld, 0x7fffffff) == 0x7fffffff, "ldrsw of a positive word");
	a64_decode_ldst(0xf97ffc41, &ld);	/* ldr x1, [x2, #32760] */
	ok(a64_ldst_extend(&ld, ~0ull) == ~0ull, "64-bit loads pass through");
}

/* Whatever the word, a decode that succeeds describes a possible access. */
static void check_invariants(void)
{
	unsigned long bad = 0, decoded = 0;
	struct a64_ldst ld;
	unsigned int seed = 12345;
	long i;

	for (i = 0; i < 2000000; i++) {
		u32 insn = (u32)rand_r(&seed) ^ ((u32)rand_r(&seed) << 16);

		insn = (insn & ~0x0a000000u) | 0x08000000u;	/* the load/store group */
		if (a64_decode_ldst(insn, &ld))
			continue;
		decoded++;
		bad += !(ld.size == 1 || ld.size == 2 || ld.size == 4 || ld.size == 8 ||
			 ld.size == 16) ||
		       !(ld.nregs == 1 || ld.nregs == 2) || ld.rt > 31 || ld.rt2 > 31 ||
		       ld.rn > 31 || ld.rm > 31 || (ld.size == 16 && !ld.simd) ||
		       (!ld.simd && ld.load && ld.dest_bits != 32 && ld.dest_bits != 64) ||
		       (!ld.simd && ld.load && ld.size * 8 > ld.dest_bits) ||
		       (ld.load && ld.nregs == 2 && ld.rt == ld.rt2) ||
		       (ld.index != A64_INDEX_NONE && !ld.simd && ld.rn != 31 &&
			(ld.rt == ld.rn || (ld.nregs == 2 && ld.rt2 == ld.rn)));
	}
	ok(decoded > 100000 && bad == 0,
	   "2M random load/store words: %lu decoded, %lu break an invariant", decoded, bad);
}

int main(void)
{
	check_table();
	check_addresses();
	check_extend();
	check_invariants();
	return tap_done();
}
