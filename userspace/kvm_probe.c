// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_probe.c - ask KVM (and vmapple_kvm, when loaded) what this host can
 * do for a VMApple guest.  Every probe that needs a VM or a vCPU makes a
 * throw-away one.
 */
#include "kvm_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "runtime/arm64_kvm.h"
#include "vmk_client.h"

static int check_ext(int kvm, long cap)
{
	int r = ioctl(kvm, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

static bool vm_has_attr(int vm, uint32_t group, uint64_t attr)
{
	struct kvm_device_attr a = { .group = group, .attr = attr };

	return ioctl(vm, KVM_HAS_DEVICE_ATTR, &a) == 0;
}

static bool vm_can_create_device(int vm, uint32_t type)
{
	struct kvm_create_device d = { .type = type, .flags = KVM_CREATE_DEVICE_TEST };

	return ioctl(vm, KVM_CREATE_DEVICE, &d) == 0;
}

/* The PSCI version KVM gives a default vCPU: major << 16 | minor, or 0. */
static unsigned int vcpu_psci_version(int vm)
{
	struct kvm_vcpu_init init;
	uint64_t version = 0;
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM_PSCI_VERSION,
		.addr = (uint64_t)(uintptr_t)&version,
	};
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);

	if (vcpu < 0)
		return 0;
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init))
		goto out;
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init) || ioctl(vcpu, KVM_GET_ONE_REG, &reg))
		version = 0;
out:
	close(vcpu);
	return (unsigned int)version;
}

static void probe_kvm(int kvm, struct host_caps *caps)
{
	int vm;

	caps->kvm_api_version = ioctl(kvm, KVM_GET_API_VERSION, 0);
	caps->page_size = sysconf(_SC_PAGESIZE);
	caps->ipa_bits = check_ext(kvm, KVM_CAP_ARM_VM_IPA_SIZE);
	if (!caps->ipa_bits)
		caps->ipa_bits = 40;	/* KVM's fixed size before the cap */
	caps->max_vcpus = check_ext(kvm, KVM_CAP_MAX_VCPUS);
	caps->nisv_to_user = check_ext(kvm, KVM_CAP_ARM_NISV_TO_USER);
	caps->pmu_v3 = check_ext(kvm, KVM_CAP_ARM_PMU_V3);
	caps->ptrauth = check_ext(kvm, KVM_CAP_ARM_PTRAUTH_ADDRESS) &&
			check_ext(kvm, KVM_CAP_ARM_PTRAUTH_GENERIC);

	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		snprintf(caps->kvm_error, sizeof(caps->kvm_error),
			 "KVM_CREATE_VM: %s", strerror(errno));
		return;
	}
	caps->smccc_filter = vm_has_attr(vm, KVM_ARM_VM_SMCCC_CTRL, KVM_ARM_VM_SMCCC_FILTER);
	caps->vgic_v3 = vm_can_create_device(vm, KVM_DEV_TYPE_ARM_VGIC_V3);
	caps->psci_version = vcpu_psci_version(vm);
	close(vm);
}

static void probe_module(int kvm, const char *module_path, struct host_caps *caps)
{
	int dev = vmk_open(module_path, caps->module_error, sizeof(caps->module_error));
	int vm, r;

	caps->attach_errno = -1;
	if (dev < 0)
		return;
	r = vmk_get_info(dev, &caps->module_info);
	if (r) {
		snprintf(caps->module_error, sizeof(caps->module_error),
			 "VMAPPLE_KVM_GET_INFO: %s", strerror(-r));
		close(dev);
		return;
	}
	caps->module_open = true;
	if (kvm >= 0 && caps->module_info.api_version == VMAPPLE_KVM_API_VERSION) {
		vm = ioctl(kvm, KVM_CREATE_VM, 0);
		if (vm >= 0) {
			caps->attach_errno = -vmk_attach_vm(dev, vm);
			close(vm);
		}
	}
	close(dev);
}

void kvm_probe(const char *kvm_path, const char *module_path, struct host_caps *caps)
{
	int kvm = open(kvm_path, O_RDWR | O_CLOEXEC);

	memset(caps, 0, sizeof(*caps));
	if (kvm < 0) {
		snprintf(caps->kvm_error, sizeof(caps->kvm_error), "cannot open %s: %s",
			 kvm_path, strerror(errno));
	} else {
		caps->kvm_open = true;
		probe_kvm(kvm, caps);
	}
	probe_module(kvm, module_path, caps);
	if (kvm >= 0)
		close(kvm);
}
