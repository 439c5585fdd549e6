// SPDX-License-Identifier: GPL-2.0
/* disk.c - open, lock and lay out a disk image (see disk.h). */
#include "disk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECTOR	512u
#define MIB	(1ull << 20)

int64_t disk_aux_offset(uint64_t size)
{
	/*
	 * VZ's aux.img is its 32 MiB NVRAM store behind a 16 KiB header
	 * (33,570,816 bytes).  The header's contents are not published, so
	 * the layout is told by size alone.
	 */
	if (size && size % MIB == 0)
		return 0;
	if (size > DISK_AUX_HEADER && size % MIB == DISK_AUX_HEADER)
		return (int64_t)DISK_AUX_HEADER;
	return -1;
}

static int lock_image(int fd, bool read_only)
{
	struct flock fl = {
		.l_type = read_only ? F_RDLCK : F_WRLCK, .l_whence = SEEK_SET,
	};

	/* OFD locks: per open file, so threads and BDIF sharing the fd agree. */
	return fcntl(fd, F_OFD_SETLK, &fl);
}

int disk_open(struct disk_image *d, const char *opt, const char *path, bool read_only,
	      enum disk_layout layout, char *err, size_t err_len)
{
	struct stat st;
	int64_t off = 0;

	*d = (struct disk_image){ .fd = -1, .read_only = read_only };
	d->fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (d->fd < 0 || fstat(d->fd, &st)) {
		snprintf(err, err_len, "vmapple: %s %s: %s", opt, path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		snprintf(err, err_len, "vmapple: %s %s: not a file or block device", opt, path);
		goto fail;
	}
	if (lock_image(d->fd, read_only)) {
		if (errno == EAGAIN || errno == EACCES)
			snprintf(err, err_len, "vmapple: %s %s: in use by another VM (%s); two VMs "
				 "cannot share a disk read-write", opt, path,
				 read_only ? "it holds it read-write" : "locked");
		else
			snprintf(err, err_len, "vmapple: %s %s: cannot lock it: %s", opt, path,
				 strerror(errno));
		goto fail;
	}
	if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(d->fd, 0, SEEK_END);

		st.st_size = end < 0 ? 0 : end;
	}
	if (layout == DISK_AUX) {
		off = disk_aux_offset((uint64_t)st.st_size);
		if (off < 0) {
			snprintf(err, err_len, "vmapple: %s %s: %lld bytes is neither a trimmed aux "
				 "image (whole MiB) nor one with Virtualization.framework's 16 KiB "
				 "header (whole MiB + 16 KiB)", opt, path, (long long)st.st_size);
			goto fail;
		}
		if (off)
			fprintf(stderr, "vmapple: %s %s: skipping its 16 KiB Virtualization.framework "
				"header\n", opt, path);
	}
	if ((uint64_t)st.st_size < (uint64_t)off + SECTOR) {
		snprintf(err, err_len, "vmapple: %s %s: %lld bytes is smaller than one sector",
			 opt, path, (long long)st.st_size);
		goto fail;
	}
	d->offset = (uint64_t)off;
	d->size = ((uint64_t)st.st_size - (uint64_t)off) / SECTOR * SECTOR;
	return 0;
fail:
	disk_close(d);
	return -1;
}

void disk_close(struct disk_image *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}
