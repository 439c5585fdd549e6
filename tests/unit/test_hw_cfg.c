// SPDX-License-Identifier: GPL-2.0
/* test_hw_cfg - the cfg region's compiled layout, values, and bad input. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../userspace/hw/cfg.h"
#include "tap.h"

static uint8_t *region;

static uint32_t u32_at(size_t off) { uint32_t v; memcpy(&v, region + off, 4); return v; }
static uint64_t u64_at(size_t off) { uint64_t v; memcpy(&v, region + off, 8); return v; }

int main(void)
{
	struct vmapple_cfg_params p = {
		.nr_cpus = 4, .ecid = 0x1122334455667788ull, .ram_size = 8ull << 30,
		.rnd = 0xcafef00d, .mac_en0 = { 2, 0, 0, 0, 0, 1 },
		.mac_en1 = { 2, 0, 0, 0, 0, 2 }, .production_mode = true,
		.serial = "C02XL0GHJGH5", .model = "VirtualMac2,1",
	};
	char err[128] = "";
	char long_name[40];
	size_t i;

	for (i = 0; i < sizeof(p.seed); i++)
		p.seed[i] = (uint8_t)(0xa0 + i);

	region = malloc(VMAPPLE_CFG_SIZE);
	memset(region, 0xee, VMAPPLE_CFG_SIZE);
	ok(vmapple_cfg_fill(&p, region, err, sizeof(err)) == 0, "a valid configuration fills");
	ok(u32_at(0x0) == 2 && u32_at(0x4) == 4, "version 2, nr_cpus at 0x4");
	ok(u32_at(0x8) == 1 && u32_at(0xc) == 1 && u32_at(0x10) == 0x20 && u32_at(0x14) == 0,
	   "unk1-4 as QEMU writes them");
	ok(u64_at(0x18) == 0x1122334455667788ull, "ecid at 0x18");
	ok(u64_at(0x20) == 8ull << 30, "ram_size at 0x20");
	ok(u32_at(0x2c) == 1 && u32_at(0x30) == 1, "unk5, unk6 = 1");
	ok(u32_at(0x38) == 0xcafef00d, "rnd at 0x38");
	ok(region[0x40] == 2 && region[0x45] == 1, "mac_en0 at 0x40");
	ok(region[0x48] == 2 && region[0x4d] == 2 && region[0x4e] == 0 && region[0x50] == 0,
	   "mac_en1 at 0x48, 2 bytes of padding, mac_wifi0 at 0x50 zero");
	ok(u32_at(0x100) == 0 && u32_at(0x10c) == 3 && u32_at(0x110) == 0,
	   "cpu_ids[i] = i from 0x100, zero past nr_cpus");
	ok(!strcmp((char *)region + 0x500, "C02XL0GHJGH5"),
	   "the serial given, at 0x500 (compiled, not 0x380)");
	ok(!strcmp((char *)region + 0x520, "D/A"), "unk8 'D/A' at 0x520");
	ok(!strcmp((char *)region + 0x540, "VirtualMac2,1"), "the model given, at 0x540");
	ok(u32_at(0x580) == 1, "unk10 = 1 at 0x580");
	ok(!strcmp((char *)region + 0x584, "Apple M1 (Virtual)"), "soc_name at 0x584");
	ok(region[0x5a8] == 0 && region[0x5c7] == 0, "0x5a4-0x5c8 zero (yaelliethy's pad_seed)");
	ok(region[0x5c8] == 0xa0 && region[0x5c8 + 63] == 0xa0 + 63 && region[0x608] == 0,
	   "the 64-byte seed at 0x5c8, nothing after it");
	ok(region[VMAPPLE_CFG_SIZE - 1] == 0, "the rest of 64 KiB is zero");
	p.production_mode = false;
	ok(vmapple_cfg_fill(&p, region, err, sizeof(err)) == 0 && u32_at(0x8) == 0,
	   "production-mode off: unk1 at 0x8 is 0");
	p.production_mode = true;
	p.serial = p.model = NULL;
	ok(vmapple_cfg_fill(&p, region, err, sizeof(err)) == 0 &&
	   !strcmp((char *)region + 0x500, "1234") && !strcmp((char *)region + 0x540, "VM0001"),
	   "no serial or model given: QEMU's defaults");

	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	p.model = long_name;
	ok(vmapple_cfg_fill(&p, region, err, sizeof(err)) == -EINVAL &&
	   strstr(err, "model") && strstr(err, "longer than 31"), "a 39-character model: %s", err);
	p.model = NULL;
	p.nr_cpus = 0;
	ok(vmapple_cfg_fill(&p, region, err, sizeof(err)) == -EINVAL && strstr(err, "0 CPUs"),
	   "0 CPUs refused: %s", err);
	p.nr_cpus = 129;
	ok(vmapple_cfg_fill(&p, region, err, sizeof(err)) == -EINVAL && strstr(err, "129 CPUs"),
	   "129 CPUs refused: %s", err);
	free(region);
	return tap_done();
}
