// SPDX-License-Identifier: GPL-2.0
/*
 * mmio_peer.c - the peer race's MMIO rows (tests/bench/peer_bench.sh): a raw
 * binary that runs unchanged under `vmapple run --kernel` and QEMU's
 * -kernel.  The two load it at different addresses (the start of RAM;
 * QEMU's virt: 64 KiB into RAM), so it is position independent: every
 * address it takes is PC-relative (no pointer in its data), and it finds
 * its devices in the device tree x0 points at, not at fixed addresses:
 * - the PL011 ("arm,pl011"): its flag register is a device the VMM serves
 *   in userspace, in both;
 * - the GICv3 distributor ("arm,gic-v3", the first reg): GICD_TYPER is
 *   KVM's vGIC, in the kernel, in both; only the VMM's overhead differs.
 * It times READS loads of each with the virtual counter and prints
 * "GBENCH mmio_user_read NS ns" and "GBENCH mmio_vgic_read NS ns" on the
 * PL011, then powers off through PSCI (HVC, as both boards say).  The MMU
 * is off: every access is Device memory, so the FDT is read bytewise.
 */
#include <stdbool.h>
#include <stdint.h>

#define READS		4000
#define UARTDR		0x00
#define UARTFR		0x18
#define UARTFR_TXFF	(1u << 5)
#define GICD_TYPER	0x04
#define PSCI_SYSTEM_OFF	0x84000008ul

#define FDT_MAGIC	0xd00dfeedu
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9
#define FDT_MAX_DEPTH	16

/* Enter with x0 = the FDT; the stack is 256 KiB above the image's start. */
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	adr	x1, _start\n"
	"	add	x1, x1, #0x40000\n"
	"	mov	sp, x1\n"
	"	bl	peer_main\n"
	"1:	wfi\n"
	"	b	1b\n");

static inline uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

static inline uint64_t counter(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

static inline uint64_t counter_hz(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static uint32_t be32(const volatile uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool str_eq(const volatile uint8_t *a, const char *b)
{
	while (*b && *a == (uint8_t)*b) {
		a++;
		b++;
	}
	return !*b && !*a;
}

static uint32_t str_len(const volatile uint8_t *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* Is @want one of the strings of the compatible list @v, @len bytes? */
static bool compat_has(const volatile uint8_t *v, uint32_t len, const char *want)
{
	uint32_t off = 0;

	while (off < len) {
		if (str_eq(v + off, want))
			return true;
		off += str_len(v + off) + 1;
	}
	return false;
}

/* A reg cell run of @cells 32-bit cells: its value (at most two cells). */
static uint64_t reg_cells(const volatile uint8_t *v, uint32_t cells)
{
	return cells == 1 ? be32(v) : (uint64_t)be32(v) << 32 | be32(v + 4);
}

/*
 * The first reg address of the first node compatible with @want, or 0.
 * Properties come before subnodes (the DT specification), so a node's
 * compatible and reg are known by its first child or its end.
 */
static uint64_t fdt_find(const volatile uint8_t *fdt, const char *want)
{
	uint32_t acells[FDT_MAX_DEPTH + 1], off, strings, end;
	uint64_t reg[FDT_MAX_DEPTH + 1];
	bool match[FDT_MAX_DEPTH + 1];
	int depth = -1;

	if (be32(fdt) != FDT_MAGIC)
		return 0;
	off = be32(fdt + 8);
	strings = be32(fdt + 12);
	end = be32(fdt + 4);
	while (off + 4 <= end) {
		uint32_t token = be32(fdt + off);

		off += 4;
		switch (token) {
		case FDT_BEGIN_NODE:
			if (++depth > FDT_MAX_DEPTH)
				return 0;
			acells[depth] = 2;	/* the default for its children */
			match[depth] = false;
			reg[depth] = 0;
			off += (str_len(fdt + off) + 4) & ~3u;
			break;
		case FDT_END_NODE:
			if (depth < 0)
				return 0;
			if (match[depth] && reg[depth])
				return reg[depth];
			depth--;
			break;
		case FDT_PROP: {
			uint32_t len = be32(fdt + off);
			const volatile uint8_t *name = fdt + strings + be32(fdt + off + 4);
			const volatile uint8_t *val = fdt + off + 8;

			off += 8 + ((len + 3) & ~3u);
			if (depth < 0)
				return 0;
			if (str_eq(name, "#address-cells") && len == 4)
				acells[depth] = be32(val);
			else if (str_eq(name, "compatible"))
				match[depth] = compat_has(val, len, want);
			else if (str_eq(name, "reg") && depth > 0 &&
				 (acells[depth - 1] == 1 || acells[depth - 1] == 2) &&
				 len >= 4 * acells[depth - 1])
				reg[depth] = reg_cells(val, acells[depth - 1]);
			break;
		}
		case FDT_NOP:
			break;
		default:	/* FDT_END, or not a token: the end */
			return 0;
		}
	}
	return 0;
}

static void putc_uart(uintptr_t uart, char c)
{
	while (mmio_read32(uart + UARTFR) & UARTFR_TXFF)
		;
	mmio_write32(uart + UARTDR, (uint8_t)c);
}

static void puts_uart(uintptr_t uart, const char *s)
{
	while (*s)
		putc_uart(uart, *s++);
}

static void putdec(uintptr_t uart, uint64_t v)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		putc_uart(uart, buf[--n]);
}

static void puthex(uintptr_t uart, uint64_t v)
{
	int shift;

	puts_uart(uart, "0x");
	for (shift = 60; shift >= 0; shift -= 4)
		putc_uart(uart, "0123456789abcdef"[(v >> shift) & 0xf]);
}

/* Nanoseconds per load of @addr, in tenths: READS loads, timed. */
static uint64_t time_reads(uintptr_t addr)
{
	uint64_t hz = counter_hz(), t0, ticks, ns;
	volatile uint32_t sink = 0;
	int i;

	t0 = counter();
	for (i = 0; i < READS; i++)
		sink += mmio_read32(addr);
	ticks = counter() - t0;
	(void)sink;
	ns = ticks / hz * 1000000000ull + ticks % hz * 1000000000ull / hz;
	return ns * 10 / READS;
}

static void report(uintptr_t uart, const char *row, uint64_t tenths)
{
	puts_uart(uart, "GBENCH ");
	puts_uart(uart, row);
	putc_uart(uart, ' ');
	putdec(uart, tenths / 10);
	putc_uart(uart, '.');
	putdec(uart, tenths % 10);
	puts_uart(uart, " ns\r\n");
}

void peer_main(const volatile uint8_t *fdt);
void peer_main(const volatile uint8_t *fdt)
{
	uintptr_t uart = (uintptr_t)fdt_find(fdt, "arm,pl011");
	uint64_t gicd;

	if (!uart)
		goto off;	/* nowhere to say so: the host sees no rows */
	gicd = fdt_find(fdt, "arm,gic-v3");
	puts_uart(uart, "mmio_peer: pl011 at ");
	puthex(uart, uart);
	puts_uart(uart, ", GICv3 distributor at ");
	puthex(uart, gicd);
	puts_uart(uart, "\r\n");
	report(uart, "mmio_user_read", time_reads(uart + UARTFR));
	if (gicd)
		report(uart, "mmio_vgic_read", time_reads((uintptr_t)gicd + GICD_TYPER));
	puts_uart(uart, gicd ? "GUEST: bench done\r\n" : "GUEST: bench failed: no arm,gic-v3\r\n");
off:
	{
		register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;

		__asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
	}
}
