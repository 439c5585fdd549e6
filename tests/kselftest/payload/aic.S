// SPDX-License-Identifier: GPL-2.0
/*
 * aic.S - the bare-metal payload of aic_test: the in-kernel AIC of the
 * t8103 board, driven the way Apple's hardware is.  Every vCPU enters at
 * 0x8_0000_0000 with x0 = the test, x1 = its index; results go to
 * RESULTS + 0x100 * index (slots of 8 bytes, below).  vCPU 0 powers the VM
 * off (PSCI SYSTEM_OFF) when its part is done; the others park in WFI.
 *
 * Slots: 0 the test's own words, 1 fast IPIs taken, 2 timer FIQs taken,
 * 3 first EVENT taken at the IRQ vector, 4 IRQs taken, 5 done flag,
 * 6..13 test words, 31 UNDEFs taken (and skipped).  Test 4's words: 6 the
 * fast IPIs vCPU 1 took after the retract, 7 the ticks from send to retract.
 */
#define AIC		0x23b100000
#define RESULTS_OFF	0x10000
#define SLOT(n)		((n) * 8)

	.macro	sysreg_rd op1, crm, op2
	mrs	x9, s3_\op1\()_c15_c\crm\()_\op2
	.endm
	.macro	sysreg_wr op1, crm, op2
	msr	s3_\op1\()_c15_c\crm\()_\op2, x10
	.endm

	.text
	.global	_start
_start:
	/* x19 test, x20 index, x21 my results, x26 the AIC, x22 RAM base */
	mov	x19, x0
	mov	x20, x1
	adr	x22, _start
	mov	x26, #(AIC & 0xffff)
	movk	x26, #((AIC >> 16) & 0xffff), lsl #16
	movk	x26, #(AIC >> 32), lsl #32
	add	x21, x22, #RESULTS_OFF
	add	x21, x21, x20, lsl #8
	/* A stack each, 16 KiB apart, below 1 MiB. */
	add	x9, x22, #0x100000
	sub	x9, x9, x20, lsl #14
	mov	sp, x9
	adr	x9, vectors
	msr	vbar_el1, x9
	isb
	cmp	x19, #0
	b.eq	t_sw_priority
	cmp	x19, #1
	b.eq	t_fast_ipi
	cmp	x19, #2
	b.eq	t_timer_fiq
	cmp	x19, #3
	b.eq	t_mmio_ipi
	cmp	x19, #4
	b.eq	t_deferred
	cmp	x19, #5
	b.eq	t_hostile
	cmp	x19, #6
	b.eq	t_deferred_arm
	b	off

/* 0: SW_SET two IRQs aimed here, read EVENT three times, then MASK_SET. */
t_sw_priority:
	cbnz	x20, park
	mov	w9, #1
	mov	x10, #(0x3000 + 4 * 40)
	str	w9, [x26, x10]			// TARGET_CPU[40] = CPU 0
	mov	x10, #(0x3000 + 4 * 7)
	str	w9, [x26, x10]			// TARGET_CPU[7] = CPU 0
	mov	w9, #(1 << 7)
	mov	x10, #0x4180
	str	w9, [x26, x10]			// MASK_CLR word 0: IRQ 7
	mov	x10, #0x4184
	mov	w9, #(1 << 8)
	str	w9, [x26, x10]			// MASK_CLR word 1: IRQ 40
	mov	x10, #0x4004
	str	w9, [x26, x10]			// SW_SET IRQ 40
	mov	w9, #(1 << 7)
	mov	x10, #0x4000
	str	w9, [x26, x10]			// SW_SET IRQ 7
	mov	x10, #0x2004
	ldr	w9, [x26, x10]
	str	x9, [x21, #SLOT(6)]		// first EVENT
	ldr	w9, [x26, x10]
	str	x9, [x21, #SLOT(7)]		// second
	ldr	w9, [x26, x10]
	str	x9, [x21, #SLOT(8)]		// third: nothing
	mov	x10, #0x4100
	ldr	w9, [x26, x10]
	str	x9, [x21, #SLOT(9)]		// MASK_SET word 0
	/* Now unmask IRQ 7 (still software-set) and take it at the vector. */
	mov	w9, #(1 << 7)
	mov	x10, #0x4180
	str	w9, [x26, x10]
	mov	x12, #SLOT(4)
	bl	wait_irq
	b	off

/* 1: vCPU 0 sends a fast IPI (x2: 0 local, 1 global) to vCPU 1's MPIDR in x3. */
t_fast_ipi:
	cbnz	x20, wait_fiq
	mov	x10, x3
	cbnz	x2, 1f
	msr	s3_5_c15_c0_0, x10		// IPI_RR_LOCAL_EL1
	b	2f
1:	msr	s3_5_c15_c0_1, x10		// IPI_RR_GLOBAL_EL1
2:	add	x11, x21, #0x100		// vCPU 1's results
wait_peer:
	ldr	x9, [x11, #SLOT(5)]
	cbz	x9, wait_peer
	b	off

wait_fiq:
	mov	x12, #SLOT(1)
	bl	wait_fiq_slot
	mov	x9, #1
	str	x9, [x21, #SLOT(5)]
	b	park

/* 2: the virtual timer fires a few ticks ahead: taken as a FIQ. */
t_timer_fiq:
	cbnz	x20, park
	mov	x9, #100
	msr	cntv_tval_el0, x9
	mov	x9, #1				// ENABLE, unmasked
	msr	cntv_ctl_el0, x9
	isb
	mov	x12, #SLOT(2)
	bl	wait_fiq_slot
	b	off

/* 3: vCPU 0 sends vCPU 1 an MMIO IPI (IPI_SEND bit 1); vCPU 1 takes it at IRQ. */
t_mmio_ipi:
	cbnz	x20, 1f
	mov	x10, #0x2008
	mov	w9, #(1 << 1)
	str	w9, [x26, x10]
	b	mmio_wait_peer
1:	mov	x10, #0x2028
	mov	w9, #1
	str	w9, [x26, x10]			// IPI_MASK_CLR: OTHER
	mov	x12, #SLOT(4)
	bl	wait_irq
	mov	x9, #1
	str	x9, [x21, #SLOT(5)]
	b	park
mmio_wait_peer:
	add	x11, x21, #0x100		// vCPU 1's results
1:	ldr	x9, [x11, #SLOT(5)]
	cbz	x9, 1b
	b	off

/*
 * 4: a deferred IPI with a long countdown, retracted: never taken; then
 * one with a short countdown: taken.  vCPU 1 counts what it takes.
 */
t_deferred:
	cbnz	x20, wait_fiq
	mov	x10, #0xffff
	msr	s3_5_c15_c3_1, x10		// IPI_CR: the long countdown
	mov	x10, #(2 << 28)
	orr	x10, x10, x3
	isb
	mrs	x13, cntvct_el0
	msr	s3_5_c15_c0_0, x10		// deferred to vCPU 1
	mov	x10, #(1 << 28)
	orr	x10, x10, x3
	msr	s3_5_c15_c0_0, x10		// retracted
	isb
	mrs	x14, cntvct_el0
	sub	x14, x14, x13
	str	x14, [x21, #SLOT(7)]		// ticks from send to retract, an upper bound
	/* Wait twice the countdown; vCPU 1 must still have nothing. */
	mrs	x12, cntvct_el0
	add	x12, x12, #0x20000
1:	mrs	x9, cntvct_el0
	cmp	x9, x12
	b.lo	1b
	add	x11, x21, #0x100		// vCPU 1's results
	ldr	x9, [x11, #SLOT(1)]
	str	x9, [x21, #SLOT(6)]		// fast IPIs vCPU 1 took after the retract
	mov	x10, #16
	msr	s3_5_c15_c3_1, x10
	mov	x10, #(2 << 28)
	orr	x10, x10, x3
	msr	s3_5_c15_c0_0, x10		// deferred, short: delivered
	b	wait_peer

/* 6: a deferred IPI with the longest countdown, then off at once (teardown test). */
t_deferred_arm:
	cbnz	x20, wait_fiq
	mov	x10, #0xffff
	msr	s3_5_c15_c3_1, x10
	mov	x10, #(2 << 28)
	orr	x10, x10, x3
	msr	s3_5_c15_c0_0, x10
	b	off

/*
 * 5: every 32-bit offset of the window written with ones and read; then
 * every IMPDEF encoding with CRn 15 read and written with ones.  UNDEFs
 * are counted and skipped; the 7 encodings the AIC knows must not UNDEF.
 */
t_hostile:
	cbnz	x20, park
	mov	x10, #0
	mov	w9, #-1
1:	str	w9, [x26, x10]
	ldr	w11, [x26, x10]
	add	x10, x10, #4
	cmp	x10, #0x8000
	b.lo	1b
	mov	x10, #-1
	.irp	op1, 0, 1, 2, 3, 4, 5, 6, 7
	.irp	crm, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.irp	op2, 0, 1, 2, 3, 4, 5, 6, 7
	sysreg_rd \op1, \crm, \op2
	sysreg_wr \op1, \crm, \op2
	.endr
	.endr
	.endr
	/* Drain what the ones raised: EVENT until it reads 0, IPI_SR cleared. */
	mov	x10, #0x2004
2:	ldr	w9, [x26, x10]
	cbnz	w9, 2b
	mov	x9, #1
	msr	s3_5_c15_c1_1, x9
	str	x9, [x21, #SLOT(5)]
	b	off

/*
 * Until slot x12 is non-zero: WFI with the interrupt masked (it still
 * wakes on a pending one), then open the mask for the handler to run; no
 * interrupt can slip between the check and the WFI.
 */
wait_irq:
	ldr	x9, [x21, x12]
	cbnz	x9, 1f
	wfi
	msr	daifclr, #2
	isb
	msr	daifset, #2
	b	wait_irq
1:	ret
wait_fiq_slot:
	ldr	x9, [x21, x12]
	cbnz	x9, 1f
	wfi
	msr	daifclr, #1
	isb
	msr	daifset, #1
	b	wait_fiq_slot
1:	ret

off:
	mov	x9, #1
	str	x9, [x21, #SLOT(5)]
	mov	x0, #0x0008
	movk	x0, #0x8400, lsl #16		// PSCI SYSTEM_OFF
	hvc	#0
park:
	wfi
	b	park

/* Handlers use x27-x29 only: the tests keep nothing there. */
	.balign	0x800
vectors:
	.skip	0x200
	/* Current EL, SPx: synchronous (an UNDEF: count, skip). */
	ldr	x28, [x21, #SLOT(31)]
	add	x28, x28, #1
	str	x28, [x21, #SLOT(31)]
	mrs	x28, elr_el1
	add	x28, x28, #4
	msr	elr_el1, x28
	eret
	.balign	0x80
	/* IRQ: one EVENT; an IPI is acknowledged. */
	mov	x28, #0x2004
	ldr	w29, [x26, x28]
	ldr	x28, [x21, #SLOT(4)]
	cbnz	x28, 1f
	str	x29, [x21, #SLOT(3)]
1:	add	x28, x28, #1
	str	x28, [x21, #SLOT(4)]
	lsr	x28, x29, #16
	cmp	x28, #4
	b.ne	2f
	mov	x28, #0x200c
	mov	w29, #1
	str	w29, [x26, x28]			// IPI_ACK: OTHER
2:	eret
	.balign	0x80
	/* FIQ: as Linux's aic_handle_fiq() polls its sources. */
	mrs	x28, s3_5_c15_c1_1		// IPI_SR_EL1
	tbz	x28, #0, 1f
	mov	x28, #1
	msr	s3_5_c15_c1_1, x28		// W1C
	ldr	x28, [x21, #SLOT(1)]
	add	x28, x28, #1
	str	x28, [x21, #SLOT(1)]
1:	mrs	x28, cntv_ctl_el0
	and	x29, x28, #7
	cmp	x29, #5				// ENABLE | ISTATUS, not masked
	b.ne	2f
	mov	x28, #3				// ENABLE | IMASK
	msr	cntv_ctl_el0, x28
	ldr	x28, [x21, #SLOT(2)]
	add	x28, x28, #1
	str	x28, [x21, #SLOT(2)]
2:	mrs	x28, s3_1_c15_c0_0		// PMCR0_EL1, as the driver reads it
	isb
	eret
