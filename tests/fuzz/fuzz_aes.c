// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_aes - libFuzzer: the VMApple AES engine's command stream (its FIFO
 * and both register banks) from arbitrary register accesses, with the
 * commands' DMA sources and destinations in a guest RAM the input fills.
 */
#include "../../userspace/hw/aes.h"
#include "fuzz_guest.h"

static void set_irq(void *opaque, bool level)
{
	(void)opaque;
	(void)level;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct aes_engine e;
	struct fuzz_access a;

	fuzz_fill_ram(&data, &size, 1024);
	memset(&e, 0, sizeof(e));
	e.mem = fuzz_mem;
	e.set_irq = set_irq;
	while (fuzz_next_access(&data, &size, 2 * AES_BANK_SIZE, &a)) {
		if (a.offset < AES_BANK_SIZE)
			aes_bank1_access(&e, a.offset, a.value, a.len, a.is_write);
		else
			aes_bank2_access(&e, a.offset - AES_BANK_SIZE, a.value, a.len, a.is_write);
	}
	return 0;
}
