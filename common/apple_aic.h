/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apple_aic.h - the Apple Interrupt Controller of the t8103 board (AICv1
 * with fast IPIs), as a pure model: its MMIO registers, the lines it drives
 * and the decoding of the fast-IPI system registers.
 *
 * Register facts: shared/specs/kvm-arm64-hooks.md section 4, checked against
 * Linux 6.12's drivers/irqchip/irq-apple-aic.c (the driver that judges this)
 * and arch/arm64/boot/dts/apple/t8103.dtsi.
 *
 * The model keeps no lock and sleeps nowhere: the module serialises calls
 * with a spinlock and applies the lines (HCR_EL2.VI) itself; the unit tests
 * drive it directly.  Every value a guest passes is bounded here.
 */
#ifndef VMK_APPLE_AIC_H
#define VMK_APPLE_AIC_H

#include "vmk_types.h"

#define AIC_WINDOW_SIZE		0x8000	/* t8103: reg = <0x2 0x3b100000 0x0 0x8000> */
#define AIC_MAX_IRQS		0x400	/* the driver's AIC_MAX_IRQ: the bitmap layout */
#define AIC_T8103_NR_IRQS	896	/* what AIC_INFO reports on an M1 */
#define AIC_MAX_CPUS		16	/* a t8103 has 8; IPI_SEND bit 31 means "self" */

/* Global registers. */
#define AIC_INFO		0x0004
#define AIC_INFO_NR_IRQ		GENMASK(15, 0)
#define AIC_CONFIG		0x0010
/* "This CPU" registers: each vCPU sees its own. */
#define AIC_WHOAMI		0x2000
#define AIC_EVENT		0x2004
#define AIC_EVENT_TYPE		GENMASK(23, 16)
#define AIC_EVENT_NUM		GENMASK(15, 0)
#define AIC_EVENT_TYPE_IRQ	1
#define AIC_EVENT_TYPE_IPI	4
#define AIC_EVENT_IPI_OTHER	1
#define AIC_EVENT_IPI_SELF	2
#define AIC_IPI_SEND		0x2008
#define AIC_IPI_ACK		0x200c
#define AIC_IPI_MASK_SET	0x2024
#define AIC_IPI_MASK_CLR	0x2028
#define AIC_IPI_OTHER		BIT(0)
#define AIC_IPI_SELF		BIT(31)
#define AIC_IPI_BITS		(AIC_IPI_OTHER | AIC_IPI_SELF)
/* Per-IRQ target masks, then the bitmaps, each AIC_MAX_IRQS / 32 words. */
#define AIC_TARGET_CPU		0x3000
#define AIC_SW_SET		0x4000
#define AIC_SW_CLR		0x4080
#define AIC_MASK_SET		0x4100
#define AIC_MASK_CLR		0x4180
#define AIC_HW_STATE		0x4200
#define AIC_BITMAP_WORDS	(AIC_MAX_IRQS / 32)
/* Explicit per-CPU IPI views: 0x5000 + (cpu << 7) + the "this CPU" offset. */
#define AIC_CPU_VIEW		0x5000
#define AIC_CPU_VIEW_SHIFT	7
#define AIC_CPU_IPI_SET		0x08
#define AIC_CPU_IPI_CLR		0x0c
#define AIC_CPU_IPI_MASK_SET	0x24
#define AIC_CPU_IPI_MASK_CLR	0x28

/*
 * Fast IPIs: Apple's IMPDEF system registers, as ESR_EL2.ISS encodes them
 * (op0, op1, CRn, CRm, op2).  IPI_RR_* send, IPI_SR holds this CPU's
 * pending bit (write one to clear), IPI_CR the deferred countdown.
 */
#define AIC_SYSREG(op0, op1, crn, crm, op2) \
	(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))
#define AIC_SYSREG_IPI_RR_LOCAL		AIC_SYSREG(3, 5, 15, 0, 0)
#define AIC_SYSREG_IPI_RR_GLOBAL	AIC_SYSREG(3, 5, 15, 0, 1)
#define AIC_SYSREG_IPI_SR		AIC_SYSREG(3, 5, 15, 1, 1)
#define AIC_SYSREG_IPI_CR		AIC_SYSREG(3, 5, 15, 3, 1)
/* Read on every FIQ by the driver: the PMUs are modelled as never firing. */
#define AIC_SYSREG_PMCR0		AIC_SYSREG(3, 1, 15, 0, 0)
#define AIC_SYSREG_UPMCR0		AIC_SYSREG(3, 7, 15, 0, 4)
#define AIC_SYSREG_UPMSR		AIC_SYSREG(3, 7, 15, 6, 4)

#define AIC_IPI_RR_CPU		GENMASK(7, 0)
#define AIC_IPI_RR_CLUSTER	GENMASK(23, 16)
#define AIC_IPI_RR_TYPE		GENMASK(29, 28)
#define AIC_IPI_RR_IMMEDIATE	0
#define AIC_IPI_RR_RETRACT	1
#define AIC_IPI_RR_DEFERRED	2
#define AIC_IPI_RR_NOWAKE	3
#define AIC_IPI_SR_PENDING	BIT(0)
#define AIC_IPI_CR_COUNTDOWN	GENMASK(15, 0)
#define AIC_PMCR0_IACT		BIT(11)

#define AIC_MPIDR_AFF0		GENMASK(7, 0)
#define AIC_MPIDR_AFF1		GENMASK(15, 8)
#define AIC_MPIDR_AFF2		GENMASK(23, 16)

struct apple_aic_cpu {
	u32 ipi_pending;	/* AIC_IPI_OTHER / AIC_IPI_SELF */
	u32 ipi_mask;		/* set by EVENT reads and MASK_SET, cleared by MASK_CLR */
	u64 mpidr;		/* how fast IPIs name it */
};

struct apple_aic {
	u32 nr_irqs;		/* 1..AIC_MAX_IRQS, as AIC_INFO says */
	u32 nr_cpus;		/* 1..AIC_MAX_CPUS */
	u32 config;		/* AIC_CONFIG: kept, meaning nothing here */
	u32 target[AIC_MAX_IRQS];	/* CPU bitmask per IRQ */
	u32 sw[AIC_BITMAP_WORDS];	/* software-set lines */
	u32 mask[AIC_BITMAP_WORDS];	/* 1 = masked */
	u32 hw[AIC_BITMAP_WORDS];	/* device lines, as the VMM drives them */
	struct apple_aic_cpu cpu[AIC_MAX_CPUS];
};

/*
 * A reset AIC: every IRQ masked and aimed at CPU 0, IPIs masked.  -EINVAL
 * when @nr_irqs or @nr_cpus is out of range, or two MPIDRs are the same.
 */
int apple_aic_init(struct apple_aic *aic, u32 nr_irqs, u32 nr_cpus, const u64 *mpidrs);

/*
 * A 32-bit access by @cpu at @offset into the window.  Other widths and
 * unaligned offsets read as zero and are ignored, as are offsets the
 * model does not know.  *@changed gets a bit per CPU whose IRQ line may
 * have changed (apply apple_aic_irq_line() to each).
 */
u32 apple_aic_read(struct apple_aic *aic, u32 cpu, u32 offset, u32 len, u32 *changed);
void apple_aic_write(struct apple_aic *aic, u32 cpu, u32 offset, u32 len, u32 val,
		     u32 *changed);

/* The VMM's device line @irq; -EINVAL when out of range. */
int apple_aic_set_hw(struct apple_aic *aic, u32 irq, bool level, u32 *changed);

/* Is @cpu's IRQ line (HCR_EL2.VI) up: an unmasked IRQ aimed at it, or an unmasked IPI? */
bool apple_aic_irq_line(const struct apple_aic *aic, u32 cpu);

/*
 * A fast-IPI request written by @cpu to IPI_RR_LOCAL (@global false) or
 * IPI_RR_GLOBAL: returns the target CPU's index, or -ENOENT when no CPU
 * has that MPIDR, and sets *@type to AIC_IPI_RR_*.
 */
int apple_aic_fast_ipi_target(const struct apple_aic *aic, u32 cpu, bool global, u64 val,
			      u32 *type);

/* The IMPDEF registers the model answers (AIC_SYSREG_*); others are UNDEF. */
bool apple_aic_sysreg_known(u32 encoding);

/* An ESR_ELx ISS of a trapped MSR/MRS (EC 0x18): its AIC_SYSREG() encoding. */
static inline u32 apple_aic_sysreg_from_iss(u32 iss)
{
	return AIC_SYSREG((iss >> 20) & 3, (iss >> 14) & 7, (iss >> 10) & 15,
			  (iss >> 1) & 15, (iss >> 17) & 7);
}

#endif
