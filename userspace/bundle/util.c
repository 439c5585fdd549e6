// SPDX-License-Identifier: GPL-2.0
/* bundle/util.c - what the bundle layouts share (see bundle/format.h). */
#include "format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../disk.h"

#define SECTOR	512u
#define MIB	(1ull << 20)

int bundle_fail(char *err, size_t err_len, const char *file, const char *field,
		const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, err_len, "vmapple: bundle %s: ", file);
	if (field && n >= 0 && (size_t)n < err_len)
		n += snprintf(err + n, err_len - n, "%s: ", field);
	if (n >= 0 && (size_t)n < err_len) {
		va_start(ap, fmt);
		vsnprintf(err + n, err_len - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int bundle_path(char *out, const char *dir, const char *name)
{
	int n;

	if (name[0] == '/')
		n = snprintf(out, PATH_MAX, "%s", name);
	else
		n = snprintf(out, PATH_MAX, "%s/%s", dir, name);
	return n < 0 || n >= PATH_MAX ? -1 : 0;
}

bool bundle_exists(const char *dir, const char *name, bool want_dir)
{
	char path[PATH_MAX];
	struct stat st;

	if (bundle_path(path, dir, name) || stat(path, &st))
		return false;
	return want_dir ? S_ISDIR(st.st_mode) : !S_ISDIR(st.st_mode);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int bundle_file_url(const char *url, char *out)
{
	static const char scheme[] = "file://";
	const char *s = url + sizeof(scheme) - 1;
	size_t n = 0;

	/* Only local files: an empty host, so the path starts right after "//". */
	if (strncmp(url, scheme, sizeof(scheme) - 1) || *s != '/')
		return -1;
	for (; *s; s++) {
		char c = *s;

		if (c == '%') {
			int hi = hex_digit(s[1]), lo = hi < 0 ? -1 : hex_digit(s[2]);

			if (lo < 0)
				return -1;
			c = (char)(hi << 4 | lo);
			s += 2;
		}
		if (!c || n + 1 >= PATH_MAX)
			return -1;
		out[n++] = c;
	}
	out[n] = 0;
	return 0;
}

int bundle_read(const char *path, size_t max, char **data, size_t *len, char *err,
		size_t err_len)
{
	struct stat st;
	size_t got = 0;
	char *buf;
	int fd;

	*data = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		bundle_fail(err, err_len, path, NULL, "%s", strerror(errno));
		goto fail_fd;
	}
	if (!S_ISREG(st.st_mode)) {
		bundle_fail(err, err_len, path, NULL, "not a file");
		goto fail_fd;
	}
	if ((uint64_t)st.st_size > max) {
		bundle_fail(err, err_len, path, NULL, "%lld bytes: more than the %zu a config "
			    "can be", (long long)st.st_size, max);
		goto fail_fd;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		bundle_fail(err, err_len, path, NULL, "out of memory");
		goto fail_fd;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			bundle_fail(err, err_len, path, NULL, "%s",
				    r ? strerror(errno) : "shrank while being read");
			free(buf);
			goto fail_fd;
		}
		got += (size_t)r;
	}
	close(fd);
	buf[got] = 0;
	*data = buf;
	*len = got;
	return 0;
fail_fd:
	if (fd >= 0)
		close(fd);
	return -1;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* The rename is only durable once the directory holding it is synced. */
static int sync_parent(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd, rc;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int bundle_write_atomic(const char *path, const void *data, size_t len, char *err,
			size_t err_len)
{
	char tmp[PATH_MAX];
	struct stat st;
	int fd, n;

	/* In the same directory, so the rename cannot cross filesystems. */
	n = snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	if (n < 0 || n >= (int)sizeof(tmp))
		return bundle_fail(err, err_len, path, NULL, "path too long");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return bundle_fail(err, err_len, path, NULL, "cannot make a temporary file: %s",
				   strerror(errno));
	/* mkostemp makes it 0600: the config keeps the mode it had. */
	if ((!stat(path, &st) && fchmod(fd, st.st_mode & 07777)) ||
	    write_all(fd, data, len) || fsync(fd)) {
		bundle_fail(err, err_len, tmp, NULL, "%s", strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) || rename(tmp, path)) {
		bundle_fail(err, err_len, path, NULL, "cannot replace it: %s", strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (sync_parent(path))
		return bundle_fail(err, err_len, path, NULL, "cannot sync its directory: %s",
				   strerror(errno));
	return 0;
}

int bundle_base64(const char *text, uint8_t **out, size_t *len)
{
	size_t n = strlen(text);
	EVP_ENCODE_CTX *ctx;
	int part, last;
	uint8_t *buf;

	*out = NULL;
	if (!n || n > BUNDLE_CONFIG_MAX)
		return -1;
	ctx = EVP_ENCODE_CTX_new();
	/* Never more bytes out than characters in (3 per 4). */
	buf = malloc(n + 3);
	if (!ctx || !buf)
		goto fail;
	EVP_DecodeInit(ctx);
	if (EVP_DecodeUpdate(ctx, buf, &part, (const unsigned char *)text, (int)n) < 0 ||
	    EVP_DecodeFinal(ctx, buf + part, &last) < 0 || part + last == 0)
		goto fail;
	EVP_ENCODE_CTX_free(ctx);
	*out = buf;
	*len = (size_t)(part + last);
	return 0;
fail:
	EVP_ENCODE_CTX_free(ctx);
	free(buf);
	return -1;
}

/* "@prefix.@key", or @key alone: the name a field's error gives. */
static const char *field_name(char *buf, size_t len, const char *prefix, const char *key)
{
	if (!prefix)
		return key;
	snprintf(buf, len, "%s.%s", prefix, key);
	return buf;
}

static const char *plist_type_name(plist_type t)
{
	switch (t) {
	case PLIST_BOOLEAN:
		return "a boolean";
	case PLIST_UINT:
		return "an integer";
	case PLIST_REAL:
		return "a real number";
	case PLIST_STRING:
		return "a string";
	case PLIST_ARRAY:
		return "an array";
	case PLIST_DICT:
		return "a dictionary";
	case PLIST_DATE:
		return "a date";
	case PLIST_DATA:
		return "data";
	case PLIST_UID:
		return "a UID";
	default:
		return "no value";
	}
}

int bundle_plist_get(plist_t dict, const char *key, plist_type type, plist_t *out,
		     const char *file, const char *field, char *err, size_t err_len)
{
	plist_t node = plist_dict_get_item(dict, key);
	char name[256];

	*out = NULL;
	if (!node)
		return 0;
	if (plist_get_node_type(node) != type)
		return bundle_fail(err, err_len, file, field_name(name, sizeof(name), field, key),
				   "is %s, not %s", plist_type_name(plist_get_node_type(node)),
				   plist_type_name(type));
	*out = node;
	return 1;
}

int bundle_plist_uint(plist_t dict, const char *key, uint64_t min, uint64_t max, uint64_t *out,
		      const char *file, const char *field, char *err, size_t err_len)
{
	plist_t node;
	char name[256];
	uint64_t v;
	int rc;

	rc = bundle_plist_get(dict, key, PLIST_UINT, &node, file, field, err, err_len);
	if (rc <= 0)
		return rc;
	plist_get_uint_val(node, &v);
	/* libplist 2.2 keeps a negative integer as its two's complement: too big here. */
	if (v < min || v > max)
		return bundle_fail(err, err_len, file, field_name(name, sizeof(name), field, key),
				   "is %llu, not in %llu..%llu", (unsigned long long)v,
				   (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 1;
}

static const char *json_type_name_a(enum json_type t)
{
	switch (t) {
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
		return "a real number";
	case json_type_int:
		return "an integer";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	default:
		return "null";
	}
}

int bundle_json_get(struct json_object *obj, const char *key, enum json_type type,
		    struct json_object **out, const char *file, const char *field, char *err,
		    size_t err_len)
{
	struct json_object *v = NULL;
	char name[256];

	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, type))
		return bundle_fail(err, err_len, file, field_name(name, sizeof(name), field, key),
				   "is %s, not %s", json_type_name_a(json_object_get_type(v)),
				   json_type_name_a(type));
	*out = v;
	return 1;
}

int bundle_json_uint(struct json_object *obj, const char *key, uint64_t min, uint64_t max,
		     uint64_t *out, const char *file, const char *field, char *err,
		     size_t err_len)
{
	struct json_object *v;
	char name[256];
	uint64_t u;
	int rc;

	rc = bundle_json_get(obj, key, json_type_int, &v, file, field, err, err_len);
	if (rc <= 0)
		return rc;
	/* json-c keeps integers past INT64_MAX as unsigned: ask for the sign first. */
	if (json_object_get_int64(v) < 0)
		return bundle_fail(err, err_len, file, field_name(name, sizeof(name), field, key),
				   "is %lld, not in %llu..%llu",
				   (long long)json_object_get_int64(v), (unsigned long long)min,
				   (unsigned long long)max);
	u = json_object_get_uint64(v);
	if (u < min || u > max)
		return bundle_fail(err, err_len, file, field_name(name, sizeof(name), field, key),
				   "is %llu, not in %llu..%llu", (unsigned long long)u,
				   (unsigned long long)min, (unsigned long long)max);
	*out = u;
	return 1;
}

/* @data as a plist dictionary, or NULL with @err naming @file's @field. */
static plist_t parse_dict(const void *data, size_t len, const char *file, const char *field,
			  const char *what, char *err, size_t err_len)
{
	plist_t root = NULL;

	if (len && len <= UINT32_MAX)
		plist_from_memory(data, (uint32_t)len, &root);
	if (!root) {
		bundle_fail(err, err_len, file, field, "not a property list (%s is a binary plist)",
			    what);
		return NULL;
	}
	if (plist_get_node_type(root) != PLIST_DICT) {
		bundle_fail(err, err_len, file, field, "a plist of %s, not a dictionary (%s)",
			    plist_type_name(plist_get_node_type(root)), what);
		plist_free(root);
		return NULL;
	}
	return root;
}

int bundle_machine_id(struct bundle *b, const void *data, size_t len, const char *file,
		      const char *field, char *err, size_t err_len)
{
	plist_t root = parse_dict(data, len, file, field, "a machine identifier", err, err_len);
	int rc;

	if (!root)
		return -1;
	rc = bundle_plist_uint(root, "ECID", 0, UINT64_MAX, &b->ecid, file, field, err, err_len);
	plist_free(root);
	if (rc == 0) {
		char name[256];

		const char *ecid = field_name(name, sizeof(name), field, "ECID");

		return bundle_fail(err, err_len, file, ecid, "missing");
	}
	b->has_ecid = rc > 0;
	return rc > 0 ? 0 : -1;
}

/* MinimumSupportedOS: [major, minor, patch], each an integer. */
static int hw_min_os(struct bundle *b, plist_t root, const char *file, const char *field,
		     char *err, size_t err_len)
{
	plist_t os;
	char name[256];
	uint32_t i;
	int rc;

	rc = bundle_plist_get(root, "MinimumSupportedOS", PLIST_ARRAY, &os, file, field, err,
			      err_len);
	if (rc <= 0)
		return rc;
	field_name(name, sizeof(name), field, "MinimumSupportedOS");
	if (plist_array_get_size(os) != 3)
		return bundle_fail(err, err_len, file, name, "has %u items, not 3 (major, minor, "
				   "patch)", plist_array_get_size(os));
	for (i = 0; i < 3; i++) {
		plist_t v = plist_array_get_item(os, i);
		uint64_t u;

		if (plist_get_node_type(v) != PLIST_UINT)
			return bundle_fail(err, err_len, file, name, "item %u is %s, not an "
					   "integer", i, plist_type_name(plist_get_node_type(v)));
		plist_get_uint_val(v, &u);
		if (u > UINT_MAX)
			return bundle_fail(err, err_len, file, name, "item %u is %llu", i,
					   (unsigned long long)u);
		b->hw_min_os[i] = (unsigned int)u;
	}
	b->has_hw_min_os = true;
	return 1;
}

int bundle_hw_model(struct bundle *b, const void *data, size_t len, const char *file,
		    const char *field, char *err, size_t err_len)
{
	char name[256];
	plist_t root;
	int rc;

	if (len > sizeof(b->hw_model))
		return bundle_fail(err, err_len, file, field, "%zu bytes: more than the %zu a "
				   "hardware model can be", len, sizeof(b->hw_model));
	root = parse_dict(data, len, file, field, "a hardware model", err, err_len);
	if (!root)
		return -1;
	rc = bundle_plist_uint(root, "PlatformVersion", 1, UINT64_MAX, &b->hw_platform, file,
			       field, err, err_len);
	if (rc == 0)
		rc = bundle_fail(err, err_len, file,
				 field_name(name, sizeof(name), field, "PlatformVersion"),
				 "missing");
	if (rc > 0)
		rc = bundle_plist_uint(root, "DataRepresentationVersion", 0, UINT64_MAX,
				       &b->hw_data_version, file, field, err, err_len);
	if (rc >= 0)
		rc = hw_min_os(b, root, file, field, err, err_len);
	plist_free(root);
	if (rc < 0)
		return -1;
	memcpy(b->hw_model, data, len);
	b->hw_model_len = len;
	return 0;
}

/* @path's size: a file's, or a block device's. */
static int image_size(const char *path, const char *file, const char *field, uint64_t *size,
		      char *err, size_t err_len)
{
	struct stat st;

	if (stat(path, &st))
		return bundle_fail(err, err_len, file, field, "%s: %s", path, strerror(errno));
	if (S_ISBLK(st.st_mode)) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		off_t end = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);

		if (fd >= 0)
			close(fd);
		if (end < 0)
			return bundle_fail(err, err_len, file, field, "%s: %s", path,
					   strerror(errno));
		*size = (uint64_t)end;
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return bundle_fail(err, err_len, file, field, "%s: not a file or block device",
				   path);
	*size = (uint64_t)st.st_size;
	return 0;
}

int bundle_disk(struct bundle *b, const char *path, const char *file, const char *field,
		char *err, size_t err_len)
{
	if (image_size(path, file, field, &b->disk_size, err, err_len))
		return -1;
	if (b->disk_size < SECTOR)
		return bundle_fail(err, err_len, file, field, "%s: %llu bytes, less than one "
				   "sector", path, (unsigned long long)b->disk_size);
	snprintf(b->disk, sizeof(b->disk), "%s", path);
	return 0;
}

int bundle_aux(struct bundle *b, const char *path, const char *file, const char *field,
	       char *err, size_t err_len)
{
	int64_t off;

	if (image_size(path, file, field, &b->aux_size, err, err_len))
		return -1;
	off = disk_aux_offset(b->aux_size);
	if (off < 0)
		return bundle_fail(err, err_len, file, field, "%s: %llu bytes is neither a trimmed "
				   "aux image (whole MiB) nor one with Virtualization.framework's "
				   "16 KiB header (whole MiB + 16 KiB)%s", path,
				   (unsigned long long)b->aux_size,
				   b->aux_size < 32 * MIB ? ": truncated?" : "");
	b->aux_offset = (uint64_t)off;
	snprintf(b->aux, sizeof(b->aux), "%s", path);
	return 0;
}

int bundle_parse_mac(const char *s, uint8_t mac[6])
{
	int i;

	for (i = 0; i < 6; i++) {
		const char *p = s + 3 * i;
		int hi = hex_digit(p[0]), lo = hi < 0 ? -1 : hex_digit(p[1]);

		if (lo < 0 || p[2] != (i == 5 ? '\0' : ':'))
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int bundle_mac(struct bundle *b, const char *s, const char *file, const char *field, char *err,
	       size_t err_len)
{
	if (bundle_parse_mac(s, b->mac))
		return bundle_fail(err, err_len, file, field, "'%s' is not a MAC address "
				   "(aa:bb:cc:dd:ee:ff)", s);
	b->has_mac = true;
	return 0;
}

void bundle_format_mac(const uint8_t mac[6], bool upper, char out[18])
{
	snprintf(out, 18, upper ? "%02X:%02X:%02X:%02X:%02X:%02X" : "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int bundle_json_vz(struct bundle *b, struct json_object *obj, const char *key, bool hw_model,
		   const char *file, char *err, size_t err_len)
{
	struct json_object *v;
	uint8_t *data;
	size_t len;
	int rc;

	rc = bundle_json_get(obj, key, json_type_string, &v, file, NULL, err, err_len);
	if (rc <= 0)
		return rc;
	if (bundle_base64(json_object_get_string(v), &data, &len))
		return bundle_fail(err, err_len, file, key, "not base64");
	if (hw_model)
		rc = bundle_hw_model(b, data, len, file, key, err, err_len);
	else
		rc = bundle_machine_id(b, data, len, file, key, err, err_len);
	free(data);
	return rc ? -1 : 1;
}

bool bundle_json_has(const char *path, const char *key)
{
	struct json_object *root;
	char err[64];
	bool has;

	root = bundle_json_load(path, err, sizeof(err));
	has = root && json_object_object_get_ex(root, key, NULL);
	json_object_put(root);
	return has;
}

struct json_object *bundle_json_load(const char *path, char *err, size_t err_len)
{
	struct json_object *root = NULL;
	struct json_tokener *tok;
	enum json_tokener_error e;
	size_t len, end;
	char *data;

	if (bundle_read(path, BUNDLE_CONFIG_MAX, &data, &len, err, err_len))
		return NULL;
	tok = json_tokener_new();
	if (!tok) {
		bundle_fail(err, err_len, path, NULL, "out of memory");
		goto out;
	}
	root = json_tokener_parse_ex(tok, data, (int)len);
	e = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	/* One value and nothing after it but white space. */
	while (e == json_tokener_success && end < len && strchr(" \t\r\n", data[end]))
		end++;
	if (e != json_tokener_success || end != len) {
		bundle_fail(err, err_len, path, NULL, "not JSON: %s, at byte %zu",
			    e == json_tokener_continue ? "it ends early" :
			    e == json_tokener_success ? "more after the value" :
			    json_tokener_error_desc(e), end);
		json_object_put(root);
		root = NULL;
	} else if (!json_object_is_type(root, json_type_object)) {
		bundle_fail(err, err_len, path, NULL, "the JSON is %s, not an object",
			    json_type_name_a(json_object_get_type(root)));
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
out:
	free(data);
	return root;
}

int bundle_json_set_mac(const char *path, bundle_json_pick where, const char *key,
			const uint8_t mac[6], char *err, size_t err_len)
{
	struct json_object *root, *obj;
	char text[18];
	int rc = 0;

	root = bundle_json_load(path, err, err_len);
	if (!root)
		return -1;
	obj = root;
	if (where)
		rc = where(root, &obj, path, err, err_len);
	if (!rc) {
		bundle_format_mac(mac, false, text);
		json_object_object_add(obj, key, json_object_new_string(text));
		rc = bundle_json_save(path, root, err, err_len);
	}
	json_object_put(root);
	return rc;
}

int bundle_json_save(const char *path, struct json_object *root, char *err, size_t err_len)
{
	const char *text;
	size_t len;
	char *buf;
	int rc;

	/* base64 has '/': json-c would write it "\/" unless told not to. */
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text)
		return bundle_fail(err, err_len, path, NULL, "out of memory");
	len = strlen(text);
	buf = malloc(len + 1);
	if (!buf)
		return bundle_fail(err, err_len, path, NULL, "out of memory");
	memcpy(buf, text, len);
	buf[len] = '\n';
	rc = bundle_write_atomic(path, buf, len + 1, err, err_len);
	free(buf);
	return rc;
}

plist_t bundle_plist_load(const char *path, bool *binary, char *err, size_t err_len)
{
	plist_t root = NULL;
	size_t len;
	char *data;

	if (bundle_read(path, BUNDLE_CONFIG_MAX, &data, &len, err, err_len))
		return NULL;
	if (len)
		plist_from_memory(data, (uint32_t)len, &root);
	*binary = len && plist_is_binary(data, (uint32_t)len);
	free(data);
	if (!root) {
		bundle_fail(err, err_len, path, NULL, "not a property list (XML or binary)");
		return NULL;
	}
	if (plist_get_node_type(root) != PLIST_DICT) {
		bundle_fail(err, err_len, path, NULL, "a plist of %s, not a dictionary",
			    plist_type_name(plist_get_node_type(root)));
		plist_free(root);
		return NULL;
	}
	return root;
}

int bundle_plist_save(const char *path, plist_t root, bool binary, char *err, size_t err_len)
{
	uint32_t len = 0;
	char *data = NULL;
	int rc;

	if (binary)
		plist_to_bin(root, &data, &len);
	else
		plist_to_xml(root, &data, &len);
	if (!data || !len)
		return bundle_fail(err, err_len, path, NULL, "cannot serialise it back");
	rc = bundle_write_atomic(path, data, len, err, err_len);
	if (binary)
		plist_to_bin_free(data);
	else
		plist_to_xml_free(data);
	return rc;
}
