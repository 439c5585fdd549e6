// SPDX-License-Identifier: GPL-2.0
/*
 * apple_aic.c - the AICv1 register model (see apple_aic.h).
 *
 * Semantics, from the driver's header comment and the Asahi notes the spec
 * quotes: level-triggered lines, one mask bit per IRQ, software bits ORed
 * with the device line, one EVENT register per CPU that acknowledges by
 * masking what it returns, lower numbers first.  Where the sources are
 * silent (HW IRQs against IPIs) the model returns HW IRQs first: the
 * driver loops on EVENT until it reads zero, so the order never loses one.
 */
#include "apple_aic.h"

#define AIC_ALL_CPUS(aic)	((u32)GENMASK((aic)->nr_cpus - 1, 0))

static u32 aic_cpu_bit(u32 cpu)
{
	return (u32)BIT(cpu);
}

int apple_aic_init(struct apple_aic *aic, u32 nr_irqs, u32 nr_cpus, const u64 *mpidrs)
{
	u32 i, j;

	if (!nr_irqs || nr_irqs > AIC_MAX_IRQS || !nr_cpus || nr_cpus > AIC_MAX_CPUS)
		return -EINVAL;
	for (i = 0; i < nr_cpus; i++)
		for (j = 0; j < i; j++)
			if (mpidrs[i] == mpidrs[j])
				return -EINVAL;
	memset(aic, 0, sizeof(*aic));
	aic->nr_irqs = nr_irqs;
	aic->nr_cpus = nr_cpus;
	for (i = 0; i < AIC_BITMAP_WORDS; i++)
		aic->mask[i] = ~0u;
	for (i = 0; i < nr_irqs; i++)
		aic->target[i] = aic_cpu_bit(0);
	for (i = 0; i < nr_cpus; i++) {
		aic->cpu[i].mpidr = mpidrs[i];
		aic->cpu[i].ipi_mask = AIC_IPI_BITS;
	}
	return 0;
}

/* The bits of bitmap word @w that name IRQs this AIC has. */
static u32 aic_word_valid(const struct apple_aic *aic, u32 w)
{
	u32 first = w * 32;

	if (first >= aic->nr_irqs)
		return 0;
	if (aic->nr_irqs - first >= 32)
		return ~0u;
	return (u32)GENMASK(aic->nr_irqs - first - 1, 0);
}

static u32 aic_word_pending(const struct apple_aic *aic, u32 w)
{
	return (aic->hw[w] | aic->sw[w]) & ~aic->mask[w] & aic_word_valid(aic, w);
}

/* Every CPU any pending-state change in word @w (bits @bits) can reach. */
static u32 aic_word_targets(const struct apple_aic *aic, u32 w, u32 bits)
{
	u32 cpus = 0;

	bits &= aic_word_valid(aic, w);
	while (bits) {
		u32 b = __builtin_ctz(bits);

		cpus |= aic->target[w * 32 + b];
		bits &= bits - 1;
	}
	return cpus;
}

bool apple_aic_irq_line(const struct apple_aic *aic, u32 cpu)
{
	const struct apple_aic_cpu *c = &aic->cpu[cpu];
	u32 w;

	if (c->ipi_pending & ~c->ipi_mask)
		return true;
	for (w = 0; w < AIC_BITMAP_WORDS; w++)
		if (aic_word_pending(aic, w) &&
		    (aic_word_targets(aic, w, aic_word_pending(aic, w)) & aic_cpu_bit(cpu)))
			return true;
	return false;
}

/*
 * EVENT: the first pending IRQ aimed at @cpu, else its IPIs; masked as it
 * is returned.  *@changed: every CPU that IRQ was aimed at (its mask bit is
 * theirs too).
 */
static u32 aic_event(struct apple_aic *aic, u32 cpu, u32 *changed)
{
	struct apple_aic_cpu *c = &aic->cpu[cpu];
	u32 w, ipis;

	for (w = 0; w < AIC_BITMAP_WORDS; w++) {
		u32 bits = aic_word_pending(aic, w);

		while (bits) {
			u32 b = __builtin_ctz(bits);
			u32 irq = w * 32 + b;

			if (aic->target[irq] & aic_cpu_bit(cpu)) {
				aic->mask[w] |= aic_cpu_bit(b);
				*changed |= aic->target[irq];
				return FIELD_PREP(AIC_EVENT_TYPE, AIC_EVENT_TYPE_IRQ) |
				       FIELD_PREP(AIC_EVENT_NUM, irq);
			}
			bits &= bits - 1;
		}
	}
	ipis = c->ipi_pending & ~c->ipi_mask;
	if (ipis & AIC_IPI_OTHER) {
		c->ipi_mask |= AIC_IPI_OTHER;
		return FIELD_PREP(AIC_EVENT_TYPE, AIC_EVENT_TYPE_IPI) | AIC_EVENT_IPI_OTHER;
	}
	if (ipis & AIC_IPI_SELF) {
		c->ipi_mask |= AIC_IPI_SELF;
		return FIELD_PREP(AIC_EVENT_TYPE, AIC_EVENT_TYPE_IPI) | AIC_EVENT_IPI_SELF;
	}
	return 0;
}

/* The "this CPU" IPI registers and their per-CPU views, on CPU @cpu. */
static u32 aic_ipi_read(const struct apple_aic_cpu *c, u32 reg)
{
	return reg == AIC_CPU_IPI_MASK_SET || reg == AIC_CPU_IPI_MASK_CLR ? c->ipi_mask :
									      c->ipi_pending;
}

static void aic_ipi_write(struct apple_aic_cpu *c, u32 reg, u32 val)
{
	val &= AIC_IPI_BITS;
	switch (reg) {
	case AIC_CPU_IPI_SET:
		c->ipi_pending |= val;
		break;
	case AIC_CPU_IPI_CLR:
		c->ipi_pending &= ~val;
		break;
	case AIC_CPU_IPI_MASK_SET:
		c->ipi_mask |= val;
		break;
	case AIC_CPU_IPI_MASK_CLR:
		c->ipi_mask &= ~val;
		break;
	}
}

static bool aic_cpu_view(const struct apple_aic *aic, u32 offset, u32 *cpu, u32 *reg)
{
	u32 rel;

	if (offset < AIC_CPU_VIEW)
		return false;
	rel = offset - AIC_CPU_VIEW;
	*cpu = rel >> AIC_CPU_VIEW_SHIFT;
	*reg = rel & (BIT(AIC_CPU_VIEW_SHIFT) - 1);
	if (*cpu >= aic->nr_cpus)
		return false;
	return *reg == AIC_CPU_IPI_SET || *reg == AIC_CPU_IPI_CLR ||
	       *reg == AIC_CPU_IPI_MASK_SET || *reg == AIC_CPU_IPI_MASK_CLR;
}

static u32 *aic_bitmap(struct apple_aic *aic, u32 offset, u32 *w)
{
	if (offset < AIC_SW_SET || offset >= AIC_HW_STATE + 4 * AIC_BITMAP_WORDS)
		return NULL;
	*w = (offset & (4 * AIC_BITMAP_WORDS - 1)) / 4;
	if (offset < AIC_MASK_SET)
		return aic->sw;
	if (offset < AIC_HW_STATE)
		return aic->mask;
	return aic->hw;
}

u32 apple_aic_read(struct apple_aic *aic, u32 cpu, u32 offset, u32 len, u32 *changed)
{
	u32 view_cpu, reg, w, *map;

	*changed = 0;
	if (len != 4 || (offset & 3) || offset >= AIC_WINDOW_SIZE || cpu >= aic->nr_cpus)
		return 0;
	switch (offset) {
	case AIC_INFO:
		return FIELD_PREP(AIC_INFO_NR_IRQ, aic->nr_irqs);
	case AIC_CONFIG:
		return aic->config;
	case AIC_WHOAMI:
		return cpu;
	case AIC_EVENT:
		*changed = aic_cpu_bit(cpu);
		return aic_event(aic, cpu, changed);
	case AIC_IPI_SEND:
	case AIC_IPI_ACK:
		return aic->cpu[cpu].ipi_pending;
	case AIC_IPI_MASK_SET:
	case AIC_IPI_MASK_CLR:
		return aic->cpu[cpu].ipi_mask;
	}
	if (offset >= AIC_TARGET_CPU && offset < AIC_TARGET_CPU + 4 * AIC_MAX_IRQS) {
		u32 irq = (offset - AIC_TARGET_CPU) / 4;

		return irq < aic->nr_irqs ? aic->target[irq] : 0;
	}
	map = aic_bitmap(aic, offset, &w);
	if (map)
		return map[w] & aic_word_valid(aic, w);
	if (aic_cpu_view(aic, offset, &view_cpu, &reg))
		return aic_ipi_read(&aic->cpu[view_cpu], reg);
	return 0;
}

static void aic_write_bitmap(struct apple_aic *aic, u32 offset, u32 w, u32 val, u32 *changed)
{
	val &= aic_word_valid(aic, w);
	if (!val)
		return;
	if (offset < AIC_SW_CLR)
		aic->sw[w] |= val;
	else if (offset < AIC_MASK_SET)
		aic->sw[w] &= ~val;
	else if (offset < AIC_MASK_CLR)
		aic->mask[w] |= val;
	else if (offset < AIC_HW_STATE)
		aic->mask[w] &= ~val;
	else
		return;		/* HW_STATE is the device lines': read-only */
	*changed |= aic_word_targets(aic, w, val);
}

void apple_aic_write(struct apple_aic *aic, u32 cpu, u32 offset, u32 len, u32 val,
		     u32 *changed)
{
	struct apple_aic_cpu *self;
	u32 view_cpu, reg, w;

	*changed = 0;
	if (len != 4 || (offset & 3) || offset >= AIC_WINDOW_SIZE || cpu >= aic->nr_cpus)
		return;
	self = &aic->cpu[cpu];
	switch (offset) {
	case AIC_CONFIG:
		aic->config = val;
		return;
	case AIC_IPI_SEND:
		/* Bit n: an "other" IPI to CPU n; bit 31: a "self" IPI. */
		for (w = 0; w < aic->nr_cpus; w++)
			if (val & aic_cpu_bit(w) & ~AIC_IPI_SELF)
				aic->cpu[w].ipi_pending |= AIC_IPI_OTHER;
		*changed = val & AIC_ALL_CPUS(aic) & ~AIC_IPI_SELF;
		if (val & AIC_IPI_SELF) {
			self->ipi_pending |= AIC_IPI_SELF;
			*changed |= aic_cpu_bit(cpu);
		}
		return;
	case AIC_IPI_ACK:
		aic_ipi_write(self, AIC_CPU_IPI_CLR, val);
		*changed = aic_cpu_bit(cpu);
		return;
	case AIC_IPI_MASK_SET:
	case AIC_IPI_MASK_CLR:
		aic_ipi_write(self, offset - 0x2000, val);
		*changed = aic_cpu_bit(cpu);
		return;
	}
	if (offset >= AIC_TARGET_CPU && offset < AIC_TARGET_CPU + 4 * AIC_MAX_IRQS) {
		u32 irq = (offset - AIC_TARGET_CPU) / 4;

		if (irq >= aic->nr_irqs)
			return;
		*changed = aic->target[irq];
		aic->target[irq] = val & AIC_ALL_CPUS(aic);
		*changed |= aic->target[irq];
		return;
	}
	if (aic_bitmap(aic, offset, &w)) {
		aic_write_bitmap(aic, offset, w, val, changed);
		return;
	}
	if (aic_cpu_view(aic, offset, &view_cpu, &reg)) {
		aic_ipi_write(&aic->cpu[view_cpu], reg, val);
		*changed = aic_cpu_bit(view_cpu);
	}
}

int apple_aic_set_hw(struct apple_aic *aic, u32 irq, bool level, u32 *changed)
{
	u32 w = irq / 32, bit;

	*changed = 0;
	if (irq >= aic->nr_irqs)
		return -EINVAL;
	bit = aic_cpu_bit(irq % 32);
	if (!!(aic->hw[w] & bit) == level)
		return 0;
	if (level)
		aic->hw[w] |= bit;
	else
		aic->hw[w] &= ~bit;
	*changed = aic->target[irq];
	return 0;
}

int apple_aic_fast_ipi_target(const struct apple_aic *aic, u32 cpu, bool global, u64 val,
			      u32 *type)
{
	u64 self = aic->cpu[cpu].mpidr;
	u64 aff1 = global ? FIELD_GET(AIC_IPI_RR_CLUSTER, val) : FIELD_GET(AIC_MPIDR_AFF1, self);
	u64 aff0 = FIELD_GET(AIC_IPI_RR_CPU, val);
	u32 i;

	*type = FIELD_GET(AIC_IPI_RR_TYPE, val);
	/* Clusters are named by Aff1 alone, as the driver names them. */
	for (i = 0; i < aic->nr_cpus; i++) {
		u64 m = aic->cpu[i].mpidr;

		if (FIELD_GET(AIC_MPIDR_AFF0, m) == aff0 && FIELD_GET(AIC_MPIDR_AFF1, m) == aff1)
			return i;
	}
	return -ENOENT;
}

bool apple_aic_sysreg_known(u32 encoding)
{
	switch (encoding) {
	case AIC_SYSREG_IPI_RR_LOCAL:
	case AIC_SYSREG_IPI_RR_GLOBAL:
	case AIC_SYSREG_IPI_SR:
	case AIC_SYSREG_IPI_CR:
	case AIC_SYSREG_PMCR0:
	case AIC_SYSREG_UPMCR0:
	case AIC_SYSREG_UPMSR:
		return true;
	}
	return false;
}
