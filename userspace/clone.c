// SPDX-License-Identifier: GPL-2.0
/* clone.c - reflink a bundle, or copy it sparsely on request (see clone.h). */
#include "clone.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#define SCRATCH_PREFIX	".vmapple-ephemeral-"

struct clone_ctx {
	bool allow_copy;
	struct clone_stats *st;
	char *err;
	size_t err_len;
};

/* Copy [0, size) of @in to @out, data extents only (holes stay holes). */
static int copy_sparse(int in, int out, off_t size)
{
	off_t data = 0, hole;

	if (ftruncate(out, size))
		return -errno;
	while (data < size) {
		data = lseek(in, data, SEEK_DATA);
		if (data < 0)
			return errno == ENXIO ? 0 : -errno;	/* only a hole is left */
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0)
			return -errno;
		while (data < hole) {
			off_t from = data, to = data;
			ssize_t n = copy_file_range(in, &from, out, &to, (size_t)(hole - data), 0);

			if (n <= 0)
				return n ? -errno : -EIO;
			data += n;
		}
	}
	return 0;
}

static int clone_file(struct clone_ctx *c, const char *src, const char *dst,
		      const struct stat *sst)
{
	int in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), out, ret = 0;

	if (in < 0) {
		snprintf(c->err, c->err_len, "vmapple clone: %s: %s", src, strerror(errno));
		return -1;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, sst->st_mode & 07777);
	if (out < 0) {
		snprintf(c->err, c->err_len, "vmapple clone: %s: %s", dst, strerror(errno));
		close(in);
		return -1;
	}
	c->st->files++;
	c->st->bytes += (uint64_t)sst->st_size;
	if (!ioctl(out, FICLONE, in)) {
		c->st->reflinked++;
	} else if (errno != EOPNOTSUPP && errno != EXDEV && errno != EINVAL && errno != ENOTTY) {
		snprintf(c->err, c->err_len, "vmapple clone: %s: FICLONE: %s", dst, strerror(errno));
		ret = -1;
	} else if (!c->allow_copy) {
		snprintf(c->err, c->err_len, "vmapple clone: %s: this filesystem cannot reflink "
			 "(FICLONE: %s); --allow-copy copies the bytes instead", dst,
			 strerror(errno));
		ret = -1;
	} else if ((ret = copy_sparse(in, out, sst->st_size)) < 0) {
		snprintf(c->err, c->err_len, "vmapple clone: copying %s to %s: %s", src, dst,
			 strerror(-ret));
		ret = -1;
	} else {
		c->st->copied++;
	}
	if (!ret && fsync(out)) {
		snprintf(c->err, c->err_len, "vmapple clone: %s: %s", dst, strerror(errno));
		ret = -1;
	}
	close(out);
	close(in);
	return ret;
}

static int clone_at(struct clone_ctx *c, const char *src, const char *dst);

static int clone_dir(struct clone_ctx *c, const char *src, const char *dst, mode_t mode)
{
	char s[PATH_MAX], d[PATH_MAX];
	struct dirent *e;
	DIR *dir;
	int ret = 0;

	if (mkdir(dst, mode & 07777)) {
		snprintf(c->err, c->err_len, "vmapple clone: %s: %s", dst, strerror(errno));
		return -1;
	}
	dir = opendir(src);
	if (!dir) {
		snprintf(c->err, c->err_len, "vmapple clone: %s: %s", src, strerror(errno));
		return -1;
	}
	while (!ret && (e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strncmp(e->d_name, SCRATCH_PREFIX, strlen(SCRATCH_PREFIX)))
			continue;
		if ((size_t)snprintf(s, sizeof(s), "%s/%s", src, e->d_name) >= sizeof(s) ||
		    (size_t)snprintf(d, sizeof(d), "%s/%s", dst, e->d_name) >= sizeof(d)) {
			snprintf(c->err, c->err_len, "vmapple clone: %s/%s: path too long", src,
				 e->d_name);
			ret = -1;
			break;
		}
		ret = clone_at(c, s, d);
	}
	closedir(dir);
	return ret;
}

static int clone_at(struct clone_ctx *c, const char *src, const char *dst)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (lstat(src, &st)) {
		snprintf(c->err, c->err_len, "vmapple clone: %s: %s", src, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return clone_dir(c, src, dst, st.st_mode);
	if (S_ISREG(st.st_mode))
		return clone_file(c, src, dst, &st);
	if (S_ISLNK(st.st_mode)) {
		n = readlink(src, target, sizeof(target) - 1);
		if (n < 0 || (target[n] = 0, symlink(target, dst))) {
			snprintf(c->err, c->err_len, "vmapple clone: %s: %s", dst, strerror(errno));
			return -1;
		}
		return 0;
	}
	snprintf(c->err, c->err_len, "vmapple clone: %s: neither a file, a directory nor a "
		 "symlink; a bundle holds none of those", src);
	return -1;
}

int clone_tree(const char *src, const char *dst, bool allow_copy, struct clone_stats *st,
	       char *err, size_t err_len)
{
	struct clone_ctx c = { allow_copy, st, err, err_len };
	struct stat s;

	memset(st, 0, sizeof(*st));
	if (!lstat(dst, &s)) {
		snprintf(err, err_len, "vmapple clone: %s: already exists; give a new name", dst);
		return -1;
	}
	if (errno != ENOENT) {
		snprintf(err, err_len, "vmapple clone: %s: %s", dst, strerror(errno));
		return -1;
	}
	if (clone_at(&c, src, dst)) {
		clone_remove(dst);	/* nothing half-made is left */
		return -1;
	}
	return 0;
}

static int remove_at(int at, const char *name)
{
	struct stat st;
	int fd, ret = 0;
	DIR *dir;
	struct dirent *e;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(at, name, 0) ? -errno : 0;
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			if (remove_at(dirfd(dir), e->d_name))
				ret = -EIO;
	closedir(dir);
	return unlinkat(at, name, AT_REMOVEDIR) ? -errno : ret;
}

int clone_remove(const char *path)
{
	return remove_at(AT_FDCWD, path);
}

/* DIR and NAME of @bundle, without a trailing slash. */
static void split(const char *bundle, char *dir, size_t dlen, char *name, size_t nlen)
{
	char copy[PATH_MAX];
	char *slash;
	size_t n;

	snprintf(copy, sizeof(copy), "%s", bundle);
	n = strlen(copy);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = 0;
	slash = strrchr(copy, '/');
	if (!slash) {
		snprintf(dir, dlen, ".");
		snprintf(name, nlen, "%s", copy);
	} else {
		*slash = 0;
		snprintf(dir, dlen, "%s", slash == copy ? "/" : copy);
		snprintf(name, nlen, "%s", slash + 1);
	}
}

int clone_scratch_name(const char *bundle, pid_t pid, char *out, size_t out_len)
{
	char dir[PATH_MAX], name[NAME_MAX + 1];

	split(bundle, dir, sizeof(dir), name, sizeof(name));
	if ((size_t)snprintf(out, out_len, "%s/" SCRATCH_PREFIX "%d-%s", dir, (int)pid, name) >=
	    out_len)
		return -ENAMETOOLONG;
	return 0;
}

int clone_reap_stale(const char *bundle)
{
	char dir[PATH_MAX], name[NAME_MAX + 1], path[PATH_MAX];
	struct dirent *e;
	int reaped = 0;
	DIR *d;

	split(bundle, dir, sizeof(dir), name, sizeof(name));
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		long pid;
		char *end;

		if (strncmp(e->d_name, SCRATCH_PREFIX, strlen(SCRATCH_PREFIX)))
			continue;
		pid = strtol(e->d_name + strlen(SCRATCH_PREFIX), &end, 10);
		if (pid <= 0 || *end != '-' || (kill((pid_t)pid, 0) && errno != ESRCH) ||
		    !kill((pid_t)pid, 0))
			continue;	/* its launcher still runs (or is not ours to judge) */
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path))
			continue;
		if (!clone_remove(path))
			reaped++;
	}
	closedir(d);
	return reaped;
}

int clone_fresh_mac(uint8_t mac[6])
{
	if (getrandom(mac, 6, 0) != 6)
		return -errno;
	mac[0] = (uint8_t)((mac[0] & ~1u) | 2u);	/* unicast, locally administered */
	return 0;
}
