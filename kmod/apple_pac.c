// SPDX-License-Identifier: GPL-2.0
/*
 * Apple's own PAC state for attached VMs: the Apple-native backend.
 *
 * On Apple CPUs XNU keeps two things outside the architected key
 * registers: APCTL (which keys are on) and KERNKEY (the EL0 diversifier).
 * Under Hypervisor.framework a guest's copies live in EL12 aliases of
 * Apple's implementation-defined registers, with a per-hypervisor VM key
 * and APSTS selecting the virtualised state.  Stock KVM knows none of
 * them, so this backend switches them itself: after kvm_arch_vcpu_load()
 * it writes the VM key, APSTS = 1 and the vCPU's APCTL and KERNKEY, and
 * before kvm_arch_vcpu_put() it reads the guest's APCTL and KERNKEY back
 * and clears them, which is what every other guest sees under the Asahi
 * patch (their context holds zeros).  On a VHE host those are the points
 * where KVM switches a guest's EL1 state (shared/specs/
 * peer-asahi-kvm-macos.md §1b, whose kernel patch switches the same
 * registers there and, like this, leaves the VM key and APSTS set).
 *
 * Unverified: no Apple CPU runs here.  A wrong access to an IMPDEF
 * register would fault the host (inside vCPU load/put, where that hangs
 * it), so the backend is off unless asked for (apple_pac=native) and then
 * runs only where the Asahi patch did: an Apple MIDR, the host kernel at
 * EL2 (VHE), an Apple platform device tree, and the kernel's Apple ACTLR
 * virtualisation capability (Asahi kernels define it; mainline does not,
 * so there the backend stays off).
 * apple_pac=selftest runs the same switching on any CPU with the
 * registers simulated per CPU, which is how the rig tests the plumbing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/cpu.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/cputype.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#include <uapi/linux/vmapple_kvm.h>

#include "hooks.h"
#include "trace.h"
#include "vmapple_kvm.h"

static char *apple_pac = "off";
module_param(apple_pac, charp, 0444);
MODULE_PARM_DESC(apple_pac, "Apple's PAC registers for attached VMs: off (modelled state), native (Apple CPUs with VHE; unverified), selftest (simulated)");

/* Apple's registers (encodings from the Asahi KVM patch, see above). */
#define SYS_APL_KERNKEYLO_EL12	sys_reg(3, 6, 15, 2, 3)
#define SYS_APL_KERNKEYHI_EL12	sys_reg(3, 6, 15, 2, 4)
#define SYS_APL_APVMKEYLO_EL2	sys_reg(3, 6, 15, 14, 4)
#define SYS_APL_APVMKEYHI_EL2	sys_reg(3, 6, 15, 14, 5)
#define SYS_APL_APSTS_EL12	sys_reg(3, 6, 15, 14, 7)
#define SYS_APL_APCTL_EL12	sys_reg(3, 6, 15, 15, 0)

/* The VM key m1n1 and the Asahi patch program: "NvrGonaGiveYouUp". */
#define APL_VMKEY_LO		0x4e7672476f6e6147ULL
#define APL_VMKEY_HI		0x697665596f755570ULL
#define APL_APSTS_VIRTUAL	1

/* The guest state one CPU holds for the vCPU loaded on it. */
struct vmk_apl_regs {
	u64 apctl;
	u64 kernkey[2];
};

static const struct apple_pac_keys vmk_apl_cleared;

/* apple_pac=selftest: the registers, simulated per CPU. */
static DEFINE_PER_CPU(struct vmk_apl_regs, vmk_apl_sim);

/*
 * This CPU's registers hold an attached guest's state.  Whoever runs next
 * on it, attached or not, or any put, clears them first: no guest sees
 * another's, even one whose record was gone by its put (a detach while
 * loaded).
 */
static DEFINE_PER_CPU(bool, vmk_apl_dirty);

static u32 vmk_pac_backend = VMAPPLE_KVM_PAC_MODELLED;
static int vmk_pac_error;	/* 0 and modelled: not asked for */
static u32 vmk_pac_wanted = VMAPPLE_KVM_PAC_MODELLED;
static bool vmk_pac_active;

static void vmk_apl_write(const struct apple_pac_keys *k)
{
	if (vmk_pac_backend == VMAPPLE_KVM_PAC_SELFTEST) {
		struct vmk_apl_regs *r = this_cpu_ptr(&vmk_apl_sim);

		r->apctl = k->apctl;
		r->kernkey[0] = k->kernkey[0];
		r->kernkey[1] = k->kernkey[1];
		return;
	}
	write_sysreg_s(APL_VMKEY_LO, SYS_APL_APVMKEYLO_EL2);
	write_sysreg_s(APL_VMKEY_HI, SYS_APL_APVMKEYHI_EL2);
	write_sysreg_s(APL_APSTS_VIRTUAL, SYS_APL_APSTS_EL12);
	write_sysreg_s(k->apctl, SYS_APL_APCTL_EL12);
	write_sysreg_s(k->kernkey[0], SYS_APL_KERNKEYLO_EL12);
	write_sysreg_s(k->kernkey[1], SYS_APL_KERNKEYHI_EL12);
	isb();
}

static void vmk_apl_read(struct apple_pac_keys *k)
{
	if (vmk_pac_backend == VMAPPLE_KVM_PAC_SELFTEST) {
		const struct vmk_apl_regs *r = this_cpu_ptr(&vmk_apl_sim);

		k->apctl = r->apctl;
		k->kernkey[0] = r->kernkey[0];
		k->kernkey[1] = r->kernkey[1];
		return;
	}
	k->apctl = read_sysreg_s(SYS_APL_APCTL_EL12);
	k->kernkey[0] = read_sysreg_s(SYS_APL_KERNKEYLO_EL12);
	k->kernkey[1] = read_sysreg_s(SYS_APL_KERNKEYHI_EL12);
}

/* The capability the Asahi patch gates these registers on (§1b). */
static bool vmk_apl_actlr_virt(void)
{
	bool have = false;

#ifdef ARM64_HAS_ACTLR_VIRT_APPLE
	have |= cpus_have_cap(ARM64_HAS_ACTLR_VIRT_APPLE);
#endif
#ifdef ARM64_HAS_ACTLR_VIRT
	have |= cpus_have_cap(ARM64_HAS_ACTLR_VIRT);
#endif
	return have;
}

/* Which backend apple_pac asks for, and whether this machine can run it. */
void vmk_apple_pac_init(void)
{
	u32 implementer = read_cpuid_implementor();

	if (!strcmp(apple_pac, "off"))
		return;		/* -EPERM: not asked for */
	if (!strcmp(apple_pac, "selftest")) {
		vmk_pac_wanted = VMAPPLE_KVM_PAC_SELFTEST;
		vmk_pac_error = -ENOENT;	/* until both hooks are live */
		return;
	}
	if (strcmp(apple_pac, "native")) {
		pr_warn("apple_pac=%s: use off, native or selftest; PAC state stays modelled\n",
			apple_pac);
		vmk_pac_error = -EINVAL;
		return;
	}
	if (implementer != ARM_CPU_IMP_APPLE) {
		pr_warn("apple_pac=native: not an Apple CPU (MIDR implementer 0x%02x); PAC state stays modelled\n",
			implementer);
		vmk_pac_error = -ENODEV;
		return;
	}
	if (!is_kernel_in_hyp_mode()) {
		pr_warn("apple_pac=native: the host kernel is not running at EL2 (VHE); PAC state stays modelled\n");
		vmk_pac_error = -EOPNOTSUPP;
		return;
	}
	/* Not a VM on a Mac (HVF nested, m1n1's hypervisor): Asahi's own tree. */
	if (!of_machine_is_compatible("apple,arm-platform") || !vmk_apl_actlr_virt()) {
		pr_warn("apple_pac=native: no Apple platform with the kernel's ACTLR virtualisation (an Asahi kernel has it); PAC state stays modelled\n");
		vmk_pac_error = -ENXIO;
		return;
	}
	vmk_pac_wanted = VMAPPLE_KVM_PAC_APPLE_NATIVE;
	vmk_pac_error = -ENOENT;	/* until both hooks are live */
}

/* Install the vCPU load/put hooks at all?  Only for a backend that can run. */
bool vmk_apple_pac_wanted(void)
{
	return vmk_pac_wanted != VMAPPLE_KVM_PAC_MODELLED;
}

/* The hooks are in (or not): the backend starts. */
void vmk_apple_pac_hooks_live(bool live)
{
	if (!vmk_apple_pac_wanted())
		return;
	if (!live) {
		pr_warn("apple_pac=%s: the vCPU load/put hooks are not live; PAC state stays modelled\n",
			apple_pac);
		return;
	}
	vmk_pac_backend = vmk_pac_wanted;
	vmk_pac_error = 0;
	/* Pairs with the hooks' acquires: the backend before the flag. */
	smp_store_release(&vmk_pac_active, true);
	pr_info("Apple PAC registers switched at vCPU load/put (%s)\n",
		vmk_pac_backend == VMAPPLE_KVM_PAC_SELFTEST ? "selftest: simulated" :
							     "native, unverified");
}

void vmk_apple_pac_info(struct vmapple_kvm_info *info)
{
	info->pac_backend = READ_ONCE(vmk_pac_active) ? vmk_pac_backend :
							 VMAPPLE_KVM_PAC_MODELLED;
	info->pac_error = vmk_pac_error;
}

/*
 * Around an Apple hypercall: with the backend on, the vCPU is loaded on
 * this CPU (KVM handles its exits between load and put), so pin it there
 * (preemption off: no put in between), start from what its registers hold,
 * and write what the call changed.
 */
bool vmk_apple_pac_pin(struct vmk_vcpu *vs)
{
	/* Pairs with vmk_apple_pac_hooks_live(): a set flag means a chosen backend. */
	if (!smp_load_acquire(&vmk_pac_active))
		return false;
	preempt_disable();
	if (vs->pac_switched_in) {
		vmk_apl_read(&vs->pac);
	} else {
		/* Configured while loaded: its state goes in now, not at the next load. */
		vmk_apl_write(&vs->pac);
		vs->pac_switched_in = true;
		__this_cpu_write(vmk_apl_dirty, true);
	}
	return true;
}

void vmk_apple_pac_set(struct vmk_vcpu *vs, const struct apple_pac_keys *keys, bool pinned)
{
	bool changed = keys->apctl != vs->pac.apctl || keys->kernkey[0] != vs->pac.kernkey[0] ||
		       keys->kernkey[1] != vs->pac.kernkey[1];

	vs->pac = *keys;
	if (pinned && changed)
		vmk_apl_write(keys);	/* pinned: switched in, on this CPU */
}

void vmk_apple_pac_unpin(bool pinned)
{
	if (pinned)
		preempt_enable();
}

/* Clear what an attached guest left in this CPU's registers. */
static void vmk_apl_clear_cpu(void)
{
	if (!__this_cpu_read(vmk_apl_dirty))
		return;
	vmk_apl_write(&vmk_apl_cleared);
	__this_cpu_write(vmk_apl_dirty, false);
}

static void vmk_apl_clear_this_cpu(void *unused)
{
	vmk_apl_clear_cpu();
}

/*
 * Unload, after the hooks are out: no load or put clears a CPU any more,
 * so every CPU an attached guest left dirty is cleared now.
 */
void vmk_apple_pac_stop(void)
{
	if (!READ_ONCE(vmk_pac_active))
		return;
	WRITE_ONCE(vmk_pac_active, false);
	/* Online CPUs: an offline one is skipped (that power-down clears them is unverified). */
	cpus_read_lock();
	on_each_cpu(vmk_apl_clear_this_cpu, NULL, 1);
	cpus_read_unlock();
}

/*
 * At load (@load) or put, with preemption off and perhaps under the
 * scheduler's locks (the preempt notifiers): switch @vcpu's Apple state
 * if its VM is attached.  No reference is taken: the record is used only
 * inside this RCU read section, which detach waits for.  A put reads back
 * only what a load (or a pinned hypercall) put in, so a VM attached or
 * configured while one of its vCPUs is loaded never adopts another
 * guest's registers; and any other vCPU finds them cleared.
 */
static void vmk_apple_pac_switch(struct kvm_vcpu *vcpu, bool load)
{
	struct vmk_vcpu *vs = NULL;
	struct vmk_vm *vm;

	/* Pairs with vmk_apple_pac_hooks_live(): a set flag means a chosen backend. */
	if (!smp_load_acquire(&vmk_pac_active))
		return;
	rcu_read_lock();
	vm = vmk_vm_lookup_rcu(vcpu->kvm);
	/* Pairs with the SET_APPLE_HVC setter: only then is the state ours. */
	if (vm && smp_load_acquire(&vm->hvc_ready))
		vs = vmk_vcpu_state(vm, vcpu);
	if (load && vs) {
		vmk_apl_write(&vs->pac);
		vs->pac_switched_in = true;
		__this_cpu_write(vmk_apl_dirty, true);
	} else if (load) {
		vmk_apl_clear_cpu();
	} else if (vs && vs->pac_switched_in) {
		vmk_apl_read(&vs->pac);
		vs->pac_switched_in = false;
	}
	if (!load)
		vmk_apl_clear_cpu();
	if (vs) {
		vmk_count(vs, load ? VMAPPLE_KVM_STAT_PAC_LOADS : VMAPPLE_KVM_STAT_PAC_PUTS);
		trace_vmapple_kvm_apple_pac_switch(vcpu->vcpu_id, load, vs->pac.apctl,
						   vs->pac.kernkey[0]);
	}
	rcu_read_unlock();
}

/*
 * The redirect's test for vCPU load and put (preemption off, on the CPU
 * the vCPU is loaded on): with the backend running, an attached VM's
 * vCPU, or any vCPU on a CPU that still holds an attached guest's state.
 */
bool vmk_apple_pac_claims(struct kvm_vcpu *vcpu)
{
	/* Pairs with vmk_apple_pac_hooks_live(): a set flag means a chosen backend. */
	if (!smp_load_acquire(&vmk_pac_active))
		return false;
	return __this_cpu_read(vmk_apl_dirty) || vmk_vm_attached(vcpu->kvm);
}

/* Atomic hooks (hook_table.c): no module reference to drop. */
void vmk_vcpu_load_hook(struct kvm_vcpu *vcpu, int cpu)
{
	vmk_original(VMK_HOOK_VCPU_LOAD, kvm_arch_vcpu_load)(vcpu, cpu);
	vmk_apple_pac_switch(vcpu, true);
}

void vmk_vcpu_put_hook(struct kvm_vcpu *vcpu)
{
	vmk_apple_pac_switch(vcpu, false);
	vmk_original(VMK_HOOK_VCPU_PUT, kvm_arch_vcpu_put)(vcpu);
}

static_assert(__same_type(&kvm_arch_vcpu_load, &vmk_vcpu_load_hook));
static_assert(__same_type(&kvm_arch_vcpu_put, &vmk_vcpu_put_hook));
