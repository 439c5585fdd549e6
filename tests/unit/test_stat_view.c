// SPDX-License-Identifier: GPL-2.0
/* test_stat_view - `vmapple stat`'s table: totals, rates, VMs matched by id. */
#include <stdlib.h>
#include <string.h>

#include "../../userspace/stat_view.h"
#include "tap.h"

static char *render(const struct vmapple_kvm_vm_stats *now, unsigned int n,
		    const struct vmapple_kvm_vm_stats *prev, unsigned int n_prev, double secs)
{
	static char buf[8192];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	stat_print(f, now, n, prev, n_prev, secs);
	fclose(f);
	return buf;
}

int main(void)
{
	struct vmapple_kvm_vm_stats now[2] = { 0 }, prev[1] = { 0 };
	char *out;
	unsigned int s;

	ok(strstr(render(now, 0, NULL, 0, 1), "no VM is attached") != NULL,
	   "no VM: says so");

	now[0].vm_id = 7;
	now[0].pid = 1234;
	now[0].nr_vcpus = 2;
	now[0].counters[VMAPPLE_KVM_STAT_ISV0_KERNEL] = 5000;
	now[1].vm_id = 9;
	prev[0].vm_id = 7;
	prev[0].counters[VMAPPLE_KVM_STAT_ISV0_KERNEL] = 3000;
	out = render(now, 2, prev, 1, 2.0);
	ok(strstr(out, "VM 7 (pid 1234, 2 vCPUs") != NULL, "a VM's header names its id and pid");
	ok(strstr(out, "isv0_kernel") && strstr(out, "5000") && strstr(out, " 1000\n"),
	   "rate is the difference over the interval (2000 in 2 s)");
	ok(strstr(strstr(out, "VM 9"), "per second") == NULL,
	   "a VM absent from the previous sample shows totals only");

	for (s = 0; s < VMAPPLE_KVM_NR_STATS; s++)
		ok(strcmp(stat_name(s), "?") != 0, "counter %u has a name (%s)", s, stat_name(s));
	ok(!strcmp(stat_name(VMAPPLE_KVM_NR_STATS), "?"), "an unknown counter is '?'");
	return tap_done();
}
