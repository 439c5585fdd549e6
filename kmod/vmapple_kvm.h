/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmapple_kvm internals shared between the module's files.
 */
#ifndef VMAPPLE_KVM_INTERNAL_H
#define VMAPPLE_KVM_INTERNAL_H

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/uidgid.h>

#include <kvm/iodev.h>

#include <uapi/linux/vmapple_kvm.h>

#include <linux/hrtimer.h>

#include "../common/a64_emulate.h"
#include "../common/apple_aic.h"
#include "../common/apple_hvc.h"
#include "../common/vmk_abi.h"

struct file;
struct kvm;
struct kvm_vcpu;

/*
 * An ISV=0 access in progress on one vCPU: planned at the abort, performed
 * piece by piece (some pieces through KVM_EXIT_MMIO round trips), then
 * committed to the registers.
 */
struct vmk_mmio_op {
	struct a64_emu_info plan;
	u64 pc;			/* of the faulting instruction */
	unsigned int done;	/* bytes of plan.data already performed */
	unsigned int user_len;	/* bytes of the KVM_EXIT_MMIO in flight */
	unsigned int user_exits;
	bool active;
};

/* Why an ISV=0 access was left to KVM (and so to the launcher's Layer 0). */
enum vmk_fallback {
	VMK_FALLBACK_FETCH,		/* the PC does not translate to RAM */
	VMK_FALLBACK_DECODE,		/* not a load/store the decoder emulates */
	VMK_FALLBACK_TRANSLATE,		/* a data address does not translate */
	VMK_FALLBACK_SP_BASE,		/* SP as the base register */
	VMK_FALLBACK_FP_STATE,		/* SIMD with SVE state in the vCPU */
	VMK_FALLBACK_GUEST_MODE,	/* AArch32 or nested virtualisation */
	VMK_FALLBACK_RAM_WRITE,		/* part of a store lands in RAM */
	VMK_FALLBACK_RAM_READ,		/* the VMM's mapping of RAM failed */
};

/* Per-vCPU state; only that vCPU's thread (holding vcpu->mutex) writes it. */
struct vmk_vcpu {
	struct vmk_mmio_op op;
	struct apple_pac_keys pac;	/* as the Apple hypercalls set them */
	/*
	 * VCPU_WFK / VCPU_KICK: @kicked and @wfk_waiting change under
	 * @wfk_lock, taken by this vCPU's thread and by any kicking vCPU.
	 */
	spinlock_t wfk_lock;
	bool wfk_waiting;		/* asleep in WFK: a kick must wake it */
	bool kicked;			/* a kick not yet consumed by a WFK */
	bool used;
	/* Apple PAC backend: this vCPU's Apple registers are in the CPU (load to put). */
	bool pac_switched_in;
	u64 stats[VMAPPLE_KVM_NR_STATS];
};

/* Counters are read by GET_VM_STATS while the vCPU's thread bumps them. */
static inline void vmk_count(struct vmk_vcpu *vs, enum vmapple_kvm_stat stat)
{
	WRITE_ONCE(vs->stats[stat], vs->stats[stat] + 1);
}

/* The VM's GICv2m frame on KVM's MMIO bus (gicv2m.c). */
struct vmk_gicv2m {
	struct kvm_io_device dev;
	struct vmk_vm *vm;
	u64 base;
	u32 first_intid;
	u32 nr_spis;
	bool registered;		/* under the session's lock */
};

/* One AIC CPU's state beyond the model: its fast IPIs and Apple registers. */
struct vmk_aic_vcpu {
	struct vmk_aic *aic;
	unsigned long fipi;		/* VMK_FIPI_PENDING, set from any vCPU */
	spinlock_t deferred_lock;	/* @deferred_armed and @deferred together */
	bool deferred_armed;		/* a deferred IPI waits on @deferred */
	struct hrtimer deferred;	/* its countdown */
	bool irq_line;			/* the model's IRQ line, under the AIC's lock */
	u64 ipi_cr;			/* IPI_CR_EL1: the countdown it sends with */
	u64 pmcr0, upmcr0;		/* kept as written */
	bool timer_fiq;			/* its timers had the FIQ up (for the counter) */
};

/* The VM's AIC (aic.c): common/apple_aic.c's model on KVM's MMIO bus. */
struct vmk_aic {
	struct kvm_io_device dev;
	struct vmk_vm *vm;
	struct kvm *kvm;
	u64 base;
	spinlock_t lock;		/* @model, and applying its IRQ lines */
	struct apple_aic model;
	struct vmk_aic_vcpu cpus[AIC_MAX_CPUS];
};

/*
 * One attached VM.  The registry and each exit hook running for it hold a
 * reference; the last one frees it.
 */
struct vmk_vm {
	struct hlist_node node;		/* in the registry, keyed by @kvm */
	struct rcu_head rcu;
	refcount_t ref;
	struct kvm *kvm;
	struct file *vm_file;		/* our reference: keeps @kvm alive */
	struct pid *pid;		/* the attaching process, for GET_VM_STATS */
	kuid_t owner;			/* its effective uid: who may see the stats */
	u32 id;
	struct vmk_vcpu *vcpus;		/* KVM_MAX_VCPUS entries, by vcpu_idx */
	struct vmk_gicv2m gicv2m;
	struct vmk_aic *aic;		/* published once, freed with the VM */
	struct apple_hvc_config hvc_cfg;	/* valid once @hvc_ready */
	bool hvc_ready;			/* set once, with release semantics */
	bool hvc_notify_boot_state;	/* VMAPPLE_KVM_APPLE_HVC_F_NOTIFY_BOOT_STATE */
};

/* One open of /dev/vmapple_kvm. */
struct vmk_session {
	struct mutex lock;		/* serialises attach against itself */
	struct vmk_vm *vm;		/* NULL until attached */
};

/* vm_registry.c: every attached VM, whatever session attached it. */
int vmk_registry_add(struct vmk_vm *vm);
void vmk_registry_del(struct vmk_vm *vm);
unsigned int vmk_registry_count(void);
struct vmk_vm *vmk_vm_get(const struct kvm *kvm);
void vmk_vm_put(struct vmk_vm *vm);
struct vmk_vm *vmk_vm_lookup_rcu(const struct kvm *kvm);
bool vmk_vm_attached(const struct kvm *kvm);
struct vmk_vcpu *vmk_vcpu_state(struct vmk_vm *vm, const struct kvm_vcpu *vcpu);
long vmk_registry_stats(struct file *file, struct vmapple_kvm_stats_request __user *ureq);

/* attach.c: validate a VM fd and attach it to a session. */
int vmk_session_attach(struct vmk_session *s,
		       const struct vmapple_kvm_attach __user *uarg);
void vmk_session_detach(struct vmk_session *s);
u64 vmk_vm_records(void);
void vmk_vm_free(struct vmk_vm *vm);

/* ksyms.c: kernel symbols a module cannot link against. */
int vmk_ksyms_init(void);
void *vmk_ksym(const char *name);

/* hooks.c: take over KVM functions for attached VMs. */
int vmk_hooks_init(const char *mechanism);
void vmk_hooks_exit(void);
void vmk_hooks_info(struct vmapple_kvm_info *info);
/* A replacement's last call: drops the reference its redirect took. */
void vmk_hook_done(void);

/* mmio.c: ISV=0 load/store emulation, the replacements of two KVM functions. */
int vmk_io_mem_abort_hook(struct kvm_vcpu *vcpu, phys_addr_t fault_ipa);
int vmk_handle_mmio_return_hook(struct kvm_vcpu *vcpu);
bool vmk_mmio_abort_claims(struct kvm_vcpu *vcpu);
bool vmk_mmio_return_claims(struct kvm_vcpu *vcpu);
int vmk_mmio_resolve(void);

/* hvc.c: the Apple hypercalls, the replacement of kvm_smccc_call_handler(). */
int vmk_smccc_call_hook(struct kvm_vcpu *vcpu);
bool vmk_hvc_claims(struct kvm_vcpu *vcpu);
void vmk_hvc_resolve(void);
void vmk_hvc_wake_all(struct vmk_vm *vm);

/* gicv2m.c: the GICv2m MSI frame in the kernel. */
void vmk_gicv2m_resolve(void);
int vmk_session_set_gicv2m(struct vmk_session *s,
			   const struct vmapple_kvm_gicv2m __user *uarg);
void vmk_gicv2m_remove(struct vmk_vm *vm);
int vmk_session_set_apple_hvc(struct vmk_session *s,
			      const struct vmapple_kvm_apple_hvc __user *uarg);

/* aic.c: the t8103 board's AIC in the kernel. */
void vmk_aic_resolve(void);
bool vmk_aic_wanted(void);
bool vmk_aic_sysreg_claims(struct kvm_vcpu *vcpu);
bool vmk_aic_timer_claims(struct kvm_vcpu *vcpu);
int vmk_handle_sys_reg_hook(struct kvm_vcpu *vcpu);
bool vmk_timer_level_hook(struct kvm_vcpu *vcpu);
int vmk_session_set_aic(struct vmk_session *s, const struct vmapple_kvm_aic __user *uarg);
int vmk_session_aic_irq(struct vmk_session *s, const struct vmapple_kvm_aic_irq __user *uarg);
void vmk_aic_remove(struct vmk_vm *vm);
void vmk_aic_free(struct vmk_vm *vm);
u64 vmk_aic_records(void);

/* apple_pac.c: Apple's PAC registers at vCPU load/put (module parameter apple_pac). */
void vmk_apple_pac_init(void);
bool vmk_apple_pac_wanted(void);
void vmk_apple_pac_hooks_live(bool live);
void vmk_apple_pac_stop(void);
void vmk_apple_pac_info(struct vmapple_kvm_info *info);
bool vmk_apple_pac_pin(struct vmk_vcpu *vs);
void vmk_apple_pac_set(struct vmk_vcpu *vs, const struct apple_pac_keys *keys, bool pinned);
void vmk_apple_pac_unpin(bool pinned);
bool vmk_apple_pac_claims(struct kvm_vcpu *vcpu);
void vmk_vcpu_load_hook(struct kvm_vcpu *vcpu, int cpu);
void vmk_vcpu_put_hook(struct kvm_vcpu *vcpu);

#endif /* VMAPPLE_KVM_INTERNAL_H */
