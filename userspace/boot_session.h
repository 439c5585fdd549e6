/* SPDX-License-Identifier: GPL-2.0 */
/*
 * boot_session.h - what each boot of a VM is told about itself through the
 * Apple hypercalls: a boot session UUID (random, RFC 4122 version 4, new
 * every boot) and the mach absolute time offset.  What Hypervisor.framework
 * answers for the offset is not in the decompiled framework (it handles only
 * the 0xC1 PAC calls itself; 0xC3 ones go to the VMM), so the offset is the
 * counter's value at VM start, as issue #13 chose; unverified on macOS.
 */
#ifndef VMAPPLE_BOOT_SESSION_H
#define VMAPPLE_BOOT_SESSION_H

#include "../common/apple_hvc.h"

/* Fill @cfg's boot session answers; 0, or -errno (getrandom) with a message. */
int boot_session_init(struct apple_hvc_config *cfg);

#endif
