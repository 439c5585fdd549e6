/* SPDX-License-Identifier: GPL-2.0 */
/*
 * a64_ldst_cases.h - the decoder's truth table: assembler text, its
 * encoding, and the decode it must give.  scripts/check-a64-cases.sh
 * assembles every text with the aarch64 assembler and checks the encodings.
 * Encodings written as ".inst" are ones no assembler emits: unallocated or
 * CONSTRAINED UNPREDICTABLE, which the decoder must refuse.
 */
#define L .load = true
#define S .simd = true
#define SX .sign_extend = true
#define PAIR .nregs = 2
#define PRE .index = A64_INDEX_PRE
#define POST .index = A64_INDEX_POST
#define ORD .ordered = true
#define REG(m, ext, sh) .reg_offset = true, .rm = (m), .extend = A64_EXTEND_##ext, .shift = (sh)

struct ldst_case {
	const char *text;
	u32 insn;
	int ret;
	struct a64_ldst want;
};

static const struct ldst_case ldst_cases[] = {
	/* LDR/STR (unsigned offset), every size and extension */
	{ "ldr w1, [x2, #4]", 0xb9400441, 0, { .rt = 1, .rn = 2, .size = 4, .dest_bits = 32, L, .imm = 4 } },
	{ "ldr x1, [x2, #32760]", 0xf97ffc41, 0, { .rt = 1, .rn = 2, .size = 8, .dest_bits = 64, L, .imm = 32760 } },
	{ "ldrb w3, [x4, #4095]", 0x397ffc83, 0, { .rt = 3, .rn = 4, .size = 1, .dest_bits = 32, L, .imm = 4095 } },
	{ "ldrh w3, [x4, #2]", 0x79400483, 0, { .rt = 3, .rn = 4, .size = 2, .dest_bits = 32, L, .imm = 2 } },
	{ "ldrsb x5, [x6, #3]", 0x39800cc5, 0, { .rt = 5, .rn = 6, .size = 1, .dest_bits = 64, L, SX, .imm = 3 } },
	{ "ldrsb w5, [x6]", 0x39c000c5, 0, { .rt = 5, .rn = 6, .size = 1, .dest_bits = 32, L, SX } },
	{ "ldrsh x1, [x2, #2]", 0x79800441, 0, { .rt = 1, .rn = 2, .size = 2, .dest_bits = 64, L, SX, .imm = 2 } },
	{ "ldrsh w1, [x2]", 0x79c00041, 0, { .rt = 1, .rn = 2, .size = 2, .dest_bits = 32, L, SX } },
	{ "ldrsw x1, [x2, #4]", 0xb9800441, 0, { .rt = 1, .rn = 2, .size = 4, .dest_bits = 64, L, SX, .imm = 4 } },
	{ "str w9, [x8, #128]", 0xb9008109, 0, { .rt = 9, .rn = 8, .size = 4, .imm = 128 } },
	{ "strb wzr, [sp]", 0x390003ff, 0, { .rt = 31, .rn = 31, .size = 1 } },
	{ "strh w1, [x2, #8190]", 0x793ffc41, 0, { .rt = 1, .rn = 2, .size = 2, .imm = 8190 } },
	{ "str x1, [x2, #8]", 0xf9000441, 0, { .rt = 1, .rn = 2, .size = 8, .imm = 8 } },
	/* pre/post index: macOS 13's GIC redistributor setup does the first */
	{ "str w9, [x8, #128]!", 0xb8080d09, 0, { .rt = 9, .rn = 8, .size = 4, .imm = 128, PRE } },
	{ "str x1, [sp, #-16]!", 0xf81f0fe1, 0, { .rt = 1, .rn = 31, .size = 8, .imm = -16, PRE } },
	{ "ldr x1, [x2], #-8", 0xf85f8441, 0, { .rt = 1, .rn = 2, .size = 8, .dest_bits = 64, L, .imm = -8, POST } },
	{ "ldrsw x1, [x2, #255]!", 0xb88ffc41, 0, { .rt = 1, .rn = 2, .size = 4, .dest_bits = 64, L, SX, .imm = 255, PRE } },
	{ "ldrsb w1, [x2], #-256", 0x38d00441, 0, { .rt = 1, .rn = 2, .size = 1, .dest_bits = 32, L, SX, .imm = -256, POST } },
	{ "strh w1, [x2], #2", 0x78002441, 0, { .rt = 1, .rn = 2, .size = 2, .imm = 2, POST } },
	{ "ldr x2, [x2]", 0xf9400042, 0, { .rt = 2, .rn = 2, .size = 8, .dest_bits = 64, L } },
	/* unscaled, unprivileged */
	{ "ldur w1, [x2, #-3]", 0xb85fd041, 0, { .rt = 1, .rn = 2, .size = 4, .dest_bits = 32, L, .imm = -3 } },
	{ "stur x1, [x2, #255]", 0xf80ff041, 0, { .rt = 1, .rn = 2, .size = 8, .imm = 255 } },
	{ "ldursw x1, [x2, #-256]", 0xb8900041, 0, { .rt = 1, .rn = 2, .size = 4, .dest_bits = 64, L, SX, .imm = -256 } },
	{ "ldursh w1, [x2, #1]", 0x78c01041, 0, { .rt = 1, .rn = 2, .size = 2, .dest_bits = 32, L, SX, .imm = 1 } },
	{ "ldtr w1, [x2, #4]", 0xb8404841, 0, { .rt = 1, .rn = 2, .size = 4, .dest_bits = 32, L, .imm = 4, .unprivileged = true } },
	{ "sttrb w1, [x2]", 0x38000841, 0, { .rt = 1, .rn = 2, .size = 1, .unprivileged = true } },
	{ "ldtrsw x1, [x2, #-4]", 0xb89fc841, 0, { .rt = 1, .rn = 2, .size = 4, .dest_bits = 64, L, SX, .imm = -4, .unprivileged = true } },
	/* register offset */
	{ "ldr w1, [x2, x3]", 0xb8636841, 0, { .rt = 1, .rn = 2, .size = 4, .dest_bits = 32, L, REG(3, LSL, 0) } },
	{ "ldr x1, [x2, x3, lsl #3]", 0xf8637841, 0, { .rt = 1, .rn = 2, .size = 8, .dest_bits = 64, L, REG(3, LSL, 3) } },
	{ "ldr w1, [x2, w3, sxtw #2]", 0xb863d841, 0, { .rt = 1, .rn = 2, .size = 4, .dest_bits = 32, L, REG(3, SXTW, 2) } },
	{ "strb w1, [x2, w3, uxtw]", 0x38234841, 0, { .rt = 1, .rn = 2, .size = 1, REG(3, UXTW, 0) } },
	{ "ldrsh x1, [x2, x3, sxtx #1]", 0x78a3f841, 0, { .rt = 1, .rn = 2, .size = 2, .dest_bits = 64, L, SX, REG(3, SXTX, 1) } },
	{ "str x1, [sp, xzr]", 0xf83f6be1, 0, { .rt = 1, .rn = 31, .size = 8, REG(31, LSL, 0) } },
	/* SIMD&FP single */
	{ "ldr b1, [x2, #1]", 0x3d400441, 0, { .rt = 1, .rn = 2, .size = 1, S, L, .imm = 1 } },
	{ "ldr h1, [x2, #2]", 0x7d400441, 0, { .rt = 1, .rn = 2, .size = 2, S, L, .imm = 2 } },
	{ "ldr s1, [x2, #4]", 0xbd400441, 0, { .rt = 1, .rn = 2, .size = 4, S, L, .imm = 4 } },
	{ "ldr d1, [x2, #8]", 0xfd400441, 0, { .rt = 1, .rn = 2, .size = 8, S, L, .imm = 8 } },
	{ "ldr q1, [x2, #16]", 0x3dc00441, 0, { .rt = 1, .rn = 2, .size = 16, S, L, .imm = 16 } },
	{ "str q31, [x0, #-16]!", 0x3c9f0c1f, 0, { .rt = 31, .rn = 0, .size = 16, S, .imm = -16, PRE } },
	{ "str d0, [x1], #8", 0xfc008420, 0, { .rt = 0, .rn = 1, .size = 8, S, .imm = 8, POST } },
	{ "ldur q1, [x2, #-1]", 0x3cdff041, 0, { .rt = 1, .rn = 2, .size = 16, S, L, .imm = -1 } },
	{ "ldr q1, [x2, x3, lsl #4]", 0x3ce37841, 0, { .rt = 1, .rn = 2, .size = 16, S, L, REG(3, LSL, 4) } },
	{ "str s2, [x2, #4]!", 0xbc004c42, 0, { .rt = 2, .rn = 2, .size = 4, S, .imm = 4, PRE } },
	/* pairs */
	{ "ldp w1, w2, [x3, #8]", 0x29410861, 0, { .rt = 1, .rt2 = 2, .rn = 3, PAIR, .size = 4, .dest_bits = 32, L, .imm = 8 } },
	{ "ldp x1, x2, [x3, #-16]!", 0xa9ff0861, 0, { .rt = 1, .rt2 = 2, .rn = 3, PAIR, .size = 8, .dest_bits = 64, L, .imm = -16, PRE } },
	{ "stp x29, x30, [sp, #-512]!", 0xa9a07bfd, 0, { .rt = 29, .rt2 = 30, .rn = 31, PAIR, .size = 8, .dest_bits = 64, .imm = -512, PRE } },
	{ "ldp x1, x2, [x3], #504", 0xa8df8861, 0, { .rt = 1, .rt2 = 2, .rn = 3, PAIR, .size = 8, .dest_bits = 64, L, .imm = 504, POST } },
	{ "ldnp x1, x2, [x3, #16]", 0xa8410861, 0, { .rt = 1, .rt2 = 2, .rn = 3, PAIR, .size = 8, .dest_bits = 64, L, .imm = 16 } },
	{ "stnp w1, w2, [x3]", 0x28000861, 0, { .rt = 1, .rt2 = 2, .rn = 3, PAIR, .size = 4, .dest_bits = 32 } },
	{ "ldpsw x1, x2, [x3, #8]", 0x69410861, 0, { .rt = 1, .rt2 = 2, .rn = 3, PAIR, .size = 4, .dest_bits = 64, L, SX, .imm = 8 } },
	{ "ldpsw x1, x2, [x3], #-8", 0x68ff0861, 0, { .rt = 1, .rt2 = 2, .rn = 3, PAIR, .size = 4, .dest_bits = 64, L, SX, .imm = -8, POST } },
	{ "stp wzr, wzr, [x1]", 0x29007c3f, 0, { .rt = 31, .rt2 = 31, .rn = 1, PAIR, .size = 4, .dest_bits = 32 } },
	{ "ldp s1, s2, [x3, #8]", 0x2d410861, 0, { .rt = 1, .rt2 = 2, .rn = 3, PAIR, .size = 4, S, L, .imm = 8 } },
	{ "stp d1, d2, [x3, #-16]!", 0x6dbf0861, 0, { .rt = 1, .rt2 = 2, .rn = 3, PAIR, .size = 8, S, .imm = -16, PRE } },
	{ "ldp q1, q2, [x3, #32]", 0xad410861, 0, { .rt = 1, .rt2 = 2, .rn = 3, PAIR, .size = 16, S, L, .imm = 32 } },
	{ "ldnp q0, q1, [x2]", 0xac400440, 0, { .rt = 0, .rt2 = 1, .rn = 2, PAIR, .size = 16, S, L } },
	{ "stp q0, q1, [x2], #32", 0xac810440, 0, { .rt = 0, .rt2 = 1, .rn = 2, PAIR, .size = 16, S, .imm = 32, POST } },
	/* ordered */
	{ "ldar w1, [x2]", 0x88dffc41, 0, { .rt = 1, .rn = 2, .size = 4, .dest_bits = 32, L, ORD } },
	{ "ldar x1, [sp]", 0xc8dfffe1, 0, { .rt = 1, .rn = 31, .size = 8, .dest_bits = 64, L, ORD } },
	{ "stlr x1, [x2]", 0xc89ffc41, 0, { .rt = 1, .rn = 2, .size = 8, .dest_bits = 64, ORD } },
	{ "ldarb w1, [x2]", 0x08dffc41, 0, { .rt = 1, .rn = 2, .size = 1, .dest_bits = 32, L, ORD } },
	{ "stlrh w1, [x2]", 0x489ffc41, 0, { .rt = 1, .rn = 2, .size = 2, .dest_bits = 32, ORD } },
	{ "ldlar w1, [x2]", 0x88df7c41, 0, { .rt = 1, .rn = 2, .size = 4, .dest_bits = 32, L, ORD } },
	{ "ldapr x1, [x2]", 0xf8bfc041, 0, { .rt = 1, .rn = 2, .size = 8, .dest_bits = 64, L, ORD } },
	{ "ldaprb w1, [x2]", 0x38bfc041, 0, { .rt = 1, .rn = 2, .size = 1, .dest_bits = 32, L, ORD } },
	{ "ldapur w1, [x2, #-4]", 0x995fc041, 0, { .rt = 1, .rn = 2, .size = 4, .dest_bits = 32, L, ORD, .imm = -4 } },
	{ "stlur x1, [x2, #8]", 0xd9008041, 0, { .rt = 1, .rn = 2, .size = 8, ORD, .imm = 8 } },
	{ "ldapursb x1, [x2, #1]", 0x19801041, 0, { .rt = 1, .rn = 2, .size = 1, .dest_bits = 64, L, SX, ORD, .imm = 1 } },
	{ "ldapursh w1, [x2]", 0x59c00041, 0, { .rt = 1, .rn = 2, .size = 2, .dest_bits = 32, L, SX, ORD } },

	/* unallocated or CONSTRAINED UNPREDICTABLE: refused with -EINVAL */
	{ ".inst 0xb9c00041", 0xb9c00041, -EINVAL, { .rt = 0 } },	/* LDRSW form into Wt (size 10, opc 11) */
	{ ".inst 0x7dc00041", 0x7dc00041, -EINVAL, { .rt = 0 } },	/* SIMD opc 1x with size != 0 */
	{ ".inst 0xf8808c41", 0xf8808c41, -EINVAL, { .rt = 0 } },	/* pre-index, size 11 opc 10 */
	{ ".inst 0xf8800841", 0xf8800841, -EINVAL, { .rt = 0 } },	/* unprivileged, size 11 opc 10 */
	{ ".inst 0xb8630841", 0xb8630841, -EINVAL, { .rt = 0 } },	/* register offset, option 000 */
	{ ".inst 0xbc400841", 0xbc400841, -EINVAL, { .rt = 0 } },	/* LDTR into a SIMD register */
	{ ".inst 0xe9400861", 0xe9400861, -EINVAL, { .rt = 0 } },	/* LDP opc 11 */
	{ ".inst 0xed400861", 0xed400861, -EINVAL, { .rt = 0 } },	/* LDP SIMD opc 11 */
	{ ".inst 0x68400861", 0x68400861, -EINVAL, { .rt = 0 } },	/* LDNP opc 01 */
	{ ".inst 0xa9400461", 0xa9400461, -EINVAL, { .rt = 0 } },	/* LDP x1, x1, [x3] */
	{ ".inst 0xf8408c21", 0xf8408c21, -EINVAL, { .rt = 0 } },	/* LDR x1, [x1, #8]! */
	{ ".inst 0xa8c10821", 0xa8c10821, -EINVAL, { .rt = 0 } },	/* LDP x1, x2, [x1], #16 */
	{ ".inst 0xa9810422", 0xa9810422, -EINVAL, { .rt = 0 } },	/* STP x2, x1, [x1, #16]! */
	{ ".inst 0x88c0fc41", 0x88c0fc41, -EINVAL, { .rt = 0 } },	/* LDAR with Rs != 11111 */
	{ ".inst 0x99c00041", 0x99c00041, -EINVAL, { .rt = 0 } },	/* LDAPURSW into Wt (size 10, opc 11) */
	{ "nop", 0xd503201f, -EINVAL, { .rt = 0 } },
	{ "add x1, x2, x3", 0x8b030041, -EINVAL, { .rt = 0 } },
	{ "hvc #0", 0xd4000002, -EINVAL, { .rt = 0 } },
	{ ".inst 0x00000000", 0x00000000, -EINVAL, { .rt = 0 } },	/* UDF */

	/* valid, but not emulatable as plain accesses: -EOPNOTSUPP */
	{ "ldxr x1, [x2]", 0xc85f7c41, -EOPNOTSUPP, { .rt = 0 } },
	{ "stxr w3, x1, [x2]", 0xc8037c41, -EOPNOTSUPP, { .rt = 0 } },
	{ "ldaxp x1, x2, [x3]", 0xc87f8861, -EOPNOTSUPP, { .rt = 0 } },
	{ "ldadd x1, x2, [x3]", 0xf8210062, -EOPNOTSUPP, { .rt = 0 } },
	{ "swpal w1, w2, [x3]", 0xb8e18062, -EOPNOTSUPP, { .rt = 0 } },
	{ "cas x1, x2, [x3]", 0xc8a17c62, -EOPNOTSUPP, { .rt = 0 } },
	{ "prfm pldl1keep, [x1]", 0xf9800020, -EOPNOTSUPP, { .rt = 0 } },
	{ "prfum pldl1keep, [x1, #1]", 0xf8801020, -EOPNOTSUPP, { .rt = 0 } },
	{ "prfm pldl1keep, [x1, x2]", 0xf8a26820, -EOPNOTSUPP, { .rt = 0 } },
	{ "ld1 {v0.16b}, [x1]", 0x4c407020, -EOPNOTSUPP, { .rt = 0 } },
	{ "st1 {v0.4s, v1.4s}, [x1], #32", 0x4c9fa820, -EOPNOTSUPP, { .rt = 0 } },
	{ "ldr x1, .+8", 0x58000041, -EOPNOTSUPP, { .rt = 0 } },
	{ "ldraa x1, [x2]", 0xf8200441, -EOPNOTSUPP, { .rt = 0 } },
	{ "stgp x1, x2, [x3]", 0x69000861, -EOPNOTSUPP, { .rt = 0 } },
	{ "stg x1, [x2]", 0xd9200841, -EOPNOTSUPP, { .rt = 0 } },
};
