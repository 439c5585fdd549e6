/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irq_bench.S - the guest side of `make bench`'s interrupt rows
 * (tests/bench/irq_bench.c): IPI round trips between two vCPUs, timer
 * interrupts, and device interrupts, each taken at the vector by a handler
 * that does what Linux's driver for that interrupt controller does (GICv3:
 * IAR1/EOIR1; Apple's AIC: irq-apple-aic.c's EVENT loop, or its FIQ
 * handler polling IPI_SR, the timers, PMCR0 and UPMCR0).
 *
 * Every vCPU enters at 0x8_0000_0000, MMU off, with x0 the kind, x1 its
 * index, x2 the operations to time, x3 its send word (below).  vCPU 0
 * times x2 operations (after WARMUP untimed ones) with the virtual counter
 * and powers the VM off; the other answers IPIs until then.  For the
 * device kinds the host does the timing: vCPU 0 takes interrupts until the
 * host sets STOP.
 *
 * Kinds (x3):
 *   0 IPI by GICv3 SGI (ICC_SGI1R_EL1 value aimed at the peer)
 *   1 IPI by AIC fast IPI (IPI_RR_LOCAL_EL1 value: the peer's MPIDR)
 *   2 IPI by AIC MMIO (IPI_SEND bit of the peer)
 *   3 virtual timer through the vGIC (PPI 27)
 *   4 virtual timer as the AIC's FIQ
 *   5 virtual timer as a FIQ some other party raises (KVM's user-irqchip
 *     path): the FIQ handler's three IMPDEF traps become HVCs KVM answers
 *     itself (PSCI_VERSION), the least a userspace AIC would cost
 *   6 device SPI (INTID 64, edge) through the vGIC, raised by the host
 *   7 device IRQ (AIC IRQ 64, level), driven by the host; unmasked once
 *     the host says it lowered the line (LOWERED == DONE)
 *   8 no interrupt: one system-register trap KVM emulates itself per
 *     operation (ID_AA64PFR0_EL1, trapped by HCR_EL2.TID3)
 *   9 no interrupt: one trap the module emulates per operation (IPI_SR,
 *     trapped by HCR_EL2.TIDCP): 8 and 9 take the same exit, to
 *     kvm_handle_sys_reg(), so their ratio is what the module's hook adds
 */
#define AIC		0x23b100000
#define GICD		0x10000000
#define GICR		0x10010000
#define GICR_STRIDE	0x20000
#define DEV_INTID	64
#define DEV_AIC_IRQ	64
#define WARMUP		16

/* The control block at RAM + 0x10000 (irq_bench.c's struct ctrl). */
#define CTRL_OFF	0x10000
#define C_TICKS		0x00
#define C_OPS		0x08
#define C_HZ		0x10
#define C_UNDEF_ESR	0x18	/* guest: a synchronous exception's ESR (then off) */
#define C_STOP		0x20	/* host: the device kinds end */
#define C_DONE		0x28	/* guest: device interrupts taken */
#define C_LOWERED	0x30	/* host: the line is down after that many */
#define C_MASKED	0x38	/* guest: the AIC masked the device IRQ (EVENT) */
#define C_READY		0x40	/* + 8 * vCPU: set up */
#define C_PONG		0x80	/* vCPU 0: IPIs or timer interrupts taken */

#define PSCI_VERSION	0x84000000
#define PSCI_SYSTEM_OFF	0x84000008

/* GICv3 CPU interface and Apple IMPDEF registers. */
#define ICC_PMR_EL1	s3_0_c4_c6_0
#define ICC_IAR1_EL1	s3_0_c12_c12_0
#define ICC_EOIR1_EL1	s3_0_c12_c12_1
#define ICC_SGI1R_EL1	s3_0_c12_c11_5
#define ICC_IGRPEN1_EL1	s3_0_c12_c12_7
#define IPI_RR_LOCAL	s3_5_c15_c0_0
#define IPI_SR		s3_5_c15_c1_1
#define PMCR0		s3_1_c15_c0_0
#define UPMCR0		s3_7_c15_c0_4

/* AIC registers (irq-apple-aic.c). */
#define AIC_EVENT	0x2004
#define AIC_IPI_SEND	0x2008
#define AIC_IPI_ACK	0x200c
#define AIC_IPI_MASK_CLR 0x2028
#define AIC_TARGET_CPU	0x3000
#define AIC_MASK_CLR	0x4180

	.macro	movq reg, val
	mov	\reg, #((\val) & 0xffff)
	movk	\reg, #(((\val) >> 16) & 0xffff), lsl #16
	movk	\reg, #(((\val) >> 32) & 0xffff), lsl #32
	.endm

	.text
	.global	_start
_start:
	/* x19 kind, x20 index, x21 ops, x22 send word, x23 CTRL, x24 AIC, x26 my GICR */
	mov	x19, x0
	mov	x20, x1
	mov	x21, x2
	mov	x22, x3
	adr	x9, _start
	add	x23, x9, #(CTRL_OFF >> 12), lsl #12
	add	x10, x9, #0x100, lsl #12	/* stacks: 16 KiB each below 1 MiB */
	sub	x10, x10, x20, lsl #14
	mov	sp, x10
	adr	x10, vectors
	msr	vbar_el1, x10
	movq	x24, AIC
	movq	x26, GICR
	mov	x10, #GICR_STRIDE
	madd	x26, x20, x10, x26
	mrs	x10, cntfrq_el0
	str	x10, [x23, #C_HZ]
	isb
	cmp	x19, #0
	b.eq	gic_setup
	cmp	x19, #3
	b.eq	gic_setup
	cmp	x19, #6
	b.eq	gic_setup
	cmp	x19, #2
	b.eq	aic_ipi_setup
	cmp	x19, #7
	b.eq	aic_dev_setup
	b	ready

/* The redistributor awake, SGIs and PPIs group 1 and enabled; vCPU 0 the distributor too. */
gic_setup:
	str	wzr, [x26, #0x14]		/* GICR_WAKER */
	add	x10, x26, #0x10000		/* SGI_base */
	mov	w9, #-1
	str	w9, [x10, #0x80]		/* GICR_IGROUPR0 */
	str	w9, [x10, #0x100]		/* GICR_ISENABLER0 */
	cbnz	x20, 1f
	movq	x10, GICD
	mov	w9, #1
	str	w9, [x10, #(0x80 + 4 * (DEV_INTID / 32))]	/* GICD_IGROUPR */
	mov	w9, #2
	str	w9, [x10, #(0xc00 + 4 * (DEV_INTID / 16))]	/* GICD_ICFGR: edge */
	mov	w9, #1
	str	w9, [x10, #(0x100 + 4 * (DEV_INTID / 32))]	/* GICD_ISENABLER */
	mov	w9, #0x12			/* ARE, EnableGrp1 */
	str	w9, [x10]
1:	mov	x9, #0xff
	msr	ICC_PMR_EL1, x9
	mov	x9, #1
	msr	ICC_IGRPEN1_EL1, x9
	isb
	b	ready

aic_ipi_setup:
	mov	w9, #1
	mov	x10, #AIC_IPI_MASK_CLR
	str	w9, [x24, x10]			/* IPI OTHER unmasked */
	b	ready

aic_dev_setup:
	mov	w9, #1				/* CPU 0 */
	mov	x10, #(AIC_TARGET_CPU + 4 * DEV_AIC_IRQ)
	str	w9, [x24, x10]
	mov	w9, #(1 << (DEV_AIC_IRQ % 32))
	mov	x10, #(AIC_MASK_CLR + 4 * (DEV_AIC_IRQ / 32))
	str	w9, [x24, x10]

ready:
	mov	x9, #1
	add	x10, x23, #C_READY
	str	x9, [x10, x20, lsl #3]
	msr	daifclr, #3			/* IRQ and FIQ */
	isb
	cbz	x20, 1f
answer:
	b	answer				/* vCPU 1: its handler replies */
1:	cmp	x19, #8
	b.hs	timed				/* the trap kinds: nothing to wait for */
	cmp	x19, #6
	b.hs	device
	cmp	x19, #2
	b.hi	timed
	/* An IPI kind: wait for vCPU 1. */
2:	ldr	x9, [x23, #(C_READY + 8)]
	cbz	x9, 2b

timed:
	mov	x12, #0				/* interrupts expected so far */
	mov	x13, #WARMUP
	bl	ops
	isb
	mrs	x4, cntvct_el0
	mov	x13, x21
	bl	ops
	isb
	mrs	x5, cntvct_el0
	sub	x5, x5, x4
	stp	x5, x21, [x23, #C_TICKS]
off:
	movq	x0, PSCI_SYSTEM_OFF
	hvc	#0
	b	.

/* x13 (> 0) operations, each waiting for its interrupt; x12 counts them. */
ops:
	add	x12, x12, #1
	cmp	x19, #8
	b.hs	trap_op
	cmp	x19, #0
	b.eq	1f
	cmp	x19, #1
	b.eq	2f
	cmp	x19, #2
	b.eq	3f
	/* A timer kind: fire now (TVAL 0), unmasked. */
	msr	cntv_tval_el0, xzr
	mov	x9, #1
	msr	cntv_ctl_el0, x9
	b	4f
1:	msr	ICC_SGI1R_EL1, x22
	b	4f
2:	mrs	x9, mpidr_el1			/* as aic_ipi_send_fast() reads it */
	msr	IPI_RR_LOCAL, x22
	b	4f
3:	mov	x10, #AIC_IPI_SEND
	str	w22, [x24, x10]
4:	isb
5:	ldr	x9, [x23, #C_PONG]
	cmp	x9, x12
	b.lo	5b
	subs	x13, x13, #1
	b.ne	ops
	ret

/* The trap kinds: one trapped read an operation, no interrupt. */
trap_op:
	b.ne	1f
	mrs	x9, id_aa64pfr0_el1
	b	2f
1:	mrs	x9, IPI_SR
2:	subs	x13, x13, #1
	b.ne	ops
	ret

/* The device kinds: take interrupts until the host says stop. */
device:
	ldr	x9, [x23, #C_STOP]
	cbnz	x9, off
	cmp	x19, #7
	b.ne	device
	/* The AIC masked the IRQ at EVENT: unmask once the host lowered the line. */
	ldr	x9, [x23, #C_MASKED]
	cbz	x9, device
	ldr	x9, [x23, #C_DONE]
	ldr	x10, [x23, #C_LOWERED]
	cmp	x9, x10
	b.ne	device
	str	xzr, [x23, #C_MASKED]		/* before the unmask: it may fire at once */
	dmb	ish
	mov	w9, #(1 << (DEV_AIC_IRQ % 32))
	mov	x10, #(AIC_MASK_CLR + 4 * (DEV_AIC_IRQ / 32))
	str	w9, [x24, x10]
	b	device

/*
 * Handlers use x27-x29 (and kind 5 the stack for x0-x3); no BL, so the
 * interrupted code's x30 survives.  ERET restores its flags.
 */
	.macro	count off
	ldr	x28, [x23, #\off]
	add	x28, x28, #1
	str	x28, [x23, #\off]
	.endm

/* A firing CNTV is masked (the arch timer's handler) and counted; CNTP is only looked at. */
	.macro	fiq_timers
	mrs	x27, cntp_ctl_el0
	mrs	x27, cntv_ctl_el0
	and	x27, x27, #7
	cmp	x27, #5				/* ENABLE | ISTATUS, unmasked */
	b.ne	8f
	mov	x28, #3
	msr	cntv_ctl_el0, x28
	count	C_PONG
8:
	.endm

	.balign	0x800
vectors:
	.skip	0x200
	/* Current EL, SPx: synchronous (an UNDEF, say): its ESR for the host, then off. */
	mrs	x27, esr_el1
	str	x27, [x23, #C_UNDEF_ESR]
	b	off
	.balign	0x80
	/* Current EL, SPx: IRQ. */
	cmp	x19, #2
	b.eq	irq_aic
	cmp	x19, #7
	b.eq	irq_aic
	b	irq_gic
	.balign	0x80
	/* Current EL, SPx: FIQ. */
	cmp	x19, #5
	b.eq	fiq_user
	b	fiq_aic

irq_gic:
	mrs	x27, ICC_IAR1_EL1
	cmp	x19, #3
	b.ne	1f
	mov	x28, #3				/* ENABLE | IMASK, as the arch timer masks */
	msr	cntv_ctl_el0, x28
1:	msr	ICC_EOIR1_EL1, x27
	cmp	x19, #6
	b.eq	2f
	cbnz	x20, 3f
	count	C_PONG
	eret
2:	count	C_DONE
	eret
3:	msr	ICC_SGI1R_EL1, x22		/* vCPU 1 answers */
	isb
	eret

/* aic_handle_irq(): EVENT until it reads 0. */
irq_aic:
	mov	x29, #AIC_EVENT
	ldr	w27, [x24, x29]
	cbz	w27, 9f
	ubfx	w28, w27, #16, #8		/* AIC_EVENT_TYPE */
	cmp	w28, #4				/* IPI */
	b.eq	1f
	cmp	w28, #1				/* IRQ */
	b.ne	irq_aic
	mov	x28, #1
	str	x28, [x23, #C_MASKED]
	count	C_DONE
	b	irq_aic
	/* aic_handle_ipi(), MMIO flavour: ACK, handle, MASK_CLR. */
1:	mov	w28, #1
	mov	x29, #AIC_IPI_ACK
	str	w28, [x24, x29]
	cbnz	x20, 2f
	count	C_PONG
	b	3f
2:	mov	x29, #AIC_IPI_SEND
	str	w22, [x24, x29]
3:	mov	w28, #1
	mov	x29, #AIC_IPI_MASK_CLR
	str	w28, [x24, x29]
	b	irq_aic
9:	eret

/* aic_handle_fiq(): fast IPI, the two EL0 timers, then the PMUs' state. */
fiq_aic:
	mrs	x27, IPI_SR
	tbz	x27, #0, 2f
	mov	x28, #1
	msr	IPI_SR, x28			/* W1C */
	isb
	cbnz	x20, 1f
	count	C_PONG
	b	2f
1:	mrs	x28, mpidr_el1
	msr	IPI_RR_LOCAL, x22		/* vCPU 1 answers */
	isb
2:	fiq_timers
	mrs	x27, PMCR0
	mrs	x27, UPMCR0
	eret

/* The same handler with each IMPDEF access an HVC that KVM answers. */
fiq_user:
	stp	x0, x1, [sp, #-32]!
	stp	x2, x3, [sp, #16]
	movq	x0, PSCI_VERSION
	hvc	#0				/* in place of IPI_SR */
	fiq_timers
	movq	x0, PSCI_VERSION
	hvc	#0				/* PMCR0 */
	movq	x0, PSCI_VERSION
	hvc	#0				/* UPMCR0 */
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp], #32
	eret

	.ltorg
