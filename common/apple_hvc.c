// SPDX-License-Identifier: GPL-2.0
/* apple_hvc.c - answer XNU's VMApple hypercalls (see apple_hvc.h). */
#include "apple_hvc.h"

/* The fixed keys PAC_SET_INITIAL_STATE installs: 0xfeedfacefeedfacf + n. */
#define APPLE_PAC_KEY_BASE	0xfeedfacefeedfacfull
#define APPLE_PAC_APCTL_INITIAL	0x11
#define APPLE_PAC_APCTL_EL0_DIV	BIT_ULL(1)

/* SMCCC UID 3B878185-AA62-4E1F-9DC9-D6799CBB6EBB, bytes packed little-endian. */
static const u32 apple_uid[4] = { 0x8581873b, 0x1f4e62aa, 0x79d6c99d, 0xbb6ebb9c };

static void set_pair(u64 key[2], u64 value)
{
	key[0] = value;
	key[1] = value + 1;
}

static bool implemented(u32 fid)
{
	switch (fid) {
	case APPLE_HVC_PAC_SET_INITIAL_STATE ... APPLE_HVC_PAC_SET_G_KEY:
	case APPLE_HVC_PAC_NOP:
	case APPLE_HVC_GET_MABS_OFFSET ... APPLE_HVC_VCPU_KICK:
	case APPLE_HVC_CPU_UID:
	case APPLE_HVC_OEM_UID:
	case APPLE_HVC_CPU_REVISION:
	case APPLE_HVC_OEM_REVISION:
	case APPLE_HVC_CPU_FEATURES:
	case APPLE_HVC_OEM_FEATURES:
		return true;
	default:
		return false;
	}
}

static enum apple_hvc_result pac_call(u32 fid, struct apple_pac_keys *k, u64 x[5])
{
	u64 base = APPLE_PAC_KEY_BASE;

	switch (fid) {
	case APPLE_HVC_PAC_SET_INITIAL_STATE:
		k->apctl = APPLE_PAC_APCTL_INITIAL;
		set_pair(k->apia, base);
		set_pair(k->apda, base + 2);
		set_pair(k->kernkey, base + 4);
		set_pair(k->apib, base + 6);
		set_pair(k->apdb, base + 8);
		set_pair(k->apga, base + 10);
		break;
	case APPLE_HVC_PAC_GET_DEFAULT_KEYS:
		x[1] = base;
		x[2] = base + 6;
		x[3] = base + 4;
		x[4] = base + 10;
		x[0] = 0;
		return APPLE_HVC_ANSWERED;
	case APPLE_HVC_PAC_SET_A_KEYS:
		set_pair(k->apia, x[1]);
		set_pair(k->apda, x[1] + 2);
		break;
	case APPLE_HVC_PAC_SET_B_KEYS:
		set_pair(k->apib, x[1]);
		set_pair(k->apdb, x[1] + 2);
		break;
	case APPLE_HVC_PAC_SET_EL0_DIVERSIFIER:
		set_pair(k->kernkey, x[1]);
		break;
	case APPLE_HVC_PAC_SET_EL0_DIVERSIFIER_AT_EL1:
		if (x[1])
			k->apctl |= APPLE_PAC_APCTL_EL0_DIV;
		else
			k->apctl &= ~APPLE_PAC_APCTL_EL0_DIV;
		set_pair(k->kernkey, x[2]);
		break;
	case APPLE_HVC_PAC_SET_G_KEY:
		set_pair(k->apga, x[1]);
		break;
	default:	/* PAC_NOP */
		x[0] = 0;
		return APPLE_HVC_ANSWERED;
	}
	x[0] = 0;	/* XNU 26 spins on `cbnz x0, .` after these */
	return APPLE_HVC_KEYS_CHANGED;
}

enum apple_hvc_result apple_hvc_call(const struct apple_hvc_config *cfg,
				     struct apple_pac_keys *keys, u64 x[5], u64 *kick_target)
{
	u32 fid = (u32)x[0];
	int i;

	if (!implemented(fid)) {
		x[0] = APPLE_HVC_RET_NOT_SUPPORTED;
		return APPLE_HVC_UNKNOWN;
	}
	switch (fid) {
	case APPLE_HVC_GET_MABS_OFFSET:
		x[1] = cfg->mabs_offset;
		break;
	case APPLE_HVC_GET_BOOTSESSIONUUID:
		for (i = 0; i < 4; i++)
			x[1 + i] = cfg->boot_session_uuid[i];
		break;
	case APPLE_HVC_VCPU_WFK:
		x[0] = 0;
		return APPLE_HVC_WAIT_FOR_KICK;
	case APPLE_HVC_VCPU_KICK:
		*kick_target = x[1];
		x[0] = 0;
		return APPLE_HVC_KICK;
	case APPLE_HVC_CPU_UID:
	case APPLE_HVC_OEM_UID:
		for (i = 0; i < 4; i++)
			x[i] = apple_uid[i];
		return APPLE_HVC_ANSWERED;
	case APPLE_HVC_CPU_REVISION:
	case APPLE_HVC_OEM_REVISION:
		x[0] = 1;	/* major 1, minor 0 */
		x[1] = 0;
		return APPLE_HVC_ANSWERED;
	case APPLE_HVC_CPU_FEATURES:
	case APPLE_HVC_OEM_FEATURES:
		x[0] = implemented((u32)x[1]) ? 0 : APPLE_HVC_RET_NOT_SUPPORTED;
		return APPLE_HVC_ANSWERED;
	default:
		return pac_call(fid, keys, x);
	}
	x[0] = 0;
	return APPLE_HVC_ANSWERED;
}
