/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clone.h - copy a VM bundle the way fleets need it: instantly, each file
 * reflinked (FICLONE: the copy shares the source's blocks until either is
 * written), so a 64 GiB disk clones in milliseconds on btrfs or XFS.
 * Where the filesystem cannot reflink, the caller chooses: refuse, or copy
 * the bytes (copy_file_range over the data extents only, so a sparse disk
 * stays sparse).  The source is only ever opened for reading; a clone that
 * fails leaves nothing behind.
 */
#ifndef VMAPPLE_CLONE_H
#define VMAPPLE_CLONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct clone_stats {
	unsigned int files, reflinked, copied;
	uint64_t bytes;		/* apparent size of the files cloned */
};

/*
 * Clone the tree at @src (a directory: a bundle) or the file @src to @dst,
 * which must not exist.  0, or -1 with one line in @err naming the file
 * and the problem ("cannot reflink ... (--allow-copy copies it)").
 */
int clone_tree(const char *src, const char *dst, bool allow_copy, struct clone_stats *st,
	       char *err, size_t err_len);

/* Remove a tree clone_tree() made (or began): 0, or -errno. */
int clone_remove(const char *path);

/*
 * --ephemeral's scratch copies live beside their bundle, as
 * DIR/.vmapple-ephemeral-PID-NAME, so they reflink.  The name for @bundle
 * and this process, in @out.
 */
int clone_scratch_name(const char *bundle, pid_t pid, char *out, size_t out_len);

/*
 * Remove the scratch copies beside @bundle whose process is gone (a
 * launcher killed with SIGKILL): the number removed.
 */
int clone_reap_stale(const char *bundle);

/* A fresh locally administered unicast MAC (02:xx:...), from getrandom(). */
int clone_fresh_mac(uint8_t mac[6]);

#endif
