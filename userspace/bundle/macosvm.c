// SPDX-License-Identifier: GPL-2.0
/*
 * bundle/macosvm.c - s-u/macosvm's VM: one JSON file the user names (its
 * README's vm.json; macosvm.json is taken too), read as macosvm's
 * VMInstance.m readFromJSON/configure read it (s-u/macosvm c21fd74, 0.2-3
 * and later):
 *
 *   storage        [{type: "disk" | "aux" | "usb" | "initrd", file | url,
 *                    readOnly}]: the first "disk" is the root, the first
 *                    "aux" the aux image
 *   machineId      base64 of VZMacMachineIdentifier's dataRepresentation;
 *                  optional (macosvm then digs the ECID out of the aux)
 *   hardwareModel  base64 of VZMacHardwareModel's; optional (macosvm then
 *                  uses a built-in one)
 *   cpus, ram      integers; ram in bytes; optional
 *   networks       [{type: "nat" | "bridge" | "unix", mac, ...}]; none
 *                  given is one NAT device, its MAC random at each boot
 *   os             "macos" (the default) or "linux"
 *
 * Storage paths are macosvm's working directory's; a bundle is run from its
 * own, so relative ones are taken from the JSON file's directory.
 */
#include "format.h"

#include <string.h>

/* Probed in this order; config.json only with macosvm's "storage" (Tart's has none). */
static const char *const config_names[] = { "macosvm.json", "vm.json" };

static bool probe(struct bundle *b)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(config_names) / sizeof(config_names[0]); i++)
		if (bundle_exists(b->dir, config_names[i], false))
			return !bundle_path(b->config, b->dir, config_names[i]);
	if (bundle_path(path, b->dir, "config.json") || !bundle_json_has(path, "storage"))
		return false;
	snprintf(b->config, sizeof(b->config), "%s", path);
	return true;
}

/* A storage entry's image: its "file" (relative to the bundle), or a file:// "url". */
static int storage_path(const struct bundle *b, struct json_object *e, const char *field,
			char *path, char *err, size_t err_len)
{
	struct json_object *v;
	char name[64];
	int rc;

	rc = bundle_json_get(e, "file", json_type_string, &v, b->config, field, err, err_len);
	if (rc < 0)
		return -1;
	if (rc) {
		if (bundle_path(path, b->dir, json_object_get_string(v)))
			return bundle_fail(err, err_len, b->config, field, "file: path too long");
		return 0;
	}
	rc = bundle_json_get(e, "url", json_type_string, &v, b->config, field, err, err_len);
	if (rc < 0)
		return -1;
	if (!rc)
		return bundle_fail(err, err_len, b->config, field, "has neither file nor url");
	snprintf(name, sizeof(name), "%s.url", field);
	if (bundle_file_url(json_object_get_string(v), path))
		return bundle_fail(err, err_len, b->config, name, "'%s' is not a file:/// URL",
				   json_object_get_string(v));
	return 0;
}

/* Which of the two images entry @e is, if either still unfound: 'd', 'a' or 0. */
static int storage_role(const struct bundle *b, struct json_object *e, const char *field,
			char *err, size_t err_len)
{
	struct json_object *t;
	const char *type;
	int rc;

	if (!json_object_is_type(e, json_type_object))
		return bundle_fail(err, err_len, b->config, field, "not an object");
	rc = bundle_json_get(e, "type", json_type_string, &t, b->config, field, err, err_len);
	if (rc < 0)
		return -1;
	type = rc ? json_object_get_string(t) : "";
	if (!strcmp(type, "disk") && !b->disk[0])
		return 'd';
	if (!strcmp(type, "aux") && !b->aux[0])
		return 'a';
	return 0;
}

static int open_storage(struct bundle *b, struct json_object *root, char *err, size_t err_len)
{
	struct json_object *storage, *ro;
	char field[32], path[PATH_MAX];
	size_t i;
	int rc;

	rc = bundle_json_get(root, "storage", json_type_array, &storage, b->config, NULL, err,
			     err_len);
	if (rc <= 0)
		return rc ? -1 : bundle_fail(err, err_len, b->config, "storage", "missing");
	for (i = 0; i < json_object_array_length(storage); i++) {
		struct json_object *e = json_object_array_get_idx(storage, i);
		int role;

		snprintf(field, sizeof(field), "storage[%zu]", i);
		role = storage_role(b, e, field, err, err_len);
		if (role <= 0) {
			if (role < 0)
				return -1;
			continue;
		}
		if (storage_path(b, e, field, path, err, err_len))
			return -1;
		if (role == 'a') {
			if (bundle_aux(b, path, b->config, field, err, err_len))
				return -1;
			continue;
		}
		rc = bundle_json_get(e, "readOnly", json_type_boolean, &ro, b->config, field, err,
				     err_len);
		if (rc < 0 || bundle_disk(b, path, b->config, field, err, err_len))
			return -1;
		b->disk_read_only = rc && json_object_get_boolean(ro);
	}
	if (!b->disk[0])
		return bundle_fail(err, err_len, b->config, "storage", "no entry of type disk");
	if (!b->aux[0])
		return bundle_fail(err, err_len, b->config, "storage", "no entry of type aux (a "
				   "macOS VM cannot boot without its aux image)");
	return 0;
}

static int open_network(struct bundle *b, struct json_object *root, char *err, size_t err_len)
{
	struct json_object *nets, *nic, *mac;
	int rc;

	rc = bundle_json_get(root, "networks", json_type_array, &nets, b->config, NULL, err,
			     err_len);
	if (rc <= 0 || !json_object_array_length(nets))
		return rc;
	nic = json_object_array_get_idx(nets, 0);
	if (!json_object_is_type(nic, json_type_object))
		return bundle_fail(err, err_len, b->config, "networks[0]", "not an object");
	rc = bundle_json_get(nic, "mac", json_type_string, &mac, b->config, "networks[0]", err,
			     err_len);
	if (rc <= 0)
		return rc;
	return bundle_mac(b, json_object_get_string(mac), b->config, "networks[0].mac", err,
			  err_len);
}

static int open_settings(struct bundle *b, struct json_object *root, char *err, size_t err_len)
{
	struct json_object *os;
	uint64_t cpus = 0;

	if (bundle_json_get(root, "os", json_type_string, &os, b->config, NULL, err, err_len) < 0)
		return -1;
	if (os && strcmp(json_object_get_string(os), "macos"))
		return bundle_fail(err, err_len, b->config, "os", "is '%s': not a macOS VM",
				   json_object_get_string(os));
	if (bundle_json_uint(root, "cpus", 1, UINT_MAX, &cpus, b->config, NULL, err, err_len) < 0 ||
	    bundle_json_uint(root, "ram", 1, UINT64_MAX, &b->mem, b->config, NULL, err,
			     err_len) < 0)
		return -1;
	b->cpus = (unsigned int)cpus;
	if (bundle_json_vz(b, root, "machineId", false, b->config, err, err_len) < 0 ||
	    bundle_json_vz(b, root, "hardwareModel", true, b->config, err, err_len) < 0)
		return -1;
	return 0;
}

static int open_bundle(struct bundle *b, char *err, size_t err_len)
{
	struct json_object *root;
	int rc;

	root = bundle_json_load(b->config, err, err_len);
	if (!root)
		return -1;
	rc = open_settings(b, root, err, err_len);
	if (!rc)
		rc = open_storage(b, root, err, err_len);
	if (!rc)
		rc = open_network(b, root, err, err_len);
	json_object_put(root);
	return rc;
}

/*
 * The first network device, for its "mac"; with no "networks" at all,
 * macosvm's default (one NAT device) written out.
 */
static int first_nic(struct json_object *root, struct json_object **nic, const char *file,
		     char *err, size_t err_len)
{
	struct json_object *nets;
	int rc;

	rc = bundle_json_get(root, "networks", json_type_array, &nets, file, NULL, err, err_len);
	if (rc < 0)
		return -1;
	if (!rc) {
		nets = json_object_new_array();
		*nic = json_object_new_object();
		json_object_object_add(*nic, "type", json_object_new_string("nat"));
		json_object_array_add(nets, *nic);
		json_object_object_add(root, "networks", nets);
		return 0;
	}
	if (!json_object_array_length(nets))
		return bundle_fail(err, err_len, file, "networks", "empty: the VM has no network "
				   "device to give a MAC");
	*nic = json_object_array_get_idx(nets, 0);
	if (!json_object_is_type(*nic, json_type_object))
		return bundle_fail(err, err_len, file, "networks[0]", "not an object");
	return 0;
}

static int set_mac(const struct bundle *b, const uint8_t mac[6], char *err, size_t err_len)
{
	return bundle_json_set_mac(b->config, first_nic, "mac", mac, err, err_len);
}

const struct bundle_format bundle_macosvm = {
	.name = "macosvm",
	.marker = "macosvm.json or vm.json",
	.probe = probe,
	.open = open_bundle,
	.set_mac = set_mac,
};
