// SPDX-License-Identifier: GPL-2.0
/*
 * test_virtio_pci - the virtio-pci modern transport as a guest driver sees
 * it, through config space and the BARs (directly, and through the GPEX
 * host bridge): IDs, the capability list, BAR sizing and decode, feature
 * negotiation, queue registers, reset, kick eventfds and their ioeventfd
 * registration, INTx/ISR and MSI-X (masking, PBA), the PCI-cfg window, and
 * bad accesses.  Devices: virtio-rng, virtio-blk (both flavours) and a
 * three-queue device of the test's own.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../../userspace/hw/gpex.h"
#include "../../userspace/virtio/blk.h"
#include "../../userspace/virtio/rng.h"
#include "fake_guest.h"
#include "tap.h"

#define SLOT		1
#define ECAM(reg)	(((uint64_t)SLOT << 15) | (reg))
#define BAR0_GPA	0x50000000u
#define BAR0_GPA2	0x50020000u
#define BAR1_GPA	0x50010000u
#define MSI_ADDR	0x08020040u

/* The test's own device: three queues, eight bytes of config. */
#define DUMMY_QUEUES	3
#define DUMMY_QSIZE	128
#define DUMMY_F_OWN	(1ull << 3)
#define DUMMY_CFG	8

static uint8_t dummy_cfg[DUMMY_CFG];
static unsigned int dummy_cfg_bad;	/* config_access calls out of bounds */

static void dummy_config_access(struct virtio_pci *vp, unsigned int off, uint8_t *data,
				unsigned int len, bool is_write)
{
	(void)vp;
	if (off >= DUMMY_CFG || len > DUMMY_CFG - off) {
		dummy_cfg_bad++;
		return;
	}
	if (is_write)
		memcpy(&dummy_cfg[off], data, len);
	else
		memcpy(data, &dummy_cfg[off], len);
}

static unsigned int dummy_resets;

static void dummy_reset(struct virtio_pci *vp)
{
	(void)vp;
	dummy_resets++;
}

static const struct virtio_device_ops dummy_ops = {
	.config_access = dummy_config_access,
	.reset = dummy_reset,
};

static const struct virtio_pci_params dummy_params = {
	.name = "dummy", .device_type = 0x2a, .nr_queues = DUMMY_QUEUES,
	.queue_size = DUMMY_QSIZE, .features = DUMMY_F_OWN | VIRTIO_F_RING_INDIRECT_DESC,
	.config_size = DUMMY_CFG, .ops = &dummy_ops,
};

/* SPI changes the host bridge makes. */
static struct {
	unsigned int calls;
	uint32_t spi;
	bool level;
} spi;

static void set_spi(void *opaque, uint32_t s, bool level)
{
	(void)opaque;
	spi.calls++;
	spi.spi = s;
	spi.level = level;
}

static uint32_t ecam_rd(struct gpex *g, unsigned int reg, unsigned int len)
{
	uint8_t d[4];
	uint32_t v = 0;

	gpex_ecam_access(g, ECAM(reg), d, len, false);
	memcpy(&v, d, len);
	return v;
}

static void ecam_wr(struct gpex *g, unsigned int reg, uint32_t v, unsigned int len)
{
	uint8_t d[4];

	memcpy(d, &v, 4);
	gpex_ecam_access(g, ECAM(reg), d, len, true);
}

static uint64_t mmio_rd(struct gpex *g, uint64_t gpa, unsigned int len)
{
	uint8_t d[8];
	uint64_t v = 0;

	memset(d, 0xa5, sizeof(d));
	gpex_mmio_access(g, gpa - GPEX_MMIO_BASE, d, len, false);
	memcpy(&v, d, len);
	return v;
}

static void mmio_wr(struct gpex *g, uint64_t gpa, uint64_t v, unsigned int len)
{
	uint8_t d[8];

	memcpy(d, &v, 8);
	gpex_mmio_access(g, gpa - GPEX_MMIO_BASE, d, len, true);
}

static bool kicked(int fd)
{
	eventfd_t v = 0;

	return !eventfd_read(fd, &v) && v >= 1;
}

static unsigned int count_ioev(struct fake_guest *g, unsigned int from, uint64_t gpa, int fd,
			       bool assign)
{
	unsigned int i, n = 0;

	for (i = from; i < g->n_ioev; i++)
		if (g->ioev[i].gpa == gpa && g->ioev[i].fd == fd && g->ioev[i].assign == assign)
			n++;
	return n;
}

static void test_ids(void)
{
	struct fake_guest g;
	struct virtio_rng rng;
	struct virtio_blk std, apple;
	struct pci_function *f;
	int fd = open("/dev/null", O_RDONLY);

	fg_init(&g);
	ok(!virtio_rng_init(&rng, &g.host), "virtio-rng initialises");
	ok(!virtio_blk_init(&std, "std", VIRTIO_BLK_STANDARD, fd, 0, 1 << 20, true, &g.host),
	   "virtio-blk (standard) initialises");
	ok(!virtio_blk_init(&apple, "root", VIRTIO_BLK_APPLE_ROOT, fd, 0, 1 << 20, true, &g.host),
	   "virtio-blk (Apple) initialises");

	f = &rng.vp.pci;
	ok(cfg_rd(f, PCI_VENDOR_ID, 2) == 0x1af4 && cfg_rd(f, PCI_DEVICE_ID, 2) == 0x1044,
	   "virtio-rng is 1af4:1044");
	ok(cfg_rd(f, PCI_REVISION_ID, 1) == 1, "virtio-rng: revision 1 (modern only)");
	ok(cfg_rd(f, PCI_REVISION_ID, 4) >> 8 == 0xff0000, "virtio-rng: class 0xff0000");
	ok(cfg_rd(f, PCI_SUBSYSTEM_VENDOR_ID, 2) == 0x1af4 && cfg_rd(f, PCI_SUBSYSTEM_ID, 2) >= 0x40,
	   "subsystem vendor 1af4, subsystem ID >= 0x40");
	ok(cfg_rd(f, PCI_HEADER_TYPE, 1) == 0, "header type 0");
	ok(cfg_rd(f, PCI_INTERRUPT_PIN, 1) == 1, "interrupt pin INTA");
	ok(cfg_rd(f, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, "status says there is a capability list");

	f = &std.vp.pci;
	ok(cfg_rd(f, PCI_VENDOR_ID, 2) == 0x1af4 && cfg_rd(f, PCI_DEVICE_ID, 2) == 0x1042,
	   "standard virtio-blk is 1af4:1042");
	ok(cfg_rd(f, PCI_REVISION_ID, 1) == 1, "virtio-blk: revision 1");
	ok(cfg_rd(f, PCI_REVISION_ID, 4) >> 8 == 0x018000, "standard virtio-blk: class 0x018000");

	f = &apple.vp.pci;
	ok(cfg_rd(f, PCI_VENDOR_ID, 2) == 0x106b && cfg_rd(f, PCI_DEVICE_ID, 2) == 0x1a00,
	   "Apple virtio-blk is 106b:1a00");
	ok(cfg_rd(f, PCI_REVISION_ID, 4) >> 8 == 0x010000, "Apple virtio-blk: class 0x010000");
	ok(cfg_rd(f, PCI_REVISION_ID, 1) == 1, "Apple virtio-blk: revision 1");

	cfg_wr(f, PCI_VENDOR_ID, 0x12345678, 4);
	ok(cfg_rd(f, PCI_VENDOR_ID, 4) == 0x1a00106b, "vendor and device IDs are read-only");

	virtio_rng_destroy(&rng);
	virtio_blk_destroy(&std);
	virtio_blk_destroy(&apple);
	close(fd);
	fg_free(&g);
}

static void check_vcap(struct pci_function *f, const char *dev, const char *what, uint8_t type,
		       uint32_t off, uint32_t min_len, unsigned int cap_len)
{
	unsigned int c = find_vcap(f, type);

	ok(c, "%s: the %s capability is found", dev, what);
	if (!c)
		return;
	ok(cfg_rd(f, c + 2, 1) >= cap_len, "%s: %s cap_len >= %u", dev, what, cap_len);
	ok(cfg_rd(f, c + 4, 1) == 0, "%s: %s is in BAR 0", dev, what);
	ok(cfg_rd(f, c + 8, 4) == off, "%s: %s at offset 0x%x", dev, what, off);
	ok(cfg_rd(f, c + 12, 4) >= min_len && cfg_rd(f, c + 8, 4) + cfg_rd(f, c + 12, 4) <=
	   VIRTIO_PCI_BAR0_SIZE, "%s: %s length >= 0x%x, within BAR 0", dev, what, min_len);
}

static void test_caps(void)
{
	struct fake_guest g;
	struct virtio_pci d;
	struct virtio_blk b;
	struct virtio_rng rng;
	struct pci_function *f = &d.pci;
	unsigned int c, pos, hops = 0;
	bool sane = true;
	int fd = open("/dev/null", O_RDONLY);

	fg_init(&g);
	ok(!virtio_pci_init(&d, &dummy_params, &g.host), "a three-queue device initialises");
	ok(!virtio_blk_init(&b, "b", VIRTIO_BLK_STANDARD, fd, 0, 1 << 20, true, &g.host) &&
	   !virtio_rng_init(&rng, &g.host), "virtio-blk and virtio-rng initialise");

	for (pos = cfg_rd(f, PCI_CAPABILITY_LIST, 1); pos && hops < 48; hops++) {
		if (pos < 0x40 || pos & 3 || pos > PCI_CFG_SPACE - 4)
			sane = false;
		pos = cfg_rd(f, pos + 1, 1);
	}
	ok(sane && !pos, "the capability list ends, each entry aligned past the header");

	check_vcap(f, "3-queue", "common", 1, VIRTIO_PCI_COMMON, 0x38, 16);
	check_vcap(f, "3-queue", "ISR", 3, VIRTIO_PCI_ISR, 1, 16);
	check_vcap(f, "3-queue", "device", 4, VIRTIO_PCI_DEVICE, DUMMY_CFG, 16);
	check_vcap(f, "3-queue", "notify", 2, VIRTIO_PCI_NOTIFY, 4 * DUMMY_QUEUES, 20);
	c = find_vcap(f, 2);
	ok(c && cfg_rd(f, c + 16, 4) == 4, "notify_off_multiplier is 4");
	c = find_vcap(f, 5);
	ok(c && cfg_rd(f, c + 2, 1) >= 20, "the PCI-cfg access capability, 20 bytes or more");
	check_vcap(&b.vp.pci, "blk", "device", 4, VIRTIO_PCI_DEVICE, 0x3c, 16);
	c = find_vcap(&b.vp.pci, 4);
	ok(c && cfg_rd(&b.vp.pci, c + 12, 4) == 0x3c, "blk: device config is 0x3c bytes");
	check_vcap(&rng.vp.pci, "rng", "notify", 2, VIRTIO_PCI_NOTIFY, 4, 20);
	ok(!find_vcap(&rng.vp.pci, 4), "rng: no config, no device capability");

	c = find_cap(f, PCI_CAP_ID_MSIX);
	ok(c, "an MSI-X capability");
	ok(c && (cfg_rd(f, c + 2, 2) & 0x7ff) == 7, "MSI-X table size 8");
	ok(c && !(cfg_rd(f, c + 2, 2) & 0xc000), "MSI-X disabled and unmasked at reset");
	ok(c && cfg_rd(f, c + 4, 4) == (VIRTIO_PCI_MSIX_TABLE | 1), "MSI-X table at BAR 1 + 0");
	ok(c && cfg_rd(f, c + 8, 4) == (VIRTIO_PCI_MSIX_PBA | 1), "MSI-X PBA at BAR 1 + 0x800");
	c = find_cap(f, PCI_CAP_ID_EXP);
	ok(c && (cfg_rd(f, c + 2, 2) & 0xf) == 2, "a PCIe capability, version 2");
	ok(c && (cfg_rd(f, c + 2, 2) >> 4 & 0xf) == 9, "PCIe: a root-complex integrated endpoint");

	virtio_pci_destroy(&d);
	virtio_blk_destroy(&b);
	virtio_rng_destroy(&rng);
	close(fd);
	fg_free(&g);
}

/* The three-queue device behind a host bridge, and the ioeventfds it registers. */
static void test_bars_and_kicks(void)
{
	struct fake_guest fg;
	struct virtio_pci d;
	struct gpex g;
	unsigned int q, mark, i;
	bool all = true;

	fg_init(&fg);
	gpex_init(&g);
	g.set_spi = set_spi;
	ok(!virtio_pci_init(&d, &dummy_params, &fg.host) && !gpex_add(&g, SLOT, &d.pci),
	   "the device is on the host bridge at slot 1");
	ok(ecam_rd(&g, PCI_VENDOR_ID, 4) == ((0x1040u + 0x2a) << 16 | 0x1af4),
	   "ECAM reads its IDs: 1af4:(0x1040 + type)");

	ecam_wr(&g, PCI_BAR0, 0xffffffff, 4);
	ok(ecam_rd(&g, PCI_BAR0, 4) == ~(uint32_t)(VIRTIO_PCI_BAR0_SIZE - 1),
	   "BAR 0 sizes as 16 KiB, 32-bit memory");
	ecam_wr(&g, PCI_BAR0 + 4, 0xffffffff, 4);
	ok(ecam_rd(&g, PCI_BAR0 + 4, 4) == ~(uint32_t)(VIRTIO_PCI_BAR1_SIZE - 1),
	   "BAR 1 sizes as 4 KiB, 32-bit memory");
	for (i = 2; i < 6; i++) {
		ecam_wr(&g, PCI_BAR0 + 4 * i, 0xffffffff, 4);
		all = all && !ecam_rd(&g, PCI_BAR0 + 4 * i, 4);
	}
	ok(all, "BARs 2-5 are not implemented (read 0 after sizing)");
	ecam_wr(&g, PCI_BAR0, 0, 4);
	ecam_wr(&g, PCI_BAR0 + 4, 0, 4);

	mark = fg.n_ioev;
	ecam_wr(&g, PCI_BAR0, BAR0_GPA | 0xfff, 4);
	ok(ecam_rd(&g, PCI_BAR0, 4) == BAR0_GPA, "BAR 0 keeps only address bits above its size");
	ecam_wr(&g, PCI_BAR0 + 4, BAR1_GPA, 4);
	ok(!pci_bar_addr(&d.pci, 0), "memory decode off: BAR 0 has no address");
	ok(mmio_rd(&g, BAR0_GPA + VIRTIO_CC_NUMQ, 2) == 0xffff, "memory decode off: BAR 0 does not decode");
	ok(fg.n_ioev == mark, "memory decode off: no ioeventfd registered");

	ecam_wr(&g, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	ok(pci_bar_addr(&d.pci, 0) == BAR0_GPA, "memory decode on: BAR 0 at its address");
	ok(mmio_rd(&g, BAR0_GPA + VIRTIO_CC_NUMQ, 2) == DUMMY_QUEUES,
	   "num_queues through the host bridge's window");
	all = fg.n_ioev == mark + DUMMY_QUEUES;
	for (q = 0; q < DUMMY_QUEUES; q++)
		all = all && count_ioev(&fg, mark, BAR0_GPA + 0x3000 + 4 * q, d.kick_fd[q], true) == 1;
	ok(all, "decode on: each queue's kick fd assigned at BAR 0 + 0x3000 + 4q");
	/* The driver finds the same address from queue_notify_off. */
	mmio_wr(&g, BAR0_GPA + VIRTIO_CC_Q_SELECT, 2, 2);
	ok(0x3000 + 4 * mmio_rd(&g, BAR0_GPA + VIRTIO_CC_Q_NOFF, 2) == 0x3000 + 4 * 2,
	   "queue_notify_off * 4 is the queue's notify offset");

	mark = fg.n_ioev;
	ecam_wr(&g, PCI_INTERRUPT_LINE, 5, 1);
	ok(fg.n_ioev == mark, "an unrelated config write registers nothing");

	ecam_wr(&g, PCI_BAR0, BAR0_GPA2, 4);
	all = fg.n_ioev == mark + 2 * DUMMY_QUEUES;
	for (q = 0; q < DUMMY_QUEUES; q++)
		all = all &&
		      count_ioev(&fg, mark, BAR0_GPA + 0x3000 + 4 * q, d.kick_fd[q], false) == 1 &&
		      count_ioev(&fg, mark, BAR0_GPA2 + 0x3000 + 4 * q, d.kick_fd[q], true) == 1;
	ok(all, "BAR 0 moved: old kick addresses deassigned, new ones assigned");
	for (i = mark; i + 1 < fg.n_ioev; i++)
		if (fg.ioev[i].assign && !fg.ioev[i + 1].assign && fg.ioev[i].fd == fg.ioev[i + 1].fd)
			all = false;
	ok(all, "each old address goes before the new one is assigned");
	ok(mmio_rd(&g, BAR0_GPA + VIRTIO_CC_NUMQ, 2) == 0xffff &&
	   mmio_rd(&g, BAR0_GPA2 + VIRTIO_CC_NUMQ, 2) == DUMMY_QUEUES, "BAR 0 decodes at its new place only");

	mark = fg.n_ioev;
	ecam_wr(&g, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
	all = fg.n_ioev == mark + DUMMY_QUEUES;
	for (q = 0; q < DUMMY_QUEUES; q++)
		all = all && count_ioev(&fg, mark, BAR0_GPA2 + 0x3000 + 4 * q, d.kick_fd[q], false);
	ok(all, "memory decode turned off: the kick fds are deassigned");
	ecam_wr(&g, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	ok(fg.n_ioev == mark + 2 * DUMMY_QUEUES, "and turned on again: assigned again");

	/* A kick that exits: the transport signals the queue's fd. */
	for (q = 0; q < DUMMY_QUEUES; q++)
		(void)kicked(d.kick_fd[q]);
	mmio_wr(&g, BAR0_GPA2 + 0x3000 + 4 * 1, 1, 2);
	ok(kicked(d.kick_fd[1]), "a notify write for queue 1 signals its kick fd");
	ok(!kicked(d.kick_fd[0]) && !kicked(d.kick_fd[2]), "and no other queue's");
	ok(!kicked(d.kick_fd[1]), "the kick fd reads once per kick (nonblocking, drained)");
	mmio_wr(&g, BAR0_GPA2 + 0x3000 + 4 * DUMMY_QUEUES, 1, 2);
	mmio_wr(&g, BAR0_GPA2 + 0x3ffc, 1, 4);
	all = true;
	for (q = 0; q < DUMMY_QUEUES; q++)
		all = all && !kicked(d.kick_fd[q]);
	ok(all, "a notify past the last queue signals nothing");
	ok(mmio_rd(&g, BAR0_GPA2 + 0x3000, 4) == 0, "the notify region reads 0");
	mmio_wr(&g, BAR0_GPA2 + 0x3000 + 4 * 2, 2, 4);
	ok(kicked(d.kick_fd[2]), "a 32-bit notify write for queue 2 signals its fd");
	virtio_pci_drain_kick(d.kick_fd[0]);
	ok(!kicked(d.kick_fd[0]), "draining an unsignalled kick fd does not block");

	ok(ecam_rd(&g, 0x100, 4) == 0 && ecam_rd(&g, 0xffc, 4) == 0,
	   "extended config space reads 0");
	ok(ecam_rd(&g, PCI_VENDOR_ID + 1, 2) == 0xffff, "a misaligned ECAM read reads all ones");
	ok(mmio_rd(&g, BAR0_GPA2 + VIRTIO_PCI_BAR0_SIZE, 4) == 0xffffffff,
	   "just past BAR 0 nothing decodes");
	ok(mmio_rd(&g, BAR1_GPA + VIRTIO_PCI_MSIX_PBA, 4) == 0, "BAR 1 decodes: the PBA reads 0");

	virtio_pci_destroy(&d);
	fg_free(&fg);
}

static void test_features_and_queues(void)
{
	struct fake_guest g;
	struct virtio_pci d;
	struct virtio_pci *vp = &d;
	uint64_t bad0;

	fg_init(&g);
	ok(!virtio_pci_init(&d, &dummy_params, &g.host), "a three-queue device for registers");

	bar_wr(vp, 0, VIRTIO_CC_DFSELECT, 0, 4);
	ok(bar_rd(vp, 0, VIRTIO_CC_DF, 4) ==
	   (uint32_t)(DUMMY_F_OWN | VIRTIO_F_RING_INDIRECT_DESC | VIRTIO_F_RING_EVENT_IDX),
	   "device features 0-31: the device's own, and EVENT_IDX for every device");
	bar_wr(vp, 0, VIRTIO_CC_DFSELECT, 1, 4);
	ok(bar_rd(vp, 0, VIRTIO_CC_DFSELECT, 4) == 1, "device_feature_select reads back");
	ok(bar_rd(vp, 0, VIRTIO_CC_DF, 4) == 1, "device features 32-63: VERSION_1 (bit 32)");
	bar_wr(vp, 0, VIRTIO_CC_DFSELECT, 2, 4);
	ok(bar_rd(vp, 0, VIRTIO_CC_DF, 4) == 0, "device features past 63 read 0");

	ok(!(driver_features(vp, VIRTIO_F_VERSION_1 | DUMMY_F_OWN | (1ull << 5)) &
	     VIRTIO_STATUS_FEATURES_OK), "FEATURES_OK refused: the driver acked an unoffered bit");
	ok(!(driver_features(vp, DUMMY_F_OWN) & VIRTIO_STATUS_FEATURES_OK),
	   "FEATURES_OK refused: no VERSION_1");
	ok(!(driver_features(vp, VIRTIO_F_VERSION_1 | (1ull << 40)) & VIRTIO_STATUS_FEATURES_OK),
	   "FEATURES_OK refused: an unoffered high bit");
	ok(driver_features(vp, VIRTIO_F_VERSION_1 | DUMMY_F_OWN) & VIRTIO_STATUS_FEATURES_OK,
	   "FEATURES_OK kept for an offered subset with VERSION_1");
	bar_wr(vp, 0, VIRTIO_CC_GFSELECT, 0, 4);
	ok(bar_rd(vp, 0, VIRTIO_CC_GF, 4) == DUMMY_F_OWN, "driver features 0-31 read back");
	bar_wr(vp, 0, VIRTIO_CC_GF, 0xffffffff, 4);
	ok(bar_rd(vp, 0, VIRTIO_CC_GF, 4) == DUMMY_F_OWN, "driver features are frozen after FEATURES_OK");
	bar_wr(vp, 0, VIRTIO_CC_GFSELECT, 1, 4);
	ok(bar_rd(vp, 0, VIRTIO_CC_GF, 4) == 1, "driver features 32-63 read back");

	ok(bar_rd(vp, 0, VIRTIO_CC_NUMQ, 2) == DUMMY_QUEUES, "num_queues");
	bar_wr(vp, 0, VIRTIO_CC_NUMQ, 9, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_NUMQ, 2) == DUMMY_QUEUES, "num_queues is read-only");
	bar_wr(vp, 0, VIRTIO_CC_Q_SELECT, 0, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_SIZE, 2) == DUMMY_QSIZE, "queue_size reads the maximum");
	bar_wr(vp, 0, VIRTIO_CC_Q_SELECT, DUMMY_QUEUES, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_SELECT, 2) == DUMMY_QUEUES, "queue_select reads back");
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_SIZE, 2) == 0, "a queue that does not exist has size 0");
	bar_wr(vp, 0, VIRTIO_CC_Q_SIZE, 16, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_ENABLE, 1, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_ENABLE, 2) == 0 && bar_rd(vp, 0, VIRTIO_CC_Q_SIZE, 2) == 0,
	   "a queue that does not exist cannot be set up");
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_MSIX, 2) == VIRTIO_PCI_NO_VECTOR,
	   "a queue that does not exist has no vector");

	bar_wr(vp, 0, VIRTIO_CC_Q_SELECT, 1, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_SIZE, 100, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_ENABLE, 1, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_ENABLE, 2) == 0, "enabling a queue of size 100 (not 2^n) is refused");
	bar_wr(vp, 0, VIRTIO_CC_Q_SIZE, 2 * DUMMY_QSIZE, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_ENABLE, 1, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_ENABLE, 2) == 0, "enabling a queue larger than offered is refused");
	bar_wr(vp, 0, VIRTIO_CC_Q_SIZE, 0, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_ENABLE, 1, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_ENABLE, 2) == 0, "enabling a queue of size 0 is refused");

	bar_wr(vp, 0, VIRTIO_CC_Q_SIZE, 32, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_SIZE, 2) == 32, "queue_size reads back");
	bar_wr(vp, 0, VIRTIO_CC_Q_DESCLO, 0x11223340, 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_DESCHI, 0x5, 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_AVAILLO, 0x22334450, 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_AVAILHI, 0x6, 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_USEDLO, 0x33445560, 8);	/* one 64-bit store */
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_DESCLO, 4) == 0x11223340 && bar_rd(vp, 0, VIRTIO_CC_Q_DESCHI, 4) == 5,
	   "queue_desc reads back in halves");
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_AVAILLO, 8) == 0x622334450ull, "queue_driver reads back as 64 bits");
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_USEDLO, 8) == 0x33445560ull, "a 64-bit store sets queue_device");
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_NOFF, 2) == 1, "queue_notify_off of queue 1 is 1");
	bar_wr(vp, 0, VIRTIO_CC_Q_MSIX, 3, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_MSIX, 2) == 3, "a usable queue vector reads back");
	bar_wr(vp, 0, VIRTIO_CC_Q_MSIX, VIRTIO_PCI_MAX_VECTORS, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_MSIX, 2) == VIRTIO_PCI_NO_VECTOR,
	   "an unusable queue vector (8) reads back 0xffff");
	bar_wr(vp, 0, VIRTIO_CC_Q_MSIX, 2, 2);
	bar_wr(vp, 0, VIRTIO_CC_MSIX, 1, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_MSIX, 2) == 1, "a usable config vector reads back");
	bar_wr(vp, 0, VIRTIO_CC_MSIX, 0x1234, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_MSIX, 2) == VIRTIO_PCI_NO_VECTOR,
	   "an unusable config vector reads back 0xffff");
	bar_wr(vp, 0, VIRTIO_CC_MSIX, 1, 2);

	bar_wr(vp, 0, VIRTIO_CC_Q_ENABLE, 1, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_ENABLE, 2) == 1, "a 32-entry queue enables");
	bar_wr(vp, 0, VIRTIO_CC_Q_SIZE, 16, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_DESCLO, 0x1000, 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_AVAILHI, 0, 4);
	bar_wr(vp, 0, VIRTIO_CC_Q_USEDLO, 0x2000, 8);
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_SIZE, 2) == 32 && bar_rd(vp, 0, VIRTIO_CC_Q_DESCLO, 4) == 0x11223340 &&
	   bar_rd(vp, 0, VIRTIO_CC_Q_AVAILHI, 4) == 6 && bar_rd(vp, 0, VIRTIO_CC_Q_USEDLO, 8) == 0x33445560ull,
	   "queue registers are frozen once the queue is enabled");
	bar_wr(vp, 0, VIRTIO_CC_Q_SELECT, 0, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_ENABLE, 2) == 0 && bar_rd(vp, 0, VIRTIO_CC_Q_SIZE, 2) == DUMMY_QSIZE,
	   "queues are selected independently");
	bar_wr(vp, 0, VIRTIO_CC_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	       VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK, 1);
	ok(vp_status(vp) == 0xf, "DRIVER_OK reads back with the rest");
	bar_rd(vp, 0, VIRTIO_CC_CFGGEN, 1);

	/* Reset. */
	dummy_resets = 0;
	bar_wr(vp, 0, VIRTIO_CC_STATUS, 0, 1);
	ok(vp_status(vp) == 0, "writing 0 resets: status reads 0");
	ok(dummy_resets == 1, "reset reaches the device");
	bar_wr(vp, 0, VIRTIO_CC_GFSELECT, 0, 4);
	ok(bar_rd(vp, 0, VIRTIO_CC_GF, 4) == 0, "reset clears driver features 0-31");
	bar_wr(vp, 0, VIRTIO_CC_GFSELECT, 1, 4);
	ok(bar_rd(vp, 0, VIRTIO_CC_GF, 4) == 0, "reset clears driver features 32-63");
	bar_wr(vp, 0, VIRTIO_CC_Q_SELECT, 1, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_ENABLE, 2) == 0, "reset disables the queues");
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_SIZE, 2) == DUMMY_QSIZE, "reset puts queue_size back to the maximum");
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_DESCLO, 8) == 0 && bar_rd(vp, 0, VIRTIO_CC_Q_AVAILLO, 8) == 0 &&
	   bar_rd(vp, 0, VIRTIO_CC_Q_USEDLO, 8) == 0, "reset clears the queue addresses");
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_MSIX, 2) == VIRTIO_PCI_NO_VECTOR, "reset clears the queue vectors");
	ok(bar_rd(vp, 0, VIRTIO_CC_MSIX, 2) == VIRTIO_PCI_NO_VECTOR, "reset clears the config vector");
	bar_wr(vp, 0, VIRTIO_CC_Q_SIZE, 64, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_ENABLE, 1, 2);
	ok(bar_rd(vp, 0, VIRTIO_CC_Q_ENABLE, 2) == 1, "after reset a queue can be set up again");

	/* Bad accesses: zeros, no crash, counted. */
	bad0 = vp->bad_accesses;
	ok(bar_rd(vp, 0, 0x38, 4) == 0 && bar_rd(vp, 0, 0x100, 4) == 0 &&
	   bar_rd(vp, 0, 0xffc, 4) == 0, "reads past the common config read 0");
	ok(bar_rd(vp, 0, VIRTIO_CC_DF, 8) == 0, "a 64-bit read of a 32-bit register reads 0");
	ok(bar_rd(vp, 0, 0x36, 2) == 0, "a read of an unknown common register reads 0");
	bar_wr(vp, 0, 0x38, 0xffffffff, 4);
	bar_wr(vp, 0, 0xff8, ~0ull, 8);
	bar_wr(vp, 0, VIRTIO_CC_CFGGEN, 7, 1);
	ok(vp->bad_accesses > bad0, "bad common config accesses are counted");
	ok(bar_rd(vp, 0, VIRTIO_PCI_ISR + 4, 4) == 0 && bar_rd(vp, 0, 0x1ffc, 4) == 0,
	   "the ISR region past the ISR byte reads 0");
	dummy_cfg_bad = 0;
	memcpy(dummy_cfg, "ABCDEFGH", 8);
	ok(bar_rd(vp, 0, VIRTIO_PCI_DEVICE + 4, 4) == 0x48474645, "device config reads");
	bar_wr(vp, 0, VIRTIO_PCI_DEVICE + 2, 0x7a7a, 2);
	ok(!memcmp(dummy_cfg, "ABzzEFGH", 8), "device config writes reach the device");
	ok(bar_rd(vp, 0, VIRTIO_PCI_DEVICE + DUMMY_CFG, 4) == 0 &&
	   bar_rd(vp, 0, VIRTIO_PCI_DEVICE + DUMMY_CFG - 2, 4) == 0 &&
	   bar_rd(vp, 0, 0x2ffc, 4) == 0, "device config reads past (or across) its end read 0");
	bar_wr(vp, 0, VIRTIO_PCI_DEVICE + DUMMY_CFG - 1, ~0ull, 8);
	bar_wr(vp, 0, 0x2fff, 1, 1);
	ok(dummy_cfg_bad == 0, "the device never sees an out-of-bounds config access");
	ok(!memcmp(dummy_cfg, "ABzzEFGH", 8), "a write across the config's end changes nothing");
	ok(bar_rd(vp, 1, 0x80, 4) == 0 && bar_rd(vp, 1, 0x7fc, 4) == 0,
	   "MSI-X table entries past the eighth read 0");
	ok(bar_rd(vp, 1, 2, 4) == 0, "a misaligned MSI-X table read reads 0");
	ok(bar_rd(vp, 1, VIRTIO_PCI_MSIX_PBA + 4, 4) == 0 && bar_rd(vp, 1, 0xffc, 4) == 0,
	   "past the PBA's first word reads 0");
	bar_wr(vp, 1, VIRTIO_PCI_MSIX_PBA, 0xff, 4);
	ok(bar_rd(vp, 1, VIRTIO_PCI_MSIX_PBA, 4) == 0, "the PBA is read-only");
	bar_wr(vp, 1, 0x80, ~0ull, 8);
	bar_wr(vp, 1, 0x0e, ~0ull, 4);
	ok(bar_rd(vp, 1, 0x0c, 4) == 1, "bad MSI-X table writes leave entry 0 masked");

	virtio_pci_destroy(&d);
	fg_free(&g);
}

/* virtio-rng behind the host bridge, one buffer per completion. */
struct trng {
	struct fake_guest fg;
	struct virtio_rng rng;
	struct gpex g;
	struct fake_ring r;
	unsigned int msix_cap;
};

static void rng_setup(struct trng *t, uint16_t vector)
{
	struct virtio_pci *vp = &t->rng.vp;

	ring_init(&t->r, &t->fg, 64);
	(void)driver_features(vp, VIRTIO_F_VERSION_1);
	(void)driver_queue(vp, 0, 64, vector);
	driver_ok(vp);
}

/* A fresh fake guest with virtio-rng on the host bridge, its two BARs placed. */
static void rng_on_bridge(struct trng *t, const char *what)
{
	fg_init(&t->fg);
	gpex_init(&t->g);
	t->g.set_spi = set_spi;
	ok(!virtio_rng_init(&t->rng, &t->fg.host) && !gpex_add(&t->g, SLOT, &t->rng.vp.pci),
	   "%s: virtio-rng on the host bridge", what);
	ecam_wr(&t->g, PCI_BAR0, BAR0_GPA, 4);
	ecam_wr(&t->g, PCI_BAR0 + 4, BAR1_GPA, 4);
}

/* Offer a 32-byte buffer and let the device fill it; true when it was used. */
static bool rng_complete(struct trng *t)
{
	uint16_t before = ring_used_idx(&t->r);

	put_desc(&t->fg, RING_DESC, 0, BUF_GPA, 32, VRING_DESC_F_WRITE, 0);
	ring_offer(&t->r, 0);
	pthread_mutex_lock(&t->rng.vp.lock);
	virtio_rng_kicked(&t->rng.vp, 0);
	pthread_mutex_unlock(&t->rng.vp.lock);
	return ring_used_idx(&t->r) == (uint16_t)(before + 1) &&
	       ring_used_len(&t->r, before) == 32;
}

/*
 * VIRTIO_F_RING_EVENT_IDX (virtio 1.2 §2.7.7.2, §2.7.10): the device
 * interrupts only when the used index passes the driver's used_event, and
 * writes avail_event after what it has taken; NO_INTERRUPT no longer counts.
 */
static void test_event_idx(void)
{
	const uint64_t used_event = RING_AVAIL + 4 + 2 * 64, avail_event = RING_USED + 4 + 8 * 64;
	struct trng t;
	struct virtio_pci *vp = &t.rng.vp;
	unsigned int i;

	rng_on_bridge(&t, "event_idx");
	ecam_wr(&t.g, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	ring_init(&t.r, &t.fg, 64);
	ok(driver_features(vp, VIRTIO_F_VERSION_1 | VIRTIO_F_RING_EVENT_IDX) &
	   VIRTIO_STATUS_FEATURES_OK, "event_idx: the driver may take EVENT_IDX");
	(void)driver_queue(vp, 0, 64, VIRTIO_PCI_NO_VECTOR);
	driver_ok(vp);
	memset(&spi, 0, sizeof(spi));

	ok(rng_complete(&t) && spi.calls == 1, "event_idx: the first used buffer interrupts");
	ok(get16(&t.fg, avail_event) == 1, "event_idx: avail_event says 1, what it took");
	(void)mmio_rd(&t.g, BAR0_GPA + VIRTIO_PCI_ISR, 1);	/* the line goes down: call 2 */
	put16(&t.fg, used_event, 2);	/* "interrupt me once entry 2 is used" */
	ok(rng_complete(&t) && spi.calls == 2, "event_idx: entry 1 used, before used_event 2: "
	   "no interrupt");
	ok(rng_complete(&t) && spi.calls == 3, "event_idx: entry 2 used: the interrupt");
	(void)mmio_rd(&t.g, BAR0_GPA + VIRTIO_PCI_ISR, 1);
	ok(rng_complete(&t) && spi.calls == 4,
	   "event_idx: used_event 2 already passed: entry 3 raises nothing");
	put16(&t.fg, RING_AVAIL, VRING_AVAIL_F_NO_INTERRUPT);
	put16(&t.fg, used_event, 4);
	ok(rng_complete(&t) && spi.calls == 5,
	   "event_idx: NO_INTERRUPT is ignored once EVENT_IDX is on (used_event decides)");
	put16(&t.fg, RING_AVAIL, 0);
	(void)mmio_rd(&t.g, BAR0_GPA + VIRTIO_PCI_ISR, 1);
	for (i = 0; i < 3; i++)
		(void)rng_complete(&t);
	ok(get16(&t.fg, avail_event) == get16(&t.fg, RING_AVAIL + 2),
	   "event_idx: after each take, avail_event is the avail index reached (%u)",
	   get16(&t.fg, avail_event));
	virtio_rng_destroy(&t.rng);
	fg_free(&t.fg);

	fg_init(&t.fg);
	t.fg.host.no_event_idx = true;
	ok(!virtio_rng_init(&t.rng, &t.fg.host), "--event-idx off: a device");
	bar_wr(vp, 0, VIRTIO_CC_DFSELECT, 0, 4);
	ok(!(bar_rd(vp, 0, VIRTIO_CC_DF, 4) & VIRTIO_F_RING_EVENT_IDX) &&
	   !(driver_features(vp, VIRTIO_F_VERSION_1 | VIRTIO_F_RING_EVENT_IDX) &
	     VIRTIO_STATUS_FEATURES_OK),
	   "--event-idx off: not offered, and a driver asking for it gets no FEATURES_OK");
	virtio_rng_destroy(&t.rng);
	fg_free(&t.fg);
}

static void msix_entry(struct trng *t, unsigned int v, uint32_t addr, uint32_t data, bool masked)
{
	mmio_wr(&t->g, BAR1_GPA + 16 * v, addr, 4);
	mmio_wr(&t->g, BAR1_GPA + 16 * v + 4, 0, 4);
	mmio_wr(&t->g, BAR1_GPA + 16 * v + 8, data, 4);
	mmio_wr(&t->g, BAR1_GPA + 16 * v + 12, masked, 4);
}

static void test_interrupts(void)
{
	struct trng t;
	struct virtio_pci *vp = &t.rng.vp;
	uint32_t intx = gpex_intx_spi(SLOT, 1);
	unsigned int n, c;

	rng_on_bridge(&t, "interrupts");
	ecam_wr(&t.g, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	t.msix_cap = find_cap(&vp->pci, PCI_CAP_ID_MSIX);
	rng_setup(&t, VIRTIO_PCI_NO_VECTOR);

	/* INTx and the ISR. */
	memset(&spi, 0, sizeof(spi));
	ok(rng_complete(&t), "virtio-rng fills a 32-byte buffer");
	ok(spi.calls == 1 && spi.spi == intx && spi.level, "MSI-X off: the INTx line rises");
	ok(ecam_rd(&t.g, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, "status shows the interrupt");
	ok(mmio_rd(&t.g, BAR0_GPA + VIRTIO_PCI_ISR, 1) == 1, "ISR reads bit 0: a used buffer");
	ok(spi.calls == 2 && !spi.level, "reading ISR lowers the line");
	ok(!(ecam_rd(&t.g, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT), "status interrupt bit clears");
	ok(mmio_rd(&t.g, BAR0_GPA + VIRTIO_PCI_ISR, 1) == 0, "reading ISR cleared it");
	ok(rng_complete(&t) && rng_complete(&t) && spi.calls == 3,
	   "two completions before the ISR read raise the line once");
	ok(mmio_rd(&t.g, BAR0_GPA + VIRTIO_PCI_ISR, 4) == 1 && spi.calls == 4 && !spi.level,
	   "a 32-bit ISR read acknowledges too");

	put16(&t.fg, RING_AVAIL, VRING_AVAIL_F_NO_INTERRUPT);
	ok(rng_complete(&t) && spi.calls == 4, "NO_INTERRUPT: a used buffer raises nothing");
	ok(mmio_rd(&t.g, BAR0_GPA + VIRTIO_PCI_ISR, 1) == 0, "NO_INTERRUPT: ISR stays 0");
	put16(&t.fg, RING_AVAIL, 0);

	ecam_wr(&t.g, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		PCI_COMMAND_INTX_DISABLE, 2);
	ok(rng_complete(&t) && spi.calls == 4, "INTx disabled: the line stays low");
	ok(mmio_rd(&t.g, BAR0_GPA + VIRTIO_PCI_ISR, 1) == 1, "INTx disabled: ISR still says so");
	ecam_wr(&t.g, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);

	/* MSI-X. */
	ecam_wr(&t.g, t.msix_cap + 2, 0x8000, 2);
	ok(ecam_rd(&t.g, t.msix_cap + 2, 2) == (0x8000 | 7), "MSI-X enable sticks");
	msix_entry(&t, 0, MSI_ADDR, 0x55, false);
	ok(mmio_rd(&t.g, BAR1_GPA + 0, 4) == MSI_ADDR && mmio_rd(&t.g, BAR1_GPA + 8, 4) == 0x55 &&
	   mmio_rd(&t.g, BAR1_GPA + 12, 4) == 0, "MSI-X entry 0 reads back");
	mmio_wr(&t.g, BAR1_GPA + 16, 0x123456789abcdef0ull, 8);
	ok(mmio_rd(&t.g, BAR1_GPA + 16, 8) == 0x123456789abcdef0ull &&
	   mmio_rd(&t.g, BAR1_GPA + 20, 4) == 0x12345678, "a 64-bit MSI-X address store");
	mmio_wr(&t.g, BAR1_GPA + 16 + 9, 0xab, 1);
	ok(mmio_rd(&t.g, BAR1_GPA + 16 + 8, 4) == 0xab00, "a byte store into an entry's data");
	mmio_wr(&t.g, BAR0_GPA + VIRTIO_CC_Q_SELECT, 0, 2);
	mmio_wr(&t.g, BAR0_GPA + VIRTIO_CC_Q_MSIX, 0, 2);
	ok(mmio_rd(&t.g, BAR0_GPA + VIRTIO_CC_Q_MSIX, 2) == 0, "queue 0 uses vector 0");
	t.fg.n_msi = 0;
	spi.calls = 0;
	ok(rng_complete(&t), "a completion with MSI-X on");
	ok(t.fg.n_msi == 1 && t.fg.msi[0].addr == MSI_ADDR && t.fg.msi[0].data == 0x55,
	   "MSI-X: the msi callback got entry 0's address and data");
	ok(spi.calls == 0, "MSI-X: INTx stays low");
	ok(mmio_rd(&t.g, BAR0_GPA + VIRTIO_PCI_ISR, 1) == 0, "MSI-X: ISR is not used");

	mmio_wr(&t.g, BAR1_GPA + 12, 1, 4);
	ok(rng_complete(&t) && t.fg.n_msi == 1, "entry masked: nothing is sent");
	ok(mmio_rd(&t.g, BAR1_GPA + VIRTIO_PCI_MSIX_PBA, 4) == 1, "entry masked: PBA bit 0 set");
	mmio_wr(&t.g, BAR1_GPA + 12, 0, 4);
	ok(t.fg.n_msi == 2 && t.fg.msi[1].addr == MSI_ADDR && t.fg.msi[1].data == 0x55,
	   "unmasking sends the pending message");
	ok(mmio_rd(&t.g, BAR1_GPA + VIRTIO_PCI_MSIX_PBA, 4) == 0, "and clears the PBA bit");
	mmio_wr(&t.g, BAR1_GPA + 12, 0, 4);
	ok(t.fg.n_msi == 2, "unmasking again sends nothing more");

	ecam_wr(&t.g, t.msix_cap + 2, 0xc000, 2);
	ok(rng_complete(&t) && t.fg.n_msi == 2, "function masked: nothing is sent");
	ok(mmio_rd(&t.g, BAR1_GPA + VIRTIO_PCI_MSIX_PBA, 8) == 1, "function masked: pending");
	ecam_wr(&t.g, t.msix_cap + 2, 0x8000, 2);
	ok(t.fg.n_msi == 3, "clearing the function mask sends it");

	mmio_wr(&t.g, BAR0_GPA + VIRTIO_CC_Q_MSIX, VIRTIO_PCI_NO_VECTOR, 2);
	spi.calls = 0;
	ok(rng_complete(&t) && t.fg.n_msi == 3 && spi.calls == 0,
	   "MSI-X on, queue without a vector: no interrupt at all");
	mmio_wr(&t.g, BAR0_GPA + VIRTIO_CC_Q_MSIX, 0, 2);

	/* Pending, then MSI-X disabled: no message while disabled. */
	mmio_wr(&t.g, BAR1_GPA + 12, 1, 4);
	ok(rng_complete(&t) && mmio_rd(&t.g, BAR1_GPA + VIRTIO_PCI_MSIX_PBA, 4) == 1,
	   "masked again: pending");
	ecam_wr(&t.g, t.msix_cap + 2, 0, 2);
	mmio_wr(&t.g, BAR1_GPA + 12, 0, 4);
	ok(t.fg.n_msi == 3, "unmasking while MSI-X is disabled sends nothing");
	ecam_wr(&t.g, t.msix_cap + 2, 0x8000, 2);
	ok(t.fg.n_msi == 4 && t.fg.msi[3].data == 0x55, "enabling MSI-X sends what was pending");

	/* The config vector: a malformed ring. */
	mmio_wr(&t.g, BAR0_GPA + VIRTIO_CC_MSIX, 1, 2);
	msix_entry(&t, 1, MSI_ADDR, 0x66, false);
	n = t.fg.n_msi;
	t.r.avail_idx += 100;
	put16(&t.fg, RING_AVAIL + 2, t.r.avail_idx);
	pthread_mutex_lock(&vp->lock);
	virtio_rng_kicked(vp, 0);
	pthread_mutex_unlock(&vp->lock);
	ok(mmio_rd(&t.g, BAR0_GPA + VIRTIO_CC_STATUS, 1) & VIRTIO_STATUS_NEEDS_RESET,
	   "a malformed ring: NEEDS_RESET");
	ok(t.fg.n_msi == n + 1 && t.fg.msi[n].data == 0x66,
	   "NEEDS_RESET is signalled on the config vector");
	mmio_wr(&t.g, BAR0_GPA + VIRTIO_CC_STATUS, 0xf, 1);
	ok(mmio_rd(&t.g, BAR0_GPA + VIRTIO_CC_STATUS, 1) & VIRTIO_STATUS_NEEDS_RESET,
	   "NEEDS_RESET stays until the driver resets");
	mmio_wr(&t.g, BAR0_GPA + VIRTIO_CC_STATUS, 0, 1);
	ok(mmio_rd(&t.g, BAR0_GPA + VIRTIO_CC_STATUS, 1) == 0, "reset clears NEEDS_RESET");

	/* The PCI-cfg access window. */
	c = find_vcap(&vp->pci, 5);
	ecam_wr(&t.g, c + 4, 0, 1);
	ecam_wr(&t.g, c + 8, VIRTIO_CC_NUMQ, 4);
	ecam_wr(&t.g, c + 12, 2, 4);
	ok(ecam_rd(&t.g, c + 4, 1) == 0 && ecam_rd(&t.g, c + 8, 4) == VIRTIO_CC_NUMQ &&
	   ecam_rd(&t.g, c + 12, 4) == 2, "PCI-cfg window: bar, offset and length read back");
	ok(ecam_rd(&t.g, c + 16, 2) == 1, "PCI-cfg window reads num_queues from BAR 0");
	ecam_wr(&t.g, c + 8, VIRTIO_CC_STATUS, 4);
	ecam_wr(&t.g, c + 12, 1, 4);
	ecam_wr(&t.g, c + 16, VIRTIO_STATUS_ACKNOWLEDGE, 1);
	ok(mmio_rd(&t.g, BAR0_GPA + VIRTIO_CC_STATUS, 1) == VIRTIO_STATUS_ACKNOWLEDGE,
	   "PCI-cfg window writes device_status");
	ok(ecam_rd(&t.g, c + 16, 1) == VIRTIO_STATUS_ACKNOWLEDGE, "and reads it back");
	ecam_wr(&t.g, c + 4, 1, 1);
	ecam_wr(&t.g, c + 8, 0, 4);
	ecam_wr(&t.g, c + 12, 4, 4);
	ok(ecam_rd(&t.g, c + 16, 4) == MSI_ADDR, "PCI-cfg window reads BAR 1 (MSI-X entry 0)");
	mmio_wr(&t.g, BAR0_GPA + VIRTIO_CC_STATUS, 0, 1);
	rng_setup(&t, VIRTIO_PCI_NO_VECTOR);
	ecam_wr(&t.g, t.msix_cap + 2, 0, 2);
	ok(rng_complete(&t), "MSI-X off again, a completion");
	ecam_wr(&t.g, c + 4, 0, 1);
	ecam_wr(&t.g, c + 8, VIRTIO_PCI_ISR, 4);
	ecam_wr(&t.g, c + 12, 3, 4);
	(void)ecam_rd(&t.g, c + 16, 4);
	ecam_wr(&t.g, c + 12, 4, 4);
	ecam_wr(&t.g, c + 8, VIRTIO_PCI_ISR + 2, 4);
	(void)ecam_rd(&t.g, c + 16, 4);
	ecam_wr(&t.g, c + 8, VIRTIO_PCI_BAR0_SIZE, 4);
	(void)ecam_rd(&t.g, c + 16, 4);
	ecam_wr(&t.g, c + 4, 5, 1);
	ecam_wr(&t.g, c + 8, VIRTIO_PCI_ISR, 4);
	(void)ecam_rd(&t.g, c + 16, 4);
	ok(mmio_rd(&t.g, BAR0_GPA + VIRTIO_PCI_ISR, 1) == 1,
	   "PCI-cfg windows of bad length, offset or BAR access nothing (ISR kept)");
	ok(rng_complete(&t), "another completion");
	ecam_wr(&t.g, c + 4, 0, 1);
	ecam_wr(&t.g, c + 12, 1, 4);
	ok(ecam_rd(&t.g, c + 16, 1) == 1, "PCI-cfg window reads the ISR");
	ok(mmio_rd(&t.g, BAR0_GPA + VIRTIO_PCI_ISR, 1) == 0, "which acknowledged it");

	virtio_rng_destroy(&t.rng);
	fg_free(&t.fg);
}

/*
 * The INTx pin is high only while ISR is pending, MSI-X is disabled and
 * Command.INTx-disable is clear; each change shows on the line at once.
 */
static bool line_is(struct virtio_pci *vp, bool level)
{
	return vp->pci.intx_level == level && spi.level == level;
}

static void test_intx_gating(void)
{
	struct trng t;
	struct virtio_pci *vp = &t.rng.vp;
	uint32_t intx = gpex_intx_spi(SLOT, 1);
	const uint16_t cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	unsigned int calls;

	rng_on_bridge(&t, "gating");
	ecam_wr(&t.g, PCI_COMMAND, cmd, 2);
	t.msix_cap = find_cap(&vp->pci, PCI_CAP_ID_MSIX);
	rng_setup(&t, VIRTIO_PCI_NO_VECTOR);

	memset(&spi, 0, sizeof(spi));
	ok(rng_complete(&t) && spi.calls == 1 && spi.spi == intx && line_is(vp, true),
	   "gating: a completion with MSI-X off raises INTx");

	calls = spi.calls;
	ecam_wr(&t.g, t.msix_cap + 2, 0x8000, 2);
	ok(spi.calls == calls + 1 && line_is(vp, false),
	   "gating: enabling MSI-X lowers the line at once (ISR still pending)");
	ok(!(ecam_rd(&t.g, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT),
	   "gating: MSI-X on: status shows no INTx interrupt");
	ecam_wr(&t.g, t.msix_cap + 2, 0x8000, 2);
	ok(spi.calls == calls + 1 && line_is(vp, false),
	   "gating: writing MSI-X enable again changes nothing");
	ecam_wr(&t.g, t.msix_cap + 2, 0, 2);
	ok(spi.calls == calls + 2 && line_is(vp, true),
	   "gating: disabling MSI-X raises it again (ISR still pending)");
	ok(ecam_rd(&t.g, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT,
	   "gating: and status shows the interrupt again");
	ecam_wr(&t.g, t.msix_cap + 3, 0x80, 1);
	ok(spi.calls == calls + 3 && line_is(vp, false),
	   "gating: a byte write of the MSI-X enable bit lowers it too");
	ecam_wr(&t.g, t.msix_cap + 3, 0, 1);
	ok(spi.calls == calls + 4 && line_is(vp, true), "gating: a byte write clearing it raises it");

	ecam_wr(&t.g, PCI_COMMAND, cmd | PCI_COMMAND_INTX_DISABLE, 2);
	ok(spi.calls == calls + 5 && line_is(vp, false),
	   "gating: setting Command.INTx-disable lowers the line at once");
	ecam_wr(&t.g, PCI_COMMAND, cmd, 2);
	ok(spi.calls == calls + 6 && line_is(vp, true),
	   "gating: clearing INTx-disable raises it (ISR still pending)");

	/* Both masks: the line stays low until both are gone. */
	ecam_wr(&t.g, PCI_COMMAND, cmd | PCI_COMMAND_INTX_DISABLE, 2);
	ecam_wr(&t.g, t.msix_cap + 2, 0x8000, 2);
	ok(line_is(vp, false), "gating: INTx-disable and MSI-X on: low");
	ecam_wr(&t.g, PCI_COMMAND, cmd, 2);
	ok(line_is(vp, false), "gating: INTx-disable cleared, MSI-X still on: still low");
	ecam_wr(&t.g, PCI_COMMAND, cmd | PCI_COMMAND_INTX_DISABLE, 2);
	ecam_wr(&t.g, t.msix_cap + 2, 0, 2);
	ok(line_is(vp, false), "gating: MSI-X off, INTx-disable still set: still low");
	calls = spi.calls;
	ecam_wr(&t.g, PCI_COMMAND, cmd, 2);
	ok(spi.calls == calls + 1 && line_is(vp, true), "gating: both gone: high again");

	calls = spi.calls;
	ok(mmio_rd(&t.g, BAR0_GPA + VIRTIO_PCI_ISR, 1) == 1,
	   "gating: ISR still reads bit 0 after all that");
	ok(spi.calls == calls + 1 && line_is(vp, false), "gating: reading ISR lowers the line");
	ecam_wr(&t.g, t.msix_cap + 2, 0x8000, 2);
	ecam_wr(&t.g, t.msix_cap + 2, 0, 2);
	ecam_wr(&t.g, PCI_COMMAND, cmd | PCI_COMMAND_INTX_DISABLE, 2);
	ecam_wr(&t.g, PCI_COMMAND, cmd, 2);
	ok(spi.calls == calls + 1 && line_is(vp, false),
	   "gating: with no ISR pending, toggling MSI-X and INTx-disable keeps it low");

	/* Acknowledged while masked: nothing to show when the mask goes. */
	ok(rng_complete(&t) && line_is(vp, true), "gating: another completion raises it");
	ecam_wr(&t.g, t.msix_cap + 2, 0x8000, 2);
	ok(line_is(vp, false), "gating: MSI-X on: low");
	ok(mmio_rd(&t.g, BAR0_GPA + VIRTIO_PCI_ISR, 1) == 1 && line_is(vp, false),
	   "gating: ISR read while MSI-X is on acknowledges it");
	ecam_wr(&t.g, t.msix_cap + 2, 0, 2);
	ok(line_is(vp, false), "gating: so disabling MSI-X afterwards leaves the line low");

	/* A reset acknowledges too. */
	ok(rng_complete(&t) && line_is(vp, true), "gating: a completion raises it once more");
	mmio_wr(&t.g, BAR0_GPA + VIRTIO_CC_STATUS, 0, 1);
	ok(line_is(vp, false), "gating: a device reset lowers the line");

	virtio_rng_destroy(&t.rng);
	fg_free(&t.fg);
}

/* virtio-rng's worker takes at most VIRTIO_PCI_BATCH chains per kick. */
static void test_rng_batch(void)
{
	struct fake_guest g;
	struct virtio_rng rng;
	struct virtio_pci *vp = &rng.vp;
	struct fake_ring r;
	unsigned int i;
	bool all = true;
	eventfd_t v;

	fg_init(&g);
	ok(!virtio_rng_init(&rng, &g.host), "rng batch: virtio-rng initialises");
	ring_init(&r, &g, 64);
	(void)driver_features(vp, VIRTIO_F_VERSION_1);
	ok(driver_queue(vp, 0, 64, VIRTIO_PCI_NO_VECTOR) == 1, "rng batch: a 64-entry queue");
	driver_ok(vp);
	for (i = 0; i < 64; i++) {
		put_desc(&g, RING_DESC, (uint16_t)i, BUF_GPA + 64 * i, 32, VRING_DESC_F_WRITE, 0);
		ring_offer(&r, (uint16_t)i);
	}
	(void)eventfd_read(vp->kick_fd[0], &v);
	pthread_mutex_lock(&vp->lock);
	virtio_rng_kicked(vp, 0);
	pthread_mutex_unlock(&vp->lock);
	for (i = 0; i < 64; i++)
		all = all && ring_used_id(&r, (uint16_t)i) == i && ring_used_len(&r, (uint16_t)i) == 32;
	ok(ring_used_idx(&r) == 64 && all, "rng batch: a full queue (64, the limit) is all used");
	ok(kicked(vp->kick_fd[0]), "rng batch: at the limit the worker re-kicks itself");

	for (i = 0; i < 30; i++)
		ring_offer(&r, (uint16_t)i);
	(void)eventfd_read(vp->kick_fd[0], &v);
	pthread_mutex_lock(&vp->lock);
	virtio_rng_kicked(vp, 0);
	pthread_mutex_unlock(&vp->lock);
	ok(ring_used_idx(&r) == 94, "rng batch: 30 more are used by the next kick");
	ok(!kicked(vp->kick_fd[0]), "rng batch: below the limit: no re-kick");
	ok(!(vp_status(vp) & VIRTIO_STATUS_NEEDS_RESET), "rng batch: the device is fine");

	virtio_rng_destroy(&rng);
	fg_free(&g);
}

int main(void)
{
	test_ids();
	test_caps();
	test_bars_and_kicks();
	test_features_and_queues();
	test_interrupts();
	test_event_idx();
	test_intx_gating();
	test_rng_batch();
	return tap_done();
}
