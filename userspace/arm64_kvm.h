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

#endif
