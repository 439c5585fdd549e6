// SPDX-License-Identifier: GPL-2.0
/*
 * test_uapi - the ABI's layout is fixed: sizes, offsets and ioctl numbers
 * must not move, or launchers and modules of one ABI version disagree.
 */
#include <stddef.h>
#include <sys/ioctl.h>

#include <linux/vmapple_kvm.h>

#include "tap.h"

int main(void)
{
	ok(sizeof(struct vmapple_kvm_info) == 64, "struct vmapple_kvm_info is 64 bytes");
	ok(offsetof(struct vmapple_kvm_info, hooks_live) == 8 &&
	   offsetof(struct vmapple_kvm_info, vm_records) == 16 &&
	   offsetof(struct vmapple_kvm_info, hook_mechanism) == 24 &&
	   offsetof(struct vmapple_kvm_info, hook_error) == 28 &&
	   offsetof(struct vmapple_kvm_info, pac_backend) == 32 &&
	   offsetof(struct vmapple_kvm_info, pac_error) == 36 &&
	   offsetof(struct vmapple_kvm_info, aic_records) == 40 &&
	   offsetof(struct vmapple_kvm_info, reserved) == 48, "vmapple_kvm_info offsets");
	ok(sizeof(struct vmapple_kvm_aic) == 184 && offsetof(struct vmapple_kvm_aic, base) == 8 &&
	   offsetof(struct vmapple_kvm_aic, nr_irqs) == 16 &&
	   offsetof(struct vmapple_kvm_aic, mpidr) == 24 &&
	   offsetof(struct vmapple_kvm_aic, reserved) == 152, "vmapple_kvm_aic layout");
	ok(sizeof(struct vmapple_kvm_aic_irq) == 16 &&
	   offsetof(struct vmapple_kvm_aic_irq, level) == 8, "vmapple_kvm_aic_irq layout");
	ok(_IOC_NR(VMAPPLE_KVM_SET_AIC) == 0x46 && _IOC_NR(VMAPPLE_KVM_AIC_IRQ) == 0x47,
	   "the AIC ioctls are 0x46 and 0x47");
	ok(sizeof(struct vmapple_kvm_attach) == 64, "struct vmapple_kvm_attach is 64 bytes");
	ok(offsetof(struct vmapple_kvm_attach, vm_fd) == 4 &&
	   offsetof(struct vmapple_kvm_attach, flags) == 8 &&
	   offsetof(struct vmapple_kvm_attach, reserved) == 16, "vmapple_kvm_attach offsets");
	ok(sizeof(struct vmapple_kvm_vm_stats) == 256, "struct vmapple_kvm_vm_stats is 256 bytes");
	ok(offsetof(struct vmapple_kvm_vm_stats, vm_id) == 4 &&
	   offsetof(struct vmapple_kvm_vm_stats, nr_vcpus) == 8 &&
	   offsetof(struct vmapple_kvm_vm_stats, counters) == 16, "vmapple_kvm_vm_stats offsets");
	ok(VMAPPLE_KVM_STAT_ISV0_KERNEL == 0 && VMAPPLE_KVM_STAT_ISV0_USER == 1 &&
	   VMAPPLE_KVM_STAT_ISV0_USER_EXITS == 2 && VMAPPLE_KVM_STAT_ISV0_FALLBACK == 3 &&
	   VMAPPLE_KVM_STAT_ISV0_ABORTED == 4 && VMAPPLE_KVM_STAT_HVC_KERNEL == 5 &&
	   VMAPPLE_KVM_STAT_HVC_LEFT == 6 && VMAPPLE_KVM_STAT_MSI_KERNEL == 7 &&
	   VMAPPLE_KVM_STAT_MSI_DROPPED == 8 && VMAPPLE_KVM_NR_STATS <= VMAPPLE_KVM_MAX_STATS,
	   "counter indices are fixed and fit the array");
	ok(sizeof(struct vmapple_kvm_stats_request) == 64 &&
	   offsetof(struct vmapple_kvm_stats_request, nr_vms) == 4 &&
	   offsetof(struct vmapple_kvm_stats_request, vms) == 8 &&
	   offsetof(struct vmapple_kvm_stats_request, reserved) == 16,
	   "struct vmapple_kvm_stats_request is 64 bytes, fields fixed");
	ok(_IOC_TYPE(VMAPPLE_KVM_GET_INFO) == 0xAF && _IOC_NR(VMAPPLE_KVM_GET_API_VERSION) == 0x40 &&
	   _IOC_NR(VMAPPLE_KVM_GET_INFO) == 0x41 && _IOC_NR(VMAPPLE_KVM_ATTACH_VM) == 0x42 &&
	   _IOC_NR(VMAPPLE_KVM_GET_VM_STATS) == 0x43 && _IOC_NR(VMAPPLE_KVM_SET_APPLE_HVC) == 0x44 &&
	   _IOC_NR(VMAPPLE_KVM_SET_GICV2M) == 0x45, "ioctl numbers are 0xAF 0x40-0x45");
	ok(sizeof(struct vmapple_kvm_gicv2m) == 64 &&
	   offsetof(struct vmapple_kvm_gicv2m, base) == 8 &&
	   offsetof(struct vmapple_kvm_gicv2m, first_intid) == 16 &&
	   offsetof(struct vmapple_kvm_gicv2m, nr_spis) == 20 &&
	   offsetof(struct vmapple_kvm_gicv2m, reserved) == 24 &&
	   _IOC_SIZE(VMAPPLE_KVM_SET_GICV2M) == 64 && _IOC_DIR(VMAPPLE_KVM_SET_GICV2M) == _IOC_WRITE,
	   "struct vmapple_kvm_gicv2m is 64 bytes, written by SET_GICV2M");
	ok(sizeof(struct vmapple_kvm_apple_hvc) == 64 &&
	   offsetof(struct vmapple_kvm_apple_hvc, mabs_offset) == 8 &&
	   offsetof(struct vmapple_kvm_apple_hvc, boot_session_uuid) == 16 &&
	   offsetof(struct vmapple_kvm_apple_hvc, reserved) == 32 &&
	   _IOC_SIZE(VMAPPLE_KVM_SET_APPLE_HVC) == 64 &&
	   _IOC_DIR(VMAPPLE_KVM_SET_APPLE_HVC) == _IOC_WRITE,
	   "struct vmapple_kvm_apple_hvc is 64 bytes, written by SET_APPLE_HVC");
	ok(_IOC_SIZE(VMAPPLE_KVM_GET_VM_STATS) == 64 &&
	   _IOC_DIR(VMAPPLE_KVM_GET_VM_STATS) == (_IOC_READ | _IOC_WRITE),
	   "GET_VM_STATS reads and writes 64 bytes");
	ok(_IOC_SIZE(VMAPPLE_KVM_GET_INFO) == 64 && _IOC_DIR(VMAPPLE_KVM_GET_INFO) == _IOC_READ,
	   "GET_INFO reads 64 bytes");
	ok(_IOC_SIZE(VMAPPLE_KVM_ATTACH_VM) == 64 && _IOC_DIR(VMAPPLE_KVM_ATTACH_VM) == _IOC_WRITE,
	   "ATTACH_VM writes 64 bytes");
	return tap_done();
}
