/* SPDX-License-Identifier: GPL-2.0 */
/* vcpu.h - a vCPU: registers over KVM_GET/SET_ONE_REG, the run loop. */
#ifndef VMAPPLE_VCPU_H
#define VMAPPLE_VCPU_H

#include <signal.h>

#include <stdbool.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "../../common/vmk_types.h"

struct vm;

#define VCPU_KICK_SIGNAL	SIGUSR1	/* brings a vCPU thread out of KVM_RUN (EINTR) */

struct vcpu {
	struct vm *vm;
	int fd;
	unsigned int index;
	struct kvm_run *run;
	int run_size;
};

/* System registers the launcher reads (ARM64_SYS_REG encodings). */
#define VCPU_SCTLR_EL1		ARM64_SYS_REG(3, 0, 1, 0, 0)
#define VCPU_TTBR0_EL1		ARM64_SYS_REG(3, 0, 2, 0, 0)
#define VCPU_TTBR1_EL1		ARM64_SYS_REG(3, 0, 2, 0, 1)
#define VCPU_TCR_EL1		ARM64_SYS_REG(3, 0, 2, 0, 2)

int vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int index);
void vcpu_close(struct vcpu *vcpu);

int vcpu_get(struct vcpu *vcpu, uint64_t id, u64 *value);
int vcpu_set(struct vcpu *vcpu, uint64_t id, u64 value);
uint64_t vcpu_reg_x(unsigned int n);	/* ONE_REG id of Xn, n <= 30 */
uint64_t vcpu_reg_v(unsigned int n);	/* ONE_REG id of Vn (128-bit) */
extern const uint64_t vcpu_reg_pc, vcpu_reg_pstate, vcpu_reg_sp_el0, vcpu_reg_sp_el1;

/*
 * The timer and PMU interrupts (PPI INTIDs), before the first run; the PMU
 * only when the VM has one.  vcpu_init_pmu() after the vGIC is initialised.
 */
int vcpu_set_ppis(struct vcpu *vcpu, int vtimer, int ptimer, int pmu);
int vcpu_init_pmu(struct vcpu *vcpu);

/* Make the guest take a synchronous external abort at the current PC. */
int vcpu_inject_sea(struct vcpu *vcpu);

enum vcpu_stop {
	VCPU_STOP_SHUTDOWN,	/* PSCI SYSTEM_OFF */
	VCPU_STOP_RESET,	/* PSCI SYSTEM_RESET */
	VCPU_STOP_ERROR,	/* an exit we cannot handle; message printed */
	VCPU_STOP_REQUESTED,	/* a device set vm->stop_requested */
};

/* Run until the guest powers off or something fails. */
enum vcpu_stop vcpu_run_loop(struct vcpu *vcpu);

#endif
