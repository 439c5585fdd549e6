// SPDX-License-Identifier: GPL-2.0
/* test_apple_hvc - each Apple hypercall's results and key effects. */
#include "../../common/apple_hvc.h"
#include "tap.h"

#define KEY 0xfeedfacefeedfacfull

static struct apple_hvc_config cfg = { .mabs_offset = 42, .boot_session_uuid = { 5, 6, 7, 8 } };
static struct apple_pac_keys keys;
static u64 kick;

static enum apple_hvc_result call(u64 x[5], u64 fid, u64 a1, u64 a2)
{
	x[0] = fid;
	x[1] = a1;
	x[2] = a2;
	x[3] = x[4] = 0x77;
	return apple_hvc_call(&cfg, &keys, x, &kick);
}

int main(void)
{
	u64 x[5];

	ok(call(x, APPLE_HVC_PAC_SET_INITIAL_STATE, 0, 0) == APPLE_HVC_KEYS_CHANGED && x[0] == 0 &&
	   keys.apia[0] == KEY && keys.apia[1] == KEY + 1 && keys.apda[0] == KEY + 2 &&
	   keys.kernkey[0] == KEY + 4 && keys.apib[0] == KEY + 6 && keys.apdb[0] == KEY + 8 &&
	   keys.apga[0] == KEY + 10 && keys.apctl == 0x11,
	   "SET_INITIAL_STATE: Hypervisor.framework's fixed keys, APCTL 0x11, x0 = 0");
	ok(call(x, APPLE_HVC_PAC_GET_DEFAULT_KEYS, 0, 0) == APPLE_HVC_ANSWERED && x[0] == 0 &&
	   x[1] == KEY && x[2] == KEY + 6 && x[3] == KEY + 4 && x[4] == KEY + 10,
	   "GET_DEFAULT_KEYS: x1-x4 are the default keys, none zero");
	ok(call(x, APPLE_HVC_PAC_SET_A_KEYS, 0x100, 0) == APPLE_HVC_KEYS_CHANGED && x[0] == 0 &&
	   keys.apia[0] == 0x100 && keys.apia[1] == 0x101 && keys.apda[0] == 0x102 &&
	   keys.apda[1] == 0x103, "SET_A_KEYS: APIA = x1, x1+1; APDA = x1+2, x1+3");
	ok(call(x, APPLE_HVC_PAC_SET_B_KEYS, 0x200, 0) == APPLE_HVC_KEYS_CHANGED &&
	   keys.apib[0] == 0x200 && keys.apdb[1] == 0x203, "SET_B_KEYS: APIB, APDB");
	ok(call(x, APPLE_HVC_PAC_SET_EL0_DIVERSIFIER, 0x300, 0) == APPLE_HVC_KEYS_CHANGED &&
	   keys.kernkey[0] == 0x300 && keys.kernkey[1] == 0x301, "SET_EL0_DIVERSIFIER: KERNKEY");
	ok(call(x, APPLE_HVC_PAC_SET_EL0_DIVERSIFIER_AT_EL1, 1, 0x400) == APPLE_HVC_KEYS_CHANGED &&
	   (keys.apctl & 2) && keys.kernkey[0] == 0x400, "..._AT_EL1 enable: APCTL bit 1, key x2");
	ok(call(x, APPLE_HVC_PAC_SET_EL0_DIVERSIFIER_AT_EL1, 0, 0x500) == APPLE_HVC_KEYS_CHANGED &&
	   !(keys.apctl & 2), "..._AT_EL1 disable clears APCTL bit 1");
	ok(call(x, APPLE_HVC_PAC_SET_G_KEY, 0x600, 0) == APPLE_HVC_KEYS_CHANGED &&
	   keys.apga[0] == 0x600 && keys.apga[1] == 0x601, "SET_G_KEY: APGA");
	ok(call(x, APPLE_HVC_PAC_NOP, 0, 0) == APPLE_HVC_ANSWERED && x[0] == 0, "PAC_NOP: x0 = 0");
	ok(call(x, APPLE_HVC_GET_MABS_OFFSET, 0, 0) == APPLE_HVC_ANSWERED && x[0] == 0 && x[1] == 42,
	   "GET_MABS_OFFSET: the configured offset");
	ok(call(x, APPLE_HVC_GET_BOOTSESSIONUUID, 0, 0) == APPLE_HVC_ANSWERED && x[0] == 0 &&
	   x[1] == 5 && x[4] == 8, "GET_BOOTSESSIONUUID: the configured words");
	ok(call(x, APPLE_HVC_VCPU_WFK, 1, 0) == APPLE_HVC_WAIT_FOR_KICK && x[0] == 0, "VCPU_WFK");
	ok(call(x, APPLE_HVC_VCPU_KICK, 3, 0) == APPLE_HVC_KICK && x[0] == 0 && kick == 3,
	   "VCPU_KICK names its target");
	ok(call(x, APPLE_HVC_OEM_UID, 0, 0) == APPLE_HVC_ANSWERED && x[0] == 0x8581873b &&
	   x[3] == 0xbb6ebb9c, "OEM UID: 3B878185-AA62-4E1F-9DC9-D6799CBB6EBB");
	ok(call(x, APPLE_HVC_CPU_REVISION, 0, 0) == APPLE_HVC_ANSWERED && x[0] == 1 && x[1] == 0,
	   "REVISION 1.0");
	ok(call(x, APPLE_HVC_OEM_FEATURES, APPLE_HVC_PAC_SET_B_KEYS, 0) == APPLE_HVC_ANSWERED &&
	   x[0] == 0, "FEATURES of an implemented call: 0");
	ok(call(x, APPLE_HVC_OEM_FEATURES, 0xc10000aa, 0) == APPLE_HVC_ANSWERED &&
	   x[0] == APPLE_HVC_RET_NOT_SUPPORTED, "FEATURES of an unknown call: NOT_SUPPORTED");
	ok(call(x, 0xc10000aa, 0, 0) == APPLE_HVC_UNKNOWN && x[0] == APPLE_HVC_RET_NOT_SUPPORTED,
	   "an unknown ID in the PAC range: NOT_SUPPORTED");
	ok(call(x, 0x84000000, 0, 0) == APPLE_HVC_UNKNOWN, "PSCI is not ours");
	return tap_done();
}
