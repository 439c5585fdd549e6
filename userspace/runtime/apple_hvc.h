/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apple_hvc.h - Layer 0 Apple hypercalls: the SMCCC filter forwards their
 * function IDs to userspace, where the shared apple_hvc_call() answers
 * them and the PAC keys go into the vCPU's architected key registers.
 */
#ifndef VMAPPLE_APPLE_HVC_H
#define VMAPPLE_APPLE_HVC_H

#include <stdbool.h>

#include "../../common/apple_hvc.h"

#define APPLE_HVC_MAX_VCPUS 32

struct apple_hvc_state {
	struct apple_hvc_config cfg;
	struct apple_pac_keys keys[APPLE_HVC_MAX_VCPUS];
	bool kick_pending[APPLE_HVC_MAX_VCPUS];
	bool ptrauth;		/* the vCPUs have architected PAC keys */
	/* Where iBoot's device tree may lie: its timebase records are fixed there. */
	u64 dt_base, dt_size;
	u64 timebase_hz;	/* the host counter's rate; 0 or 24 MHz: nothing to fix */
	unsigned int timebase_rewritten;	/* records, over this boot */
};

struct vcpu;
struct vm;

/* Forward the Apple ranges to userspace (before any vCPU runs). */
int apple_hvc_install(struct vm *vm, struct apple_hvc_state *state);

/* KVM_EXIT_HYPERCALL: 0, or -errno when the vCPU's registers fail. */
int apple_hvc_handle(struct vcpu *vcpu);

#endif
