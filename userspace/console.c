// SPDX-License-Identifier: GPL-2.0
/* console.c - the PL011 console on stdio or a Unix socket (see console.h). */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define FIFO_RETRY_MS	2	/* the guest drains 16 bytes long before this */

static void drain_wake(int fd)
{
	eventfd_t v;

	(void)eventfd_read(fd, &v);
}

static int open_unix(struct console *c, const char *path, char *err, size_t err_len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, err_len, "vmapple: --console unix:%s: a socket path of 1 to %zu bytes",
			 path, sizeof(sa.sun_path) - 1);
		return -1;
	}
	strcpy(sa.sun_path, path);
	c->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->listen_fd < 0 || bind(c->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(c->listen_fd, 1)) {
		snprintf(err, err_len, "vmapple: --console unix:%s: %s", path, strerror(errno));
		return -1;
	}
	c->path = strdup(path);
	return 0;
}

int console_open(struct console *c, const char *spec, char *err, size_t err_len)
{
	memset(c, 0, sizeof(*c));
	c->in_fd = c->out_fd = c->listen_fd = c->stop_fd = c->wake_fd = c->notify_fd = -1;
	pthread_mutex_init(&c->out_lock, NULL);
	if (!strcmp(spec, "stdio")) {
		struct termios t;

		c->in_fd = STDIN_FILENO;
		c->out_fd = STDOUT_FILENO;
		/* A terminal sends each key at once and does not echo: the guest does. */
		if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &c->saved)) {
			t = c->saved;
			t.c_lflag &= (tcflag_t)~(ICANON | ECHO);
			t.c_iflag &= (tcflag_t)~(ICRNL);
			t.c_cc[VMIN] = 1;
			t.c_cc[VTIME] = 0;
			c->tty_saved = !tcsetattr(STDIN_FILENO, TCSANOW, &t);
		}
	} else if (!strncmp(spec, "unix:", 5)) {
		if (open_unix(c, spec + 5, err, err_len)) {
			console_close(c);
			return -1;
		}
	} else {
		snprintf(err, err_len, "vmapple: --console %s: stdio or unix:PATH", spec);
		return -1;
	}
	c->stop_fd = eventfd(0, EFD_CLOEXEC);
	c->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->stop_fd < 0 || c->wake_fd < 0) {
		snprintf(err, err_len, "vmapple: console: %s", strerror(errno));
		console_close(c);
		return -1;
	}
	return 0;
}

/*
 * On a vCPU thread: never block the guest on a slow reader, never die of
 * SIGPIPE.  A closed console (or no client) loses output, not the guest.
 * A socket client's output is queued for the console thread to send.
 */
void console_tx(void *opaque, uint8_t byte)
{
	struct console *c = opaque;

	pthread_mutex_lock(&c->out_lock);
	if (c->out_fd >= 0 && c->listen_fd >= 0) {
		if (c->out_len == CONSOLE_OUT_QUEUE) {
			c->out_dropped++;
		} else {
			c->out[(c->out_head + c->out_len++) % CONSOLE_OUT_QUEUE] = byte;
			if (c->out_len == 1)
				(void)eventfd_write(c->wake_fd, 1);
		}
	} else if (c->out_fd >= 0 && write(c->out_fd, &byte, 1) < 0 && errno == EPIPE) {
		c->out_fd = -1;		/* stdout's reader went away */
	}
	c->mid_line = byte != '\n';
	/* Our lines held back while the guest was mid-line go out now, whole. */
	if (!c->mid_line && c->notes_len) {
		fwrite(c->notes, 1, c->notes_len, stderr);
		fflush(stderr);
		c->notes_len = 0;
	}
	pthread_mutex_unlock(&c->out_lock);
}

/* Do the guest's output and ours land in one place (a terminal, a log file)? */
static bool shares_stderr(int fd)
{
	struct stat a, b;

	if (isatty(fd) && isatty(STDERR_FILENO))
		return true;
	return !fstat(fd, &a) && !fstat(STDERR_FILENO, &b) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void console_note(struct console *c, const char *line)
{
	size_t n = strlen(line);

	pthread_mutex_lock(&c->out_lock);
	/*
	 * Where the guest's console shares our stream and the guest is
	 * mid-line, hold the line until the guest ends its own (or a while
	 * passes: console_flush_notes()).
	 */
	if (c->mid_line && c->out_fd == STDOUT_FILENO && shares_stderr(c->out_fd) &&
	    c->notes_len + n <= sizeof(c->notes)) {
		if (!c->notes_len) {
			c->notes_since = mono_s();
			if (c->notify_fd >= 0)	/* whoever flushes: a deadline to arm */
				(void)eventfd_write(c->notify_fd, 1);
		}
		memcpy(c->notes + c->notes_len, line, n);
		c->notes_len += n;
	} else {
		fputs(line, stderr);
		fflush(stderr);
	}
	pthread_mutex_unlock(&c->out_lock);
}

void console_flush_notes(struct console *c, double after_s)
{
	pthread_mutex_lock(&c->out_lock);
	if (c->notes_len && mono_s() - c->notes_since >= after_s) {
		fputc('\n', stderr);	/* the guest's line never ended: start ours */
		fwrite(c->notes, 1, c->notes_len, stderr);
		fflush(stderr);
		c->notes_len = 0;
	}
	pthread_mutex_unlock(&c->out_lock);
}

int console_notes_due_ms(struct console *c, double after_s)
{
	int ms = -1;

	pthread_mutex_lock(&c->out_lock);
	if (c->notes_len) {
		double left = c->notes_since + after_s - mono_s();

		ms = left > 0 ? (int)(left * 1000) + 1 : 0;
	}
	pthread_mutex_unlock(&c->out_lock);
	return ms;
}

/*
 * The console thread: send what is queued, as much as the client takes.
 * A broken client is only shut down here and closed by drop_input(), the
 * one place its fd is closed (so its number is never reused under a poll).
 */
static void flush_output(struct console *c)
{
	pthread_mutex_lock(&c->out_lock);
	while (c->out_len && c->out_fd >= 0) {
		size_t chunk = CONSOLE_OUT_QUEUE - c->out_head;
		ssize_t n;

		if (chunk > c->out_len)
			chunk = c->out_len;
		n = send(c->out_fd, c->out + c->out_head, chunk, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			c->out_head = (c->out_head + (size_t)n) % CONSOLE_OUT_QUEUE;
			c->out_len -= (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			break;
		shutdown(c->out_fd, SHUT_RDWR);
		c->out_fd = -1;
		c->out_len = 0;
	}
	pthread_mutex_unlock(&c->out_lock);
}

/* Hand @n bytes to the UART, waiting while its FIFO is full; false: stop asked. */
static bool feed(struct console *c, const uint8_t *buf, ssize_t n)
{
	ssize_t i = 0;

	while (i < n) {
		struct pollfd stop = { .fd = c->stop_fd, .events = POLLIN };
		bool taken;

		pthread_mutex_lock(c->input.lock);
		taken = c->input.receive(c->input.uart, buf[i]);
		pthread_mutex_unlock(c->input.lock);
		if (taken) {
			i++;
			continue;
		}
		if (poll(&stop, 1, FIFO_RETRY_MS) > 0)
			return false;
	}
	return true;
}

/* The console thread owns in_fd: only it sets and closes a client. */
static void accept_client(struct console *c)
{
	int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (c->in_fd >= 0) {
		close(fd);	/* one client at a time */
		return;
	}
	pthread_mutex_lock(&c->out_lock);
	c->in_fd = c->out_fd = fd;
	c->out_len = 0;
	pthread_mutex_unlock(&c->out_lock);
}

static void drop_input(struct console *c)
{
	pthread_mutex_lock(&c->out_lock);
	if (c->listen_fd >= 0) {
		if (c->out_fd == c->in_fd)
			c->out_fd = -1;
		close(c->in_fd);
		c->out_len = 0;		/* the next client starts from now */
	}
	c->in_fd = -1;		/* stdin stays open, but is read no more */
	pthread_mutex_unlock(&c->out_lock);
}

static void *console_main(void *arg)
{
	struct console *c = arg;
	uint8_t buf[256];

	for (;;) {
		struct pollfd fds[4] = {
			{ .fd = c->stop_fd, .events = POLLIN },
			{ .fd = c->listen_fd, .events = POLLIN },
			{ .fd = c->in_fd, .events = POLLIN },
			{ .fd = c->wake_fd, .events = POLLIN },
		};
		ssize_t n;

		pthread_mutex_lock(&c->out_lock);
		if (c->listen_fd >= 0 && c->out_len && c->out_fd == c->in_fd)
			fds[2].events |= POLLOUT;	/* the client has room again */
		pthread_mutex_unlock(&c->out_lock);
		if (poll(fds, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (fds[0].revents)
			return NULL;
		if (fds[3].revents & POLLIN)
			drain_wake(c->wake_fd);
		if (fds[1].revents & POLLIN)
			accept_client(c);
		if (c->listen_fd >= 0)
			flush_output(c);
		if (!(fds[2].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(fds[2].fd, buf, sizeof(buf));
		if (n > 0) {
			if (!feed(c, buf, n))
				return NULL;
			continue;
		}
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		/* End of input: stdin is read no more; a socket client may come again. */
		drop_input(c);
	}
}

int console_start(struct console *c, const struct console_input *input)
{
	sigset_t all, old;
	int ret;

	c->input = *input;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = pthread_create(&c->tid, NULL, console_main, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return -ret;
	c->started = true;
	return 0;
}

void console_close(struct console *c)
{
	if (c->started) {
		(void)eventfd_write(c->stop_fd, 1);
		pthread_join(c->tid, NULL);
		c->started = false;
	}
	console_flush_notes(c, 0);
	/* vCPUs may still print: they find no console, never a closed fd. */
	pthread_mutex_lock(&c->out_lock);
	if (c->tty_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &c->saved);
	c->tty_saved = false;
	if (c->listen_fd >= 0) {
		if (c->in_fd >= 0)
			close(c->in_fd);
		close(c->listen_fd);
		if (c->path)
			unlink(c->path);
	}
	free(c->path);
	c->path = NULL;
	if (c->stop_fd >= 0)
		close(c->stop_fd);
	if (c->wake_fd >= 0)
		close(c->wake_fd);
	c->listen_fd = c->stop_fd = c->wake_fd = c->in_fd = c->out_fd = -1;
	pthread_mutex_unlock(&c->out_lock);
}
