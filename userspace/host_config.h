/* SPDX-License-Identifier: GPL-2.0 */
/*
 * host_config.h - the host's own settings, one JSON file the administrator
 * keeps (/etc/vmapple/vmapple.json; $VMAPPLE_CONFIG names another).  Today
 * it holds the macOS instance limit, so that every run on the host and the
 * Orchard worker scheduling them read one number: the run refuses the
 * guest past it, and `vmapple resources` offers exactly that many VMs.
 */
#ifndef VMAPPLE_HOST_CONFIG_H
#define VMAPPLE_HOST_CONFIG_H

#include <stddef.h>

#define HOST_CONFIG_PATH	"/etc/vmapple/vmapple.json"
#define HOST_CONFIG_ENV		"VMAPPLE_CONFIG"
#define HOST_CONFIG_MAX_MACOS	"max-macos-instances"
/* Orchard's name for a worker's VM capacity (v1.ResourceTartVMs). */
#define ORCHARD_RESOURCE_VMS	"org.cirruslabs.tart-vms"

struct host_config {
	unsigned int max_macos;	/* 1..MACOS_SLOTS_MAX; MACOS_SLOTS_DEFAULT if unset */
	char path[4096];	/* the file read (or that would have been) */
};

/*
 * Read @path (NULL: $VMAPPLE_CONFIG, else HOST_CONFIG_PATH) into @hc.  A
 * missing file is the defaults; a file that is not a JSON object, a key
 * this version does not know, or a value out of range is -1 with one line
 * in @err naming the file and the key.
 */
int host_config_read(const char *path, struct host_config *hc, char *err, size_t err_len);

#endif
