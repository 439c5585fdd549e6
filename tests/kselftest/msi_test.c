// SPDX-License-Identifier: GPL-2.0
/*
 * msi_test - GICv2m MSIs against real KVM (payload/msi.S): with the
 * launcher's frame (Layer 0) and with the module's in the kernel (_l1:
 * vmapple_kvm loaded, VM attached, VMAPPLE_KVM_SET_GICV2M), a SETSPI write
 * of a frame INTID - plain, post-indexed, or a pair store - leaves that SPI
 * pending in the vGIC, one outside the frame is dropped, and MSI_TYPER
 * reads the same, and an enabled one is taken by the guest at its IRQ
 * vector.  The counters show which frame did it; in Layer 1 no access
 * leaves the kernel.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../userspace/hw/gicv2m.h"
#include "../../userspace/runtime/vcpu.h"
#include "../../userspace/runtime/vm.h"
#include "../../userspace/vmk_client.h"

#include "kselftest_harness.h"

#define RAM_BASE	0x70000000ull
#define RAM_SIZE	(2ull << 20)
#define RESULTS		0x10000
#define TAKEN		0x10008	/* INTID the guest acknowledged */
#define GICD		0x10000000ull
#define GICR		0x10010000ull
#define GICD_ISPENDR5	(GICD + 0x214)	/* INTIDs 160-191 */
#define FIRST_INTID	(GICV2M_FIRST_SPI + 32)

__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".global msi_payload, msi_payload_end\n"
	"msi_payload:\n"
	".incbin \"" MSI_PAYLOAD "\"\n"
	"msi_payload_end:\n"
	".popsection\n");
extern const unsigned char msi_payload[], msi_payload_end[];

FIXTURE(msi) {
	struct vm vm;
	struct vcpu vcpu;
	struct gicv2m frame;
	uint8_t *ram;
	int module_fd;
	enum vcpu_stop stop;
	uint32_t pending;		/* GICD_ISPENDR5 after the run */
	struct vmapple_kvm_vm_stats kstats;
};

FIXTURE_VARIANT(msi) {
	bool attach;
};
FIXTURE_VARIANT_ADD(msi, l0) { .attach = false };
FIXTURE_VARIANT_ADD(msi, l1) { .attach = true };

FIXTURE_SETUP(msi)
{
	struct mmio_device dev = {
		.name = "gicv2m", .base = GICV2M_BASE, .size = GICV2M_SIZE,
		.access = gicv2m_access, .opaque = &self->frame,
	};

	memset(&self->kstats, 0, sizeof(self->kstats));
	self->module_fd = -1;
	ASSERT_EQ(0, vm_open(&self->vm, "/dev/kvm", 36));
	self->frame = (struct gicv2m){ .raise_spi = vm_pulse_spi, .opaque = &self->vm };
	if (variant->attach) {
		self->module_fd = open("/dev/vmapple_kvm", O_RDWR | O_CLOEXEC);
		if (self->module_fd < 0)
			SKIP(return, "vmapple_kvm is not loaded");
		ASSERT_EQ(0, vmk_attach_vm(self->module_fd, self->vm.fd));
	}
	ASSERT_EQ(0, vm_add_ram(&self->vm, RAM_BASE, RAM_SIZE));
	self->ram = vm_ram(&self->vm, RAM_BASE, RAM_SIZE);
	memcpy(self->ram, msi_payload, msi_payload_end - msi_payload);
	ASSERT_EQ(0, vm_create_gicv3(&self->vm, GICD, GICR, 1, 288));
	ASSERT_EQ(0, mmio_bus_add(&self->vm.bus, &dev));
	ASSERT_EQ(0, vcpu_create(&self->vm, &self->vcpu, 0));
	ASSERT_EQ(0, vm_finalize_gic(&self->vm));
	if (variant->attach)
		ASSERT_EQ(0, vmk_set_gicv2m(self->module_fd, GICV2M_BASE, FIRST_INTID,
					    GICV2M_NR_SPIS));
	ASSERT_EQ(0, vcpu_set(&self->vcpu, vcpu_reg_pc, RAM_BASE));
	self->stop = vcpu_run_loop(&self->vcpu);
	ASSERT_EQ(0, vm_vgic_access(&self->vm, GICD_ISPENDR5, &self->pending, false));
	vm_print_stats(&self->vm, stdout);
	if (self->module_fd >= 0)
		ASSERT_EQ(0, vmk_get_own_vm_stats(self->module_fd, getpid(), &self->kstats));
}

FIXTURE_TEARDOWN(msi)
{
	if (self->module_fd >= 0)
		close(self->module_fd);
	vcpu_close(&self->vcpu);
	vm_close(&self->vm);
}

TEST_F(msi, setspi_writes_leave_their_spis_pending)
{
	ASSERT_EQ(VCPU_STOP_SHUTDOWN, self->stop);
	EXPECT_EQ(0x7u, self->pending & 0xff) TH_LOG("GICD_ISPENDR5 0x%08x", self->pending);
}

TEST_F(msi, the_guest_takes_an_enabled_msi)
{
	uint64_t taken;

	ASSERT_EQ(VCPU_STOP_SHUTDOWN, self->stop);
	memcpy(&taken, self->ram + TAKEN, 8);
	EXPECT_EQ(FIRST_INTID + 3, taken);
	EXPECT_EQ(0, self->pending & (1u << 3));	/* acknowledged: no longer pending */
}

/* Bit 31 set, or macOS never uses the frame (see hw/gicv2m.h); Linux reads only [25:0]. */
TEST_F(msi, msi_typer_gives_the_frame)
{
	uint32_t typer, pair[2];

	ASSERT_EQ(VCPU_STOP_SHUTDOWN, self->stop);
	memcpy(&typer, self->ram + RESULTS, 4);
	EXPECT_EQ(GICV2M_TYPER_MACOS | (FIRST_INTID << 16) | GICV2M_NR_SPIS, typer);
	memcpy(pair, self->ram + RESULTS + 0x10, 8);
	EXPECT_EQ(typer, pair[0]) TH_LOG("MSI_TYPER read with LDP: 0x%08x", pair[0]);
	EXPECT_EQ(0, pair[1]);
}

TEST_F(msi, the_counters_show_which_frame_raised_them)
{
	const __u64 *k = self->kstats.counters;

	ASSERT_EQ(VCPU_STOP_SHUTDOWN, self->stop);
	if (!variant->attach) {
		EXPECT_EQ(4, self->frame.msis);
		EXPECT_EQ(1, self->frame.dropped);
		return;
	}
	EXPECT_EQ(0, self->frame.msis);
	EXPECT_EQ(0, self->frame.dropped);
	EXPECT_EQ(4, k[VMAPPLE_KVM_STAT_MSI_KERNEL]);
	EXPECT_EQ(1, k[VMAPPLE_KVM_STAT_MSI_DROPPED]);
	EXPECT_EQ(0, self->vm.stats.mmio_exits);
	EXPECT_EQ(0, self->vm.stats.nisv_exits);
}

TEST_HARNESS_MAIN
