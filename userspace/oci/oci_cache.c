// SPDX-License-Identifier: GPL-2.0
/* oci_cache.c - the image cache's paths and its layer search (see oci_cache.h). */
#include "oci_cache.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci_digest.h"

static int fit(int n, size_t len)
{
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int oci_cache_repo_dir(const struct vm_store *s, const struct oci_ref *r, char *out, size_t len)
{
	char host[sizeof(r->host) * 3];
	const char *p;
	size_t h = 0;

	for (p = r->host; *p; p++) {
		if (*p == ':') {
			memcpy(host + h, "%3A", 3);
			h += 3;
		} else {
			host[h++] = *p;
		}
	}
	host[h] = '\0';
	return fit(snprintf(out, len, "%s/cache/OCIs/%s/%s", s->home, host, r->repo), len);
}

int oci_cache_work_dir(const struct vm_store *s, const struct oci_ref *r, const char *digest,
		       char *out, size_t len)
{
	(void)r;
	/*
	 * Named by the manifest's digest alone: the same image resumes in the
	 * same place whichever registry or mirror serves it (every blob is
	 * checked against its digest anyway).
	 */
	return fit(snprintf(out, len, "%s/tmp/pull-%.32s", s->home, digest + 7), len);
}

int oci_mkdirs(const char *path)
{
	char p[PATH_MAX];
	char *q;

	if (fit(snprintf(p, sizeof(p), "%s", path), sizeof(p)))
		return errno = ENAMETOOLONG, -1;
	for (q = p + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -1;
		*q = '/';
	}
	return mkdir(p, 0755) && errno != EEXIST ? -1 : 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path) && errno != ENOENT ? -1 : 0;
}

int oci_remove_tree(const char *path)
{
	if (nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) && errno != ENOENT)
		return -1;
	return 0;
}

/* The search's state: nftw's callback has no argument of its own. */
static struct {
	const char *raw_digest, *skip_dir;
	uint64_t raw_size, offset;
	char *disk;
	size_t disk_len;
	int found;
} search;

static int read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "r");
	long n;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > (long)(4 << 20) ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -1;
	}
	*buf = malloc((size_t)n + 1);
	if (!*buf || fread(*buf, 1, (size_t)n, f) != (size_t)n) {
		free(*buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	(*buf)[n] = '\0';
	*len = (size_t)n;
	return 0;
}

static int look_in(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	struct tart_manifest m;
	char err[256], dir[PATH_MAX], *buf;
	size_t len, i;

	(void)st;
	if (flag != FTW_F || strcmp(path + ftw->base, "manifest.json"))
		return 0;
	snprintf(dir, sizeof(dir), "%.*s", ftw->base ? ftw->base - 1 : 0, path);
	/* Only a whole image (its directory named by its digest), never a pull's work. */
	if (!strstr(dir + (strrchr(dir, '/') ? strrchr(dir, '/') - dir + 1 : 0), "sha256:") ||
	    (search.skip_dir && !strcmp(dir, search.skip_dir)) || read_file(path, &buf, &len))
		return 0;
	if (!tart_manifest_parse(buf, len, &m, err, sizeof(err))) {
		for (i = 0; i < m.ndisk; i++) {
			if (strcmp(m.disk[i].raw_digest, search.raw_digest) ||
			    m.disk[i].raw_size != search.raw_size)
				continue;
			if (!fit(snprintf(search.disk, search.disk_len, "%s/disk.img", dir),
				 search.disk_len) && !access(search.disk, R_OK)) {
				search.offset = m.disk[i].offset;
				search.found = 1;
			}
			break;
		}
		tart_manifest_free(&m);
	}
	free(buf);
	return search.found;
}

int oci_cache_find_layer(const struct vm_store *s, const char *raw_digest, uint64_t raw_size,
			 const char *skip_dir, char *disk, size_t disk_len, uint64_t *offset)
{
	char root[PATH_MAX];

	if (fit(snprintf(root, sizeof(root), "%s/cache/OCIs", s->home), sizeof(root)))
		return 0;
	search.raw_digest = raw_digest;
	search.raw_size = raw_size;
	search.skip_dir = skip_dir;
	search.disk = disk;
	search.disk_len = disk_len;
	search.found = 0;
	nftw(root, look_in, 16, FTW_PHYS);
	*offset = search.offset;
	return search.found;
}
