// SPDX-License-Identifier: GPL-2.0
/*
 * hostile_test - what the security review found, against real KVM, in
 * Layer 0 (no module) and Layer 1 (_l1: attached to vmapple_kvm), with
 * payload/hostile.S:
 *   - ISV=0 stores into 8-byte datamatch ioeventfds complete through the
 *     ioeventfd (tests/kselftest/hostile.sh also checks, with a kprobe, that
 *     the module hands KVM's bus only aligned buffers);
 *   - pair and SIMD accesses straddling the end of RAM and a device, both
 *     ways, with the MMU off (registers split) and on (one Normal block,
 *     unaligned registers straddling themselves): each byte lands where it
 *     belongs and no MMIO exit names RAM;
 *   - a VMM that holds an ISV=0 exit and then detaches, re-attaches or
 *     moves the PC: the guest's registers stay what the architecture says
 *     (X0 survives, the load's own register gets the data, or nothing);
 *   - every TCR/TTBR shape a guest can give the walker (TnSZ 0-63, every
 *     TGn, IPS 0-7, TTBRs at MMIO, RAM's end, past RAM and the IPA space,
 *     self-referencing, unaligned), with an ISV=0 store through each.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../../common/s1_walk.h"
#include "../../userspace/runtime/apple_hvc.h"
#include "../../userspace/hw/gicv2m.h"
#include "../../userspace/runtime/vcpu.h"
#include "../../userspace/runtime/vm.h"
#include "../../userspace/vmk_client.h"

#include "hostile_payload.h"
#include "kselftest_harness.h"

#define RAM_BASE	0x70000000ull
#define RAM_SIZE	0x200000ull
#define RAM_END		(RAM_BASE + RAM_SIZE)
#define GICD		0x10000000ull
#define GICR		0x10010000ull
#define DEV		0x20000000ull	/* markers, the held load, ioeventfds */
#define DEV_MARK	0x100
#define DEV_HELD	0x40
#define DEV_HELD_VALUE	0x0123456789abcdefull
#define RESULTS		0x10000
#define RESULTS_EXC	0x18000		/* the guest's ESR, if it took an exception */
#define RAM_WIN		16		/* RAM bytes each side of an edge the guest snaps */
#define DEV_WIN		32		/* device bytes next to an edge the test keeps */
#define NR_STORES	13
#define X0_SENTINEL	0x5a5a5a5a5a5a5a5aull

enum scenario {
	SC_IOEVENTFD, SC_STRADDLE, SC_HELD_LOAD, SC_PARK, SC_WFK, SC_MSI_SWEEP, SC_KICK_SWEEP,
	SC_PTE_RACE, SC_INSN_RACE, SC_TCR_SWEEP,
};
#define FIRST_INTID	(GICV2M_FIRST_SPI + 32)

/*
 * A device beside a RAM edge: reads give a byte pattern of its own, and
 * each store's writes into the DEV_WIN bytes next to the edge are kept apart
 * (the marker device says which store is running).
 */
struct edge_dev {
	uint64_t win_off;		/* device offset of the window */
	uint8_t pattern;		/* reads: pattern + (offset & 0x3f) */
	uint8_t bytes[NR_STORES][DEV_WIN];
	uint8_t written[NR_STORES][DEV_WIN];
	unsigned int outside;		/* writes outside the window */
	const unsigned int *store;	/* the marker's count */
};

#define SWEEP_TTBRS	7		/* payload/hostile.S's sweep_ttbrs */
#define SWEEP_SELF	3		/* the self-referencing one: its walks end in RAM */
#define SWEEP_SHAPES	(8 * 4 * 64)	/* IPS x TGn x TnSZ, per TTBR */
#define PAR_LOG		0x100000	/* RAM offset: each shape's PAR_EL1 after AT S1E1W */
#define PAR_AT_RAISED	0x7f
#define SWEEP_BLOCKS	(RAM_BASE + 0x40000)
#define SWEEP_SELF_TABLE (RAM_BASE + 0x60000)
#define TABLES		(RAM_BASE + 0x20000)
#define HIGH_DEV	0xffffffffe0000080ull
#define TCR_T0_FIXED	(25ull | (1 << 8) | (1 << 10) | (3 << 12))
#define TCR_T1_FIXED	((25ull << 16) | (1 << 24) | (1 << 26) | (3 << 28) | (2ull << 30))

struct mark_dev {
	unsigned int store;		/* 0: before the first marker */
	unsigned int held_reads;
	unsigned int writes[0x40];	/* by 8-byte slot */
	unsigned int sweep_writes[1 + 2 * SWEEP_TTBRS];	/* DEV+0x80, by marker */
};

static int edge_access(void *opaque, uint64_t off, uint8_t *data, unsigned int len,
		       bool is_write)
{
	struct edge_dev *d = opaque;
	unsigned int i, s = *d->store;

	for (i = 0; i < len; i++) {
		uint64_t o = off + i;

		if (!is_write) {
			data[i] = d->pattern + (o & 0x3f);
		} else if (o >= d->win_off && o < d->win_off + DEV_WIN && s < NR_STORES) {
			d->bytes[s][o - d->win_off] = data[i];
			d->written[s][o - d->win_off] = 1;
		} else {
			d->outside++;
		}
	}
	return 0;
}

static int mark_access(void *opaque, uint64_t off, uint8_t *data, unsigned int len,
		       bool is_write)
{
	struct mark_dev *d = opaque;
	uint32_t v = 0;

	if (is_write && off == DEV_MARK) {
		memcpy(&v, data, len < 4 ? len : 4);
		d->store = v;
	} else if (is_write && off / 8 < 0x40) {
		d->writes[off / 8]++;
		if (off == 0x80 && d->store <= 2 * SWEEP_TTBRS)
			d->sweep_writes[d->store]++;
	} else if (!is_write) {
		uint64_t value = off == DEV_HELD ? DEV_HELD_VALUE : 0;

		d->held_reads += off == DEV_HELD;
		memcpy(data, &value, len);
	}
	return 0;
}

FIXTURE(hostile) {
	struct vm vm;
	struct vcpu vcpu;
	struct vcpu racer;		/* vCPU 1: powered off unless the guest starts it */
	struct edge_dev above, below;	/* at RAM_END; just below RAM_BASE */
	struct mark_dev mark;
	struct gicv2m frame;		/* Layer 0's; Layer 1 serves it in the kernel */
	struct apple_hvc_state hvc;
	uint8_t *ram;
	int module_fd;
	struct vmapple_kvm_vm_stats kstats;
};

FIXTURE_VARIANT(hostile) {
	bool attach;
};
FIXTURE_VARIANT_ADD(hostile, l0) { .attach = false };
FIXTURE_VARIANT_ADD(hostile, l1) { .attach = true };

#define LAYER1_HOOKS (VMAPPLE_KVM_HOOK_IO_MEM_ABORT | VMAPPLE_KVM_HOOK_MMIO_RETURN)

static int open_attached(int vm_fd)
{
	struct vmapple_kvm_info info;
	int fd = open("/dev/vmapple_kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (vmk_get_info(fd, &info) || (info.hooks_live & LAYER1_HOOKS) != LAYER1_HOOKS ||
	    vmk_attach_vm(fd, vm_fd)) {
		close(fd);
		return -1;
	}
	return fd;
}

FIXTURE_SETUP(hostile)
{
	struct mmio_device above = {
		.name = "above-ram", .base = RAM_END, .size = 0x1000,
		.access = edge_access, .opaque = &self->above,
	};
	struct mmio_device below = {
		.name = "below-ram", .base = RAM_BASE - 0x1000, .size = 0x1000,
		.access = edge_access, .opaque = &self->below,
	};
	struct mmio_device mark = {
		.name = "mark", .base = DEV, .size = 0x1000,
		.access = mark_access, .opaque = &self->mark,
	};
	struct mmio_device frame = {
		.name = "gicv2m", .base = GICV2M_BASE, .size = GICV2M_SIZE,
		.access = gicv2m_access, .opaque = &self->frame,
	};

	memset(&self->above, 0, sizeof(self->above));
	memset(&self->below, 0, sizeof(self->below));
	memset(&self->mark, 0, sizeof(self->mark));
	memset(&self->kstats, 0, sizeof(self->kstats));
	self->above = (struct edge_dev){ .win_off = 0, .pattern = 0xc0, .store = &self->mark.store };
	self->below = (struct edge_dev){ .win_off = 0x1000 - DEV_WIN, .pattern = 0x80,
					 .store = &self->mark.store };
	self->module_fd = -1;
	memset(&self->hvc, 0, sizeof(self->hvc));
	ASSERT_EQ(0, vm_open(&self->vm, "/dev/kvm", 36));
	self->frame = (struct gicv2m){ .raise_spi = vm_pulse_spi, .opaque = &self->vm };
	if (variant->attach) {
		self->module_fd = open_attached(self->vm.fd);
		if (self->module_fd < 0)
			SKIP(return, "vmapple_kvm is not loaded with its ISV=0 hooks live");
		ASSERT_EQ(0, vmk_set_apple_hvc(self->module_fd, &self->hvc.cfg));
	}
	ASSERT_EQ(0, vm_add_ram(&self->vm, RAM_BASE, RAM_SIZE));
	self->ram = vm_ram(&self->vm, RAM_BASE, RAM_SIZE);
	memcpy(self->ram, hostile_payload, hostile_payload_end - hostile_payload);
	ASSERT_EQ(0, vm_create_gicv3(&self->vm, GICD, GICR, 2, 288));
	ASSERT_EQ(0, mmio_bus_add(&self->vm.bus, &above));
	ASSERT_EQ(0, mmio_bus_add(&self->vm.bus, &below));
	ASSERT_EQ(0, mmio_bus_add(&self->vm.bus, &mark));
	ASSERT_EQ(0, mmio_bus_add(&self->vm.bus, &frame));
	ASSERT_EQ(0, apple_hvc_install(&self->vm, &self->hvc));
	ASSERT_EQ(0, vcpu_create(&self->vm, &self->vcpu, 0));
	ASSERT_EQ(0, vcpu_create(&self->vm, &self->racer, 1));
	ASSERT_EQ(0, vm_finalize_gic(&self->vm));
	if (variant->attach)
		ASSERT_EQ(0, vmk_set_gicv2m(self->module_fd, GICV2M_BASE, FIRST_INTID,
					    GICV2M_NR_SPIS));
	ASSERT_EQ(0, vcpu_set(&self->vcpu, vcpu_reg_pc, RAM_BASE));
}

FIXTURE_TEARDOWN(hostile)
{
	if (self->module_fd >= 0)
		close(self->module_fd);
	vcpu_close(&self->racer);
	vcpu_close(&self->vcpu);
	vm_close(&self->vm);
}

static void read_kstats(struct __test_metadata *_metadata, FIXTURE_DATA(hostile) *self)
{
	vm_print_stats(&self->vm, stdout);
	if (self->module_fd >= 0)
		ASSERT_EQ(0, vmk_get_own_vm_stats(self->module_fd, getpid(), &self->kstats));
}

/* The module's ISV=0 counters of this VM, in the test's log. */
static void log_isv0_counters(struct __test_metadata *_metadata, const __u64 *k)
{
	TH_LOG("module: kernel %llu, user %llu (exits %llu), fallback %llu, aborted %llu",
	       (unsigned long long)k[VMAPPLE_KVM_STAT_ISV0_KERNEL],
	       (unsigned long long)k[VMAPPLE_KVM_STAT_ISV0_USER],
	       (unsigned long long)k[VMAPPLE_KVM_STAT_ISV0_USER_EXITS],
	       (unsigned long long)k[VMAPPLE_KVM_STAT_ISV0_FALLBACK],
	       (unsigned long long)k[VMAPPLE_KVM_STAT_ISV0_ABORTED]);
}

/* An eventfd KVM signals on an 8-byte write of @value at @gpa. */
static int datamatch_ioeventfd(struct vm *vm, uint64_t gpa, uint64_t value)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct kvm_ioeventfd ev = {
		.datamatch = value, .addr = gpa, .len = 8, .fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	if (fd < 0 || ioctl(vm->fd, KVM_IOEVENTFD, &ev))
		return -1;
	return fd;
}

static uint64_t eventfd_count(int fd)
{
	uint64_t n = 0;

	return read(fd, &n, sizeof(n)) == sizeof(n) ? n : 0;
}

TEST_F(hostile, isv0_stores_reach_datamatch_ioeventfds)
{
	int zero_fd = datamatch_ioeventfd(&self->vm, DEV + 0x10, 0);
	int pair_fd = datamatch_ioeventfd(&self->vm, DEV + 0x20, 0x8877665544332211ull);

	ASSERT_LE(0, zero_fd);
	ASSERT_LE(0, pair_fd);
	ASSERT_EQ(0, vcpu_set(&self->vcpu, vcpu_reg_x(0), SC_IOEVENTFD));
	ASSERT_EQ(VCPU_STOP_SHUTDOWN, vcpu_run_loop(&self->vcpu));
	read_kstats(_metadata, self);
	/* The first half of the pair is the device's in both layers. */
	EXPECT_EQ(1, self->mark.writes[0x18 / 8]);
	if (variant->attach) {
		/* Layer 1 hands both to KVM's bus: the ioeventfds take them. */
		EXPECT_EQ(1, eventfd_count(zero_fd));
		EXPECT_EQ(1, eventfd_count(pair_fd));
		EXPECT_EQ(0, self->mark.writes[0x10 / 8]);
		EXPECT_EQ(0, self->mark.writes[0x20 / 8]);
		EXPECT_EQ(2, self->kstats.counters[VMAPPLE_KVM_STAT_ISV0_KERNEL] +
			     self->kstats.counters[VMAPPLE_KVM_STAT_ISV0_USER]);
	} else {
		/* Layer 0 emulates in the VMM, past KVM's ioeventfds. */
		EXPECT_EQ(1, self->mark.writes[0x10 / 8]);
		EXPECT_EQ(1, self->mark.writes[0x20 / 8]);
	}
	close(zero_fd);
	close(pair_fd);
}

/*
 * What each straddling store must leave, as the bytes it writes at each
 * address: RAM ones in the RAM edges' snapshot, the rest in a device window.
 */
struct straddle_piece {
	uint64_t addr;
	const uint8_t *src;
	unsigned int len;
};

struct straddle_store {
	const char *insn;
	struct straddle_piece piece[3];
};

static const uint8_t X2[8] = { 0xa8, 0xa7, 0xa6, 0xa5, 0xa4, 0xa3, 0xa2, 0xa1 };
static const uint8_t X3[8] = { 0xb8, 0xb7, 0xb6, 0xb5, 0xb4, 0xb3, 0xb2, 0xb1 };
static const uint8_t Q0[16] = { 0xa8, 0xa7, 0xa6, 0xa5, 0xa4, 0xa3, 0xa2, 0xa1,
				0xb8, 0xb7, 0xb6, 0xb5, 0xb4, 0xb3, 0xb2, 0xb1 };
static const uint8_t Q1[16] = { 0xb8, 0xb7, 0xb6, 0xb5, 0xb4, 0xb3, 0xb2, 0xb1,
				0xa8, 0xa7, 0xa6, 0xa5, 0xa4, 0xa3, 0xa2, 0xa1 };

static const struct straddle_store stores[NR_STORES] = {
	/* MMU off: registers split between RAM and the device */
	{ "stp x2, x3, [RAM_END - 8]", { { RAM_END - 8, X2, 8 }, { RAM_END, X3, 8 } } },
	{ "stp w2, w3, [RAM_END - 4], #8", { { RAM_END - 4, X2, 4 }, { RAM_END, X3, 4 } } },
	{ "stp q0, q1, [RAM_END - 16]", { { RAM_END - 16, Q0, 16 }, { RAM_END, Q1, 16 } } },
	{ "stp d0, d1, [RAM_END - 8], #-16", { { RAM_END - 8, X2, 8 }, { RAM_END, X3, 8 } } },
	{ "stp s0, s1, [RAM_END - 4]", { { RAM_END - 4, X2, 4 }, { RAM_END, X3, 4 } } },
	{ "stp x2, x3, [RAM_BASE - 8]", { { RAM_BASE - 8, X2, 8 }, { RAM_BASE, X3, 8 } } },
	{ "stp q0, q1, [RAM_BASE - 16]", { { RAM_BASE - 16, Q0, 16 }, { RAM_BASE, Q1, 16 } } },
	/* MMU on, Normal, unaligned: one register across the edge */
	{ "str x2, [RAM_END - 4], #8", { { RAM_END - 4, X2, 4 }, { RAM_END, X2 + 4, 4 } } },
	{ "str q0, [RAM_END - 8], #16", { { RAM_END - 8, Q0, 8 }, { RAM_END, Q0 + 8, 8 } } },
	{ "stp x2, x3, [RAM_END - 4]",
	  { { RAM_END - 4, X2, 4 }, { RAM_END, X2 + 4, 4 }, { RAM_END + 4, X3, 8 } } },
	{ "stp w2, w3, [RAM_END - 6], #8",
	  { { RAM_END - 6, X2, 4 }, { RAM_END - 2, X3, 2 }, { RAM_END, X3 + 2, 2 } } },
	{ "str x2, [RAM_BASE - 4], #8", { { RAM_BASE - 4, X2, 4 }, { RAM_BASE, X2 + 4, 4 } } },
	{ "stp q0, q1, [RAM_BASE - 24]",
	  { { RAM_BASE - 24, Q0, 16 }, { RAM_BASE - 8, Q1, 8 }, { RAM_BASE, Q1 + 8, 8 } } },
};

/* Where @addr's byte shows: the RAM snapshot, or a device's window. */
static bool ram_edge_slot(uint64_t addr, unsigned int *slot)
{
	if (addr >= RAM_END - RAM_WIN && addr < RAM_END)
		*slot = addr - (RAM_END - RAM_WIN);
	else if (addr >= RAM_BASE && addr < RAM_BASE + RAM_WIN)
		*slot = RAM_WIN + addr - RAM_BASE;
	else
		return false;
	return true;
}

static void straddle_want(const struct straddle_store *st, uint8_t ram[2 * RAM_WIN],
			  uint8_t dev[DEV_WIN], uint8_t mask[DEV_WIN], bool *below)
{
	unsigned int p, i, slot;

	memset(ram, 0, 2 * RAM_WIN);
	memset(dev, 0, DEV_WIN);
	memset(mask, 0, DEV_WIN);
	*below = st->piece[0].addr < RAM_BASE;
	for (p = 0; p < 3 && st->piece[p].len; p++) {
		for (i = 0; i < st->piece[p].len; i++) {
			uint64_t a = st->piece[p].addr + i;

			if (ram_edge_slot(a, &slot)) {
				ram[slot] = st->piece[p].src[i];
				continue;
			}
			slot = *below ? a - (RAM_BASE - DEV_WIN) : a - RAM_END;
			dev[slot] = st->piece[p].src[i];
			mask[slot] = 1;
		}
	}
}

/* The loads' registers, in RESULTS order after the stores' snapshots. */
static size_t straddle_load_wants(uint8_t *w)
{
	uint8_t *p = w;
	unsigned int i;

#define BYTES(first, n) do { for (i = 0; i < (n); i++) *p++ = (first) + i; } while (0)
#define FILL(v, n) do { memset(p, (v), (n)); p += (n); } while (0)
	/* MMU off */
	BYTES(0x18, 8);			/* ldp x4, x5, [RAM_END - 8] */
	BYTES(0xc0, 8);
	BYTES(0x1c, 4);			/* ldp w4, w5, [RAM_END - 4]: zero-extended */
	FILL(0, 4);
	BYTES(0xc0, 4);
	FILL(0, 4);
	BYTES(0x1c, 4);			/* ldpsw: 0x1f.. is positive, 0xc3.. negative */
	FILL(0, 4);
	BYTES(0xc0, 4);
	FILL(0xff, 4);
	BYTES(0x10, 16);		/* ldp q2, q3, [RAM_END - 16] */
	BYTES(0xc0, 16);
	BYTES(0x18, 8);			/* ldp d2, d3, [RAM_END - 8] */
	BYTES(0xc0, 8);
	BYTES(0x80 + 0x38, 8);		/* ldp x4, x5, [RAM_BASE - 8] */
	BYTES(0x20, 8);
	BYTES(0x80 + 0x30, 16);		/* ldp q2, q3, [RAM_BASE - 16] */
	BYTES(0x20, 16);
	/* MMU on, unaligned */
	BYTES(0x1c, 4);			/* ldr x4, [RAM_END - 4], #8 */
	BYTES(0xc0, 4);
	FILL(0, 8);
	BYTES(0x18, 8);			/* ldr q2, [RAM_END - 8], #16 */
	BYTES(0xc0, 8);
	BYTES(0x14, 8);			/* ldp x4, x5, [RAM_END - 12] */
	BYTES(0x1c, 4);
	BYTES(0xc0, 4);
	BYTES(0x1e, 2);			/* ldr w4, [RAM_END - 2], #4 */
	BYTES(0xc0, 2);
	FILL(0, 12);
	BYTES(0x1a, 4);			/* ldpsw x4, x5, [RAM_END - 6] */
	FILL(0, 4);
	BYTES(0x1e, 2);
	BYTES(0xc0, 2);
	FILL(0xff, 4);
	BYTES(0x80 + 0x3c, 4);		/* ldr x4, [RAM_BASE - 4], #8 */
	BYTES(0x20, 4);
	FILL(0, 8);
	BYTES(0x80 + 0x28, 16);		/* ldp q2, q3, [RAM_BASE - 24] */
	BYTES(0x80 + 0x38, 8);
	BYTES(0x20, 8);
#undef FILL
#undef BYTES
	return p - w;
}

static void hex(char *out, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

TEST_F(hostile, straddling_accesses_put_every_byte_where_it_belongs)
{
	uint8_t loads[512], ram[2 * RAM_WIN], dev[DEV_WIN], mask[DEV_WIN];
	const uint8_t *res = self->ram + RESULTS;
	char a[2 * DEV_WIN + 1], b[2 * DEV_WIN + 1];
	uint64_t esr;
	size_t nload;
	unsigned int s;
	bool below;

	nload = straddle_load_wants(loads);
	ASSERT_EQ(0, vcpu_set(&self->vcpu, vcpu_reg_x(0), SC_STRADDLE));
	ASSERT_EQ(VCPU_STOP_SHUTDOWN, vcpu_run_loop(&self->vcpu));
	read_kstats(_metadata, self);
	memcpy(&esr, self->ram + RESULTS_EXC, 8);
	ASSERT_EQ(0, esr) TH_LOG("the guest took an exception: ESR 0x%llx",
				 (unsigned long long)esr);

	/* The one property the review asked for: no MMIO exit names RAM. */
	EXPECT_EQ(0, self->vm.stats.mmio_to_ram);
	EXPECT_EQ(0, self->above.outside);
	EXPECT_EQ(0, self->below.outside);
	for (s = 0; s < NR_STORES; s++) {
		const struct edge_dev *d;

		straddle_want(&stores[s], ram, dev, mask, &below);
		d = below ? &self->below : &self->above;
		hex(a, res + s * 2 * RAM_WIN, 2 * RAM_WIN);
		hex(b, ram, 2 * RAM_WIN);
		EXPECT_EQ(0, memcmp(res + s * 2 * RAM_WIN, ram, 2 * RAM_WIN))
			TH_LOG("%s: RAM edges %s, want %s", stores[s].insn, a, b);
		/* Store s runs after marker s (none before the first). */
		hex(a, d->bytes[s], DEV_WIN);
		hex(b, dev, DEV_WIN);
		EXPECT_EQ(0, memcmp(d->written[s], mask, DEV_WIN))
			TH_LOG("%s: the device got other bytes than its own", stores[s].insn);
		EXPECT_EQ(0, memcmp(d->bytes[s], dev, DEV_WIN))
			TH_LOG("%s: device window %s, want %s", stores[s].insn, a, b);
	}
	res += NR_STORES * 2 * RAM_WIN;
	for (s = 0; s < nload; s += 16) {
		hex(a, res + s, 16);
		hex(b, loads + s, 16);
		EXPECT_EQ(0, memcmp(res + s, loads + s, 16))
			TH_LOG("loaded bytes %u-%u: %s, want %s", s, s + 15, a, b);
	}
	if (variant->attach)	/* the stores reach RAM: KVM's path (Layer 0) has them */
		EXPECT_EQ(NR_STORES, self->kstats.counters[VMAPPLE_KVM_STAT_ISV0_FALLBACK]);
}

/*
 * Layer 1: run until the module's ISV=0 exit for the held load, with the
 * device's answer in the run struct as a VMM would put it.
 */
static void run_to_held_exit(struct __test_metadata *_metadata, FIXTURE_DATA(hostile) *self)
{
	struct kvm_run *run = self->vcpu.run;
	uint64_t value = DEV_HELD_VALUE;

	ASSERT_EQ(0, vcpu_set(&self->vcpu, vcpu_reg_x(0), SC_HELD_LOAD));
	do {
		ASSERT_EQ(0, ioctl(self->vcpu.fd, KVM_RUN, 0));
	} while (run->exit_reason != KVM_EXIT_MMIO);
	ASSERT_EQ(DEV + DEV_HELD, run->mmio.phys_addr);
	ASSERT_EQ(8, run->mmio.len);
	ASSERT_EQ(0, run->mmio.is_write);
	memcpy(run->mmio.data, &value, 8);
}

static void held_results(FIXTURE_DATA(hostile) *self, uint64_t r[3])
{
	memcpy(r, self->ram + RESULTS, 3 * 8);
}

/* X0 kept, X5 loaded, X1 moved on: the load, executed once, correctly. */
static void expect_held_load_done(struct __test_metadata *_metadata, FIXTURE_DATA(hostile) *self)
{
	uint64_t r[3];

	held_results(self, r);
	EXPECT_EQ(X0_SENTINEL, r[0]) TH_LOG("X0 was overwritten: 0x%llx", (unsigned long long)r[0]);
	EXPECT_EQ(DEV_HELD_VALUE, r[1]);
	EXPECT_EQ(DEV + DEV_HELD + 8, r[2]);
}

TEST_F(hostile, isv0_exit_held_across_a_detach_is_executed_again)
{
	if (!variant->attach)
		SKIP(return, "a Layer 1 exit");
	run_to_held_exit(_metadata, self);
	close(self->module_fd);		/* detach while the VMM holds the exit */
	self->module_fd = -1;
	ASSERT_EQ(VCPU_STOP_SHUTDOWN, vcpu_run_loop(&self->vcpu));
	expect_held_load_done(_metadata, self);
	EXPECT_EQ(1, self->vm.stats.nisv_exits);	/* again, through Layer 0 */
}

TEST_F(hostile, isv0_exit_held_across_a_reattach_is_executed_again)
{
	if (!variant->attach)
		SKIP(return, "a Layer 1 exit");
	run_to_held_exit(_metadata, self);
	close(self->module_fd);
	self->module_fd = open_attached(self->vm.fd);
	ASSERT_LE(0, self->module_fd);
	ASSERT_EQ(VCPU_STOP_SHUTDOWN, vcpu_run_loop(&self->vcpu));
	expect_held_load_done(_metadata, self);
	read_kstats(_metadata, self);
	/* Dropped at the detach, executed again under the new attachment. */
	EXPECT_EQ(1, self->kstats.counters[VMAPPLE_KVM_STAT_ISV0_USER]);
	EXPECT_EQ(0, self->vm.stats.nisv_exits);
}

TEST_F(hostile, isv0_exit_with_the_pc_moved_touches_no_register)
{
	u64 pc;
	uint64_t r[3];

	if (!variant->attach)
		SKIP(return, "a Layer 1 exit");
	run_to_held_exit(_metadata, self);
	ASSERT_EQ(0, vcpu_get(&self->vcpu, vcpu_reg_pc, &pc));
	ASSERT_EQ(0, vcpu_set(&self->vcpu, vcpu_reg_pc, pc + 4));	/* the VMM skips it */
	ASSERT_EQ(VCPU_STOP_SHUTDOWN, vcpu_run_loop(&self->vcpu));
	held_results(self, r);
	EXPECT_EQ(X0_SENTINEL, r[0]);
	EXPECT_EQ(0, r[1]);			/* X5 never loaded */
	EXPECT_EQ(DEV + DEV_HELD, r[2]);	/* X1 never moved */
	read_kstats(_metadata, self);
	EXPECT_EQ(1, self->kstats.counters[VMAPPLE_KVM_STAT_ISV0_ABORTED]);
}

TEST_F(hostile, isv0_exit_with_aarch32_pstate_touches_no_register)
{
	u64 x0 = 0, x5 = 1, x1 = 0;

	if (!variant->attach)
		SKIP(return, "a Layer 1 exit");
	run_to_held_exit(_metadata, self);
	/* AArch32 User mode, A/I/F masked: KVM takes it where EL0 has AArch32. */
	if (vcpu_set(&self->vcpu, vcpu_reg_pstate, 0x10 | 0x1c0))
		SKIP(return, "KVM refuses AArch32 PSTATE for this vCPU");
	self->vcpu.run->immediate_exit = 1;
	ioctl(self->vcpu.fd, KVM_RUN, 0);
	ASSERT_EQ(0, vcpu_get(&self->vcpu, vcpu_reg_x(0), &x0));
	ASSERT_EQ(0, vcpu_get(&self->vcpu, vcpu_reg_x(5), &x5));
	ASSERT_EQ(0, vcpu_get(&self->vcpu, vcpu_reg_x(1), &x1));
	/* KVM keeps only the low 32 bits of each register in AArch32. */
	EXPECT_EQ((uint32_t)X0_SENTINEL, x0);
	EXPECT_EQ(0, x5);
	EXPECT_EQ(DEV + DEV_HELD, x1);
}

/* The VMM resets the vCPU (KVM_ARM_VCPU_INIT again) while the module holds its exit. */
TEST_F(hostile, isv0_exit_with_the_vcpu_reset_touches_no_register)
{
	struct kvm_vcpu_init init;
	u64 x0 = 1, x5 = 1, x1 = 1, pc = 1;

	if (!variant->attach)
		SKIP(return, "a Layer 1 exit");
	run_to_held_exit(_metadata, self);
	ASSERT_EQ(0, ioctl(self->vm.fd, KVM_ARM_PREFERRED_TARGET, &init));
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (self->vm.pmu)
		init.features[0] |= 1u << KVM_ARM_VCPU_PMU_V3;
	if (ioctl(self->vm.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PTRAUTH_ADDRESS) > 0 &&
	    ioctl(self->vm.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PTRAUTH_GENERIC) > 0)
		init.features[0] |= 1u << KVM_ARM_VCPU_PTRAUTH_ADDRESS |
				    1u << KVM_ARM_VCPU_PTRAUTH_GENERIC;
	ASSERT_EQ(0, ioctl(self->vcpu.fd, KVM_ARM_VCPU_INIT, &init)) TH_LOG("re-init: %s",
									      strerror(errno));
	self->vcpu.run->immediate_exit = 1;
	ioctl(self->vcpu.fd, KVM_RUN, 0);
	ASSERT_EQ(0, vcpu_get(&self->vcpu, vcpu_reg_x(0), &x0));
	ASSERT_EQ(0, vcpu_get(&self->vcpu, vcpu_reg_x(5), &x5));
	ASSERT_EQ(0, vcpu_get(&self->vcpu, vcpu_reg_x(1), &x1));
	ASSERT_EQ(0, vcpu_get(&self->vcpu, vcpu_reg_pc, &pc));
	/* Reset values, untouched by the exit held from before the reset. */
	EXPECT_EQ(0, x0);
	EXPECT_EQ(0, x5);
	EXPECT_EQ(0, x1);
	EXPECT_EQ(0, pc);
	read_kstats(_metadata, self);
	EXPECT_EQ(1, self->kstats.counters[VMAPPLE_KVM_STAT_ISV0_ABORTED]);
}

TEST_F(hostile, isv0_exit_with_an_abort_injected_touches_no_register)
{
	struct kvm_vcpu_events ev;
	uint64_t esr, at_abort[2];

	if (!variant->attach)
		SKIP(return, "a Layer 1 exit");
	run_to_held_exit(_metadata, self);
	memset(&ev, 0, sizeof(ev));
	ev.exception.ext_dabt_pending = 1;	/* the VMM answers with an abort */
	ASSERT_EQ(0, ioctl(self->vcpu.fd, KVM_SET_VCPU_EVENTS, &ev));
	ASSERT_EQ(VCPU_STOP_SHUTDOWN, vcpu_run_loop(&self->vcpu));
	memcpy(&esr, self->ram + RESULTS_EXC, 8);
	memcpy(at_abort, self->ram + RESULTS_EXC + 16, 16);	/* x1, x5 in its handler */
	EXPECT_EQ(0x25, esr >> 26) TH_LOG("the guest did not take the data abort: ESR 0x%llx",
					   (unsigned long long)esr);
	EXPECT_EQ(DEV + DEV_HELD, at_abort[0]);
	EXPECT_EQ(0, at_abort[1]);
	read_kstats(_metadata, self);
	EXPECT_EQ(1, self->kstats.counters[VMAPPLE_KVM_STAT_ISV0_ABORTED]);
}

/* KVM_RUN with immediate_exit still completes the held exit, exactly once. */
TEST_F(hostile, isv0_exit_completed_under_immediate_exit_runs_once)
{
	if (!variant->attach)
		SKIP(return, "a Layer 1 exit");
	run_to_held_exit(_metadata, self);
	self->vcpu.run->immediate_exit = 1;
	EXPECT_EQ(-1, ioctl(self->vcpu.fd, KVM_RUN, 0));
	EXPECT_EQ(EINTR, errno);
	self->vcpu.run->immediate_exit = 0;
	ASSERT_EQ(VCPU_STOP_SHUTDOWN, vcpu_run_loop(&self->vcpu));
	expect_held_load_done(_metadata, self);
	EXPECT_EQ(0, self->mark.held_reads);	/* the VMM's one answer, never asked again */
}

/*
 * Every INTID 0-1023 at every size, with and without a syndrome: each one
 * inside the frame raised once, every other one dropped, in both layers.
 * A byte store writes the INTID's low 8 bits; wider ones all ten.
 */
TEST_F(hostile, every_gicv2m_intid_at_every_size)
{
	unsigned int in_frame_byte = 0, i, raised, dropped;

	for (i = 0; i < 1024; i++)
		in_frame_byte += (i & 0xff) >= FIRST_INTID && (i & 0xff) < FIRST_INTID + GICV2M_NR_SPIS;
	ASSERT_EQ(0, vcpu_set(&self->vcpu, vcpu_reg_x(0), SC_MSI_SWEEP));
	ASSERT_EQ(VCPU_STOP_SHUTDOWN, vcpu_run_loop(&self->vcpu));
	read_kstats(_metadata, self);
	raised = variant->attach ? self->kstats.counters[VMAPPLE_KVM_STAT_MSI_KERNEL] :
				   self->frame.msis;
	dropped = variant->attach ? self->kstats.counters[VMAPPLE_KVM_STAT_MSI_DROPPED] :
				    self->frame.dropped;
	EXPECT_EQ(2 * (3 * GICV2M_NR_SPIS + in_frame_byte), raised);
	EXPECT_EQ(8 * 1024 - raised, dropped);
	EXPECT_EQ(0, self->vm.stats.mmio_to_ram);
	if (variant->attach) {
		EXPECT_EQ(0, self->vm.stats.mmio_exits);	/* none left the kernel */
		EXPECT_EQ(0, self->vm.stats.nisv_exits);
	}
}

/* KICKs of vCPUs that do not exist change nothing; the self-kick lets WFK through. */
TEST_F(hostile, kicks_of_vcpus_that_do_not_exist_are_ignored)
{
	ASSERT_EQ(0, vcpu_set(&self->vcpu, vcpu_reg_x(0), SC_KICK_SWEEP));
	ASSERT_EQ(VCPU_STOP_SHUTDOWN, vcpu_run_loop(&self->vcpu));
	read_kstats(_metadata, self);
	if (variant->attach) {
		EXPECT_EQ(7, self->kstats.counters[VMAPPLE_KVM_STAT_HVC_KERNEL]);
	} else {
		EXPECT_EQ(7, self->vm.stats.hvc_forwarded);
	}
}

/* vCPU 1's run loop for pte_race: until told to stop (a signal ends its sleep). */
static atomic_bool racer_stop;

static void racer_wake(int sig)
{
	(void)sig;
}

static void *run_racer(void *arg)
{
	struct vcpu *v = arg;

	while (!atomic_load(&racer_stop)) {
		if (ioctl(v->fd, KVM_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			break;
		}
		if (v->run->exit_reason == KVM_EXIT_MMIO)
			mmio_bus_access(&v->vm->bus, v->run->mmio.phys_addr, v->run->mmio.data,
					v->run->mmio.len, v->run->mmio.is_write);
		else if (v->run->exit_reason != KVM_EXIT_ARM_NISV)
			break;
	}
	return NULL;
}

/*
 * A second vCPU rewrites the page-table entry the first one's ISV=0 stores
 * go through (device block, tables in MMIO, in RAM's last page, just past
 * RAM, itself, nothing): every walk the module makes meets one of them, mid
 * change.  The run ends, every store is accounted for (done, or an abort
 * the guest skipped), no exit names RAM, and exits per store stay bounded.
 */
TEST_F(hostile, a_pte_rewritten_under_isv0_stores_by_another_vcpu)
{
	struct sigaction sa = { .sa_handler = racer_wake };
	const __u64 *k = self->kstats.counters;
	uint64_t aborts, esr;
	pthread_t t;
	int i;

	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: KVM_RUN returns EINTR */
	atomic_store(&racer_stop, false);
	ASSERT_EQ(0, pthread_create(&t, NULL, run_racer, &self->racer));
	ASSERT_EQ(0, vcpu_set(&self->vcpu, vcpu_reg_x(0), SC_PTE_RACE));
	EXPECT_EQ(VCPU_STOP_SHUTDOWN, vcpu_run_loop(&self->vcpu));
	atomic_store(&racer_stop, true);
	for (i = 0; i < 500 && pthread_tryjoin_np(t, NULL); i++) {
		pthread_kill(t, SIGUSR1);
		usleep(10000);
	}
	ASSERT_GT(500, i) TH_LOG("vCPU 1's thread did not stop");
	read_kstats(_metadata, self);
	memcpy(&aborts, self->ram + RESULTS, 8);
	memcpy(&esr, self->ram + RESULTS_EXC, 8);
	EXPECT_EQ(0, esr);
	EXPECT_EQ(0, self->vm.stats.mmio_to_ram);
	TH_LOG("%llu aborts skipped; %llu device writes; nisv %llu, refused %llu",
	       (unsigned long long)aborts, (unsigned long long)self->mark.writes[0x80 / 8],
	       (unsigned long long)self->vm.stats.nisv_exits,
	       (unsigned long long)self->vm.stats.nisv_refused);
	EXPECT_GE(4000, aborts);
	if (variant->attach) {
		log_isv0_counters(_metadata, k);
		/* One 4-byte store: one exit at most each time the module plans it. */
		EXPECT_GE(k[VMAPPLE_KVM_STAT_ISV0_USER] + k[VMAPPLE_KVM_STAT_ISV0_ABORTED],
			  k[VMAPPLE_KVM_STAT_ISV0_USER_EXITS]);
	}
}

/*
 * A second vCPU rewrites the very instruction the first one's ISV=0 store
 * traps on (another size, a pair, a load, a NOP, an UDF): whatever the
 * emulator then reads, the run ends, every exception is one the guest
 * skipped (none unexpected), no exit names RAM, and exits stay bounded.
 */
TEST_F(hostile, an_instruction_rewritten_under_isv0_stores_by_another_vcpu)
{
	struct sigaction sa = { .sa_handler = racer_wake };
	const __u64 *k = self->kstats.counters;
	uint64_t skipped, esr;
	pthread_t t;
	int i;

	sigaction(SIGUSR1, &sa, NULL);
	atomic_store(&racer_stop, false);
	ASSERT_EQ(0, pthread_create(&t, NULL, run_racer, &self->racer));
	ASSERT_EQ(0, vcpu_set(&self->vcpu, vcpu_reg_x(0), SC_INSN_RACE));
	EXPECT_EQ(VCPU_STOP_SHUTDOWN, vcpu_run_loop(&self->vcpu));
	atomic_store(&racer_stop, true);
	for (i = 0; i < 500 && pthread_tryjoin_np(t, NULL); i++) {
		pthread_kill(t, SIGUSR1);
		usleep(10000);
	}
	ASSERT_GT(500, i) TH_LOG("vCPU 1's thread did not stop");
	read_kstats(_metadata, self);
	memcpy(&skipped, self->ram + RESULTS, 8);
	memcpy(&esr, self->ram + RESULTS_EXC, 8);
	EXPECT_EQ(0, esr);
	EXPECT_EQ(0, self->vm.stats.mmio_to_ram);
	EXPECT_GE(4000, skipped);
	TH_LOG("%llu exceptions skipped; nisv %llu, refused %llu", (unsigned long long)skipped,
	       (unsigned long long)self->vm.stats.nisv_exits,
	       (unsigned long long)self->vm.stats.nisv_refused);
	if (variant->attach) {
		log_isv0_counters(_metadata, k);
		/* A pair is two pieces: at most two exits each time the module plans one. */
		EXPECT_GE(2 * (k[VMAPPLE_KVM_STAT_ISV0_USER] + k[VMAPPLE_KVM_STAT_ISV0_ABORTED]),
			  k[VMAPPLE_KVM_STAT_ISV0_USER_EXITS]);
	}
}

static const char *const sweep_ttbr_names[SWEEP_TTBRS] = {
	"device blocks", "the GIC's MMIO", "RAM's last 8 bytes", "itself", "just past RAM",
	"past the IPA space", "unaligned, CnP",
};

static const uint64_t sweep_ttbrs[SWEEP_TTBRS] = {
	SWEEP_BLOCKS, 0x10000000, RAM_END - 8, SWEEP_SELF_TABLE, RAM_END,
	(1ull << 47) | SWEEP_BLOCKS, SWEEP_BLOCKS + 0x41,
};

static int sweep_read_desc(void *ctx, u64 ipa, u64 *desc)
{
	const uint8_t *ram = ctx;

	if (ipa < RAM_BASE || ipa + 8 > RAM_END)
		return -EFAULT;
	memcpy(desc, ram + (ipa - RAM_BASE), 8);
	return 0;
}

/*
 * Blocks the architecture forbids without LPA2 (4K level 0, 16K levels 0
 * and 1), which the rig's CPU (QEMU 7.2's TCG) translates all the same:
 * the walker faults there, as the Arm ARM says an MMU does.
 */
static bool rig_accepts_forbidden_block(bool upper, unsigned int tg, unsigned int tsz)
{
	static const unsigned int tg0[4] = { 12, 16, 14, 12 }, tg1[4] = { 12, 14, 12, 16 };
	unsigned int gshift = upper ? tg1[tg] : tg0[tg], stride = gshift - 3;
	unsigned int inputsize = 64 - (tsz < 16 ? 16 : tsz);
	int level = 4 - (int)((inputsize - gshift + stride - 1) / stride);

	return (gshift == 12 && level == 0) || (gshift == 14 && level <= 1);
}

/*
 * The walker against the guest's MMU, shape by shape: the PAR_EL1 of the
 * guest's AT S1E1W against s1_translate() on the same registers and RAM.
 * They must agree on every shape (fault, or the same address), but for two
 * kinds, counted: what the walker does not model (-EOPNOTSUPP: 52-bit VAs,
 * FEAT_LPA's 64K level-1 blocks) and the rig's forbidden blocks above.
 */
static unsigned int walker_disagreements(struct __test_metadata *_metadata, const uint8_t *ram)
{
	unsigned int half, t, ips, tg, sz, n = 0, unmodelled = 0, forbidden = 0, agreed = 0;
	const uint64_t *par = (const uint64_t *)(ram + PAR_LOG);

	for (half = 0; half < 2; half++)
	for (t = 0; t < SWEEP_TTBRS; t++)
	for (ips = 0; ips < 8; ips++)
	for (tg = 0; tg < 4; tg++)
	for (sz = 0; sz < 64; sz++) {
		uint64_t p = *par++, va = half ? HIGH_DEV : DEV + 0x80;
		struct s1_regs regs = { .sctlr = 1, .ttbr0 = TABLES, .ttbr1 = TABLES };
		struct s1_result res;
		bool mmu_ok = !(p & 1);
		int ret;

		if (half) {
			regs.tcr = TCR_T0_FIXED | (uint64_t)ips << 32 | (uint64_t)tg << 30 |
				   (uint64_t)sz << 16;
			regs.ttbr1 = sweep_ttbrs[t];
		} else {
			regs.tcr = TCR_T1_FIXED | (uint64_t)ips << 32 | (uint64_t)tg << 14 | sz;
			regs.ttbr0 = sweep_ttbrs[t];
		}
		ret = s1_translate(&regs, va, sweep_read_desc, (void *)ram, &res);
		if (mmu_ok == !ret && (!mmu_ok || res.ipa == ((p & GENMASK_ULL(47, 12)) |
							      (va & 0xfff)))) {
			agreed++;
			continue;
		}
		if (mmu_ok && ret == -EOPNOTSUPP) {
			unmodelled++;
			continue;
		}
		/* Only where the root holds blocks: device blocks, RAM's end, unaligned. */
		if (mmu_ok && ret == -EFAULT && (t == 0 || t == 2 || t == 6) &&
		    rig_accepts_forbidden_block(half, tg, sz)) {
			forbidden++;
			continue;
		}
		if (n++ < 20)
			TH_LOG("TTBR%u at %s, IPS %u, TG%u %u, T%uSZ %u: MMU %s 0x%llx, walker %d 0x%llx",
			       half, sweep_ttbr_names[t], ips, half, tg, half, sz,
			       mmu_ok ? "PA" : p == PAR_AT_RAISED ? "fault (AT trapped), PAR" :
			       "fault, PAR", (unsigned long long)p, ret,
			       ret ? 0ull : (unsigned long long)res.ipa);
	}
	TH_LOG("walker vs MMU: %u shapes agree, %u not modelled (52-bit VA, 64K level-1 blocks), "
	       "%u blocks the rig's CPU allows against the Arm ARM, %u disagree", agreed,
	       unmodelled, forbidden, n);
	return n;
}

/*
 * Every TCR/TTBR shape: for each half (code running through the other),
 * TnSZ 0-63 x the four TGn encodings x IPS 0-7, at each of seven TTBRs,
 * one ISV=0 store through it.  The guest's MMU decides which translate;
 * each store that does not abort reaches the device once (a walk that
 * ends in RAM, through the self-referencing table, makes no exit), no
 * exit names RAM, nothing unexpected is raised, and the exits stay bounded.
 */
TEST_F(hostile, every_tcr_and_ttbr_shape_under_isv0_stores)
{
	const __u64 *k = self->kstats.counters;
	uint64_t landed[2 * SWEEP_TTBRS], tail[2], esr;
	unsigned int half, t, total = 0;

	ASSERT_EQ(0, vcpu_set(&self->vcpu, vcpu_reg_x(0), SC_TCR_SWEEP));
	EXPECT_EQ(VCPU_STOP_SHUTDOWN, vcpu_run_loop(&self->vcpu));
	read_kstats(_metadata, self);
	memcpy(landed, self->ram + RESULTS, sizeof(landed));
	memcpy(tail, self->ram + RESULTS + sizeof(landed), sizeof(tail));
	memcpy(&esr, self->ram + RESULTS_EXC, 8);
	EXPECT_EQ(0, esr);
	EXPECT_EQ(2 * SWEEP_TTBRS * SWEEP_SHAPES, tail[1]) TH_LOG("shapes tried");
	EXPECT_EQ(0, self->vm.stats.mmio_to_ram);
	for (half = 0; half < 2; half++) {
		for (t = 0; t < SWEEP_TTBRS; t++) {
			unsigned int i = half * SWEEP_TTBRS + t;
			unsigned int dev = self->mark.sweep_writes[1 + i];

			TH_LOG("TTBR%u at %s: %llu of %d stores translated, %u reached the device",
			       half, sweep_ttbr_names[t], (unsigned long long)landed[i],
			       SWEEP_SHAPES, dev);
			if (t == SWEEP_SELF) {
				EXPECT_EQ(0, dev);
			} else {
				EXPECT_EQ(landed[i], dev);
			}
			total += dev;
		}
	}
	EXPECT_EQ(0, walker_disagreements(_metadata, self->ram));
	/* The table of device blocks translates for the architected shapes. */
	EXPECT_LT(0, self->mark.sweep_writes[1]);
	EXPECT_LT(0, self->mark.sweep_writes[1 + SWEEP_TTBRS]);
	TH_LOG("%llu aborts skipped; nisv %llu, refused %llu", (unsigned long long)tail[0],
	       (unsigned long long)self->vm.stats.nisv_exits,
	       (unsigned long long)self->vm.stats.nisv_refused);
	/* One ISV=0 exit per store at most. */
	EXPECT_GE(2 * SWEEP_TTBRS * SWEEP_SHAPES, self->vm.stats.nisv_exits);
	if (variant->attach) {
		log_isv0_counters(_metadata, k);
		EXPECT_GE(k[VMAPPLE_KVM_STAT_ISV0_USER] + k[VMAPPLE_KVM_STAT_ISV0_ABORTED],
			  k[VMAPPLE_KVM_STAT_ISV0_USER_EXITS]);
		EXPECT_GE(total + self->vm.stats.nisv_exits, k[VMAPPLE_KVM_STAT_ISV0_USER_EXITS]);
	}
}

TEST_HARNESS_MAIN
