// SPDX-License-Identifier: GPL-2.0
/*
 * tstamp CMD ARGS... - run CMD with its stdout and stderr on one pipe and
 * print each line it writes as "SECONDS LINE", SECONDS since CMD started
 * (CLOCK_MONOTONIC, ms resolution); then "SECONDS EXIT STATUS".  The peer
 * race (peer_bench.sh) reads boot milestones off the guest's console this
 * way, the same for both VMMs.  After a line that holds CPU-MARK it prints
 * "SECONDS CPU CPUSECONDS": the user + system time CMD's process (all its
 * threads) has used so far, so that the idle row is the difference of two
 * marks the guest prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CPU_MARK	"CPU-MARK"

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* utime + stime of process @pid in seconds (proc(5): fields 14 and 15), or -1. */
static double cpu_seconds(pid_t pid)
{
	unsigned long long utime, stime;
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');	/* the command name may hold spaces */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &utime, &stime) != 2)
		return -1;
	return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

int main(int argc, char **argv)
{
	struct timespec t0;
	char *line = NULL;
	size_t cap = 0;
	int fds[2], status;
	FILE *in;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: tstamp CMD ARGS...\n");
		return 2;
	}
	if (pipe(fds))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (in && getline(&line, &cap, in) > 0) {
		line[strcspn(line, "\r\n")] = 0;
		printf("%.3f %s\n", since(&t0), line);
		if (strstr(line, CPU_MARK))
			printf("%.3f CPU %.2f\n", since(&t0), cpu_seconds(pid));
	}
	waitpid(pid, &status, 0);
	printf("%.3f EXIT %d\n", since(&t0), WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	free(line);
	return 0;
}
