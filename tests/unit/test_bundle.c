// SPDX-License-Identifier: GPL-2.0
/*
 * test_bundle - VM bundles in the four layouts, made here as each tool
 * writes them (JSON with json-c, plists and the VZ identity blobs with
 * libplist; and, when python3 is there, by tests/fixtures/make-bundle.py
 * with Python's plistlib, a writer independent of the reader): every field
 * read; every bad bundle refused in one line naming the file and the
 * field; the MAC rewrite changing that field alone.
 */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <plist/plist.h>

#include "../../userspace/bundle.h"
#include "../../userspace/disk.h"
#include "tap.h"

#define MIB		(1ull << 20)
#define GIB		(1ull << 30)
#define AUX_VZ		(32 * MIB + DISK_AUX_HEADER)	/* as VZ writes it */
#define AUX_TRIMMED	(32 * MIB)

/*
 * A VZMacHardwareModel dataRepresentation as Apple's framework encodes it
 * (DataRepresentationVersion as a 16-byte integer): the fallback model
 * s-u/macosvm's VMInstance.m carries.  {1, 2, [12, 0, 0]}.
 */
static const char apple_hw_model[] =
	"YnBsaXN0MDDTAQIDBAUGXxAZRGF0YVJlcHJlc2VudGF0aW9uVmVyc2lvbl8QD1BsYXRmb3JtVmVyc2lvbl8QEk1p"
	"bmltdW1TdXBwb3J0ZWRPUxQAAAAAAAAAAAAAAAAAAAABEAKjBwgIEAwQAAgPKz1SY2VpawAAAAAAAAEBAAAAAAAA"
	"AAkAAAAAAAAAAAAAAAAAAABt";

static char top[64];
static char err[1024];
static struct bundle b;

/* What a fake bundle holds: different for each layout, so none passes on another's values. */
struct want {
	const char *layout;
	const char *disk, *aux;		/* file names in the bundle */
	uint64_t disk_size, aux_size;
	uint64_t ecid;
	unsigned int cpus;
	uint64_t mem;
	const char *mac;
	uint8_t mac_bytes[6];
	unsigned int min_os_major;
};

static const struct want w_macosvm = {
	"macosvm", "disk.img", "aux.img", 1 * MIB, AUX_TRIMMED, 0x0123456789abcdefull, 2, 4 * GIB,
	"1a:2b:3c:4d:5e:6f", { 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f }, 12,
};
static const struct want w_tart = {
	"tart", "disk.img", "nvram.bin", 2 * MIB, AUX_VZ, 0x1122334455667788ull, 6, 12 * GIB,
	"7e:00:11:22:33:44", { 0x7e, 0x00, 0x11, 0x22, 0x33, 0x44 }, 13,
};
static const struct want w_utm = {
	"utm", "Data/disk-0.img", "Data/AuxiliaryStorage", 3 * MIB, AUX_VZ, 0x00abcdef01234567ull,
	8, 16 * GIB, "3e:55:66:77:88:99", { 0x3e, 0x55, 0x66, 0x77, 0x88, 0x99 }, 13,
};
static const struct want w_vbuddy = {
	"vbuddy", "Disk.img", "AuxiliaryStorage", 4 * MIB, AUX_VZ, 0x42424242ull, 3, 32 * GIB,
	"B2:4A:0C:8F:64:B7", { 0xb2, 0x4a, 0x0c, 0x8f, 0x64, 0xb7 }, 13,
};

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* @dir/@name, in one of a few rotating buffers. */
static const char *at(const char *dir, const char *name)
{
	static char path[16][PATH_MAX];
	static unsigned int n;
	char *p = path[n++ % 16];

	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	return p;
}

static void mkdirs(const char *path)
{
	char p[PATH_MAX];
	char *s;

	snprintf(p, sizeof(p), "%s", path);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		mkdir(p, 0755);
		*s = '/';
	}
	if (mkdir(p, 0755) && access(p, F_OK))
		die(p);
}

static void mkimage(const char *path, uint64_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || ftruncate(fd, (off_t)size))
		die(path);
	close(fd);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		die(path);
}

/* A plist's binary form, malloc'd (and @p freed). */
static char *to_bin(plist_t p, uint32_t *len)
{
	char *bin = NULL, *copy;

	plist_to_bin(p, &bin, len);
	plist_free(p);
	copy = malloc(*len);
	if (!bin || !copy)
		die("plist_to_bin");
	memcpy(copy, bin, *len);
	plist_to_bin_free(bin);
	return copy;
}

/* VZMacMachineIdentifier's dataRepresentation: {ECID: @ecid}. */
static plist_t machine_id(uint64_t ecid)
{
	plist_t d = plist_new_dict();

	plist_dict_set_item(d, "ECID", plist_new_uint(ecid));
	return d;
}

/*
 * VZMacHardwareModel's: {DataRepresentationVersion 1, PlatformVersion 2,
 * MinimumSupportedOS [@major, 0, 0]}.
 */
static plist_t hw_model(unsigned int major)
{
	plist_t d = plist_new_dict(), os = plist_new_array();

	plist_array_append_item(os, plist_new_uint(major));
	plist_array_append_item(os, plist_new_uint(0));
	plist_array_append_item(os, plist_new_uint(0));
	plist_dict_set_item(d, "DataRepresentationVersion", plist_new_uint(1));
	plist_dict_set_item(d, "PlatformVersion", plist_new_uint(BUNDLE_HW_PLATFORM_MAC));
	plist_dict_set_item(d, "MinimumSupportedOS", os);
	return d;
}

static struct json_object *b64_json(const void *data, size_t len)
{
	char *text = malloc(4 * ((len + 2) / 3) + 1);
	struct json_object *s;

	if (!text)
		die("malloc");
	EVP_EncodeBlock((unsigned char *)text, data, (int)len);
	s = json_object_new_string(text);
	free(text);
	return s;
}

/* base64 of @p's binary form, as a JSON string (@p freed). */
static struct json_object *b64_plist(plist_t p)
{
	uint32_t len;
	char *bin = to_bin(p, &len);
	struct json_object *s = b64_json(bin, len);

	free(bin);
	return s;
}

static void write_json(const char *path, struct json_object *o)
{
	if (json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY |
				    JSON_C_TO_STRING_NOSLASHESCAPE))
		die(path);
	json_object_put(o);
}

static void write_plist(const char *path, plist_t p, bool binary)
{
	uint32_t len = 0;
	char *data = NULL;

	if (binary)
		plist_to_bin(p, &data, &len);
	else
		plist_to_xml(p, &data, &len);
	write_file(path, data, len);
	if (binary)
		plist_to_bin_free(data);
	else
		plist_to_xml_free(data);
	plist_free(p);
}

static plist_t read_plist(const char *path, bool *binary)
{
	struct stat st;
	plist_t p = NULL;
	char *data;
	FILE *f;

	f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &st))
		die(path);
	data = malloc((size_t)st.st_size);
	if (!data || fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
		die(path);
	fclose(f);
	plist_from_memory(data, (uint32_t)st.st_size, &p);
	if (binary)
		*binary = plist_is_binary(data, (uint32_t)st.st_size);
	free(data);
	if (!p)
		die(path);
	return p;
}

/* Deep equality (libplist 2.2 compares arrays and dicts by pointer): as XML. */
static bool plist_equal(plist_t a, plist_t b)
{
	char *xa = NULL, *xb = NULL;
	uint32_t la = 0, lb = 0;
	bool same;

	plist_to_xml(a, &xa, &la);
	plist_to_xml(b, &xb, &lb);
	same = xa && xb && la == lb && !memcmp(xa, xb, la);
	plist_to_xml_free(xa);
	plist_to_xml_free(xb);
	return same;
}

/* Edit one key of a JSON config in place (@v NULL: delete it). */
static void json_edit(const char *path, const char *key, struct json_object *v)
{
	struct json_object *o = json_object_from_file(path);

	if (!o)
		die(path);
	if (v)
		json_object_object_add(o, key, v);
	else
		json_object_object_del(o, key);
	write_json(path, o);
}

/* s-u/macosvm: vm.json as its --restore writes it (README.md's example). */
static const char *make_macosvm(const char *name)
{
	const char *dir = at(top, name);
	struct json_object *o = json_object_new_object(), *storage = json_object_new_array();
	struct json_object *disk = json_object_new_object(), *aux = json_object_new_object();
	struct json_object *nets = json_object_new_array(), *nic = json_object_new_object();
	struct json_object *displays = json_object_new_array(), *disp = json_object_new_object();

	mkdirs(dir);
	json_object_object_add(o, "hardwareModel", json_object_new_string(apple_hw_model));
	json_object_object_add(disk, "type", json_object_new_string("disk"));
	json_object_object_add(disk, "file", json_object_new_string("disk.img"));
	json_object_object_add(disk, "readOnly", json_object_new_boolean(0));
	json_object_object_add(aux, "type", json_object_new_string("aux"));
	json_object_object_add(aux, "file", json_object_new_string("aux.img"));
	json_object_object_add(aux, "readOnly", json_object_new_boolean(0));
	json_object_array_add(storage, disk);
	json_object_array_add(storage, aux);
	json_object_object_add(o, "storage", storage);
	json_object_object_add(o, "ram", json_object_new_uint64(w_macosvm.mem));
	json_object_object_add(o, "machineId", b64_plist(machine_id(w_macosvm.ecid)));
	json_object_object_add(disp, "dpi", json_object_new_int(200));
	json_object_object_add(disp, "width", json_object_new_int(2560));
	json_object_object_add(disp, "height", json_object_new_int(1600));
	json_object_array_add(displays, disp);
	json_object_object_add(o, "displays", displays);
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "cpus", json_object_new_int((int)w_macosvm.cpus));
	json_object_object_add(nic, "type", json_object_new_string("nat"));
	json_object_object_add(nic, "mac", json_object_new_string(w_macosvm.mac));
	json_object_array_add(nets, nic);
	json_object_object_add(o, "networks", nets);
	json_object_object_add(o, "audio", json_object_new_boolean(0));
	write_json(at(dir, "vm.json"), o);
	mkimage(at(dir, "disk.img"), w_macosvm.disk_size);
	mkimage(at(dir, "aux.img"), w_macosvm.aux_size);
	return dir;
}

/* cirruslabs/tart: config.json with VMConfig.swift's keys, disk.img, nvram.bin. */
static const char *make_tart(const char *name)
{
	const char *dir = at(top, name);
	struct json_object *o = json_object_new_object(), *disp = json_object_new_object();

	mkdirs(dir);
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "os", json_object_new_string("darwin"));
	json_object_object_add(o, "arch", json_object_new_string("arm64"));
	json_object_object_add(o, "ecid", b64_plist(machine_id(w_tart.ecid)));
	json_object_object_add(o, "hardwareModel", b64_plist(hw_model(w_tart.min_os_major)));
	json_object_object_add(o, "cpuCountMin", json_object_new_int(4));
	json_object_object_add(o, "cpuCount", json_object_new_int((int)w_tart.cpus));
	json_object_object_add(o, "memorySizeMin", json_object_new_uint64(4 * GIB));
	json_object_object_add(o, "memorySize", json_object_new_uint64(w_tart.mem));
	json_object_object_add(o, "macAddress", json_object_new_string(w_tart.mac));
	json_object_object_add(disp, "width", json_object_new_int(1024));
	json_object_object_add(disp, "height", json_object_new_int(768));
	json_object_object_add(o, "display", disp);
	json_object_object_add(o, "diskFormat", json_object_new_string("raw"));
	write_json(at(dir, "config.json"), o);
	mkimage(at(dir, "disk.img"), w_tart.disk_size);
	mkimage(at(dir, "nvram.bin"), w_tart.aux_size);
	return dir;
}

static plist_t utm_data(plist_t p)
{
	uint32_t len;
	char *bin = to_bin(p, &len);
	plist_t d = plist_new_data(bin, len);

	free(bin);
	return d;
}

/* utmapp/UTM's Apple backend: config.plist (UTMAppleConfiguration's keys), Data/. */
static plist_t utm_config(void)
{
	plist_t root = plist_new_dict(), sys = plist_new_dict(), boot = plist_new_dict();
	plist_t mac = plist_new_dict(), drives = plist_new_array(), drive = plist_new_dict();
	plist_t nets = plist_new_array(), nic = plist_new_dict(), info = plist_new_dict();

	plist_dict_set_item(root, "Backend", plist_new_string("Apple"));
	plist_dict_set_item(root, "ConfigurationVersion", plist_new_uint(4));
	plist_dict_set_item(info, "Name", plist_new_string("Ventura"));
	plist_dict_set_item(info, "UUID", plist_new_string("6C3F2E1A-0000-4000-8000-000000000001"));
	plist_dict_set_item(root, "Information", info);
	plist_dict_set_item(sys, "Architecture", plist_new_string("aarch64"));
	plist_dict_set_item(sys, "CPUCount", plist_new_uint(w_utm.cpus));
	plist_dict_set_item(sys, "MemorySize", plist_new_uint(w_utm.mem >> 20));
	plist_dict_set_item(boot, "OperatingSystem", plist_new_string("macOS"));
	plist_dict_set_item(boot, "UEFIBoot", plist_new_bool(0));
	plist_dict_set_item(sys, "Boot", boot);
	plist_dict_set_item(mac, "HardwareModel", utm_data(hw_model(w_utm.min_os_major)));
	plist_dict_set_item(mac, "MachineIdentifier", utm_data(machine_id(w_utm.ecid)));
	plist_dict_set_item(mac, "AuxiliaryStoragePath", plist_new_string("AuxiliaryStorage"));
	plist_dict_set_item(sys, "MacPlatform", mac);
	plist_dict_set_item(root, "System", sys);
	plist_dict_set_item(root, "Virtualization", plist_new_dict());
	plist_dict_set_item(root, "Display", plist_new_array());
	plist_dict_set_item(drive, "Identifier", plist_new_string("3B9C9E5E-0000-4000-8000-02"));
	plist_dict_set_item(drive, "ImageName", plist_new_string("disk-0.img"));
	plist_dict_set_item(drive, "ReadOnly", plist_new_bool(0));
	plist_dict_set_item(drive, "Nvme", plist_new_bool(0));
	plist_array_append_item(drives, drive);
	plist_dict_set_item(root, "Drive", drives);
	plist_dict_set_item(nic, "Mode", plist_new_string("Shared"));
	plist_dict_set_item(nic, "MacAddress", plist_new_string(w_utm.mac));
	plist_array_append_item(nets, nic);
	plist_dict_set_item(root, "Network", nets);
	plist_dict_set_item(root, "Serial", plist_new_array());
	return root;
}

static const char *make_utm(const char *name, bool binary)
{
	const char *dir = at(top, name);

	mkdirs(at(dir, "Data"));
	write_plist(at(dir, "config.plist"), utm_config(), binary);
	mkimage(at(dir, w_utm.disk), w_utm.disk_size);
	mkimage(at(dir, w_utm.aux), w_utm.aux_size);
	return dir;
}

/* Edit one key of UTM's System dictionary. */
static void utm_system_edit(const char *dir, const char *key, plist_t v)
{
	bool binary;
	plist_t root = read_plist(at(dir, "config.plist"), &binary);
	plist_t sys = plist_dict_get_item(root, "System");

	if (v)
		plist_dict_set_item(sys, key, v);
	else
		plist_dict_remove_item(sys, key);
	write_plist(at(dir, "config.plist"), root, binary);
}

/* insidegui/VirtualBuddy: .vbdata/Config.plist (VBMacConfiguration), raw identity files. */
static plist_t vbuddy_config(uint64_t format)
{
	plist_t root = plist_new_dict(), hw = plist_new_dict(), devs = plist_new_array();
	plist_t dev = plist_new_dict(), backing = plist_new_dict(), managed = plist_new_dict();
	plist_t image = plist_new_dict(), nets = plist_new_array(), nic = plist_new_dict();

	plist_dict_set_item(root, "version", plist_new_uint(0));
	plist_dict_set_item(root, "systemType", plist_new_string("mac"));
	plist_dict_set_item(hw, "cpuCount", plist_new_uint(w_vbuddy.cpus));
	plist_dict_set_item(hw, "memorySize", plist_new_uint(w_vbuddy.mem));
	plist_dict_set_item(hw, "NVRAM", plist_new_array());
	plist_dict_set_item(image, "filename", plist_new_string("Disk"));
	plist_dict_set_item(image, "format", plist_new_uint(format));
	plist_dict_set_item(image, "id", plist_new_string("__BOOT__"));
	plist_dict_set_item(image, "size", plist_new_uint(w_vbuddy.disk_size));
	plist_dict_set_item(managed, "_0", image);
	plist_dict_set_item(backing, "managedImage", managed);
	plist_dict_set_item(dev, "id", plist_new_string("7A63FE85-0000-4000-8000-03"));
	plist_dict_set_item(dev, "isBootVolume", plist_new_bool(1));
	plist_dict_set_item(dev, "isEnabled", plist_new_bool(1));
	plist_dict_set_item(dev, "isReadOnly", plist_new_bool(0));
	plist_dict_set_item(dev, "isUSBMassStorageDevice", plist_new_bool(0));
	plist_dict_set_item(dev, "backing", backing);
	plist_array_append_item(devs, dev);
	plist_dict_set_item(hw, "_storageDevices", devs);
	plist_dict_set_item(nic, "id", plist_new_string("Default"));
	plist_dict_set_item(nic, "name", plist_new_string("Default"));
	plist_dict_set_item(nic, "kind", plist_new_uint(0));
	plist_dict_set_item(nic, "macAddress", plist_new_string(w_vbuddy.mac));
	plist_array_append_item(nets, nic);
	plist_dict_set_item(hw, "networkDevices", nets);
	plist_dict_set_item(root, "hardware", hw);
	plist_dict_set_item(root, "sharedFolders", plist_new_array());
	plist_dict_set_item(root, "guestAdditionsEnabled", plist_new_bool(1));
	return root;
}

static void write_blob(const char *path, plist_t p)
{
	uint32_t len;
	char *bin = to_bin(p, &len);

	write_file(path, bin, len);
	free(bin);
}

static const char *make_vbuddy_fmt(const char *name, uint64_t format)
{
	const char *dir = at(top, name);

	mkdirs(at(dir, ".vbdata"));
	write_plist(at(dir, ".vbdata/Config.plist"), vbuddy_config(format), true);
	write_blob(at(dir, "MachineIdentifier"), machine_id(w_vbuddy.ecid));
	write_blob(at(dir, "HardwareModel"), hw_model(w_vbuddy.min_os_major));
	mkimage(at(dir, w_vbuddy.disk), w_vbuddy.disk_size);
	mkimage(at(dir, w_vbuddy.aux), w_vbuddy.aux_size);
	return dir;
}

static const char *make_vbuddy(const char *name)
{
	return make_vbuddy_fmt(name, 0);
}

static int bopen(const char *path)
{
	err[0] = 0;
	return bundle_open(&b, path, err, sizeof(err));
}

/* Every field of the bundle at @dir, against @w. */
static void check_fields(const char *dir, const struct want *w)
{
	int rc = bopen(dir);

	ok(rc == 0, "%s: opens (%s)", w->layout, err);
	if (rc)
		return;
	ok(!strcmp(b.layout, w->layout), "%s: layout %s", w->layout, b.layout);
	ok(!strcmp(b.dir, dir), "%s: dir %s", w->layout, b.dir);
	ok(!strcmp(b.disk, at(dir, w->disk)), "%s: disk %s", w->layout, b.disk);
	ok(b.disk_size == w->disk_size, "%s: disk size %llu", w->layout,
	   (unsigned long long)b.disk_size);
	ok(!b.disk_read_only, "%s: disk read-write", w->layout);
	ok(!strcmp(b.aux, at(dir, w->aux)), "%s: aux %s", w->layout, b.aux);
	ok(b.aux_size == w->aux_size, "%s: aux size %llu", w->layout,
	   (unsigned long long)b.aux_size);
	ok(b.aux_offset == (w->aux_size == AUX_VZ ? DISK_AUX_HEADER : 0),
	   "%s: aux offset %llu (VZ's header %s)", w->layout, (unsigned long long)b.aux_offset,
	   w->aux_size == AUX_VZ ? "skipped" : "absent");
	ok(b.has_ecid && b.ecid == w->ecid, "%s: ECID 0x%016llx", w->layout,
	   (unsigned long long)b.ecid);
	ok(b.hw_model_len > 0 && b.hw_platform == BUNDLE_HW_PLATFORM_MAC,
	   "%s: hardware model, platform %llu", w->layout, (unsigned long long)b.hw_platform);
	ok(b.hw_data_version == 1, "%s: hardware model data representation %llu", w->layout,
	   (unsigned long long)b.hw_data_version);
	ok(b.has_hw_min_os && b.hw_min_os[0] == w->min_os_major && !b.hw_min_os[1] &&
	   !b.hw_min_os[2], "%s: minimum macOS %u.%u.%u", w->layout, b.hw_min_os[0],
	   b.hw_min_os[1], b.hw_min_os[2]);
	ok(b.cpus == w->cpus, "%s: %u CPUs", w->layout, b.cpus);
	ok(b.mem == w->mem, "%s: memory %llu", w->layout, (unsigned long long)b.mem);
	ok(b.has_mac && !memcmp(b.mac, w->mac_bytes, 6), "%s: MAC %s", w->layout, w->mac);
}

static void test_layouts(void)
{
	const char *dir;
	uint8_t *apple = NULL;
	size_t len;

	check_fields(make_macosvm("macosvm"), &w_macosvm);
	/* The macosvm bundle carries Apple's own encoding of the hardware model. */
	len = strlen(apple_hw_model);
	apple = malloc(len);
	/* 200 characters, no padding: EVP_DecodeBlock's count is exact. */
	len = (size_t)EVP_DecodeBlock(apple, (const unsigned char *)apple_hw_model, (int)len);
	ok(b.hw_model_len == len && !memcmp(b.hw_model, apple, len),
	   "macosvm: the hardware model's bytes are kept as they were (%zu)", b.hw_model_len);
	free(apple);
	ok(!strcmp(b.config, at(at(top, "macosvm"), "vm.json")), "macosvm: config vm.json");
	check_fields(make_tart("tart"), &w_tart);
	ok(!strcmp(b.config, at(at(top, "tart"), "config.json")), "tart: config config.json");
	check_fields(make_utm("vm.utm", false), &w_utm);
	ok(!strcmp(b.config, at(at(top, "vm.utm"), "config.plist")), "utm: config config.plist");
	check_fields(make_utm("bin.utm", true), &w_utm);
	check_fields(make_vbuddy("vm.vbvm"), &w_vbuddy);
	ok(!strcmp(b.config, at(at(top, "vm.vbvm"), ".vbdata/Config.plist")),
	   "vbuddy: config .vbdata/Config.plist");

	dir = make_utm("cpus0.utm", false);
	utm_system_edit(dir, "CPUCount", plist_new_uint(0));
	ok(bopen(dir) == 0 && b.cpus == 0, "utm: CPUCount 0 (as many as the host) is cpus 0");
}

static void test_locate(void)
{
	char slash[PATH_MAX];
	const char *dir;

	dir = make_tart("tart-file");
	ok(bopen(at(dir, "config.json")) == 0 && !strcmp(b.layout, "tart") &&
	   !strcmp(b.dir, dir), "tart: its config.json's path opens the bundle");
	dir = make_utm("file.utm", false);
	ok(bopen(at(dir, "config.plist")) == 0 && !strcmp(b.layout, "utm") &&
	   !strcmp(b.dir, dir), "utm: its config.plist's path opens the bundle");
	dir = make_vbuddy("file.vbvm");
	ok(bopen(at(dir, ".vbdata/Config.plist")) == 0 && !strcmp(b.layout, "vbuddy") &&
	   !strcmp(b.dir, dir), "vbuddy: its .vbdata/Config.plist's path opens the bundle");
	dir = make_macosvm("macosvm-named");
	rename(at(dir, "vm.json"), at(dir, "ventura.json"));
	ok(bopen(at(dir, "ventura.json")) == 0 && !strcmp(b.layout, "macosvm") &&
	   !strcmp(b.config, at(dir, "ventura.json")),
	   "macosvm: a JSON of any name opens as macosvm's");
	rename(at(dir, "ventura.json"), at(dir, "config.json"));
	ok(bopen(dir) == 0 && !strcmp(b.layout, "macosvm"),
	   "macosvm: a config.json with \"storage\" is macosvm's, not Tart's");
	rename(at(dir, "config.json"), at(dir, "macosvm.json"));
	ok(bopen(dir) == 0 && !strcmp(b.layout, "macosvm"), "macosvm: macosvm.json");
	snprintf(slash, sizeof(slash), "%s//", make_tart("tart-slash"));
	ok(bopen(slash) == 0 && !strcmp(b.dir, at(top, "tart-slash")),
	   "a trailing slash names the same bundle");
}

/* -1, with one line naming @file and, when given, @field and @why. */
static void refused(int rc, const char *file, const char *field, const char *why,
		    const char *what)
{
	ok(rc == -1 && strstr(err, file) && (!field || strstr(err, field)) &&
	   (!why || strstr(err, why)) && !strchr(err, '\n') && !strncmp(err, "vmapple: ", 9),
	   "%s: refused in one line naming %s%s%s (%s)", what, file, field ? " and " : "",
	   field ? field : "", err);
}

static void test_bad_layout(void)
{
	const char *dir = at(top, "empty");
	const char *junk = at(top, "junk.txt");

	mkdirs(dir);
	refused(bopen(dir), dir, NULL, "not a VM bundle of a known layout", "an unknown layout");
	ok(strstr(err, "macosvm.json") && strstr(err, "config.json") &&
	   strstr(err, "config.plist") && strstr(err, ".vbdata"),
	   "the unknown-layout error names what each layout has");
	refused(bopen(at(top, "nowhere")), at(top, "nowhere"), NULL, "No such file",
		"a path that does not exist");
	write_file(junk, "x", 1);
	refused(bopen(junk), junk, NULL, "not a VM bundle", "a file that is no config");
	refused(bopen(""), "''", NULL, "no path", "an empty path");
}

static void test_bad_tart(void)
{
	const char *dir, *cfg;

	dir = make_tart("tart-nodisk");
	unlink(at(dir, "disk.img"));
	refused(bopen(dir), at(dir, "disk.img"), "the disk", "No such file",
		"tart: a missing disk");
	dir = make_tart("tart-shortaux");
	mkimage(at(dir, "nvram.bin"), 100 * 1024);
	refused(bopen(dir), at(dir, "nvram.bin"), "the aux", "truncated", "tart: a truncated aux");
	dir = make_tart("tart-noaux");
	unlink(at(dir, "nvram.bin"));
	refused(bopen(dir), at(dir, "nvram.bin"), "the aux", "No such file", "tart: a missing aux");
	dir = make_tart("tart-ecidstr");
	cfg = at(dir, "config.json");
	{
		plist_t mid = plist_new_dict();

		plist_dict_set_item(mid, "ECID", plist_new_string("1234"));
		json_edit(cfg, "ecid", b64_plist(mid));
	}
	refused(bopen(dir), cfg, "ecid.ECID", "is a string, not an integer",
		"tart: an ECID that is not a number");
	dir = make_tart("tart-noecidkey");
	cfg = at(dir, "config.json");
	{
		plist_t mid = plist_new_dict();

		plist_dict_set_item(mid, "ecid", plist_new_uint(1));
		json_edit(cfg, "ecid", b64_plist(mid));
	}
	refused(bopen(dir), cfg, "ecid.ECID", "missing", "tart: a machine identifier without ECID");
	dir = make_tart("tart-ecidjunk");
	cfg = at(dir, "config.json");
	json_edit(cfg, "ecid", b64_json("not a plist", 11));
	refused(bopen(dir), cfg, "ecid", "not a property list",
		"tart: a machine identifier that is no plist");
	dir = make_tart("tart-ecidb64");
	cfg = at(dir, "config.json");
	json_edit(cfg, "ecid", json_object_new_string("!!!"));
	refused(bopen(dir), cfg, "ecid", "not base64", "tart: an ecid that is not base64");
	dir = make_tart("tart-noecid");
	cfg = at(dir, "config.json");
	json_edit(cfg, "ecid", NULL);
	refused(bopen(dir), cfg, "ecid", "missing", "tart: no ecid");
	dir = make_tart("tart-nohw");
	cfg = at(dir, "config.json");
	json_edit(cfg, "hardwareModel", NULL);
	refused(bopen(dir), cfg, "hardwareModel", "missing", "tart: no hardwareModel");
	dir = make_tart("tart-hwnoplat");
	cfg = at(dir, "config.json");
	json_edit(cfg, "hardwareModel", b64_plist(machine_id(1)));
	refused(bopen(dir), cfg, "hardwareModel.PlatformVersion", "missing",
		"tart: a hardware model without PlatformVersion");
	dir = make_tart("tart-cpustr");
	cfg = at(dir, "config.json");
	json_edit(cfg, "cpuCount", json_object_new_string("6"));
	refused(bopen(dir), cfg, "cpuCount", "is a string, not an integer",
		"tart: a cpuCount that is a string");
	dir = make_tart("tart-cpu0");
	cfg = at(dir, "config.json");
	json_edit(cfg, "cpuCount", json_object_new_int(0));
	refused(bopen(dir), cfg, "cpuCount", "is 0", "tart: cpuCount 0");
	dir = make_tart("tart-memneg");
	cfg = at(dir, "config.json");
	json_edit(cfg, "memorySize", json_object_new_int(-1));
	refused(bopen(dir), cfg, "memorySize", "is -1", "tart: a negative memorySize");
	dir = make_tart("tart-nomac");
	cfg = at(dir, "config.json");
	json_edit(cfg, "macAddress", NULL);
	refused(bopen(dir), cfg, "macAddress", "missing", "tart: no macAddress");
	dir = make_tart("tart-badmac");
	cfg = at(dir, "config.json");
	json_edit(cfg, "macAddress", json_object_new_string("7e:00:11:22:33"));
	refused(bopen(dir), cfg, "macAddress", "not a MAC address", "tart: a short MAC");
	dir = make_tart("tart-linux");
	cfg = at(dir, "config.json");
	json_edit(cfg, "os", json_object_new_string("linux"));
	refused(bopen(dir), cfg, "os", "not a macOS VM", "tart: a Linux VM");
	dir = make_tart("tart-amd64");
	cfg = at(dir, "config.json");
	json_edit(cfg, "arch", json_object_new_string("amd64"));
	refused(bopen(dir), cfg, "arch", "not an Apple silicon VM", "tart: an amd64 VM");
	dir = make_tart("tart-asif");
	cfg = at(dir, "config.json");
	json_edit(cfg, "diskFormat", json_object_new_string("asif"));
	refused(bopen(dir), cfg, "diskFormat", "asif", "tart: an ASIF disk");
	dir = make_tart("tart-badjson");
	cfg = at(dir, "config.json");
	write_file(cfg, "{\"version\": 1,", 14);
	refused(bopen(dir), cfg, NULL, "not JSON", "tart: a config.json cut short");
	write_file(cfg, "[1, 2]", 6);
	refused(bopen(dir), cfg, NULL, "not an object", "tart: a config.json that is an array");
	write_file(cfg, "{} {}", 5);
	refused(bopen(dir), cfg, NULL, "not JSON", "tart: a config.json with more after it");
}

static void test_bad_macosvm(void)
{
	const char *dir, *cfg;
	struct json_object *storage, *disk;

	dir = make_macosvm("m-nodisk");
	cfg = at(dir, "vm.json");
	unlink(at(dir, "disk.img"));
	refused(bopen(dir), cfg, "storage[0]", "No such file", "macosvm: a missing disk");
	ok(strstr(err, at(dir, "disk.img")) != NULL, "macosvm: ... and the path it looked at");
	dir = make_macosvm("m-noaux");
	cfg = at(dir, "vm.json");
	storage = json_object_new_array();
	disk = json_object_new_object();
	json_object_object_add(disk, "type", json_object_new_string("disk"));
	json_object_object_add(disk, "file", json_object_new_string("disk.img"));
	json_object_array_add(storage, disk);
	json_edit(cfg, "storage", storage);
	refused(bopen(dir), cfg, "storage", "no entry of type aux", "macosvm: no aux in storage");
	dir = make_macosvm("m-nostorage");
	cfg = at(dir, "vm.json");
	json_edit(cfg, "storage", NULL);
	refused(bopen(dir), cfg, "storage", "missing", "macosvm: no storage");
	dir = make_macosvm("m-b64");
	cfg = at(dir, "vm.json");
	json_edit(cfg, "machineId", json_object_new_string("@@@@"));
	refused(bopen(dir), cfg, "machineId", "not base64", "macosvm: a machineId not base64");
	dir = make_macosvm("m-ramstr");
	cfg = at(dir, "vm.json");
	json_edit(cfg, "ram", json_object_new_string("4G"));
	refused(bopen(dir), cfg, "ram", "is a string", "macosvm: ram as a string");
	dir = make_macosvm("m-linux");
	cfg = at(dir, "vm.json");
	json_edit(cfg, "os", json_object_new_string("linux"));
	refused(bopen(dir), cfg, "os", "not a macOS VM", "macosvm: a Linux VM");

	/* macosvm itself runs without machineId (it digs the ECID out of the aux). */
	dir = make_macosvm("m-noid");
	json_edit(at(dir, "vm.json"), "machineId", NULL);
	json_edit(at(dir, "vm.json"), "networks", NULL);
	ok(bopen(dir) == 0 && !b.has_ecid && !b.has_mac,
	   "macosvm: no machineId and no networks still open (no ECID, no MAC)");
}

static void test_macosvm_url(void)
{
	const char *dir = make_macosvm("m url");
	struct json_object *root, *storage, *disk;
	char url[PATH_MAX + 16];
	const char *p;
	size_t n;

	/* A file:// URL instead of a file, its space percent-encoded. */
	n = (size_t)snprintf(url, sizeof(url), "file://");
	for (p = at(dir, "disk.img"); *p && n + 4 < sizeof(url); p++)
		n += (size_t)(*p == ' ' ? snprintf(url + n, 4, "%%20") :
			      snprintf(url + n, 2, "%c", *p));
	root = json_object_from_file(at(dir, "vm.json"));
	json_object_object_get_ex(root, "storage", &storage);
	disk = json_object_array_get_idx(storage, 0);
	json_object_object_del(disk, "file");
	json_object_object_add(disk, "url", json_object_new_string(url));
	write_json(at(dir, "vm.json"), root);
	ok(bopen(dir) == 0 && !strcmp(b.disk, at(dir, "disk.img")),
	   "macosvm: a storage url (file://, percent-encoded) is its path (%s)", err);
}

static void test_bad_utm(void)
{
	const char *dir, *cfg;
	bool binary;
	plist_t root;

	dir = make_utm("bad.utm", false);
	cfg = at(dir, "config.plist");
	write_file(cfg, "<?xml version=\"1.0\"?><plist><dict><key>Backend", 46);
	refused(bopen(dir), cfg, NULL, "not a property list", "utm: a bad plist");
	write_file(cfg, "bplist00\x01\x02", 10);
	refused(bopen(dir), cfg, NULL, "not a property list", "utm: a truncated binary plist");

	dir = make_utm("qemu.utm", false);
	cfg = at(dir, "config.plist");
	root = read_plist(cfg, &binary);
	plist_dict_set_item(root, "Backend", plist_new_string("QEMU"));
	write_plist(cfg, root, binary);
	refused(bopen(dir), cfg, "Backend", "not 'Apple'", "utm: a QEMU VM");

	dir = make_utm("legacy.utm", false);
	cfg = at(dir, "config.plist");
	root = read_plist(cfg, &binary);
	plist_dict_remove_item(root, "Backend");
	write_plist(cfg, root, binary);
	refused(bopen(dir), cfg, "Backend", "UTM 3", "utm: a UTM 3 configuration");

	dir = make_utm("linux.utm", false);
	cfg = at(dir, "config.plist");
	root = read_plist(cfg, &binary);
	plist_dict_set_item(plist_dict_get_item(plist_dict_get_item(root, "System"), "Boot"),
			    "OperatingSystem", plist_new_string("Linux"));
	write_plist(cfg, root, binary);
	refused(bopen(dir), cfg, "System.Boot.OperatingSystem", "not a macOS VM",
		"utm: a Linux VM");

	dir = make_utm("nomac.utm", false);
	cfg = at(dir, "config.plist");
	utm_system_edit(dir, "MacPlatform", NULL);
	refused(bopen(dir), cfg, "System.MacPlatform", "missing", "utm: no MacPlatform");

	dir = make_utm("memstr.utm", false);
	cfg = at(dir, "config.plist");
	utm_system_edit(dir, "MemorySize", plist_new_string("16G"));
	refused(bopen(dir), cfg, "System.MemorySize", "is a string, not an integer",
		"utm: MemorySize as a string");

	dir = make_utm("midstr.utm", false);
	cfg = at(dir, "config.plist");
	root = read_plist(cfg, &binary);
	plist_dict_set_item(plist_dict_get_item(plist_dict_get_item(root, "System"), "MacPlatform"),
			    "MachineIdentifier", plist_new_string("0x1234"));
	write_plist(cfg, root, binary);
	refused(bopen(dir), cfg, "System.MacPlatform.MachineIdentifier", "is a string, not data",
		"utm: a MachineIdentifier that is a string");

	dir = make_utm("nodisk.utm", false);
	unlink(at(dir, w_utm.disk));
	refused(bopen(dir), at(dir, "config.plist"), "Drive[0].ImageName", "No such file",
		"utm: a missing disk");

	dir = make_utm("noimage.utm", false);
	cfg = at(dir, "config.plist");
	root = read_plist(cfg, &binary);
	plist_dict_remove_item(plist_array_get_item(plist_dict_get_item(root, "Drive"), 0),
			       "ImageName");
	write_plist(cfg, root, binary);
	refused(bopen(dir), cfg, "Drive", "no drive has an ImageName",
		"utm: no drive with an image");

	dir = make_utm("shortaux.utm", false);
	mkimage(at(dir, w_utm.aux), 4096);
	refused(bopen(dir), at(dir, "config.plist"), "AuxiliaryStoragePath", "truncated",
		"utm: a truncated aux");
}

static void test_bad_vbuddy(void)
{
	const char *dir, *cfg;
	bool binary;
	plist_t root, dev;

	dir = make_vbuddy("nohw.vbvm");
	unlink(at(dir, "HardwareModel"));
	refused(bopen(dir), at(dir, "HardwareModel"), NULL, "install has not finished",
		"vbuddy: no HardwareModel");
	dir = make_vbuddy("badmid.vbvm");
	write_file(at(dir, "MachineIdentifier"), "garbage", 7);
	refused(bopen(dir), at(dir, "MachineIdentifier"), NULL, "not a property list",
		"vbuddy: a MachineIdentifier that is no plist");
	dir = make_vbuddy("midnum.vbvm");
	{
		plist_t mid = plist_new_dict();

		plist_dict_set_item(mid, "ECID", plist_new_real(1.5));
		write_blob(at(dir, "MachineIdentifier"), mid);
	}
	refused(bopen(dir), at(dir, "MachineIdentifier"), "ECID", "a real number, not an integer",
		"vbuddy: an ECID that is a real number");
	dir = make_vbuddy_fmt("sparse.vbvm", 2);
	cfg = at(dir, ".vbdata/Config.plist");
	refused(bopen(dir), cfg, "managedImage._0.format", "sparseimage",
		"vbuddy: a sparse-image boot disk");
	dir = make_vbuddy("custom.vbvm");
	cfg = at(dir, ".vbdata/Config.plist");
	root = read_plist(cfg, &binary);
	dev = plist_array_get_item(plist_dict_get_item(plist_dict_get_item(root, "hardware"),
						       "_storageDevices"), 0);
	{
		plist_t backing = plist_new_dict(), url = plist_new_dict();

		plist_dict_set_item(url, "relative", plist_new_string("file:///Users/x/disk.img"));
		plist_dict_set_item(backing, "customImage", url);
		plist_dict_set_item(dev, "backing", backing);
	}
	write_plist(cfg, root, binary);
	refused(bopen(dir), cfg, "_storageDevices[0].backing", "custom image",
		"vbuddy: a custom-image boot disk");
	dir = make_vbuddy("linux.vbvm");
	cfg = at(dir, ".vbdata/Config.plist");
	root = read_plist(cfg, &binary);
	plist_dict_set_item(root, "systemType", plist_new_string("linux"));
	write_plist(cfg, root, binary);
	refused(bopen(dir), cfg, "systemType", "not a macOS VM", "vbuddy: a Linux VM");
	dir = make_vbuddy("noaux.vbvm");
	unlink(at(dir, "AuxiliaryStorage"));
	refused(bopen(dir), at(dir, "AuxiliaryStorage"), "the aux", "No such file",
		"vbuddy: a missing aux");

	/* Bundles from before Config.plist boot Disk.img with the defaults. */
	dir = make_vbuddy("old.vbvm");
	unlink(at(dir, ".vbdata/Config.plist"));
	ok(bopen(dir) == 0 && !strcmp(b.disk, at(dir, "Disk.img")) && !b.cpus && !b.mem &&
	   !b.has_mac && b.has_ecid, "vbuddy: no Config.plist: Disk.img, no CPUs/memory/MAC given");
}

/* Whether @dir holds anything but @n names (a temporary file left behind). */
static int entries(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		die(dir);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static const uint8_t new_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

static int set_mac(const char *dir)
{
	err[0] = 0;
	return bundle_set_mac(dir, new_mac, err, sizeof(err));
}

static const char *json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static void test_set_mac_json(void)
{
	struct json_object *before, *after, *v, *nic;
	const char *dir, *cfg;
	struct stat st;
	int n;

	dir = make_tart("tart-mac");
	cfg = at(dir, "config.json");
	chmod(cfg, 0640);
	before = json_object_from_file(cfg);
	n = entries(dir);
	ok(set_mac(dir) == 0, "tart: set MAC (%s)", err);
	after = json_object_from_file(cfg);
	ok(!strcmp(json_str(after, "macAddress"), "02:aa:bb:cc:dd:ee"),
	   "tart: macAddress rewritten, lower case (%s)", json_str(after, "macAddress"));
	json_object_object_del(before, "macAddress");
	json_object_object_del(after, "macAddress");
	ok(json_object_equal(before, after), "tart: every other field kept (display, "
	   "cpuCountMin, ecid, hardwareModel...)");
	ok(!stat(cfg, &st) && (st.st_mode & 07777) == 0640, "tart: the config keeps its mode");
	ok(entries(dir) == n, "tart: no temporary file left behind");
	ok(bopen(dir) == 0 && !memcmp(b.mac, new_mac, 6) && b.ecid == w_tart.ecid,
	   "tart: the bundle opens with the new MAC");
	json_object_put(before);
	json_object_put(after);

	dir = make_macosvm("m-mac");
	cfg = at(dir, "vm.json");
	before = json_object_from_file(cfg);
	ok(set_mac(dir) == 0, "macosvm: set MAC (%s)", err);
	after = json_object_from_file(cfg);
	json_object_object_get_ex(after, "networks", &v);
	nic = json_object_array_get_idx(v, 0);
	ok(!strcmp(json_str(nic, "mac"), "02:aa:bb:cc:dd:ee") &&
	   !strcmp(json_str(nic, "type"), "nat"),
	   "macosvm: networks[0].mac rewritten, its type kept");
	json_object_object_del(before, "networks");
	json_object_object_del(after, "networks");
	ok(json_object_equal(before, after), "macosvm: every other field kept");
	json_object_put(before);
	json_object_put(after);

	dir = make_macosvm("m-mac-nonet");
	cfg = at(dir, "vm.json");
	json_edit(cfg, "networks", NULL);
	ok(set_mac(dir) == 0 && bopen(dir) == 0 && b.has_mac && !memcmp(b.mac, new_mac, 6),
	   "macosvm: no networks: macosvm's default NAT device, given the MAC");
	dir = make_macosvm("m-mac-empty");
	cfg = at(dir, "vm.json");
	json_edit(cfg, "networks", json_object_new_array());
	refused(set_mac(dir), cfg, "networks", "no network device", "macosvm: set MAC, no NIC");
}

static void test_set_mac_plist(void)
{
	plist_t before, after, nic, v;
	const char *dir, *cfg;
	bool binary;
	char *mac = NULL;

	dir = make_utm("mac.utm", false);
	cfg = at(dir, "config.plist");
	before = read_plist(cfg, NULL);
	ok(set_mac(dir) == 0, "utm: set MAC (%s)", err);
	after = read_plist(cfg, &binary);
	ok(!binary, "utm: config.plist stays XML");
	nic = plist_array_get_item(plist_dict_get_item(after, "Network"), 0);
	plist_get_string_val(plist_dict_get_item(nic, "MacAddress"), &mac);
	ok(mac && !strcmp(mac, "02:aa:bb:cc:dd:ee"), "utm: Network[0].MacAddress rewritten (%s)",
	   mac);
	free(mac);
	v = plist_dict_get_item(nic, "Mode");
	ok(v && !strcmp(plist_get_string_ptr(v, NULL), "Shared"), "utm: Network[0].Mode kept");
	plist_array_remove_item(plist_dict_get_item(before, "Network"), 0);
	plist_array_remove_item(plist_dict_get_item(after, "Network"), 0);
	ok(plist_equal(before, after), "utm: every other field kept (System, "
	   "MachineIdentifier's bytes, Drive...)");
	plist_free(before);
	plist_free(after);
	ok(bopen(dir) == 0 && !memcmp(b.mac, new_mac, 6) && b.ecid == w_utm.ecid,
	   "utm: the bundle opens with the new MAC");

	dir = make_vbuddy("mac.vbvm");
	cfg = at(dir, ".vbdata/Config.plist");
	before = read_plist(cfg, NULL);
	ok(set_mac(dir) == 0, "vbuddy: set MAC (%s)", err);
	after = read_plist(cfg, &binary);
	ok(binary, "vbuddy: Config.plist stays binary");
	nic = plist_array_get_item(plist_dict_get_item(plist_dict_get_item(after, "hardware"),
						       "networkDevices"), 0);
	v = plist_dict_get_item(nic, "macAddress");
	ok(v && !strcmp(plist_get_string_ptr(v, NULL), "02:AA:BB:CC:DD:EE"),
	   "vbuddy: macAddress rewritten, upper case as VirtualBuddy writes it");
	plist_dict_remove_item(nic, "macAddress");
	nic = plist_array_get_item(plist_dict_get_item(plist_dict_get_item(before, "hardware"),
						       "networkDevices"), 0);
	plist_dict_remove_item(nic, "macAddress");
	ok(plist_equal(before, after), "vbuddy: every other field kept");
	plist_free(before);
	plist_free(after);

	dir = make_utm("nonet.utm", false);
	cfg = at(dir, "config.plist");
	before = read_plist(cfg, &binary);
	plist_dict_set_item(before, "Network", plist_new_array());
	write_plist(cfg, before, binary);
	refused(set_mac(dir), cfg, "Network", "no network device", "utm: set MAC, no NIC");
	dir = make_vbuddy("old-mac.vbvm");
	unlink(at(dir, ".vbdata/Config.plist"));
	refused(set_mac(dir), dir, NULL, "Config.plist", "vbuddy: set MAC, no Config.plist");
	refused(set_mac(at(top, "empty")), at(top, "empty"), NULL, "not a VM bundle",
		"set MAC on no bundle");
}

static void test_parse_mac(void)
{
	uint8_t mac[6];

	ok(bundle_parse_mac("02:aa:BB:cc:dd:ee", mac) == 0 && mac[0] == 2 && mac[2] == 0xbb &&
	   mac[5] == 0xee, "a MAC in either case parses");
	ok(bundle_parse_mac("02:aa:bb:cc:dd", mac) == -1, "five octets: refused");
	ok(bundle_parse_mac("02:aa:bb:cc:dd:ee:ff", mac) == -1, "seven octets: refused");
	ok(bundle_parse_mac("02-aa-bb-cc-dd-ee", mac) == -1, "dashes: refused");
	ok(bundle_parse_mac("2:aa:bb:cc:dd:ee", mac) == -1, "a one-digit octet: refused");
}

static void test_print(void)
{
	struct json_object *o, *v, *hw;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	bopen(at(top, "tart"));
	f = open_memstream(&text, &len);
	ok(bundle_print(&b, f, false) == 0, "print: text");
	fclose(f);
	ok(strstr(text, "layout    tart\n") && strstr(text, "ecid      0x1122334455667788") &&
	   strstr(text, "memory    12 GiB") && strstr(text, "mac       7e:00:11:22:33:44") &&
	   strstr(text, "16 KiB header skipped") && strstr(text, "macOS 13.0.0 or later"),
	   "print: the text has every field");
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	ok(bundle_print(&b, f, true) == 0, "print: JSON");
	fclose(f);
	o = json_tokener_parse(text);
	ok(o && !strcmp(json_str(o, "layout"), "tart") &&
	   !strcmp(json_str(o, "ecid_hex"), "0x1122334455667788") &&
	   !strcmp(json_str(o, "mac"), "7e:00:11:22:33:44"), "print: JSON layout, ECID, MAC");
	ok(json_object_object_get_ex(o, "ecid", &v) && json_object_get_uint64(v) == w_tart.ecid &&
	   json_object_object_get_ex(o, "memory", &v) && json_object_get_uint64(v) == w_tart.mem &&
	   json_object_object_get_ex(o, "cpus", &v) && json_object_get_int(v) == 6,
	   "print: JSON numbers");
	ok(json_object_object_get_ex(o, "hw_model", &hw) &&
	   json_object_object_get_ex(hw, "platform_version", &v) && json_object_get_int(v) == 2 &&
	   !strcmp(json_str(hw, "minimum_os"), "13.0.0") && strlen(json_str(hw, "base64")) > 100,
	   "print: JSON hardware model");
	ok(json_object_object_get_ex(o, "aux", &v) && json_object_object_get_ex(v, "offset", &v) &&
	   json_object_get_int(v) == DISK_AUX_HEADER, "print: JSON aux offset");
	json_object_put(o);
	free(text);
	text = NULL;
	bopen(at(top, "m-noid"));
	f = open_memstream(&text, &len);
	bundle_print(&b, f, true);
	fclose(f);
	o = json_tokener_parse(text);
	ok(o && json_object_object_get_ex(o, "ecid", &v) && !v &&
	   json_object_object_get_ex(o, "mac", &v) && !v, "print: JSON null for what is absent");
	json_object_put(o);
	free(text);
}

/* The script beside this file, when the test runs from the source tree. */
static const char *fixture_script(void)
{
	static char path[PATH_MAX];
	const char *slash = strrchr(__FILE__, '/');

	snprintf(path, sizeof(path), "%.*s/../fixtures/make-bundle.py",
		 slash ? (int)(slash - __FILE__) : 1, slash ? __FILE__ : ".");
	return path;
}

static void test_python_fixtures(void)
{
	static const char *const layouts[] = { "macosvm", "tart", "utm", "vbuddy" };
	const char *script = fixture_script(), *disk = at(top, "py-disk.img");
	const char *aux = at(top, "py-aux.img");
	char cmd[3 * PATH_MAX], dir[PATH_MAX];
	unsigned int i;

	if (access(script, R_OK) || system("python3 -c 'import plistlib' 2>/dev/null")) {
		ok(1, "make-bundle.py fixtures # SKIP no python3, or not run from the source tree");
		return;
	}
	mkimage(disk, MIB);
	mkimage(aux, AUX_VZ);
	for (i = 0; i < 4; i++) {
		snprintf(dir, sizeof(dir), "%s/py-%s", top, layouts[i]);
		/* An ECID past 2^63: a 16-byte integer in a binary plist, as Apple writes it. */
		snprintf(cmd, sizeof(cmd), "python3 '%s' %s '%s' '%s' '%s' 0xfedcba9876543210 "
			 "--cpus 3 --mem 6442450944 --mac 02:11:22:33:44:55 --link >/dev/null",
			 script, layouts[i], dir, disk, aux);
		ok(system(cmd) == 0, "make-bundle.py %s: runs", layouts[i]);
		ok(bopen(dir) == 0 && !strcmp(b.layout, layouts[i]), "make-bundle.py %s: opens as "
		   "%s (%s)", layouts[i], b.layout, err);
		ok(b.has_ecid && b.ecid == 0xfedcba9876543210ull,
		   "make-bundle.py %s: ECID 0x%016llx", layouts[i], (unsigned long long)b.ecid);
		ok(b.cpus == 3 && b.mem == 6 * GIB && b.has_mac && b.mac[0] == 2 &&
		   b.mac[5] == 0x55, "make-bundle.py %s: CPUs, memory, MAC", layouts[i]);
		ok(b.hw_platform == 2 && b.has_hw_min_os && b.hw_min_os[0] == 12 &&
		   b.aux_offset == DISK_AUX_HEADER && b.disk_size == MIB,
		   "make-bundle.py %s: hardware model, disk, aux", layouts[i]);
	}
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	snprintf(top, sizeof(top), "/tmp/test_bundle.XXXXXX");
	if (!mkdtemp(top))
		die("mkdtemp");
	test_layouts();
	test_locate();
	test_bad_layout();
	test_bad_tart();
	test_bad_macosvm();
	test_macosvm_url();
	test_bad_utm();
	test_bad_vbuddy();
	test_set_mac_json();
	test_set_mac_plist();
	test_parse_mac();
	test_print();
	test_python_fixtures();
	nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
