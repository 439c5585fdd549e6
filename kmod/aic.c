// SPDX-License-Identifier: GPL-2.0
/*
 * The Apple Interrupt Controller of the t8103 board, inside KVM.
 *
 * A t8103 guest has no GIC: its interrupts come from an AIC, its IPIs
 * through Apple's IMPDEF system registers, and its timers straight to FIQ.
 * Stock KVM has none of this: an IMPDEF register access traps (TIDCP) and
 * gets UNDEF, and with no in-kernel irqchip every timer level change is a
 * KVM_EXIT_INTR for the VMM to turn into KVM_IRQ_LINE.  For an attached
 * VM with an AIC (VMAPPLE_KVM_SET_AIC):
 *   - the register window is a device on KVM's MMIO bus (common/apple_aic.c
 *     holds the model), so the driver's readl/writel never exit;
 *   - kvm_handle_sys_reg() is taken over for the fast-IPI and PMU
 *     registers the model knows (every other encoding stays KVM's UNDEF);
 *   - kvm_timer_should_notify_user() is taken over: the FIQ line becomes
 *     fast-IPI-pending || a guest timer firing, set in HCR_EL2.VF on the
 *     vCPU's own way into the guest, and KVM is told never to exit for it.
 * The IRQ line (HCR_EL2.VI) follows the model after every change, as
 * vcpu_interrupt_line() would set it, and a vCPU whose line rises is
 * kicked.  Device lines come from the VMM in one ioctl each
 * (VMAPPLE_KVM_AIC_IRQ).
 *
 * The FIQ line is level-driven and re-evaluated at every exit of its vCPU.
 * A guest that masks its timer (no trap) sees the line fall at its next
 * exit; Linux's FIQ handler reads PMCR0 (a trap) every time, so it never
 * sees a FIQ storm.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/kvm_host.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/arch_timer.h>
#include <asm/kvm_emulate.h>
#include <asm/kvm_hyp.h>
#include <asm/kvm_mmu.h>
#include <asm/kvm_nested.h>
#include <kvm/arm_arch_timer.h>
#include <kvm/iodev.h>

#include "hooks.h"
#include "trace.h"
#include "vmapple_kvm.h"

#define VMK_FIPI_PENDING	0	/* IPI_SR.PENDING */

#define TIMER_FIRING_BITS (ARCH_TIMER_CTRL_ENABLE | ARCH_TIMER_CTRL_IT_STAT | \
			   ARCH_TIMER_CTRL_IT_MASK)
#define TIMER_FIRING	(ARCH_TIMER_CTRL_ENABLE | ARCH_TIMER_CTRL_IT_STAT)

static atomic64_t vmk_nr_aics = ATOMIC64_INIT(0);

u64 vmk_aic_records(void)
{
	return atomic64_read(&vmk_nr_aics);
}

static typeof(kvm_io_bus_register_dev) *vmk_aic_bus_register;
static typeof(kvm_io_bus_unregister_dev) *vmk_aic_bus_unregister;

void vmk_aic_resolve(void)
{
	vmk_aic_bus_register = vmk_ksym("kvm_io_bus_register_dev");
	vmk_aic_bus_unregister = vmk_ksym("kvm_io_bus_unregister_dev");
}

static bool vmk_aic_hooks_live(void)
{
	return vmk_aic_bus_register && vmk_aic_bus_unregister &&
	       vmk_hooks[VMK_HOOK_SYS_REG].live && vmk_hooks[VMK_HOOK_TIMER_LEVEL].live;
}

bool vmk_aic_wanted(void)
{
	return true;	/* optional: a kernel without them keeps every other hook */
}

/* Raise or lower one of @vcpu's lines (HCR_EL2.VI or VF), as KVM_IRQ_LINE would. */
static void vmk_aic_line(struct kvm_vcpu *vcpu, u64 hcr_bit, bool level, bool kick)
{
	unsigned long *hcr = vcpu_hcr(vcpu);
	bool was = level ? test_and_set_bit(__ffs(hcr_bit), hcr) :
			   test_and_clear_bit(__ffs(hcr_bit), hcr);

	/* Its own vCPU is on its way into the guest: the entry reads HCR. */
	if (was == level || !kick)
		return;
	kvm_make_request(KVM_REQ_IRQ_PENDING, vcpu);
	kvm_vcpu_kick(vcpu);
}

/* Under aic->lock: bring the IRQ line of every CPU in @changed up to date. */
static void vmk_aic_apply(struct vmk_aic *aic, struct kvm_vcpu *self, u32 changed)
{
	while (changed) {
		u32 cpu = __ffs(changed);
		struct kvm_vcpu *vcpu = kvm_get_vcpu(aic->kvm, cpu);

		bool level = apple_aic_irq_line(&aic->model, cpu);

		/* Kept: each entry re-asserts it (vCPU load rewrites HCR non-atomically). */
		WRITE_ONCE(aic->cpus[cpu].irq_line, level);
		if (vcpu)
			vmk_aic_line(vcpu, HCR_VI, level, vcpu != self);
		changed &= changed - 1;
	}
}

static struct vmk_aic *to_aic(struct kvm_io_device *dev)
{
	return container_of(dev, struct vmk_aic, dev);
}

static bool vmk_aic_cpu(const struct vmk_aic *aic, const struct kvm_vcpu *vcpu, u32 *cpu)
{
	if (!vcpu || vcpu->vcpu_idx >= aic->model.nr_cpus)
		return false;
	*cpu = vcpu->vcpu_idx;
	return true;
}

static int vmk_aic_mmio_read(struct kvm_vcpu *vcpu, struct kvm_io_device *dev, gpa_t addr,
			     int len, void *val)
{
	struct vmk_aic *aic = to_aic(dev);
	u32 cpu, v = 0, changed = 0;

	if (vmk_aic_cpu(aic, vcpu, &cpu)) {
		spin_lock(&aic->lock);
		v = apple_aic_read(&aic->model, cpu, addr - aic->base, len, &changed);
		vmk_aic_apply(aic, vcpu, changed);
		spin_unlock(&aic->lock);
		vmk_count(vmk_vcpu_state(aic->vm, vcpu), VMAPPLE_KVM_STAT_AIC_MMIO);
	}
	memset(val, 0, len);
	memcpy(val, &v, min(len, 4));
	return 0;
}

static int vmk_aic_mmio_write(struct kvm_vcpu *vcpu, struct kvm_io_device *dev, gpa_t addr,
			      int len, const void *val)
{
	struct vmk_aic *aic = to_aic(dev);
	u32 cpu, v = 0, changed = 0;

	if (!vmk_aic_cpu(aic, vcpu, &cpu))
		return 0;
	memcpy(&v, val, min(len, 4));
	spin_lock(&aic->lock);
	apple_aic_write(&aic->model, cpu, addr - aic->base, len, v, &changed);
	vmk_aic_apply(aic, vcpu, changed);
	spin_unlock(&aic->lock);
	vmk_count(vmk_vcpu_state(aic->vm, vcpu), VMAPPLE_KVM_STAT_AIC_MMIO);
	return 0;
}

static const struct kvm_io_device_ops vmk_aic_ops = {
	.read = vmk_aic_mmio_read,
	.write = vmk_aic_mmio_write,
};

/* Is this guest timer firing (enabled, condition met, not masked)? As KVM decides it. */
static bool vmk_aic_timer_fires(struct kvm_vcpu *vcpu, struct arch_timer_context *ctx,
				bool virt)
{
	u64 ctl, cval, offset = 0;

	if (ctx->loaded) {
		ctl = virt ? read_sysreg_el0(SYS_CNTV_CTL) : read_sysreg_el0(SYS_CNTP_CTL);
		return (ctl & TIMER_FIRING_BITS) == TIMER_FIRING;
	}
	/* Saved by KVM at vCPU put; not nested (vmk_aic_of()), so no VNCR page. */
	ctl = virt ? ctxt_sys_reg(&vcpu->arch.ctxt, CNTV_CTL_EL0) :
		     ctxt_sys_reg(&vcpu->arch.ctxt, CNTP_CTL_EL0);
	if ((ctl & (ARCH_TIMER_CTRL_ENABLE | ARCH_TIMER_CTRL_IT_MASK)) != ARCH_TIMER_CTRL_ENABLE)
		return false;
	cval = virt ? ctxt_sys_reg(&vcpu->arch.ctxt, CNTV_CVAL_EL0) :
		      ctxt_sys_reg(&vcpu->arch.ctxt, CNTP_CVAL_EL0);
	if (ctx->offset.vm_offset)
		offset += *ctx->offset.vm_offset;
	if (ctx->offset.vcpu_offset)
		offset += *ctx->offset.vcpu_offset;
	return cval <= arch_timer_read_counter() - offset;
}

/*
 * On @vcpu's own thread: the FIQ line from its fast IPI and its timers;
 * HCR_EL2.VF set to match.
 */
static bool vmk_aic_update_fiq(struct vmk_aic *aic, struct kvm_vcpu *vcpu, u32 cpu)
{
	struct vmk_aic_vcpu *ac = &aic->cpus[cpu];
	bool timers, fiq;

	preempt_disable();	/* a loaded timer is this CPU's */
	timers = vmk_aic_timer_fires(vcpu, vcpu_vtimer(vcpu), true) ||
		 vmk_aic_timer_fires(vcpu, vcpu_ptimer(vcpu), false);
	preempt_enable();
	if (timers && !ac->timer_fiq)
		vmk_count(vmk_vcpu_state(aic->vm, vcpu), VMAPPLE_KVM_STAT_AIC_TIMER_FIQ);
	ac->timer_fiq = timers;
	fiq = timers || test_bit(VMK_FIPI_PENDING, &ac->fipi);
	vmk_aic_line(vcpu, HCR_VF, fiq, false);
	if (!fiq) {
		/*
		 * A sender may have set PENDING after the test, seen VF still
		 * up and not kicked: look again once VF is down.
		 */
		smp_mb__after_atomic();
		if (test_bit(VMK_FIPI_PENDING, &ac->fipi))
			fiq = true, vmk_aic_line(vcpu, HCR_VF, true, false);
	}
	return fiq;
}

/*
 * A fast IPI lands on @target: pending and its FIQ up.  @kick: make it
 * look (and wake it), whatever VF was; not for NOWAKE, nor when the sender
 * is the target on its own way back in.
 */
static void vmk_aic_fast_ipi_deliver(struct vmk_aic *aic, u32 target, bool kick)
{
	struct kvm_vcpu *vcpu = kvm_get_vcpu(aic->kvm, target);

	if (!vcpu)
		return;
	set_bit(VMK_FIPI_PENDING, &aic->cpus[target].fipi);
	/* After the pending bit: the target's entry recomputes VF from it. */
	set_bit(__ffs(HCR_VF), vcpu_hcr(vcpu));
	if (!kick)
		return;
	kvm_make_request(KVM_REQ_IRQ_PENDING, vcpu);
	kvm_vcpu_kick(vcpu);
}

static enum hrtimer_restart vmk_aic_deferred_fire(struct hrtimer *t)
{
	struct vmk_aic_vcpu *ac = container_of(t, struct vmk_aic_vcpu, deferred);
	unsigned long flags;
	bool fire;

	spin_lock_irqsave(&ac->deferred_lock, flags);
	fire = ac->deferred_armed;
	ac->deferred_armed = false;
	spin_unlock_irqrestore(&ac->deferred_lock, flags);
	/* Hard-IRQ context: whichever vCPU is loaded here, the target gets a kick. */
	if (fire)
		vmk_aic_fast_ipi_deliver(ac->aic, ac - ac->aic->cpus, true);
	return HRTIMER_NORESTART;
}

static u64 vmk_aic_ticks_to_ns(u64 ticks)
{
	u64 freq = arch_timer_get_cntfrq();

	return freq ? div64_u64(ticks * NSEC_PER_SEC, freq) : 0;
}

static void vmk_aic_fast_ipi_send(struct vmk_aic *aic, u32 cpu, bool global, u64 val)
{
	u32 type;
	int target = apple_aic_fast_ipi_target(&aic->model, cpu, global, val, &type);
	struct vmk_aic_vcpu *tc;
	unsigned long flags;

	if (target < 0)
		return;		/* no such core: dropped, as hardware would */
	vmk_count(&aic->vm->vcpus[cpu], VMAPPLE_KVM_STAT_AIC_FAST_IPI);	/* the sender's: used */
	trace_vmapple_kvm_aic_fast_ipi(cpu, target, type);
	tc = &aic->cpus[target];
	switch (type) {
	case AIC_IPI_RR_IMMEDIATE:
	case AIC_IPI_RR_NOWAKE:
		vmk_aic_fast_ipi_deliver(aic, target,
					 type == AIC_IPI_RR_IMMEDIATE && target != cpu);
		break;
	case AIC_IPI_RR_DEFERRED:
		/* Delivered when the sender's IPI_CR countdown runs out (or retracted). */
		spin_lock_irqsave(&tc->deferred_lock, flags);
		if (!tc->deferred_armed) {
			tc->deferred_armed = true;
			hrtimer_start(&tc->deferred,
				      ns_to_ktime(vmk_aic_ticks_to_ns(aic->cpus[cpu].ipi_cr)),
				      HRTIMER_MODE_REL);
		}
		spin_unlock_irqrestore(&tc->deferred_lock, flags);
		break;
	case AIC_IPI_RR_RETRACT:
		spin_lock_irqsave(&tc->deferred_lock, flags);
		if (tc->deferred_armed) {
			tc->deferred_armed = false;
			hrtimer_try_to_cancel(&tc->deferred);	/* a running one finds it unarmed */
		}
		spin_unlock_irqrestore(&tc->deferred_lock, flags);
		break;
	}
}

/* One IMPDEF access the model knows, by @vcpu (AIC CPU @cpu). */
static void vmk_aic_sysreg(struct vmk_aic *aic, struct kvm_vcpu *vcpu, u32 cpu, u32 reg,
			   bool is_write, u64 *val)
{
	struct vmk_aic_vcpu *ac = &aic->cpus[cpu];

	switch (reg) {
	case AIC_SYSREG_IPI_RR_LOCAL:
	case AIC_SYSREG_IPI_RR_GLOBAL:
		if (is_write)
			vmk_aic_fast_ipi_send(aic, cpu, reg == AIC_SYSREG_IPI_RR_GLOBAL, *val);
		else
			*val = 0;
		break;
	case AIC_SYSREG_IPI_SR:
		if (is_write && (*val & AIC_IPI_SR_PENDING))
			clear_bit(VMK_FIPI_PENDING, &ac->fipi);
		else if (!is_write)
			*val = test_bit(VMK_FIPI_PENDING, &ac->fipi) ? AIC_IPI_SR_PENDING : 0;
		break;
	case AIC_SYSREG_IPI_CR:
		if (is_write)
			ac->ipi_cr = *val & AIC_IPI_CR_COUNTDOWN;
		*val = ac->ipi_cr;
		break;
	case AIC_SYSREG_PMCR0:
		/* No PMU counts here, so its interrupt is never active. */
		if (is_write)
			ac->pmcr0 = *val & ~(u64)AIC_PMCR0_IACT;
		*val = ac->pmcr0;
		break;
	case AIC_SYSREG_UPMCR0:
		if (is_write)
			ac->upmcr0 = *val;
		*val = ac->upmcr0;
		break;
	case AIC_SYSREG_UPMSR:
		*val = 0;
		break;
	}
	/* Every FIQ handler ends here (PMCR0), so a masked timer's line falls now. */
	vmk_aic_update_fiq(aic, vcpu, cpu);
}

static u32 vmk_aic_trapped_sysreg(struct kvm_vcpu *vcpu)
{
	u64 esr = kvm_vcpu_get_esr(vcpu);

	if (ESR_ELx_EC(esr) != ESR_ELx_EC_SYS64)
		return 0;
	return apple_aic_sysreg_from_iss(esr & ESR_ELx_ISS_MASK);
}

/* The VM's AIC when @vcpu is one of its CPUs; under RCU or a reference. */
static struct vmk_aic *vmk_aic_of(struct vmk_vm *vm, struct kvm_vcpu *vcpu)
{
	/* Pairs with the setter: a published AIC is whole. */
	struct vmk_aic *aic = vm ? smp_load_acquire(&vm->aic) : NULL;

	if (!aic || vcpu->vcpu_idx >= aic->model.nr_cpus || irqchip_in_kernel(vcpu->kvm) ||
	    vcpu_has_nv(vcpu))
		return NULL;
	return aic;
}

bool vmk_aic_sysreg_claims(struct kvm_vcpu *vcpu)
{
	bool ours;

	/* Guest EL0 gets KVM's UNDEF, as Apple's EL1-only registers give it. */
	if (!vcpu_mode_priv(vcpu) || !apple_aic_sysreg_known(vmk_aic_trapped_sysreg(vcpu)))
		return false;
	rcu_read_lock();
	ours = vmk_aic_of(vmk_vm_lookup_rcu(vcpu->kvm), vcpu);
	rcu_read_unlock();
	return ours;
}

int vmk_handle_sys_reg_hook(struct kvm_vcpu *vcpu)
{
	struct vmk_vm *vm = vmk_vm_get(vcpu->kvm);
	struct vmk_aic *aic = vmk_aic_of(vm, vcpu);
	u64 esr = kvm_vcpu_get_esr(vcpu);
	bool is_write = !(esr & ESR_ELx_SYS64_ISS_DIR_READ);
	int rt = kvm_vcpu_sys_get_rt(vcpu);
	u32 cpu = vcpu->vcpu_idx;
	u64 val;
	int ret;

	if (!aic) {
		ret = vmk_original(VMK_HOOK_SYS_REG, kvm_handle_sys_reg)(vcpu);
		goto out;
	}
	val = is_write ? vcpu_get_reg(vcpu, rt) : 0;
	vmk_aic_sysreg(aic, vcpu, cpu, vmk_aic_trapped_sysreg(vcpu), is_write, &val);
	if (!is_write)
		vcpu_set_reg(vcpu, rt, val);	/* XZR (rt 31) is ignored there */
	vmk_count(vmk_vcpu_state(vm, vcpu), VMAPPLE_KVM_STAT_AIC_SYSREG);
	kvm_incr_pc(vcpu);
	ret = 1;
out:
	if (vm)
		vmk_vm_put(vm);
	vmk_hook_done();
	return ret;
}

static_assert(__same_type(&kvm_handle_sys_reg, &vmk_handle_sys_reg_hook));

bool vmk_aic_timer_claims(struct kvm_vcpu *vcpu)
{
	bool ours;

	rcu_read_lock();
	ours = vmk_aic_of(vmk_vm_lookup_rcu(vcpu->kvm), vcpu);
	rcu_read_unlock();
	return ours;
}

/*
 * kvm_timer_should_notify_user(), for a vCPU of an in-kernel AIC.  KVM
 * asks it in two places: on the way into the guest with interrupts off
 * (kvm_vcpu_exit_request(): true would exit to the VMM) and when deciding
 * whether a vCPU in WFI may run (kvm_arch_vcpu_runnable(): true wakes it).
 * Here the answer is applied instead: VF follows the FIQ level, the entry
 * never exits for it, and a waiting vCPU wakes when its FIQ is up.  Asked
 * about another CPU's vCPU (directed yield), its HCR already says all.
 */
bool vmk_timer_level_hook(struct kvm_vcpu *vcpu)
{
	struct vmk_aic *aic;
	bool fiq = false;

	if (vcpu != kvm_get_running_vcpu())
		return false;
	rcu_read_lock();
	aic = vmk_aic_of(vmk_vm_lookup_rcu(vcpu->kvm), vcpu);
	if (!aic) {	/* detached since the claim */
		rcu_read_unlock();
		return vmk_original(VMK_HOOK_TIMER_LEVEL, kvm_timer_should_notify_user)(vcpu);
	}
	/* The IRQ line as the model last set it: a vCPU load may have lost the bit. */
	vmk_aic_line(vcpu, HCR_VI, READ_ONCE(aic->cpus[vcpu->vcpu_idx].irq_line), false);
	fiq = vmk_aic_update_fiq(aic, vcpu, vcpu->vcpu_idx);
	rcu_read_unlock();
	return irqs_disabled() ? false : fiq;
}

static_assert(__same_type(&kvm_timer_should_notify_user, &vmk_timer_level_hook));

int vmk_session_set_aic(struct vmk_session *s, const struct vmapple_kvm_aic __user *uarg)
{
	struct vmapple_kvm_aic req;
	struct vmk_aic *aic;
	struct vmk_vm *vm;
	u32 i;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	ret = vmk_abi_check_aic(&req);
	if (ret)
		return ret;
	if (!vmk_aic_hooks_live())
		return -EOPNOTSUPP;
	aic = kzalloc(sizeof(*aic), GFP_KERNEL_ACCOUNT);
	if (!aic)
		return -ENOMEM;
	ret = apple_aic_init(&aic->model, req.nr_irqs, req.nr_cpus, req.mpidr);
	if (ret)
		goto free;
	spin_lock_init(&aic->lock);
	aic->base = req.base;
	for (i = 0; i < AIC_MAX_CPUS; i++) {
		aic->cpus[i].aic = aic;
		spin_lock_init(&aic->cpus[i].deferred_lock);
		hrtimer_init(&aic->cpus[i].deferred, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		aic->cpus[i].deferred.function = vmk_aic_deferred_fire;
	}
	kvm_iodevice_init(&aic->dev, &vmk_aic_ops);

	mutex_lock(&s->lock);
	vm = s->vm;
	if (!vm) {
		ret = -ENOTCONN;
	} else if (vm->aic) {
		ret = -EEXIST;
	} else if (irqchip_in_kernel(vm->kvm)) {
		ret = -EBUSY;
	} else if (req.base >= kvm_phys_size(&vm->kvm->arch.mmu) ||
		   kvm_phys_size(&vm->kvm->arch.mmu) - req.base < AIC_WINDOW_SIZE) {
		ret = -EINVAL;
	} else {
		aic->vm = vm;
		aic->kvm = vm->kvm;
		mutex_lock(&vm->kvm->slots_lock);
		ret = vmk_aic_bus_register(vm->kvm, KVM_MMIO_BUS, aic->base, AIC_WINDOW_SIZE,
					   &aic->dev);
		mutex_unlock(&vm->kvm->slots_lock);
		if (!ret)
			smp_store_release(&vm->aic, aic);	/* hooks see it whole */
	}
	mutex_unlock(&s->lock);
	if (!ret) {
		atomic64_inc(&vmk_nr_aics);
		return 0;
	}
free:
	kfree(aic);
	return ret;
}

int vmk_session_aic_irq(struct vmk_session *s, const struct vmapple_kvm_aic_irq __user *uarg)
{
	struct vmapple_kvm_aic_irq req;
	struct vmk_aic *aic;
	struct vmk_vm *vm;
	u32 changed;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	ret = vmk_abi_check_aic_irq(&req);
	if (ret)
		return ret;
	/* No session lock: the AIC, once set, lives as long as the session. */
	vm = READ_ONCE(s->vm);
	/* Pairs with vmk_session_set_aic()'s release: a published AIC is whole. */
	aic = vm ? smp_load_acquire(&vm->aic) : NULL;
	if (!aic)
		return -ENODEV;
	spin_lock(&aic->lock);
	ret = apple_aic_set_hw(&aic->model, req.irq, req.level, &changed);
	if (!ret)
		vmk_aic_apply(aic, NULL, changed);
	spin_unlock(&aic->lock);
	return ret;
}

/* Detach: off the bus, no deferred IPI left to fire. */
void vmk_aic_remove(struct vmk_vm *vm)
{
	struct vmk_aic *aic = vm->aic;

	if (!aic)
		return;
	mutex_lock(&vm->kvm->slots_lock);
	vmk_aic_bus_unregister(vm->kvm, KVM_MMIO_BUS, &aic->dev);	/* waits for readers */
	mutex_unlock(&vm->kvm->slots_lock);
}

/* The last reference: no hook can reach the AIC any more. */
void vmk_aic_free(struct vmk_vm *vm)
{
	struct vmk_aic *aic = vm->aic;
	u32 i;

	if (!aic)
		return;
	for (i = 0; i < AIC_MAX_CPUS; i++)
		hrtimer_cancel(&aic->cpus[i].deferred);	/* waits for a running one */
	kfree(aic);
	atomic64_dec(&vmk_nr_aics);
}
