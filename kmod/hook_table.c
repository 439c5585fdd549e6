// SPDX-License-Identifier: GPL-2.0
/* The hooks, by the kernel's names for the functions they take over. */
#include <uapi/linux/vmapple_kvm.h>

#include "hooks.h"
#include "vmapple_kvm.h"

struct vmk_hook vmk_hooks[VMK_NR_HOOKS] = {
	[VMK_HOOK_IO_MEM_ABORT] = {
		.name = "io_mem_abort",
		.replacement = vmk_io_mem_abort_hook,
		.claims = vmk_mmio_abort_claims,
		.live_bit = VMAPPLE_KVM_HOOK_IO_MEM_ABORT,
	},
	[VMK_HOOK_MMIO_RETURN] = {
		.name = "kvm_handle_mmio_return",
		.replacement = vmk_handle_mmio_return_hook,
		.claims = vmk_mmio_return_claims,
		.live_bit = VMAPPLE_KVM_HOOK_MMIO_RETURN,
	},
	[VMK_HOOK_SMCCC_CALL] = {
		.name = "kvm_smccc_call_handler",
		.replacement = vmk_smccc_call_hook,
		.claims = vmk_hvc_claims,
		.live_bit = VMAPPLE_KVM_HOOK_SMCCC_CALL,
	},
	[VMK_HOOK_VCPU_LOAD] = {
		.name = "kvm_arch_vcpu_load",
		.replacement = vmk_vcpu_load_hook,
		.claims = vmk_apple_pac_claims,
		.atomic = true,
		.live_bit = VMAPPLE_KVM_HOOK_VCPU_LOAD,
		.wanted = vmk_apple_pac_wanted,
	},
	[VMK_HOOK_VCPU_PUT] = {
		.name = "kvm_arch_vcpu_put",
		.replacement = vmk_vcpu_put_hook,
		.claims = vmk_apple_pac_claims,
		.atomic = true,
		.live_bit = VMAPPLE_KVM_HOOK_VCPU_PUT,
		.wanted = vmk_apple_pac_wanted,
	},
	[VMK_HOOK_SYS_REG] = {
		.name = "kvm_handle_sys_reg",
		.replacement = vmk_handle_sys_reg_hook,
		.claims = vmk_aic_sysreg_claims,
		.live_bit = VMAPPLE_KVM_HOOK_SYS_REG,
		.wanted = vmk_aic_wanted,
	},
	[VMK_HOOK_TIMER_LEVEL] = {
		.name = "kvm_timer_should_notify_user",
		.replacement = vmk_timer_level_hook,
		.claims = vmk_aic_timer_claims,
		.atomic = true,		/* called with interrupts off on guest entry */
		.live_bit = VMAPPLE_KVM_HOOK_TIMER_LEVEL,
		.wanted = vmk_aic_wanted,
	},
};
