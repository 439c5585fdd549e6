// SPDX-License-Identifier: GPL-2.0
/*
 * test_console_note - the launcher's own lines (boot progress) never land
 * inside a line of the guest's when the console is stdio and both streams
 * go to one file: held until the guest's newline, or flushed on a line of
 * their own after a while; straight out when the guest is at a line start.
 * A held note pokes the notify eventfd and sets a deadline, so that the
 * launcher's main thread sleeps without a polling timer until then.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
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

/*
 * In a child: no deadline with nothing held; a held note pokes the notify
 * fd and is due within the hold; flushed, no deadline again.  Its exit
 * status: 0, or the number of the first check that failed.
 */
static int deadline_checks(const char *path)
{
	pid_t pid = fork();
	int status = -1;

	if (!pid) {
		struct console c;
		char err[128];
		eventfd_t v = 0;
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600), due;

		dup2(fd, 1);
		dup2(fd, 2);
		if (console_open(&c, "stdio", err, sizeof(err)))
			_exit(10);
		c.notify_fd = eventfd(0, EFD_NONBLOCK);
		if (console_notes_due_ms(&c, 2.0) != -1)
			_exit(1);
		guest(&c, "guest: half a li");
		console_note(&c, "vmapple: note\n");
		due = console_notes_due_ms(&c, 2.0);
		if (due <= 1000 || due > 2001)
			_exit(2);
		if (eventfd_read(c.notify_fd, &v) || v != 1)
			_exit(3);
		console_note(&c, "vmapple: a second note\n");	/* already held: no poke */
		if (!eventfd_read(c.notify_fd, &v))
			_exit(4);
		if (console_notes_due_ms(&c, 0) != 0)
			_exit(5);
		console_flush_notes(&c, 0);
		if (console_notes_due_ms(&c, 2.0) != -1)
			_exit(6);
		console_close(&c);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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
	fd = deadline_checks(path);
	ok(!fd, "a held note pokes the notify fd once and is due within its hold; none after "
	   "the flush (failed check %d)", fd);
	unlink(path);
	return tap_done();
}
