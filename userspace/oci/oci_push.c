// SPDX-License-Identifier: GPL-2.0
/*
 * oci_push.c - `push`: a VM to a registry in Tart's format (see oci.h and
 * tart_manifest.h).  The disk goes in 512 MiB raw chunks, each an Apple LZ4
 * stream staged in the store's tmp/ with both its digests; a blob the
 * registry has (HEAD) is not sent again.  A Tart bundle's config.json is
 * sent as it is (with `set`'s CPUs and memory); any other layout's is
 * written as Tart's VMConfig from what bundle.h read.
 */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <plist/plist.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../bundle.h"
#include "../disk.h"
#include "apple_lz4.h"
#include "oci_cache.h"
#include "oci_digest.h"
#include "registry.h"
#include "tart_manifest.h"

#define IO_CHUNK	(1u << 20)

struct push {
	const struct vm_store *s;
	const struct oci_opts *o;
	struct oci_ref ref;
	struct registry reg;
	struct bundle b;
	char tmp[PATH_MAX];
	char *err;
	size_t err_len;
};

static int fail(struct push *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct push *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->err_len, fmt, ap);
	va_end(ap);
	return -1;
}

static void note(const struct push *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(const struct push *p, const char *fmt, ...)
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

/* Upload the @size bytes of @fd as @digest unless the registry has it. */
static int send_blob(struct push *p, const char *what, const char *digest, int fd,
		     uint64_t size)
{
	int there = registry_blob_exists(&p->reg, digest);

	if (there < 0)
		return -1;
	if (there) {
		note(p, "%s: %s is there already", what, digest);
		return 0;
	}
	note(p, "%s: uploading %s (%llu bytes)", what, digest, (unsigned long long)size);
	return registry_upload_blob(&p->reg, digest, fd, size, p->o->chunk_size);
}

/* A blob from memory, staged as a file (uploads read an fd). */
static int send_bytes(struct push *p, const char *what, const char *buf, size_t len,
		      struct tart_layer *l)
{
	char path[PATH_MAX];
	int fd, rc;

	if (snprintf(path, sizeof(path), "%s/blob", p->tmp) >= (int)sizeof(path))
		return fail(p, "%s: a path too long", p->tmp);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
		if (fd >= 0)
			close(fd);
		return fail(p, "%s: %s", path, strerror(errno));
	}
	oci_digest_bytes(buf, len, l->digest);
	l->size = len;
	rc = send_blob(p, what, l->digest, fd, len);
	close(fd);
	unlink(path);
	return rc;
}

/* Appends the encoder's output to the staged layer, hashing it. */
struct layer_file {
	int fd;
	uint64_t size;
	struct oci_hash hash;
};

static int layer_write(void *ctx, const void *buf, size_t len, char *err, size_t err_len)
{
	struct layer_file *lf = ctx;

	if (write(lf->fd, buf, len) != (ssize_t)len) {
		snprintf(err, err_len, "staging a layer: %s", strerror(errno));
		return -1;
	}
	oci_hash_update(&lf->hash, buf, len);
	lf->size += len;
	return 0;
}

/* Disk bytes [@l->offset, + @l->raw_size) as a staged Apple LZ4 layer, then sent. */
static int send_chunk(struct push *p, int disk, struct tart_layer *l, size_t index,
		      size_t count)
{
	struct layer_file lf = { .fd = -1 };
	struct apple_lz4_enc enc;
	struct oci_hash raw;
	char path[PATH_MAX], what[64], eerr[256];
	unsigned char *buf = malloc(IO_CHUNK);
	uint64_t done = 0;
	int rc = -1;

	snprintf(what, sizeof(what), "disk layer %zu/%zu", index + 1, count);
	if (snprintf(path, sizeof(path), "%s/layer", p->tmp) >= (int)sizeof(path) || !buf)
		return free(buf), fail(p, "%s: a path too long or no memory", p->tmp);
	lf.fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (lf.fd < 0)
		return free(buf), fail(p, "%s: %s", path, strerror(errno));
	if (oci_hash_init(&lf.hash) || oci_hash_init(&raw) ||
	    apple_lz4_enc_init(&enc, layer_write, &lf, eerr, sizeof(eerr))) {
		fail(p, "%s: out of memory", what);
		goto out;
	}
	while (done < l->raw_size) {
		size_t want = l->raw_size - done < IO_CHUNK ? (size_t)(l->raw_size - done) : IO_CHUNK;
		ssize_t n = pread(disk, buf, want, (off_t)(l->offset + done));

		if (n <= 0) {
			fail(p, "%s: %s", p->b.disk, n ? strerror(errno) : "shorter than it was");
			break;
		}
		oci_hash_update(&raw, buf, (size_t)n);
		if (apple_lz4_enc_write(&enc, buf, (size_t)n, eerr, sizeof(eerr))) {
			fail(p, "%s: %s", what, eerr);
			break;
		}
		done += (uint64_t)n;
	}
	if (done == l->raw_size && !apple_lz4_enc_finish(&enc, eerr, sizeof(eerr))) {
		oci_hash_final(&raw, l->raw_digest);
		oci_hash_final(&lf.hash, l->digest);
		l->size = lf.size;
		rc = send_blob(p, what, l->digest, lf.fd, lf.size);
	} else if (done == l->raw_size) {
		fail(p, "%s: %s", what, eerr);
	}
	apple_lz4_enc_free(&enc);
out:
	oci_hash_free(&raw);
	oci_hash_free(&lf.hash);
	close(lf.fd);
	unlink(path);
	free(buf);
	return rc;
}

static char *base64(const uint8_t *buf, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, buf, (int)len);
	return out;
}

/* VZMacMachineIdentifier's dataRepresentation: a binary plist {ECID: n}. */
static char *ecid_b64(uint64_t ecid)
{
	plist_t dict = plist_new_dict();
	char *bin = NULL, *out;
	uint32_t len = 0;

	plist_dict_set_item(dict, "ECID", plist_new_uint(ecid));
	plist_to_bin(dict, &bin, &len);
	plist_free(dict);
	out = bin ? base64((uint8_t *)bin, len) : NULL;
	free(bin);
	return out;
}

static void set_string(struct json_object *o, const char *key, char *value)
{
	json_object_object_add(o, key, json_object_new_string(value ? value : ""));
	free(value);
}

/* Tart's VMConfig for a bundle of another layout. */
static struct json_object *tart_config(const struct bundle *b)
{
	struct json_object *o = json_object_new_object();
	uint8_t mac[6];
	char smac[18];

	memcpy(mac, b->mac, sizeof(mac));
	if (!b->has_mac) {
		RAND_bytes(mac, sizeof(mac));
		mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);
	}
	snprintf(smac, sizeof(smac), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "os", json_object_new_string("darwin"));
	json_object_object_add(o, "arch", json_object_new_string("arm64"));
	json_object_object_add(o, "cpuCountMin", json_object_new_int((int)(b->cpus ? b->cpus : 2)));
	json_object_object_add(o, "cpuCount", json_object_new_int((int)(b->cpus ? b->cpus : 2)));
	json_object_object_add(o, "memorySizeMin",
			       json_object_new_int64((int64_t)(b->mem ? b->mem : 4ull << 30)));
	json_object_object_add(o, "memorySize",
			       json_object_new_int64((int64_t)(b->mem ? b->mem : 4ull << 30)));
	json_object_object_add(o, "macAddress", json_object_new_string(smac));
	set_string(o, "hardwareModel", base64(b->hw_model, b->hw_model_len));
	set_string(o, "ecid", ecid_b64(b->ecid));
	return o;
}

/* The config.json to push: the bundle's own (Tart's) or Tart's made from it; `set`'s values win. */
static char *config_json(struct push *p, const char *src_dir)
{
	struct json_object *o;
	struct vm_settings set;
	char serr[512], *out;

	o = !strcmp(p->b.layout, "tart") ? json_object_from_file(p->b.config) : tart_config(&p->b);
	if (!o) {
		fail(p, "%s: not JSON", p->b.config);
		return NULL;
	}
	if (vm_settings_read(src_dir, &set, serr, sizeof(serr))) {
		json_object_put(o);
		fail(p, "%s", serr);
		return NULL;
	}
	if (set.cpus)
		json_object_object_add(o, "cpuCount", json_object_new_int((int)set.cpus));
	if (set.memory_mib)
		json_object_object_add(o, "memorySize",
				       json_object_new_int64((int64_t)(set.memory_mib << 20)));
	out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

static int send_nvram(struct push *p, struct tart_layer *l)
{
	int fd;
	int rc;

	fd = open(p->b.aux, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || oci_digest_fd(fd, 0, p->b.aux_size, l->digest)) {
		if (fd >= 0)
			close(fd);
		return fail(p, "%s: %s", p->b.aux, strerror(errno));
	}
	l->size = p->b.aux_size;
	rc = send_blob(p, "NVRAM", l->digest, fd, l->size);
	close(fd);
	return rc;
}

static int send_disk(struct push *p, struct tart_manifest *m)
{
	size_t i;
	int fd = open(p->b.disk, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(p, "%s: %s", p->b.disk, strerror(errno));
	m->disk_size = p->b.disk_size;
	m->ndisk = (size_t)((m->disk_size + TART_DISK_CHUNK - 1) / TART_DISK_CHUNK);
	if (!m->ndisk || m->ndisk > TART_LAYERS_MAX) {
		close(fd);
		return fail(p, "%s: a disk of %llu bytes: 1 byte to 32 TiB", p->b.disk,
			    (unsigned long long)m->disk_size);
	}
	m->disk = calloc(m->ndisk, sizeof(*m->disk));
	if (!m->disk) {
		close(fd);
		return fail(p, "out of memory");
	}
	for (i = 0; i < m->ndisk; i++) {
		struct tart_layer *l = &m->disk[i];

		l->offset = i * TART_DISK_CHUNK;
		l->raw_size = m->disk_size - l->offset < TART_DISK_CHUNK ?
			m->disk_size - l->offset : TART_DISK_CHUNK;
		if (send_chunk(p, fd, l, i, m->ndisk)) {
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

static int push_image(struct push *p, const char *src_dir)
{
	struct tart_manifest m = { 0 };
	struct tart_layer oci_cfg = { 0 };
	char when[32], *config = NULL, *manifest = NULL, digest[OCI_DIGEST_LEN + 1];
	time_t now = time(NULL);
	int rc = -1;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	/* Tart's nvram.bin keeps VZ's header: a trimmed aux cannot be one (said before any upload). */
	if (p->b.aux_offset != DISK_AUX_HEADER)
		return fail(p, "%s: an aux image without VZ's header (trimmed): Tart's nvram.bin "
			    "needs the whole VZMacAuxiliaryStorage", p->b.aux);
	config = config_json(p, src_dir);
	if (!config || send_bytes(p, "config", config, strlen(config), &m.config) ||
	    send_disk(p, &m) || send_nvram(p, &m.nvram) ||
	    send_bytes(p, "OCI config", tart_oci_config, strlen(tart_oci_config), &oci_cfg))
		goto out;
	manifest = tart_manifest_build(&m, oci_cfg.digest, when);
	if (!manifest) {
		fail(p, "out of memory");
		goto out;
	}
	if (registry_put_manifest(&p->reg, p->ref.tag, manifest, strlen(manifest)))
		goto out;
	oci_digest_bytes(manifest, strlen(manifest), digest);
	note(p, "pushed %s/%s:%s@%s", p->ref.host, p->ref.repo, p->ref.tag, digest);
	rc = 0;
out:
	tart_manifest_free(&m);
	free(config);
	free(manifest);
	return rc;
}

int oci_push(const struct vm_store *s, const char *src_dir, const char *refstr,
	     const struct oci_opts *o, char *err, size_t err_len)
{
	struct push p = { .s = s, .o = o, .err = err, .err_len = err_len };
	int rc;

	if (oci_ref_parse(refstr, &p.ref, err, err_len))
		return -1;
	if (!p.ref.tag[0] || strchr(strchr(refstr, '/'), '@'))
		return fail(&p, "%s: push to a tag (HOST/REPOSITORY:TAG), not a digest", refstr);
	if (bundle_open(&p.b, src_dir, err, err_len))
		return -1;
	if (snprintf(p.tmp, sizeof(p.tmp), "%s/tmp/push-%d", s->home, (int)getpid()) >=
	    (int)sizeof(p.tmp))
		return fail(&p, "%s: the store's path is too long", s->home);
	oci_remove_tree(p.tmp);
	if (oci_mkdirs(p.tmp))
		return fail(&p, "%s: %s", p.tmp, strerror(errno));
	rc = registry_open(&p.reg, &p.ref, o->insecure, err, err_len) ? -1 : push_image(&p, src_dir);
	registry_close(&p.reg);
	oci_remove_tree(p.tmp);
	return rc;
}
