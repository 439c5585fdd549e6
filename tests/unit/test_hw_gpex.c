// SPDX-License-Identifier: GPL-2.0
/*
 * test_hw_gpex - the PCIe host: ECAM decode, config-space write masks,
 * BAR sizing and the MMIO window, INTx swizzle onto SPI 0x20..0x2f,
 * capability lists.
 */
#include <errno.h>
#include <string.h>

#include "../../userspace/hw/gpex.h"
#include "tap.h"

struct fake {
	struct pci_function pci;
	unsigned int calls, bar, len;
	uint64_t offset;
	bool is_write;
	uint32_t last_write;
	unsigned int cfg_writes, cfg_off, cfg_len;
};

static int fake_bar(struct pci_function *f, unsigned int bar, uint64_t offset, uint8_t *data,
		    unsigned int len, bool is_write)
{
	struct fake *d = f->opaque;
	unsigned int i;

	d->calls++;
	d->bar = bar;
	d->offset = offset;
	d->len = len;
	d->is_write = is_write;
	if (is_write) {
		d->last_write = 0;
		for (i = 0; i < len && i < 4; i++)
			d->last_write |= (uint32_t)data[i] << (8 * i);
	} else {
		for (i = 0; i < len; i++)
			data[i] = (uint8_t)(0xa0 + i);
	}
	return 0;
}

static void fake_cfg_written(struct pci_function *f, unsigned int offset, unsigned int len)
{
	struct fake *d = f->opaque;

	d->cfg_writes++;
	d->cfg_off = offset;
	d->cfg_len = len;
}

static const struct pci_function_ops fake_ops = {
	.bar_access = fake_bar,
	.cfg_written = fake_cfg_written,
};

static void fake_init(struct fake *d, uint16_t device)
{
	memset(d, 0, sizeof(*d));
	pci_function_init(&d->pci, 0x1af4, device, 0x020000, 1);
	d->pci.ops = &fake_ops;
	d->pci.opaque = d;
}

/* The SPI lines as the callback left them. */
static bool spi_level[GPEX_FIRST_SPI + GPEX_NR_IRQS];
static unsigned int spi_calls;
static uint32_t spi_last;

static void set_spi(void *opaque, uint32_t spi, bool level)
{
	(void)opaque;
	spi_calls++;
	spi_last = spi;
	if (spi < sizeof(spi_level) / sizeof(spi_level[0]))
		spi_level[spi] = level;
}

static uint64_t ecam(unsigned int bus, unsigned int slot, unsigned int fn, unsigned int reg)
{
	return (uint64_t)bus << 20 | slot << 15 | fn << 12 | reg;
}

static uint32_t crd(struct gpex *g, uint64_t off, unsigned int len)
{
	uint8_t v[4] = { 0 };
	uint32_t r = 0;
	unsigned int i;

	gpex_ecam_access(g, off, v, len, false);
	for (i = 0; i < len; i++)
		r |= (uint32_t)v[i] << (8 * i);
	return r;
}

static void cwr(struct gpex *g, uint64_t off, uint32_t val, unsigned int len)
{
	uint8_t v[4];
	unsigned int i;

	for (i = 0; i < 4; i++)
		v[i] = (uint8_t)(val >> (8 * i));
	gpex_ecam_access(g, off, v, len, true);
}

static uint32_t mrd(struct gpex *g, uint64_t addr, unsigned int len)
{
	uint8_t v[4] = { 0 };
	uint32_t r = 0;
	unsigned int i;

	gpex_mmio_access(g, addr - GPEX_MMIO_BASE, v, len, false);
	for (i = 0; i < len; i++)
		r |= (uint32_t)v[i] << (8 * i);
	return r;
}

static void mwr(struct gpex *g, uint64_t addr, uint32_t val, unsigned int len)
{
	uint8_t v[4];
	unsigned int i;

	for (i = 0; i < 4; i++)
		v[i] = (uint8_t)(val >> (8 * i));
	gpex_mmio_access(g, addr - GPEX_MMIO_BASE, v, len, true);
}

static void test_ecam(struct gpex *g, struct fake *a)
{
	uint8_t v8[8];
	unsigned int i;
	bool all_ones;

	ok(crd(g, ecam(0, 0, 0, PCI_VENDOR_ID), 2) == 0x1b36, "slot 0: vendor 1b36");
	ok(crd(g, ecam(0, 0, 0, PCI_DEVICE_ID), 2) == 0x0008, "slot 0: device 0008");
	ok(crd(g, ecam(0, 0, 0, 0x0a), 2) == 0x0600, "slot 0: class 0x0600 (host bridge)");
	ok(crd(g, ecam(0, 0, 0, 0), 4) == 0x00081b36, "slot 0: 32-bit ID read");
	ok(crd(g, ecam(0, 2, 0, 0), 4) == 0x10411af4, "slot 2: the added function's IDs");
	ok(crd(g, ecam(0, 2, 0, 0), 1) == 0xf4, "a 1-byte config read");

	ok(crd(g, ecam(0, 5, 0, 0), 4) == 0xffffffff, "an empty slot reads all-ones");
	cwr(g, ecam(0, 5, 0, PCI_COMMAND), PCI_COMMAND_MEMORY, 2);
	ok(crd(g, ecam(0, 5, 0, PCI_COMMAND), 2) == 0xffff,
	   "a write to an empty slot goes nowhere");

	ok(crd(g, ecam(0, 2, 1, 0), 4) == 0xffffffff, "function 1 of a populated slot: all-ones");
	cwr(g, ecam(0, 2, 1, PCI_COMMAND), PCI_COMMAND_MEMORY, 2);
	ok(crd(g, ecam(0, 2, 0, PCI_COMMAND), 2) == 0, "a write to function 1 misses function 0");

	ok(crd(g, ecam(1, 2, 0, 0), 4) == 0xffffffff, "bus 1 reads all-ones");
	ok(crd(g, ecam(1, 0, 0, 0), 4) == 0xffffffff, "bus 1 slot 0 is no host bridge");
	cwr(g, ecam(1, 2, 0, PCI_COMMAND), PCI_COMMAND_MEMORY, 2);
	ok(crd(g, ecam(0, 2, 0, PCI_COMMAND), 2) == 0, "a write to bus 1 misses bus 0");
	ok(crd(g, ecam(255, 31, 7, 0xffc), 4) == 0xffffffff, "the last ECAM dword: all-ones");

	ok(crd(g, ecam(0, 2, 0, 1), 2) == 0xffff, "a misaligned 2-byte read: all-ones");
	ok(crd(g, ecam(0, 2, 0, 2), 4) == 0xffffffff, "a misaligned 4-byte read: all-ones");
	ok(crd(g, ecam(0, 2, 0, 0), 3) == 0xffffff, "a 3-byte read: all-ones");
	memset(v8, 0, sizeof(v8));
	gpex_ecam_access(g, ecam(0, 2, 0, 0), v8, 8, false);
	for (all_ones = true, i = 0; i < 8; i++)
		all_ones &= v8[i] == 0xff;
	ok(all_ones, "an 8-byte config read: all-ones");
	cwr(g, ecam(0, 2, 0, 2), 0xffffffff, 4);	/* would cover Command */
	ok(crd(g, ecam(0, 2, 0, PCI_COMMAND), 2) == 0, "a misaligned write is dropped");
	memset(v8, 0xff, sizeof(v8));
	gpex_ecam_access(g, ecam(0, 2, 0, PCI_BAR0), v8, 8, true);
	ok(crd(g, ecam(0, 2, 0, PCI_BAR0), 4) == 0, "an 8-byte config write is dropped");
	ok(a->cfg_writes == 0, "no dropped write reached the device");

	ok(crd(g, ecam(0, 2, 0, 0x100), 4) == 0, "extended config space reads 0");
}

static void test_add(struct gpex *g)
{
	static struct fake x;

	fake_init(&x, 0x1099);
	ok(gpex_add(g, 0, &x.pci) == -EINVAL, "gpex_add refuses slot 0");
	ok(g->slot[0] == &g->host_bridge, "slot 0 keeps the host bridge");
	ok(gpex_add(g, GPEX_SLOTS, &x.pci) == -EINVAL, "gpex_add refuses slot 32");
	ok(gpex_add(g, 1000, &x.pci) == -EINVAL, "gpex_add refuses slot 1000");
	ok(gpex_add(g, 2, &x.pci) == -EEXIST, "gpex_add refuses a taken slot");
	ok(crd(g, ecam(0, 2, 0, PCI_DEVICE_ID), 2) == 0x1041, "the taken slot keeps its function");
	ok(x.pci.host == NULL, "a refused function is not attached");
}

static void test_wmask(struct gpex *g, struct fake *a)
{
	uint64_t f = ecam(0, 2, 0, 0);

	cwr(g, f + PCI_VENDOR_ID, 0xdead, 2);
	ok(crd(g, f + PCI_VENDOR_ID, 2) == 0x1af4, "a vendor ID write is ignored");
	cwr(g, f + PCI_DEVICE_ID, 0xbeef, 2);
	ok(crd(g, f + PCI_DEVICE_ID, 2) == 0x1041, "a device ID write is ignored");
	cwr(g, f + PCI_REVISION_ID, 0xffffffff, 4);
	ok(crd(g, f + PCI_REVISION_ID, 4) == 0x02000001, "class and revision are read-only");
	cwr(g, f + PCI_INTERRUPT_PIN, 4, 1);
	ok(crd(g, f + PCI_INTERRUPT_PIN, 1) == 1, "Interrupt Pin is read-only");
	cwr(g, f + PCI_INTERRUPT_LINE, 0x5a, 1);
	ok(crd(g, f + PCI_INTERRUPT_LINE, 1) == 0x5a, "Interrupt Line is writable");
	cwr(g, f + PCI_COMMAND, 0xffff, 2);
	ok(crd(g, f + PCI_COMMAND, 2) ==
	   (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE),
	   "Command: only memory, master and INTx-disable stick");
	cwr(g, f + PCI_COMMAND, 0, 2);
	ok(a->cfg_writes > 0 && a->cfg_off == PCI_COMMAND && a->cfg_len == 2,
	   "cfg_written sees the offset and length");
	cwr(g, f + PCI_STATUS, 0xffff, 2);
	ok(crd(g, f + PCI_STATUS, 2) == 0, "Status is not guest-writable");
}

static void test_bars(struct gpex *g, struct fake *a, struct fake *b)
{
	uint64_t fa = ecam(0, 2, 0, 0), fb = ecam(0, 7, 0, 0);
	unsigned int calls;

	cwr(g, fa + PCI_BAR0, 0xffffffff, 4);
	ok(crd(g, fa + PCI_BAR0, 4) == 0xfffff000, "BAR0 (4 KiB) sizes as 0xfffff000");
	cwr(g, fa + PCI_BAR0 + 8, 0xffffffff, 4);
	ok(crd(g, fa + PCI_BAR0 + 8, 4) == 0xffffff00, "BAR2 (256 B) sizes as 0xffffff00");
	cwr(g, fa + PCI_BAR0 + 4, 0xffffffff, 4);
	ok(crd(g, fa + PCI_BAR0 + 4, 4) == 0, "an absent BAR1 reads 0 after all-ones");
	cwr(g, fa + PCI_BAR0, 0x50001000, 4);
	ok(crd(g, fa + PCI_BAR0, 4) == 0x50001000, "BAR0 reads back the programmed address");
	cwr(g, fa + PCI_BAR0 + 8, 0x50002345, 4);
	ok(crd(g, fa + PCI_BAR0 + 8, 4) == 0x50002300, "BAR2 drops address bits below its size");
	cwr(g, fb + PCI_BAR0, 0x50010000, 4);

	ok(mrd(g, 0x50001000, 4) == 0xffffffff && a->calls == 0,
	   "memory decode off: the BAR does not answer");
	cwr(g, fa + PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	cwr(g, fb + PCI_COMMAND, PCI_COMMAND_MEMORY, 2);

	ok(mrd(g, 0x50001010, 4) == 0xa3a2a1a0, "memory decode on: the device answers the read");
	ok(a->calls == 1 && a->bar == 0 && a->offset == 0x10 && a->len == 4 && !a->is_write,
	   "the read reached BAR0 at offset 0x10, 4 bytes");
	mwr(g, 0x50002308, 0x12345678, 4);
	ok(a->calls == 2 && a->bar == 2 && a->offset == 8 && a->is_write &&
	   a->last_write == 0x12345678, "a write reached BAR2 at offset 8 with its data");
	mwr(g, 0x50010004, 0x77, 1);
	ok(b->calls == 1 && b->bar == 0 && b->offset == 4 && b->len == 1 && a->calls == 2,
	   "an access to the other function's BAR reaches only it");
	calls = a->calls;
	ok(mrd(g, 0x50001ffc, 4) == 0xa3a2a1a0 && a->calls == calls + 1 && a->offset == 0xffc,
	   "the BAR's last dword is decoded");
	ok(mrd(g, 0x50001ffe, 4) == 0xffffffff && a->calls == calls + 1,
	   "an access straddling the BAR end is not");
	ok(mrd(g, 0x50002000, 4) == 0xffffffff && a->calls == calls + 1,
	   "just past BAR0: nothing decodes");
	ok(mrd(g, 0x50002400, 4) == 0xffffffff && a->calls == calls + 1,
	   "past BAR2's 256 bytes: nothing decodes");
	cwr(g, fa + PCI_COMMAND, 0, 2);
	ok(mrd(g, 0x50001010, 4) == 0xffffffff && a->calls == calls + 1,
	   "memory decode off again: the BAR stops answering");
	ok(crd(g, fa + PCI_BAR0, 4) == 0x50001000, "turning decode off keeps the address");
}

static void test_intx(struct gpex *g, struct fake *a)
{
	static struct fake c, d, e, n;
	uint64_t fa = ecam(0, 2, 0, 0);
	unsigned int calls;

	/* a: slot 2, INTA -> SPI 0x22.  c: slot 18, INTA -> SPI 0x22 too. */
	fake_init(&c, 0x1042);
	pci_set_intx_pin(&c.pci, 1);
	gpex_add(g, 18, &c.pci);
	fake_init(&d, 0x1043);
	pci_set_intx_pin(&d.pci, 1);
	gpex_add(g, 3, &d.pci);
	fake_init(&e, 0x1044);
	pci_set_intx_pin(&e.pci, 1);
	gpex_add(g, 17, &e.pci);
	fake_init(&n, 0x1045);		/* no INTx pin */
	gpex_add(g, 4, &n.pci);

	ok(gpex_intx_spi(3, 1) == 0x23, "gpex_intx_spi: slot 3 INTA is SPI 0x23");
	ok(gpex_intx_spi(15, 2) == 0x20, "gpex_intx_spi: slot 15 INTB wraps to SPI 0x20");
	ok(gpex_intx_spi(0, 4) == 0x23, "gpex_intx_spi: slot 0 INTD is SPI 0x23");

	gpex_set_intx(&d.pci, true);
	ok(spi_last == 0x23 && spi_level[0x23], "slot 3 asserting INTA raises SPI 0x23");
	ok(crd(g, ecam(0, 3, 0, PCI_STATUS), 2) & PCI_STATUS_INTERRUPT,
	   "Status.Interrupt is set while the pin is asserted");
	calls = spi_calls;
	gpex_set_intx(&d.pci, true);
	ok(spi_calls == calls, "asserting again changes nothing");
	gpex_set_intx(&d.pci, false);
	ok(spi_last == 0x23 && !spi_level[0x23], "deasserting lowers SPI 0x23");
	ok(!(crd(g, ecam(0, 3, 0, PCI_STATUS), 2) & PCI_STATUS_INTERRUPT),
	   "Status.Interrupt clears with the pin");

	gpex_set_intx(&e.pci, true);
	ok(spi_last == 0x21 && spi_level[0x21], "slot 17 INTA raises SPI 0x20 + 17 %% 16 = 0x21");
	gpex_set_intx(&e.pci, false);
	ok(!spi_level[0x21], "slot 17 deasserts");

	gpex_set_intx(&a->pci, true);
	ok(spi_level[0x22], "slot 2 raises SPI 0x22");
	gpex_set_intx(&c.pci, true);
	ok(spi_level[0x22], "slot 18 shares SPI 0x22");
	calls = spi_calls;
	gpex_set_intx(&a->pci, false);
	ok(spi_level[0x22] && spi_calls == calls, "one sharer deasserting keeps the line high");
	ok(!(crd(g, fa + PCI_STATUS, 2) & PCI_STATUS_INTERRUPT) &&
	   (crd(g, ecam(0, 18, 0, PCI_STATUS), 2) & PCI_STATUS_INTERRUPT),
	   "Status.Interrupt is per function");
	gpex_set_intx(&a->pci, false);
	ok(spi_level[0x22] && spi_calls == calls, "a repeated deassert does not drop the count");
	gpex_set_intx(&c.pci, false);
	ok(!spi_level[0x22] && spi_last == 0x22, "the last sharer deasserting lowers the line");

	calls = spi_calls;
	gpex_set_intx(&n.pci, true);
	ok(spi_calls == calls, "a function without an INTx pin raises nothing");
	ok(!(crd(g, ecam(0, 4, 0, PCI_STATUS), 2) & PCI_STATUS_INTERRUPT),
	   "nor does its Status.Interrupt");
	gpex_set_intx(&n.pci, false);
}

static void test_caps(void)
{
	static struct fake x;
	struct gpex g2;
	const uint8_t b1[] = { 1, 2, 3 }, b2[10] = { 9 }, b3[2] = { 0x55, 0x66 };
	uint8_t big[300] = { 0 };
	unsigned int c1, c2, c3;

	gpex_init(&g2);
	g2.set_spi = set_spi;
	fake_init(&x, 0x1050);
	gpex_add(&g2, 1, &x.pci);
	ok(!(crd(&g2, ecam(0, 1, 0, PCI_STATUS), 2) & PCI_STATUS_CAP_LIST),
	   "no capability: the capability-list status bit is clear");
	c1 = pci_add_cap(&x.pci, PCI_CAP_ID_VNDR, b1, sizeof(b1));
	ok(c1 == 0x40, "the first capability goes at 0x40");
	ok(crd(&g2, ecam(0, 1, 0, PCI_STATUS), 2) & PCI_STATUS_CAP_LIST,
	   "a capability sets the capability-list status bit");
	ok(crd(&g2, ecam(0, 1, 0, PCI_CAPABILITY_LIST), 1) == 0x40, "Capabilities Pointer = 0x40");
	ok(crd(&g2, ecam(0, 1, 0, 0x40), 4) == (PCI_CAP_ID_VNDR | 0u << 8 | 1u << 16 | 2u << 24),
	   "the capability holds its ID, a null next pointer and its body");
	c2 = pci_add_cap(&x.pci, PCI_CAP_ID_MSIX, b2, sizeof(b2));
	ok(c2 >= c1 + 2 + sizeof(b1) && c2 % 4 == 0, "the second follows the first, dword-aligned");
	ok(crd(&g2, ecam(0, 1, 0, c1 + 1), 1) == c2, "the first points at the second");
	c3 = pci_add_cap(&x.pci, PCI_CAP_ID_EXP, b3, sizeof(b3));
	ok(c3 >= c2 + 2 + sizeof(b2) && crd(&g2, ecam(0, 1, 0, c2 + 1), 1) == c3 &&
	   crd(&g2, ecam(0, 1, 0, c3 + 1), 1) == 0, "the third is chained last");
	ok(crd(&g2, ecam(0, 1, 0, PCI_CAPABILITY_LIST), 1) == 0x40,
	   "the list still starts at 0x40");
	ok(crd(&g2, ecam(0, 1, 0, c3), 1) == PCI_CAP_ID_EXP, "the third holds its ID");
	ok(pci_add_cap(&x.pci, PCI_CAP_ID_VNDR, big, sizeof(big) - 100) == 0,
	   "a capability past config space is refused");
	ok(crd(&g2, ecam(0, 1, 0, c3 + 1), 1) == 0, "and the list is unchanged");

	cwr(&g2, ecam(0, 1, 0, c3 + 2), 0x1234, 2);
	ok(crd(&g2, ecam(0, 1, 0, c3 + 2), 2) == 0x6655,
	   "capability bodies are read-only by default");
	pci_allow_write(&x.pci, c3 + 2, 2);
	cwr(&g2, ecam(0, 1, 0, c3 + 2), 0x1234, 2);
	ok(crd(&g2, ecam(0, 1, 0, c3 + 2), 2) == 0x1234, "pci_allow_write makes a field writable");
	cwr(&g2, ecam(0, 1, 0, c3), 0xffff, 2);
	ok(crd(&g2, ecam(0, 1, 0, c3 + 1), 1) == 0, "the next pointer stays read-only");
}

int main(void)
{
	static struct fake a, b;
	struct gpex g;

	gpex_init(&g);
	g.set_spi = set_spi;
	fake_init(&a, 0x1041);
	pci_set_bar(&a.pci, 0, 0x1000);
	pci_set_bar(&a.pci, 2, 0x100);
	pci_set_intx_pin(&a.pci, 1);
	ok(gpex_add(&g, 2, &a.pci) == 0 && a.pci.host == &g && a.pci.slot == 2,
	   "gpex_add puts a function on slot 2");
	fake_init(&b, 0x1048);
	pci_set_bar(&b.pci, 0, 0x10000);
	ok(gpex_add(&g, 7, &b.pci) == 0, "gpex_add puts a function on slot 7");

	test_ecam(&g, &a);
	test_add(&g);
	test_wmask(&g, &a);
	test_bars(&g, &a, &b);
	test_intx(&g, &a);
	test_caps();
	return tap_done();
}
