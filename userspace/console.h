/* SPDX-License-Identifier: GPL-2.0 */
/*
 * console.h - where a board's console UART goes: the launcher's stdio (a
 * terminal is put in non-canonical, no-echo mode; ^C still stops the VM),
 * or a Unix socket the launcher listens on ("unix:PATH", one client at a
 * time; output is dropped while none is connected, and queued up to 64 KiB
 * for a client slower than the guest, so a vCPU never waits on it).  Input
 * runs on its own thread and waits while the UART's FIFO is full, so
 * nothing typed is lost.
 */
#ifndef VMAPPLE_CONSOLE_H
#define VMAPPLE_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

#define CONSOLE_OUT_QUEUE	(64u << 10)

/* A board's UART as the input thread feeds it: one byte, false while its FIFO is full. */
struct console_input {
	bool (*receive)(void *uart, uint8_t byte);
	void *uart;
	pthread_mutex_t *lock;		/* serialises @uart with the vCPUs' accesses */
};

struct console {
	int in_fd, out_fd;		/* stdio: 0 and 1; socket: the client (-1: none) */
	int listen_fd;			/* unix: the listening socket, else -1 */
	int stop_fd;
	int wake_fd;			/* unix: output queued for the client */
	int notify_fd;			/* an eventfd poked when a note is held, or -1 */
	char *path;			/* unix: the socket's path, removed at close */
	struct console_input input;
	pthread_mutex_t out_lock;
	pthread_t tid;
	bool started, tty_saved;
	struct termios saved;
	/* unix: output on its way to the client, under @out_lock. */
	uint8_t out[CONSOLE_OUT_QUEUE];
	size_t out_head, out_len;
	uint64_t out_dropped;
	bool mid_line;			/* the guest's last byte was not a newline (out_lock) */
	char notes[1024];		/* console_note() lines held for the guest's newline */
	size_t notes_len;
	double notes_since;
};

/* "stdio" or "unix:PATH".  0, or -1 with one line naming the problem in @err. */
int console_open(struct console *c, const char *spec, char *err, size_t err_len);

/* Feed input to a board's UART, as @input says. 0 or -errno. */
int console_start(struct console *c, const struct console_input *input);

/* A UART's tx callback: @opaque is the struct console. */
void console_tx(void *opaque, uint8_t byte);

/*
 * One whole line of the launcher's on stderr, never inside a line of the
 * guest's when both go to the same terminal or file: held until the
 * guest's line ends.
 */
void console_note(struct console *c, const char *line);

/* Notes held for longer than @after_s: out now, on a line of their own. */
void console_flush_notes(struct console *c, double after_s);

/*
 * Milliseconds until held notes are @after_s old (0: now), or -1 when none
 * are held: a poll() timeout, so that nobody wakes to flush nothing.
 */
int console_notes_due_ms(struct console *c, double after_s);

void console_close(struct console *c);

#endif
