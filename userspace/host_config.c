// SPDX-License-Identifier: GPL-2.0
/* host_config.c - /etc/vmapple/vmapple.json (see host_config.h). */
#include "host_config.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle/format.h"
#include "macos_slots.h"

static int bad(char *err, size_t err_len, const char *path, const char *key, const char *why)
{
	snprintf(err, err_len, "vmapple: %s: \"%s\": %s", path, key, why);
	return -1;
}

static int read_max_macos(struct json_object *v, struct host_config *hc, char *err,
			  size_t err_len)
{
	char why[64];
	int64_t n;

	snprintf(why, sizeof(why), "a whole number, 1 to %d", MACOS_SLOTS_MAX);
	if (!json_object_is_type(v, json_type_int))
		return bad(err, err_len, hc->path, HOST_CONFIG_MAX_MACOS, why);
	errno = 0;
	n = json_object_get_int64(v);
	if (errno || n < 1 || n > MACOS_SLOTS_MAX)
		return bad(err, err_len, hc->path, HOST_CONFIG_MAX_MACOS, why);
	hc->max_macos = (unsigned int)n;
	return 0;
}

int host_config_read(const char *path, struct host_config *hc, char *err, size_t err_len)
{
	struct json_object *root;
	struct stat st;
	int rc = 0;

	if (!path)
		path = getenv(HOST_CONFIG_ENV);
	if (!path || !*path)
		path = HOST_CONFIG_PATH;
	*hc = (struct host_config){ .max_macos = MACOS_SLOTS_DEFAULT };
	snprintf(hc->path, sizeof(hc->path), "%s", path);
	/* No file: nobody changed a default.  Anything else unreadable is said. */
	if (stat(path, &st) && errno == ENOENT)
		return 0;
	root = bundle_json_load(path, err, err_len);
	if (!root) {
		/* Its messages name a bundle's file; this one is the host's. */
		if (!strncmp(err, "vmapple: bundle ", 16))
			memmove(err + 9, err + 16, strlen(err + 16) + 1);
		return -1;
	}
	json_object_object_foreach(root, key, v) {
		if (!strcmp(key, HOST_CONFIG_MAX_MACOS))
			rc = read_max_macos(v, hc, err, err_len);
		else
			rc = bad(err, err_len, path, key, "not a setting this vmapple knows ("
				 HOST_CONFIG_MAX_MACOS ")");
		if (rc)
			break;
	}
	json_object_put(root);
	return rc;
}
