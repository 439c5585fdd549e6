/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmk_abi.h - validation of the module's ioctl argument structs, built
 * unchanged into vmapple_kvm.ko (which trusts nothing a caller passes) and
 * into the host fuzzer that proves these checks bound what gets through.
 */
#ifndef VMK_ABI_H
#define VMK_ABI_H

#include "apple_aic.h"
#include "vmk_types.h"

#ifdef __KERNEL__
#include <uapi/linux/vmapple_kvm.h>
#else
#include <stddef.h>
#include <linux/vmapple_kvm.h>
/* Aff2..Aff0 of an MPIDR_EL1: what the AIC's fast IPIs can name. */
#define VMK_AIC_MPIDR_AFF	0xffffffull

/*
 * An AIC: the head (no flags yet), a 32 KiB aligned window, IRQs
 * and CPUs within the model's bounds, distinct MPIDRs of Aff2..Aff0 only,
 * zero past nr_cpus; 0 or the errno.
 */
int vmk_abi_check_aic(const struct vmapple_kvm_aic *req);

/* A device line: the head, level 0 or 1, irq below the model's limit. */
int vmk_abi_check_aic_irq(const struct vmapple_kvm_aic_irq *req);

#endif

#define VMK_GICV2M_FRAME_SIZE	0x10000ull
#define VMK_GICV2M_MAX_INTID	1020	/* SPIs end below the special INTIDs */

/*
 * The head every request struct shares: this ABI's version (else
 * -EPROTONOSUPPORT), then flags and reserved bytes that must be 0 (-EINVAL).
 */
int vmk_abi_check_head(u32 api_version, u64 flags, const void *reserved, size_t reserved_size);

/* The Apple hypercall answers: the head, with only the known flags; 0 or the errno. */
int vmk_abi_check_apple_hvc(const struct vmapple_kvm_apple_hvc *req);

/* A GICv2m frame: 64 KiB aligned, its INTIDs SPIs below 1020; 0 or the errno. */
int vmk_abi_check_gicv2m(const struct vmapple_kvm_gicv2m *req);

/* ... and wholly inside a VM's IPA space of @ipa_size bytes (no wrap)? */
bool vmk_abi_gicv2m_fits(u64 base, u64 ipa_size);

/* Aff2..Aff0 of an MPIDR_EL1: what the AIC's fast IPIs can name. */
#define VMK_AIC_MPIDR_AFF	0xffffffull

/*
 * An AIC: the head with only known flags, a 32 KiB aligned window, IRQs
 * and CPUs within the model's bounds, distinct MPIDRs of Aff2..Aff0 only,
 * zero past nr_cpus; 0 or the errno.
 */
int vmk_abi_check_aic(const struct vmapple_kvm_aic *req);

/* A device line: the head, level 0 or 1, irq below the model's limit. */
int vmk_abi_check_aic_irq(const struct vmapple_kvm_aic_irq *req);

#endif
