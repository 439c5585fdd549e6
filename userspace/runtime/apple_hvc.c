// SPDX-License-Identifier: GPL-2.0
/* apple_hvc.c - forward and answer Apple hypercalls in userspace (Layer 0). */
#include "apple_hvc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/vmapple_kvm.h>

#include "arm64_kvm.h"
#include "../timebase.h"
#include "vcpu.h"
#include "vm.h"

#ifndef KVM_SMCCC_FILTER_FWD_TO_USER	/* Linux 6.4 uapi */
struct kvm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};
#define KVM_SMCCC_FILTER_FWD_TO_USER 2
#endif

int apple_hvc_install(struct vm *vm, struct apple_hvc_state *state)
{
	static const struct { u32 base, count; } ranges[] = APPLE_HVC_RANGES;
	size_t i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		struct kvm_smccc_filter f = {
			.base = ranges[i].base, .nr_functions = ranges[i].count,
			.action = KVM_SMCCC_FILTER_FWD_TO_USER,
		};
		struct kvm_device_attr a = {
			.group = KVM_ARM_VM_SMCCC_CTRL, .attr = KVM_ARM_VM_SMCCC_FILTER,
			.addr = (uint64_t)(uintptr_t)&f,
		};

		if (ioctl(vm->fd, KVM_SET_DEVICE_ATTR, &a)) {
			fprintf(stderr, "vmapple: SMCCC filter for 0x%08x..0x%08x: %s\n",
				ranges[i].base, ranges[i].base + ranges[i].count - 1,
				strerror(errno));
			return -errno;
		}
	}
	state->ptrauth = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PTRAUTH_ADDRESS) > 0 &&
			 ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PTRAUTH_GENERIC) > 0;
	vm->hvc = state;
	return 0;
}

/* APIAKEYLO_EL1 and its neighbours: op0 3, op1 0, CRn 2, CRm 1..3. */
static int write_keys(struct vcpu *vcpu, const struct apple_pac_keys *k)
{
	const struct { uint64_t id; u64 value; } regs[] = {
		{ ARM64_SYS_REG(3, 0, 2, 1, 0), k->apia[0] }, { ARM64_SYS_REG(3, 0, 2, 1, 1), k->apia[1] },
		{ ARM64_SYS_REG(3, 0, 2, 1, 2), k->apib[0] }, { ARM64_SYS_REG(3, 0, 2, 1, 3), k->apib[1] },
		{ ARM64_SYS_REG(3, 0, 2, 2, 0), k->apda[0] }, { ARM64_SYS_REG(3, 0, 2, 2, 1), k->apda[1] },
		{ ARM64_SYS_REG(3, 0, 2, 2, 2), k->apdb[0] }, { ARM64_SYS_REG(3, 0, 2, 2, 3), k->apdb[1] },
		{ ARM64_SYS_REG(3, 0, 2, 3, 0), k->apga[0] }, { ARM64_SYS_REG(3, 0, 2, 3, 1), k->apga[1] },
	};
	size_t i;
	int ret;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		ret = vcpu_set(vcpu, regs[i].id, regs[i].value);
		if (ret)
			return ret;
	}
	return 0;
}

/* After the boot CPU's PAC_SET_INITIAL_STATE, in either layer: the timebase. */
static void after_initial_state(struct vcpu *vcpu, struct apple_hvc_state *st)
{
	unsigned int n;

	if (vcpu->index)
		return;
	n = timebase_fix_resident(vm_ram(vcpu->vm, st->dt_base, st->dt_size), st->dt_size,
				  st->timebase_hz);
	st->timebase_rewritten += n;
	if (n)
		fprintf(stderr, "vmapple: %u timebase-frequency record(s) of the guest's device "
			"tree rewritten from 24 MHz to the host's %llu Hz\n", n,
			(unsigned long long)st->timebase_hz);
}

int apple_hvc_handle(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct apple_hvc_state *st = vm->hvc;
	enum apple_hvc_result res;
	u64 x[5], target = 0;
	unsigned int i;
	u32 fid;
	int ret;

	/* Layer 1 answered it already and only tells us (vmapple_kvm.h). */
	if (kvm_run_hypercall_flags(vcpu->run) & VMAPPLE_KVM_HYPERCALL_ANSWERED) {
		if (st && vcpu->run->hypercall.nr == APPLE_HVC_PAC_SET_INITIAL_STATE)
			after_initial_state(vcpu, st);
		return 0;
	}
	vm->stats.hvc_forwarded++;
	for (i = 0; i < 5; i++) {
		ret = vcpu_get(vcpu, vcpu_reg_x(i), &x[i]);
		if (ret)
			return ret;
	}
	fid = (u32)x[0];
	if (!st || vcpu->index >= APPLE_HVC_MAX_VCPUS) {
		x[0] = APPLE_HVC_RET_NOT_SUPPORTED;
		res = APPLE_HVC_UNKNOWN;
	} else {
		res = apple_hvc_call(&st->cfg, &st->keys[vcpu->index], x, &target);
	}
	switch (res) {
	case APPLE_HVC_UNKNOWN:
		vm->stats.hvc_unknown++;
		break;
	case APPLE_HVC_KEYS_CHANGED:
		if (st->ptrauth) {
			ret = write_keys(vcpu, &st->keys[vcpu->index]);
			if (ret)
				return ret;
		}
		break;
	case APPLE_HVC_KICK:
		if (target < APPLE_HVC_MAX_VCPUS)
			st->kick_pending[target] = true;
		break;
	case APPLE_HVC_WAIT_FOR_KICK:
		/*
		 * Layer 0 cannot see the vGIC's pending interrupts, so it never
		 * sleeps here: WFK returns at once, a wakeup the guest allows.
		 */
		st->kick_pending[vcpu->index] = false;
		break;
	case APPLE_HVC_ANSWERED:
		break;
	}
	for (i = 0; i < 5; i++) {
		ret = vcpu_set(vcpu, vcpu_reg_x(i), x[i]);
		if (ret)
			return ret;
	}
	if (st && fid == APPLE_HVC_PAC_SET_INITIAL_STATE)
		after_initial_state(vcpu, st);
	return 0;
}
