/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile.S - bare-metal EL1 payload for hostile_test and park_vcpu: the
 * accesses the security review found mishandled, one scenario per entry
 * value of x0.  Loaded at RAM_BASE, MMU off (so every data access is
 * Device memory: pairs may straddle at element boundaries), FP on.
 *
 *   0  datamatch ioeventfds: an ISV=0 8-byte store (STR XZR post-indexed)
 *      and the second half of an STP, both at pieces the module copies
 *      from an unaligned offset of its plan;
 *   1  straddles across the end of RAM into a device, and across a device
 *      into the start of RAM: with the MMU off every pair and SIMD pair
 *      size (registers split between the two), with the MMU on and one
 *      Normal block over both unaligned registers that straddle
 *      themselves; after each store the RAM edges go to RESULTS, then
 *      the loads' registers;
 *   2  one post-indexed load from the device (the test VMM holds the
 *      exit, then detaches or moves the PC before re-entry);
 *   3  PSCI CPU_SUSPEND with interrupts masked, forever (park_vcpu);
 *   4  one Apple VCPU_WFK, nobody to kick it (park_vcpu): a detach must
 *      end it;
 *   5  every INTID 0-1023 written to the GICv2m frame's SETSPI at every
 *      size, with (ISV=1) and without (ISV=0, post-indexed) a syndrome;
 *   6  VCPU_KICK of vCPUs that do not exist, then of itself, then a WFK
 *      (which the self-kick lets through).
 *   7  two vCPUs: vCPU 0 makes 4000 ISV=0 stores through a page-table
 *      entry vCPU 1 keeps rewriting (a device block, a table in MMIO, in
 *      RAM's last page, just past RAM, itself, nothing); aborts it takes
 *      are counted and skipped, their count lands at RESULTS.
 *   8  two vCPUs, MMU off: vCPU 0 makes 4000 ISV=0 stores of one
 *      instruction that vCPU 1 keeps rewriting between a post-indexed
 *      store, a halfword store, a pair, a load, a NOP and an UDF: the
 *      instruction the emulator reads is not always the one that trapped.
 *      Exceptions are counted and skipped, their count lands at RESULTS.
 *   9  every TCR/TTBR shape the guest can give a walk, with one ISV=0
 *      store through each: first the code runs through TTBR1 (a high
 *      alias of RAM) while TTBR0's half sweeps, then through TTBR0 while
 *      TTBR1's half sweeps.  Each half: TnSZ 0-63, all four TGn encodings
 *      (one reserved), IPS 0-7, and TTBRn at a table of device blocks, the
 *      GIC's MMIO, the last 8 bytes of RAM, a self-referencing table, just
 *      past RAM, past the IPA space, and unaligned with CnP.  Aborts are
 *      skipped; per TTBR the stores that did not abort land at RESULTS,
 *      and a marker write (ISV=1, DEV+0x100) before each TTBR tells the
 *      test device which one runs.  Before each store, AT S1E1W asks the
 *      MMU itself; its PAR_EL1 lands at PAR_LOG, for the test to hold the
 *      walker against.
 * Any other exception the guest takes lands its ESR at RESULTS_EXC, then off.
 *
 * Each ends with PSCI SYSTEM_OFF.  Straddle results land at RESULTS.
 */
	.equ RAM_BASE,		0x70000000
	.equ RAM_SIZE,		0x200000
	.equ RAM_END,		RAM_BASE + RAM_SIZE
	.equ DEV,		0x20000000		/* the test device */
	.equ DEV_LOW,		RAM_BASE - 0x1000	/* a device just below RAM */
	.equ RESULTS,		RAM_BASE + 0x10000
	.equ RESULTS_EXC,	RAM_BASE + 0x18000	/* ESR of an unexpected exception */
	.equ TABLES,		RAM_BASE + 0x20000
	.equ PSCI_CPU_SUSPEND,	0xc4000001
	.equ PSCI_SYSTEM_OFF,	0x84000008
	.equ PSCI_CPU_ON,	0xc4000003
	.equ RACE_STOP,		RAM_BASE + 0x18008	/* vCPU 0 is done racing */
	.equ RACE_STORES,	4000
	.equ APPLE_VCPU_WFK,	0xc3000005
	.equ APPLE_VCPU_KICK,	0xc3000006
	.equ GICV2M_SETSPI,	0x1fff0040
	/* 128 KiB: an unaligned base plus a 64K table's last index stays inside. */
	.equ SWEEP_BLOCKS,	RAM_BASE + 0x40000	/* device blocks */
	.equ SWEEP_SELF,	RAM_BASE + 0x60000	/* 64 KiB of tables naming themselves */
	.equ SWEEP_BLOCK_DESC,	0x20000000 | (1 << 10) | (1 << 2) | 1	/* DEV's block, Device */
	.equ HIGH,		0xffffff8000000000	/* TTBR1's alias of the first 512 GiB */
	.equ HIGH_DEV,		0xffffffffe0000080	/* phase 2's store: a device block's +0x80 */
	/* The fixed halves: 4K granule, 39-bit VA, write-back, inner shareable. */
	.equ TCR_T0_FIXED,	25 | (1 << 8) | (1 << 10) | (3 << 12)
	.equ TCR_T1_FIXED,	(25 << 16) | (1 << 24) | (1 << 26) | (3 << 28) | (2 << 30)
	.equ SWEEP_TTBRS,	7
	.equ PAR_LOG,		RAM_BASE + 0x100000	/* PAR_EL1 of each shape's AT */
	.equ PAR_AT_RAISED,	0x7f		/* F set, FST 0x3f: the AT itself trapped */

	.text
	.global _start
_start:
	mov	x9, #(3 << 20)
	msr	cpacr_el1, x9			/* FP/SIMD on at EL1 */
	adr	x9, vectors
	msr	vbar_el1, x9
	isb
	msr	daifset, #0xf
	cmp	x0, #0
	b.eq	ioeventfd
	cmp	x0, #1
	b.eq	straddle
	cmp	x0, #2
	b.eq	held_load
	cmp	x0, #3
	b.eq	park
	cmp	x0, #4
	b.eq	wfk
	cmp	x0, #5
	b.eq	msi_sweep
	cmp	x0, #6
	b.eq	kick_sweep
	cmp	x0, #7
	b.eq	pte_race
	cmp	x0, #8
	b.eq	insn_race
	cmp	x0, #9
	b.eq	tcr_sweep
	b	off

ioeventfd:
	ldr	x1, =DEV + 0x10
	str	xzr, [x1], #8			/* DEV+0x10: datamatch 0 */
	ldr	x1, =DEV + 0x18
	ldr	x2, =0x1111111111111111
	ldr	x3, =0x8877665544332211
	stp	x2, x3, [x1]			/* DEV+0x20: datamatch x3 */
	b	off

/*
 * One straddling store: both RAM edges zeroed, the store, then the 16
 * bytes below RAM_END and above RAM_BASE to RESULTS and a marker write
 * (ISV=1) that tells the test device which store comes next.
 */
	.macro STORE addr, insn:vararg
	bl	clear_edges
	ldr	x1, =\addr
	\insn
	bl	snap_edges
	.endm

	/* One straddling load, its two registers then to RESULTS. */
	.macro LOAD addr, insn:vararg
	ldr	x1, =\addr
	\insn
	.endm

straddle:
	ldr	x10, =RESULTS
	mov	w11, #1
	ldr	x2, =0xa1a2a3a4a5a6a7a8
	ldr	x3, =0xb1b2b3b4b5b6b7b8
	fmov	d0, x2
	fmov	d1, x3
	mov	v0.d[1], x3
	mov	v1.d[1], x2
	/* MMU off: every access Device, so only pairs straddle, between registers. */
	STORE	RAM_END - 8,	stp x2, x3, [x1]
	STORE	RAM_END - 4,	stp w2, w3, [x1], #8
	STORE	RAM_END - 16,	stp q0, q1, [x1]
	STORE	RAM_END - 8,	stp d0, d1, [x1], #-16
	STORE	RAM_END - 4,	stp s0, s1, [x1]
	STORE	RAM_BASE - 8,	stp x2, x3, [x1]
	STORE	RAM_BASE - 16,	stp q0, q1, [x1]
	/*
	 * MMU on, one 1 GiB Normal block over RAM and both edge devices:
	 * unaligned accesses are allowed, so one register straddles.
	 */
	bl	mmu_on
	STORE	RAM_END - 4,	str x2, [x1], #8
	STORE	RAM_END - 8,	str q0, [x1], #16
	STORE	RAM_END - 4,	stp x2, x3, [x1]
	STORE	RAM_END - 6,	stp w2, w3, [x1], #8
	STORE	RAM_BASE - 4,	str x2, [x1], #8
	STORE	RAM_BASE - 24,	stp q0, q1, [x1]
	bl	fill_edges
	bl	mmu_off
	LOAD	RAM_END - 8,	ldp x4, x5, [x1]
	stp	x4, x5, [x10], #16
	LOAD	RAM_END - 4,	ldp w4, w5, [x1], #8
	stp	x4, x5, [x10], #16
	LOAD	RAM_END - 4,	ldpsw x4, x5, [x1]
	stp	x4, x5, [x10], #16
	LOAD	RAM_END - 16,	ldp q2, q3, [x1]
	stp	q2, q3, [x10], #32
	LOAD	RAM_END - 8,	ldp d2, d3, [x1]
	stp	d2, d3, [x10], #16
	LOAD	RAM_BASE - 8,	ldp x4, x5, [x1]
	stp	x4, x5, [x10], #16
	LOAD	RAM_BASE - 16,	ldp q2, q3, [x1]
	stp	q2, q3, [x10], #32
	bl	mmu_on
	LOAD	RAM_END - 4,	ldr x4, [x1], #8
	stp	x4, xzr, [x10], #16
	LOAD	RAM_END - 8,	ldr q2, [x1], #16
	str	q2, [x10], #16
	LOAD	RAM_END - 12,	ldp x4, x5, [x1]
	stp	x4, x5, [x10], #16
	LOAD	RAM_END - 2,	ldr w4, [x1], #4
	stp	x4, xzr, [x10], #16
	LOAD	RAM_END - 6,	ldpsw x4, x5, [x1]
	stp	x4, x5, [x10], #16
	LOAD	RAM_BASE - 4,	ldr x4, [x1], #8
	stp	x4, xzr, [x10], #16
	LOAD	RAM_BASE - 24,	ldp q2, q3, [x1]
	stp	q2, q3, [x10], #32
	b	off

/* RAM edges: bytes 0x10.. below RAM_END, 0x20.. from RAM_BASE. */
fill_edges:
	ldr	x12, =0x1716151413121110
	ldr	x13, =0x1f1e1d1c1b1a1918
	ldr	x14, =RAM_END - 16
	stp	x12, x13, [x14]
	ldr	x12, =0x2726252423222120
	ldr	x13, =0x2f2e2d2c2b2a2928
	ldr	x14, =RAM_BASE
	stp	x12, x13, [x14]
	ret

/*
 * 4K granule, 39-bit VA, identity: level 1 block 0 (the GIC, the test
 * device) Device-nGnRnE, block 1 (RAM and its edges) Normal write-back.
 */
mmu_on:
	ldr	x12, =TABLES
	mov	x13, #((1 << 10) | (1 << 2) | 1)	/* AF, AttrIndx 1, block */
	str	x13, [x12]
	ldr	x13, =(0x40000000 | (1 << 10) | (3 << 8) | 1)	/* AF, inner shareable */
	str	x13, [x12, #8]
	mov	x13, #0xff				/* attr0 Normal WB, attr1 Device */
	msr	mair_el1, x13
	ldr	x13, =((2 << 32) | (1 << 23) | (3 << 12) | (1 << 10) | (1 << 8) | 25)
	msr	tcr_el1, x13
	msr	ttbr0_el1, x12
	isb
	tlbi	vmalle1
	dsb	nsh
	mrs	x13, sctlr_el1
	orr	x13, x13, #1				/* M */
	orr	x13, x13, #(1 << 2)			/* C */
	orr	x13, x13, #(1 << 12)			/* I */
	bic	x13, x13, #2				/* A: unaligned allowed */
	msr	sctlr_el1, x13
	isb
	ret

mmu_off:
	mrs	x13, sctlr_el1
	bic	x13, x13, #1
	msr	sctlr_el1, x13
	isb
	ret

/* pte_race's: count the abort, skip the access, carry on. */
	.balign 2048
vectors_skip:
	.rept 16
	mrs	x13, elr_el1
	add	x13, x13, #4
	msr	elr_el1, x13
	add	x20, x20, #1
	eret
	.balign 128
	.endr

/* Any exception: its ESR to RESULTS_EXC (x1, x5 after it), then off. */
	.balign 2048
vectors:
	.rept 16
	mrs	x13, esr_el1
	ldr	x12, =RESULTS_EXC
	str	x13, [x12]
	stp	x1, x5, [x12, #16]		/* PSCI's SYSTEM_OFF will clobber x1 */
	b	off
	.ltorg
	.balign 128
	.endr

/* RAM_BASE's first 16 bytes are _start's: run once, never again. */
clear_edges:
	ldr	x12, =RAM_END - 16
	stp	xzr, xzr, [x12]
	ldr	x12, =RAM_BASE
	stp	xzr, xzr, [x12]
	ret

snap_edges:
	ldr	x12, =RAM_END - 16
	ldp	x13, x14, [x12]
	stp	x13, x14, [x10], #16
	ldr	x12, =RAM_BASE
	ldp	x13, x14, [x12]
	stp	x13, x14, [x10], #16
	ldr	x12, =DEV + 0x100
	str	w11, [x12]			/* the next store's number */
	add	w11, w11, #1
	ret

held_load:
	ldr	x0, =0x5a5a5a5a5a5a5a5a		/* X0 must survive the test */
	mov	x5, #0
	ldr	x1, =DEV + 0x40
	ldr	x5, [x1], #8			/* ISV=0: Rt is x5, not x0 */
	ldr	x6, =RESULTS
	stp	x0, x5, [x6]
	str	x1, [x6, #16]
	b	off

park:
	ldr	x0, =PSCI_CPU_SUSPEND
	mov	x1, #0				/* standby: a WFI in KVM */
	mov	x2, #0
	mov	x3, #0
	hvc	#0
	b	park

wfk:
	ldr	x0, =APPLE_VCPU_WFK
	hvc	#0
	b	off

msi_sweep:
	ldr	x1, =GICV2M_SETSPI
	mov	x2, #0
1:	strb	w2, [x1]
	strh	w2, [x1]
	str	w2, [x1]
	str	x2, [x1]
	strb	w2, [x1], #0
	strh	w2, [x1], #0
	str	w2, [x1], #0
	str	x2, [x1], #0
	add	x2, x2, #1
	cmp	x2, #1024
	b.lo	1b
	b	off

	.macro KICK target
	ldr	x0, =APPLE_VCPU_KICK
	ldr	x1, =\target
	hvc	#0
	.endm

kick_sweep:
	KICK	1
	KICK	2
	KICK	1000
	KICK	0x80000000
	KICK	0xffffffffffffffff
	KICK	0
	ldr	x0, =APPLE_VCPU_WFK
	hvc	#0
	b	off

pte_race:
	adr	x9, vectors_skip
	msr	vbar_el1, x9
	isb
	bl	mmu_on
	ldr	x0, =PSCI_CPU_ON
	mov	x1, #1
	adr	x2, racer
	mov	x3, #0
	hvc	#0
	ldr	x1, =DEV + 0x80
	mov	x20, #0				/* aborts taken and skipped */
	ldr	x21, =RACE_STORES
1:	str	w21, [x1], #0			/* ISV=0, through entry 0 */
	subs	x21, x21, #1
	b.ne	1b
	ldr	x12, =RACE_STOP
	mov	x13, #1
	str	x13, [x12]
	ldr	x12, =RESULTS
	str	x20, [x12]
	b	off

/* vCPU 1, MMU off: rewrite level-1 entry 0 (VA 0-1 GiB) until told to stop. */
racer:
	ldr	x12, =TABLES
	ldr	x13, =(TABLES | 3)
	str	x13, [x12, #256 * 8]		/* level 2 of VA 0x2000_0000: itself */
	ldr	x14, =RACE_STOP
	adr	x17, race_descs
	mov	x15, #0
2:	ldr	x13, [x14]
	cbnz	x13, 3f
	ldr	x16, [x17, x15, lsl #3]
	str	x16, [x12]
	add	x15, x15, #1
	cmp	x15, #6
	csel	x15, xzr, x15, eq
	b	2b
3:	ldr	x16, [x17]
	str	x16, [x12]
4:	wfi
	b	4b

insn_race:
	adr	x9, vectors_skip
	msr	vbar_el1, x9
	isb
	ldr	x0, =PSCI_CPU_ON
	mov	x1, #1
	adr	x2, insn_racer
	mov	x3, #0
	hvc	#0
	ldr	x1, =DEV + 0x80
	mov	x20, #0				/* exceptions taken and skipped */
	ldr	x21, =RACE_STORES
1:
racy_insn:
	str	w21, [x1], #0			/* ISV=0; vCPU 1 rewrites this word */
	subs	x21, x21, #1
	b.ne	1b
	ldr	x12, =RACE_STOP
	mov	x13, #1
	str	x13, [x12]
	ldr	x12, =RESULTS
	str	x20, [x12]
	b	off

/* vCPU 1: rewrite racy_insn through insn_words until told to stop, then restore it. */
insn_racer:
	adr	x12, racy_insn
	ldr	x14, =RACE_STOP
	adr	x17, insn_words
	mov	x15, #0
2:	ldr	x13, [x14]
	cbnz	x13, 3f
	ldr	w16, [x17, x15, lsl #2]
	str	w16, [x12]
	dc	cvau, x12
	dsb	ish
	ic	ivau, x12
	dsb	ish
	add	x15, x15, #1
	cmp	x15, #6
	csel	x15, xzr, x15, eq
	b	2b
3:	ldr	w16, [x17]
	str	w16, [x12]
4:	wfi
	b	4b

	.balign 4
insn_words:
	str	w21, [x1], #0			/* what it was: an ISV=0 store */
	strh	w21, [x1], #0			/* another size */
	stp	w21, w21, [x1]			/* a pair */
	ldr	w22, [x1], #0			/* a load, where a store trapped */
	nop					/* no access at all */
	udf	#0				/* undefined */

	.balign 8
race_descs:
	.quad	(1 << 10) | (1 << 2) | 1	/* the device block it should be */
	.quad	0x10000000 | 3			/* a table in the GIC's MMIO */
	.quad	(RAM_END - 0x1000) | 3		/* a table in RAM's last page */
	.quad	RAM_END | 3			/* a table just past RAM (a device) */
	.quad	TABLES | 3			/* itself */
	.quad	0				/* nothing */

/* The tables the sweep points TTBRn at, written with the MMU off. */
sweep_tables:
	ldr	x12, =SWEEP_BLOCKS
	ldr	x13, =SWEEP_BLOCK_DESC
	ldr	x14, =SWEEP_SELF
	orr	x15, x14, #3
	mov	x16, #8192
1:	stp	x13, x13, [x12], #16
	str	x15, [x14], #8
	subs	x16, x16, #1
	b.ne	1b
	ldr	x12, =RAM_END - 8
	str	x13, [x12]
	ret

	.balign 8
sweep_ttbrs:
	.quad	SWEEP_BLOCKS			/* device blocks at every level */
	.quad	0x10000000			/* the GIC distributor's MMIO */
	.quad	RAM_END - 8			/* the last 8 bytes of RAM */
	.quad	SWEEP_SELF			/* a table naming itself */
	.quad	RAM_END				/* just past RAM (a device) */
	.quad	(1 << 47) | SWEEP_BLOCKS	/* past the IPA space */
	.quad	SWEEP_BLOCKS + 0x41		/* unaligned, CnP set */

/*
 * One half's sweep: x28 the other half's TCR bits, x1 the store's VA, x11
 * the shift of TnSZ, x8 of TGn, x10 where the per-TTBR counts go, w9 the
 * first marker, x7 the marker's VA; the TTBR written by SWEEP_MSR.  Kept
 * in registers only: the half being swept may map nothing.
 */
	.macro SWEEP ttbr
	mov	x24, #0				/* which TTBR */
1:	adr	x17, sweep_ttbrs
	ldr	x23, [x17, x24, lsl #3]
	add	w13, w9, w24
	str	w13, [x7]			/* marker: ISV=1 */
	mov	x22, #0				/* stores that did not abort */
	mov	x25, #0				/* IPS */
2:	mov	x26, #0				/* TGn */
3:	mov	x27, #0				/* TnSZ */
4:	lsl	x12, x25, #32
	orr	x12, x12, x28
	lsl	x13, x26, x8
	orr	x12, x12, x13
	lsl	x13, x27, x11
	orr	x12, x12, x13
	msr	tcr_el1, x12
	msr	\ttbr, x23
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	mov	x13, #PAR_AT_RAISED
	msr	par_el1, x13
	at	s1e1w, x1
	isb
	mrs	x13, par_el1
	str	x13, [x4], #8
	mov	x19, x20
	str	w21, [x1], #0			/* ISV=0, through the half swept */
	cmp	x19, x20
	cinc	x22, x22, eq
	add	x18, x18, #1
	add	x27, x27, #1
	cmp	x27, #64
	b.lo	4b
	add	x26, x26, #1
	cmp	x26, #4
	b.lo	3b
	add	x25, x25, #1
	cmp	x25, #8
	b.lo	2b
	str	x22, [x10, x24, lsl #3]
	add	x24, x24, #1
	cmp	x24, #SWEEP_TTBRS
	b.lo	1b
	.endm

	.macro GOOD_TCR
	ldr	x12, =(TCR_T0_FIXED | TCR_T1_FIXED | (2 << 32))
	msr	tcr_el1, x12
	ldr	x12, =TABLES
	msr	ttbr0_el1, x12
	msr	ttbr1_el1, x12
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	.endm

tcr_sweep:
	bl	sweep_tables
	bl	mmu_on
	GOOD_TCR
	mov	x20, #0				/* aborts skipped */
	mov	x18, #0				/* shapes tried */
	/* The data: SWEEP_SELF's own entry, so a store the walk lands in it changes nothing. */
	ldr	x21, =SWEEP_SELF | 3
	/* Phase 1: to TTBR1's alias of this code, then sweep TTBR0's half. */
	ldr	x6, =HIGH
	adr	x12, 5f
	add	x12, x12, x6
	br	x12
5:	adr	x12, vectors_skip		/* PC-relative: the high alias */
	msr	vbar_el1, x12
	isb
	ldr	x28, =TCR_T1_FIXED
	ldr	x1, =DEV + 0x80
	mov	x11, #0				/* T0SZ */
	mov	x8, #14				/* TG0 */
	ldr	x10, =RESULTS
	add	x10, x10, x6
	mov	w9, #1
	ldr	x7, =DEV + 0x100
	add	x7, x7, x6
	ldr	x4, =PAR_LOG
	add	x4, x4, x6
	SWEEP	ttbr0_el1
	GOOD_TCR
	adr	x12, 6f
	sub	x12, x12, x6
	br	x12
	/* Phase 2: back at the identity map, sweep TTBR1's half. */
6:	adr	x12, vectors_skip
	msr	vbar_el1, x12
	isb
	ldr	x28, =TCR_T0_FIXED
	ldr	x1, =HIGH_DEV
	mov	x11, #16			/* T1SZ */
	mov	x8, #30				/* TG1 */
	ldr	x10, =RESULTS + SWEEP_TTBRS * 8
	mov	w9, #SWEEP_TTBRS + 1
	ldr	x7, =DEV + 0x100
	ldr	x4, =PAR_LOG + SWEEP_TTBRS * 2048 * 8
	SWEEP	ttbr1_el1
	GOOD_TCR
	ldr	x12, =RESULTS + 2 * SWEEP_TTBRS * 8
	stp	x20, x18, [x12]
	b	off

off:
	ldr	x0, =PSCI_SYSTEM_OFF
	hvc	#0
	b	off
	.ltorg
