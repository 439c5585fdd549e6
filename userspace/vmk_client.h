/* SPDX-License-Identifier: GPL-2.0 */
/* vmk_client.h - the launcher's side of /dev/vmapple_kvm. */
#ifndef VMAPPLE_VMK_CLIENT_H
#define VMAPPLE_VMK_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vmapple_kvm.h>

#include "../common/apple_hvc.h"

/* How many attached VMs one stats query looks at. */
#define VMK_STATS_MAX_VMS 64

/* Open the module's device; -1 with a message naming @path on failure. */
int vmk_open(const char *path, char *err, size_t err_len);

/* 0, or a negative errno. */
int vmk_get_info(int dev_fd, struct vmapple_kvm_info *info);
int vmk_attach_vm(int dev_fd, int vm_fd);

/* Have the module answer the attached VM's Apple hypercalls with @cfg. */
int vmk_set_apple_hvc(int dev_fd, const struct apple_hvc_config *cfg);
/* ... with VMAPPLE_KVM_APPLE_HVC_F_* @flags. */
int vmk_set_apple_hvc_flags(int dev_fd, const struct apple_hvc_config *cfg, uint32_t flags);

/* Have the module serve the attached VM's GICv2m frame: 0 or -errno. */
int vmk_set_gicv2m(int dev_fd, uint64_t base, uint32_t first_intid, uint32_t nr_spis);

/*
 * Have the module be the attached VM's AIC (VMAPPLE_KVM_SET_AIC): @nr_cpus
 * MPIDRs at @mpidr; @flags 0 (none is defined yet).  0 or -errno.
 */
int vmk_set_aic(int dev_fd, uint64_t base, uint32_t nr_irqs, uint32_t nr_cpus,
		const uint64_t *mpidr, uint32_t flags);

/* Drive device line @irq of the module's AIC: 0 or -errno. */
int vmk_aic_irq(int dev_fd, uint32_t irq, bool level);

/*
 * Counters of every attached VM: fills up to *@nr entries of @out and sets
 * *@nr to how many VMs are attached.  0, or a negative errno.
 */
int vmk_get_vm_stats(int dev_fd, struct vmapple_kvm_vm_stats *out, unsigned int *nr);

/* The counters of the VM attached by process @pid: 0, -ESRCH, or -errno. */
int vmk_get_own_vm_stats(int dev_fd, int pid, struct vmapple_kvm_vm_stats *out);

/* "ftrace", "kprobe" or "none". */
const char *vmk_mechanism_name(unsigned int mechanism);

/* What an errno from VMAPPLE_KVM_ATTACH_VM means, in words. */
const char *vmk_attach_strerror(int err);

#endif
