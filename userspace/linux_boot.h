/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux_boot.h - boot a Linux arm64 Image on the board (the arm64 boot
 * protocol, Documentation/arch/arm64/booting.rst): the Image at RAM base +
 * text_offset, the initrd and the board's device tree near the top of RAM,
 * CPU 0 entering the Image with x0 = the tree's address, MMU off.
 */
#ifndef VMAPPLE_LINUX_BOOT_H
#define VMAPPLE_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boards/vmapple/board_dt.h"

#define LINUX_IMAGE_HDR_SIZE	64

struct vm;

struct linux_boot_image {
	uint64_t text_offset;
	uint64_t image_size;
	unsigned int page_kb;	/* 4, 16, 64, or 0 when the header does not say */
	bool raw;		/* no Image header: loaded at RAM's start, entered at byte 0 */
};

/*
 * Parse an Image header; a file without one is a raw binary (text offset
 * 0, its own size).  0, or -1 with the reason (ELF, big-endian, compressed,
 * empty).
 */
int linux_image_parse(const uint8_t *hdr, size_t len, struct linux_boot_image *img,
		      const char *path, char *err, size_t err_len);

struct linux_boot_layout {
	uint64_t kernel, kernel_end;	/* guest-physical */
	uint64_t initrd, dtb;
};

/*
 * Place the pieces in RAM [ram_base, ram_base + ram_size): 0, or -1 when
 * they do not fit (the message names what and the --mem that is needed).
 */
int linux_boot_layout(const struct linux_boot_image *img, uint64_t file_size, uint64_t ram_base,
		      uint64_t ram_size, uint64_t initrd_size, struct linux_boot_layout *out,
		      char *err, size_t err_len);

/* Room for a board's device tree (both boards' fit). */
#define LINUX_BOOT_DT_MAX_SIZE	0x10000

/* A board's device tree, told where the initrd went: its size, or -1 with @err. */
typedef int (*linux_boot_dt_fn)(void *opaque, uint64_t initrd_start, uint64_t initrd_size,
				void *buf, size_t size, char *err, size_t err_len);

/*
 * Load --kernel (and --initrd) into RAM [ram_base, + ram_size) and write
 * the device tree @build_dt makes.  Sets *entry and *dtb.
 */
int linux_boot_load_dt(struct vm *vm, const char *kernel, const char *initrd, uint64_t ram_base,
		       uint64_t ram_size, linux_boot_dt_fn build_dt, void *opaque, uint64_t *entry,
		       uint64_t *dtb, char *err, size_t err_len);

/* The VMApple board's: the tree from @dt (its initrd fields are filled here). */
int linux_boot_load(struct vm *vm, const char *kernel, const char *initrd,
		    struct board_dt_params *dt, uint64_t *entry, uint64_t *dtb, char *err,
		    size_t err_len);

#endif
