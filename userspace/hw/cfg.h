/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cfg.h - the VMApple configuration region (QEMU's vmapple-cfg): a 64 KiB
 * RAM region at 0x40_0000 holding a binary struct that AVPBooter reads
 * instead of a device tree.  Offsets are QEMU's *compiled* layout, not its
 * comments (cpu_ids[] is 0x200 bytes): see shared/specs/vmapple-board.md §2.
 * Past QEMU's end (0x5a8): the 64-byte random seed at 0x5c8, and
 * production-mode in unk1, as yaelliethy's hw/vmapple/cfg.c lays them out
 * (read in MakrSas/orchard-ios 26710d37c7, which carries that file).
 */
#ifndef VMAPPLE_HW_CFG_H
#define VMAPPLE_HW_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMAPPLE_CFG_BASE	0x400000ull
#define VMAPPLE_CFG_SIZE	0x10000ull
#define VMAPPLE_CFG_MAX_CPUS	128
#define VMAPPLE_CFG_STR_MAX	31	/* + NUL in a 32-byte field */

#define VMAPPLE_CFG_SEED_SIZE	64

struct vmapple_cfg_params {
	uint32_t nr_cpus;
	bool production_mode;	/* unk1 at 0x008: 1 (yaelliethy's default, QEMU's fixed) */
	uint8_t seed[VMAPPLE_CFG_SEED_SIZE];	/* at 0x5c8: random, new every boot */
	uint64_t ecid;
	uint64_t ram_size;
	uint32_t rnd;
	uint32_t run_installer1, run_installer2;
	uint8_t mac_en0[6], mac_en1[6], mac_wifi0[6], mac_bt0[6];
	const char *serial;	/* default "1234" */
	const char *model;	/* default "VM0001" */
	const char *soc_name;	/* default "Apple M1 (Virtual)" */
};

/*
 * Fill the 64 KiB @region (zeroing the rest, as QEMU does on reset).
 * 0, or -EINVAL with a message naming the bad field in @err.
 */
int vmapple_cfg_fill(const struct vmapple_cfg_params *p, uint8_t *region, char *err,
		     size_t err_len);

#endif
