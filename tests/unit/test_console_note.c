// SPDX-License-Identifier: GPL-2.0
/*
 * test_console_note - the launcher's own lines (boot progress) never land
 * inside a line of the guest's when the console is stdio and both streams
 * go to one file: held until the guest's newline, or flushed on a line of
 * their own after a while; straight out when the guest is at a line start.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../userspace/console.h"
#include "tap.h"

static void guest(struct console *c, const char *s)
{
	while (*s)
		console_tx(c, (uint8_t)*s++);
}

/* In a child, stdout and stderr both on @path: the scenario; the file's text. */
static char *run(const char *path, int scenario)
{
	static char buf[4096];
	pid_t pid = fork();
	int fd;
	ssize_t n;

	if (!pid) {
		struct console c;
		char err[128];

		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		setvbuf(stderr, NULL, _IONBF, 0);
		if (console_open(&c, "stdio", err, sizeof(err)))
			_exit(1);
		guest(&c, "guest: half a li");
		console_note(&c, "vmapple: +1.00 s: note\n");
		if (scenario == 1) {
			guest(&c, "ne\nguest: next\n");
		} else {
			console_flush_notes(&c, 0);
			guest(&c, "ne\n");
		}
		console_note(&c, "vmapple: +2.00 s: at a line start\n");
		guest(&c, "guest: last\n");
		console_close(&c);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

int main(void)
{
	char path[] = "/tmp/console-note-XXXXXX";
	int fd = mkstemp(path);
	char *out;

	close(fd);
	out = run(path, 1);
	ok(!strcmp(out, "guest: half a line\nvmapple: +1.00 s: note\nguest: next\n"
		   "vmapple: +2.00 s: at a line start\nguest: last\n"),
	   "a note while the guest is mid-line waits for its newline");
	out = run(path, 2);
	ok(!strcmp(out, "guest: half a li\nvmapple: +1.00 s: note\nne\n"
		   "vmapple: +2.00 s: at a line start\nguest: last\n"),
	   "a note held too long goes out on a line of its own");
	unlink(path);
	return tap_done();
}
