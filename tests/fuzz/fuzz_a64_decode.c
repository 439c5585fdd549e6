// SPDX-License-Identifier: GPL-2.0
/* fuzz_a64_decode - libFuzzer: any word through the decoder and its helpers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../common/a64_ldst.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct a64_ldst ld;
	u64 words[3] = { 0 };
	u64 wb;
	u32 insn;

	if (size < 4)
		return 0;
	memcpy(&insn, data, 4);
	memcpy(words, data + 4, size - 4 > sizeof(words) ? sizeof(words) : size - 4);
	if (a64_decode_ldst(insn, &ld))
		return 0;
	if (!ld.size || ld.size > 16 || (ld.nregs != 1 && ld.nregs != 2))
		abort();
	a64_ldst_address(&ld, words[0], words[1], &wb);
	a64_ldst_extend(&ld, words[2]);
	return 0;
}
