/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vm_store.h - the local VM store a fleet engine drives (`vetu`): named VM
 * bundles under $VMAPPLE_HOME/vms/ (default ~/.vmapple/vms/), each one
 * directory of any layout bundle.h reads, plus what the store adds:
 *   settings.json  CPUs and memory `set` gave it (they win over the bundle's)
 *   run.lock       write-locked (fcntl) by its `run` for as long as that
 *                  process lives; F_GETLK names the holder for `stop`
 *   run.pid        the launcher's --pidfile (for people; the lock is the truth)
 *   qmp.sock       its control socket while it runs
 * A lock, not a PID file, says whether a VM runs and which process runs
 * it: a launcher killed with SIGKILL leaves files behind but not its lock.
 */
#ifndef VMAPPLE_FLEET_VM_STORE_H
#define VMAPPLE_FLEET_VM_STORE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#define VM_STORE_HOME_ENV	"VMAPPLE_HOME"
#define VM_STORE_NAME_MAX	128

struct vm_store {
	char home[PATH_MAX];
	char vms[PATH_MAX];		/* home/vms */
};

struct vm_settings {
	unsigned int cpus;		/* 0: the bundle's */
	uint64_t memory_mib;		/* 0: the bundle's */
};

struct vm_store_entry {
	char name[VM_STORE_NAME_MAX + 1];
	bool running;
	uint64_t disk_bytes;		/* the root disk's apparent size */
	uint64_t allocated_bytes;	/* what the whole VM takes on disk */
	time_t accessed;
};

/* $VMAPPLE_HOME or ~/.vmapple, its vms/ made.  0, or -1 with one line in @err. */
int vm_store_open(struct vm_store *s, char *err, size_t err_len);

/*
 * A local name: [A-Za-z0-9-_], and '.' anywhere but first or last, as vetu
 * and Tart allow.  0, or -1 with one line in @err.
 */
int vm_store_check_name(const char *name, char *err, size_t err_len);

/* Is @ref a registry reference (host/repository[:tag|@digest]) rather than a local name? */
bool vm_store_is_remote(const char *ref);

/* The directory of VM @name (which need not exist); -1 if it does not fit. */
int vm_store_dir(const struct vm_store *s, const char *name, char *out, size_t out_len);

/* Is there a VM @name (a directory in the store)? */
bool vm_store_exists(const struct vm_store *s, const char *name);

/* settings.json of the VM at @dir: none is all zeroes.  0, or -1 with one line in @err. */
int vm_settings_read(const char *dir, struct vm_settings *set, char *err, size_t err_len);
int vm_settings_write(const char *dir, const struct vm_settings *set, char *err,
		      size_t err_len);

/*
 * Take the VM at @dir's run lock for this process's life: the fd (kept
 * open; closing any fd of run.lock in this process drops it), or -1 with
 * @err saying it already runs.
 */
int vm_store_hold_running(const char *dir, const char *name, char *err, size_t err_len);

/* Does a process hold @dir's run lock?  That process's PID in *@pid when it does. */
bool vm_store_running(const char *dir, pid_t *pid);

/*
 * Grow the file @disk to @bytes (sparse); shrinking is refused, as vetu
 * refuses it.  0, or -1 with one line in @err.
 */
int vm_store_grow_disk(const char *disk, uint64_t bytes, char *err, size_t err_len);

/* Every VM in the store, sorted by name: *@out (free()) and its count; -1 with @err. */
int vm_store_list(const struct vm_store *s, struct vm_store_entry **out, size_t *n, char *err,
		  size_t err_len);

/*
 * The list as Tart's `list --format json` prints it (what Orchard's VMInfo
 * reads: Name, Source, State, Running, and Disk, Size, Accessed), or as
 * vetu's table.  0, or -1.
 */
int vm_store_print_list(FILE *out, const struct vm_store_entry *e, size_t n, bool json);

#endif
