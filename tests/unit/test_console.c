// SPDX-License-Identifier: GPL-2.0
/*
 * test_console - the PL011 console on a Unix socket: input in order, none
 * lost, output, errors; clients that go away (no SIGPIPE: the test leaves
 * it at its default on purpose) or never read (output dropped, never
 * blocking); closing twice; stdio mode with stdin at EOF.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../../userspace/console.h"
#include "../../userspace/hw/pl011.h"
#include "tap.h"

static struct pl011 uart;
static pthread_mutex_t uart_lock = PTHREAD_MUTEX_INITIALIZER;

static bool uart_receive(void *u, uint8_t byte)
{
	return pl011_receive(u, byte);
}

static const struct console_input input = { uart_receive, &uart, &uart_lock };

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read what the guest would, slowly, until @want bytes or a 5 s timeout. */
static size_t guest_reads(char *buf, size_t want)
{
	struct timespec pause = { 0, 3 * 1000 * 1000 };
	size_t got = 0;
	int spins = 0;

	while (got < want && spins++ < 2000) {
		uint8_t d[4] = { 0 };

		pthread_mutex_lock(&uart_lock);
		pl011_access(&uart, PL011_FR, d, 4, false);
		if (!(d[0] & PL011_FR_RXFE)) {
			pl011_access(&uart, PL011_DR, d, 4, false);
			buf[got++] = (char)d[0];
		}
		pthread_mutex_unlock(&uart_lock);
		nanosleep(&pause, NULL);
	}
	return got;
}

static ssize_t read_timeout(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 5000) != 1)
		return -1;
	return read(fd, buf, len);
}

/*
 * Connect and wait until the console thread has taken us as its client:
 * guest output reaches us.  A connection turned away (the console still
 * holds an old client) is retried.  Returns the fd, -1 on failure.
 */
static int attach(struct console *c, const char *path)
{
	int tries, fd = -1;
	char ch;

	for (tries = 0; tries < 200; tries++) {
		struct pollfd p;
		ssize_t n;

		if (fd < 0 && (fd = connect_to(path)) < 0)
			return -1;
		console_tx(c, '!');
		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 25) != 1)
			continue;
		n = read(fd, &ch, 1);
		if (n == 1 && ch == '!')
			return fd;
		close(fd);	/* turned away (or junk): try again */
		fd = -1;
		usleep(10 * 1000);
	}
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Everything readable now, without waiting: the count, the first @cap bytes in @buf. */
static size_t drain_now(int fd, char *buf, size_t cap)
{
	char tmp[4096];
	size_t total = 0;
	ssize_t n;

	while ((n = recv(fd, tmp, sizeof(tmp), MSG_DONTWAIT)) > 0) {
		if (total < cap)
			memcpy(buf + total, tmp, (size_t)n < cap - total ? (size_t)n : cap - total);
		total += (size_t)n;
	}
	return total;
}

/* Like drain_now(), but until the console has been quiet for @quiet_ms. */
static size_t drain_quiet(int fd, char *buf, size_t cap, int quiet_ms, bool *in_order)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char tmp[4096];
	size_t total = 0;
	ssize_t n, i;

	*in_order = true;
	while (poll(&p, 1, quiet_ms) == 1 && (n = recv(fd, tmp, sizeof(tmp), MSG_DONTWAIT)) > 0) {
		/* The head is in order; later, drops while the queue was full leave gaps. */
		for (i = 0; i < n && total + (size_t)i < 4096; i++)
			*in_order = *in_order && tmp[i] == (char)('a' + (total + (size_t)i) % 26);
		if (total < cap)
			memcpy(buf + total, tmp, (size_t)n < cap - total ? (size_t)n : cap - total);
		total += (size_t)n;
	}
	return total;
}

static int ioctl_pending(int fd, int *n)
{
	return ioctl(fd, FIONREAD, n);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define FLOOD	(2u << 20)

/* Clients that go away or never read: the guest (and the launcher) carry on. */
static void test_bad_clients(struct console *c, const char *path)
{
	char buf[64];
	size_t got;
	double t0;
	unsigned int i;
	bool order = true;
	int client, pending;
	ssize_t n;

	/* A client that stops reading (shutdown SHUT_RD): each send is EPIPE. */
	client = attach(c, path);
	ok(client >= 0, "a client attaches");
	ok(client >= 0 && !shutdown(client, SHUT_RD), "the client shuts down its reading side");
	for (i = 0; i < 10000; i++)
		console_tx(c, 'p');
	ok(1, "10000 bytes to a client that cannot read: no SIGPIPE, the launcher lives");
	/* The console thread finds out as it sends: give it up to 5 s. */
	for (i = 0; i < 500; i++) {
		pthread_mutex_lock(&c->out_lock);
		n = c->out_fd;
		pthread_mutex_unlock(&c->out_lock);
		if (n == -1)
			break;
		usleep(10 * 1000);
	}
	ok(n == -1, "the broken client's output is let go (out_fd -1)");
	if (client >= 0)
		close(client);
	client = attach(c, path);
	ok(client >= 0, "a new client attaches after the broken one");
	console_tx(c, 'n');
	n = client >= 0 ? read_timeout(client, buf, 1) : -1;
	ok(n == 1 && buf[0] == 'n', "and receives guest output");

	/* A client that connects and closes: output right after, lots of it. */
	if (client >= 0)
		close(client);
	for (i = 0; i < 100000; i++)
		console_tx(c, 'c');
	ok(1, "100000 bytes right after the client closed: no SIGPIPE, the launcher lives");
	client = attach(c, path);
	ok(client >= 0, "a new client attaches after the closed one");
	console_tx(c, 'm');
	n = client >= 0 ? read_timeout(client, buf, 1) : -1;
	ok(n == 1 && buf[0] == 'm', "and receives guest output");
	ok(client >= 0 && drain_now(client, buf, sizeof(buf)) == 0,
	   "nothing sent while no client was attached reaches the new one");

	/* A client that never reads: 2 MiB of output must not block (a hang dies by SIGALRM). */
	alarm(20);
	t0 = now_s();
	for (i = 0; i < FLOOD; i++)
		console_tx(c, (uint8_t)('a' + i % 26));
	alarm(0);
	ok(1, "2 MiB to a client that never reads returns (%.2f s)", now_s() - t0);
	got = client >= 0 ? drain_quiet(client, buf, sizeof(buf), 300, &order) : 0;
	ok(got > 0 && order, "the client gets the start of the output in order (%zu bytes in all)", got);
	ok(got >= CONSOLE_OUT_QUEUE,
	   "a slow client gets at least the 64 KiB queued for it (%zu bytes)", got);
	ok(got < FLOOD, "the rest was dropped, not queued (%zu of %u bytes)", got, FLOOD);
	console_tx(c, 'Q');
	n = client >= 0 ? read_timeout(client, buf, 1) : -1;
	ok(n == 1 && buf[0] == 'Q', "the slow client is kept: output reaches it once it reads");
	pending = 0;
	ok(client >= 0 && !ioctl_pending(client, &pending) && pending == 0,
	   "and nothing stale follows");
	if (client >= 0)
		close(client);
}

/* stdio mode, stdin from /dev/null: opens, reads EOF, writes stdout, closes. */
static void test_stdio(void)
{
	struct console s;
	char err[256], buf[8] = { 0 };
	int saved_in, saved_out, devnull, p[2], waits, in_fd = 0, ret;

	fflush(stdout);
	saved_in = dup(STDIN_FILENO);
	devnull = open("/dev/null", O_RDONLY);
	ok(saved_in >= 0 && devnull >= 0 && dup2(devnull, STDIN_FILENO) == STDIN_FILENO,
	   "stdio: stdin redirected from /dev/null");
	if (devnull >= 0)
		close(devnull);
	ret = console_open(&s, "stdio", err, sizeof(err));
	ok(ret == 0, "stdio: console_open(\"stdio\") returns 0");
	if (ret)
		goto out;
	ok(s.in_fd == STDIN_FILENO && s.out_fd == STDOUT_FILENO && s.listen_fd == -1,
	   "stdio: input from fd 0, output to fd 1, no socket");
	ok(!s.tty_saved, "stdio: /dev/null is no terminal: no terminal mode saved");
	ok(console_start(&s, &input) == 0, "stdio: the input thread starts");
	for (waits = 0; waits < 500; waits++) {
		pthread_mutex_lock(&s.out_lock);
		in_fd = s.in_fd;
		pthread_mutex_unlock(&s.out_lock);
		if (in_fd < 0)
			break;
		usleep(10 * 1000);
	}
	ok(in_fd == -1, "stdio: stdin at end of file is read no more");
	ok(fcntl(STDIN_FILENO, F_GETFD) != -1, "stdio: but stdin stays open");

	/* Output goes to fd 1: catch it in a pipe. */
	fflush(stdout);
	saved_out = dup(STDOUT_FILENO);
	if (saved_out >= 0 && !pipe(p)) {
		dup2(p[1], STDOUT_FILENO);
		close(p[1]);
		console_tx(&s, 'h');
		console_tx(&s, 'i');
		dup2(saved_out, STDOUT_FILENO);
		ok(read(p[0], buf, sizeof(buf)) == 2 && !memcmp(buf, "hi", 2),
		   "stdio: guest output is written to stdout");
		close(p[0]);
	} else {
		ok(0, "stdio: a pipe for stdout");
	}
	if (saved_out >= 0)
		close(saved_out);

	console_close(&s);
	ok(fcntl(STDIN_FILENO, F_GETFD) != -1 && fcntl(STDOUT_FILENO, F_GETFD) != -1,
	   "stdio: console_close leaves stdin and stdout open");
	console_close(&s);
	console_tx(&s, 'x');
	ok(1, "stdio: a second console_close, and output after close, are harmless");
out:
	if (saved_in >= 0) {
		dup2(saved_in, STDIN_FILENO);
		close(saved_in);
	}
}

int main(void)
{
	char path[64], err[256], buf[128];
	const char *line = "the quick brown fox jumps over the lazy dog, 43 bytes";
	struct console c;
	struct stat st;
	int client, second;
	ssize_t n;

	/* Line by line: a death by SIGPIPE or SIGALRM shows where it happened. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	ok(console_open(&c, "telnet:1234", err, sizeof(err)) == -1 &&
	   strstr(err, "--console telnet:1234: stdio or unix:PATH"), "an unknown console is named");
	ok(console_open(&c, "unix:", err, sizeof(err)) == -1 &&
	   strstr(err, "a socket path of 1 to"), "an empty socket path is refused");
	ok(console_open(&c, "unix:/nonexistent-dir/c.sock", err, sizeof(err)) == -1 &&
	   strstr(err, "unix:/nonexistent-dir/c.sock: No such file"), "an unreachable path is named");

	snprintf(path, sizeof(path), "/tmp/vmapple-console-%d.sock", (int)getpid());
	snprintf(buf, sizeof(buf), "unix:%s", path);
	pl011_init(&uart);
	ok(console_open(&c, buf, err, sizeof(err)) == 0 && !stat(path, &st) && S_ISSOCK(st.st_mode),
	   "unix: the launcher listens on the socket");
	ok(console_open(&(struct console){ 0 }, buf, err, sizeof(err)) == -1 &&
	   strstr(err, "Address already in use"), "a socket path in use is named");
	console_tx(&c, 'x');	/* no client: dropped, no crash */
	ok(console_start(&c, &input) == 0, "the input thread starts");

	client = connect_to(path);
	ok(client >= 0, "a client connects");
	ok(write(client, line, strlen(line)) == (ssize_t)strlen(line), "the client types 43 bytes");
	memset(buf, 0, sizeof(buf));
	ok(guest_reads(buf, strlen(line)) == strlen(line) && !strcmp(buf, line),
	   "all 43 bytes reach the guest in order through a 16-byte FIFO (none lost)");

	console_tx(&c, 'o');
	console_tx(&c, 'k');
	n = read_timeout(client, buf, 2);
	ok(n == 2 && buf[0] == 'o' && buf[1] == 'k', "guest output reaches the client");

	second = connect_to(path);
	n = second >= 0 ? read_timeout(second, buf, 1) : -1;
	ok(n == 0, "a second client at the same time is turned away");
	if (second >= 0)
		close(second);

	close(client);
	usleep(100 * 1000);
	console_tx(&c, 'y');	/* the client left: dropped */
	client = connect_to(path);
	usleep(100 * 1000);
	console_tx(&c, 'z');
	n = client >= 0 ? read_timeout(client, buf, 1) : -1;
	ok(n == 1 && buf[0] == 'z', "a new client gets the console after the first one left");
	close(client);
	test_bad_clients(&c, path);
	console_close(&c);
	ok(stat(path, &st) && errno == ENOENT, "closing the console removes its socket");
	ok(connect_to(path) == -1, "closed: nothing listens any more");
	console_close(&c);
	console_tx(&c, 'x');
	ok(c.listen_fd == -1 && c.out_fd == -1 && c.stop_fd == -1,
	   "a second console_close (and output after close) is harmless");
	test_stdio();
	return tap_done();
}
