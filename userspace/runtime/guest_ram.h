/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_ram.h - the host memory behind guest RAM, laid out so that KVM can
 * map it at stage 2 in blocks rather than pages: private anonymous memory
 * (transparent huge pages under Debian's default THP=always, and asked for
 * with MADV_HUGEPAGE where THP=madvise), placed so that its address and the
 * guest physical address agree modulo the host's PMD size (2 MiB with 4K
 * pages, 32 MiB with 16K, 512 MiB with 64K), which is what KVM needs to map
 * a whole THP as one block.  Shared anonymous memory (shmem) gets no THP
 * unless shmem_enabled allows it, which it does not by default.
 */
#ifndef VMAPPLE_GUEST_RAM_H
#define VMAPPLE_GUEST_RAM_H

#include <stdint.h>

/* The host's PMD size: the largest stage-2 block a THP can back. */
uint64_t guest_ram_block_size(void);

/*
 * @size bytes for guest RAM at @gpa: the mapping, with (hva - gpa) a
 * multiple of the block size, or NULL with errno set (EINVAL for a size of
 * 0 or one too large to align, or mmap's).  Free with guest_ram_unmap().
 */
uint8_t *guest_ram_map(uint64_t gpa, uint64_t size);
void guest_ram_unmap(uint8_t *hva, uint64_t size);

#endif
