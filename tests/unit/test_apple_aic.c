// SPDX-License-Identifier: GPL-2.0
/* test_apple_aic - the AICv1 register model, as Linux's irq-apple-aic.c drives it. */
#include "../../common/apple_aic.h"
#include "../../common/vmk_abi.h"
#include "tap.h"

/* Two e-cores and two p-cores, as the t8103 board lays out four vCPUs. */
static const u64 mpidrs[4] = { 0x0, 0x1, 0x10100, 0x10101 };
static struct apple_aic aic;
static u32 changed;

static u32 rd(u32 cpu, u32 off)
{
	return apple_aic_read(&aic, cpu, off, 4, &changed);
}

static void wr(u32 cpu, u32 off, u32 val)
{
	apple_aic_write(&aic, cpu, off, 4, val, &changed);
}

static u32 mask_reg(u32 irq)
{
	return 4 * (irq / 32);
}

static u32 mask_bit(u32 irq)
{
	return 1u << (irq % 32);
}

static void reset(void)
{
	apple_aic_init(&aic, AIC_T8103_NR_IRQS, 4, mpidrs);
}

static void test_init_and_ids(void)
{
	u64 twins[2] = { 0x1, 0x1 };
	u32 cpu;
	int same = 1;

	ok(apple_aic_init(&aic, 0, 4, mpidrs) == -EINVAL, "init: zero IRQs refused");
	ok(apple_aic_init(&aic, AIC_MAX_IRQS + 1, 4, mpidrs) == -EINVAL,
	   "init: more IRQs than the layout holds refused");
	ok(apple_aic_init(&aic, 32, AIC_MAX_CPUS + 1, mpidrs) == -EINVAL,
	   "init: more CPUs than IPI_SEND can name refused");
	ok(apple_aic_init(&aic, 32, 2, twins) == -EINVAL, "init: two CPUs with one MPIDR refused");
	reset();
	ok(rd(0, AIC_INFO) == AIC_T8103_NR_IRQS, "INFO: the IRQ count (896, as on an M1)");
	for (cpu = 0; cpu < 4; cpu++)
		same &= rd(cpu, AIC_WHOAMI) == cpu;
	ok(same, "WHOAMI: each CPU reads its own index");
	ok(rd(2, AIC_MASK_SET) == ~0u && rd(0, AIC_TARGET_CPU + 4 * 605) == 1,
	   "reset: every IRQ masked and aimed at CPU 0");
	wr(0, AIC_CONFIG, 0x1234);
	ok(rd(1, AIC_CONFIG) == 0x1234, "CONFIG: kept as written");
	ok(apple_aic_read(&aic, 0, AIC_INFO, 2, &changed) == 0 &&
	   apple_aic_read(&aic, 0, AIC_INFO + 1, 4, &changed) == 0,
	   "a 16-bit or unaligned read is zero");
	ok(apple_aic_read(&aic, 7, AIC_WHOAMI, 4, &changed) == 0 && changed == 0,
	   "an access from a CPU the AIC does not have is ignored");
}

static void test_event_priority_and_automask(void)
{
	reset();
	wr(0, AIC_TARGET_CPU + 4 * 605, 1);
	wr(0, AIC_TARGET_CPU + 4 * 40, 1);
	wr(0, AIC_MASK_CLR + mask_reg(605), mask_bit(605));
	wr(0, AIC_MASK_CLR + mask_reg(40), mask_bit(40));
	apple_aic_set_hw(&aic, 605, true, &changed);
	ok(changed == 1 && apple_aic_irq_line(&aic, 0), "a device line aimed at CPU 0 raises its IRQ");
	apple_aic_set_hw(&aic, 40, true, &changed);
	ok(rd(0, AIC_EVENT) == (0x10000 | 40), "EVENT: the lower IRQ number comes first");
	ok(rd(0, AIC_MASK_SET + mask_reg(40)) & mask_bit(40), "EVENT: the returned IRQ is masked");
	ok(rd(0, AIC_EVENT) == (0x10000 | 605), "EVENT: then the next one");
	ok(rd(0, AIC_EVENT) == 0 && !apple_aic_irq_line(&aic, 0),
	   "EVENT: zero when nothing is left; the line is down");
	wr(0, AIC_MASK_CLR + mask_reg(605), mask_bit(605));
	ok(apple_aic_irq_line(&aic, 0), "unmasking a line still high raises it again (level)");
	apple_aic_set_hw(&aic, 605, false, &changed);
	ok(!apple_aic_irq_line(&aic, 0) && !(rd(0, AIC_HW_STATE + mask_reg(605)) & mask_bit(605)),
	   "the device lowering its line lowers the IRQ and HW_STATE");
	wr(0, AIC_HW_STATE + mask_reg(40), ~0u);
	ok(rd(0, AIC_HW_STATE + mask_reg(40)) & mask_bit(40), "HW_STATE is read-only");
	ok(apple_aic_set_hw(&aic, AIC_T8103_NR_IRQS, true, &changed) == -EINVAL,
	   "a device line past the AIC's IRQs is refused");
}

static void test_targets_and_masks(void)
{
	reset();
	wr(0, AIC_TARGET_CPU + 4 * 100, 1u << 2);
	ok(changed == ((1u << 0) | (1u << 2)), "TARGET_CPU: the old and the new target are told");
	wr(0, AIC_MASK_CLR + mask_reg(100), mask_bit(100));
	apple_aic_set_hw(&aic, 100, true, &changed);
	ok(!apple_aic_irq_line(&aic, 0) && apple_aic_irq_line(&aic, 2),
	   "an IRQ reaches only its target");
	ok(rd(0, AIC_EVENT) == 0, "another CPU's EVENT does not take it");
	ok(rd(2, AIC_EVENT) == (0x10000 | 100), "its target's EVENT does");
	wr(0, AIC_TARGET_CPU + 4 * 101, (1u << 1) | (1u << 3));
	wr(0, AIC_MASK_CLR + mask_reg(101), mask_bit(101));
	apple_aic_set_hw(&aic, 101, true, &changed);
	ok(rd(1, AIC_EVENT) == (0x10000 | 101) && changed == ((1u << 1) | (1u << 3)) &&
	   !apple_aic_irq_line(&aic, 3),
	   "an IRQ aimed at two CPUs: one's EVENT masks it, both are told, the other's line falls");
	wr(0, AIC_TARGET_CPU + 4 * 100, 0xffffffff);
	ok(rd(0, AIC_TARGET_CPU + 4 * 100) == 0xf, "TARGET_CPU keeps only CPUs that exist");
	wr(0, AIC_TARGET_CPU + 4 * AIC_T8103_NR_IRQS, 1);
	ok(rd(0, AIC_TARGET_CPU + 4 * AIC_T8103_NR_IRQS) == 0 && changed == 0,
	   "TARGET_CPU past the IRQ count reads zero, ignores writes");
	wr(0, AIC_MASK_CLR + 4 * (AIC_BITMAP_WORDS - 1), ~0u);
	ok(rd(0, AIC_MASK_SET + 4 * (AIC_BITMAP_WORDS - 1)) == 0,
	   "bitmap bits past the IRQ count read zero");
}

static void test_sw_set(void)
{
	reset();
	wr(0, AIC_TARGET_CPU + 4 * 7, 1u << 1);
	wr(0, AIC_SW_SET, mask_bit(7));
	ok(!apple_aic_irq_line(&aic, 1), "SW_SET on a masked IRQ raises nothing");
	wr(0, AIC_MASK_CLR, mask_bit(7));
	ok(apple_aic_irq_line(&aic, 1) && (rd(1, AIC_SW_CLR) & mask_bit(7)),
	   "SW_SET then MASK_CLR raises it; SW_CLR reads the state too");
	ok(rd(1, AIC_EVENT) == (0x10000 | 7), "EVENT returns a software-set IRQ");
	wr(1, AIC_SW_CLR, mask_bit(7));
	wr(1, AIC_MASK_CLR, mask_bit(7));
	ok(!apple_aic_irq_line(&aic, 1), "SW_CLR drops it for good");
}

static void test_mmio_ipis(void)
{
	reset();
	wr(0, AIC_IPI_MASK_CLR, AIC_IPI_OTHER);
	wr(1, AIC_IPI_MASK_CLR, AIC_IPI_OTHER);
	wr(0, AIC_IPI_SEND, 1u << 1);
	ok(changed == (1u << 1) && apple_aic_irq_line(&aic, 1) && !apple_aic_irq_line(&aic, 0),
	   "IPI_SEND bit 1: CPU 1's IRQ, not the sender's");
	ok(rd(1, AIC_EVENT) == (0x40000 | AIC_EVENT_IPI_OTHER), "EVENT: an IPI, type 4, num 1");
	ok(!apple_aic_irq_line(&aic, 1) && (rd(1, AIC_IPI_MASK_SET) & AIC_IPI_OTHER),
	   "EVENT masks the IPI it returns");
	wr(1, AIC_IPI_MASK_CLR, AIC_IPI_OTHER);
	ok(apple_aic_irq_line(&aic, 1), "unmasking an IPI not acknowledged raises it again");
	wr(1, AIC_IPI_ACK, AIC_IPI_OTHER);
	ok(!apple_aic_irq_line(&aic, 1), "IPI_ACK drops it");
	wr(2, AIC_IPI_MASK_CLR, AIC_IPI_SELF);
	wr(2, AIC_IPI_SEND, AIC_IPI_SELF);
	ok(rd(2, AIC_EVENT) == (0x40000 | AIC_EVENT_IPI_SELF), "IPI_SEND bit 31: a self IPI");
	wr(0, AIC_CPU_VIEW + (3 << AIC_CPU_VIEW_SHIFT) + AIC_CPU_IPI_MASK_CLR, AIC_IPI_OTHER);
	wr(0, AIC_CPU_VIEW + (3 << AIC_CPU_VIEW_SHIFT) + AIC_CPU_IPI_SET, AIC_IPI_OTHER);
	ok(apple_aic_irq_line(&aic, 3) && rd(3, AIC_IPI_ACK) == AIC_IPI_OTHER,
	   "per-CPU view: CPU 0 sets CPU 3's IPI");
	wr(0, AIC_CPU_VIEW + (3 << AIC_CPU_VIEW_SHIFT) + AIC_CPU_IPI_CLR, AIC_IPI_OTHER);
	ok(!apple_aic_irq_line(&aic, 3), "per-CPU view: and clears it");
	wr(0, AIC_CPU_VIEW + (9 << AIC_CPU_VIEW_SHIFT) + AIC_CPU_IPI_SET, AIC_IPI_OTHER);
	ok(changed == 0, "a per-CPU view of a CPU that does not exist is ignored");
}

static void test_fast_ipi_decode(void)
{
	u32 type;

	reset();
	ok(apple_aic_fast_ipi_target(&aic, 0, false, 1, &type) == 1 && type == AIC_IPI_RR_IMMEDIATE,
	   "IPI_RR_LOCAL from an e-core: CPU field 1 is e-core 1");
	ok(apple_aic_fast_ipi_target(&aic, 2, false, 1, &type) == 3,
	   "IPI_RR_LOCAL from a p-core: the same field names p-core 1");
	ok(apple_aic_fast_ipi_target(&aic, 0, true, (1u << 16) | 0, &type) == 2,
	   "IPI_RR_GLOBAL: cluster 1, CPU 0 is the first p-core");
	ok(apple_aic_fast_ipi_target(&aic, 0, true, (2u << 28) | 1, &type) == 1 &&
	   type == AIC_IPI_RR_DEFERRED, "IPI_RR type field: deferred");
	ok(apple_aic_fast_ipi_target(&aic, 0, false, 5, &type) == -ENOENT,
	   "IPI_RR to a CPU that does not exist: -ENOENT");
	ok(apple_aic_sysreg_from_iss((3u << 20) | (1u << 17) | (5u << 14) | (15u << 10) | (1u << 1)) ==
	   AIC_SYSREG_IPI_SR, "an ESR ISS decodes to s3_5_c15_c1_1 (IPI_SR)");
	ok(apple_aic_sysreg_known(AIC_SYSREG_PMCR0) && !apple_aic_sysreg_known(AIC_SYSREG(3, 0, 15, 0, 0)),
	   "PMCR0 is answered; an unknown IMPDEF register is not");
}

static void test_hostile(void)
{
	u32 off, all = 0, cpu;

	reset();
	for (off = 0; off < AIC_WINDOW_SIZE + 64; off++) {
		u32 len = 1u << (off % 4);

		apple_aic_write(&aic, off % 5, off, len, 0xffffffff, &changed);
		all |= changed;
		apple_aic_read(&aic, off % 5, off, len, &changed);
		all |= changed;
	}
	ok(!(all & ~0xfu), "every offset, width and CPU: only CPUs that exist are ever named");
	for (cpu = 0; cpu < 4; cpu++)
		while (rd(cpu, AIC_EVENT))
			;
	ok(1, "and EVENT drains on every CPU afterwards");
}

static void test_ioctl_checks(void)
{
	struct vmapple_kvm_aic a = {
		.api_version = VMAPPLE_KVM_API_VERSION, .base = 0x23b100000ull,
		.nr_irqs = AIC_T8103_NR_IRQS, .nr_cpus = 2, .mpidr = { 0x0, 0x10100 },
	};
	struct vmapple_kvm_aic b;
	struct vmapple_kvm_aic_irq irq = { .api_version = VMAPPLE_KVM_API_VERSION, .irq = 605,
					   .level = 1 };

	ok(vmk_abi_check_aic(&a) == 0, "SET_AIC: the t8103 board's request passes");
	b = a, b.api_version = 0;
	ok(vmk_abi_check_aic(&b) == -EPROTONOSUPPORT, "SET_AIC: another ABI version");
	b = a, b.flags = 1;
	ok(vmk_abi_check_aic(&b) == -EINVAL, "SET_AIC: a flag (none is defined)");
	b = a, b.base += 0x4000;
	ok(vmk_abi_check_aic(&b) == -EINVAL, "SET_AIC: a window not 32 KiB aligned");
	b = a, b.base = ~0ull & ~(u64)(AIC_WINDOW_SIZE - 1);
	ok(vmk_abi_check_aic(&b) == -EINVAL, "SET_AIC: a window that wraps");
	b = a, b.nr_irqs = AIC_MAX_IRQS + 1;
	ok(vmk_abi_check_aic(&b) == -EINVAL, "SET_AIC: more IRQs than the model");
	b = a, b.nr_cpus = 0;
	ok(vmk_abi_check_aic(&b) == -EINVAL, "SET_AIC: no CPUs");
	b = a, b.mpidr[1] = 0;
	ok(vmk_abi_check_aic(&b) == -EINVAL, "SET_AIC: two CPUs with one MPIDR");
	b = a, b.mpidr[1] = 1ull << 32;
	ok(vmk_abi_check_aic(&b) == -EINVAL, "SET_AIC: an MPIDR beyond Aff2..Aff0");
	b = a, b.mpidr[5] = 7;
	ok(vmk_abi_check_aic(&b) == -EINVAL, "SET_AIC: an MPIDR past nr_cpus");
	b = a, b.reserved[3] = 1;
	ok(vmk_abi_check_aic(&b) == -EINVAL, "SET_AIC: reserved not zero");
	ok(vmk_abi_check_aic_irq(&irq) == 0, "AIC_IRQ: line 605 up passes");
	irq.level = 2;
	ok(vmk_abi_check_aic_irq(&irq) == -EINVAL, "AIC_IRQ: a level other than 0 or 1");
	irq.level = 0, irq.irq = AIC_MAX_IRQS;
	ok(vmk_abi_check_aic_irq(&irq) == -EINVAL, "AIC_IRQ: a line past the model's");
	irq.irq = 1, irq.reserved = 1;
	ok(vmk_abi_check_aic_irq(&irq) == -EINVAL, "AIC_IRQ: reserved not zero");
}

int main(void)
{
	test_ioctl_checks();
	test_init_and_ids();
	test_event_priority_and_automask();
	test_targets_and_masks();
	test_sw_set();
	test_mmio_ipis();
	test_fast_ipi_decode();
	test_hostile();
	return tap_done();
}
