// SPDX-License-Identifier: GPL-2.0
/*
 * ISV=0 MMIO emulation inside KVM, for attached VMs.
 *
 * A data abort on device memory without a valid syndrome reaches
 * io_mem_abort(), which stock KVM can only bounce to userspace
 * (KVM_EXIT_ARM_NISV) or fail.  The replacement here fetches the
 * instruction at the guest PC through the guest's own page tables, decodes
 * it with the shared emulator and plans every access, then performs the
 * accesses in order, each at most 8 bytes as KVM's MMIO path moves them:
 * into KVM's in-kernel devices (the vGIC) through its MMIO bus, or, when no
 * in-kernel device claims the address, as an ordinary KVM_EXIT_MMIO.  When
 * the VMM re-enters KVM_RUN, kvm_handle_mmio_return() - also replaced -
 * takes the data, performs the next access or commits the registers and
 * the base writeback and retires the instruction.  Anything not understood
 * goes to KVM's own io_mem_abort() untouched (then the launcher's Layer 0).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/srcu.h>
#include <linux/uaccess.h>
#include <asm/kvm_emulate.h>
#include <asm/kvm_nested.h>

#include "guest.h"
#include "hooks.h"
#include "vmapple_kvm.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/* KVM's MMIO bus moves at most a register's worth per access. */
#define VMK_MMIO_MAX_ACCESS	8

/* Exported up to 6.17 (read: from 6.16), never on 6.18+: resolve both. */
static typeof(kvm_io_bus_read) *vmk_io_bus_read;
static typeof(kvm_io_bus_write) *vmk_io_bus_write;

int vmk_mmio_resolve(void)
{
	vmk_io_bus_read = vmk_ksym("kvm_io_bus_read");
	vmk_io_bus_write = vmk_ksym("kvm_io_bus_write");
	if (!vmk_io_bus_read || !vmk_io_bus_write) {
		pr_warn("hooks off: kvm_io_bus_read/kvm_io_bus_write not found\n");
		return -ENOENT;
	}
	return 0;
}

static const char *const vmk_fallback_names[] = {
	[VMK_FALLBACK_FETCH] = "fetch",
	[VMK_FALLBACK_DECODE] = "decode",
	[VMK_FALLBACK_TRANSLATE] = "translate",
	[VMK_FALLBACK_SP_BASE] = "sp-base",
	[VMK_FALLBACK_FP_STATE] = "fp-state",
	[VMK_FALLBACK_GUEST_MODE] = "guest-mode",
	[VMK_FALLBACK_RAM_WRITE] = "ram-write",
	[VMK_FALLBACK_RAM_READ] = "ram-read",
};

/*
 * The length of the next piece at @ipa, of at most @left bytes: no more
 * than KVM's MMIO path moves at once, and never across a host page.  The
 * emulator splits chunks only where the guest's own translation does (a
 * guest page, a block, nowhere with its MMU off), but memslots begin and
 * end at host pages: so each piece is wholly RAM or wholly not, and no
 * KVM_EXIT_MMIO ever names RAM.
 */
static unsigned int vmk_piece_len(u64 ipa, unsigned int left)
{
	return min3(left, (unsigned int)VMK_MMIO_MAX_ACCESS,
		    (unsigned int)(PAGE_SIZE - offset_in_page(ipa)));
}

/*
 * Does a store to any byte of [@ipa, @ipa + @len) land in writable RAM?  A
 * read-only memslot is not: KVM makes a store there an MMIO exit too.
 */
static bool vmk_chunk_reaches_ram(struct kvm *kvm, u64 ipa, unsigned int len)
{
	while (len) {
		unsigned int n = min_t(unsigned int, len, PAGE_SIZE - offset_in_page(ipa));

		if (vmk_guest_ram(kvm, ipa, n, true))
			return true;
		ipa += n;
		len -= n;
	}
	return false;
}

/* Decode and translate; nothing is accessed and no register changes. */
static int vmk_isv0_plan(struct kvm_vcpu *vcpu, struct vmk_mmio_op *op,
			 enum vmk_fallback *why)
{
	struct vmk_guest g = { .vcpu = vcpu };
	struct a64_emu_info *plan = &op->plan;
	struct s1_regs mmu;
	unsigned int i;
	u32 insn;
	int ret;

	if (vcpu_mode_is_32bit(vcpu) || vcpu_has_nv(vcpu)) {
		*why = VMK_FALLBACK_GUEST_MODE;
		return -EOPNOTSUPP;
	}
	vmk_guest_mmu(vcpu, &mmu);
	ret = a64_fetch_insn(&vmk_guest_ops, &g, &mmu, *vcpu_pc(vcpu), &insn);
	if (ret) {
		*why = VMK_FALLBACK_FETCH;
		return ret;
	}
	ret = a64_emulate_plan(&vmk_guest_ops, &g, &mmu, insn, plan);
	if (g.used_sp) {
		*why = VMK_FALLBACK_SP_BASE;
		return -EOPNOTSUPP;
	}
	if (ret) {
		*why = ret == -EFAULT || ret == -EIO ? VMK_FALLBACK_TRANSLATE : VMK_FALLBACK_DECODE;
		return ret;
	}
	if (plan->ld.simd && vcpu_has_sve(vcpu)) {
		*why = VMK_FALLBACK_FP_STATE;	/* V registers live in the SVE state */
		return -EOPNOTSUPP;
	}
	/* A store reaching RAM would need dirty logging: KVM's path has it. */
	for (i = 0; !plan->ld.load && i < plan->nchunks; i++) {
		if (vmk_chunk_reaches_ram(vcpu->kvm, plan->chunk_ipa[i], plan->chunk_len[i])) {
			*why = VMK_FALLBACK_RAM_WRITE;
			return -EOPNOTSUPP;
		}
	}
	op->pc = *vcpu_pc(vcpu);
	op->done = 0;
	op->user_exits = 0;
	op->active = true;
	return 0;
}

/*
 * One access: 0, -EOPNOTSUPP when no in-kernel device claims it, -EFAULT.
 * The bus gets an aligned buffer of its own: the plan's bytes sit at any
 * offset, and before upstream f1edbed787ba (6.12.95 / 7.1) a datamatch
 * ioeventfd BUG()s on a buffer not aligned to the access size.
 */
static int vmk_isv0_access(struct kvm_vcpu *vcpu, u64 ipa, u8 *buf, unsigned int len,
			   bool write)
{
	void __user *ram = write ? NULL : vmk_guest_ram(vcpu->kvm, ipa, len, false);
	u64 bounce = 0;
	int ret;

	if (ram)
		return copy_from_user(buf, ram, len) ? -EFAULT : 0;
	if (write) {
		memcpy(&bounce, buf, len);
		ret = vmk_io_bus_write(vcpu, KVM_MMIO_BUS, ipa, len, &bounce);
	} else {
		ret = vmk_io_bus_read(vcpu, KVM_MMIO_BUS, ipa, len, &bounce);
		if (!ret)
			memcpy(buf, &bounce, len);
	}
	return ret ? -EOPNOTSUPP : 0;
}

static void vmk_isv0_exit_to_user(struct kvm_vcpu *vcpu, struct vmk_vcpu *vs, u64 ipa,
				  const u8 *buf, unsigned int len, bool write)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = ipa;
	run->mmio.len = len;
	run->mmio.is_write = write;
	if (write)
		memcpy(run->mmio.data, buf, len);
	/*
	 * Not vcpu->mmio_needed: KVM's own completion would read the register
	 * and the size from syndrome fields that are RES0 under ISV=0 (write
	 * X0, skip the instruction).  Without it, should the VM be detached or
	 * the module unloaded while the VMM holds this exit, KVM finds nothing
	 * to complete and the guest executes the instruction again, through
	 * Layer 0.  vmk_mmio_return_claims() knows the exit by op.active.
	 */
	vs->op.user_len = len;
	vs->op.user_exits++;
	vmk_count(vs, VMAPPLE_KVM_STAT_ISV0_USER_EXITS);
	trace_vmapple_kvm_isv0_user_exit(vcpu->vcpu_id, vs->op.pc, ipa, len, write);
}

/*
 * Perform what is left of the planned accesses.  1: done, registers
 * committed and the instruction retired; 0: a KVM_EXIT_MMIO is prepared;
 * -EFAULT: the VMM's mapping of guest RAM failed.
 */
static int vmk_isv0_perform(struct kvm_vcpu *vcpu, struct vmk_vcpu *vs)
{
	struct vmk_mmio_op *op = &vs->op;
	struct a64_emu_info *plan = &op->plan;
	bool write = !plan->ld.load;
	unsigned int chunk = 0, chunk_start = 0;
	struct vmk_guest g = { .vcpu = vcpu };

	while (op->done < plan->len) {
		unsigned int off, len;
		u8 *buf = plan->data + op->done;
		u64 ipa;
		int ret;

		while (op->done >= chunk_start + plan->chunk_len[chunk])
			chunk_start += plan->chunk_len[chunk++];
		off = op->done - chunk_start;
		ipa = plan->chunk_ipa[chunk] + off;
		len = vmk_piece_len(ipa, plan->chunk_len[chunk] - off);

		ret = vmk_isv0_access(vcpu, ipa, buf, len, write);
		if (ret == -EOPNOTSUPP) {
			vmk_isv0_exit_to_user(vcpu, vs, ipa, buf, len, write);
			return 0;
		}
		if (ret)
			return ret;
		op->done += len;
	}

	a64_emulate_commit(&vmk_guest_ops, &g, plan);
	kvm_incr_pc(vcpu);
	op->active = false;
	vmk_count(vs, op->user_exits ? VMAPPLE_KVM_STAT_ISV0_USER : VMAPPLE_KVM_STAT_ISV0_KERNEL);
	trace_vmapple_kvm_isv0_emulated(vcpu->vcpu_id, op->pc, plan->insn, plan->chunk_ipa[0],
					plan->len, write, op->user_exits);
	return 1;
}

/*
 * The redirect's test for io_mem_abort(): an ISV=0 abort of an attached
 * VM.  Every other abort stays in KVM, untouched.
 */
bool vmk_mmio_abort_claims(struct kvm_vcpu *vcpu)
{
	return !kvm_vcpu_dabt_isvalid(vcpu) && vmk_vm_attached(vcpu->kvm);
}

/*
 * The redirect's test for kvm_handle_mmio_return(): an exit this module
 * made, which only ever has an ISV=0 syndrome (KVM's own have ISV=1) and an
 * attached VM with that vCPU's access in progress.
 */
bool vmk_mmio_return_claims(struct kvm_vcpu *vcpu)
{
	struct vmk_vm *vm;
	bool ours;

	if (kvm_vcpu_dabt_isvalid(vcpu))
		return false;
	rcu_read_lock();
	vm = vmk_vm_lookup_rcu(vcpu->kvm);
	ours = vm && READ_ONCE(vm->vcpus[vcpu->vcpu_idx].op.active);
	rcu_read_unlock();
	return ours;
}

static int vmk_mmio_abort(struct kvm_vcpu *vcpu, phys_addr_t fault_ipa)
{
	enum vmk_fallback why = VMK_FALLBACK_RAM_READ;
	struct vmk_vcpu *vs;
	struct vmk_vm *vm;
	int ret;

	vm = vmk_vm_get(vcpu->kvm);
	if (!vm || kvm_vcpu_dabt_isvalid(vcpu)) {
		/* Detached since the redirect: KVM's own path, as for any VM. */
		if (vm)
			vmk_vm_put(vm);
		return vmk_original(VMK_HOOK_IO_MEM_ABORT, io_mem_abort)(vcpu, fault_ipa);
	}

	vs = vmk_vcpu_state(vm, vcpu);
	vs->op.active = false;
	ret = vmk_isv0_plan(vcpu, &vs->op, &why);
	if (!ret)
		ret = vmk_isv0_perform(vcpu, vs);
	if (ret < 0) {
		/* Accesses already made to in-kernel devices are made again. */
		vs->op.active = false;
		vmk_count(vs, VMAPPLE_KVM_STAT_ISV0_FALLBACK);
		trace_vmapple_kvm_isv0_fallback(vcpu->vcpu_id, *vcpu_pc(vcpu), fault_ipa,
						vmk_fallback_names[why], ret);
		ret = vmk_original(VMK_HOOK_IO_MEM_ABORT, io_mem_abort)(vcpu, fault_ipa);
	}
	vmk_vm_put(vm);
	return ret;
}

/*
 * KVM_RUN after one of our KVM_EXIT_MMIOs: take the data, carry on.  A
 * VMM that changed the vCPU meanwhile (injected an abort, moved the PC,
 * switched it to AArch32) gets the exit dropped, the registers untouched.
 */
static int vmk_isv0_resume(struct kvm_vcpu *vcpu, struct vmk_vcpu *vs)
{
	struct vmk_mmio_op *op = &vs->op;
	int idx, ret;

	if (vcpu_get_flag(vcpu, PENDING_EXCEPTION) || *vcpu_pc(vcpu) != op->pc ||
	    vcpu_mode_is_32bit(vcpu)) {
		op->active = false;
		vmk_count(vs, VMAPPLE_KVM_STAT_ISV0_ABORTED);
		return 1;
	}
	if (op->plan.ld.load)
		memcpy(op->plan.data + op->done, vcpu->run->mmio.data, op->user_len);
	op->done += op->user_len;

	idx = srcu_read_lock(&vcpu->kvm->srcu);
	ret = vmk_isv0_perform(vcpu, vs);
	srcu_read_unlock(&vcpu->kvm->srcu, idx);
	if (ret < 0)
		op->active = false;
	return ret;
}

static int vmk_mmio_return(struct kvm_vcpu *vcpu)
{
	struct vmk_vcpu *vs;
	struct vmk_vm *vm;
	int ret = 1;

	/* Detached, or the access ended, since the redirect: nothing to finish. */
	vm = vmk_vm_get(vcpu->kvm);
	if (!vm)
		return 1;
	vs = vmk_vcpu_state(vm, vcpu);
	if (vs->op.active)
		ret = vmk_isv0_resume(vcpu, vs);
	vmk_vm_put(vm);
	return ret;
}

/* The replacements; hooks.c redirects the claimed calls here. */
int vmk_io_mem_abort_hook(struct kvm_vcpu *vcpu, phys_addr_t fault_ipa)
{
	int ret = vmk_mmio_abort(vcpu, fault_ipa);

	vmk_hook_done();
	return ret;
}

static_assert(__same_type(&io_mem_abort, &vmk_io_mem_abort_hook));

int vmk_handle_mmio_return_hook(struct kvm_vcpu *vcpu)
{
	int ret = vmk_mmio_return(vcpu);

	vmk_hook_done();
	return ret;
}

static_assert(__same_type(&kvm_handle_mmio_return, &vmk_handle_mmio_return_hook));
