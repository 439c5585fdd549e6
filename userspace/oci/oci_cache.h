/* SPDX-License-Identifier: GPL-2.0 */
/*
 * oci_cache.h - the paths and locks of the image cache (layout in oci.h),
 * and the search for a disk layer some cached image already holds.
 */
#ifndef VMAPPLE_OCI_CACHE_H
#define VMAPPLE_OCI_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "../fleet/vm_store.h"
#include "oci_ref.h"
#include "tart_manifest.h"

/* HOST/REPO's directory in the cache (HOST's ':' as %3A). */
int oci_cache_repo_dir(const struct vm_store *s, const struct oci_ref *r, char *out, size_t len);

/* The directory a pull of image @digest of @r works in. */
int oci_cache_work_dir(const struct vm_store *s, const struct oci_ref *r, const char *digest,
		       char *out, size_t len);

/* mkdir -p @path: 0, or -1 with errno. */
int oci_mkdirs(const char *path);

/* rm -rf @path (a directory of files we made): 0, or -1 with errno. */
int oci_remove_tree(const char *path);

/*
 * Find a cached image whose disk holds a layer of raw digest @raw_digest and
 * size @raw_size, other than the one at @skip_dir: its disk.img and the
 * layer's offset there.  1 found, 0 none.
 */
int oci_cache_find_layer(const struct vm_store *s, const char *raw_digest, uint64_t raw_size,
			 const char *skip_dir, char *disk, size_t disk_len, uint64_t *offset);

#endif
