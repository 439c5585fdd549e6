// SPDX-License-Identifier: GPL-2.0
/* stat_view.c - print the module's per-VM counters (see stat_view.h). */
#include "stat_view.h"

static const char *const stat_names[VMAPPLE_KVM_NR_STATS] = {
	[VMAPPLE_KVM_STAT_ISV0_KERNEL] = "isv0_kernel",
	[VMAPPLE_KVM_STAT_ISV0_USER] = "isv0_user",
	[VMAPPLE_KVM_STAT_ISV0_USER_EXITS] = "isv0_user_exits",
	[VMAPPLE_KVM_STAT_ISV0_FALLBACK] = "isv0_fallback",
	[VMAPPLE_KVM_STAT_ISV0_ABORTED] = "isv0_aborted",
	[VMAPPLE_KVM_STAT_HVC_KERNEL] = "hvc_kernel",
	[VMAPPLE_KVM_STAT_HVC_LEFT] = "hvc_left",
	[VMAPPLE_KVM_STAT_MSI_KERNEL] = "msi_kernel",
	[VMAPPLE_KVM_STAT_MSI_DROPPED] = "msi_dropped",
	[VMAPPLE_KVM_STAT_PAC_LOADS] = "pac_loads",
	[VMAPPLE_KVM_STAT_PAC_PUTS] = "pac_puts",
	[VMAPPLE_KVM_STAT_AIC_MMIO] = "aic_mmio",
	[VMAPPLE_KVM_STAT_AIC_SYSREG] = "aic_sysreg",
	[VMAPPLE_KVM_STAT_AIC_FAST_IPI] = "aic_fast_ipi",
	[VMAPPLE_KVM_STAT_AIC_TIMER_FIQ] = "aic_timer_fiq",
};

const char *stat_name(unsigned int stat)
{
	return stat < VMAPPLE_KVM_NR_STATS && stat_names[stat] ? stat_names[stat] : "?";
}

static const struct vmapple_kvm_vm_stats *find_vm(const struct vmapple_kvm_vm_stats *vms,
						  unsigned int n, __u32 vm_id)
{
	unsigned int i;

	for (i = 0; vms && i < n; i++)
		if (vms[i].vm_id == vm_id)
			return &vms[i];
	return NULL;
}

void stat_print(FILE *out, const struct vmapple_kvm_vm_stats *now, unsigned int n,
		const struct vmapple_kvm_vm_stats *prev, unsigned int n_prev, double seconds)
{
	unsigned int i, s;

	if (!n) {
		fprintf(out, "no VM is attached to vmapple_kvm\n");
		return;
	}
	for (i = 0; i < n; i++) {
		const struct vmapple_kvm_vm_stats *p = find_vm(prev, n_prev, now[i].vm_id);

		fprintf(out, "VM %u (pid %d, %u vCPUs with hooked exits)\n", now[i].vm_id,
			now[i].pid, now[i].nr_vcpus);
		fprintf(out, "  %-18s %14s %12s\n", "counter", "total", p ? "per second" : "");
		for (s = 0; s < VMAPPLE_KVM_NR_STATS; s++) {
			fprintf(out, "  %-18s %14llu", stat_name(s),
				(unsigned long long)now[i].counters[s]);
			if (p && seconds > 0 && now[i].counters[s] >= p->counters[s])
				fprintf(out, " %12.0f",
					(double)(now[i].counters[s] - p->counters[s]) / seconds);
			fputc('\n', out);
		}
	}
}
