/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi.S - MSIs through the GICv2m frame, as macOS signals virtio
 * interrupts: SPIs 160-175 made edge-triggered, MSI_TYPER read, then
 * MSI_SETSPI_NS written with INTID 160 (plain STR: ISV=1), 161
 * (post-indexed STR: ISV=0), 162 (STP of two words: ISV=0, 8 bytes) and
 * 300 (outside the frame: dropped).  Loaded at 0x7000_0000, MMU off;
 * MSI_TYPER lands at RESULTS; then PSCI SYSTEM_OFF.
 */
	.equ GICD_ICFGR10,	0x10000c28	/* INTIDs 160-175 */
	.equ MSI_TYPER,		0x1fff0008
	.equ MSI_SETSPI_NS,	0x1fff0040
	.equ RESULTS,		0x70010000
	.equ PSCI_SYSTEM_OFF,	0x84000008

	.text
	.global _start
_start:
	ldr	x1, =GICD_ICFGR10
	ldr	w0, =0xaaaaaaaa			/* every one edge-triggered */
	str	w0, [x1]
	ldr	x1, =MSI_TYPER
	ldr	w2, [x1]
	ldr	x3, =RESULTS
	str	w2, [x3]
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
1:	b	1b
	.ltorg
