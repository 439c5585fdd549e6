// SPDX-License-Identifier: GPL-2.0
/*
 * test_disk - disk images: the aux layouts told by size, open errors, and
 * the OFD lock that keeps two VMs from sharing an image read-write.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../userspace/disk.h"
#include "tap.h"

#define MIB	(1ull << 20)

static char dir[64];
static char err[512];

/* dir/name, made @size bytes long (sparse). */
static const char *mkfile(const char *name, uint64_t size)
{
	static char path[8][128];
	static unsigned int n;
	char *p = path[n++ % 8];
	int fd;

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, (off_t)size)) {
		perror(p);
		exit(2);
	}
	close(fd);
	return p;
}

static int dopen(struct disk_image *d, const char *opt, const char *path, bool ro,
		 enum disk_layout layout)
{
	err[0] = 0;
	return disk_open(d, opt, path, ro, layout, err, sizeof(err));
}

static void test_aux_offset(void)
{
	ok(disk_aux_offset(32 * MIB) == 0, "32 MiB: a trimmed aux image, offset 0");
	ok(disk_aux_offset(32 * MIB + 16384) == 16384,
	   "32 MiB + 16 KiB: VZ's header, offset 16384");
	ok(disk_aux_offset(33570816) == 16384, "the same in decimal");
	ok(disk_aux_offset(MIB) == 0, "1 MiB: trimmed");
	ok(disk_aux_offset(65536) == -1, "65536: no known layout");
	ok(disk_aux_offset(0) == -1, "0: no known layout");
	ok(disk_aux_offset(16384) == -1, "the bare 16 KiB header: no disk behind it");
	ok(disk_aux_offset(32 * MIB + 16385) == -1, "32 MiB + 16 KiB + 1: no known layout");
	ok(disk_aux_offset(32 * MIB + 512) == -1, "32 MiB + 512: no known layout");
}

static void test_open_errors(void)
{
	struct disk_image d;
	char missing[128];

	snprintf(missing, sizeof(missing), "%s/no-such.img", dir);
	ok(dopen(&d, "--disk", missing, false, DISK_RAW) == -1, "a missing file: -1");
	ok(strstr(err, "--disk") && strstr(err, missing), "the message names option and path: %s",
	   err);
	ok(strstr(err, "No such file") != NULL, "and says why");
	ok(d.fd == -1, "a failed open leaves fd -1");

	ok(dopen(&d, "--disk", mkfile("short.img", 100), false, DISK_RAW) == -1,
	   "a 100-byte file: -1");
	ok(strstr(err, "smaller than one sector") != NULL, "the message says so: %s", err);

	ok(dopen(&d, "--aux", mkfile("bad-aux.img", 65536), false, DISK_AUX) == -1,
	   "an aux file of 65536 bytes: -1");
	ok(strstr(err, "--aux") && strstr(err, "65536"), "the message names option and size: %s",
	   err);
	ok(strstr(err, "trimmed") && strstr(err, "16 KiB header"),
	   "and the two layouts it could have been");

	ok(dopen(&d, "--disk", dir, true, DISK_RAW) == -1, "a directory (read-only): -1");
	ok(strstr(err, "not a file") != NULL, "the message says not a file: %s", err);
	ok(dopen(&d, "--disk", dir, false, DISK_RAW) == -1 && strstr(err, dir),
	   "a directory (read-write): -1 naming it: %s", err);
}

static void test_layouts(void)
{
	struct disk_image d;
	const char *p;

	p = mkfile("wrapped-aux.img", 32 * MIB + 16384);
	ok(dopen(&d, "--aux", p, false, DISK_AUX) == 0, "a wrapped aux file opens");
	ok(d.offset == 16384, "its disk starts at 16384");
	ok(d.size == 32 * MIB, "and is 32 MiB");
	disk_close(&d);

	p = mkfile("trimmed-aux.img", 32 * MIB);
	ok(dopen(&d, "--aux", p, false, DISK_AUX) == 0 && d.offset == 0 && d.size == 32 * MIB,
	   "a trimmed aux file: offset 0, 32 MiB");
	disk_close(&d);

	ok(dopen(&d, "--disk", p, false, DISK_RAW) == 0 && d.offset == 0 && d.size == 32 * MIB,
	   "a raw disk: the whole file");
	ok(d.fd >= 0 && (fcntl(d.fd, F_GETFL) & O_ACCMODE) == O_RDWR && !d.read_only,
	   "read-write opens O_RDWR");
	ok(fcntl(d.fd, F_GETFD) & FD_CLOEXEC, "the descriptor is close-on-exec");
	disk_close(&d);
	ok(d.fd == -1, "disk_close leaves fd -1");
	disk_close(&d);		/* twice is harmless */

	p = mkfile("odd.img", 1000);
	ok(dopen(&d, "--disk", p, true, DISK_RAW) == 0 && d.size == 512,
	   "a 1000-byte raw disk: one whole sector");
	ok((fcntl(d.fd, F_GETFL) & O_ACCMODE) == O_RDONLY && d.read_only,
	   "read-only opens O_RDONLY");
	disk_close(&d);

	p = mkfile("sector.img", 512);
	ok(dopen(&d, "--disk", p, false, DISK_RAW) == 0 && d.size == 512,
	   "exactly one sector opens");
	disk_close(&d);
}

static void test_locks(void)
{
	struct disk_image a, b, c;
	const char *p = mkfile("locked.img", 4 * MIB);
	pid_t pid;
	int status;

	ok(dopen(&a, "--disk", p, false, DISK_RAW) == 0, "the first read-write open succeeds");
	ok(dopen(&b, "--disk", p, false, DISK_RAW) == -1, "a second read-write open fails");
	ok(strstr(err, "in use by another VM") != NULL, "the message says in use by another VM: %s",
	   err);
	ok(b.fd == -1, "the refused open holds no descriptor");
	ok(dopen(&b, "--disk", p, false, DISK_RAW) == -1,
	   "a refused open did not release the holder's lock");
	ok(dopen(&b, "--disk", p, true, DISK_RAW) == -1, "read-write held: a read-only open fails");
	ok(strstr(err, "in use by another VM") != NULL, "with the same message: %s", err);

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct disk_image x;
		char e[256];

		_exit(disk_open(&x, "--disk", p, false, DISK_RAW, e, sizeof(e)) == -1 &&
		      strstr(e, "in use by another VM") ? 0 : 1);
	}
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	   WEXITSTATUS(status) == 0, "another process cannot open it read-write either");

	disk_close(&a);
	ok(dopen(&a, "--disk", p, false, DISK_RAW) == 0,
	   "after disk_close the lock is gone: a new read-write open succeeds");
	disk_close(&a);

	ok(dopen(&a, "--disk", p, true, DISK_RAW) == 0, "a read-only open succeeds");
	ok(dopen(&b, "--disk", p, true, DISK_RAW) == 0, "a second read-only open succeeds too");
	ok(dopen(&c, "--disk", p, false, DISK_RAW) == -1 && strstr(err, "in use by another VM"),
	   "readers held: a read-write open fails: %s", err);
	disk_close(&a);
	ok(dopen(&c, "--disk", p, false, DISK_RAW) == -1,
	   "one reader left: read-write still fails");
	disk_close(&b);
	ok(dopen(&c, "--disk", p, false, DISK_RAW) == 0, "no readers left: read-write succeeds");
	disk_close(&c);
}

static void cleanup(void)
{
	static const char *const names[] = {
		"short.img", "bad-aux.img", "wrapped-aux.img", "trimmed-aux.img", "odd.img",
		"sector.img", "locked.img",
	};
	char p[128];
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_disk.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	test_aux_offset();
	test_open_errors();
	test_layouts();
	test_locks();
	cleanup();
	return tap_done();
}
