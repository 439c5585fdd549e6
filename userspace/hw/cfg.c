// SPDX-License-Identifier: GPL-2.0
/* cfg.c - build the VMApple cfg region (see cfg.h). */
#include "cfg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Every field at its guest-visible offset; the asserts pin the layout. */
struct vmapple_cfg_layout {
	uint32_t version;
	uint32_t nr_cpus;
	uint32_t unk1, unk2, unk3, unk4;
	uint64_t ecid;
	uint64_t ram_size;
	uint32_t run_installer1;
	uint32_t unk5, unk6;
	uint32_t run_installer2;
	uint32_t rnd;
	uint32_t unk7;
	uint8_t mac_en0[8], mac_en1[8], mac_wifi0[8], mac_bt0[8];
	uint8_t reserved[0xa0];
	uint32_t cpu_ids[VMAPPLE_CFG_MAX_CPUS];
	uint8_t scratch[0x200];
	char serial[32];
	char unk8[32];
	char model[32];
	uint8_t unk9[32];
	uint32_t unk10;
	char soc_name[32];
	uint8_t pad_seed[0x24];
	uint8_t seed[VMAPPLE_CFG_SEED_SIZE];
} __attribute__((packed));

_Static_assert(offsetof(struct vmapple_cfg_layout, ecid) == 0x18, "ecid");
_Static_assert(offsetof(struct vmapple_cfg_layout, rnd) == 0x38, "rnd");
_Static_assert(offsetof(struct vmapple_cfg_layout, mac_en0) == 0x40, "mac_en0");
_Static_assert(offsetof(struct vmapple_cfg_layout, cpu_ids) == 0x100, "cpu_ids");
_Static_assert(offsetof(struct vmapple_cfg_layout, scratch) == 0x300, "scratch");
_Static_assert(offsetof(struct vmapple_cfg_layout, serial) == 0x500, "serial");
_Static_assert(offsetof(struct vmapple_cfg_layout, model) == 0x540, "model");
_Static_assert(offsetof(struct vmapple_cfg_layout, unk10) == 0x580, "unk10");
_Static_assert(offsetof(struct vmapple_cfg_layout, soc_name) == 0x584, "soc_name");
_Static_assert(offsetof(struct vmapple_cfg_layout, unk1) == 0x8, "unk1: production-mode");
_Static_assert(offsetof(struct vmapple_cfg_layout, seed) == 0x5c8, "seed");
_Static_assert(sizeof(struct vmapple_cfg_layout) == 0x608, "size");

static int set_string(char field[32], const char *value, const char *fallback,
		      const char *name, char *err, size_t err_len)
{
	const char *s = value ? value : fallback;

	if (strlen(s) > VMAPPLE_CFG_STR_MAX) {
		snprintf(err, err_len, "cfg: %s '%s' is longer than %d characters", name, s,
			 VMAPPLE_CFG_STR_MAX);
		return -EINVAL;
	}
	memcpy(field, s, strlen(s) + 1);
	return 0;
}

int vmapple_cfg_fill(const struct vmapple_cfg_params *p, uint8_t *region, char *err,
		     size_t err_len)
{
	struct vmapple_cfg_layout c;
	uint32_t i;

	if (p->nr_cpus == 0 || p->nr_cpus > VMAPPLE_CFG_MAX_CPUS) {
		snprintf(err, err_len, "cfg: %u CPUs: must be 1 to %d", p->nr_cpus,
			 VMAPPLE_CFG_MAX_CPUS);
		return -EINVAL;
	}
	memset(&c, 0, sizeof(c));
	c.version = 2;
	c.nr_cpus = p->nr_cpus;
	c.unk1 = p->production_mode;
	c.unk2 = 1;
	c.unk3 = 0x20;
	c.ecid = p->ecid;
	c.ram_size = p->ram_size;
	c.run_installer1 = p->run_installer1;
	c.unk5 = 1;
	c.unk6 = 1;
	c.run_installer2 = p->run_installer2;
	c.rnd = p->rnd;
	memcpy(c.mac_en0, p->mac_en0, 6);
	memcpy(c.mac_en1, p->mac_en1, 6);
	memcpy(c.mac_wifi0, p->mac_wifi0, 6);
	memcpy(c.mac_bt0, p->mac_bt0, 6);
	for (i = 0; i < p->nr_cpus; i++)
		c.cpu_ids[i] = i;
	if (set_string(c.serial, p->serial, "1234", "serial", err, err_len) ||
	    set_string(c.model, p->model, "VM0001", "model", err, err_len) ||
	    set_string(c.soc_name, p->soc_name, "Apple M1 (Virtual)", "soc_name", err, err_len))
		return -EINVAL;
	memcpy(c.unk8, "D/A", 4);
	c.unk10 = 1;
	memcpy(c.seed, p->seed, sizeof(c.seed));
	memset(region, 0, VMAPPLE_CFG_SIZE);
	memcpy(region, &c, sizeof(c));
	return 0;
}
