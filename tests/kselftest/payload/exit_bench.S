/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exit_bench.S - the guest side of `make bench` (tests/bench/exit_bench.c):
 * x1 exits of one kind, timed with the virtual counter.  x0 picks the
 * kind: 0 a plain LDR of the register at x2 (the syndrome is valid,
 * ISV=1), 1 a post-indexed LDR with offset 0 (same address, no syndrome,
 * ISV=0), 2 an HVC with function ID x2, 3 a plain STR of w3 to x2 (an
 * MSI: x3 is the INTID, x2 the GICv2m frame's MSI_SETSPI_NS).  A few untimed exits first, so
 * that no first-touch cost (stage-2 faults, cold caches in the host) lands
 * in the figure.  Results at RESULTS: ticks, exits, counter frequency;
 * then PSCI SYSTEM_OFF.  Loaded at 0x7000_0000, MMU off.  An HVC returns
 * results in x0-x3 (x0-x4 for Apple's calls): the loops keep to x9-x14.
 */
	.equ RESULTS,		0x70010000
	.equ WARMUP_EXITS,	16
	.equ PSCI_SYSTEM_OFF,	0x84000008

	.text
	.global _start
_start:
	mov	x10, x0				/* kind */
	mov	x11, x2				/* address or function ID */
	mov	x14, x1				/* exits to time */
	mov	x15, x3				/* what kind 3 stores */
	mov	x13, #WARMUP_EXITS
	bl	exits
	isb
	mrs	x4, cntvct_el0
	mov	x13, x14
	bl	exits
	isb
	mrs	x5, cntvct_el0
	sub	x5, x5, x4
	mrs	x6, cntfrq_el0
	ldr	x7, =RESULTS
	stp	x5, x14, [x7]
	str	x6, [x7, #16]
	ldr	x0, =PSCI_SYSTEM_OFF
	hvc	#0
1:	b	1b

/* x13 (> 0) exits of kind x10 on x11; clobbers x0-x4, x9, x11 (ISV=0), x13. */
exits:
	cmp	x10, #1
	b.eq	2f
	cmp	x10, #2
	b.eq	3f
	b.hi	4f
1:	ldr	w9, [x11]
	subs	x13, x13, #1
	b.ne	1b
	ret
2:	ldr	w9, [x11], #0
	subs	x13, x13, #1
	b.ne	2b
	ret
3:	mov	x0, x11
	hvc	#0
	subs	x13, x13, #1
	b.ne	3b
	ret
4:	str	w15, [x11]
	subs	x13, x13, #1
	b.ne	4b
	ret
	.ltorg
