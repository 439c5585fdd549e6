/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bundle/format.h - what one bundle layout provides (userspace/bundle.c
 * keeps their table), and the helpers the layouts share: one-line errors,
 * files, base64, the machine identifier and hardware model, typed JSON
 * (json-c) and plist (libplist) fields, and the atomic rewrite.
 */
#ifndef VMAPPLE_BUNDLE_FORMAT_H
#define VMAPPLE_BUNDLE_FORMAT_H

#include <json-c/json.h>
#include <plist/plist.h>

#include "../bundle.h"

struct bundle_format {
	const char *name;	/* struct bundle's layout */
	const char *marker;	/* what tells it, for the unknown-layout error */
	/* Does b->dir hold this layout?  If so, set b->config. */
	bool (*probe)(struct bundle *b);
	/* Fill @b from b->dir and b->config: 0, or -1 with @err set. */
	int (*open)(struct bundle *b, char *err, size_t err_len);
	/* Rewrite b->config with @mac as the first network device's MAC. */
	int (*set_mac)(const struct bundle *b, const uint8_t mac[6], char *err, size_t err_len);
};

extern const struct bundle_format bundle_macosvm, bundle_tart, bundle_utm, bundle_vbuddy;

/* Configs are small; a larger file is not a config (and is not read whole). */
#define BUNDLE_CONFIG_MAX	(1u << 20)

/*
 * "vmapple: bundle FILE: FIELD: ..." into @err (", FIELD" left out when
 * NULL); returns -1, for `return bundle_fail(...)`.
 */
int bundle_fail(char *err, size_t err_len, const char *file, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* @dir/@name into @out (PATH_MAX); @name kept when absolute.  0, or -1 if too long. */
int bundle_path(char *out, const char *dir, const char *name);
/* Whether @dir/@name exists (as a directory, when @want_dir). */
bool bundle_exists(const char *dir, const char *name, bool want_dir);
/* A file:// URL's path, percent-decoded, into @out (PATH_MAX): 0, or -1. */
int bundle_file_url(const char *url, char *out);

/* The whole of @path (at most @max bytes), NUL-terminated, malloc'd: 0, or -1. */
int bundle_read(const char *path, size_t max, char **data, size_t *len, char *err,
		size_t err_len);
/* Write @data to @path through a synced temporary file renamed over it: 0, or -1. */
int bundle_write_atomic(const char *path, const void *data, size_t len, char *err,
			size_t err_len);

/* Base64 @text decoded into a malloc'd *@out: 0, or -1 (not base64, or empty). */
int bundle_base64(const char *text, uint8_t **out, size_t *len);

/*
 * The machine identifier (VZMacMachineIdentifier's dataRepresentation: a
 * binary plist {ECID: integer}) and the hardware model (VZMacHardwareModel's:
 * {PlatformVersion, DataRepresentationVersion, MinimumSupportedOS}) into @b.
 * @file and @field name where the bytes came from, for the error.
 */
int bundle_machine_id(struct bundle *b, const void *data, size_t len, const char *file,
		      const char *field, char *err, size_t err_len);
int bundle_hw_model(struct bundle *b, const void *data, size_t len, const char *file,
		    const char *field, char *err, size_t err_len);

/*
 * The root disk or the aux image at @path, named in the bundle by @file's
 * @field: present, a file (or block device) of at least a sector; an aux
 * of a size disk_aux_offset() knows.  Fills b->disk / b->aux.
 */
int bundle_disk(struct bundle *b, const char *path, const char *file, const char *field,
		char *err, size_t err_len);
int bundle_aux(struct bundle *b, const char *path, const char *file, const char *field,
	       char *err, size_t err_len);

/* @s as the first network device's MAC, for @field of @file: 0, or -1. */
int bundle_mac(struct bundle *b, const char *s, const char *file, const char *field, char *err,
	       size_t err_len);
/* "aa:bb:cc:dd:ee:ff" (or upper case) into @out. */
void bundle_format_mac(const uint8_t mac[6], bool upper, char out[18]);

/*
 * Typed fields.  Each returns 1 (found, of the type), 0 (absent; JSON null
 * counts as absent) or -1 (another type: @err names @file and @field).
 */
int bundle_json_get(struct json_object *obj, const char *key, enum json_type type,
		    struct json_object **out, const char *file, const char *field, char *err,
		    size_t err_len);
/* As bundle_json_get, for an integer in [@min, @max]. */
int bundle_json_uint(struct json_object *obj, const char *key, uint64_t min, uint64_t max,
		     uint64_t *out, const char *file, const char *field, char *err,
		     size_t err_len);
int bundle_plist_get(plist_t dict, const char *key, plist_type type, plist_t *out,
		     const char *file, const char *field, char *err, size_t err_len);
int bundle_plist_uint(plist_t dict, const char *key, uint64_t min, uint64_t max, uint64_t *out,
		      const char *file, const char *field, char *err, size_t err_len);

/*
 * @key of @obj: base64 of a machine identifier (@hw_model false) or of a
 * hardware model (true), decoded into @b.  1, 0 (absent) or -1.
 */
int bundle_json_vz(struct bundle *b, struct json_object *obj, const char *key, bool hw_model,
		   const char *file, char *err, size_t err_len);
/* Whether the JSON object in @path has @key (false if it does not parse). */
bool bundle_json_has(const char *path, const char *key);

/* A JSON config: the root object, or NULL with @err naming the file. */
struct json_object *bundle_json_load(const char *path, char *err, size_t err_len);
/* Write @root back to @path (pretty, '/' unescaped, as the tools write it). */
int bundle_json_save(const char *path, struct json_object *root, char *err, size_t err_len);
/* Which object of @root holds the MAC: *@obj, 0; or -1 with @err naming @file. */
typedef int (*bundle_json_pick)(struct json_object *root, struct json_object **obj,
				const char *file, char *err, size_t err_len);
/*
 * Rewrite the JSON config @path with @mac as the string @key (lower case, as
 * the tools write it) of the object @where picks (NULL: the root).  0 or -1.
 */
int bundle_json_set_mac(const char *path, bundle_json_pick where, const char *key,
			const uint8_t mac[6], char *err, size_t err_len);
/* A plist config (XML or binary; which in *@binary): its root dict, or NULL. */
plist_t bundle_plist_load(const char *path, bool *binary, char *err, size_t err_len);
/* Write @root back to @path in the format it was read in. */
int bundle_plist_save(const char *path, plist_t root, bool binary, char *err, size_t err_len);

#endif
