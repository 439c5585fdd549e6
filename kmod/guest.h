/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest.h - a vCPU's registers and its VM's memory, as the shared emulator
 * (common/a64_emulate.h) reads and writes them from inside KVM's exit path.
 */
#ifndef VMAPPLE_KVM_GUEST_H
#define VMAPPLE_KVM_GUEST_H

#include <linux/types.h>

#include "../common/a64_emulate.h"

struct kvm;
struct kvm_vcpu;

/* The a64_emu_ops context. */
struct vmk_guest {
	struct kvm_vcpu *vcpu;
	bool used_sp;		/* the instruction named SP: not emulated here */
	bool fp_in_memory;	/* the guest's V registers are in its vcpu struct */
};

extern const struct a64_emu_ops vmk_guest_ops;

/* The guest's EL1&0 translation registers, wherever they live now. */
void vmk_guest_mmu(struct kvm_vcpu *vcpu, struct s1_regs *mmu);

/*
 * The VMM's address of @len bytes of guest RAM at @ipa, or NULL when that is
 * not (writable, if @write) RAM.  Caller holds kvm->srcu.
 */
void __user *vmk_guest_ram(struct kvm *kvm, u64 ipa, unsigned int len, bool write);

#endif /* VMAPPLE_KVM_GUEST_H */
