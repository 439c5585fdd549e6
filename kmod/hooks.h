/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hooks.h - the KVM functions vmapple_kvm takes over (see hooks.c).
 */
#ifndef VMAPPLE_KVM_HOOKS_H
#define VMAPPLE_KVM_HOOKS_H

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/types.h>

struct kvm_vcpu;

enum vmk_hook_id {
	VMK_HOOK_IO_MEM_ABORT,
	VMK_HOOK_MMIO_RETURN,
	VMK_HOOK_SMCCC_CALL,
	VMK_HOOK_VCPU_LOAD,	/* the Apple-native PAC backend's, only when wanted */
	VMK_HOOK_VCPU_PUT,
	VMK_HOOK_SYS_REG,	/* the t8103 AIC's, optional */
	VMK_HOOK_TIMER_LEVEL,
	VMK_NR_HOOKS,
};

struct vmk_hook {
	const char *name;	/* the kernel function */
	void *replacement;	/* same signature, in this module */
	u64 live_bit;		/* VMAPPLE_KVM_HOOK_* */
	/*
	 * Is this call (by its vCPU, the first argument of every hooked
	 * function) one the replacement handles?  Called by the redirect with
	 * preemption off: no sleeping, no references kept.
	 */
	bool (*claims)(struct kvm_vcpu *vcpu);
	/*
	 * The replacement runs with preemption off and never sleeps (vCPU
	 * load/put): no module reference per call, the RCU wait at removal
	 * covers it, and it does not call vmk_hook_done().
	 */
	bool atomic;
	/* Optional hooks: installed only when this says so; their failure fails only them. */
	bool (*wanted)(void);
	unsigned long addr;	/* the original, resolved at load */
	bool live;
#ifdef CONFIG_DYNAMIC_FTRACE_WITH_ARGS
	struct ftrace_ops fops;
#endif
#ifdef CONFIG_KPROBES
	struct kprobe kp;
#endif
};

extern struct vmk_hook vmk_hooks[VMK_NR_HOOKS];

/* Call the original of hook @id, typed as the kernel declares @fn. */
#define vmk_original(id, fn)	((typeof(fn) *)vmk_hooks[id].addr)

#endif /* VMAPPLE_KVM_HOOKS_H */
