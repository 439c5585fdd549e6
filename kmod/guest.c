// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU and guest memory as the shared emulator sees them in the kernel.
 *
 * Runs in the VMM's vCPU thread (current->mm is the VMM's), preemptible, so
 * guest RAM is read and written through the VMM's mapping with the uaccess
 * helpers, which fail rather than crash on anything the guest or the VMM
 * left unmapped.  General registers live in the vcpu struct on every exit;
 * EL1 system registers stay in the CPU while the vCPU is loaded (VHE) and
 * are read there through their _EL12 names.
 */
#include <linux/kvm_host.h>
#include <linux/uaccess.h>
#include <asm/kvm_emulate.h>
#include <asm/neon.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#include "guest.h"

void __user *vmk_guest_ram(struct kvm *kvm, u64 ipa, unsigned int len, bool write)
{
	struct kvm_memory_slot *slot;
	unsigned long hva;
	gfn_t gfn = ipa >> PAGE_SHIFT;

	if (!len || (ipa & ~PAGE_MASK) + len > PAGE_SIZE)
		return NULL;	/* callers split at guest pages, never > 4K */
	slot = __gfn_to_memslot(kvm_memslots(kvm), gfn);
	if (!slot || (slot->flags & KVM_MEMSLOT_INVALID) ||
	    (write && (slot->flags & KVM_MEM_READONLY)))
		return NULL;
	hva = __gfn_to_hva_memslot(slot, gfn);
	if (kvm_is_error_hva(hva))
		return NULL;
	return (void __user *)(hva + (ipa & ~PAGE_MASK));
}

void vmk_guest_mmu(struct kvm_vcpu *vcpu, struct s1_regs *mmu)
{
	preempt_disable();	/* a reschedule would move the registers */
	if (has_vhe() && vcpu_get_flag(vcpu, SYSREGS_ON_CPU)) {
		mmu->sctlr = read_sysreg_s(SYS_SCTLR_EL12);
		mmu->tcr = read_sysreg_s(SYS_TCR_EL12);
		mmu->ttbr0 = read_sysreg_s(SYS_TTBR0_EL12);
		mmu->ttbr1 = read_sysreg_s(SYS_TTBR1_EL12);
	} else {
		mmu->sctlr = ctxt_sys_reg(&vcpu->arch.ctxt, SCTLR_EL1);
		mmu->tcr = ctxt_sys_reg(&vcpu->arch.ctxt, TCR_EL1);
		mmu->ttbr0 = ctxt_sys_reg(&vcpu->arch.ctxt, TTBR0_EL1);
		mmu->ttbr1 = ctxt_sys_reg(&vcpu->arch.ctxt, TTBR1_EL1);
	}
	preempt_enable();
}

static u64 vmk_get_gpr(void *ctx, unsigned int n)
{
	struct vmk_guest *g = ctx;

	if (n == 31) {
		g->used_sp = true;	/* the caller gives the access back to KVM */
		return 0;
	}
	return vcpu_get_reg(g->vcpu, n);
}

static void vmk_set_gpr(void *ctx, unsigned int n, u64 value)
{
	struct vmk_guest *g = ctx;

	if (!WARN_ON_ONCE(n == 31))
		vcpu_set_reg(g->vcpu, n, value);
}

/*
 * While the guest owns the FP registers they are live in the CPU.  Kernel
 * mode NEON saves them into the vcpu struct and marks the CPU's copy stale,
 * so KVM reloads them from there before the guest uses them again.
 */
static __uint128_t *vmk_vreg(struct vmk_guest *g, unsigned int n)
{
	if (!g->fp_in_memory) {
		kernel_neon_begin();
		kernel_neon_end();
		g->fp_in_memory = true;
	}
	return &g->vcpu->arch.ctxt.fp_regs.vregs[n];
}

static void vmk_get_vreg(void *ctx, unsigned int n, u8 value[16])
{
	memcpy(value, vmk_vreg(ctx, n), 16);
}

static void vmk_set_vreg(void *ctx, unsigned int n, const u8 value[16])
{
	memcpy(vmk_vreg(ctx, n), value, 16);
}

/* Only the instruction fetch reads through this: guest RAM, nothing else. */
static int vmk_read_ram(void *ctx, u64 ipa, void *buf, unsigned int len)
{
	struct vmk_guest *g = ctx;
	void __user *p = vmk_guest_ram(g->vcpu->kvm, ipa, len, false);

	if (!p)
		return -EIO;
	return copy_from_user(buf, p, len) ? -EFAULT : 0;
}

/* The module performs the accesses itself (mmio.c), never through here. */
static int vmk_write_refused(void *ctx, u64 ipa, const void *buf, unsigned int len)
{
	return -EOPNOTSUPP;
}

static int vmk_read_desc(void *ctx, u64 ipa, u64 *desc)
{
	if ((ipa & 7) || vmk_read_ram(ctx, ipa, desc, sizeof(*desc)))
		return -EFAULT;
	return 0;
}

const struct a64_emu_ops vmk_guest_ops = {
	.get_gpr = vmk_get_gpr,
	.set_gpr = vmk_set_gpr,
	.get_vreg = vmk_get_vreg,
	.set_vreg = vmk_set_vreg,
	.read = vmk_read_ram,
	.write = vmk_write_refused,
	.read_desc = vmk_read_desc,
};
