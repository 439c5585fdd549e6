// SPDX-License-Identifier: GPL-2.0
/*
 * oci_pull.c - `pull`: a Tart image from a registry into the cache (see
 * oci.h).  Every blob is checked against its digest, every disk layer
 * against its raw digest, before the image appears; a blob cut off is
 * resumed with a Range request, here or in the next pull, from the .part
 * file it left; a layer some cached image holds is copied, not downloaded.
 */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../bundle.h"
#include "apple_lz4.h"
#include "oci_cache.h"
#include "oci_digest.h"
#include "registry.h"
#include "tart_manifest.h"

/* Attempts at one blob while each makes progress (Tart makes five). */
#define BLOB_ATTEMPTS	5
#define IO_CHUNK	(1u << 20)
/* Zero runs this long are left as holes: the disk stays sparse. */
#define ZERO_GRANULE	4096u

struct pull {
	const struct vm_store *s;
	const struct oci_opts *o;
	struct oci_ref ref;
	struct registry reg;
	struct tart_manifest m;
	char digest[OCI_DIGEST_LEN + 1];
	char work[PATH_MAX], image[PATH_MAX], repo_dir[PATH_MAX];
	char *err;
	size_t err_len;
};

static int fail(struct pull *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct pull *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->err_len, fmt, ap);
	va_end(ap);
	return -1;
}

static void note(const struct pull *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(const struct pull *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->o->progress)
		return;
	va_start(ap, fmt);
	vfprintf(p->o->progress, fmt, ap);
	va_end(ap);
	fputc('\n', p->o->progress);
	fflush(p->o->progress);
}

static int path_in(char *out, size_t len, const char *dir, const char *file)
{
	int n = snprintf(out, len, "%s/%s", dir, file);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Appends what the registry sends to a .part file, never past the blob's size. */
struct part_sink {
	int fd;
	uint64_t room;
};

static int part_write(void *ctx, const void *buf, size_t len, char *err, size_t err_len)
{
	struct part_sink *ps = ctx;
	const char *b = buf;
	ssize_t n;

	if (len > ps->room) {
		snprintf(err, err_len, "it sent more bytes than the manifest says the blob has");
		return -1;
	}
	while (len) {
		n = write(ps->fd, b, len);
		if (n <= 0) {
			snprintf(err, err_len, "writing the download: %s", strerror(errno));
			return -1;
		}
		b += n;
		len -= (size_t)n;
		ps->room -= (uint64_t)n;
	}
	return 0;
}

/*
 * Blob @l into @path (via @path.part, resumed from its length): whole and
 * of the right digest, or -1.  A digest that does not match removes the
 * download: resuming it again could only repeat the bad bytes.
 */
static int fetch_blob(struct pull *p, const struct tart_layer *l, const char *path)
{
	char part[PATH_MAX], got_digest[OCI_DIGEST_LEN + 1];
	struct part_sink ps;
	struct stat st;
	uint64_t got = 1, have;
	int fd, attempt, rc = -1;

	if (snprintf(part, sizeof(part), "%s.part", path) >= (int)sizeof(part))
		return fail(p, "%s: a path too long", path);
	for (attempt = 0; attempt < BLOB_ATTEMPTS && got; attempt++) {
		fd = open(part, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0 || fstat(fd, &st))
			return fail(p, "%s: %s", part, strerror(errno));
		have = (uint64_t)st.st_size;
		if (have > l->size) {
			if (ftruncate(fd, 0))
				return close(fd), fail(p, "%s: %s", part, strerror(errno));
			have = 0;
		}
		if (have == l->size) {
			close(fd);
			rc = 0;
			break;
		}
		if (have)
			note(p, "resuming blob %s at byte %llu of %llu", l->digest,
			     (unsigned long long)have, (unsigned long long)l->size);
		ps.fd = fd;
		ps.room = l->size - have;
		rc = registry_get_blob(&p->reg, l->digest, have, part_write, &ps, &got);
		if (close(fd) && !rc)
			rc = fail(p, "%s: %s", part, strerror(errno));
		if (!rc && ps.room)
			rc = fail(p, "registry %s: blob %s: %llu bytes short of the manifest's %llu",
				  p->ref.host, l->digest, (unsigned long long)ps.room,
				  (unsigned long long)l->size);
		if (!rc)
			break;
	}
	if (rc) {
		/* A cut-off blob: say how far it got; the next pull resumes there. */
		if (!stat(part, &st) && st.st_size)
			snprintf(p->err + strlen(p->err), p->err_len - strlen(p->err),
				 "; %llu of %llu bytes kept: run the pull again to resume",
				 (unsigned long long)st.st_size, (unsigned long long)l->size);
		return -1;
	}
	fd = open(part, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || oci_digest_fd(fd, 0, l->size, got_digest)) {
		if (fd >= 0)
			close(fd);
		return fail(p, "%s: %s", part, strerror(errno));
	}
	close(fd);
	if (strcmp(got_digest, l->digest)) {
		unlink(part);
		return fail(p, "registry %s: blob %s arrived with digest %s: corrupt in transit "
			    "or in the registry (the download is removed)", p->ref.host, l->digest,
			    got_digest);
	}
	if (rename(part, path))
		return fail(p, "%s: %s", path, strerror(errno));
	return 0;
}

/* config.json must be a macOS one: a Linux image is refused before its disk comes. */
static int check_config(struct pull *p, const char *path)
{
	struct json_object *root = json_object_from_file(path), *v;
	const char *os = "darwin", *arch = "arm64";
	int rc = 0;

	if (!root)
		return fail(p, "%s: its config.json is not JSON", p->digest);
	if (json_object_object_get_ex(root, "os", &v) && json_object_is_type(v, json_type_string))
		os = json_object_get_string(v);
	if (json_object_object_get_ex(root, "arch", &v) && json_object_is_type(v, json_type_string))
		arch = json_object_get_string(v);
	if (strcmp(os, "darwin") || strcmp(arch, "arm64"))
		rc = fail(p, "%s/%s: an image for os \"%s\", arch \"%s\": vmapple runs macOS on "
			  "Apple silicon (darwin, arm64)", p->ref.host, p->ref.repo, os, arch);
	json_object_put(root);
	return rc;
}

/* Writes a layer's raw bytes at its place in disk.img, hashing them on the way. */
struct disk_sink {
	int fd;
	uint64_t off, pos, limit;
	bool skip_zeros;
	struct oci_hash hash;
};

static bool all_zero(const unsigned char *b, size_t len)
{
	return !len || (!b[0] && !memcmp(b, b + 1, len - 1));
}

static int disk_write(void *ctx, const void *buf, size_t len, char *err, size_t err_len)
{
	struct disk_sink *ds = ctx;
	const unsigned char *b = buf;

	if (len > ds->limit - ds->pos) {
		snprintf(err, err_len, "the layer decodes to more than its %llu raw bytes",
			 (unsigned long long)ds->limit);
		return -1;
	}
	oci_hash_update(&ds->hash, buf, len);
	while (len) {
		size_t n = len < ZERO_GRANULE ? len : ZERO_GRANULE;
		ssize_t w = 0;

		if (!ds->skip_zeros || !all_zero(b, n))
			w = pwrite(ds->fd, b, n, (off_t)(ds->off + ds->pos));
		if (w < 0 || (w > 0 && (size_t)w != n)) {
			snprintf(err, err_len, "writing disk.img: %s", w < 0 ? strerror(errno) : "short");
			return -1;
		}
		b += n;
		len -= n;
		ds->pos += n;
	}
	return 0;
}

/* Decode the downloaded layer @blob into disk.img, checking its raw size and digest. */
static int unpack_layer(struct pull *p, int disk, const struct tart_layer *l, const char *blob)
{
	struct disk_sink ds = { .fd = disk, .off = l->offset, .limit = l->raw_size };
	struct apple_lz4_dec dec;
	char raw_digest[OCI_DIGEST_LEN + 1], derr[256];
	unsigned char *buf = malloc(IO_CHUNK);
	int fd = open(blob, O_RDONLY | O_CLOEXEC), rc = -1;
	ssize_t n;

	/* A hole where the layer goes, so that skipping its zeros leaves zeros. */
	ds.skip_zeros = !fallocate(disk, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				   (off_t)l->offset, (off_t)l->raw_size);
	if (!buf || fd < 0 || oci_hash_init(&ds.hash)) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return fail(p, "%s: %s", blob, strerror(errno ? errno : ENOMEM));
	}
	apple_lz4_dec_init(&dec, disk_write, &ds);
	while ((n = read(fd, buf, IO_CHUNK)) > 0)
		if (apple_lz4_dec_feed(&dec, buf, (size_t)n, derr, sizeof(derr)))
			break;
	if (n < 0)
		fail(p, "%s: %s", blob, strerror(errno));
	else if (n > 0 || apple_lz4_dec_finish(&dec, derr, sizeof(derr)))
		fail(p, "layer %s: %s", l->digest, derr);
	else if (ds.pos != l->raw_size)
		fail(p, "layer %s: decodes to %llu bytes, its annotation says %llu", l->digest,
		     (unsigned long long)ds.pos, (unsigned long long)l->raw_size);
	else
		rc = 0;
	apple_lz4_dec_free(&dec);
	close(fd);
	free(buf);
	oci_hash_final(&ds.hash, raw_digest);
	if (!rc && strcmp(raw_digest, l->raw_digest))
		rc = fail(p, "layer %s: its raw bytes have digest %s, its annotation says %s",
			  l->digest, raw_digest, l->raw_digest);
	return rc;
}

/* The layer from a cached image's disk (a reflink where the filesystem can): 0 if it checks. */
static int copy_layer(struct pull *p, int disk, const struct tart_layer *l)
{
	char src_disk[PATH_MAX], digest[OCI_DIGEST_LEN + 1];
	uint64_t src_off, done = 0;
	int src;

	if (oci_cache_find_layer(p->s, l->raw_digest, l->raw_size, p->image, src_disk,
				 sizeof(src_disk), &src_off) != 1)
		return -1;
	src = open(src_disk, O_RDONLY | O_CLOEXEC);
	if (src < 0)
		return -1;
	/* Only the source's data extents: its holes stay holes here (punched first). */
	fallocate(disk, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)l->offset,
		  (off_t)l->raw_size);
	while (done < l->raw_size) {
		off_t data = lseek(src, (off_t)(src_off + done), SEEK_DATA), hole;
		loff_t in, out;
		ssize_t n;

		if (data < 0 || (uint64_t)data >= src_off + l->raw_size) {
			done = l->raw_size;	/* the rest is a hole */
			break;
		}
		hole = lseek(src, data, SEEK_HOLE);
		if (hole < 0 || (uint64_t)hole > src_off + l->raw_size)
			hole = (off_t)(src_off + l->raw_size);
		in = data;
		out = (loff_t)(l->offset + ((uint64_t)data - src_off));
		n = copy_file_range(src, &in, disk, &out, (size_t)(hole - data), 0);
		if (n <= 0)
			break;
		done = (uint64_t)data - src_off + (uint64_t)n;
	}
	close(src);
	if (done != l->raw_size || oci_digest_fd(disk, l->offset, l->raw_size, digest) ||
	    strcmp(digest, l->raw_digest))
		return -1;
	note(p, "layer %s: copied from the cache (%s)", l->digest, src_disk);
	return 0;
}

/* layers.done: the index and raw digest of each disk layer already in disk.img. */
static bool layer_done(const char *done, size_t i, const struct tart_layer *l)
{
	char line[OCI_DIGEST_LEN + 32];

	snprintf(line, sizeof(line), "%zu %s\n", i, l->raw_digest);
	return done && strstr(done, line) && (strstr(done, line) == done ||
					      strstr(done, line)[-1] == '\n');
}

static int mark_done(struct pull *p, int disk, size_t i, const struct tart_layer *l)
{
	char path[PATH_MAX];
	FILE *f;

	/* The layer's bytes are durable before the line that says so. */
	if (fdatasync(disk))
		return fail(p, "disk.img: %s", strerror(errno));
	if (path_in(path, sizeof(path), p->work, "layers.done") || !(f = fopen(path, "a")))
		return fail(p, "%s/layers.done: %s", p->work, strerror(errno));
	fprintf(f, "%zu %s\n", i, l->raw_digest);
	if (fflush(f) || fsync(fileno(f)) || fclose(f))
		return fail(p, "%s/layers.done: %s", p->work, strerror(errno));
	return 0;
}

static char *read_done(const char *work)
{
	char path[PATH_MAX], *buf = NULL;
	size_t cap = 0;
	FILE *f;
	ssize_t n;

	if (path_in(path, sizeof(path), work, "layers.done") || !(f = fopen(path, "r")))
		return NULL;
	n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int pull_disk(struct pull *p)
{
	char path[PATH_MAX], blob[PATH_MAX], *done;
	struct stat st;
	size_t i;
	int disk, rc = 0;

	if (path_in(path, sizeof(path), p->work, "disk.img"))
		return fail(p, "%s: a path too long", p->work);
	disk = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (disk < 0 || fstat(disk, &st))
		return fail(p, "%s: %s", path, strerror(errno));
	if ((uint64_t)st.st_size != p->m.disk_size && ftruncate(disk, (off_t)p->m.disk_size)) {
		close(disk);
		return fail(p, "%s: %s", path, strerror(errno));
	}
	done = read_done(p->work);
	for (i = 0; i < p->m.ndisk && !rc; i++) {
		const struct tart_layer *l = &p->m.disk[i];

		if (layer_done(done, i, l))
			continue;
		if (!copy_layer(p, disk, l)) {
			rc = mark_done(p, disk, i, l);
			continue;
		}
		note(p, "layer %zu/%zu: %s (%llu bytes)", i + 1, p->m.ndisk, l->digest,
		     (unsigned long long)l->size);
		if (snprintf(blob, sizeof(blob), "%s/layer-%s", p->work, l->digest + 7) >=
		    (int)sizeof(blob))
			rc = fail(p, "%s: a path too long", p->work);
		else
			rc = fetch_blob(p, l, blob) || unpack_layer(p, disk, l, blob) ||
			     mark_done(p, disk, i, l);
		if (!rc)
			unlink(blob);
	}
	free(done);
	if (close(disk) && !rc)
		rc = fail(p, "%s: %s", path, strerror(errno));
	return rc ? -1 : 0;
}

/* HOST/REPO/TAG -> the image: a symlink replaced in one rename. */
static int link_tag(struct pull *p)
{
	char link[PATH_MAX], tmp[PATH_MAX];

	if (!p->ref.tag[0])
		return 0;
	if (path_in(link, sizeof(link), p->repo_dir, p->ref.tag) ||
	    snprintf(tmp, sizeof(tmp), "%s.%d", link, (int)getpid()) >= (int)sizeof(tmp))
		return fail(p, "%s: a path too long", p->repo_dir);
	unlink(tmp);
	if (symlink(p->digest, tmp) || rename(tmp, link))
		return unlink(tmp), fail(p, "%s: %s", link, strerror(errno));
	return 0;
}

static int write_file(struct pull *p, const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(buf, 1, len, f) != len || fflush(f) || fsync(fileno(f))) {
		if (f)
			fclose(f);
		return fail(p, "%s: %s", path, strerror(errno));
	}
	return fclose(f) ? fail(p, "%s: %s", path, strerror(errno)) : 0;
}

/* The work directory, locked: a second pull of the same image waits here. */
static int lock_work(struct pull *p)
{
	char path[PATH_MAX];
	int fd;

	if (oci_mkdirs(p->work))
		return fail(p, "%s: %s", p->work, strerror(errno)), -1;
	if (path_in(path, sizeof(path), p->work, ".lock"))
		return fail(p, "%s: a path too long", p->work), -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail(p, "%s: %s", path, strerror(errno)), -1;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		note(p, "waiting for another pull of %s...", p->digest);
		if (flock(fd, LOCK_EX)) {
			close(fd);
			return fail(p, "%s: %s", path, strerror(errno)), -1;
		}
	}
	return fd;
}

/* Everything in place in the work directory: check it opens as a bundle, then publish it. */
static int finish(struct pull *p)
{
	char path[PATH_MAX], berr[512];
	struct bundle b;

	if (bundle_open(&b, p->work, berr, sizeof(berr)))
		return fail(p, "%s/%s@%s does not open as a Tart VM: %s", p->ref.host, p->ref.repo,
			    p->digest, berr);
	if (path_in(path, sizeof(path), p->work, "layers.done") || (unlink(path) && errno != ENOENT) ||
	    path_in(path, sizeof(path), p->work, ".lock") || (unlink(path) && errno != ENOENT))
		return fail(p, "%s: %s", p->work, strerror(errno));
	if (oci_mkdirs(p->repo_dir))
		return fail(p, "%s: %s", p->repo_dir, strerror(errno));
	if (rename(p->work, p->image)) {
		if (errno != EEXIST && errno != ENOTEMPTY)
			return fail(p, "%s: %s", p->image, strerror(errno));
		oci_remove_tree(p->work);	/* another pull published it first */
	}
	return 0;
}

static int pull_image(struct pull *p, const char *manifest, size_t len)
{
	char path[PATH_MAX], blob[PATH_MAX];
	int lock, rc;

	if (oci_cache_work_dir(p->s, &p->ref, p->digest, p->work, sizeof(p->work)))
		return fail(p, "%s: the store's path is too long", p->s->home);
	lock = lock_work(p);
	if (lock < 0)
		return -1;
	rc = 0;
	if (!access(p->image, F_OK))
		goto out;	/* the pull we waited for made it */
	if (path_in(path, sizeof(path), p->work, "manifest.json") ||
	    write_file(p, path, manifest, len)) {
		rc = -1;
		goto out;
	}
	note(p, "pulling %s/%s@%s: %zu disk layers, %llu bytes of disk", p->ref.host, p->ref.repo,
	     p->digest, p->m.ndisk, (unsigned long long)p->m.disk_size);
	if (path_in(path, sizeof(path), p->work, "config.json") ||
	    path_in(blob, sizeof(blob), p->work, "nvram.bin")) {
		rc = fail(p, "%s: a path too long", p->work);
		goto out;
	}
	rc = fetch_blob(p, &p->m.config, path) || check_config(p, path) ||
	     fetch_blob(p, &p->m.nvram, blob) || pull_disk(p) || finish(p) ? -1 : 0;
out:
	close(lock);
	return rc;
}

int oci_pull(const struct vm_store *s, const char *refstr, const struct oci_opts *o, char *dir,
	     size_t dir_len, char *err, size_t err_len)
{
	struct pull p = { .s = s, .o = o, .err = err, .err_len = err_len };
	char *manifest = NULL;
	size_t len = 0;
	int rc = -1;

	if (oci_ref_parse(refstr, &p.ref, err, err_len))
		return -1;
	if (oci_cache_repo_dir(s, &p.ref, p.repo_dir, sizeof(p.repo_dir)))
		return fail(&p, "%s: the store's path is too long", s->home);
	if (registry_open(&p.reg, &p.ref, o->insecure, err, err_len))
		goto out;
	if (registry_get_manifest(&p.reg, oci_ref_reference(&p.ref), &manifest, &len))
		goto out;
	oci_digest_bytes(manifest, len, p.digest);
	if (p.ref.digest[0] && strcmp(p.digest, p.ref.digest)) {
		fail(&p, "registry %s: the manifest of %s has digest %s", p.ref.host, refstr, p.digest);
		goto out;
	}
	if (tart_manifest_parse(manifest, len, &p.m, err, err_len)) {
		char why[512];

		snprintf(why, sizeof(why), "%s", err);
		fail(&p, "%s: %s", refstr, why);
		goto out;
	}
	if (path_in(p.image, sizeof(p.image), p.repo_dir, p.digest)) {
		fail(&p, "%s: the store's path is too long", s->home);
		goto out;
	}
	if (access(p.image, F_OK) && pull_image(&p, manifest, len))
		goto out;
	if (link_tag(&p))
		goto out;
	if (snprintf(dir, dir_len, "%s", p.image) >= (int)dir_len) {
		fail(&p, "%s: a path too long", p.image);
		goto out;
	}
	note(&p, "pulled %s/%s@%s", p.ref.host, p.ref.repo, p.digest);
	rc = 0;
out:
	tart_manifest_free(&p.m);
	registry_close(&p.reg);
	free(manifest);
	return rc;
}

int oci_cached(const struct vm_store *s, const char *refstr, char *dir, size_t dir_len,
	       char *fqn, size_t fqn_len, char *err, size_t err_len)
{
	char repo_dir[PATH_MAX], link[PATH_MAX], target[OCI_DIGEST_LEN + 2];
	struct oci_ref ref;
	ssize_t n;

	if (oci_ref_parse(refstr, &ref, err, err_len))
		return -1;
	if (oci_cache_repo_dir(s, &ref, repo_dir, sizeof(repo_dir)))
		return snprintf(err, err_len, "%s: the store's path is too long", s->home), -1;
	if (ref.digest[0]) {
		snprintf(target, sizeof(target), "%s", ref.digest);
	} else {
		if (path_in(link, sizeof(link), repo_dir, ref.tag))
			return snprintf(err, err_len, "%s: a path too long", repo_dir), -1;
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			return errno == ENOENT ? 0 :
				(snprintf(err, err_len, "%s: %s", link, strerror(errno)), -1);
		target[n] = '\0';
		if (!oci_digest_valid(target))
			return snprintf(err, err_len, "%s: not a link to an image", link), -1;
	}
	if (path_in(dir, dir_len, repo_dir, target))
		return snprintf(err, err_len, "%s: a path too long", repo_dir), -1;
	if (access(dir, F_OK))
		return 0;
	if (snprintf(fqn, fqn_len, "%s/%s@%s", ref.host, ref.repo, target) >= (int)fqn_len)
		return snprintf(err, err_len, "%s: a name too long", refstr), -1;
	return 1;
}
