/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwtest.S - a stand-in for AVPBooter (which cannot be run here): loaded
 * by `vmapple run --bios` at 0x10_0000, MMU off.  It reads the cfg region,
 * reads sector 0 of the root and aux disks through BDIF and prints all of
 * it on the PL011, asks the Apple hypercalls for this boot's MABS offset
 * and session UUID and prints them, then powers off with PSCI.  With ECID 0xdead it reports
 * a panic through pvpanic instead; with ECID 0xb007 it asks PSCI for a
 * reset (SYSTEM_RESET), which the launcher does not do.
 */
	.equ UART,	0x20010000
	.equ CFG,	0x400000
	.equ BDIF,	0x30000000
	.equ PVPANIC,	0x20070000
	.equ RAM,	0x70000000
	.equ REQ,	RAM + 0x1000
	.equ SECREC,	RAM + 0x1100
	.equ STATUS,	RAM + 0x1200
	.equ BUF,	RAM + 0x2000

	.text
	.global _start
_start:
	ldr	x28, =UART
	adr	x0, s_hello
	bl	puts
	ldr	x20, =CFG
	adr	x0, s_cpus
	bl	puts
	ldr	w0, [x20, #4]
	bl	puthex
	adr	x0, s_model
	bl	puts
	add	x0, x20, #0x540
	bl	puts
	adr	x0, s_ecid
	bl	puts
	ldr	x0, [x20, #0x18]
	bl	puthex
	adr	x0, s_nl
	bl	puts

	ldr	x0, [x20, #0x18]
	mov	x1, #0xdead
	cmp	x0, x1
	b.eq	panic
	mov	x1, #0xb007
	cmp	x0, x1
	b.ne	1f
	ldr	x0, =0x84000009			/* PSCI SYSTEM_RESET */
	hvc	#0
1:

	adr	x0, s_root_size
	bl	puts
	ldr	x1, =BDIF + 0x420
	ldr	x0, [x1]
	bl	puthex
	adr	x0, s_aux_size
	bl	puts
	ldr	x1, =BDIF + 0x10420
	ldr	x0, [x1]
	bl	puthex
	adr	x0, s_nl
	bl	puts

	adr	x0, s_root
	bl	puts
	mov	x0, #0
	bl	bdif_read_sector0
	adr	x0, s_aux
	bl	puts
	mov	x0, #0x10000
	bl	bdif_read_sector0

	/* This boot's Apple hypercall answers, as XNU asks for them. */
	adr	x0, s_mabs
	bl	puts
	ldr	x0, =0xc3000003			/* GET_MABS_OFFSET */
	mov	x1, #0
	hvc	#0
	mov	x0, x1
	bl	puthex
	adr	x0, s_uuid
	bl	puts
	ldr	x0, =0xc3000004			/* GET_BOOTSESSIONUUID: x1-x4 */
	hvc	#0
	mov	x21, x1
	mov	x22, x2
	mov	x23, x3
	mov	x24, x4
	mov	x0, x21
	bl	puthex
	mov	x0, x22
	bl	puthex
	mov	x0, x23
	bl	puthex
	mov	x0, x24
	bl	puthex
	adr	x0, s_nl
	bl	puts

	adr	x0, s_bye
	bl	puts
	ldr	x0, =0x84000008			/* PSCI SYSTEM_OFF */
	hvc	#0
	b	.

panic:
	adr	x0, s_panic
	bl	puts
	ldr	x1, =PVPANIC
	mov	w0, #1				/* PVPANIC_PANICKED */
	strb	w0, [x1]
	b	.

/* x0 = BDIF device offset: read its sector 0, print status and 8 bytes. */
bdif_read_sector0:
	mov	x27, x30
	mov	x26, x0
	ldr	x1, =REQ
	ldr	x2, =SECREC
	str	x2, [x1]			/* sector descriptor */
	mov	x3, #16
	str	x3, [x1, #8]
	ldr	x2, =BUF
	str	x2, [x1, #16]			/* data descriptor: 512 bytes, READ */
	ldr	x3, =(512 | (0x00030001 << 32))
	str	x3, [x1, #24]
	ldr	x2, =STATUS
	str	x2, [x1, #32]			/* status byte */
	str	xzr, [x1, #40]
	ldr	x2, =SECREC
	str	xzr, [x2]
	str	xzr, [x2, #8]			/* sector 0 */
	ldr	x2, =STATUS
	mov	w3, #0xff
	strb	w3, [x2]
	ldr	x2, =BDIF + 0x408
	add	x2, x2, x26
	str	x1, [x2]			/* CMD: run the request */
	adr	x0, s_status
	bl	puts
	ldr	x2, =STATUS
	ldrb	w0, [x2]
	bl	puthex
	adr	x0, s_data
	bl	puts
	ldr	x2, =BUF
	strb	wzr, [x2, #8]			/* print 8 bytes as a string */
	mov	x0, x2
	bl	puts
	adr	x0, s_quote_nl
	bl	puts
	mov	x30, x27
	ret

/* x0 = NUL-terminated string */
puts:
	ldrb	w1, [x0], #1
	cbz	w1, 1f
	strb	w1, [x28]
	b	puts
1:	ret

/* x0 = value: 16 hex digits */
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

s_hello:	.asciz "fwtest: hello from 0x100000\n"
s_cpus:		.asciz "fwtest: cfg cpus "
s_model:	.asciz " model "
s_ecid:		.asciz " ecid "
s_root_size:	.asciz "fwtest: bdif sectors root "
s_aux_size:	.asciz " aux "
s_root:		.asciz "fwtest: root"
s_aux:		.asciz "fwtest: aux"
s_status:	.asciz " sector 0 status "
s_data:		.asciz " data '"
s_quote_nl:	.asciz "'\n"
s_nl:		.asciz "\n"
s_mabs:		.asciz "fwtest: hvc mabs "
s_uuid:		.asciz " uuid "
s_bye:		.asciz "fwtest: powering off\n"
s_panic:	.asciz "fwtest: panicking on purpose\n"
	.balign 8
	.ltorg
