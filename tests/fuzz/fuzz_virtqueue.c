// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_virtqueue - libFuzzer: a split virtqueue whose descriptor table,
 * avail and used rings - and indirect tables, chain loops, lengths - all
 * come from the input, popped and pushed as a device does until the queue
 * is empty or broken.  Every iovec must lie inside guest RAM.
 */
#include "../../userspace/virtio/virtqueue.h"
#include "fuzz_guest.h"

static void check_iov(const struct iovec *iov, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const uint8_t *p = iov[i].iov_base;

		if (iov[i].iov_len && (p < fuzz_ram || p + iov[i].iov_len > fuzz_ram + FUZZ_RAM_SIZE))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vq_elem e;
	struct virtqueue vq;
	uint16_t shape[4] = { 0 };
	unsigned int rounds;

	if (size < sizeof(shape))
		return 0;
	memcpy(shape, data, sizeof(shape));
	data += sizeof(shape);
	size -= sizeof(shape);
	fuzz_fill_ram(&data, &size, FUZZ_RAM_SIZE);
	memset(&vq, 0, sizeof(vq));
	vq.mem = &fuzz_mem;
	vq.size = (uint16_t)(1u << (shape[0] % 11));	/* 1..1024 */
	/* Rings anywhere in (or just past) RAM, overlapping as they like. */
	vq.desc = FUZZ_RAM_BASE + shape[1] % (FUZZ_RAM_SIZE + 64);
	vq.avail = FUZZ_RAM_BASE + shape[2] % (FUZZ_RAM_SIZE + 64);
	vq.used = FUZZ_RAM_BASE + shape[3] % (FUZZ_RAM_SIZE + 64);
	vq.ready = true;
	for (rounds = 0; rounds < 2 * VQ_MAX_SIZE; rounds++) {
		int ret = vq_pop(&vq, &e);

		if (ret <= 0)
			break;
		check_iov(e.out, e.out_num);
		check_iov(e.in, e.in_num);
		vq_push(&vq, &e, (uint32_t)e.in_len);
		vq_wants_interrupt(&vq);
	}
	return 0;
}
