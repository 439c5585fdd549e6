// SPDX-License-Identifier: GPL-2.0
/*
 * tstamp CMD ARGS... - run CMD with its stdout and stderr on one pipe and
 * print each line it writes as "SECONDS LINE", SECONDS since CMD started
 * (CLOCK_MONOTONIC, ms resolution); then "SECONDS EXIT STATUS".  The peer
 * race (peer_bench.sh) reads boot milestones off the guest's console this
 * way, the same for both VMMs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
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
	}
	waitpid(pid, &status, 0);
	printf("%.3f EXIT %d\n", since(&t0), WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	free(line);
	return 0;
}
