/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bare.h - what the C test firmwares (vdrv.c, netguest.c) share: the
 * VMApple board's addresses, bytewise guest-memory access (they run with
 * the MMU off, so every access is to Device memory, which faults when
 * unaligned), the UART, and a virtio-pci function's bring-up.  Each is
 * loaded by `vmapple run --bios` at 0x10_0000 and starts at _start.
 */
#ifndef PAYLOAD_BARE_H
#define PAYLOAD_BARE_H

#include <stdint.h>

#define UART		0x20010000ul
#define CFG_ECID	0x400018ul
#define ECAM		0x40000000ul
#define PCI_MMIO	0x50000000ul
#define RAM		0x70000000ul

#define VIRTIO_VENDOR	0x1af4

/* virtio-pci common configuration (virtio 1.2 §4.1.4.3), BAR 0 of our board. */
#define CC_DFSELECT	0x00
#define CC_GFSELECT	0x08
#define CC_GF		0x0c
#define CC_STATUS	0x14
#define CC_Q_SELECT	0x16
#define CC_Q_SIZE	0x18
#define CC_Q_ENABLE	0x1c
#define CC_Q_NOFF	0x1e
#define CC_Q_DESC	0x20
#define CC_Q_AVAIL	0x28
#define CC_Q_USED	0x30
#define DEVICE_CFG	0x2000
#define NOTIFY_BASE	0x3000
#define NOTIFY_MULT	4

#define STATUS_ACK		1
#define STATUS_DRIVER		2
#define STATUS_DRIVER_OK	4
#define STATUS_FEATURES_OK	8

/* A stack in RAM below what the tests use; main's return powers off (PSCI SYSTEM_OFF). */
asm(".global _start\n"
    "_start:\n"
    "	ldr	x0, =0x70100000\n"
    "	mov	sp, x0\n"
    "	bl	main\n"
    "	ldr	x0, =0x84000008\n"
    "	hvc	#0\n"
    "	b	.\n"
    "	.ltorg\n");

/* The compiler may call it for a zeroed struct: there is no libc. */
void *memset(void *dst, int c, unsigned long n);
void *memset(void *dst, int c, unsigned long n)
{
	volatile uint8_t *p = dst;

	while (n--)
		*p++ = (uint8_t)c;
	return dst;
}

static inline void w8(uintptr_t a, uint8_t v) { *(volatile uint8_t *)a = v; }
static inline uint8_t r8(uintptr_t a) { return *(volatile uint8_t *)a; }
static inline void w16(uintptr_t a, uint16_t v) { *(volatile uint16_t *)a = v; }
static inline uint16_t r16(uintptr_t a) { return *(volatile uint16_t *)a; }
static inline void w32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint32_t r32(uintptr_t a) { return *(volatile uint32_t *)a; }

/* Guest memory at any alignment: little-endian, a byte at a time. */
static inline void put(uintptr_t a, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		w8(a + i, (uint8_t)(v >> (8 * i)));
}

static inline uint64_t get(uintptr_t a, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)r8(a + i) << (8 * i);
	return v;
}

static inline void zero(uintptr_t a, uintptr_t n)
{
	while (n--)
		w8(a++, 0);
}

static inline void fence(void)
{
	asm volatile("dmb sy" ::: "memory");
}

static inline void puts_(const char *s)
{
	while (*s)
		w8(UART, (uint8_t)*s++);
}

static inline void putdec(uint64_t v)
{
	char buf[24];
	int i = 0;

	do {
		buf[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		w8(UART, (uint8_t)buf[--i]);
}

static inline void puthex(uint64_t v)
{
	puts_("0x");
	for (int s = 60; s >= 0; s -= 4)
		w8(UART, (uint8_t)"0123456789abcdef"[(v >> s) & 0xf]);
}

struct vdev {
	uintptr_t bar0;
	uintptr_t notify;	/* the last queue set up's doorbell */
};

/* Place BAR 0 (and BAR 1, MSI-X) of the function at ECAM slot @slot; turn decoding on. */
static inline void place_bars(unsigned int slot, struct vdev *d)
{
	uintptr_t cfg = ECAM + ((uintptr_t)slot << 15);

	d->bar0 = PCI_MMIO + (uintptr_t)slot * 0x10000;
	w32(cfg + 0x10, (uint32_t)d->bar0);
	w32(cfg + 0x14, (uint32_t)d->bar0 + 0x8000);
	w16(cfg + 0x04, 0x6);		/* memory space, bus master */
}

/* Reset, then features: VERSION_1 and @low (bits 0-31).  0 when the device took them. */
static inline int vdev_features(struct vdev *d, uint32_t low)
{
	uintptr_t cc = d->bar0;

	w8(cc + CC_STATUS, 0);
	w8(cc + CC_STATUS, STATUS_ACK);
	w8(cc + CC_STATUS, STATUS_ACK | STATUS_DRIVER);
	w32(cc + CC_GFSELECT, 0);
	w32(cc + CC_GF, low);
	w32(cc + CC_GFSELECT, 1);
	w32(cc + CC_GF, 1);		/* VIRTIO_F_VERSION_1 (bit 32) */
	w8(cc + CC_STATUS, STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK);
	return r8(cc + CC_STATUS) & STATUS_FEATURES_OK ? 0 : -1;
}

/* Queue @q of @size entries at @desc/@avail/@used, enabled; d->notify its doorbell. */
static inline void vdev_queue(struct vdev *d, uint16_t q, uint16_t size, uint64_t desc,
			      uint64_t avail, uint64_t used)
{
	uintptr_t cc = d->bar0;

	w16(cc + CC_Q_SELECT, q);
	w16(cc + CC_Q_SIZE, size);
	w32(cc + CC_Q_DESC, (uint32_t)desc);
	w32(cc + CC_Q_DESC + 4, (uint32_t)(desc >> 32));
	w32(cc + CC_Q_AVAIL, (uint32_t)avail);
	w32(cc + CC_Q_AVAIL + 4, (uint32_t)(avail >> 32));
	w32(cc + CC_Q_USED, (uint32_t)used);
	w32(cc + CC_Q_USED + 4, (uint32_t)(used >> 32));
	w16(cc + CC_Q_ENABLE, 1);
	d->notify = cc + NOTIFY_BASE + (uintptr_t)r16(cc + CC_Q_NOFF) * NOTIFY_MULT;
}

static inline void vdev_driver_ok(struct vdev *d)
{
	w8(d->bar0 + CC_STATUS,
	   STATUS_ACK | STATUS_DRIVER | STATUS_DRIVER_OK | STATUS_FEATURES_OK);
}

#endif
