// SPDX-License-Identifier: GPL-2.0
/* macos_slots.c - at most N macOS guests per host (see macos_slots.h). */
#include "macos_slots.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The directory, shared by every user: sticky and world-writable, like /run/lock. */
static int make_dir(const char *dir, char *err, size_t err_len)
{
	char parent[4096];
	struct stat st;
	char *slash;

	/* Its parents first (a host without /run/lock): as mkdir -p. */
	snprintf(parent, sizeof(parent), "%s", dir);
	for (slash = strchr(parent + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		if (mkdir(parent, 0755) && errno != EEXIST)
			break;	/* the final mkdir names the problem */
		*slash = '/';
	}
	if (mkdir(dir, 01777) && errno != EEXIST) {
		snprintf(err, err_len, "vmapple: the macOS instance lock directory %s: %s", dir,
			 strerror(errno));
		return -1;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, err_len, "vmapple: the macOS instance lock directory %s: %s", dir,
			 errno ? strerror(errno) : "not a directory");
		return -1;
	}
	/* mkdir's mode is cut by the umask: open it to everyone once made. */
	if (st.st_uid == geteuid() && (st.st_mode & 07777) != 01777)
		chmod(dir, 01777);
	return 0;
}

/* Slot @i's file: created readable by all, so any user can lock it. */
static int open_slot(const char *dir, unsigned int i)
{
	char path[4096];
	mode_t old;
	int fd;

	snprintf(path, sizeof(path), "%s/slot%u", dir, i);
	old = umask(0);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	umask(old);
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	return fd;
}

/* Record the holder's pid in the slot, for the message of the one refused. */
static void note_pid(int fd)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "%d\n", (int)getpid());

	if (ftruncate(fd, 0) == 0)
		(void)!pwrite(fd, line, (size_t)n, 0);
}

static void append_holder(const char *dir, unsigned int i, char *list, size_t list_len)
{
	char path[4096], pid[32] = "";
	size_t used = strlen(list);
	FILE *f;

	snprintf(path, sizeof(path), "%s/slot%u", dir, i);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(pid, sizeof(pid), f))
			pid[0] = 0;
		fclose(f);
	}
	pid[strcspn(pid, "\n")] = 0;
	snprintf(list + used, list_len - used, "%s%s", used ? ", " : "", pid[0] ? pid : "?");
}

int macos_slot_take(const char *dir, unsigned int max, char *err, size_t err_len)
{
	char holders[256] = "";
	unsigned int i;

	if (!dir)
		dir = getenv(MACOS_SLOTS_DIR_ENV);
	if (!dir || !*dir)
		dir = MACOS_SLOTS_DIR;
	if (max < 1 || max > MACOS_SLOTS_MAX) {
		snprintf(err, err_len, "vmapple: --max-macos-instances %u: 1 to %d", max,
			 MACOS_SLOTS_MAX);
		return -1;
	}
	if (make_dir(dir, err, err_len))
		return -1;
	for (i = 0; i < max; i++) {
		int fd = open_slot(dir, i);

		if (fd < 0) {
			snprintf(err, err_len, "vmapple: the macOS instance lock %s/slot%u: %s", dir,
				 i, strerror(errno));
			return -1;
		}
		if (!flock(fd, LOCK_EX | LOCK_NB)) {
			note_pid(fd);
			return fd;
		}
		close(fd);
		append_holder(dir, i, holders, sizeof(holders));
	}
	snprintf(err, err_len, "vmapple: %u macOS guest%s already run%s on this host (pid %s): "
		 "Apple's licence allows two per Mac; max-macos-instances in "
		 "/etc/vmapple/vmapple.json (or --max-macos-instances N) changes the limit",
		 max, max == 1 ? "" : "s", max == 1 ? "s" : "", holders);
	return -1;
}
