// SPDX-License-Identifier: GPL-2.0
/*
 * Taking over KVM functions without patching the kernel.
 *
 * arm64 KVM is built in and exports none of the functions on its exit path,
 * so each hook is resolved by name at load and entered through one of two
 * mechanisms that both redirect the function's entry to a replacement with
 * the same signature (checked at build time where the replacement is
 * defined):
 *   ftrace  an IP-modifying ftrace_ops (DYNAMIC_FTRACE_WITH_ARGS): cheapest;
 *   kprobe  a kprobe at the entry whose pre-handler moves the PC.
 * A replacement calls the original by address; that call comes from inside
 * this module, which is how the redirect tells it apart and lets it through.
 *
 * Each hook also says which calls are its own (vmk_hook.claims): the
 * redirect sends only those to the replacement, so a VM that is not
 * attached, and every call a replacement has no use for (ISV=1 aborts,
 * PSCI, ...), never runs in this module's text and never sleeps in it.
 *
 * Unload: a redirected call that may sleep holds a module reference, taken
 * before the redirect and dropped as the replacement returns, so rmmod is
 * refused (at once) while any is running, whatever it waits for.  The few
 * instructions of the redirect itself, of a replacement after it drops its
 * reference, and the whole of a replacement that runs with preemption off
 * (vCPU load/put) are covered by an RCU Tasks grace period after the hooks
 * are removed.  Nothing waits for a guest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/string.h>

#include "hooks.h"
#include "vmapple_kvm.h"

static u32 vmk_mechanism = VMAPPLE_KVM_MECH_NONE;
static int vmk_hook_error = -ENOENT;

/* The last thing a replacement does: drop the redirect's reference. */
void vmk_hook_done(void)
{
	module_put(THIS_MODULE);
}

/*
 * From the redirect: send this call to the replacement?  Not our own call
 * of the original, one the hook claims, and - for a replacement that may
 * sleep - only while the module is not going away.  Preemption is off
 * here whatever the mechanism (ftrace with CALL_OPS calls a callback
 * without disabling it).
 */
static bool vmk_redirect_wanted(struct vmk_hook *hook, unsigned long return_address,
				struct kvm_vcpu *vcpu)
{
	bool wanted;

	if (within_module(return_address, THIS_MODULE))
		return false;
	preempt_disable_notrace();
	wanted = hook->claims(vcpu) && (hook->atomic || try_module_get(THIS_MODULE));
	preempt_enable_notrace();
	return wanted;
}

#ifdef CONFIG_DYNAMIC_FTRACE_WITH_ARGS
static void notrace vmk_ftrace_redirect(unsigned long ip, unsigned long parent_ip,
					struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	struct vmk_hook *hook = container_of(ops, struct vmk_hook, fops);
	struct kvm_vcpu *vcpu = (void *)ftrace_regs_get_argument(fregs, 0);

	if (vmk_redirect_wanted(hook, parent_ip, vcpu))
		ftrace_regs_set_instruction_pointer(fregs, (unsigned long)hook->replacement);
}

static int vmk_ftrace_install(struct vmk_hook *hook)
{
	int ret;

	hook->fops.func = vmk_ftrace_redirect;
	/* PERMANENT: ftrace_enabled=0 must not drop a hook in mid-access. */
	hook->fops.flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT;
	ret = ftrace_set_filter_ip(&hook->fops, hook->addr, 0, 0);
	if (ret)
		return ret;
	ret = register_ftrace_function(&hook->fops);
	if (ret)
		ftrace_set_filter_ip(&hook->fops, hook->addr, 1, 0);
	return ret;
}

static void vmk_ftrace_remove(struct vmk_hook *hook)
{
	unregister_ftrace_function(&hook->fops);
	ftrace_set_filter_ip(&hook->fops, hook->addr, 1, 0);
}
#else
static int vmk_ftrace_install(struct vmk_hook *hook)
{
	return -EOPNOTSUPP;
}

static void vmk_ftrace_remove(struct vmk_hook *hook)
{
}
#endif

#ifdef CONFIG_KPROBES
/* Runs in debug-exception context: only move the PC, do nothing else. */
static int vmk_kprobe_redirect(struct kprobe *kp, struct pt_regs *regs)
{
	struct vmk_hook *hook = container_of(kp, struct vmk_hook, kp);
	struct kvm_vcpu *vcpu = (void *)regs_get_kernel_argument(regs, 0);

	if (!vmk_redirect_wanted(hook, regs->regs[30], vcpu))
		return 0;	/* single-step the original as usual */
	instruction_pointer_set(regs, (unsigned long)hook->replacement);
	return 1;
}

static int vmk_kprobe_install(struct vmk_hook *hook)
{
	memset(&hook->kp, 0, sizeof(hook->kp));
	hook->kp.addr = (kprobe_opcode_t *)hook->addr;
	hook->kp.pre_handler = vmk_kprobe_redirect;
	return register_kprobe(&hook->kp);
}

static void vmk_kprobe_remove(struct vmk_hook *hook)
{
	unregister_kprobe(&hook->kp);
}
#else
static int vmk_kprobe_install(struct vmk_hook *hook)
{
	return -EOPNOTSUPP;
}

static void vmk_kprobe_remove(struct vmk_hook *hook)
{
}
#endif

static int vmk_hook_install(struct vmk_hook *hook, u32 mech)
{
	int ret = mech == VMAPPLE_KVM_MECH_FTRACE ? vmk_ftrace_install(hook) :
						    vmk_kprobe_install(hook);

	hook->live = !ret;
	return ret;
}

static void vmk_hook_remove(struct vmk_hook *hook, u32 mech)
{
	if (!hook->live)
		return;
	if (mech == VMAPPLE_KVM_MECH_FTRACE)
		vmk_ftrace_remove(hook);
	else
		vmk_kprobe_remove(hook);
	hook->live = false;
}

static void vmk_hooks_wait_for_callers(void)
{
#ifdef CONFIG_TASKS_RCU
	synchronize_rcu_tasks();
#else
	synchronize_rcu();	/* no preemption: the gaps cannot be preempted */
#endif
}

static void vmk_hooks_remove_all(u32 mech)
{
	unsigned int i;

	for (i = 0; i < VMK_NR_HOOKS; i++)
		vmk_hook_remove(&vmk_hooks[i], mech);
	vmk_hooks_wait_for_callers();
}

/* Resolve every target and what the replacements need; all or nothing. */
static int vmk_hooks_resolve(void)
{
	unsigned int i;

	for (i = 0; i < VMK_NR_HOOKS; i++) {
		struct vmk_hook *hook = &vmk_hooks[i];

		hook->addr = 0;
		if (hook->wanted && !hook->wanted())
			continue;
		hook->addr = (unsigned long)vmk_ksym(hook->name);
		if (!hook->addr && hook->wanted) {
			pr_warn("%s not found: its optional hook is off\n", hook->name);
		} else if (!hook->addr) {
			pr_warn("hooks off: %s not found\n", hook->name);
			return -ENOENT;
		}
	}
	vmk_hvc_resolve();
	return vmk_mmio_resolve();
}

static int vmk_hooks_install_all(u32 mech)
{
	unsigned int i;
	int ret;

	for (i = 0; i < VMK_NR_HOOKS; i++) {
		if (!vmk_hooks[i].addr)
			continue;	/* an optional hook not wanted, or not found */
		ret = vmk_hook_install(&vmk_hooks[i], mech);
		if (ret && vmk_hooks[i].wanted) {
			pr_warn("%s on %s failed: %d; its optional hook is off\n",
				mech == VMAPPLE_KVM_MECH_FTRACE ? "ftrace" : "kprobe",
				vmk_hooks[i].name, ret);
			continue;
		}
		if (ret) {
			pr_warn("hooks off: %s on %s failed: %d\n",
				mech == VMAPPLE_KVM_MECH_FTRACE ? "ftrace" : "kprobe",
				vmk_hooks[i].name, ret);
			vmk_hooks_remove_all(mech);
			return ret;
		}
	}
	return 0;
}

/* @mechanism: "auto" (ftrace, else kprobe), "ftrace", "kprobe" or "off". */
int vmk_hooks_init(const char *mechanism)
{
	bool want_ftrace = !strcmp(mechanism, "auto") || !strcmp(mechanism, "ftrace");
	bool want_kprobe = !strcmp(mechanism, "auto") || !strcmp(mechanism, "kprobe");
	int ret;

	if (!strcmp(mechanism, "off")) {
		vmk_hook_error = -EPERM;
		pr_info("hooks off (hooks=off)\n");
		return 0;
	}
	if (!want_ftrace && !want_kprobe) {
		pr_err("hooks=%s: use auto, ftrace, kprobe or off\n", mechanism);
		return -EINVAL;
	}
	ret = vmk_hooks_resolve();
	if (ret) {
		vmk_hook_error = ret;
		return 0;	/* the device still works; Layer 0 does the job */
	}
	ret = -EOPNOTSUPP;
	if (want_ftrace) {
		ret = vmk_hooks_install_all(VMAPPLE_KVM_MECH_FTRACE);
		if (!ret)
			vmk_mechanism = VMAPPLE_KVM_MECH_FTRACE;
	}
	if (ret && want_kprobe) {
		ret = vmk_hooks_install_all(VMAPPLE_KVM_MECH_KPROBE);
		if (!ret)
			vmk_mechanism = VMAPPLE_KVM_MECH_KPROBE;
	}
	vmk_hook_error = ret;
	if (!ret)
		pr_info("hooks live through %s\n",
			vmk_mechanism == VMAPPLE_KVM_MECH_FTRACE ? "ftrace" : "kprobe");
	/* The load/put pair works only together: one alone comes out again. */
	if (vmk_hooks[VMK_HOOK_VCPU_LOAD].live != vmk_hooks[VMK_HOOK_VCPU_PUT].live) {
		vmk_hook_remove(&vmk_hooks[VMK_HOOK_VCPU_LOAD], vmk_mechanism);
		vmk_hook_remove(&vmk_hooks[VMK_HOOK_VCPU_PUT], vmk_mechanism);
		vmk_hooks_wait_for_callers();
	}
	vmk_apple_pac_hooks_live(vmk_hooks[VMK_HOOK_VCPU_LOAD].live &&
				 vmk_hooks[VMK_HOOK_VCPU_PUT].live);
	return 0;
}

void vmk_hooks_exit(void)
{
	if (vmk_mechanism != VMAPPLE_KVM_MECH_NONE)
		vmk_hooks_remove_all(vmk_mechanism);
	vmk_mechanism = VMAPPLE_KVM_MECH_NONE;
	vmk_apple_pac_stop();
}

void vmk_hooks_info(struct vmapple_kvm_info *info)
{
	unsigned int i;

	info->hook_mechanism = vmk_mechanism;
	info->hook_error = vmk_hook_error;
	for (i = 0; i < VMK_NR_HOOKS; i++)
		if (vmk_hooks[i].live)
			info->hooks_live |= vmk_hooks[i].live_bit;
}
