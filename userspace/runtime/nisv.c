// SPDX-License-Identifier: GPL-2.0
/*
 * nisv.c - Layer 0 ISV=0 emulation.  The emulator's callbacks reach the
 * vCPU through KVM_GET/SET_ONE_REG and guest memory three ways: RAM
 * directly, the in-kernel vGIC through its device attributes, everything
 * else through the userspace MMIO bus.
 */
#include "nisv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "../../common/a64_emulate.h"
#include "arm64_kvm.h"
#include "vcpu.h"
#include "vm.h"

#define PSTATE_MODE_MASK	0xfull
#define PSTATE_MODE_EL1H	0x5ull

struct nisv_ctx {
	struct vcpu *vcpu;
	int err;		/* first ONE_REG failure */
	bool hit_vgic;
};

static uint64_t sp_reg(struct nisv_ctx *c)
{
	u64 pstate = 0;

	if (vcpu_get(c->vcpu, vcpu_reg_pstate, &pstate) && !c->err)
		c->err = -EIO;
	return (pstate & PSTATE_MODE_MASK) == PSTATE_MODE_EL1H ? vcpu_reg_sp_el1 : vcpu_reg_sp_el0;
}

static u64 get_gpr(void *ctx, unsigned int n)
{
	struct nisv_ctx *c = ctx;
	u64 v = 0;
	int ret = vcpu_get(c->vcpu, n == 31 ? sp_reg(c) : vcpu_reg_x(n), &v);

	if (ret && !c->err)
		c->err = ret;
	return v;
}

static void set_gpr(void *ctx, unsigned int n, u64 value)
{
	struct nisv_ctx *c = ctx;
	int ret = vcpu_set(c->vcpu, n == 31 ? sp_reg(c) : vcpu_reg_x(n), value);

	if (ret && !c->err)
		c->err = ret;
}

static void vreg_io(struct nisv_ctx *c, unsigned int n, u8 value[16], bool set)
{
	struct kvm_one_reg reg = { .id = vcpu_reg_v(n), .addr = (uint64_t)(uintptr_t)value };

	if (ioctl(c->vcpu->fd, set ? KVM_SET_ONE_REG : KVM_GET_ONE_REG, &reg) && !c->err)
		c->err = -errno;
}

static void get_vreg(void *ctx, unsigned int n, u8 value[16])
{
	vreg_io(ctx, n, value, false);
}

static void set_vreg(void *ctx, unsigned int n, const u8 value[16])
{
	u8 copy[16];

	memcpy(copy, value, 16);
	vreg_io(ctx, n, copy, true);
}

/* The vGIC speaks 32-bit words: split wide accesses, merge narrow writes. */
static int vgic_access(struct vm *vm, u64 ipa, u8 *buf, unsigned int len, bool is_write)
{
	while (len) {
		u64 word_ipa = ipa & ~3ull;
		unsigned int skip = ipa & 3, n = 4 - skip < len ? 4 - skip : len;
		uint32_t word = 0;
		int ret = 0;

		if (!is_write || n < 4)
			ret = vm_vgic_access(vm, word_ipa, &word, false);
		if (!ret && is_write) {
			memcpy((u8 *)&word + skip, buf, n);
			ret = vm_vgic_access(vm, word_ipa, &word, true);
		} else if (!ret) {
			memcpy(buf, (u8 *)&word + skip, n);
		}
		if (ret)
			return ret;
		ipa += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * RAM regions begin and end on 4 KiB boundaries (KVM's memslots are page
 * aligned), so a piece that stays inside one 4 KiB page is wholly RAM or
 * wholly not: an access straddling RAM and a device (the guest's MMU off,
 * or a block mapping) puts each byte where it belongs.
 */
#define NISV_PIECE_ALIGN	4096u
#define NISV_REFUSALS_SHOWN	8

static int mem_piece(struct nisv_ctx *c, u64 ipa, u8 *buf, unsigned int len, bool is_write)
{
	struct vm *vm = c->vcpu->vm;
	u8 *ram = vm_ram(vm, ipa, len);
	unsigned int done, n;
	int ret;

	if (ram) {
		if (is_write)
			memcpy(ram, buf, len);
		else
			memcpy(buf, ram, len);
		return 0;
	}
	if (vm_is_vgic(vm, ipa)) {
		c->hit_vgic = true;
		return vgic_access(vm, ipa, buf, len, is_write);
	}
	/* Userspace devices take at most 8 bytes at a time, as KVM_EXIT_MMIO does. */
	for (done = 0; done < len; done += n) {
		n = len - done < 8 ? len - done : 8;
		ret = mmio_bus_access(&vm->bus, ipa + done, buf + done, n, is_write);
		if (ret)
			return ret;
	}
	return 0;
}

static int mem_access(void *ctx, u64 ipa, u8 *buf, unsigned int len, bool is_write)
{
	unsigned int n;
	int ret;

	for (; len; ipa += n, buf += n, len -= n) {
		n = NISV_PIECE_ALIGN - (ipa & (NISV_PIECE_ALIGN - 1));
		if (n > len)
			n = len;
		ret = mem_piece(ctx, ipa, buf, n, is_write);
		if (ret)
			return ret;
	}
	return 0;
}

static int mem_read(void *ctx, u64 ipa, void *buf, unsigned int len)
{
	return mem_access(ctx, ipa, buf, len, false);
}

static int mem_write(void *ctx, u64 ipa, const void *buf, unsigned int len)
{
	u8 copy[16];

	memcpy(copy, buf, len);
	return mem_access(ctx, ipa, copy, len, true);
}

static int read_desc(void *ctx, u64 ipa, u64 *desc)
{
	struct nisv_ctx *c = ctx;
	u8 *ram = vm_ram(c->vcpu->vm, ipa, 8);

	if (!ram)
		return -EFAULT;
	memcpy(desc, ram, 8);
	return 0;
}

static const struct a64_emu_ops nisv_ops = {
	.get_gpr = get_gpr, .set_gpr = set_gpr, .get_vreg = get_vreg, .set_vreg = set_vreg,
	.read = mem_read, .write = mem_write, .read_desc = read_desc,
};

static int read_mmu(struct vcpu *vcpu, struct s1_regs *mmu)
{
	int ret = vcpu_get(vcpu, VCPU_SCTLR_EL1, &mmu->sctlr);

	if (!ret)
		ret = vcpu_get(vcpu, VCPU_TCR_EL1, &mmu->tcr);
	if (!ret)
		ret = vcpu_get(vcpu, VCPU_TTBR0_EL1, &mmu->ttbr0);
	if (!ret)
		ret = vcpu_get(vcpu, VCPU_TTBR1_EL1, &mmu->ttbr1);
	return ret;
}

int nisv_handle(struct vcpu *vcpu)
{
	struct nisv_ctx ctx = { .vcpu = vcpu };
	struct a64_emu_info info = { 0 };
	struct s1_regs mmu;
	u64 pc = 0;
	u32 insn = 0;
	int ret;

	vcpu->vm->stats.nisv_exits++;
	ret = vcpu_get(vcpu, vcpu_reg_pc, &pc);
	if (!ret)
		ret = read_mmu(vcpu, &mmu);
	if (ret)
		return ret;
	ret = a64_fetch_insn(&nisv_ops, &ctx, &mmu, pc, &insn);
	if (!ret)
		ret = a64_emulate_ldst(&nisv_ops, &ctx, &mmu, insn, &info);
	if (!ret && ctx.err)
		return ctx.err;
	if (ret) {
		/* Said for the first few only: a guest must not flood the host's log. */
		if (++vcpu->vm->stats.nisv_refused <= NISV_REFUSALS_SHOWN)
			fprintf(stderr, "vmapple: vCPU %u: cannot emulate 0x%08x at pc 0x%llx "
				"(IPA 0x%llx): %s; the guest gets an external abort%s\n", vcpu->index,
				insn, (unsigned long long)pc,
				(unsigned long long)vcpu->run->arm_nisv.fault_ipa, strerror(-ret),
				vcpu->vm->stats.nisv_refused == NISV_REFUSALS_SHOWN ?
				" (more are counted in the exit summary, not shown)" : "");
		return vcpu_inject_sea(vcpu);
	}
	if (ctx.hit_vgic)
		vcpu->vm->stats.nisv_to_vgic++;
	return vcpu_set(vcpu, vcpu_reg_pc, pc + 4);
}
