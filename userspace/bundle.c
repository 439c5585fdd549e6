// SPDX-License-Identifier: GPL-2.0
/*
 * bundle.c - find a VM bundle's layout and hand it to that layout's reader
 * (userspace/bundle/<layout>.c); print what it holds (see bundle.h).
 */
#include "bundle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "bundle/format.h"
#include "disk.h"

/*
 * The order matters only for a directory holding more than one layout's
 * marker: the most specific markers first (UTM's config.plist, a
 * .vbdata/), macosvm's freely named JSON last.
 */
static const struct bundle_format *const formats[] = {
	&bundle_utm,
	&bundle_vbuddy,
	&bundle_tart,
	&bundle_macosvm,
};

#define NR_FORMATS	(sizeof(formats) / sizeof(formats[0]))

static const struct bundle_format *probe_dir(struct bundle *b, char *err, size_t err_len)
{
	char known[512];
	size_t i, n = 0;

	for (i = 0; i < NR_FORMATS; i++)
		if (formats[i]->probe(b))
			return formats[i];
	for (i = 0; i < NR_FORMATS && n < sizeof(known); i++)
		n += (size_t)snprintf(known + n, sizeof(known) - n, "%s%s (%s)",
				      i ? (i + 1 == NR_FORMATS ? " or " : ", ") : "",
				      formats[i]->marker, formats[i]->name);
	bundle_fail(err, err_len, b->dir, NULL, "not a VM bundle of a known layout: it has no %s",
		    known);
	return NULL;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* b->dir := the directory holding @path ("." for a bare name). */
static void parent_dir(struct bundle *b, const char *path)
{
	char *slash;

	snprintf(b->dir, sizeof(b->dir), "%s", path);
	slash = strrchr(b->dir, '/');
	if (!slash)
		snprintf(b->dir, sizeof(b->dir), ".");
	else if (slash == b->dir)
		b->dir[1] = 0;
	else
		*slash = 0;
}

/*
 * Which layout @path is: a bundle directory; a layout's config file (its
 * directory is then the bundle); or any other .json, which only macosvm
 * names freely.
 */
static const struct bundle_format *locate(struct bundle *b, const char *path, char *err,
					  size_t err_len)
{
	const char *name = base_name(path);
	struct stat st;
	size_t n;

	if (!*path) {
		bundle_fail(err, err_len, "''", NULL, "no path given");
		return NULL;
	}
	if (stat(path, &st)) {
		bundle_fail(err, err_len, path, NULL, "%s", strerror(errno));
		return NULL;
	}
	if (strlen(path) >= sizeof(b->dir)) {
		bundle_fail(err, err_len, path, NULL, "path too long");
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(b->dir, sizeof(b->dir), "%s", path);
		/* "vm.utm/" and "vm.utm" are one bundle: drop trailing slashes. */
		for (n = strlen(b->dir); n > 1 && b->dir[n - 1] == '/'; n--)
			b->dir[n - 1] = 0;
		return probe_dir(b, err, err_len);
	}
	parent_dir(b, path);
	if (!strcmp(name, "config.json") || !strcmp(name, "config.plist"))
		return probe_dir(b, err, err_len);
	if (!strcmp(name, "Config.plist") && !strcmp(base_name(b->dir), ".vbdata")) {
		char vbdata[PATH_MAX];

		snprintf(vbdata, sizeof(vbdata), "%s", b->dir);
		parent_dir(b, vbdata);
		return probe_dir(b, err, err_len);
	}
	n = strlen(name);
	if (n > 5 && !strcmp(name + n - 5, ".json")) {
		snprintf(b->config, sizeof(b->config), "%s", path);
		return &bundle_macosvm;
	}
	bundle_fail(err, err_len, path, NULL, "not a VM bundle: give its directory (or its "
		    "macosvm JSON file)");
	return NULL;
}

int bundle_open(struct bundle *b, const char *path, char *err, size_t err_len)
{
	const struct bundle_format *f;

	memset(b, 0, sizeof(*b));
	f = locate(b, path, err, err_len);
	if (!f)
		return -1;
	snprintf(b->layout, sizeof(b->layout), "%s", f->name);
	return f->open(b, err, err_len);
}

int bundle_set_mac(const char *path, const uint8_t mac[6], char *err, size_t err_len)
{
	const struct bundle_format *f;
	struct bundle *b;
	int rc = -1;

	/* Big (four paths): not on the caller's stack. */
	b = calloc(1, sizeof(*b));
	if (!b)
		return bundle_fail(err, err_len, path, NULL, "out of memory");
	f = locate(b, path, err, err_len);
	if (f) {
		snprintf(b->layout, sizeof(b->layout), "%s", f->name);
		rc = f->set_mac(b, mac, err, err_len);
	}
	free(b);
	return rc;
}

/* "64 GiB", "33 MiB" or "1000 bytes": the largest unit it is a whole number of. */
static void human_size(uint64_t n, char *buf, size_t len)
{
	if (n && n % (1ull << 30) == 0)
		snprintf(buf, len, "%llu GiB", (unsigned long long)(n >> 30));
	else if (n && n % (1ull << 20) == 0)
		snprintf(buf, len, "%llu MiB", (unsigned long long)(n >> 20));
	else
		snprintf(buf, len, "%llu bytes", (unsigned long long)n);
}

static void print_text(const struct bundle *b, FILE *out)
{
	char size[32], mac[18];

	fprintf(out, "layout    %s\nbundle    %s\nconfig    %s\n", b->layout, b->dir,
		b->config[0] ? b->config : "none (the layout's defaults)");
	human_size(b->disk_size, size, sizeof(size));
	fprintf(out, "disk      %s (%s%s)\n", b->disk, size,
		b->disk_read_only ? ", read-only" : "");
	fprintf(out, "aux       %s (%llu bytes%s)\n", b->aux, (unsigned long long)b->aux_size,
		b->aux_offset ? "; Virtualization.framework's 16 KiB header skipped" : "");
	if (b->has_ecid)
		fprintf(out, "ecid      0x%016llx (%llu)\n", (unsigned long long)b->ecid,
			(unsigned long long)b->ecid);
	else
		fprintf(out, "ecid      none in the bundle (give --ecid)\n");
	if (b->hw_model_len) {
		fprintf(out, "hw model  platform %llu, data representation %llu",
			(unsigned long long)b->hw_platform, (unsigned long long)b->hw_data_version);
		if (b->has_hw_min_os)
			fprintf(out, ", macOS %u.%u.%u or later", b->hw_min_os[0], b->hw_min_os[1],
				b->hw_min_os[2]);
		fprintf(out, " (%zu bytes)\n", b->hw_model_len);
	} else {
		fprintf(out, "hw model  none in the bundle\n");
	}
	if (b->cpus)
		fprintf(out, "cpus      %u\n", b->cpus);
	else
		fprintf(out, "cpus      not given\n");
	human_size(b->mem, size, sizeof(size));
	fprintf(out, "memory    %s\n", b->mem ? size : "not given");
	bundle_format_mac(b->mac, false, mac);
	fprintf(out, "mac       %s\n", b->has_mac ? mac : "not given");
}

static struct json_object *json_hw_model(const struct bundle *b)
{
	struct json_object *o = json_object_new_object();
	char os[40];
	char *b64;

	json_object_object_add(o, "platform_version", json_object_new_uint64(b->hw_platform));
	json_object_object_add(o, "data_representation_version",
			       json_object_new_uint64(b->hw_data_version));
	snprintf(os, sizeof(os), "%u.%u.%u", b->hw_min_os[0], b->hw_min_os[1], b->hw_min_os[2]);
	json_object_object_add(o, "minimum_os", b->has_hw_min_os ? json_object_new_string(os) :
			       NULL);
	/* EVP_EncodeBlock: 4 characters per 3 bytes, and a NUL. */
	b64 = malloc(4 * ((b->hw_model_len + 2) / 3) + 1);
	if (b64) {
		EVP_EncodeBlock((unsigned char *)b64, b->hw_model, (int)b->hw_model_len);
		json_object_object_add(o, "base64", json_object_new_string(b64));
		free(b64);
	}
	return o;
}

static struct json_object *json_file(const char *path, uint64_t size)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "path", json_object_new_string(path));
	json_object_object_add(o, "size", json_object_new_uint64(size));
	return o;
}

static int print_json(const struct bundle *b, FILE *out)
{
	struct json_object *o = json_object_new_object(), *disk, *aux;
	char hex[24], mac[18];

	if (!o)
		return -1;
	json_object_object_add(o, "layout", json_object_new_string(b->layout));
	json_object_object_add(o, "dir", json_object_new_string(b->dir));
	json_object_object_add(o, "config",
			       b->config[0] ? json_object_new_string(b->config) : NULL);
	disk = json_file(b->disk, b->disk_size);
	json_object_object_add(disk, "read_only", json_object_new_boolean(b->disk_read_only));
	json_object_object_add(o, "disk", disk);
	aux = json_file(b->aux, b->aux_size);
	json_object_object_add(aux, "offset", json_object_new_uint64(b->aux_offset));
	json_object_object_add(o, "aux", aux);
	/* The ECID also as hex: JSON readers that hold numbers as doubles lose its low bits. */
	snprintf(hex, sizeof(hex), "0x%016llx", (unsigned long long)b->ecid);
	json_object_object_add(o, "ecid", b->has_ecid ? json_object_new_uint64(b->ecid) : NULL);
	json_object_object_add(o, "ecid_hex", b->has_ecid ? json_object_new_string(hex) : NULL);
	json_object_object_add(o, "hw_model", b->hw_model_len ? json_hw_model(b) : NULL);
	json_object_object_add(o, "cpus", b->cpus ? json_object_new_uint64(b->cpus) : NULL);
	json_object_object_add(o, "memory", b->mem ? json_object_new_uint64(b->mem) : NULL);
	bundle_format_mac(b->mac, false, mac);
	json_object_object_add(o, "mac", b->has_mac ? json_object_new_string(mac) : NULL);
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}

int bundle_print(const struct bundle *b, FILE *out, bool json)
{
	if (json) {
		if (print_json(b, out))
			return -1;
	} else {
		print_text(b, out);
	}
	return fflush(out) || ferror(out) ? -1 : 0;
}
