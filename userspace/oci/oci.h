/* SPDX-License-Identifier: GPL-2.0 */
/*
 * oci.h - VM images in OCI registries, in Tart's format (tart_manifest.h),
 * kept in the store's image cache:
 *
 *   $VMAPPLE_HOME/cache/OCIs/HOST/REPOSITORY/sha256:HEX/  a pulled image: a
 *        Tart VM directory (config.json, disk.img, nvram.bin) and its
 *        manifest.json; it appears only once whole and checked
 *   $VMAPPLE_HOME/cache/OCIs/HOST/REPOSITORY/TAG          a symlink to it
 *   $VMAPPLE_HOME/tmp/pull-HEX/                            a pull of the
 *        image of manifest digest sha256:HEX... under way (any registry):
 *        what an interrupted pull resumes from (layers done, a blob's
 *        .part); a pull of the same image waits for its lock
 *
 * HOST's ':' is spelt %3A, as Tart spells it.  A disk layer some cached
 * image already holds (same raw digest) is copied from that image's disk
 * rather than downloaded: layers are deduplicated by content.
 */
#ifndef VMAPPLE_OCI_OCI_H
#define VMAPPLE_OCI_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../fleet/vm_store.h"

struct oci_opts {
	bool insecure;		/* http, not https */
	uint64_t chunk_size;	/* push: PATCH chunks of this many bytes (0: one PUT) */
	FILE *progress;		/* what is going on, for people (NULL: quiet) */
};

/*
 * Pull image @ref into the cache (nothing to do when it is there and its tag
 * still names it): its directory in @dir.  0, or -1 with one line in @err;
 * a failed pull leaves no image, only what a retry resumes from.
 */
int oci_pull(const struct vm_store *s, const char *ref, const struct oci_opts *o, char *dir,
	     size_t dir_len, char *err, size_t err_len);

/*
 * The cached image @ref names, without the network: its directory and its
 * HOST/REPOSITORY@sha256:HEX.  1 cached, 0 not, -1 with @err.
 */
int oci_cached(const struct vm_store *s, const char *ref, char *dir, size_t dir_len, char *fqn,
	       size_t fqn_len, char *err, size_t err_len);

/*
 * Push the VM at @src_dir (any bundle layout bundle.h reads) to @ref (a
 * tag) in Tart's format: 0 with the manifest's digest printed to @o's
 * progress, or -1 with @err.
 */
int oci_push(const struct vm_store *s, const char *src_dir, const char *ref,
	     const struct oci_opts *o, char *err, size_t err_len);

/* The cache's directory for @ref's repository: 0, or -1 if it does not fit. */
int oci_repo_dir(const struct vm_store *s, const char *host, const char *repo, char *out,
		 size_t len);

#endif
