/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nisv.h - Layer 0: complete an ISV=0 data abort (KVM_EXIT_ARM_NISV) in
 * userspace with the shared emulator, or make the guest take an external
 * abort when the instruction cannot be emulated.
 */
#ifndef VMAPPLE_NISV_H
#define VMAPPLE_NISV_H

struct vcpu;

/* 0 when the guest may run on (emulated, or abort injected); else -errno. */
int nisv_handle(struct vcpu *vcpu);

#endif
