/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apple_hvc.h - the hypercalls a VMApple guest kernel (XNU) makes, answered
 * as Hypervisor.framework answers them.  Function IDs from XNU's
 * osfmk/arm64/hv_hvc.h; results from the hand-decompiled framework
 * (zhuowei/HvDecompile): see shared/specs/vmapple-board.md section 8.2.
 *
 * Pure logic, shared by the launcher (Layer 0, over the SMCCC filter) and
 * the module (Layer 1): the caller moves x0-x4 and the key registers.
 */
#ifndef VMK_APPLE_HVC_H
#define VMK_APPLE_HVC_H

#include "vmk_types.h"

#define APPLE_HVC_PAC_SET_INITIAL_STATE		0xc1000000u
#define APPLE_HVC_PAC_GET_DEFAULT_KEYS		0xc1000001u
#define APPLE_HVC_PAC_SET_A_KEYS		0xc1000002u
#define APPLE_HVC_PAC_SET_B_KEYS		0xc1000003u
#define APPLE_HVC_PAC_SET_EL0_DIVERSIFIER	0xc1000004u
#define APPLE_HVC_PAC_SET_EL0_DIVERSIFIER_AT_EL1 0xc1000005u
#define APPLE_HVC_PAC_SET_G_KEY			0xc1000006u
#define APPLE_HVC_PAC_NOP			0xc10000f0u
#define APPLE_HVC_GET_MABS_OFFSET		0xc3000003u
#define APPLE_HVC_GET_BOOTSESSIONUUID		0xc3000004u
#define APPLE_HVC_VCPU_WFK			0xc3000005u
#define APPLE_HVC_VCPU_KICK			0xc3000006u
#define APPLE_HVC_CPU_UID			0x8100ff01u
#define APPLE_HVC_OEM_UID			0x8300ff01u
#define APPLE_HVC_CPU_REVISION			0x8100ff03u
#define APPLE_HVC_OEM_REVISION			0x8300ff03u
#define APPLE_HVC_CPU_FEATURES			0x8100feffu
#define APPLE_HVC_OEM_FEATURES			0x8300feffu

/* The ranges the launcher forwards with the SMCCC filter: base, count. */
#define APPLE_HVC_RANGES { \
	{ 0xc1000000u, 0x100 }, { 0xc3000000u, 0x100 }, \
	{ 0x8100fe00u, 0x200 }, { 0x8300fe00u, 0x200 } }

#define APPLE_HVC_RET_NOT_SUPPORTED ((u64)-1)

/* A vCPU's pointer-authentication state: key halves are { lo, hi }. */
struct apple_pac_keys {
	u64 apia[2], apib[2], apda[2], apdb[2], apga[2];
	u64 kernkey[2];		/* Apple's EL0 diversifier (no architected register) */
	u64 apctl;		/* Apple's APCTL_EL1 (modelled) */
};

/* Per-VM answers, set by the launcher. */
struct apple_hvc_config {
	u64 mabs_offset;	/* mach absolute time offset */
	u32 boot_session_uuid[4];
};

enum apple_hvc_result {
	APPLE_HVC_ANSWERED,	/* x[] holds the results */
	APPLE_HVC_KEYS_CHANGED,	/* ... and the vCPU's key registers must be written */
	APPLE_HVC_WAIT_FOR_KICK, /* WFK: x[] answered; block until kicked */
	APPLE_HVC_KICK,		/* KICK: x[] answered; wake vCPU x[1] (before the call) */
	APPLE_HVC_UNKNOWN,	/* not ours: x0 = NOT_SUPPORTED */
};

/*
 * Answer the call whose function ID is in x[0] with arguments x[1..4]:
 * results replace x[0..4]; @keys is the calling vCPU's state.
 */
enum apple_hvc_result apple_hvc_call(const struct apple_hvc_config *cfg,
				     struct apple_pac_keys *keys, u64 x[5], u64 *kick_target);

#endif
