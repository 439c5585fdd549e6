/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rawk.S - a raw binary (no Image header) for `vmapple run --kernel`: the
 * launcher loads it at the start of RAM and enters it at its first byte
 * with x0 = the device tree, as QEMU's -kernel and kvmtool do.  It prints
 * where it runs and whether x0 points at an FDT (magic 0xd00dfeed,
 * big-endian), then powers off.
 */
	.equ UART,	0x20010000

	.text
	.global _start
_start:
	mov	x19, x0
	adr	x20, _start
	ldr	x28, =UART
	adr	x0, s_at
	bl	puts
	mov	x0, x20
	bl	puthex
	adr	x0, s_x0
	bl	puts
	mov	x0, x19
	bl	puthex
	ldr	w1, [x19]
	rev	w1, w1
	ldr	w2, =0xd00dfeed
	adr	x0, s_fdt
	cmp	w1, w2
	b.eq	1f
	adr	x0, s_nofdt
1:	bl	puts
	ldr	x0, =0x84000008			/* PSCI SYSTEM_OFF */
	hvc	#0
	b	.

puts:
	ldrb	w1, [x0], #1
	cbz	w1, 1f
	strb	w1, [x28]
	b	puts
1:	ret

puthex:
	mov	x2, #60
1:	lsr	x1, x0, x2
	and	x1, x1, #0xf
	cmp	x1, #10
	add	x3, x1, #'0'
	add	x4, x1, #('a' - 10)
	csel	x1, x3, x4, lo
	strb	w1, [x28]
	subs	x2, x2, #4
	b.pl	1b
	ret

s_at:		.asciz "rawk: entered at "
s_x0:		.asciz ", x0 "
s_fdt:		.asciz " holds a device tree\n"
s_nofdt:	.asciz " holds no device tree\n"
	.balign 8
	.ltorg
