// SPDX-License-Identifier: GPL-2.0
/*
 * bundle/utm.c - a UTM .utm package with the Apple (Virtualization.framework)
 * backend, as UTM's Configuration/UTMConfiguration.swift and
 * UTMAppleConfiguration*.swift write it (utmapp/UTM e4a4c34, v5.0.3):
 * config.plist (XML, though a binary one reads the same) beside Data/,
 * which holds the images.  The keys used here:
 *
 *   Backend                       "Apple" ("QEMU": an emulated VM; absent: a
 *                                 UTM 3 config, which UTM 4+ migrates)
 *   System.Architecture           "aarch64"
 *   System.CPUCount               integer; 0 is "as many as the host has"
 *   System.MemorySize             integer, in MiB
 *   System.Boot.OperatingSystem   "macOS" | "Linux" | "None"
 *   System.MacPlatform            HardwareModel, MachineIdentifier (data:
 *                                 the VZ dataRepresentations),
 *                                 AuxiliaryStoragePath (a name in Data/;
 *                                 absent: "AuxiliaryStorage")
 *   Drive[]                       ImageName (a name in Data/), ReadOnly;
 *                                 the first with an image is the root disk
 *   Network[]                     MacAddress
 */
#include "format.h"

#include <string.h>

static bool probe(struct bundle *b)
{
	return bundle_exists(b->dir, "config.plist", false) &&
	       !bundle_path(b->config, b->dir, "config.plist");
}

/* Data/@name: where UTM keeps every image it names. */
static int data_path(const struct bundle *b, const char *name, char *out)
{
	char data[PATH_MAX];

	return bundle_path(data, b->dir, "Data") || strchr(name, '/') ||
	       bundle_path(out, data, name) ? -1 : 0;
}

static int required(int rc, const char *field, const char *file, char *err, size_t err_len)
{
	if (rc == 0)
		return bundle_fail(err, err_len, file, field, "missing");
	return rc < 0 ? -1 : 0;
}

/* The required string @key of @dict, which must be @want. */
static int want_string(plist_t dict, const char *key, const char *field, const char *want,
		       const char *why, const char *file, char *err, size_t err_len)
{
	char name[128];
	plist_t v;
	int rc;

	snprintf(name, sizeof(name), "%s%s%s", field ? field : "", field ? "." : "", key);
	rc = bundle_plist_get(dict, key, PLIST_STRING, &v, file, field, err, err_len);
	if (rc <= 0)
		return required(rc, name, file, err, err_len);
	if (strcmp(plist_get_string_ptr(v, NULL), want))
		return bundle_fail(err, err_len, file, name, "is '%s': %s",
				   plist_get_string_ptr(v, NULL), why);
	return 0;
}

static int open_backend(const struct bundle *b, plist_t root, char *err, size_t err_len)
{
	plist_t v;
	int rc;

	rc = bundle_plist_get(root, "Backend", PLIST_STRING, &v, b->config, NULL, err, err_len);
	if (rc == 0)
		return bundle_fail(err, err_len, b->config, "Backend", "missing: a UTM 3 "
				   "configuration; open the VM in UTM 4 or later once to "
				   "upgrade it");
	if (rc < 0)
		return -1;
	if (strcmp(plist_get_string_ptr(v, NULL), "Apple"))
		return bundle_fail(err, err_len, b->config, "Backend", "is '%s', not 'Apple': not "
				   "a Virtualization.framework VM", plist_get_string_ptr(v, NULL));
	return 0;
}

/* One of MacPlatform's data fields, decoded by @decode. */
static int platform_data(struct bundle *b, plist_t mac, const char *key,
			 int (*decode)(struct bundle *, const void *, size_t, const char *,
				       const char *, char *, size_t), char *err, size_t err_len)
{
	char field[64];
	const char *data;
	uint64_t len;
	plist_t v;
	int rc;

	snprintf(field, sizeof(field), "System.MacPlatform.%s", key);
	rc = bundle_plist_get(mac, key, PLIST_DATA, &v, b->config, "System.MacPlatform", err,
			      err_len);
	if (rc <= 0)
		return required(rc, field, b->config, err, err_len);
	data = plist_get_data_ptr(v, &len);
	return decode(b, data, (size_t)len, b->config, field, err, err_len);
}

static int open_platform(struct bundle *b, plist_t sys, char *err, size_t err_len)
{
	const char *f = b->config, *name = "AuxiliaryStorage";
	char aux[PATH_MAX];
	plist_t mac, v;
	int rc;

	rc = bundle_plist_get(sys, "MacPlatform", PLIST_DICT, &mac, f, "System", err, err_len);
	if (required(rc, "System.MacPlatform", f, err, err_len) ||
	    platform_data(b, mac, "MachineIdentifier", bundle_machine_id, err, err_len) ||
	    platform_data(b, mac, "HardwareModel", bundle_hw_model, err, err_len))
		return -1;
	rc = bundle_plist_get(mac, "AuxiliaryStoragePath", PLIST_STRING, &v, f,
			      "System.MacPlatform", err, err_len);
	if (rc < 0)
		return -1;
	if (rc)
		name = plist_get_string_ptr(v, NULL);
	if (data_path(b, name, aux))
		return bundle_fail(err, err_len, f, "System.MacPlatform.AuxiliaryStoragePath",
				   "'%s' is not a file name in Data/", name);
	return bundle_aux(b, aux, f, "System.MacPlatform.AuxiliaryStoragePath", err, err_len);
}

static int open_system(struct bundle *b, plist_t root, char *err, size_t err_len)
{
	const char *f = b->config;
	uint64_t cpus, mib;
	plist_t sys, boot;
	int rc;

	rc = bundle_plist_get(root, "System", PLIST_DICT, &sys, f, NULL, err, err_len);
	if (required(rc, "System", f, err, err_len) ||
	    want_string(sys, "Architecture", "System", "aarch64", "not an Apple silicon VM", f,
			err, err_len) ||
	    required(bundle_plist_uint(sys, "CPUCount", 0, UINT_MAX, &cpus, f, "System", err,
				       err_len), "System.CPUCount", f, err, err_len) ||
	    required(bundle_plist_uint(sys, "MemorySize", 1, UINT64_MAX >> 20, &mib, f, "System",
				       err, err_len), "System.MemorySize", f, err, err_len))
		return -1;
	b->cpus = (unsigned int)cpus;
	b->mem = mib << 20;
	rc = bundle_plist_get(sys, "Boot", PLIST_DICT, &boot, f, "System", err, err_len);
	if (required(rc, "System.Boot", f, err, err_len) ||
	    want_string(boot, "OperatingSystem", "System.Boot", "macOS", "not a macOS VM", f, err,
			err_len))
		return -1;
	return open_platform(b, sys, err, err_len);
}

/* The root disk: the first Drive with an image (removable drives have none). */
static int open_drives(struct bundle *b, plist_t root, char *err, size_t err_len)
{
	char field[48], path[PATH_MAX];
	plist_t drives, name, ro;
	uint32_t i;
	int rc;

	rc = bundle_plist_get(root, "Drive", PLIST_ARRAY, &drives, b->config, NULL, err, err_len);
	if (required(rc, "Drive", b->config, err, err_len))
		return -1;
	for (i = 0; i < plist_array_get_size(drives); i++) {
		plist_t d = plist_array_get_item(drives, i);

		snprintf(field, sizeof(field), "Drive[%u]", i);
		if (plist_get_node_type(d) != PLIST_DICT)
			return bundle_fail(err, err_len, b->config, field, "not a dictionary");
		rc = bundle_plist_get(d, "ImageName", PLIST_STRING, &name, b->config, field, err,
				      err_len);
		if (rc < 0)
			return -1;
		if (!rc)
			continue;
		snprintf(field, sizeof(field), "Drive[%u].ImageName", i);
		if (data_path(b, plist_get_string_ptr(name, NULL), path))
			return bundle_fail(err, err_len, b->config, field, "'%s' is not a "
					   "file name in Data/", plist_get_string_ptr(name, NULL));
		snprintf(field, sizeof(field), "Drive[%u]", i);
		if (bundle_plist_get(d, "ReadOnly", PLIST_BOOLEAN, &ro, b->config, field, err,
				     err_len) < 0)
			return -1;
		if (ro) {
			uint8_t v;

			plist_get_bool_val(ro, &v);
			b->disk_read_only = v;
		}
		snprintf(field, sizeof(field), "Drive[%u].ImageName", i);
		return bundle_disk(b, path, b->config, field, err, err_len);
	}
	return bundle_fail(err, err_len, b->config, "Drive", "no drive has an ImageName: no root "
			   "disk");
}

static int open_network(struct bundle *b, plist_t root, char *err, size_t err_len)
{
	plist_t nets, nic, mac;
	int rc;

	rc = bundle_plist_get(root, "Network", PLIST_ARRAY, &nets, b->config, NULL, err, err_len);
	if (rc <= 0 || !plist_array_get_size(nets))
		return rc;
	nic = plist_array_get_item(nets, 0);
	if (plist_get_node_type(nic) != PLIST_DICT)
		return bundle_fail(err, err_len, b->config, "Network[0]", "not a dictionary");
	rc = bundle_plist_get(nic, "MacAddress", PLIST_STRING, &mac, b->config, "Network[0]", err,
			      err_len);
	if (required(rc, "Network[0].MacAddress", b->config, err, err_len))
		return -1;
	return bundle_mac(b, plist_get_string_ptr(mac, NULL), b->config, "Network[0].MacAddress",
			  err, err_len);
}

static int open_bundle(struct bundle *b, char *err, size_t err_len)
{
	bool binary;
	plist_t root;
	int rc;

	root = bundle_plist_load(b->config, &binary, err, err_len);
	if (!root)
		return -1;
	rc = open_backend(b, root, err, err_len);
	if (!rc)
		rc = open_system(b, root, err, err_len);
	if (!rc)
		rc = open_drives(b, root, err, err_len);
	if (!rc)
		rc = open_network(b, root, err, err_len);
	plist_free(root);
	return rc;
}

static int set_mac(const struct bundle *b, const uint8_t mac[6], char *err, size_t err_len)
{
	plist_t root, nets, nic = NULL;
	char text[18];
	bool binary;
	int rc;

	root = bundle_plist_load(b->config, &binary, err, err_len);
	if (!root)
		return -1;
	rc = bundle_plist_get(root, "Network", PLIST_ARRAY, &nets, b->config, NULL, err, err_len);
	if (rc > 0 && plist_array_get_size(nets))
		nic = plist_array_get_item(nets, 0);
	if (rc >= 0 && !nic)
		rc = bundle_fail(err, err_len, b->config, "Network", "empty: the VM has no network "
				 "device to give a MAC");
	else if (rc > 0 && plist_get_node_type(nic) != PLIST_DICT)
		rc = bundle_fail(err, err_len, b->config, "Network[0]", "not a dictionary");
	if (rc > 0) {
		/* VZMACAddress's string, as UTM stores it: lower case. */
		bundle_format_mac(mac, false, text);
		plist_dict_set_item(nic, "MacAddress", plist_new_string(text));
		rc = bundle_plist_save(b->config, root, binary, err, err_len);
	}
	plist_free(root);
	return rc < 0 ? -1 : 0;
}

const struct bundle_format bundle_utm = {
	.name = "utm",
	.marker = "config.plist",
	.probe = probe,
	.open = open_bundle,
	.set_mac = set_mac,
};
