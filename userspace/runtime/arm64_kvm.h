/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64_kvm.h - <linux/kvm.h> plus the arm64 KVM uAPI that Debian 12's
 * cross libc headers (Linux 6.1) predate.  Values from Linux 6.12's uapi.
 */
#ifndef VMAPPLE_ARM64_KVM_H
#define VMAPPLE_ARM64_KVM_H

#include <linux/kvm.h>

#ifndef KVM_ARM_VM_SMCCC_CTRL		/* Linux 6.4 */
#define KVM_ARM_VM_SMCCC_CTRL		0
#define KVM_ARM_VM_SMCCC_FILTER		0
#endif

/*
 * kvm_run.hypercall.flags (Linux 6.4) shares a union with the 6.1
 * headers' longmode/pad: the u64 right after @ret.
 */
static inline __u64 kvm_run_hypercall_flags(const struct kvm_run *run)
{
	__u64 flags;

	__builtin_memcpy(&flags, &run->hypercall.ret + 1, sizeof(flags));
	return flags;
}

#endif
