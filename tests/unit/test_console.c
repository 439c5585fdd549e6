// SPDX-License-Identifier: GPL-2.0
/* test_console - the PL011 console on a Unix socket: input in order, none lost, output, errors. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../../userspace/console.h"
#include "tap.h"

static struct pl011 uart;
static pthread_mutex_t uart_lock = PTHREAD_MUTEX_INITIALIZER;

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

int main(void)
{
	char path[64], err[256], buf[128];
	const char *line = "the quick brown fox jumps over the lazy dog, 43 bytes";
	struct console c;
	struct stat st;
	int client, second;
	ssize_t n;

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
	ok(console_start(&c, &uart, &uart_lock) == 0, "the input thread starts");

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
	console_close(&c);
	ok(stat(path, &st) && errno == ENOENT, "closing the console removes its socket");
	return tap_done();
}
