/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi.S - MSIs through the GICv2m frame, as macOS signals virtio
 * interrupts: SPIs 160-175 made edge-triggered, MSI_TYPER read, then
 * MSI_SETSPI_NS written with INTID 160 (plain STR: ISV=1), 161
 * (post-indexed STR: ISV=0), 162 (STP of two words: ISV=0, 8 bytes) and
 * 300 (outside the frame: dropped).  Before those, the guest takes one:
 * INTID 163 enabled in the GIC, signalled through SETSPI, taken at the IRQ
 * vector and acknowledged; the INTID it acknowledged lands at TAKEN.
 * Loaded at 0x7000_0000, MMU off; MSI_TYPER lands at RESULTS (and, read
 * with LDP as macOS reads it, with the word after it at RESULTS + 0x10); then PSCI
 * SYSTEM_OFF.
 */
	.equ GICD_ICFGR10,	0x10000c28	/* INTIDs 160-175 */
	.equ MSI_TYPER,		0x1fff0008
	.equ MSI_SETSPI_NS,	0x1fff0040
	.equ RESULTS,		0x70010000
	.equ TAKEN,		0x70010008
	.equ GICD_CTLR,		0x10000000
	.equ GICD_IGROUPR5,	0x10000094	/* INTIDs 160-191 */
	.equ GICD_ISENABLER5,	0x10000114
	.equ GICR_WAKER,	0x10010014
	.equ TAKEN_INTID,	163
	.equ PSCI_SYSTEM_OFF,	0x84000008

	.text
	.global _start
_start:
	ldr	x1, =GICD_ICFGR10
	ldr	w0, =0xaaaaaaaa			/* every one edge-triggered */
	str	w0, [x1]

	/* Take one: GIC and CPU interface up, only INTID 163 enabled. */
	adr	x0, vectors
	msr	vbar_el1, x0
	ldr	x1, =GICR_WAKER
	str	wzr, [x1]			/* the redistributor awake */
	ldr	x1, =GICD_IGROUPR5
	mov	w0, #(1 << (TAKEN_INTID - 160))
	str	w0, [x1]			/* group 1 */
	ldr	x1, =GICD_ISENABLER5
	str	w0, [x1]
	ldr	x1, =GICD_CTLR
	mov	w0, #0x12			/* ARE, EnableGrp1 */
	str	w0, [x1]
	mov	x0, #0xff
	msr	S3_0_C4_C6_0, x0		/* ICC_PMR_EL1: let all through */
	mov	x0, #1
	msr	S3_0_C12_C12_7, x0		/* ICC_IGRPEN1_EL1 */
	isb
	ldr	x3, =TAKEN
	str	xzr, [x3]
	ldr	x1, =MSI_SETSPI_NS
	mov	w0, #TAKEN_INTID
	str	w0, [x1]
	msr	daifclr, #2			/* IRQs on: it arrives now */
1:	ldr	x2, [x3]
	cbnz	x2, 2f
	wfi
	b	1b
2:	msr	daifset, #2

	ldr	x1, =MSI_TYPER
	ldr	w2, [x1]
	ldr	x3, =RESULTS
	str	w2, [x3]
	ldp	w4, w5, [x1]			/* as macOS reads the frame: ISV=0 */
	stp	w4, w5, [x3, #0x10]
	ldr	x1, =MSI_SETSPI_NS
	mov	w0, #160
	str	w0, [x1]
	mov	w0, #161
	str	w0, [x1], #0
	mov	w0, #162
	stp	w0, wzr, [x1]
	mov	w0, #300
	str	w0, [x1]
	ldr	x0, =PSCI_SYSTEM_OFF
	hvc	#0
3:	b	3b

/* Only the IRQ vector of the current EL with SP_ELx is used. */
	.balign	2048
vectors:
	.rept	5
	b	.
	.balign	128
	.endr
	/* +0x280: IRQ, current EL, SP_ELx */
	mrs	x9, S3_0_C12_C12_0		/* ICC_IAR1_EL1 */
	ldr	x10, =TAKEN
	str	x9, [x10]
	msr	S3_0_C12_C12_1, x9		/* ICC_EOIR1_EL1 */
	isb
	eret
	.ltorg
