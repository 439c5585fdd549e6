// SPDX-License-Identifier: GPL-2.0
/*
 * bundle/tart.c - a cirruslabs/tart VM directory, as Tart's VMDirectory.swift,
 * VMConfig.swift and Platform/Darwin.swift lay it out (cirruslabs/tart
 * 5287b59, 2.32.1 and later): config.json, disk.img, nvram.bin (the aux, VZ's
 * 16 KiB header still on it).  config.json's keys:
 *
 *   version                 integer, required
 *   os, arch                "darwin" | "linux", "arm64" | "amd64"; absent:
 *                           darwin, arm64
 *   cpuCount, memorySize    integers, required (memory in bytes);
 *                           cpuCountMin, memorySizeMin beside them
 *   macAddress              "aa:bb:cc:dd:ee:ff", required
 *   ecid                    base64 of VZMacMachineIdentifier's
 *                           dataRepresentation (darwin: required)
 *   hardwareModel           base64 of VZMacHardwareModel's (darwin: required)
 *   diskFormat              "raw" | "asif"; absent or unknown: raw
 *   display, displayRefit   the screen (nothing here needs it)
 */
#include "format.h"

#include <string.h>

static bool probe(struct bundle *b)
{
	/* A macosvm JSON called config.json has "storage"; Tart's never does. */
	if (bundle_path(b->config, b->dir, "config.json") ||
	    !bundle_exists(b->dir, "config.json", false) || bundle_json_has(b->config, "storage"))
		return false;
	return true;
}

/* An optional string that must be @want when present. */
static int want_string(struct json_object *root, const char *key, const char *want,
		       const char *why, const char *file, char *err, size_t err_len)
{
	struct json_object *v;
	int rc;

	rc = bundle_json_get(root, key, json_type_string, &v, file, NULL, err, err_len);
	if (rc <= 0 || !strcmp(json_object_get_string(v), want))
		return rc < 0 ? -1 : 0;
	return bundle_fail(err, err_len, file, key, "is '%s': %s", json_object_get_string(v),
			   why);
}

/* The fields Tart's decoder insists on: their absence is an error here too. */
static int required(int rc, const char *key, const char *file, char *err, size_t err_len)
{
	if (rc == 0)
		return bundle_fail(err, err_len, file, key, "missing");
	return rc < 0 ? -1 : 0;
}

static int open_settings(struct bundle *b, struct json_object *root, char *err, size_t err_len)
{
	const char *f = b->config;
	struct json_object *mac = NULL, *fmt = NULL;
	uint64_t version, cpus;

	if (required(bundle_json_uint(root, "version", 1, UINT64_MAX, &version, f, NULL, err,
				      err_len), "version", f, err, err_len) ||
	    want_string(root, "os", "darwin", "not a macOS VM", f, err, err_len) ||
	    want_string(root, "arch", "arm64", "not an Apple silicon VM", f, err, err_len) ||
	    required(bundle_json_uint(root, "cpuCount", 1, UINT_MAX, &cpus, f, NULL, err,
				      err_len), "cpuCount", f, err, err_len) ||
	    required(bundle_json_uint(root, "memorySize", 1, UINT64_MAX, &b->mem, f, NULL, err,
				      err_len), "memorySize", f, err, err_len) ||
	    required(bundle_json_get(root, "macAddress", json_type_string, &mac, f, NULL, err,
				     err_len), "macAddress", f, err, err_len) ||
	    bundle_mac(b, json_object_get_string(mac), f, "macAddress", err, err_len) ||
	    required(bundle_json_vz(b, root, "ecid", false, f, err, err_len), "ecid", f, err,
		     err_len) ||
	    required(bundle_json_vz(b, root, "hardwareModel", true, f, err, err_len),
		     "hardwareModel", f, err, err_len))
		return -1;
	b->cpus = (unsigned int)cpus;
	if (bundle_json_get(root, "diskFormat", json_type_string, &fmt, f, NULL, err, err_len) < 0)
		return -1;
	/* ASIF is Apple's own sparse format: its layout is not published. */
	if (fmt && !strcmp(json_object_get_string(fmt), "asif"))
		return bundle_fail(err, err_len, f, "diskFormat", "is 'asif' (Apple Sparse Image "
				   "Format), not raw: convert disk.img to raw on the Mac first");
	return 0;
}

static int open_bundle(struct bundle *b, char *err, size_t err_len)
{
	char disk[PATH_MAX], aux[PATH_MAX];
	struct json_object *root;
	int rc;

	root = bundle_json_load(b->config, err, err_len);
	if (!root)
		return -1;
	rc = open_settings(b, root, err, err_len);
	json_object_put(root);
	if (rc)
		return -1;
	if (bundle_path(disk, b->dir, "disk.img") || bundle_path(aux, b->dir, "nvram.bin"))
		return bundle_fail(err, err_len, b->dir, NULL, "path too long");
	if (bundle_disk(b, disk, b->dir, "the disk", err, err_len) ||
	    bundle_aux(b, aux, b->dir, "the aux", err, err_len))
		return -1;
	return 0;
}

static int set_mac(const struct bundle *b, const uint8_t mac[6], char *err, size_t err_len)
{
	/* VZMACAddress's string, as Tart writes it: lower case. */
	return bundle_json_set_mac(b->config, NULL, "macAddress", mac, err, err_len);
}

const struct bundle_format bundle_tart = {
	.name = "tart",
	.marker = "config.json",
	.probe = probe,
	.open = open_bundle,
	.set_mac = set_mac,
};
