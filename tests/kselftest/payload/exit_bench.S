/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exit_bench.S - the guest side of `make bench` (tests/bench/exit_bench.c):
 * x1 reads of the register at x2, each one exit, timed with the virtual
 * counter.  x0 picks the form: 0 a plain LDR (the syndrome is valid,
 * ISV=1), 1 a post-indexed LDR with offset 0 (same address, no syndrome,
 * ISV=0).  A few untimed reads first, so that no first-touch cost (stage-2
 * faults, cold caches in the host) lands in the figure.  Results at
 * RESULTS: ticks, reads, counter frequency; then PSCI SYSTEM_OFF.
 * Loaded at 0x7000_0000, MMU off.
 */
	.equ RESULTS,		0x70010000
	.equ WARMUP_READS,	16
	.equ PSCI_SYSTEM_OFF,	0x84000008

	.text
	.global _start
_start:
	mov	x3, #WARMUP_READS
	bl	reads
	isb
	mrs	x4, cntvct_el0
	mov	x3, x1
	bl	reads
	isb
	mrs	x5, cntvct_el0
	sub	x5, x5, x4
	mrs	x6, cntfrq_el0
	ldr	x7, =RESULTS
	stp	x5, x1, [x7]
	str	x6, [x7, #16]
	ldr	x0, =PSCI_SYSTEM_OFF
	hvc	#0
1:	b	1b

/* x3 (> 0) reads of [x2] in the form x0 names; clobbers x3, w9. */
reads:
	cbnz	x0, 2f
1:	ldr	w9, [x2]
	subs	x3, x3, #1
	b.ne	1b
	ret
2:	ldr	w9, [x2], #0
	subs	x3, x3, #1
	b.ne	2b
	ret
	.ltorg
