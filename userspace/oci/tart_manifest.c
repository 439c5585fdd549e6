// SPDX-License-Identifier: GPL-2.0
/* tart_manifest.c - Tart's OCI manifest, read and written (see tart_manifest.h). */
#include "tart_manifest.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char tart_oci_config[] =
	"{\"architecture\":\"arm64\",\"config\":{\"Labels\":{\"org.cirruslabs.tart.disk.format\":"
	"\"raw\"}},\"os\":\"darwin\"}";

static int bad(char *err, size_t err_len, const char *where, const char *what)
{
	snprintf(err, err_len, "the image's manifest: %s: %s", where, what);
	return -1;
}

static const char *get_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A decimal string (as the annotations carry numbers) in [0, max]. */
static bool decimal(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !*end && !errno && *out <= max;
}

static int descriptor(struct json_object *d, const char *where, uint64_t max,
		      struct tart_layer *l, char *err, size_t err_len)
{
	struct json_object *size;
	const char *digest = get_string(d, "digest");
	int64_t n;

	if (!digest || !oci_digest_valid(digest))
		return bad(err, err_len, where, "no digest of sha256: and 64 hex digits");
	strcpy(l->digest, digest);
	if (!json_object_object_get_ex(d, "size", &size) || !json_object_is_type(size, json_type_int))
		return bad(err, err_len, where, "no size");
	n = json_object_get_int64(size);
	if (n < 0 || (uint64_t)n > max)
		return bad(err, err_len, where, "a size out of bounds");
	l->size = (uint64_t)n;
	return 0;
}

static int disk_layer(struct json_object *d, const char *where, struct tart_layer *l,
		      char *err, size_t err_len)
{
	struct json_object *ann;
	const char *raw_digest;

	if (descriptor(d, where, TART_CHUNK_MAX + (TART_CHUNK_MAX >> 6), l, err, err_len))
		return -1;
	if (!json_object_object_get_ex(d, "annotations", &ann) ||
	    !decimal(get_string(ann, TART_RAW_SIZE_KEY), TART_CHUNK_MAX, &l->raw_size))
		return bad(err, err_len, where,
			   "no " TART_RAW_SIZE_KEY " annotation (a number up to 4 GiB)");
	raw_digest = get_string(ann, TART_RAW_DIGEST_KEY);
	if (!raw_digest || !oci_digest_valid(raw_digest))
		return bad(err, err_len, where, "no " TART_RAW_DIGEST_KEY " annotation");
	strcpy(l->raw_digest, raw_digest);
	return 0;
}

static int layers(struct json_object *arr, struct tart_manifest *m, char *err, size_t err_len)
{
	size_t i, n = json_object_array_length(arr), nconfig = 0, nnvram = 0;

	if (n > TART_LAYERS_MAX + 2)
		return bad(err, err_len, "layers", "over 65538 layers");
	m->disk = calloc(n ? n : 1, sizeof(*m->disk));
	if (!m->disk)
		return bad(err, err_len, "layers", "out of memory");
	for (i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(arr, i);
		const char *type = get_string(d, "mediaType");
		char where[48];

		snprintf(where, sizeof(where), "layers[%zu]", i);
		if (!type)
			return bad(err, err_len, where, "no mediaType");
		if (!strcmp(type, TART_CONFIG_TYPE)) {
			if (nconfig++ || descriptor(d, where, TART_CONFIG_MAX, &m->config, err, err_len))
				return nconfig > 1 ? bad(err, err_len, where,
							 "a second config layer (Tart wants exactly one)") : -1;
		} else if (!strcmp(type, TART_NVRAM_TYPE)) {
			if (nnvram++ || descriptor(d, where, TART_NVRAM_MAX, &m->nvram, err, err_len))
				return nnvram > 1 ? bad(err, err_len, where,
							"a second NVRAM layer (Tart wants exactly one)") : -1;
		} else if (!strcmp(type, TART_DISK_TYPE)) {
			struct tart_layer *l = &m->disk[m->ndisk];

			if (disk_layer(d, where, l, err, err_len))
				return -1;
			l->offset = m->disk_size;
			m->disk_size += l->raw_size;
			m->ndisk++;
			if (m->disk_size > TART_DISK_MAX)
				return bad(err, err_len, where, "a disk of over 64 TiB");
		} else if (!strcmp(type, TART_DISK_V1_TYPE)) {
			snprintf(err, err_len, "Pulling OCI images with legacy disk media type "
				 TART_DISK_V1_TYPE " is no longer supported, please re-push the "
				 "image using a current Tart version");
			return -1;
		} else {
			return bad(err, err_len, where, "a mediaType that is not Tart's");
		}
	}
	if (nconfig != 1)
		return bad(err, err_len, "layers", "no " TART_CONFIG_TYPE " layer");
	if (nnvram != 1)
		return bad(err, err_len, "layers", "no " TART_NVRAM_TYPE " layer");
	if (!m->ndisk)
		return bad(err, err_len, "layers", "no " TART_DISK_TYPE " layer");
	return 0;
}

int tart_manifest_parse(const char *json, size_t len, struct tart_manifest *m, char *err,
			size_t err_len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = NULL, *arr, *sv;
	const char *type;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (tok && len < INT32_MAX)
		root = json_tokener_parse_ex(tok, json, (int)len);
	if (tok && root && json_tokener_get_parse_end(tok) != len)
		json_object_put(root), root = NULL;
	if (tok)
		json_tokener_free(tok);
	if (!root || !json_object_is_type(root, json_type_object))
		return bad(err, err_len, "the whole", "not a JSON object"), tart_manifest_free(m), -1;
	type = get_string(root, "mediaType");
	if (type && strcmp(type, "application/vnd.oci.image.manifest.v1+json"))
		bad(err, err_len, "mediaType", "not an OCI image manifest (an index or a Docker one?)");
	else if (!json_object_object_get_ex(root, "schemaVersion", &sv) ||
		 json_object_get_int(sv) != 2)
		bad(err, err_len, "schemaVersion", "not 2");
	else if (!json_object_object_get_ex(root, "layers", &arr) ||
		 !json_object_is_type(arr, json_type_array))
		bad(err, err_len, "layers", "missing");
	else
		rc = layers(arr, m, err, err_len);
	json_object_put(root);
	if (rc)
		tart_manifest_free(m);
	return rc;
}

void tart_manifest_free(struct tart_manifest *m)
{
	free(m->disk);
	m->disk = NULL;
	m->ndisk = 0;
}

static struct json_object *layer_json(const struct tart_layer *l, const char *type, bool disk)
{
	struct json_object *o = json_object_new_object(), *ann = json_object_new_object();
	char num[24];

	if (disk) {
		/* Sorted: "...-content-digest" before "...-size". */
		json_object_object_add(ann, TART_RAW_DIGEST_KEY, json_object_new_string(l->raw_digest));
		snprintf(num, sizeof(num), "%" PRIu64, l->raw_size);
		json_object_object_add(ann, TART_RAW_SIZE_KEY, json_object_new_string(num));
	}
	json_object_object_add(o, "annotations", ann);
	json_object_object_add(o, "digest", json_object_new_string(l->digest));
	json_object_object_add(o, "mediaType", json_object_new_string(type));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)l->size));
	return o;
}

char *tart_manifest_build(const struct tart_manifest *m, const char *oci_config_digest,
			  const char *upload_time)
{
	struct json_object *root = json_object_new_object(), *ann = json_object_new_object();
	struct json_object *cfg = json_object_new_object(), *arr = json_object_new_array();
	char num[24], *out;
	size_t i;

	snprintf(num, sizeof(num), "%" PRIu64, m->disk_size);
	json_object_object_add(ann, TART_DISK_SIZE_KEY, json_object_new_string(num));
	json_object_object_add(ann, TART_UPLOAD_TIME_KEY, json_object_new_string(upload_time));
	json_object_object_add(root, "annotations", ann);
	json_object_object_add(cfg, "digest", json_object_new_string(oci_config_digest));
	json_object_object_add(cfg, "mediaType", json_object_new_string(TART_OCI_CONFIG_TYPE));
	json_object_object_add(cfg, "size", json_object_new_int64((int64_t)strlen(tart_oci_config)));
	json_object_object_add(root, "config", cfg);
	json_object_array_add(arr, layer_json(&m->config, TART_CONFIG_TYPE, false));
	for (i = 0; i < m->ndisk; i++)
		json_object_array_add(arr, layer_json(&m->disk[i], TART_DISK_TYPE, true));
	json_object_array_add(arr, layer_json(&m->nvram, TART_NVRAM_TYPE, false));
	json_object_object_add(root, "layers", arr);
	json_object_object_add(root, "mediaType",
			       json_object_new_string("application/vnd.oci.image.manifest.v1+json"));
	json_object_object_add(root, "schemaVersion", json_object_new_int(2));
	out = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return out;
}
