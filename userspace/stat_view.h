/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stat_view.h - `vmapple stat`: the module's per-VM counters as a table of
 * totals and per-second rates, like kvm_stat.  Pure, so unit-tested.
 */
#ifndef VMAPPLE_STAT_VIEW_H
#define VMAPPLE_STAT_VIEW_H

#include <stdio.h>

#include <linux/vmapple_kvm.h>

/* The counter's name, as the table and the run summary print it. */
const char *stat_name(unsigned int stat);

/*
 * Print @now (@n VMs).  @prev (@n_prev VMs, matched by vm_id) taken
 * @seconds earlier gives the rates; with no @prev only totals are shown.
 */
void stat_print(FILE *out, const struct vmapple_kvm_vm_stats *now, unsigned int n,
		const struct vmapple_kvm_vm_stats *prev, unsigned int n_prev, double seconds);

#endif
