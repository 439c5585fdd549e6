// SPDX-License-Identifier: GPL-2.0
/*
 * layer0_test - the launcher's Layer 0 against real KVM, no module: the
 * payload (payload/isv0.S) runs every ISV=0 load/store form on RAM, on a
 * userspace device and on a vGIC register, with the MMU off and with 4K
 * and 16K pages; the device and vGIC runs must leave exactly what the CPU
 * left on RAM.  Also: undecodable accesses become external aborts, and
 * every Apple hypercall answers as the spec says.
 *
 * The _l1 variants run the same payload with the VM attached to
 * vmapple_kvm (Layer 1, when loaded with its hooks live, else they skip):
 * every form and every hypercall must again give what they gave in Layer
 * 0, and the module's counters and the launcher's must show that the
 * kernel did the work.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../userspace/runtime/apple_hvc.h"
#include "../../userspace/runtime/arm64_kvm.h"
#include "../../userspace/runtime/vcpu.h"
#include "../../userspace/runtime/vm.h"
#include "../../userspace/vmk_client.h"

#include "kselftest_harness.h"

#define RAM_BASE	0x70000000ull
#define RAM_SIZE	(16ull << 20)
#define GICD		0x10000000ull
#define GICR		0x10010000ull
#define DEV		0x20000000ull
#define DEV_SIZE	0x1000ull
#define ESR_LOG		0xf0000
#define HVC_LOG		0xf1000
#define PAC_LOG		0xf2000
#define PAC_PTR		0x12345678ull
#define RESULTS		0x100000
#define SNAP_SIZE	256
#define N_CASES		55

__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".global isv0_payload, isv0_payload_end\n"
	"isv0_payload:\n"
	".incbin \"" ISV0_PAYLOAD "\"\n"
	"isv0_payload_end:\n"
	".popsection\n");
extern const unsigned char isv0_payload[], isv0_payload_end[];

/* The userspace test device: 4 KiB of plain registers. */
struct test_dev {
	uint8_t regs[DEV_SIZE];
	unsigned int accesses;
};

static int test_dev_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
			   bool is_write)
{
	struct test_dev *d = opaque;

	d->accesses++;
	if (is_write)
		memcpy(d->regs + offset, data, len);
	else
		memcpy(data, d->regs + offset, len);
	return 0;
}

FIXTURE(layer0) {
	struct vm vm;
	struct vcpu vcpu;
	struct apple_hvc_state hvc;
	struct test_dev dev;
	uint8_t *ram;
	enum vcpu_stop stop;
	int module_fd;
	struct vmapple_kvm_vm_stats kstats;	/* the module's, after the run */
};

FIXTURE_VARIANT(layer0) {
	int mmu_mode;	/* 0 off, 1 4K, 2 16K */
	bool attach;	/* Layer 1: the VM attached to vmapple_kvm */
};

FIXTURE_VARIANT_ADD(layer0, mmu_off) { .mmu_mode = 0 };
FIXTURE_VARIANT_ADD(layer0, granule_4k) { .mmu_mode = 1 };
FIXTURE_VARIANT_ADD(layer0, granule_16k) { .mmu_mode = 2 };
FIXTURE_VARIANT_ADD(layer0, mmu_off_l1) { .mmu_mode = 0, .attach = true };
FIXTURE_VARIANT_ADD(layer0, granule_4k_l1) { .mmu_mode = 1, .attach = true };
FIXTURE_VARIANT_ADD(layer0, granule_16k_l1) { .mmu_mode = 2, .attach = true };

#define LAYER1_HOOKS (VMAPPLE_KVM_HOOK_IO_MEM_ABORT | VMAPPLE_KVM_HOOK_MMIO_RETURN | \
		      VMAPPLE_KVM_HOOK_SMCCC_CALL)

/* Attach for the _l1 variants; skip them without the module or its hooks. */
static int attach_to_module(struct __test_metadata *_metadata, struct vm *vm,
			    const struct apple_hvc_config *hvc)
{
	struct vmapple_kvm_info info;
	int fd = open("/dev/vmapple_kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	ASSERT_EQ(0, vmk_get_info(fd, &info));
	if ((info.hooks_live & LAYER1_HOOKS) != LAYER1_HOOKS) {
		close(fd);
		return -1;
	}
	ASSERT_EQ(0, vmk_attach_vm(fd, vm->fd));
	ASSERT_EQ(0, vmk_set_apple_hvc(fd, hvc));
	return fd;
}

FIXTURE_SETUP(layer0)
{
	struct mmio_device dev = {
		.name = "test-dev", .base = DEV, .size = DEV_SIZE,
		.access = test_dev_access, .opaque = &self->dev,
	};

	memset(&self->dev, 0, sizeof(self->dev));
	memset(&self->kstats, 0, sizeof(self->kstats));
	self->module_fd = -1;
	memset(&self->hvc, 0, sizeof(self->hvc));
	self->hvc.cfg.mabs_offset = 0x123456789ull;
	memcpy(self->hvc.cfg.boot_session_uuid, (uint32_t[]){ 1, 2, 3, 4 }, 16);
	ASSERT_EQ(0, vm_open(&self->vm, "/dev/kvm", 36));
	if (variant->attach) {
		self->module_fd = attach_to_module(_metadata, &self->vm, &self->hvc.cfg);
		if (self->module_fd < 0)
			SKIP(return, "vmapple_kvm is not loaded with its Layer 1 hooks live");
	}
	ASSERT_EQ(0, vm_add_ram(&self->vm, RAM_BASE, RAM_SIZE));
	self->ram = vm_ram(&self->vm, RAM_BASE, RAM_SIZE);
	memcpy(self->ram, isv0_payload, isv0_payload_end - isv0_payload);
	ASSERT_EQ(0, vm_create_gicv3(&self->vm, GICD, GICR, 1, 288));
	ASSERT_EQ(0, mmio_bus_add(&self->vm.bus, &dev));
	ASSERT_EQ(0, apple_hvc_install(&self->vm, &self->hvc));
	ASSERT_EQ(0, vcpu_create(&self->vm, &self->vcpu, 0));
	ASSERT_EQ(0, vm_finalize_gic(&self->vm));
	ASSERT_EQ(0, vcpu_set(&self->vcpu, vcpu_reg_pc, RAM_BASE));
	ASSERT_EQ(0, vcpu_set(&self->vcpu, vcpu_reg_x(0), (u64)variant->mmu_mode));
	self->stop = vcpu_run_loop(&self->vcpu);
	vm_print_stats(&self->vm, stdout);
	if (self->module_fd >= 0) {
		ASSERT_EQ(0, vmk_get_own_vm_stats(self->module_fd, getpid(), &self->kstats));
		const u64 *k = self->kstats.counters;

		printf("vmapple_kvm: isv0 kernel %llu, user %llu (exits %llu), fallback %llu; "
		       "Apple hvc kernel %llu, left %llu\n",
		       (unsigned long long)k[VMAPPLE_KVM_STAT_ISV0_KERNEL],
		       (unsigned long long)k[VMAPPLE_KVM_STAT_ISV0_USER],
		       (unsigned long long)k[VMAPPLE_KVM_STAT_ISV0_USER_EXITS],
		       (unsigned long long)k[VMAPPLE_KVM_STAT_ISV0_FALLBACK],
		       (unsigned long long)k[VMAPPLE_KVM_STAT_HVC_KERNEL],
		       (unsigned long long)k[VMAPPLE_KVM_STAT_HVC_LEFT]);
	}
}

FIXTURE_TEARDOWN(layer0)
{
	if (self->module_fd >= 0)
		close(self->module_fd);
	vcpu_close(&self->vcpu);
	vm_close(&self->vm);
}

static u64 ram64(const uint8_t *ram, u64 off)
{
	u64 v;

	memcpy(&v, ram + off, 8);
	return v;
}

TEST_F(layer0, payload_runs_to_system_off_with_the_mmu_asked_for)
{
	u64 sctlr = 0, tcr = 0;

	EXPECT_EQ(VCPU_STOP_SHUTDOWN, self->stop);
	ASSERT_EQ(0, vcpu_get(&self->vcpu, VCPU_SCTLR_EL1, &sctlr));
	ASSERT_EQ(0, vcpu_get(&self->vcpu, VCPU_TCR_EL1, &tcr));
	EXPECT_EQ(variant->mmu_mode != 0, sctlr & 1);
	if (variant->mmu_mode)	/* TG0: 00 4K, 10 16K */
		EXPECT_EQ(variant->mmu_mode == 1 ? 0 : 2, (tcr >> 14) & 3);
	EXPECT_LT(0, self->vm.stats.mmio_exits);
	if (variant->attach)
		return;		/* see isv0_is_done_in_the_kernel_when_attached */
	EXPECT_LT(0, self->vm.stats.nisv_exits);
	EXPECT_LT(0, self->vm.stats.nisv_to_vgic);
}

/*
 * Layer 1: vGIC forms complete in the kernel, device forms through
 * KVM_EXIT_MMIO; only what the module cannot emulate reaches Layer 0.
 */
TEST_F(layer0, isv0_is_done_in_the_kernel_when_attached)
{
	const u64 *k = self->kstats.counters;

	if (!variant->attach)
		SKIP(return, "Layer 0 variant");
	ASSERT_EQ(VCPU_STOP_SHUTDOWN, self->stop);
	EXPECT_LT(0, k[VMAPPLE_KVM_STAT_ISV0_KERNEL]);
	EXPECT_LT(0, k[VMAPPLE_KVM_STAT_ISV0_USER]);
	EXPECT_LE(k[VMAPPLE_KVM_STAT_ISV0_USER], k[VMAPPLE_KVM_STAT_ISV0_USER_EXITS]);
	EXPECT_EQ(0, k[VMAPPLE_KVM_STAT_ISV0_ABORTED]);
	/* Every ISV=0 exit the launcher saw is one the module gave back. */
	EXPECT_EQ(k[VMAPPLE_KVM_STAT_ISV0_FALLBACK], self->vm.stats.nisv_exits);
	EXPECT_EQ(0, self->vm.stats.nisv_to_vgic);
	/* ldxr and ld1: the decoder refuses them in both layers */
	EXPECT_EQ(2, k[VMAPPLE_KVM_STAT_ISV0_FALLBACK]);
}

TEST_F(layer0, every_isv0_form_matches_the_cpu_on_ram)
{
	const uint8_t *ref = NULL;
	int cases = 0, mismatches = 0;
	u64 off;

	ASSERT_EQ(VCPU_STOP_SHUTDOWN, self->stop);
	for (off = RESULTS; off < RAM_SIZE - SNAP_SIZE; off += SNAP_SIZE) {
		const uint8_t *s = self->ram + off;
		uint32_t kind, case_no;
		u64 text;

		memcpy(&kind, s + 40, 4);
		memcpy(&case_no, s + 44, 4);
		memcpy(&text, s + 112, 8);
		if (kind == 0xff)
			break;
		if (kind == 0) {
			ref = s;
			cases++;
			continue;
		}
		ASSERT_NE(NULL, ref);
		/* x1-x4 and base movement; q1-q2; the 128 bytes around the base */
		if (memcmp(s, ref, 40) || memcmp(s + 48, ref + 48, 32) || memcmp(s + 128, ref + 128, 128)) {
			mismatches++;
			TH_LOG("case %u '%s' on %s differs from RAM: x1 %llx/%llx base%+lld/%+lld",
			       case_no, text >= RAM_BASE ? (const char *)self->ram + (text - RAM_BASE) : "?",
			       kind == 1 ? "device" : "vGIC",
			       (unsigned long long)ram64(s, 0), (unsigned long long)ram64(ref, 0),
			       (long long)ram64(s, 32), (long long)ram64(ref, 32));
		}
	}
	EXPECT_EQ(N_CASES, cases);
	EXPECT_EQ(0, mismatches);
}

TEST_F(layer0, undecodable_accesses_take_an_external_abort)
{
	u64 count = ram64(self->ram, ESR_LOG), i;

	ASSERT_EQ(VCPU_STOP_SHUTDOWN, self->stop);
	EXPECT_EQ(2, count);	/* ldxr, ld1 */
	EXPECT_EQ(2, self->vm.stats.nisv_refused);
	for (i = 1; i <= count && i < 4; i++) {
		u64 esr = ram64(self->ram, ESR_LOG + i * 8);

		EXPECT_EQ(0x25, esr >> 26) TH_LOG("abort %llu: ESR 0x%llx is not a data abort",
						 (unsigned long long)i, (unsigned long long)esr);
		EXPECT_EQ(0x10, esr & 0x3f) TH_LOG("abort %llu: ESR 0x%llx: not an external abort",
						  (unsigned long long)i, (unsigned long long)esr);
	}
}

#define HVC(n, r) ram64(self->ram, HVC_LOG + (n) * 40 + (r) * 8)

TEST_F(layer0, apple_hypercalls_answer_as_the_spec_says)
{
	u64 key = 0xfeedfacefeedfacfull;
	int i;

	ASSERT_EQ(VCPU_STOP_SHUTDOWN, self->stop);
	for (i = 0; i <= 14; i++) {
		if (i == 12 || i == 13)		/* UID and REVISION return data in x0 */
			continue;
		EXPECT_EQ(0, HVC(i, 0)) TH_LOG("call %d: x0 = 0x%llx", i,
					       (unsigned long long)HVC(i, 0));
	}
	EXPECT_EQ(key, HVC(1, 1));		/* GET_DEFAULT_KEYS */
	EXPECT_EQ(key + 6, HVC(1, 2));
	EXPECT_EQ(key + 4, HVC(1, 3));
	EXPECT_EQ(key + 10, HVC(1, 4));
	EXPECT_EQ(0x123456789ull, HVC(8, 1));	/* MABS offset */
	for (i = 1; i <= 4; i++)		/* boot session UUID */
		EXPECT_EQ((u64)i, HVC(9, i));
	/* index 12 is the UID call: x0 is its first word, not a status */
	EXPECT_EQ(1, HVC(13, 0));		/* REVISION 1.0 */
	EXPECT_EQ(0, HVC(13, 1));
	EXPECT_EQ((u64)-1, HVC(15, 0));		/* FEATURES of an unknown call */
	EXPECT_EQ((u64)-1, HVC(16, 0));		/* an unknown call */
	EXPECT_EQ(1, self->vm.stats.hvc_unknown);
}

TEST_F(layer0, oem_uid_is_apples)
{
	ASSERT_EQ(VCPU_STOP_SHUTDOWN, self->stop);
	EXPECT_EQ(0x8581873bull, HVC(12, 0));
	EXPECT_EQ(0x1f4e62aaull, HVC(12, 1));
	EXPECT_EQ(0x79d6c99dull, HVC(12, 2));
	EXPECT_EQ(0xbb6ebb9cull, HVC(12, 3));
}

TEST_F(layer0, set_b_keys_loop_runs_and_keys_land_in_the_vcpu)
{
	u64 v = 0;

	ASSERT_EQ(VCPU_STOP_SHUTDOWN, self->stop);
	EXPECT_EQ(0, HVC(17, 0));		/* loop counter reached 0: all returned 0 */
	EXPECT_EQ(0, HVC(18, 0));
	if (variant->attach) {
		/* All in the kernel but the unknown call. */
		EXPECT_EQ(1, self->vm.stats.hvc_forwarded);
		EXPECT_EQ(17 + 1000 + 1 + 2 - 1, self->kstats.counters[VMAPPLE_KVM_STAT_HVC_KERNEL]);
		EXPECT_EQ(1, self->kstats.counters[VMAPPLE_KVM_STAT_HVC_LEFT]);
	} else {
		EXPECT_EQ(17 + 1000 + 1 + 2, self->vm.stats.hvc_forwarded);
	}
	if (!self->hvc.ptrauth)
		SKIP(return, "no pointer authentication in this vCPU");
	ASSERT_EQ(0, vcpu_get(&self->vcpu, ARM64_SYS_REG(3, 0, 2, 1, 2), &v));	/* APIBKEYLO */
	EXPECT_EQ(0x6000, v);
	ASSERT_EQ(0, vcpu_get(&self->vcpu, ARM64_SYS_REG(3, 0, 2, 2, 3), &v));	/* APDBKEYHI */
	EXPECT_EQ(0x6003, v);
	ASSERT_EQ(0, vcpu_get(&self->vcpu, ARM64_SYS_REG(3, 0, 2, 1, 0), &v));	/* APIAKEYLO */
	EXPECT_EQ(0x1000, v);
	ASSERT_EQ(0, vcpu_get(&self->vcpu, ARM64_SYS_REG(3, 0, 2, 3, 1), &v));	/* APGAKEYHI */
	EXPECT_EQ(0x5001, v);
}

/* The guest signed one pointer under B keys 0x6000, 0x7000, 0x6000. */
TEST_F(layer0, pac_in_the_guest_follows_the_keys_set)
{
	u64 first = ram64(self->ram, PAC_LOG), other = ram64(self->ram, PAC_LOG + 8);
	u64 again = ram64(self->ram, PAC_LOG + 16);

	ASSERT_EQ(VCPU_STOP_SHUTDOWN, self->stop);
	if (!self->hvc.ptrauth)
		SKIP(return, "no pointer authentication in this vCPU");
	TH_LOG("signed 0x%llx / 0x%llx / 0x%llx", (unsigned long long)first,
	       (unsigned long long)other, (unsigned long long)again);
	EXPECT_EQ(first, again);	/* the same keys sign the same */
	if (variant->mmu_mode == 0)
		return;			/* no translation regime: no PAC field */
	EXPECT_NE(PAC_PTR, first);	/* signed */
	EXPECT_EQ(PAC_PTR, first & 0xffffffffull);
	EXPECT_NE(first, other);	/* other keys sign otherwise */
}

TEST_HARNESS_MAIN
