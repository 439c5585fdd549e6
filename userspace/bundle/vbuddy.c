// SPDX-License-Identifier: GPL-2.0
/*
 * bundle/vbuddy.c - a VirtualBuddy .vbvm package, as VirtualCore's
 * VBVirtualMachine.swift, VBStorageDeviceContainer.swift,
 * ConfigurationModels.swift and VBVirtualMachine+Virtualization.swift lay
 * it out (insidegui/VirtualBuddy 943b3c0, 2.1 and later):
 *
 *   .vbdata/Config.plist   VBMacConfiguration, a binary plist
 *                          (PropertyListEncoder's default); absent in old
 *                          bundles, which boot Disk.img
 *   .vbdata/Metadata.plist install state, dates (nothing here needs it)
 *   MachineIdentifier      VZMacMachineIdentifier's dataRepresentation, raw
 *   HardwareModel          VZMacHardwareModel's, raw; written at install,
 *                          so its absence is an unfinished install
 *   AuxiliaryStorage       the aux
 *   <filename>.img         the boot disk: the _storageDevices entry with
 *                          isBootVolume, backing.managedImage._0 {filename,
 *                          format: 0 raw (.img), 1 dmg, 2 sparseimage,
 *                          3 asif}; "Disk.img" when there is no list
 *
 * Config.plist's hardware: cpuCount, memorySize (bytes), networkDevices[]
 * {macAddress}; systemType "mac" | "linux".
 */
#include "format.h"

#include <stdlib.h>
#include <string.h>

/* The identity files are a few hundred bytes. */
#define VZ_FILE_MAX	(64u << 10)

static const char *const image_formats[] = { "raw", "dmg", "sparseimage", "asif" };

static bool probe(struct bundle *b)
{
	if (!bundle_exists(b->dir, ".vbdata", true) &&
	    !(bundle_exists(b->dir, "MachineIdentifier", false) &&
	      bundle_exists(b->dir, "AuxiliaryStorage", false)))
		return false;
	if (bundle_exists(b->dir, ".vbdata/Config.plist", false))
		bundle_path(b->config, b->dir, ".vbdata/Config.plist");
	return true;
}

static int required(int rc, const char *field, const char *file, char *err, size_t err_len)
{
	if (rc == 0)
		return bundle_fail(err, err_len, file, field, "missing");
	return rc < 0 ? -1 : 0;
}

/* A managed image's file: bundle/<filename>.img; raw images only. */
static int managed_image(struct bundle *b, plist_t backing, const char *field, char *path,
			 char *err, size_t err_len)
{
	char at[80], managed_f[96], image_f[104], name_f[120], fmt_f[120];
	const char *f = b->config, *name;
	plist_t managed, image, v;
	uint64_t fmt;

	snprintf(at, sizeof(at), "%s.backing", field);
	snprintf(managed_f, sizeof(managed_f), "%s.managedImage", at);
	snprintf(image_f, sizeof(image_f), "%s._0", managed_f);
	snprintf(name_f, sizeof(name_f), "%s.filename", image_f);
	snprintf(fmt_f, sizeof(fmt_f), "%s.format", image_f);
	if (bundle_plist_get(backing, "customImage", PLIST_DICT, &v, f, at, err, err_len) < 0)
		return -1;
	if (v)
		return bundle_fail(err, err_len, f, at, "a custom image; VirtualBuddy boots only "
				   "the disk images it manages");
	if (required(bundle_plist_get(backing, "managedImage", PLIST_DICT, &managed, f, at, err,
				      err_len), managed_f, f, err, err_len) ||
	    required(bundle_plist_get(managed, "_0", PLIST_DICT, &image, f, managed_f, err,
				      err_len), image_f, f, err, err_len) ||
	    required(bundle_plist_get(image, "filename", PLIST_STRING, &v, f, image_f, err,
				      err_len), name_f, f, err, err_len) ||
	    required(bundle_plist_uint(image, "format", 0, UINT64_MAX, &fmt, f, image_f, err,
				       err_len), fmt_f, f, err, err_len))
		return -1;
	if (fmt)
		return bundle_fail(err, err_len, f, fmt_f, "is %llu (%s), not 0 (raw): only raw "
				   "images can be read here", (unsigned long long)fmt,
				   fmt < 4 ? image_formats[fmt] : "unknown");
	name = plist_get_string_ptr(v, NULL);
	if (!*name || strchr(name, '/'))
		return bundle_fail(err, err_len, f, name_f, "'%s' is not a file name", name);
	if (bundle_path(path, b->dir, name) || strlen(path) + 4 >= PATH_MAX)
		return bundle_fail(err, err_len, f, name_f, "path too long");
	strcat(path, ".img");
	return 0;
}

/* The boot disk: _storageDevices' isBootVolume entry, or VirtualBuddy's default Disk.img. */
static int boot_disk(struct bundle *b, plist_t hw, char *err, size_t err_len)
{
	const char *f = b->config;
	char field[64], path[PATH_MAX];
	plist_t devs, d, v;
	uint8_t flag;
	uint32_t i;
	int rc;

	rc = bundle_plist_get(hw, "_storageDevices", PLIST_ARRAY, &devs, f, "hardware", err,
			      err_len);
	if (rc < 0)
		return -1;
	if (!rc)
		return bundle_path(path, b->dir, "Disk.img") ||
		       bundle_disk(b, path, b->dir, "the disk", err, err_len) ? -1 : 0;
	for (i = 0; i < plist_array_get_size(devs); i++) {
		d = plist_array_get_item(devs, i);
		snprintf(field, sizeof(field), "hardware._storageDevices[%u]", i);
		if (plist_get_node_type(d) != PLIST_DICT)
			return bundle_fail(err, err_len, f, field, "not a dictionary");
		if (bundle_plist_get(d, "isBootVolume", PLIST_BOOLEAN, &v, f, field, err,
				     err_len) < 0)
			return -1;
		flag = 0;
		if (v)
			plist_get_bool_val(v, &flag);
		if (!flag)
			continue;
		if (bundle_plist_get(d, "isReadOnly", PLIST_BOOLEAN, &v, f, field, err,
				     err_len) < 0)
			return -1;
		if (v) {
			plist_get_bool_val(v, &flag);
			b->disk_read_only = flag;
		}
		rc = bundle_plist_get(d, "backing", PLIST_DICT, &v, f, field, err, err_len);
		if (required(rc, field, f, err, err_len) ||
		    managed_image(b, v, field, path, err, err_len))
			return -1;
		return bundle_disk(b, path, f, field, err, err_len);
	}
	return bundle_fail(err, err_len, f, "hardware._storageDevices", "no boot volume "
			   "(isBootVolume)");
}

static int open_network(struct bundle *b, plist_t hw, char *err, size_t err_len)
{
	static const char nic_f[] = "hardware.networkDevices[0]";
	static const char mac_f[] = "hardware.networkDevices[0].macAddress";
	const char *f = b->config;
	plist_t nets, nic, mac;
	int rc;

	rc = bundle_plist_get(hw, "networkDevices", PLIST_ARRAY, &nets, f, "hardware", err,
			      err_len);
	if (rc <= 0 || !plist_array_get_size(nets))
		return rc;
	nic = plist_array_get_item(nets, 0);
	if (plist_get_node_type(nic) != PLIST_DICT)
		return bundle_fail(err, err_len, f, nic_f, "not a dictionary");
	rc = bundle_plist_get(nic, "macAddress", PLIST_STRING, &mac, f, nic_f, err, err_len);
	if (required(rc, mac_f, f, err, err_len))
		return -1;
	return bundle_mac(b, plist_get_string_ptr(mac, NULL), f, mac_f, err, err_len);
}

static int open_config(struct bundle *b, plist_t root, char *err, size_t err_len)
{
	const char *f = b->config;
	uint64_t cpus;
	plist_t v, hw;
	int rc;

	rc = bundle_plist_get(root, "systemType", PLIST_STRING, &v, f, NULL, err, err_len);
	if (rc < 0)
		return -1;
	if (rc && strcmp(plist_get_string_ptr(v, NULL), "mac"))
		return bundle_fail(err, err_len, f, "systemType", "is '%s': not a macOS VM",
				   plist_get_string_ptr(v, NULL));
	rc = bundle_plist_get(root, "hardware", PLIST_DICT, &hw, f, NULL, err, err_len);
	if (required(rc, "hardware", f, err, err_len) ||
	    required(bundle_plist_uint(hw, "cpuCount", 1, UINT_MAX, &cpus, f, "hardware", err,
				       err_len), "hardware.cpuCount", f, err, err_len) ||
	    required(bundle_plist_uint(hw, "memorySize", 1, UINT64_MAX, &b->mem, f, "hardware",
				       err, err_len), "hardware.memorySize", f, err, err_len))
		return -1;
	b->cpus = (unsigned int)cpus;
	return boot_disk(b, hw, err, err_len) || open_network(b, hw, err, err_len) ? -1 : 0;
}

/* MachineIdentifier or HardwareModel: a raw dataRepresentation file in the bundle. */
static int vz_file(struct bundle *b, const char *name, const char *absent,
		   int (*decode)(struct bundle *, const void *, size_t, const char *,
				 const char *, char *, size_t), char *err, size_t err_len)
{
	char path[PATH_MAX];
	size_t len;
	char *data;
	int rc;

	if (bundle_path(path, b->dir, name))
		return bundle_fail(err, err_len, b->dir, NULL, "path too long");
	if (!bundle_exists(b->dir, name, false))
		return bundle_fail(err, err_len, path, NULL, "missing%s", absent);
	if (bundle_read(path, VZ_FILE_MAX, &data, &len, err, err_len))
		return -1;
	rc = decode(b, data, len, path, NULL, err, err_len);
	free(data);
	return rc;
}

static int open_bundle(struct bundle *b, char *err, size_t err_len)
{
	char path[PATH_MAX];
	bool binary;
	plist_t root;
	int rc;

	if (b->config[0]) {
		root = bundle_plist_load(b->config, &binary, err, err_len);
		if (!root)
			return -1;
		rc = open_config(b, root, err, err_len);
		plist_free(root);
	} else {
		/* Bundles from before Config.plist: the settings are VirtualBuddy's defaults. */
		rc = bundle_path(path, b->dir, "Disk.img") ||
		     bundle_disk(b, path, b->dir, "the disk", err, err_len) ? -1 : 0;
	}
	if (rc || vz_file(b, "MachineIdentifier", "", bundle_machine_id, err, err_len) ||
	    vz_file(b, "HardwareModel", " (the VM's install has not finished)", bundle_hw_model,
		    err, err_len))
		return -1;
	if (bundle_path(path, b->dir, "AuxiliaryStorage"))
		return bundle_fail(err, err_len, b->dir, NULL, "path too long");
	return bundle_aux(b, path, b->dir, "the aux", err, err_len);
}

static int set_mac(const struct bundle *b, const uint8_t mac[6], char *err, size_t err_len)
{
	const char *f = b->config;
	plist_t root, hw, nets, nic = NULL;
	char text[18];
	bool binary;
	int rc;

	if (!f[0])
		return bundle_fail(err, err_len, b->dir, NULL, "no .vbdata/Config.plist to hold a "
				   "MAC address");
	root = bundle_plist_load(f, &binary, err, err_len);
	if (!root)
		return -1;
	rc = bundle_plist_get(root, "hardware", PLIST_DICT, &hw, f, NULL, err, err_len);
	if (rc > 0)
		rc = bundle_plist_get(hw, "networkDevices", PLIST_ARRAY, &nets, f, "hardware", err,
				      err_len);
	if (rc > 0 && plist_array_get_size(nets))
		nic = plist_array_get_item(nets, 0);
	if (rc >= 0 && !nic)
		rc = bundle_fail(err, err_len, f, "hardware.networkDevices", "none: the VM has no "
				 "network device to give a MAC");
	else if (rc > 0 && plist_get_node_type(nic) != PLIST_DICT)
		rc = bundle_fail(err, err_len, f, "hardware.networkDevices[0]", "not a dictionary");
	if (rc > 0) {
		/* VirtualBuddy writes its MACs in upper case. */
		bundle_format_mac(mac, true, text);
		plist_dict_set_item(nic, "macAddress", plist_new_string(text));
		rc = bundle_plist_save(f, root, binary, err, err_len);
	}
	plist_free(root);
	return rc < 0 ? -1 : 0;
}

const struct bundle_format bundle_vbuddy = {
	.name = "vbuddy",
	.marker = ".vbdata/",
	.probe = probe,
	.open = open_bundle,
	.set_mac = set_mac,
};
