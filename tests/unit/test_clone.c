// SPDX-License-Identifier: GPL-2.0
/*
 * test_clone - `vmapple clone` and --ephemeral's copies: on a filesystem
 * that cannot reflink (this host's ext4) the clone is refused, saying so,
 * or copied with allow_copy, holes kept; on a loop-mounted XFS (when this
 * runs as root with mkfs.xfs) every file is reflinked and shares its
 * extents; an existing destination, a special file and a failure leave
 * nothing behind; stale scratch copies of dead launchers are reaped, live
 * ones kept; fresh MACs are unicast and locally administered.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../userspace/clone.h"
#include "tap.h"

static char err[512];

static void write_file(const char *path, const char *data, off_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);

	if (fd < 0 || ftruncate(fd, size) || pwrite(fd, data, strlen(data), 0) < 0 ||
	    pwrite(fd, data, strlen(data), size / 2) < 0)
		abort();
	close(fd);
}

/* A bundle: a sparse 256 MiB disk with data at 0 and the middle, a config, a subdir. */
static void make_bundle(const char *dir)
{
	char p[512];

	mkdir(dir, 0750);
	snprintf(p, sizeof(p), "%s/disk.img", dir);
	write_file(p, "DISKDATA", 256 << 20);
	snprintf(p, sizeof(p), "%s/config.json", dir);
	write_file(p, "{\"macAddress\": \"52:54:00:00:00:01\"}", 64);
	snprintf(p, sizeof(p), "%s/Data", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/Data/aux.img", dir);
	write_file(p, "AUX", 1 << 20);
	snprintf(p, sizeof(p), "%s/link", dir);
	if (symlink("disk.img", p))
		abort();
}

static bool same_bytes(const char *a, const char *b)
{
	char ba[4096], bb[4096];
	int fa = open(a, O_RDONLY), fb = open(b, O_RDONLY);
	bool same = fa >= 0 && fb >= 0;
	ssize_t na, nb;

	while (same && (na = read(fa, ba, sizeof(ba))) > 0) {
		nb = read(fb, bb, sizeof(bb));
		same = na == nb && !memcmp(ba, bb, (size_t)na);
	}
	close(fa);
	close(fb);
	return same;
}

static bool shares_extents(const char *path)
{
	struct {
		struct fiemap fm;
		struct fiemap_extent ext[16];
	} f;
	int fd = open(path, O_RDONLY);
	bool shared = false;
	unsigned int i;

	memset(&f, 0, sizeof(f));
	f.fm.fm_length = ~0ull;
	f.fm.fm_extent_count = 16;
	if (fd >= 0 && !ioctl(fd, FS_IOC_FIEMAP, &f.fm))
		for (i = 0; i < f.fm.fm_mapped_extents; i++)
			shared |= !!(f.fm.fm_extents[i].fe_flags & FIEMAP_EXTENT_SHARED);
	close(fd);
	return shared;
}

static void test_no_reflink(const char *base)
{
	char src[256], dst[256], p[300], q[300];
	struct clone_stats st;
	struct stat s;

	snprintf(src, sizeof(src), "%s/src", base);
	snprintf(dst, sizeof(dst), "%s/dst", base);
	make_bundle(src);
	ok(clone_tree(src, dst, false, &st, err, sizeof(err)) == -1 &&
	   strstr(err, "cannot reflink") && strstr(err, "--allow-copy"),
	   "no reflink here: refused, saying so: %s", err);
	ok(lstat(dst, &s) == -1 && errno == ENOENT, "... and nothing is left behind");
	ok(clone_tree(src, dst, true, &st, err, sizeof(err)) == 0 && st.files == 3 &&
	   st.copied == 3 && st.reflinked == 0, "allow_copy: 3 files copied (%s)", err);
	snprintf(p, sizeof(p), "%s/disk.img", src);
	snprintf(q, sizeof(q), "%s/disk.img", dst);
	ok(same_bytes(p, q), "the copy's bytes are the source's");
	ok(!stat(q, &s) && s.st_size == 256 << 20 && s.st_blocks * 512 < (4 << 20),
	   "the 256 MiB sparse disk stays sparse (%lld KiB used)", (long long)s.st_blocks / 2);
	ok(!stat(q, &s) && (s.st_mode & 0777) == 0640, "modes kept");
	snprintf(q, sizeof(q), "%s/Data/aux.img", dst);
	ok(!stat(q, &s) && s.st_size == 1 << 20, "subdirectories cloned");
	snprintf(q, sizeof(q), "%s/link", dst);
	ok(readlink(q, p, sizeof(p)) == 8 && !memcmp(p, "disk.img", 8), "symlinks cloned as links");
	ok(clone_tree(src, dst, true, &st, err, sizeof(err)) == -1 &&
	   strstr(err, "already exists"), "an existing destination is refused: %s", err);
	snprintf(p, sizeof(p), "%s/fifo", src);
	mkfifo(p, 0600);
	snprintf(q, sizeof(q), "%s/dst2", base);
	ok(clone_tree(src, q, true, &st, err, sizeof(err)) == -1 && strstr(err, "fifo") &&
	   lstat(q, &s) == -1, "a special file is refused, nothing left: %s", err);
	unlink(p);
	clone_remove(dst);
	clone_remove(src);
}

/* A loop-mounted XFS with reflinks: needs root and mkfs.xfs, else skipped. */
static void test_reflink(const char *base)
{
	char img[256], mnt[256], src[300], dst[300], p[320], cmd[2048];
	struct clone_stats st;
	int rc;

	snprintf(img, sizeof(img), "%s/xfs.img", base);
	snprintf(mnt, sizeof(mnt), "%s/mnt", base);
	snprintf(cmd, sizeof(cmd), "truncate -s 512M %s && mkfs.xfs -q -m reflink=1 %s "
		 ">/dev/null 2>&1 && mkdir -p %s && mount -o loop %s %s 2>/dev/null", img, img,
		 mnt, img, mnt);
	rc = geteuid() ? -1 : system(cmd);
	if (rc) {
		tap_skip(5, "no loop-mounted XFS here (root and mkfs.xfs needed)");
		unlink(img);
		return;
	}
	snprintf(src, sizeof(src), "%s/src", mnt);
	snprintf(dst, sizeof(dst), "%s/dst", mnt);
	make_bundle(src);
	ok(clone_tree(src, dst, false, &st, err, sizeof(err)) == 0 && st.reflinked == 3 &&
	   st.copied == 0, "XFS: every file reflinked (%s)", err);
	snprintf(p, sizeof(p), "%s/disk.img", dst);
	ok(shares_extents(p), "... the clone's disk shares the source's extents");
	snprintf(cmd, sizeof(cmd), "%s/disk.img", src);
	ok(same_bytes(cmd, p), "... with the same bytes");
	write_file(p, "CHANGED!", 256 << 20);
	ok(!same_bytes(cmd, p), "writing the clone leaves the source as it was");
	{
		char head[8] = { 0 };
		int fd;

		snprintf(p, sizeof(p), "%s/disk.img", src);
		fd = open(p, O_RDONLY);
		ok(fd >= 0 && read(fd, head, 8) == 8 && !memcmp(head, "DISKDATA", 8),
		   "the source still reads its own bytes");
		close(fd);
	}
	snprintf(cmd, sizeof(cmd), "umount %s", mnt);
	if (system(cmd))
		fprintf(stderr, "# umount %s failed\n", mnt);
	unlink(img);
}

static void test_scratch(const char *base)
{
	char bundle[256], scratch[512];
	pid_t dead;

	snprintf(bundle, sizeof(bundle), "%s/vm.bundle/", base);
	ok(clone_scratch_name(bundle, 1234, scratch, sizeof(scratch)) == 0 &&
	   strstr(scratch, "/.vmapple-ephemeral-1234-vm.bundle") &&
	   !strncmp(scratch, base, strlen(base)), "scratch copies live beside the bundle: %s",
	   scratch);
	dead = fork();
	if (!dead)
		_exit(0);
	waitpid(dead, NULL, 0);
	clone_scratch_name(bundle, dead, scratch, sizeof(scratch));
	mkdir(scratch, 0700);
	clone_scratch_name(bundle, getpid(), scratch, sizeof(scratch));
	mkdir(scratch, 0700);
	ok(clone_reap_stale(bundle) == 1, "a dead launcher's scratch copy is reaped");
	ok(!access(scratch, F_OK), "a live one's is kept");
	clone_remove(scratch);
}

int main(void)
{
	char base[] = "/tmp/clone-test-XXXXXX";
	uint8_t mac[6], mac2[6];

	if (!mkdtemp(base))
		return 1;
	test_no_reflink(base);
	test_reflink(base);
	test_scratch(base);
	ok(!clone_fresh_mac(mac) && !clone_fresh_mac(mac2) && (mac[0] & 3) == 2 &&
	   memcmp(mac, mac2, 6), "fresh MACs: unicast, locally administered, each new");
	clone_remove(base);
	return tap_done();
}
