// SPDX-License-Identifier: GPL-2.0
/* vcpu.c - vCPU creation, registers, and the exit dispatch loop. */
#include "vcpu.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "apple_hvc.h"
#include "arm64_kvm.h"
#include "nisv.h"
#include "vm.h"

#define CORE_REG(field) (KVM_REG_ARM64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(field))

const uint64_t vcpu_reg_pc = CORE_REG(regs.pc) | KVM_REG_SIZE_U64;
const uint64_t vcpu_reg_pstate = CORE_REG(regs.pstate) | KVM_REG_SIZE_U64;
const uint64_t vcpu_reg_sp_el0 = CORE_REG(regs.sp) | KVM_REG_SIZE_U64;
const uint64_t vcpu_reg_sp_el1 = CORE_REG(sp_el1) | KVM_REG_SIZE_U64;

uint64_t vcpu_reg_x(unsigned int n)
{
	return (CORE_REG(regs.regs[0]) + n * (sizeof(uint64_t) / sizeof(uint32_t))) |
	       KVM_REG_SIZE_U64;
}

uint64_t vcpu_reg_v(unsigned int n)
{
	return (CORE_REG(fp_regs.vregs[0]) + n * (sizeof(__uint128_t) / sizeof(uint32_t))) |
	       KVM_REG_SIZE_U128;
}

int vcpu_get(struct vcpu *vcpu, uint64_t id, u64 *value)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)value };

	return ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg) ? -errno : 0;
}

int vcpu_set(struct vcpu *vcpu, uint64_t id, u64 value)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)&value };

	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg) ? -errno : 0;
}

int vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int index)
{
	struct kvm_vcpu_init init;

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->vm = vm;
	vcpu->index = index;
	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, index);
	if (vcpu->fd < 0)
		goto fail;
	if (ioctl(vm->fd, KVM_ARM_PREFERRED_TARGET, &init))
		goto fail;
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (index && !vm->spin_table)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	if (vm->pmu)
		init.features[0] |= 1u << KVM_ARM_VCPU_PMU_V3;
	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PTRAUTH_ADDRESS) > 0 &&
	    ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PTRAUTH_GENERIC) > 0)
		init.features[0] |= 1u << KVM_ARM_VCPU_PTRAUTH_ADDRESS |
				    1u << KVM_ARM_VCPU_PTRAUTH_GENERIC;
	if (ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init))
		goto fail;
	vcpu->run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	vcpu->run = mmap(NULL, (size_t)vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		vcpu->run = NULL;
		goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "vmapple: cannot create vCPU %u: %s\n", index, strerror(errno));
	vcpu_close(vcpu);
	return -1;
}

void vcpu_close(struct vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, (size_t)vcpu->run_size);
	if (vcpu->fd > 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}

static int vcpu_attr(struct vcpu *vcpu, uint32_t group, uint64_t attr, int *value)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)value,
	};

	return ioctl(vcpu->fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

int vcpu_set_ppis(struct vcpu *vcpu, int vtimer, int ptimer, int pmu)
{
	int ret = vcpu_attr(vcpu, KVM_ARM_VCPU_TIMER_CTRL, KVM_ARM_VCPU_TIMER_IRQ_VTIMER, &vtimer);

	if (!ret)
		ret = vcpu_attr(vcpu, KVM_ARM_VCPU_TIMER_CTRL, KVM_ARM_VCPU_TIMER_IRQ_PTIMER,
				&ptimer);
	if (!ret && vcpu->vm->pmu)
		ret = vcpu_attr(vcpu, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_IRQ, &pmu);
	return ret;
}

int vcpu_init_pmu(struct vcpu *vcpu)
{
	return vcpu->vm->pmu ? vcpu_attr(vcpu, KVM_ARM_VCPU_PMU_V3_CTRL,
					 KVM_ARM_VCPU_PMU_V3_INIT, NULL) : 0;
}

int vcpu_inject_sea(struct vcpu *vcpu)
{
	struct kvm_vcpu_events events;

	memset(&events, 0, sizeof(events));
	events.exception.ext_dabt_pending = 1;
	return ioctl(vcpu->fd, KVM_SET_VCPU_EVENTS, &events) ? -errno : 0;
}

static int handle_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint8_t *ram;
	int ret;

	vcpu->vm->stats.mmio_exits++;
	ram = vm_ram(vcpu->vm, run->mmio.phys_addr, run->mmio.len);
	if (ram) {
		/*
		 * KVM (or the module) should never send RAM here: count it so
		 * the tests see it, and complete it on RAM, where it belongs.
		 */
		if (!vcpu->vm->stats.mmio_to_ram++)
			fprintf(stderr, "vmapple: vCPU %u: an MMIO exit named RAM at 0x%llx "
				"(completed on RAM)\n", vcpu->index,
				(unsigned long long)run->mmio.phys_addr);
		if (run->mmio.is_write)
			memcpy(ram, run->mmio.data, run->mmio.len);
		else
			memcpy(run->mmio.data, ram, run->mmio.len);
		return 0;
	}
	ret = mmio_bus_access(&vcpu->vm->bus, run->mmio.phys_addr, run->mmio.data, run->mmio.len,
			      run->mmio.is_write);
	if (ret) {
		fprintf(stderr, "vmapple: vCPU %u: %s of %u bytes at 0x%llx: no device (%s); "
			"the guest gets an external abort\n", vcpu->index,
			run->mmio.is_write ? "write" : "read", run->mmio.len,
			(unsigned long long)run->mmio.phys_addr, strerror(-ret));
		return vcpu_inject_sea(vcpu);
	}
	return 0;
}

/* VMAPPLE_TRACE_EXITS=N prints the first N exits (reason, PC) to stderr. */
static void trace_exit(struct vcpu *vcpu, long *budget)
{
	u64 pc = 0;

	if (*budget <= 0)
		return;
	(*budget)--;
	vcpu_get(vcpu, vcpu_reg_pc, &pc);
	fprintf(stderr, "vmapple: vCPU %u exit %u pc 0x%llx\n", vcpu->index,
		vcpu->run->exit_reason, (unsigned long long)pc);
}

/* QMP's stop: wait here, counted, until cont (or a stop of the run). */
static void wait_while_paused(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	pthread_mutex_lock(&vm->pause_lock);
	vm->vcpus_paused++;
	pthread_cond_broadcast(&vm->pause_cond);
	while (__atomic_load_n(&vm->pause_requested, __ATOMIC_SEQ_CST) &&
	       !__atomic_load_n(&vm->stop_requested, __ATOMIC_SEQ_CST))
		pthread_cond_wait(&vm->pause_cond, &vm->pause_lock);
	vm->vcpus_paused--;
	/* The kick that brought us out of KVM_RUN must not end the next entry. */
	if (!__atomic_load_n(&vm->stop_requested, __ATOMIC_SEQ_CST))
		__atomic_store_n(&vcpu->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&vm->pause_lock);
}

enum vcpu_stop vcpu_run_loop(struct vcpu *vcpu)
{
	const char *trace = getenv("VMAPPLE_TRACE_EXITS");
	long budget = trace ? strtol(trace, NULL, 0) : 0;

	for (;;) {
		struct kvm_run *run = vcpu->run;
		int ret;

		/* Checked before every entry: a restart stops the vCPUs with EINTR. */
		if (__atomic_load_n(&vcpu->vm->pause_requested, __ATOMIC_SEQ_CST))
			wait_while_paused(vcpu);
		if (__atomic_load_n(&vcpu->vm->stop_requested, __ATOMIC_SEQ_CST))
			return VCPU_STOP_REQUESTED;
		if (ioctl(vcpu->fd, KVM_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fprintf(stderr, "vmapple: vCPU %u: KVM_RUN: %s\n", vcpu->index,
				strerror(errno));
			return VCPU_STOP_ERROR;
		}
		trace_exit(vcpu, &budget);
		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			ret = handle_mmio(vcpu);
			break;
		case KVM_EXIT_ARM_NISV:
			ret = nisv_handle(vcpu);
			break;
		case KVM_EXIT_HYPERCALL:
			ret = apple_hvc_handle(vcpu);
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN)
				return VCPU_STOP_SHUTDOWN;
			if (run->system_event.type == KVM_SYSTEM_EVENT_RESET)
				return VCPU_STOP_RESET;
			fprintf(stderr, "vmapple: vCPU %u: system event %u\n", vcpu->index,
				run->system_event.type);
			return VCPU_STOP_ERROR;
		default:
			fprintf(stderr, "vmapple: vCPU %u: unhandled exit reason %u\n", vcpu->index,
				run->exit_reason);
			return VCPU_STOP_ERROR;
		}
		if (ret) {
			fprintf(stderr, "vmapple: vCPU %u: exit %u could not be completed: %s\n",
				vcpu->index, run->exit_reason, strerror(-ret));
			return VCPU_STOP_ERROR;
		}
	}
}
