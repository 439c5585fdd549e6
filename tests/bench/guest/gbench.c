// SPDX-License-Identifier: GPL-2.0
/*
 * gbench - the guest's side of the peer race (tests/bench/peer_bench.sh):
 * small, static, timed with the guest's own monotonic clock, so the same
 * binary measures the same work under vmapple and under QEMU.  Each case
 * prints "GBENCH <row> <value> <unit>" lines.
 *
 *   gbench mem MIB             first touch of MIB MiB, one write per 4 KiB,
 *                              then random 8-byte reads over the same
 *                              memory, 8 per 4 KiB (a fixed size: the same
 *                              work under both VMMs)
 *   gbench disk-seq DEV MIB    O_DIRECT 1 MiB writes of MIB MiB, then reads
 *   gbench disk-rand DEV N QD  N random 4 KiB O_DIRECT reads, QD threads
 *   gbench disk-fsync DEV N    N 4 KiB writes, each followed by fdatasync
 *   gbench net-recv PORT       accept on PORT, say "ready" (one byte),
 *                              drain to EOF, close; again while a
 *                              connection brought no data (a forwarder's
 *                              probe); prints the bytes it received
 *   gbench net-send ADDR PORT MIB ROW
 *                              connect (retrying for 300 s: the other side
 *                              may still be booting), wait for "ready",
 *                              send MIB MiB, half-close, wait for the
 *                              receiver's close: ROW in MB/s, timed here
 * DEV may be a file, and ADDR the loopback: the rig's own figure for the
 * same work, outside any VM (the ceiling).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/fs.h>
#include <netinet/in.h>

#define KIB	1024ull
#define MIB	(1024 * KIB)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what)
{
	fprintf(stderr, "gbench: %s: %s\n", what, strerror(errno));
	return 1;
}

/* xorshift64: the random pass's addresses, the same sequence under both VMMs. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int mem(unsigned int mib)
{
	uint64_t len = (uint64_t)mib * MIB, pages, i, seed = 0x9e3779b97f4a7c15ull;
	volatile uint64_t sum = 0;
	uint8_t *p;
	double t0, t1, t2;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return die("mmap");
	pages = len / (4 * KIB);
	t0 = now();
	for (i = 0; i < pages; i++)
		p[i * 4 * KIB] = (uint8_t)i;
	t1 = now();
	for (i = 0; i < 8 * pages; i++)
		sum += *(volatile uint64_t *)(p + (next_rand(&seed) % pages) * 4 * KIB);
	t2 = now();
	printf("GBENCH mem_bytes %llu B\n", (unsigned long long)len);
	printf("GBENCH mem_first_touch %.3f s\n", t1 - t0);
	printf("GBENCH mem_random_pass %.3f s\n", t2 - t1);
	munmap(p, len);
	return 0;
}

static void *aligned_buf(size_t len)
{
	void *b = NULL;

	if (posix_memalign(&b, 4096, len))
		return NULL;
	memset(b, 0x5a, len);
	return b;
}

static int disk_seq(const char *dev, unsigned int mib)
{
	int fd = open(dev, O_RDWR | O_DIRECT);
	uint8_t *buf = aligned_buf(MIB);
	double t0, t1, t2;
	unsigned int i;

	if (fd < 0 || !buf)
		return die(dev);
	t0 = now();
	for (i = 0; i < mib; i++)
		if (pwrite(fd, buf, MIB, (off_t)i * MIB) != (ssize_t)MIB)
			return die("pwrite");
	if (fdatasync(fd))
		return die("fdatasync");
	t1 = now();
	for (i = 0; i < mib; i++)
		if (pread(fd, buf, MIB, (off_t)i * MIB) != (ssize_t)MIB)
			return die("pread");
	t2 = now();
	printf("GBENCH disk_seq_write %.1f MB/s\n", mib * 1.048576 / (t1 - t0));
	printf("GBENCH disk_seq_read %.1f MB/s\n", mib * 1.048576 / (t2 - t1));
	close(fd);
	free(buf);
	return 0;
}

struct rand_job {
	int fd;
	uint64_t blocks, reads, seed;
	int err;
};

static void *rand_reader(void *arg)
{
	struct rand_job *j = arg;
	uint8_t *buf = aligned_buf(4 * KIB);
	uint64_t i;

	for (i = 0; buf && i < j->reads; i++)
		if (pread(j->fd, buf, 4 * KIB, (off_t)(next_rand(&j->seed) % j->blocks * 4 * KIB)) !=
		    (ssize_t)(4 * KIB)) {
			j->err = errno ? errno : EIO;
			break;
		}
	free(buf);
	return NULL;
}

static int disk_rand(const char *dev, unsigned int n, unsigned int qd)
{
	int fd = open(dev, O_RDONLY | O_DIRECT);
	struct rand_job job[64];
	pthread_t t[64];
	uint64_t bytes = 0;
	unsigned int i;
	double t0, t1;

	if (fd < 0)
		return die(dev);
	if (ioctl(fd, BLKGETSIZE64, &bytes)) {	/* a file: the ceiling, outside any VM */
		struct stat st;

		bytes = fstat(fd, &st) ? 0 : (uint64_t)st.st_size;
	}
	if (bytes < 4 * KIB) {
		errno = EINVAL;
		return die(dev);
	}
	if (!qd || qd > 64)
		qd = 1;
	t0 = now();
	for (i = 0; i < qd; i++) {
		job[i] = (struct rand_job){ .fd = fd, .blocks = bytes / (4 * KIB), .reads = n / qd,
					    .seed = 0x2545f4914f6cdd1dull + i };
		errno = pthread_create(&t[i], NULL, rand_reader, &job[i]);
		if (errno)
			return die("pthread_create");
	}
	for (i = 0; i < qd; i++)
		pthread_join(t[i], NULL);
	t1 = now();
	for (i = 0; i < qd; i++)
		if (job[i].err) {
			errno = job[i].err;
			return die("pread");
		}
	printf("GBENCH disk_randread_qd%u %.0f IOPS\n", qd, (double)(n / qd * qd) / (t1 - t0));
	close(fd);
	return 0;
}

static int disk_fsync(const char *dev, unsigned int n)
{
	int fd = open(dev, O_RDWR);
	uint8_t buf[4096];
	unsigned int i;
	double t0, t1;

	if (fd < 0)
		return die(dev);
	memset(buf, 0xa5, sizeof(buf));
	t0 = now();
	for (i = 0; i < n; i++)
		if (pwrite(fd, buf, sizeof(buf), (off_t)i * 4096) != (ssize_t)sizeof(buf) ||
		    fdatasync(fd))
			return die("pwrite+fdatasync");
	t1 = now();
	printf("GBENCH disk_fsync_run %.3f s\n", t1 - t0);
	close(fd);
	return 0;
}

#define NET_READY	'R'
#define NET_CHUNK	(256 * KIB)

static int net_recv(unsigned int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	static uint8_t buf[NET_CHUNK];
	uint64_t got = 0;
	int ls, one = 1;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 4))
		return die("net-recv: listen");
	while (!got) {
		int c = accept(ls, NULL, NULL);
		char ready = NET_READY;
		ssize_t n;

		if (c < 0)
			return die("net-recv: accept");
		if (write(c, &ready, 1) == 1)
			while ((n = read(c, buf, sizeof(buf))) > 0)
				got += (uint64_t)n;
		close(c);
	}
	close(ls);
	printf("GBENCH net_received %llu B\n", (unsigned long long)got);
	return 0;
}

/* One connection to @sa that said "ready" within 2 s, or -1. */
static int net_connect_ready(const struct sockaddr_in *sa)
{
	struct timeval tv = { .tv_sec = 2 };
	char ready = 0;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(s, (const struct sockaddr *)sa, sizeof(*sa)) || read(s, &ready, 1) != 1 ||
	    ready != NET_READY) {
		close(s);
		return -1;
	}
	tv.tv_sec = 0;
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return s;
}

static int net_send(const char *addr, unsigned int port, unsigned int mib, const char *row)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	static uint8_t buf[NET_CHUNK];
	uint64_t left = (uint64_t)mib * MIB;
	double deadline = now() + 300, t0, t1;
	int s;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "gbench: net-send: '%s' is not an IPv4 address\n", addr);
		return 2;
	}
	while ((s = net_connect_ready(&sa)) < 0) {
		if (now() > deadline) {
			fprintf(stderr, "gbench: net-send: nobody ready at %s:%u in 300 s\n", addr,
				port);
			return 1;
		}
		usleep(200 * 1000);
	}
	memset(buf, 0x3c, sizeof(buf));
	t0 = now();
	while (left) {
		ssize_t n = write(s, buf, left < sizeof(buf) ? left : sizeof(buf));

		if (n <= 0)
			return die("net-send: write");
		left -= (uint64_t)n;
	}
	shutdown(s, SHUT_WR);
	while (read(s, buf, sizeof(buf)) > 0)	/* the receiver's close: all of it arrived */
		;
	t1 = now();
	close(s);
	printf("GBENCH %s %.1f MB/s\n", row, mib * 1.048576 / (t1 - t0));
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "mem") && atoi(argv[2]) > 0)
		return mem((unsigned int)atoi(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "disk-seq"))
		return disk_seq(argv[2], (unsigned int)atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "disk-rand"))
		return disk_rand(argv[2], (unsigned int)atoi(argv[3]), (unsigned int)atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "disk-fsync"))
		return disk_fsync(argv[2], (unsigned int)atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "net-recv") && atoi(argv[2]) > 0)
		return net_recv((unsigned int)atoi(argv[2]));
	if (argc == 6 && !strcmp(argv[1], "net-send") && atoi(argv[3]) > 0 && atoi(argv[4]) > 0)
		return net_send(argv[2], (unsigned int)atoi(argv[3]), (unsigned int)atoi(argv[4]),
				argv[5]);
	fprintf(stderr, "usage: gbench mem MIB | disk-seq DEV MIB | disk-rand DEV N QD | "
		"disk-fsync DEV N | net-recv PORT | net-send ADDR PORT MIB ROW\n");
	return 2;
}
