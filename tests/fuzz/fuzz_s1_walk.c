// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_s1_walk - libFuzzer: arbitrary translation registers, VA and guest
 * memory (the input's tail, at IPA 0) through the stage-1 walker.  The walk
 * must stay inside that memory, read at most four descriptors, and return
 * only addresses below 2^48.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../common/s1_walk.h"

struct fuzz_ram {
	const uint8_t *bytes;
	size_t size;
	unsigned int reads;
};

static int read_desc(void *ctx, u64 ipa, u64 *desc)
{
	struct fuzz_ram *ram = ctx;

	if (++ram->reads > 4)
		abort();
	if (ipa >= ram->size || ram->size - ipa < 8)
		return -EFAULT;
	memcpy(desc, ram->bytes + ipa, 8);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct s1_regs regs;
	struct s1_result res;
	struct fuzz_ram ram;
	u64 va;

	if (size < sizeof(regs) + sizeof(va))
		return 0;
	memcpy(&regs, data, sizeof(regs));
	memcpy(&va, data + sizeof(regs), sizeof(va));
	ram.bytes = data + sizeof(regs) + sizeof(va);
	ram.size = size - sizeof(regs) - sizeof(va);
	ram.reads = 0;
	if (s1_translate(&regs, va, read_desc, &ram, &res) == 0 && res.ipa >> 48)
		abort();
	return 0;
}
