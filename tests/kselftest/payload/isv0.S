/* SPDX-License-Identifier: GPL-2.0 */
/*
 * isv0.S - bare-metal EL1 payload for the ISV=0 and Apple hypercall tests.
 *
 * Entry at RAM_BASE with x0 = MMU mode (0 off, 1 4K granule, 2 16K).
 * Each CASE runs one load/store three times with identical registers and
 * buffer contents: on RAM (the CPU's own result, the reference), on the
 * userspace test device and, for GIC-legal sizes, on vGIC GICD_IPRIORITYR.
 * After each run a snapshot (x1-x4, base movement, q1-q2, the 128 bytes
 * around the base) goes to RESULTS for the host to compare.  Then an
 * undecodable access (expects an external abort), the Apple hypercalls,
 * and PSCI SYSTEM_OFF.
 */
	.equ RAM_BASE,	0x70000000
	.equ GICD,	0x10000000
	.equ DEV,	0x20000000
	.equ TABLES,	RAM_BASE + 0x40000	/* 16K-aligned page tables */
	.equ STACK,	RAM_BASE + 0x7f000
	.equ RAMBUF,	RAM_BASE + 0x80100
	.equ DEVBUF,	DEV + 0x100
	.equ GICBUF,	GICD + 0x480		/* IPRIORITYR of IRQs 64..191 */
	.equ ESR_LOG,	RAM_BASE + 0xf0000	/* count, then ESR_EL1 of each abort */
	.equ HVC_LOG,	RAM_BASE + 0xf1000	/* x0-x4 after each hypercall */
	.equ PAC_LOG,	RAM_BASE + 0xf2000	/* one pointer signed under 3 keys */
	.equ PAC_PTR,	0x12345678
	.equ PAC_MOD,	42
	.equ RESULTS,	RAM_BASE + 0x100000	/* 256-byte snapshots */

	.equ SNAP_KIND, 40			/* 0 RAM, 1 device, 2 vGIC; 0xff end */
	.equ SNAP_CASE, 44
	.equ SNAP_TEXT, 112			/* guest address of the case's text */

	.macro RUN buf, kind, insn:vararg
	ldr	x0, =\buf
	bl	prepare
	\insn
	mov	x0, #\kind
	bl	snapshot
	.endm

	/* One case: its text for the host's messages, then its runs. */
	.macro CASE on_gic, insn:vararg
	.pushsection .rodata
99:	.asciz "\insn"
	.popsection
	adr	x23, 99b
	RUN	RAMBUF, 0, \insn
	RUN	DEVBUF, 1, \insn
	.if \on_gic
	RUN	GICBUF, 2, \insn
	.endif
	add	x22, x22, #1
	.endm

	.macro CASE2 insn:vararg	/* RAM and the userspace device */
	CASE	0, \insn
	.endm

	.macro CASE3 insn:vararg	/* ... and a vGIC register */
	CASE	1, \insn
	.endm

	.macro APPLE_CALL fid, a1=0, a2=0
	ldr	x0, =\fid
	ldr	x1, =\a1
	ldr	x2, =\a2
	mov	x3, #0
	mov	x4, #0
	hvc	#0
	stp	x0, x1, [x24]
	stp	x2, x3, [x24, #16]
	str	x4, [x24, #32]
	add	x24, x24, #40
	.endm

/* Sign PAC_PTR with the IB key and modifier PAC_MOD into PAC_LOG + off. */
	.macro PAC_SIGN off
	ldr	x16, =PAC_MOD
	ldr	x17, =PAC_PTR
	pacib1716
	str	x17, [x25, #\off]
	.endm

	.text
	.global _start
_start:
	mov	x19, x0
	adr	x1, vectors
	msr	vbar_el1, x1
	mov	x1, #(3 << 20)			/* CPACR_EL1.FPEN: SIMD&FP on */
	msr	cpacr_el1, x1
	isb
	ldr	x1, =STACK
	mov	sp, x1
	cbz	x19, 1f
	bl	mmu_on
1:	ldr	x20, =RESULTS
	mov	x22, #0				/* case number */

	/* Single GPR, every index mode and extension (ISV=0 with writeback) */
	CASE3	str w1, [x8, #8]!
	CASE2	str x1, [x8, #-16]!
	CASE2	str x2, [x8], #16
	CASE3	strb w1, [x8, #1]!
	CASE2	strh w2, [x8], #-2
	CASE3	ldr w1, [x8, #4]!
	CASE2	ldr x1, [x8], #8
	CASE3	ldrb w1, [x8, #7]!
	CASE2	ldrh w2, [x8, #-6]!
	CASE3	ldrsb x1, [x8, #29]!
	CASE3	ldrsb w2, [x8], #1
	CASE2	ldrsh x3, [x8, #30]!
	CASE2	ldrsh w4, [x8, #30]!
	CASE3	ldrsw x1, [x8, #60]!
	CASE3	ldrsw x2, [x8], #4
	CASE3	str w9, [x8, #32]!		/* macOS 13's GIC redistributor setup */
	/* Single GPR without writeback (ISV=1: the same results, KVM's path) */
	CASE3	ldr w3, [x8, x9]
	CASE3	ldar w1, [x8]
	CASE3	stlr w2, [x8]
	CASE3	ldapr w3, [x8]
	CASE3	stlur w4, [x8, #-4]
	/*
	 * Not here: LDAPURSB, and LDTRSH with the MMU off.  They are ISV=1, so
	 * KVM completes them from the syndrome; the rig's CPU (QEMU 7.2 TCG)
	 * reports that syndrome without SSE and KVM returns the value
	 * zero-extended, on the vGIC as on a userspace device.  A quirk of the
	 * rig, outside Layer 0; our decoder's handling is unit-tested.
	 * Nor LDTR/STTR: EL0 has no access to these mappings (EL0-writable
	 * RAM could not hold EL1 code).
	 */
	/* Pairs */
	CASE3	stp w1, w2, [x8, #8]
	CASE2	stp x1, x2, [x8, #-16]!
	CASE2	stp x3, x4, [x8], #32
	CASE3	ldp w1, w2, [x8, #-8]
	CASE2	ldp x1, x2, [x8, #16]!
	CASE2	ldp x3, x4, [x8], #-32
	CASE2	ldnp x1, x2, [x8, #32]
	CASE3	stnp w3, w4, [x8, #-24]
	CASE3	ldpsw x1, x2, [x8, #56]
	CASE3	ldpsw x3, x4, [x8, #-8]!
	CASE3	ldp w3, w4, [x8, #8]!
	/* SIMD&FP single and pairs */
	CASE2	str q1, [x8, #16]!
	CASE2	ldr q2, [x8], #-16
	CASE2	ldr q1, [x8, #32]
	CASE2	str d1, [x8, #8]!
	CASE2	ldr d2, [x8, #-8]!
	CASE3	str s1, [x8], #4
	CASE3	ldr s2, [x8, #4]!
	CASE2	str h1, [x8, #2]!
	CASE2	ldr h2, [x8], #2
	CASE3	str b1, [x8, #1]!
	CASE3	ldr b2, [x8, #-1]!
	CASE3	stp s1, s2, [x8, #8]
	CASE3	ldp s1, s2, [x8, #-16]!
	CASE2	ldp d1, d2, [x8, #-16]!
	CASE2	stp q1, q2, [x8], #-32
	CASE2	ldp q1, q2, [x8, #-64]
	CASE2	ldnp q1, q2, [x8]
	CASE3	ldur s1, [x8, #-4]
	CASE2	stur q2, [x8, #-32]
	CASE2	ldr q1, [x8, x9]
	CASE3	str b2, [x8, x9]
	CASE3	ldr s1, [x8, w9, sxtw]
	CASE2	stur h1, [x8, #-2]
	mov	x0, #0xff
	str	w0, [x20, #SNAP_KIND]

	/* Undecodable on a device: the guest must take an external abort. */
	ldr	x8, =DEVBUF
	ldxr	x1, [x8]
	ld1	{v1.16b}, [x8]

	/* Apple hypercalls */
	ldr	x24, =HVC_LOG
	APPLE_CALL	0xc1000000			/* PAC_SET_INITIAL_STATE */
	APPLE_CALL	0xc1000001			/* PAC_GET_DEFAULT_KEYS */
	APPLE_CALL	0xc10000f0			/* PAC_NOP */
	APPLE_CALL	0xc1000002, 0x1000		/* PAC_SET_A_KEYS */
	APPLE_CALL	0xc1000003, 0x2000		/* PAC_SET_B_KEYS */
	APPLE_CALL	0xc1000004, 0x3000		/* PAC_SET_EL0_DIVERSIFIER */
	APPLE_CALL	0xc1000005, 1, 0x4000		/* PAC_SET_EL0_DIVERSIFIER_AT_EL1 */
	APPLE_CALL	0xc1000006, 0x5000		/* PAC_SET_G_KEY */
	APPLE_CALL	0xc3000003			/* GET_MABS_OFFSET */
	APPLE_CALL	0xc3000004			/* GET_BOOTSESSIONUUID */
	APPLE_CALL	0xc3000006, 0			/* VCPU_KICK ourselves, so ... */
	APPLE_CALL	0xc3000005, 1			/* ... VCPU_WFK returns at once */
	APPLE_CALL	0x8300ff01			/* OEM UID */
	APPLE_CALL	0x8100ff03			/* CPU REVISION */
	APPLE_CALL	0x8300feff, 0xc1000003		/* FEATURES: SET_B_KEYS */
	APPLE_CALL	0x8300feff, 0xc10000aa		/* FEATURES: unknown */
	APPLE_CALL	0xc10000aa			/* unknown PAC call */
	mov	x25, #1000			/* a context-switch loop of SET_B_KEYS */
2:	ldr	x0, =0xc1000003
	mov	x1, x25
	hvc	#0
	cbnz	x0, 3f				/* as XNU 26 would spin on it */
	subs	x25, x25, #1
	b.ne	2b
3:	str	x25, [x24]			/* 0 when every call returned 0 */
	add	x24, x24, #40
	APPLE_CALL	0xc1000003, 0x6000		/* the keys the host reads back */

	/*
	 * PAC in the guest follows the keys the hypercalls set: one pointer
	 * signed with the IB key under B keys 0x6000, 0x7000, then 0x6000
	 * again.  PACIB1716 is a NOP without pointer authentication.
	 */
	mrs	x9, sctlr_el1
	orr	x9, x9, #(1 << 30)		/* EnIB */
	msr	sctlr_el1, x9
	isb
	ldr	x25, =PAC_LOG
	PAC_SIGN	0
	ldr	x0, =0xc1000003			/* PAC_SET_B_KEYS */
	ldr	x1, =0x7000
	hvc	#0
	PAC_SIGN	8
	ldr	x0, =0xc1000003
	ldr	x1, =0x6000
	hvc	#0
	PAC_SIGN	16

	ldr	x0, =0x84000008			/* PSCI SYSTEM_OFF */
	hvc	#0
	b	.

/* x0 = buffer centre: fill the 128 bytes around it, set the registers. */
prepare:
	sub	x10, x0, #64
	mov	x11, #0
	ldr	x12, =0x3830282018100800	/* byte (i + j) * 8 of dword j */
	ldr	x13, =0x0808080808080808
1:	lsr	x14, x12, #32			/* 32-bit stores: all a GIC takes */
	add	x15, x10, x11, lsl #3
	str	w12, [x15]			/* ISV=1: not the code under test */
	str	w14, [x15, #4]
	add	x12, x12, x13
	add	x11, x11, #1
	cmp	x11, #16
	b.ne	1b
	ldr	x1, =0x0810182028303840
	ldr	x2, =0x4850586068707880
	ldr	x3, =0x889098a0a8b0b8c0
	ldr	x4, =0xc8d0d8e0e8f0f800
	fmov	d1, x1
	mov	v1.d[1], x2
	fmov	d2, x3
	mov	v2.d[1], x4
	mov	x9, #8
	mov	x8, x0
	mov	x21, x0
	ret

/* x0 = run kind, x23 = case text. */
snapshot:
	stp	x1, x2, [x20]
	stp	x3, x4, [x20, #16]
	sub	x10, x8, x21
	str	x10, [x20, #32]
	str	w0, [x20, #SNAP_KIND]
	str	w22, [x20, #SNAP_CASE]
	stp	q1, q2, [x20, #48]
	str	x23, [x20, #SNAP_TEXT]
	sub	x10, x21, #64
	add	x13, x20, #128
	mov	x11, #0
1:	add	x15, x10, x11, lsl #3
	ldr	w12, [x15]
	ldr	w14, [x15, #4]
	add	x15, x13, x11, lsl #3
	stp	w12, w14, [x15]
	add	x11, x11, #1
	cmp	x11, #16
	b.ne	1b
	add	x20, x20, #256
	ret

/*
 * Identity map of the low 4 GiB: device memory below 1 GiB (GIC, test
 * device), normal memory above (RAM).  4K: level-1 1 GiB blocks; 16K:
 * level-2 32 MiB blocks.  T0SZ 32.
 */
	.equ BLOCK_DEVICE, 0x401		/* AF, AttrIndx 0 */
	.equ BLOCK_NORMAL, 0x705		/* AF, inner shareable, AttrIndx 1 */
mmu_on:
	ldr	x1, =TABLES
	mov	x2, #0
	cmp	x19, #1
	b.ne	2f
	mov	x3, #30				/* 4K: 1 GiB blocks, 4 entries */
	mov	x4, #4
	ldr	x5, =(32 | (0 << 14) | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) | (1 << 32))
	b	3f
2:	mov	x3, #25				/* 16K: 32 MiB blocks, 128 entries */
	mov	x4, #128
	ldr	x5, =(32 | (2 << 14) | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) | (1 << 32))
3:	lsl	x6, x2, x3
	mov	x7, #BLOCK_DEVICE
	mov	x10, #BLOCK_NORMAL
	mov	x11, #0x40000000
	cmp	x6, x11
	csel	x7, x7, x10, lo
	orr	x6, x6, x7
	str	x6, [x1, x2, lsl #3]
	add	x2, x2, #1
	cmp	x2, x4
	b.ne	3b
	ldr	x6, =0xff04			/* MAIR: attr0 Device-nGnRE, attr1 WB */
	msr	mair_el1, x6
	msr	tcr_el1, x5
	msr	ttbr0_el1, x1
	isb
	mrs	x6, sctlr_el1
	orr	x6, x6, #1			/* M */
	orr	x6, x6, #(1 << 2)		/* C */
	orr	x6, x6, #(1 << 12)		/* I */
	msr	sctlr_el1, x6
	isb
	ret

/* Synchronous exceptions from EL1: log ESR_EL1, skip the instruction. */
	.balign 2048
vectors:
	.skip	0x200
	ldr	x10, =ESR_LOG
	ldr	x11, [x10]
	add	x11, x11, #1
	str	x11, [x10]
	mrs	x12, esr_el1
	str	x12, [x10, x11, lsl #3]
	mrs	x12, elr_el1
	add	x12, x12, #4
	msr	elr_el1, x12
	eret
	.ltorg
