// SPDX-License-Identifier: GPL-2.0
/*
 * test_linux_image - the arm64 Image header (booting.rst) and where the
 * kernel, initrd and device tree go in RAM.
 */
#include <stdlib.h>
#include <string.h>

#include "../../userspace/linux_boot.h"
#include "tap.h"

#define MIB	(1ull << 20)
#define RAM	0x70000000ull

static void put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A 64-byte little-endian Image header. */
static void image_hdr(uint8_t *h, uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
	memset(h, 0, LINUX_IMAGE_HDR_SIZE);
	h[0] = 0x4d;	/* "MZ" when EFI stub, then a branch */
	h[1] = 0x5a;
	put64(h + 8, text_offset);
	put64(h + 16, image_size);
	put64(h + 24, flags);
	memcpy(h + 0x38, "ARM\x64", 4);
	memcpy(h + 0x3c, "PE\0\0", 4);
}

static int parse(const uint8_t *h, size_t len, struct linux_boot_image *img, char *err)
{
	err[0] = 0;
	return linux_image_parse(h, len, img, "/boot/Image", err, 256);
}

static void test_parse(void)
{
	uint8_t h[LINUX_IMAGE_HDR_SIZE];
	struct linux_boot_image img;
	char err[256];
	int r;

	image_hdr(h, 0, 0x2345000, 2u << 1);
	memset(&img, 0xee, sizeof(img));
	r = parse(h, sizeof(h), &img, err);
	ok(r == 0, "a valid header parses");
	ok(img.text_offset == 0, "text_offset 0");
	ok(img.image_size == 0x2345000, "image_size read at 0x10");
	ok(img.page_kb == 16, "flags page size 2 -> 16 KiB");

	image_hdr(h, 0x80000, 0x1000000, 0);
	ok(parse(h, sizeof(h), &img, err) == 0 && img.text_offset == 0x80000,
	   "text_offset is read at 0x08");
	ok(img.page_kb == 0, "flags page size 0 -> unspecified");
	image_hdr(h, 0, 0x1000000, 1u << 1);
	ok(parse(h, sizeof(h), &img, err) == 0 && img.page_kb == 4, "page size 1 -> 4 KiB");
	image_hdr(h, 0, 0x1000000, 3u << 1 | 1u << 3);
	ok(parse(h, sizeof(h), &img, err) == 0 && img.page_kb == 64,
	   "page size 3 -> 64 KiB (the placement bit does not disturb it)");
	ok(parse(h, 200, &img, err) == 0, "a longer buffer parses too");

	image_hdr(h, 0x12345, 0, 0);
	ok(parse(h, sizeof(h), &img, err) == 0 && img.text_offset == 0x80000,
	   "image_size 0 (pre-3.17): text_offset is the legacy 0x80000");
	ok(img.image_size == 0, "and image_size stays 0");

	memset(h, 0, sizeof(h));
	h[0] = 0x1f;
	h[1] = 0x8b;
	h[2] = 8;
	ok(parse(h, sizeof(h), &img, err) == -1, "gzip magic is refused");
	ok(strstr(err, "gzip") != NULL, "the message says gzip: %s", err);
	ok(strstr(err, "zcat") != NULL, "and how to decompress it");
	ok(strstr(err, "/boot/Image") != NULL, "and names the file");

	image_hdr(h, 0, 0x1000000, 0);
	memcpy(h + 4, "zimg", 4);
	memset(h + 0x38, 0, 4);
	ok(parse(h, sizeof(h), &img, err) == -1, "an EFI zboot image is refused");
	ok(strstr(err, "zboot") != NULL, "the message says EFI zboot: %s", err);

	image_hdr(h, 0, 0x1000000, 0);
	memcpy(h + 0x38, "ARM\x65", 4);
	ok(parse(h, sizeof(h), &img, err) == 0 && img.raw && img.text_offset == 0 &&
	   img.image_size == 0, "no ARM\\x64 magic: a raw binary, at text offset 0");
	memset(h, 0, sizeof(h));
	ok(parse(h, sizeof(h), &img, err) == 0 && img.raw, "an all-zero header: a raw binary");
	memcpy(h, "\177ELF", 4);
	ok(parse(h, sizeof(h), &img, err) == -1 && strstr(err, "an ELF file") &&
	   strstr(err, "objcopy -O binary"), "an ELF is refused, saying how: %s", err);

	image_hdr(h, 0, 0x1000000, 1u | 2u << 1);
	ok(parse(h, sizeof(h), &img, err) == -1, "a big-endian kernel is refused");
	ok(strstr(err, "big-endian") != NULL, "the message says big-endian: %s", err);

	image_hdr(h, 0, 0x1000000, 0);
	ok(parse(h, 63, &img, err) == 0 && img.raw, "63 bytes: no room for a header, a raw binary");
	ok(parse(h, 0, &img, err) == -1 && strstr(err, "an empty file"), "an empty file is refused");
	image_hdr(h, 0x80000, 0x1000000, 2u << 1);
	ok(parse(h, sizeof(h), &img, err) == 0 && !img.raw && img.text_offset == 0x80000,
	   "an Image after a raw binary is an Image again");
}

static struct linux_boot_image img_of(uint64_t text_offset, uint64_t image_size)
{
	struct linux_boot_image img = { .text_offset = text_offset, .image_size = image_size };

	return img;
}

static void test_layout(void)
{
	struct linux_boot_image img = img_of(0, 32 * MIB);
	struct linux_boot_layout l;
	uint64_t ram_end = RAM + 256 * MIB, isz = 10 * MIB + 12345;
	char err[256] = "";
	unsigned long long need = 0;
	const char *p;
	int r;

	r = linux_boot_layout(&img, 20 * MIB, RAM, 256 * MIB, isz, &l, err, sizeof(err));
	ok(r == 0, "32 MiB kernel + 10 MiB initrd fit in 256 MiB");
	ok(l.kernel == RAM, "text_offset 0: the kernel at the RAM base");
	ok(l.kernel_end == RAM + 32 * MIB, "kernel_end covers image_size (> file size)");
	ok(l.dtb % (2 * MIB) == 0, "the DTB is 2 MiB aligned");
	ok(l.dtb + BOARD_DT_MAX_SIZE <= ram_end, "the DTB fits below the end of RAM");
	ok(l.dtb >= ram_end - 2 * MIB - BOARD_DT_MAX_SIZE, "the DTB is in the top 2 MiB slot");
	ok(l.initrd % (64 << 10) == 0, "the initrd is 64 KiB aligned");
	ok(l.initrd + isz <= l.dtb, "the initrd ends below the DTB");
	ok(l.initrd >= l.kernel_end, "the initrd starts above the kernel's end");
	ok(l.dtb - (l.initrd + isz) < (64 << 10), "the initrd sits right below the DTB");

	img = img_of(0x80000, 16 * MIB);
	r = linux_boot_layout(&img, 24 * MIB, RAM, 256 * MIB, 0, &l, err, sizeof(err));
	ok(r == 0 && l.kernel == RAM + 0x80000, "the kernel at base + text_offset");
	ok(l.kernel_end == RAM + 0x80000 + 24 * MIB,
	   "kernel_end covers a file larger than image_size");

	img = img_of(0, 32 * MIB);
	err[0] = 0;
	r = linux_boot_layout(&img, 20 * MIB, RAM, 16 * MIB, 0, &l, err, sizeof(err));
	ok(r == -1, "a 32 MiB kernel in 16 MiB of RAM: -1");
	ok(strstr(err, "--mem") != NULL, "the message names --mem: %s", err);
	ok(strstr(err, "need at least 35M") != NULL, "and the size needed (35M)");

	err[0] = 0;
	r = linux_boot_layout(&img, 20 * MIB, RAM, 40 * MIB, 10 * MIB, &l, err, sizeof(err));
	ok(r == -1, "kernel + initrd over 40 MiB: -1");
	p = strstr(err, "need at least ");
	ok(p && (need = strtoull(p + 14, NULL, 10)) > 40, "the message asks for more than 40M: %s",
	   err);
	r = linux_boot_layout(&img, 20 * MIB, RAM, need * MIB, 10 * MIB, &l, err, sizeof(err));
	ok(r == 0 && l.initrd >= l.kernel_end, "the size the message asks for (%lluM) is enough",
	   need);

	r = linux_boot_layout(&img, 20 * MIB, RAM, 256 * MIB, 512 * MIB, &l, err, sizeof(err));
	ok(r == -1, "an initrd larger than RAM: -1");
	r = linux_boot_layout(&img, 20 * MIB, RAM, 256 * MIB, 4096 * MIB, &l, err, sizeof(err));
	ok(r == -1, "an initrd larger than its address: -1");
	r = linux_boot_layout(&img, 20 * MIB, RAM, 256 * MIB, 240 * MIB, &l, err, sizeof(err));
	ok(r == -1, "an initrd that would overlap the kernel: -1");
}

int main(void)
{
	test_parse();
	test_layout();
	return tap_done();
}
