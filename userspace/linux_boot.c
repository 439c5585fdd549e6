// SPDX-License-Identifier: GPL-2.0
/* linux_boot.c - load an arm64 Image, initrd and device tree (see linux_boot.h). */
#include "linux_boot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/vm.h"


/* Read all of @path into guest RAM at @gpa (at most @max bytes). */
static int load_file(struct vm *vm, const char *opt, const char *path, uint64_t gpa,
		     uint64_t size, char *err, size_t err_len)
{
	uint8_t *dst = vm_ram(vm, gpa, size);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t done = 0;

	if (fd < 0 || !dst) {
		snprintf(err, err_len, "vmapple: %s %s: %s", opt, path,
			 fd < 0 ? strerror(errno) : "does not fit in RAM");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (done < size) {
		ssize_t n = pread(fd, dst + done, size - done, (off_t)done);

		if (n <= 0) {
			snprintf(err, err_len, "vmapple: %s %s: %s", opt, path,
				 n < 0 ? strerror(errno) : "file shrank while loading");
			close(fd);
			return -1;
		}
		done += (uint64_t)n;
	}
	close(fd);
	return 0;
}

static int file_size(const char *opt, const char *path, uint64_t *size, char *err,
		     size_t err_len)
{
	struct stat st;

	if (stat(path, &st)) {
		snprintf(err, err_len, "vmapple: %s %s: %s", opt, path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, err_len, "vmapple: %s %s: not a regular file", opt, path);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

int linux_boot_load_dt(struct vm *vm, const char *kernel, const char *initrd, uint64_t ram_base,
		       uint64_t ram_size, linux_boot_dt_fn build_dt, void *opaque, uint64_t *entry,
		       uint64_t *dtb, char *err, size_t err_len)
{
	uint8_t hdr[LINUX_IMAGE_HDR_SIZE] = { 0 };
	struct linux_boot_image img;
	struct linux_boot_layout lay;
	uint64_t ksize, isize = 0;
	uint8_t *dtb_host;
	ssize_t got;
	int fd;

	if (file_size("--kernel", kernel, &ksize, err, err_len) ||
	    (initrd && file_size("--initrd", initrd, &isize, err, err_len)))
		return -1;
	fd = open(kernel, O_RDONLY | O_CLOEXEC);
	got = fd < 0 ? -1 : pread(fd, hdr, sizeof(hdr), 0);
	if (fd >= 0)
		close(fd);
	if (got < 0) {
		snprintf(err, err_len, "vmapple: --kernel %s: %s", kernel, strerror(errno));
		return -1;
	}
	if (linux_image_parse(hdr, (size_t)got, &img, kernel, err, err_len) ||
	    linux_boot_layout(&img, ksize, ram_base, ram_size, isize, &lay, err, err_len) ||
	    load_file(vm, "--kernel", kernel, lay.kernel, ksize, err, err_len) ||
	    (initrd && load_file(vm, "--initrd", initrd, lay.initrd, isize, err, err_len)))
		return -1;
	dtb_host = vm_ram(vm, lay.dtb, LINUX_BOOT_DT_MAX_SIZE);
	if (!dtb_host || build_dt(opaque, lay.initrd, initrd ? isize : 0, dtb_host,
				  LINUX_BOOT_DT_MAX_SIZE, err, err_len) < 0)
		return -1;
	*entry = lay.kernel;
	*dtb = lay.dtb;
	return 0;
}

static int vmapple_dt(void *opaque, uint64_t initrd_start, uint64_t initrd_size, void *buf,
		      size_t size, char *err, size_t err_len)
{
	struct board_dt_params *dt = opaque;

	dt->initrd_start = initrd_start;
	dt->initrd_size = initrd_size;
	return board_dt_build(dt, buf, size, err, err_len);
}

int linux_boot_load(struct vm *vm, const char *kernel, const char *initrd,
		    struct board_dt_params *dt, uint64_t *entry, uint64_t *dtb, char *err,
		    size_t err_len)
{
	return linux_boot_load_dt(vm, kernel, initrd, dt->ram_base, dt->ram_size, vmapple_dt, dt,
				  entry, dtb, err, err_len);
}
