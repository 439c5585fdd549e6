/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qmp.h - a QMP control socket: the part of QEMU's QEMU Machine Protocol
 * (docs/interop/qmp-spec.rst) that scripts written for QEMU use to drive a
 * VM, so they can drive vmapple.  The launcher listens on a Unix socket
 * ("unix:PATH"); each client gets the greeting, must send qmp_capabilities,
 * then runs commands and receives events:
 *
 *   qmp_capabilities  query-commands  query-status  stop  cont  quit
 *   system_powerdown  system_reset  balloon  query-balloon
 *   query-vmapple-stats (the board's counters, by section)
 *
 * Commands run on the QMP thread and call the board through struct qmp_ops;
 * a command whose callback is NULL does not exist (CommandNotFound), except
 * the balloon's two, which then answer DeviceNotActive as QEMU does without
 * a balloon.  Events go to every client past qmp_capabilities, from any
 * thread.  Everything is bounded: 8 clients, 64 KiB a message (a client
 * over it is told and dropped), 256 KiB of output queued a client (a client
 * that does not read is dropped: the VMM never waits on one).
 */
#ifndef VMAPPLE_QMP_H
#define VMAPPLE_QMP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#define QMP_MAX_CLIENTS		8
#define QMP_MAX_MESSAGE		(64u << 10)
#define QMP_OUT_QUEUE		(256u << 10)
#define QMP_MAX_STATS		256
#define QMP_CLIENT_TIMEOUT_MS	30000	/* qmp_client_command(), each reply */

/* QEMU's RunState names, as query-status reports them. */
enum qmp_run_state {
	QMP_RUN_PRELAUNCH,
	QMP_RUN_RUNNING,	/* the only one with "running": true */
	QMP_RUN_PAUSED,
	QMP_RUN_SUSPENDED,
	QMP_RUN_SHUTDOWN,
	QMP_RUN_GUEST_PANICKED,
	QMP_RUN_INTERNAL_ERROR,
};

/* One counter for query-vmapple-stats: {"SECTION": {"NAME": VALUE}}. */
struct qmp_stat {
	char section[32];	/* "": NAME is a member of the top level */
	char name[48];
	uint64_t value;
};

/*
 * The board's side.  Each callback runs on the QMP thread, may call
 * qmp_event(), and must not call qmp_close() (or wait on a thread that
 * does).  Those returning int return 0 or -errno; on failure they may put
 * one line for the client in @err (else strerror is used).
 */
struct qmp_ops {
	void *opaque;
	const char *version;	/* "MAJOR.MINOR.MICRO", for the greeting; NULL: 0.0.0 */
	enum qmp_run_state (*status)(void *opaque);
	int (*system_powerdown)(void *opaque, char *err, size_t err_len);
	int (*system_reset)(void *opaque, char *err, size_t err_len);
	int (*stop)(void *opaque, char *err, size_t err_len);
	int (*cont)(void *opaque, char *err, size_t err_len);
	int (*quit)(void *opaque, char *err, size_t err_len);
	/* Fill up to @max of @stats; the count filled, or -errno. */
	int (*stats)(void *opaque, struct qmp_stat *stats, unsigned int max,
		     char *err, size_t err_len);
	/* -ENODEV: no balloon (DeviceNotActive).  @bytes: the guest's new size. */
	int (*balloon)(void *opaque, uint64_t bytes, char *err, size_t err_len);
	int (*query_balloon)(void *opaque, uint64_t *actual, char *err, size_t err_len);
};

struct json_tokener;

/* One connection; the fields are the QMP thread's, under the server's lock where noted. */
struct qmp_client {
	int fd;				/* -1: a free slot (lock) */
	bool negotiated;		/* past qmp_capabilities: commands, events (lock) */
	bool dead;			/* its output overflowed: to be dropped (lock) */
	bool skip_line;			/* after bad JSON: resume at the next line */
	struct json_tokener *tok;	/* the message being read */
	size_t msg_len;			/* its bytes so far */
	char *out;			/* QMP_OUT_QUEUE bytes waiting to be sent (lock) */
	size_t out_head, out_len;
};

struct qmp_server {
	struct qmp_ops ops;
	int listen_fd, stop_fd, wake_fd;
	char *path;			/* the socket's path, removed at close */
	pthread_t tid;
	bool opened, started;
	pthread_mutex_t lock;		/* the clients' slots and output queues */
	struct qmp_client client[QMP_MAX_CLIENTS];
};

/*
 * Listen on @spec ("unix:PATH").  A socket left at PATH by a launcher that
 * is gone is replaced; one something still listens on is not.  @ops is
 * copied.  0, or -1 with one line naming the problem in @err.
 */
int qmp_open(struct qmp_server *q, const char *spec, const struct qmp_ops *ops,
	     char *err, size_t err_len);

/* Serve clients on the QMP thread.  0 or -errno. */
int qmp_start(struct qmp_server *q);

/*
 * Send event @name to every negotiated client, from any thread, without
 * waiting: {"event": NAME, "data": DATA, "timestamp": {...}}, "data" left
 * out when @data_json is NULL (as QEMU's STOP, RESUME, POWERDOWN, RESET).
 * E.g. qmp_event(q, "SHUTDOWN", "{\"guest\": true, \"reason\": \"guest-shutdown\"}").
 * A NULL or closed server is fine: 0.  -EINVAL: @data_json is no JSON object.
 */
int qmp_event(struct qmp_server *q, const char *name, const char *data_json);

/* Stop the thread, send what is queued (without waiting), drop the clients, remove the socket. */
void qmp_close(struct qmp_server *q);

/*
 * A one-shot client, for `vmapple qmp PATH JSON`: connect to the socket at
 * @path, read the greeting, negotiate, send @command_json and put the first
 * reply that is no event in @reply (one line, no newline).  0: a "return"
 * reply; 1: an "error" reply; -errno: no reply (-EPROTO: not QMP,
 * -ETIMEDOUT: QMP_CLIENT_TIMEOUT_MS without one, -EMSGSIZE: over @reply_len).
 */
int qmp_client_command(const char *path, const char *command_json, char *reply, size_t reply_len);
/*
 * Negotiate, print "listening", then every event the server sends, a line
 * each, until it closes the connection (the run ended): 0, or -errno.
 */
int qmp_client_events(const char *path, FILE *out);

#endif
