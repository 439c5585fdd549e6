// SPDX-License-Identifier: GPL-2.0
/* linux_image.c - read an arm64 Image header and place a boot in RAM (see linux_boot.h). */
#include "linux_boot.h"

#include <stdio.h>
#include <string.h>

#define IMAGE_MAGIC		0x644d5241u	/* "ARM\x64" at 0x38 */
#define IMAGE_FLAG_BE		1ull
#define IMAGE_LEGACY_OFFSET	0x80000ull	/* image_size 0: pre-3.17 kernels */
#define DTB_ALIGN		(2ull << 20)
#define INITRD_ALIGN		(64ull << 10)
#define MIB			(1ull << 20)

static uint64_t le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

int linux_image_parse(const uint8_t *hdr, size_t len, struct linux_boot_image *img,
		      const char *path, char *err, size_t err_len)
{
	static const unsigned int page_kb[] = { 0, 4, 16, 64 };
	uint32_t magic;
	uint64_t flags;

	if (len >= 2 && hdr[0] == 0x1f && hdr[1] == 0x8b) {
		snprintf(err, err_len, "vmapple: --kernel %s: a gzip-compressed Image; give the "
			 "uncompressed one (zcat %s > Image)", path, path);
		return -1;
	}
	if (len >= 8 && !memcmp(hdr + 4, "zimg", 4)) {
		snprintf(err, err_len, "vmapple: --kernel %s: an EFI zboot image; give the plain "
			 "arm64 Image inside it", path);
		return -1;
	}
	if (len >= 4 && !memcmp(hdr, "\177ELF", 4)) {
		snprintf(err, err_len, "vmapple: --kernel %s: an ELF file; give an arm64 Image or "
			 "a raw binary (objcopy -O binary)", path);
		return -1;
	}
	if (!len) {
		snprintf(err, err_len, "vmapple: --kernel %s: an empty file", path);
		return -1;
	}
	if (len >= LINUX_IMAGE_HDR_SIZE)
		memcpy(&magic, hdr + 0x38, 4);
	if (len < LINUX_IMAGE_HDR_SIZE || magic != IMAGE_MAGIC) {
		/* No Image header: a raw binary, as QEMU's -kernel and kvmtool take it. */
		*img = (struct linux_boot_image){ .raw = true };
		return 0;
	}
	flags = le64(hdr + 24);
	if (flags & IMAGE_FLAG_BE) {
		snprintf(err, err_len, "vmapple: --kernel %s: a big-endian kernel; the board runs "
			 "little-endian", path);
		return -1;
	}
	img->raw = false;
	img->image_size = le64(hdr + 16);
	img->text_offset = img->image_size ? le64(hdr + 8) : IMAGE_LEGACY_OFFSET;
	img->page_kb = page_kb[(flags >> 1) & 3];
	return 0;
}

int linux_boot_layout(const struct linux_boot_image *img, uint64_t file_size, uint64_t ram_base,
		      uint64_t ram_size, uint64_t initrd_size, struct linux_boot_layout *out,
		      char *err, size_t err_len)
{
	uint64_t ram_end = ram_base + ram_size;
	uint64_t span = img->image_size > file_size ? img->image_size : file_size;

	/* The DTB takes the top 2 MiB-aligned slot; the initrd sits below it. */
	out->kernel = ram_base + img->text_offset;
	out->kernel_end = out->kernel + span;
	out->dtb = (ram_end - BOARD_DT_MAX_SIZE) & ~(DTB_ALIGN - 1);
	out->initrd = initrd_size <= out->dtb ? (out->dtb - initrd_size) & ~(INITRD_ALIGN - 1) : 0;
	if (out->dtb < out->kernel_end || out->initrd < out->kernel_end ||
	    out->initrd < ram_base) {
		uint64_t need = img->text_offset + span + initrd_size + INITRD_ALIGN + DTB_ALIGN +
				BOARD_DT_MAX_SIZE;

		snprintf(err, err_len, "vmapple: the kernel (%llu MiB), initrd (%llu MiB) and "
			 "device tree do not fit in --mem %lluM; they need at least %lluM",
			 (unsigned long long)(span / MIB), (unsigned long long)(initrd_size / MIB),
			 (unsigned long long)(ram_size / MIB),
			 (unsigned long long)((need + MIB - 1) / MIB));
		return -1;
	}
	return 0;
}
