// SPDX-License-Identifier: GPL-2.0
/*
 * The Apple hypercalls answered inside KVM, for attached VMs.
 *
 * XNU calls a PAC hypercall on every context switch; in Layer 0 each one
 * is a KVM_EXIT_HYPERCALL round trip through the launcher.  This replaces
 * kvm_smccc_call_handler(): once the launcher has set the VM's answers
 * (VMAPPLE_KVM_SET_APPLE_HVC), the calls are answered here by the same
 * code as in the launcher (common/apple_hvc.c), and changed PAC keys are
 * written to the vCPU's saved context, which KVM loads into the key
 * registers at the next guest entry (the architected backend).  WFK and
 * KICK, unknown IDs, and every call of a VM not attached or not
 * configured go to KVM's own handler, whose SMCCC filter forwards the
 * Apple ranges to the launcher.  Only Apple IDs of attached, configured
 * VMs are redirected here at all (vmk_hvc_claims()): PSCI's CPU_SUSPEND
 * and the like, which can sleep for as long as the guest likes, never run
 * in this module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>
#include <linux/uaccess.h>
#include <asm/kvm_emulate.h>
#include <asm/kvm_nested.h>
#include <kvm/arm_hypercalls.h>

#include "hooks.h"
#include "trace.h"
#include "vmapple_kvm.h"

/* KVM's WFI wait (not exported): resolved once; NULL leaves WFK to KVM. */
static typeof(kvm_vcpu_wfi) *vmk_vcpu_wfi;

void vmk_hvc_resolve(void)
{
	vmk_vcpu_wfi = vmk_ksym("kvm_vcpu_wfi");
	if (!vmk_vcpu_wfi)
		pr_warn("kvm_vcpu_wfi not found: VCPU_WFK stays with the launcher\n");
}

int vmk_session_set_apple_hvc(struct vmk_session *s,
			      const struct vmapple_kvm_apple_hvc __user *uarg)
{
	struct vmapple_kvm_apple_hvc req;
	struct vmk_vm *vm;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	ret = vmk_abi_check_apple_hvc(&req);
	if (ret)
		return ret;

	mutex_lock(&s->lock);
	vm = s->vm;
	if (!vm) {
		ret = -ENOTCONN;
	} else if (vm->hvc_ready) {
		ret = -EEXIST;	/* vCPUs may be reading it: set once */
	} else {
		vm->hvc_cfg.mabs_offset = req.mabs_offset;
		vm->hvc_notify_boot_state =
			req.flags & VMAPPLE_KVM_APPLE_HVC_F_NOTIFY_BOOT_STATE;
		memcpy(vm->hvc_cfg.boot_session_uuid, req.boot_session_uuid,
		       sizeof(vm->hvc_cfg.boot_session_uuid));
		/* Pairs with vmk_apple_hvc(): the answers before the flag. */
		smp_store_release(&vm->hvc_ready, true);
	}
	mutex_unlock(&s->lock);
	return ret;
}

/*
 * The guest's keys live in its saved context while KVM handles an exit:
 * the world switch saves them at every exit and loads them at every entry.
 */
static void vmk_write_pac_keys(struct kvm_vcpu *vcpu, const struct apple_pac_keys *k)
{
	struct kvm_cpu_context *ctxt = &vcpu->arch.ctxt;

	ctxt_sys_reg(ctxt, APIAKEYLO_EL1) = k->apia[0];
	ctxt_sys_reg(ctxt, APIAKEYHI_EL1) = k->apia[1];
	ctxt_sys_reg(ctxt, APIBKEYLO_EL1) = k->apib[0];
	ctxt_sys_reg(ctxt, APIBKEYHI_EL1) = k->apib[1];
	ctxt_sys_reg(ctxt, APDAKEYLO_EL1) = k->apda[0];
	ctxt_sys_reg(ctxt, APDAKEYHI_EL1) = k->apda[1];
	ctxt_sys_reg(ctxt, APDBKEYLO_EL1) = k->apdb[0];
	ctxt_sys_reg(ctxt, APDBKEYHI_EL1) = k->apdb[1];
	ctxt_sys_reg(ctxt, APGAKEYLO_EL1) = k->apga[0];
	ctxt_sys_reg(ctxt, APGAKEYHI_EL1) = k->apga[1];
}

static bool vmk_is_apple_range(u32 fid)
{
	static const struct { u32 base, count; } ranges[] = APPLE_HVC_RANGES;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ranges); i++)
		if (fid - ranges[i].base < ranges[i].count)
			return true;
	return false;
}

/*
 * Sleep until kicked.  KVM_REQ_UNBLOCK ends KVM's wait; it is only ever
 * made while @wfk_waiting is set, and cleared under the lock as the wait
 * ends, so none is left behind (a pending request would keep the vCPU
 * out of the guest).
 */
static void vmk_wfk(struct kvm_vcpu *vcpu, struct vmk_vcpu *vs)
{
	spin_lock(&vs->wfk_lock);
	if (vs->kicked) {
		vs->kicked = false;
		spin_unlock(&vs->wfk_lock);
		return;
	}
	vs->wfk_waiting = true;
	spin_unlock(&vs->wfk_lock);

	vmk_vcpu_wfi(vcpu);

	spin_lock(&vs->wfk_lock);
	vs->wfk_waiting = false;
	vs->kicked = false;
	kvm_clear_request(KVM_REQ_UNBLOCK, vcpu);
	spin_unlock(&vs->wfk_lock);
}

/* Wake vCPU @index of @vm if it sleeps in WFK, else let its next WFK pass. */
static void vmk_kick(struct vmk_vm *vm, u64 index)
{
	struct kvm_vcpu *target;
	struct vmk_vcpu *ts;

	if (index >= atomic_read(&vm->kvm->online_vcpus))
		return;		/* no such vCPU: nothing to wake */
	target = kvm_get_vcpu(vm->kvm, index);
	if (!target)
		return;
	ts = vmk_vcpu_state(vm, target);
	spin_lock(&ts->wfk_lock);
	ts->kicked = true;
	if (ts->wfk_waiting) {
		kvm_make_request(KVM_REQ_UNBLOCK, target);
		kvm_vcpu_kick(target);
	}
	spin_unlock(&ts->wfk_lock);
}

/* The VM is being detached: wake every vCPU asleep in WFK. */
void vmk_hvc_wake_all(struct vmk_vm *vm)
{
	unsigned long i;

	for (i = 0; i < atomic_read(&vm->kvm->online_vcpus); i++)
		vmk_kick(vm, i);
}

/*
 * Tell the VMM of a call answered here (VMAPPLE_KVM_APPLE_HVC_F_NOTIFY_BOOT_STATE):
 * a hypercall exit it must not answer again.  The PC is past the HVC already.
 */
static void vmk_notify_answered(struct kvm_vcpu *vcpu, u32 fid)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_HYPERCALL;
	memset(&run->hypercall, 0, sizeof(run->hypercall));
	run->hypercall.nr = fid;
	run->hypercall.flags = VMAPPLE_KVM_HYPERCALL_ANSWERED;
}

/*
 * 1 (back to the guest) when answered here, 0 (to the VMM) when it must
 * hear of it; -ENOENT when KVM should answer.
 */
static int vmk_apple_hvc(struct kvm_vcpu *vcpu, struct vmk_vm *vm)
{
	struct apple_pac_keys keys;
	enum apple_hvc_result res;
	struct vmk_vcpu *vs;
	u64 x[5], kick_target;
	unsigned int i;
	bool pinned;
	u32 fid;

	/* Pairs with the setter: a set flag means the answers are there. */
	if (!smp_load_acquire(&vm->hvc_ready) || vcpu_mode_is_32bit(vcpu) ||
	    vcpu_has_nv(vcpu))
		return -ENOENT;
	fid = smccc_get_function(vcpu);
	if (!vmk_is_apple_range(fid))
		return -ENOENT;		/* PSCI and the rest: KVM's own */
	vs = vmk_vcpu_state(vm, vcpu);
	pinned = vmk_apple_pac_pin(vs);
	keys = vs->pac;
	for (i = 0; i < ARRAY_SIZE(x); i++)
		x[i] = vcpu_get_reg(vcpu, i);
	res = apple_hvc_call(&vm->hvc_cfg, &keys, x, &kick_target);
	if (res == APPLE_HVC_UNKNOWN || (res == APPLE_HVC_WAIT_FOR_KICK && !vmk_vcpu_wfi)) {
		vmk_apple_pac_unpin(pinned);
		vmk_count(vs, VMAPPLE_KVM_STAT_HVC_LEFT);
		return -ENOENT;
	}
	if (res == APPLE_HVC_KEYS_CHANGED && vcpu_has_ptrauth(vcpu))
		vmk_write_pac_keys(vcpu, &keys);
	vmk_apple_pac_set(vs, &keys, pinned);
	vmk_apple_pac_unpin(pinned);
	/* The results first: the guest sees them whenever it runs again. */
	for (i = 0; i < ARRAY_SIZE(x); i++)
		vcpu_set_reg(vcpu, i, x[i]);
	if (res == APPLE_HVC_WAIT_FOR_KICK)
		vmk_wfk(vcpu, vs);
	else if (res == APPLE_HVC_KICK)
		vmk_kick(vm, kick_target);
	vmk_count(vs, VMAPPLE_KVM_STAT_HVC_KERNEL);
	trace_vmapple_kvm_apple_hvc(vcpu->vcpu_id, fid, x[0]);
	if (fid == APPLE_HVC_PAC_SET_INITIAL_STATE && !vcpu->vcpu_idx &&
	    vm->hvc_notify_boot_state) {
		vmk_notify_answered(vcpu, fid);
		return 0;
	}
	return 1;
}

/* The redirect's test: an Apple ID from an attached VM with its answers set. */
bool vmk_hvc_claims(struct kvm_vcpu *vcpu)
{
	struct vmk_vm *vm;
	bool ours;

	if (!vmk_is_apple_range(smccc_get_function(vcpu)))
		return false;
	rcu_read_lock();
	vm = vmk_vm_lookup_rcu(vcpu->kvm);
	/* Pairs with the setter: a set flag means the answers are there. */
	ours = vm && smp_load_acquire(&vm->hvc_ready);
	rcu_read_unlock();
	return ours;
}

static int vmk_smccc_call(struct kvm_vcpu *vcpu)
{
	struct vmk_vm *vm = vmk_vm_get(vcpu->kvm);
	int ret = -ENOENT;

	if (vm) {
		ret = vmk_apple_hvc(vcpu, vm);
		vmk_vm_put(vm);
	}
	if (ret == -ENOENT)
		ret = vmk_original(VMK_HOOK_SMCCC_CALL, kvm_smccc_call_handler)(vcpu);
	return ret;
}

int vmk_smccc_call_hook(struct kvm_vcpu *vcpu)
{
	int ret = vmk_smccc_call(vcpu);

	vmk_hook_done();
	return ret;
}

static_assert(__same_type(&kvm_smccc_call_handler, &vmk_smccc_call_hook));
