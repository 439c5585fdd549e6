/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmio_loop.S - firmware for `vmapple run --bios` that never stops: it
 * reads the PL011's flag register forever, alternately with a syndrome
 * (ISV=1, a plain LDR) and without one (ISV=0, post-indexed), so each
 * iteration passes through both of vmapple_kvm's MMIO hooks.  The rig
 * loads and unloads the module under it.
 */
	.equ UARTFR,	0x20010018

	.text
	.global _start
_start:
	ldr	x1, =UARTFR
1:	ldr	w0, [x1]
	ldr	w0, [x1], #0
	b	1b
	.ltorg
