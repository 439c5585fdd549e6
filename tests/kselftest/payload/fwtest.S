/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwtest.S - a stand-in for AVPBooter (which cannot be run here): loaded
 * by `vmapple run --bios` at 0x10_0000, MMU off.  It reads the cfg region,
 * reads sector 0 of the root and aux disks through BDIF and prints all of
 * it on the PL011, asks the Apple hypercalls for this boot's MABS offset
 * and session UUID and prints them, then powers off with PSCI.  Each boot
 * it also prints the cfg seed and a RAM marker (left by the boot before,
 * unless RAM was cleared), and lays device-tree timebase records in RAM
 * before PAC_SET_INITIAL_STATE, printing what they hold after it.  With ECID
 * 0xdead it reports a panic through pvpanic instead; with ECID 0xb007 it
 * asks PSCI for a reset (SYSTEM_RESET) every boot; with ECID 0xb002 it
 * keeps a boot count in aux sector 1, written through BDIF, and resets
 * until the count reaches 2.
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
	.equ MARKER,	RAM + 0x8000
	.equ DT,	RAM + 0x10000		/* the timebase records */
	.equ APPLE_HZ,	24000000

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

	/* cfg's seed (first 8 bytes) and production-mode; the marker of the boot before. */
	adr	x0, s_seed
	bl	puts
	add	x0, x20, #0x5c8
	mov	x2, #8
	bl	getbytes
	bl	puthex
	adr	x0, s_prod
	bl	puts
	ldr	w0, [x20, #8]
	bl	puthex
	adr	x0, s_marker
	bl	puts
	ldr	x1, =MARKER
	ldr	x0, [x1]
	bl	puthex
	ldr	x1, =MARKER
	ldr	x0, =0x1234abcd
	str	x0, [x1]
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

	bl	timebase_records

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

	ldr	x0, [x20, #0x18]
	mov	x1, #0xb002
	cmp	x0, x1
	b.ne	2f
	bl	count_boots
2:
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

/*
 * Device-tree timebase records as iBoot leaves them (name[32], u32 length,
 * u64 value), bytewise at odd places: one to rewrite, one with Apple's
 * length bit 31, one of length 4, one of another value, and one cut off
 * by the end of RAM.  Then the boot CPU's PAC_SET_INITIAL_STATE, and what
 * the first four hold after it.
 */
timebase_records:
	mov	x25, x30
	ldr	x19, =DT
	add	x0, x19, #0
	mov	w1, #8
	bl	mkrec
	add	x0, x19, #101
	mov	w1, #0x80000000
	orr	w1, w1, #8
	bl	mkrec
	add	x0, x19, #203
	mov	w1, #4
	bl	mkrec
	add	x0, x19, #307
	mov	w1, #8
	bl	mkrec
	add	x0, x19, #307 + 36
	ldr	x1, =25000000
	mov	x2, #8
	bl	putbytes
	ldr	x0, [x20, #0x20]		/* cfg's ram_size */
	ldr	x1, =RAM - 40
	add	x0, x0, x1			/* only 40 of the record's 44 bytes fit */
	mov	w1, #8
	mov	x2, #40
	bl	mkrec_short
	ldr	x0, =0xc1000000			/* PAC_SET_INITIAL_STATE */
	hvc	#0
	adr	x0, s_tb
	bl	puts
	mrs	x0, cntfrq_el0
	bl	puthex
	adr	x0, s_tb_vals
	bl	puts
	mov	x24, #0
1:	adr	x1, tb_offsets
	ldr	x1, [x1, x24, lsl #3]
	add	x0, x19, x1
	add	x0, x0, #36
	mov	x2, #8
	bl	getbytes
	bl	puthex
	adr	x0, s_space
	bl	puts
	add	x24, x24, #1
	cmp	x24, #4
	b.lo	1b
	adr	x0, s_nl
	bl	puts
	mov	x30, x25
	ret

/* x0 = where, w1 = length: a whole record of value 24 MHz. */
mkrec:
	mov	x2, #44
/* ... x2 = how many of its bytes to write */
mkrec_short:
	mov	x23, x30
	mov	x18, x0
	mov	x17, x2
	mov	w16, w1
	adr	x3, tb_name
	mov	x4, #0
1:	cmp	x4, x17
	b.hs	9f
	cmp	x4, #32
	b.hs	2f
	ldrb	w5, [x3, x4]
	b	4f
2:	cmp	x4, #36
	b.hs	3f
	sub	x6, x4, #32
	lsl	x6, x6, #3
	lsr	x5, x16, x6
	b	4f
3:	ldr	x7, =APPLE_HZ
	sub	x6, x4, #36
	lsl	x6, x6, #3
	lsr	x5, x7, x6
4:	strb	w5, [x18, x4]
	add	x4, x4, #1
	b	1b
9:	mov	x30, x23
	ret

/* x0 = where, x1 = value, x2 = bytes: store little-endian, bytewise. */
putbytes:
1:	cbz	x2, 2f
	strb	w1, [x0], #1
	lsr	x1, x1, #8
	sub	x2, x2, #1
	b	1b
2:	ret

/* x0 = where, x2 = bytes (<= 8): the little-endian value, read bytewise. */
getbytes:
	mov	x3, x0
	mov	x0, #0
	mov	x4, #0
1:	cmp	x4, x2
	b.hs	2f
	ldrb	w5, [x3, x4]
	lsl	x6, x4, #3
	lsl	x5, x5, x6
	orr	x0, x0, x5
	add	x4, x4, #1
	b	1b
2:	ret

/*
 * ECID 0xb002: the boot count lives in aux sector 1 (what NVRAM is to
 * iBoot): read it through BDIF, and below 2 write it back one higher and
 * reset; at 2, carry on to power off.
 */
count_boots:
	mov	x25, x30
	mov	x26, #0x10000			/* aux */
	mov	x0, #1
	ldr	x1, =0x00030001			/* READ */
	bl	bdif_rw
	ldr	x2, =BUF
	ldrb	w19, [x2]
	adr	x0, s_count
	bl	puts
	mov	x0, x19
	bl	puthex
	adr	x0, s_nl
	bl	puts
	cmp	w19, #2
	b.hs	1f
	add	w19, w19, #1
	ldr	x2, =BUF
	strb	w19, [x2]
	mov	x0, #1
	ldr	x1, =0x00010001			/* WRITE */
	bl	bdif_rw
	adr	x0, s_wrote
	bl	puts
	ldr	x2, =STATUS
	ldrb	w0, [x2]
	bl	puthex
	adr	x0, s_nl
	bl	puts
	ldr	x0, =0x84000009			/* PSCI SYSTEM_RESET */
	hvc	#0
	b	.
1:	mov	x30, x25
	ret

/* x26 = BDIF device, x0 = sector, x1 = flags: one 512-byte request at BUF. */
bdif_rw:
	ldr	x3, =REQ
	ldr	x2, =SECREC
	str	x2, [x3]
	mov	x4, #16
	str	x4, [x3, #8]
	ldr	x2, =BUF
	str	x2, [x3, #16]
	mov	x4, #512
	orr	x4, x4, x1, lsl #32
	str	x4, [x3, #24]
	ldr	x2, =STATUS
	str	x2, [x3, #32]
	str	xzr, [x3, #40]
	ldr	x2, =SECREC
	str	xzr, [x2]
	str	x0, [x2, #8]
	ldr	x2, =STATUS
	mov	w4, #0xff
	strb	w4, [x2]
	ldr	x2, =BDIF + 0x408
	add	x2, x2, x26
	str	x3, [x2]
	ret

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
s_seed:		.asciz "fwtest: cfg seed "
s_prod:		.asciz " production "
s_marker:	.asciz " ram marker "
s_count:	.asciz "fwtest: boot count "
s_wrote:	.asciz "fwtest: boot count written, status "
s_tb:		.asciz "fwtest: timebase cntfrq "
s_tb_vals:	.asciz " records "
s_space:	.asciz " "
	.balign 8
tb_offsets:	.quad 0, 101, 203, 307
tb_name:	.asciz "timebase-frequency"
	.space 32 - 19
	.balign 8
	.ltorg
