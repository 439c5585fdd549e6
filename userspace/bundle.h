/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bundle.h - a macOS VM bundle as the Mac's Virtualization.framework tools
 * leave it: where its root disk and aux (NVRAM) image are, its machine
 * identifier's ECID, its hardware model, CPUs, memory and MAC address.
 *
 * Four layouts, one file each under userspace/bundle/ (each file names the
 * tool's source it was read from):
 *   macosvm  a directory with macosvm.json or vm.json, or that JSON file
 *   tart     a directory with config.json, disk.img and nvram.bin
 *   utm      a .utm package: config.plist and Data/ (Backend Apple)
 *   vbuddy   a VirtualBuddy .vbvm package: .vbdata/Config.plist, Disk.img,
 *            AuxiliaryStorage, MachineIdentifier, HardwareModel
 *
 * Nothing here opens a disk for use or locks it: disk_open() does that.
 * The files are checked (present, and an aux of a layout disk_aux_offset()
 * knows) so that a bad bundle fails here, in one line naming the file and
 * the field, not halfway through a boot.
 */
#ifndef VMAPPLE_BUNDLE_H
#define VMAPPLE_BUNDLE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BUNDLE_LAYOUT_MAX	16
/* VZMacHardwareModel's dataRepresentation: about 150 bytes in practice. */
#define BUNDLE_HW_MODEL_MAX	1024
/*
 * The PlatformVersion that every macOS 12+ restore image's hardware model
 * carries (macosvm's built-in fallback model is this one too).  The board
 * needs nothing from it: cfg's `model` is QEMU's "VM0001" for every virtual
 * Mac, not a hardware model, so a bundle leaves board_config.model NULL.
 */
#define BUNDLE_HW_PLATFORM_MAC	2

struct bundle {
	char layout[BUNDLE_LAYOUT_MAX];	/* "macosvm", "tart", "utm", "vbuddy" */
	char dir[PATH_MAX];		/* the bundle's directory */
	char config[PATH_MAX];		/* the file holding its settings ("": none) */
	char disk[PATH_MAX];		/* the root disk */
	uint64_t disk_size;
	bool disk_read_only;		/* the bundle marks it read-only */
	char aux[PATH_MAX];		/* the aux image (VZMacAuxiliaryStorage) */
	uint64_t aux_size;
	uint64_t aux_offset;		/* 0: trimmed; DISK_AUX_HEADER: VZ's header on it */
	/* The hardware model: its bytes as kept, and what they decode to. */
	uint8_t hw_model[BUNDLE_HW_MODEL_MAX];
	size_t hw_model_len;		/* 0: the bundle has none (macosvm allows it) */
	uint64_t hw_platform;		/* PlatformVersion */
	uint64_t hw_data_version;	/* DataRepresentationVersion (0: absent) */
	unsigned int hw_min_os[3];	/* MinimumSupportedOS: major, minor, patch */
	bool has_hw_min_os;
	/* The machine identifier's ECID: what the LocalPolicy is personalised to. */
	uint64_t ecid;
	bool has_ecid;			/* false: macosvm.json without machineId */
	unsigned int cpus;		/* 0: not given (UTM's 0: as many as the host) */
	uint64_t mem;			/* bytes; 0: not given */
	uint8_t mac[6];			/* the first network device's */
	bool has_mac;
};

/*
 * Read the bundle at @path (a directory, or a macosvm JSON file, or a
 * layout's config file).  0, or -1 with one line in @err naming the file
 * and the field at fault: an unknown layout, a config that does not parse,
 * a field of the wrong type, a machine identifier or hardware model that
 * is not a binary plist, an ECID that is not a number, a missing disk or
 * aux, an aux of no known size.
 */
int bundle_open(struct bundle *b, const char *path, char *err, size_t err_len);

/* What bundle_open() found, as lines for a person or as one JSON object. 0, or -1. */
int bundle_print(const struct bundle *b, FILE *out, bool json);

/*
 * Give the bundle at @path the MAC address @mac (for `vmapple clone`, whose
 * copy must not share its original's).  The config is read, changed in
 * that one field and written back in its own format (JSON, XML or binary
 * plist), every other field kept, through a temporary file that is synced
 * and renamed over it: a crash leaves the old config or the new one.
 * 0, or -1 with one line in @err.
 */
int bundle_set_mac(const char *path, const uint8_t mac[6], char *err, size_t err_len);

/* "aa:bb:cc:dd:ee:ff" (either case) into @mac: 0, or -1. */
int bundle_parse_mac(const char *s, uint8_t mac[6]);

#endif
