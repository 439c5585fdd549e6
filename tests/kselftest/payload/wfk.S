/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wfk.S - firmware for `vmapple run --bios ... --cpus 2`: Apple's
 * VCPU_WFK and VCPU_KICK.  vCPU 0 kicks itself and then waits, which must
 * return at once (a kick that comes first is remembered); then it starts
 * vCPU 1, which announces it is about to wait and waits; vCPU 0 lets it
 * fall asleep, sets a flag and kicks it.  vCPU 1 must have slept through
 * until the kick: on waking it must see the flag.  Powers off when all
 * held, panics (pvpanic: vmapple exits 3) when one did not.  Layer 0
 * returns from WFK at once, so there vCPU 1 wakes before the flag.
 */
	.equ PVPANIC,		0x20070000
	.equ FLAGS,		0x70000000	/* A: waiting, B: kick coming, C: verdict */
	.equ PSCI_CPU_ON,	0xc4000003
	.equ PSCI_SYSTEM_OFF,	0x84000008
	.equ VCPU_WFK,		0xc3000005
	.equ VCPU_KICK,		0xc3000006
	.equ SLEEP_SPINS,	0x400000	/* time for vCPU 1 to fall asleep */

	.text
	.global _start
_start:
	mrs	x9, mpidr_el1
	and	x9, x9, #0xff
	cbnz	x9, secondary
	ldr	x20, =FLAGS
	str	wzr, [x20]
	str	wzr, [x20, #4]
	str	wzr, [x20, #8]
	ldr	x0, =VCPU_KICK			/* kick ourselves ... */
	mov	x1, #0
	hvc	#0
	cbnz	x0, fail
	ldr	x0, =VCPU_WFK			/* ... so this returns at once */
	mov	x1, #0
	hvc	#0
	cbnz	x0, fail
	ldr	x0, =PSCI_CPU_ON
	mov	x1, #1
	adr	x2, secondary
	mov	x3, #0
	hvc	#0
	cbnz	x0, fail
1:	ldr	w6, [x20]			/* A: vCPU 1 is about to wait */
	cbz	w6, 1b
	ldr	x7, =SLEEP_SPINS
2:	subs	x7, x7, #1
	b.ne	2b
	mov	w6, #1				/* B: the kick is coming */
	str	w6, [x20, #4]
	dsb	sy
	ldr	x0, =VCPU_KICK
	mov	x1, #1
	hvc	#0
	cbnz	x0, fail
3:	ldr	w6, [x20, #8]			/* C: 1 woke after B, 2 before */
	cbz	w6, 3b
	cmp	w6, #1
	b.ne	fail
	ldr	x0, =PSCI_SYSTEM_OFF
	hvc	#0
fail:
	ldr	x1, =PVPANIC
	mov	w0, #1				/* PVPANIC_PANICKED */
	strb	w0, [x1]
	b	.

secondary:
	ldr	x20, =FLAGS
	mov	w6, #1
	str	w6, [x20]			/* A */
	dsb	sy
	ldr	x0, =VCPU_WFK
	mov	x1, #0
	hvc	#0
	ldr	w6, [x20, #4]			/* B, as seen on waking */
	mov	w7, #2
	cmp	w6, #1
	csel	w6, w6, w7, eq
	str	w6, [x20, #8]			/* C */
	dsb	sy
4:	wfi
	b	4b
	.ltorg
