// SPDX-License-Identifier: GPL-2.0
/* qmp.c - the QMP control socket and its one-shot client (see qmp.h). */
#include "qmp.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#define QMP_MAX_DEPTH	32	/* JSON nesting: no command needs more than 3 */
#define QMP_READ_CHUNK	4096
#define QMP_JSON_FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
#define GENERIC		"GenericError"
#define NOT_FOUND	"CommandNotFound"
#define NOT_ACTIVE	"DeviceNotActive"

struct qmp_error {
	const char *cls;	/* NULL: no error */
	char desc[512];
};

struct qmp_arg {
	const char *name;
	enum json_type type;
	const char *type_name;	/* as QEMU's "expected: ..." names it */
	bool required;
};

struct qmp_command {
	const char *name;
	size_t op;		/* offset of its callback in struct qmp_ops, or ALWAYS */
	/* The "return" value, or NULL with @e set. */
	json_object *(*run)(struct qmp_server *q, struct qmp_client *c, json_object *args,
			    struct qmp_error *e);
	struct qmp_arg args[2];	/* ends at a NULL name */
};

#define ALWAYS		((size_t)-1)
#define OP(cb)		offsetof(struct qmp_ops, cb)

static const char *const run_state_names[] = {
	[QMP_RUN_PRELAUNCH] = "prelaunch",
	[QMP_RUN_RUNNING] = "running",
	[QMP_RUN_PAUSED] = "paused",
	[QMP_RUN_SUSPENDED] = "suspended",
	[QMP_RUN_SHUTDOWN] = "shutdown",
	[QMP_RUN_GUEST_PANICKED] = "guest-panicked",
	[QMP_RUN_INTERNAL_ERROR] = "internal-error",
};

static void fail(struct qmp_error *e, const char *cls, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct qmp_error *e, const char *cls, const char *fmt, ...)
{
	va_list ap;

	e->cls = cls;
	va_start(ap, fmt);
	vsnprintf(e->desc, sizeof(e->desc), fmt, ap);
	va_end(ap);
}

/* A callback's failure: its own words if it gave some. */
static void callback_failed(struct qmp_error *e, int ret, const char *msg)
{
	fail(e, GENERIC, "%s", *msg ? msg : strerror(ret < 0 ? -ret : EIO));
}

/* --- Output: every message is one line, queued for the QMP thread to send. */

/* Under q->lock.  A client whose queue would overflow is given up, not waited on. */
static bool enqueue(struct qmp_client *c, const char *s, size_t len)
{
	if (c->dead)
		return false;
	if (len + 1 > QMP_OUT_QUEUE - c->out_len) {
		c->dead = true;
		c->out_len = 0;
		return false;
	}
	if (c->out_head + c->out_len + len + 1 > QMP_OUT_QUEUE) {
		memmove(c->out, c->out + c->out_head, c->out_len);
		c->out_head = 0;
	}
	memcpy(c->out + c->out_head + c->out_len, s, len);
	c->out[c->out_head + c->out_len + len] = '\n';
	c->out_len += len + 1;
	return true;
}

/* Under q->lock: send what the socket takes now.  -1: the client is gone. */
static int flush(struct qmp_client *c)
{
	while (c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_head, c->out_len,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			c->out_head += (size_t)n;
			c->out_len -= (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return 0;
		return -1;
	}
	c->out_head = 0;	/* empty: the next message needs no memmove */
	return 0;
}

static void send_object(struct qmp_server *q, struct qmp_client *c, json_object *obj)
{
	size_t len;
	const char *s = json_object_to_json_string_length(obj, QMP_JSON_FLAGS, &len);

	pthread_mutex_lock(&q->lock);
	if (!s || !enqueue(c, s, len))
		c->dead = true;
	pthread_mutex_unlock(&q->lock);
}

static void send_reply(struct qmp_server *q, struct qmp_client *c, json_object *ret,
		       const struct qmp_error *e, bool has_id, json_object *id)
{
	json_object *reply = json_object_new_object();

	if (e->cls) {
		json_object *err = json_object_new_object();

		json_object_object_add(err, "class", json_object_new_string(e->cls));
		json_object_object_add(err, "desc", json_object_new_string(e->desc));
		json_object_object_add(reply, "error", err);
		json_object_put(ret);
	} else {
		json_object_object_add(reply, "return", ret ? ret : json_object_new_object());
	}
	if (has_id)
		json_object_object_add(reply, "id", json_object_get(id));
	send_object(q, c, reply);
	json_object_put(reply);
}

static void send_greeting(struct qmp_server *q, struct qmp_client *c)
{
	json_object *greeting = json_object_new_object();
	json_object *qmp = json_object_new_object();
	json_object *version = json_object_new_object();
	json_object *qemu = json_object_new_object();
	unsigned int major = 0, minor = 0, micro = 0;
	char package[64];

	/* Shaped as QEMU's, so clients that read it parse it; the numbers are vmapple's. */
	if (q->ops.version)
		(void)sscanf(q->ops.version, "%u.%u.%u", &major, &minor, &micro);
	snprintf(package, sizeof(package), "vmapple%s%s", q->ops.version ? " " : "",
		 q->ops.version ? q->ops.version : "");
	json_object_object_add(qemu, "micro", json_object_new_int64(micro));
	json_object_object_add(qemu, "minor", json_object_new_int64(minor));
	json_object_object_add(qemu, "major", json_object_new_int64(major));
	json_object_object_add(version, "qemu", qemu);
	json_object_object_add(version, "package", json_object_new_string(package));
	json_object_object_add(qmp, "version", version);
	json_object_object_add(qmp, "capabilities", json_object_new_array());
	json_object_object_add(greeting, "QMP", qmp);
	send_object(q, c, greeting);
	json_object_put(greeting);
}

/* --- The commands. */

static bool has_callback(const struct qmp_server *q, size_t op)
{
	int (*fn)(void *opaque);

	if (op == ALWAYS)
		return true;
	/* Every callback is a function pointer: NULL is NULL whatever its type. */
	memcpy(&fn, (const char *)&q->ops + op, sizeof(fn));
	return fn != NULL;
}

static json_object *action(struct qmp_server *q, int (*fn)(void *, char *, size_t),
			   struct qmp_error *e)
{
	char msg[256] = "";
	int ret = fn(q->ops.opaque, msg, sizeof(msg));

	if (ret) {
		callback_failed(e, ret, msg);
		return NULL;
	}
	return json_object_new_object();
}

static json_object *cmd_capabilities(struct qmp_server *q, struct qmp_client *c,
				     json_object *args, struct qmp_error *e)
{
	json_object *enable;

	if (c->negotiated) {
		fail(e, NOT_FOUND, "Capabilities negotiation is already complete, command ignored");
		return NULL;
	}
	/* The greeting offers none (no "oob"), so any asked for is not there. */
	if (args && json_object_object_get_ex(args, "enable", &enable) &&
	    json_object_array_length(enable)) {
		json_object *cap = json_object_array_get_idx(enable, 0);

		if (!json_object_is_type(cap, json_type_string))
			fail(e, GENERIC,
			     "Invalid parameter type for 'enable[0]', expected: string");
		else
			fail(e, GENERIC, "Capability '%s' not available",
			     json_object_get_string(cap));
		return NULL;
	}
	pthread_mutex_lock(&q->lock);
	c->negotiated = true;
	pthread_mutex_unlock(&q->lock);
	return json_object_new_object();
}

static json_object *cmd_query_commands(struct qmp_server *q, struct qmp_client *c,
				       json_object *args, struct qmp_error *e);

static json_object *cmd_query_status(struct qmp_server *q, struct qmp_client *c,
				     json_object *args, struct qmp_error *e)
{
	enum qmp_run_state st = q->ops.status(q->ops.opaque);
	json_object *ret;

	(void)c, (void)args;
	if ((unsigned int)st >= sizeof(run_state_names) / sizeof(run_state_names[0])) {
		fail(e, GENERIC, "the VM's state (%u) has no name", (unsigned int)st);
		return NULL;
	}
	ret = json_object_new_object();
	json_object_object_add(ret, "running", json_object_new_boolean(st == QMP_RUN_RUNNING));
	json_object_object_add(ret, "singlestep", json_object_new_boolean(0));
	json_object_object_add(ret, "status", json_object_new_string(run_state_names[st]));
	return ret;
}

static json_object *cmd_stop(struct qmp_server *q, struct qmp_client *c, json_object *args,
			     struct qmp_error *e)
{
	(void)c, (void)args;
	return action(q, q->ops.stop, e);
}

static json_object *cmd_cont(struct qmp_server *q, struct qmp_client *c, json_object *args,
			     struct qmp_error *e)
{
	(void)c, (void)args;
	return action(q, q->ops.cont, e);
}

static json_object *cmd_powerdown(struct qmp_server *q, struct qmp_client *c, json_object *args,
				  struct qmp_error *e)
{
	(void)c, (void)args;
	return action(q, q->ops.system_powerdown, e);
}

static json_object *cmd_reset(struct qmp_server *q, struct qmp_client *c, json_object *args,
			      struct qmp_error *e)
{
	(void)c, (void)args;
	return action(q, q->ops.system_reset, e);
}

static json_object *cmd_quit(struct qmp_server *q, struct qmp_client *c, json_object *args,
			     struct qmp_error *e)
{
	(void)c, (void)args;
	return action(q, q->ops.quit, e);
}

static void no_balloon(struct qmp_error *e)
{
	fail(e, NOT_ACTIVE, "No balloon device has been activated");
}

static json_object *cmd_balloon(struct qmp_server *q, struct qmp_client *c, json_object *args,
				struct qmp_error *e)
{
	json_object *value;
	char msg[256] = "";
	int64_t bytes;
	int ret;

	(void)c;
	json_object_object_get_ex(args, "value", &value);
	bytes = json_object_get_int64(value);
	if (bytes <= 0) {
		fail(e, GENERIC, "Parameter 'value' expects a size");
		return NULL;
	}
	ret = q->ops.balloon ? q->ops.balloon(q->ops.opaque, (uint64_t)bytes, msg, sizeof(msg)) :
			       -ENODEV;
	if (ret == -ENODEV) {
		no_balloon(e);
		return NULL;
	}
	if (ret) {
		callback_failed(e, ret, msg);
		return NULL;
	}
	return json_object_new_object();
}

static json_object *cmd_query_balloon(struct qmp_server *q, struct qmp_client *c,
				      json_object *args, struct qmp_error *e)
{
	char msg[256] = "";
	uint64_t actual = 0;
	json_object *ret;
	int err;

	(void)c, (void)args;
	err = q->ops.query_balloon ?
	      q->ops.query_balloon(q->ops.opaque, &actual, msg, sizeof(msg)) : -ENODEV;
	if (err == -ENODEV) {
		no_balloon(e);
		return NULL;
	}
	if (err) {
		callback_failed(e, err, msg);
		return NULL;
	}
	ret = json_object_new_object();
	json_object_object_add(ret, "actual", json_object_new_uint64(actual));
	return ret;
}

/* Add @s to @top: in its section's object, made on first use. */
static void add_stat(json_object *top, struct qmp_stat *s)
{
	json_object *sec = top;

	/* The board's arrays: terminate them here rather than trust them. */
	s->section[sizeof(s->section) - 1] = '\0';
	s->name[sizeof(s->name) - 1] = '\0';
	if (s->section[0] && !json_object_object_get_ex(top, s->section, &sec)) {
		sec = json_object_new_object();
		json_object_object_add(top, s->section, sec);
	}
	/* A name that is both a section and a counter: the first one stays. */
	if (!json_object_is_type(sec, json_type_object) ||
	    json_object_object_get_ex(sec, s->name, NULL))
		return;
	json_object_object_add(sec, s->name, json_object_new_uint64(s->value));
}

static json_object *cmd_query_stats(struct qmp_server *q, struct qmp_client *c,
				    json_object *args, struct qmp_error *e)
{
	struct qmp_stat *stats = calloc(QMP_MAX_STATS, sizeof(*stats));
	char msg[256] = "";
	json_object *ret = NULL;
	int n, i;

	(void)c, (void)args;
	if (!stats) {
		fail(e, GENERIC, "%s", strerror(ENOMEM));
		return NULL;
	}
	n = q->ops.stats(q->ops.opaque, stats, QMP_MAX_STATS, msg, sizeof(msg));
	if (n < 0) {
		callback_failed(e, n, msg);
	} else {
		ret = json_object_new_object();
		for (i = 0; i < n && i < (int)QMP_MAX_STATS; i++)
			add_stat(ret, &stats[i]);
	}
	free(stats);
	return ret;
}

static const struct qmp_command commands[] = {
	{ .name = "qmp_capabilities", .op = ALWAYS, .run = cmd_capabilities,
	  .args = { { "enable", json_type_array, "array", false } } },
	{ .name = "query-commands", .op = ALWAYS, .run = cmd_query_commands },
	{ .name = "query-status", .op = OP(status), .run = cmd_query_status },
	{ .name = "stop", .op = OP(stop), .run = cmd_stop },
	{ .name = "cont", .op = OP(cont), .run = cmd_cont },
	{ .name = "system_powerdown", .op = OP(system_powerdown), .run = cmd_powerdown },
	{ .name = "system_reset", .op = OP(system_reset), .run = cmd_reset },
	{ .name = "quit", .op = OP(quit), .run = cmd_quit },
	/* QEMU has these without a balloon too: they say DeviceNotActive. */
	{ .name = "balloon", .op = ALWAYS, .run = cmd_balloon,
	  .args = { { "value", json_type_int, "integer", true } } },
	{ .name = "query-balloon", .op = ALWAYS, .run = cmd_query_balloon },
	{ .name = "query-vmapple-stats", .op = OP(stats), .run = cmd_query_stats },
};

#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static json_object *cmd_query_commands(struct qmp_server *q, struct qmp_client *c,
				       json_object *args, struct qmp_error *e)
{
	json_object *ret = json_object_new_array();
	size_t i;

	(void)c, (void)args, (void)e;
	for (i = 0; i < NR_COMMANDS; i++) {
		json_object *cmd;

		if (!has_callback(q, commands[i].op))
			continue;
		cmd = json_object_new_object();
		json_object_object_add(cmd, "name", json_object_new_string(commands[i].name));
		json_object_array_add(ret, cmd);
	}
	return ret;
}

static const struct qmp_command *find_command(const struct qmp_server *q, const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name) && has_callback(q, commands[i].op))
			return &commands[i];
	return NULL;
}

/* As QEMU's argument visitor: each declared one in turn, then any left over. */
static bool check_args(const struct qmp_command *cmd, json_object *args, struct qmp_error *e)
{
	const struct qmp_arg *a;
	json_object *v;

	for (a = cmd->args; a->name; a++) {
		if (!args || !json_object_object_get_ex(args, a->name, &v)) {
			if (!a->required)
				continue;
			fail(e, GENERIC, "Parameter '%s' is missing", a->name);
			return false;
		}
		if (!json_object_is_type(v, a->type)) {
			fail(e, GENERIC, "Invalid parameter type for '%s', expected: %s",
			     a->name, a->type_name);
			return false;
		}
	}
	if (args) {
		json_object_object_foreach(args, key, val) {
			(void)val;
			for (a = cmd->args; a->name && strcmp(a->name, key); a++)
				;
			if (!a->name) {
				fail(e, GENERIC, "Parameter '%s' is unexpected", key);
				return false;
			}
		}
	}
	return true;
}

/* A request object, checked as QEMU's dispatcher does; the "return" value or NULL and @e. */
static json_object *dispatch(struct qmp_server *q, struct qmp_client *c, json_object *req,
			     struct qmp_error *e)
{
	const struct qmp_command *cmd;
	const char *name = NULL;
	json_object *args = NULL;

	json_object_object_foreach(req, key, val) {
		if (!strcmp(key, "execute")) {
			if (!json_object_is_type(val, json_type_string)) {
				fail(e, GENERIC, "QMP input member 'execute' must be a string");
				return NULL;
			}
			name = json_object_get_string(val);
		} else if (!strcmp(key, "arguments")) {
			if (!json_object_is_type(val, json_type_object)) {
				fail(e, GENERIC, "QMP input member 'arguments' must be an object");
				return NULL;
			}
			args = val;
		} else if (strcmp(key, "id")) {
			fail(e, GENERIC, "QMP input member '%s' is unexpected", key);
			return NULL;
		}
	}
	if (!name) {
		fail(e, GENERIC, "QMP input lacks member 'execute'");
		return NULL;
	}
	if (!c->negotiated && strcmp(name, "qmp_capabilities")) {
		fail(e, NOT_FOUND, "Expecting capabilities negotiation with 'qmp_capabilities'");
		return NULL;
	}
	cmd = find_command(q, name);
	if (!cmd) {
		fail(e, NOT_FOUND, "The command %s has not been found", name);
		return NULL;
	}
	if (!check_args(cmd, args, e))
		return NULL;
	return cmd->run(q, c, args, e);
}

static void handle_message(struct qmp_server *q, struct qmp_client *c, json_object *msg)
{
	struct qmp_error e = { 0 };
	json_object *ret = NULL, *id = NULL;
	bool has_id = false;

	if (!json_object_is_type(msg, json_type_object)) {
		fail(&e, GENERIC, "QMP input must be a JSON object");
	} else {
		/* Taken first: even a refused request gets its id back. */
		has_id = json_object_object_get_ex(msg, "id", &id);
		ret = dispatch(q, c, msg, &e);
	}
	send_reply(q, c, ret, &e, has_id, id);
}

/* --- Input: a stream of JSON objects (one a line, usually; any split works). */

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static void parse_error(struct qmp_server *q, struct qmp_client *c, enum json_tokener_error jerr)
{
	struct qmp_error e;

	fail(&e, GENERIC, "JSON parse error, %s", json_tokener_error_desc(jerr));
	send_reply(q, c, NULL, &e, false, NULL);
	/* The rest of the bad line is junk: start again after it, as a person retyping would. */
	json_tokener_reset(c->tok);
	c->msg_len = 0;
	c->skip_line = true;
}

/* Run each complete message in @buf; false: the client is over the message limit. */
static bool feed(struct qmp_server *q, struct qmp_client *c, const char *buf, size_t n)
{
	size_t off = 0;

	while (off < n) {
		enum json_tokener_error jerr;
		json_object *msg;
		size_t chunk, used;

		if (c->skip_line) {
			const char *nl = memchr(buf + off, '\n', n - off);

			if (!nl)
				return true;
			off = (size_t)(nl - buf) + 1;
			c->skip_line = false;
			continue;
		}
		if (!c->msg_len) {
			while (off < n && is_space(buf[off]))
				off++;
			if (off == n)
				return true;
		}
		chunk = n - off;
		if (chunk > QMP_MAX_MESSAGE - c->msg_len)
			chunk = QMP_MAX_MESSAGE - c->msg_len;
		msg = json_tokener_parse_ex(c->tok, buf + off, (int)chunk);
		jerr = json_tokener_get_error(c->tok);
		used = json_tokener_get_parse_end(c->tok);
		if (jerr == json_tokener_success) {
			off += used;
			c->msg_len = 0;
			json_tokener_reset(c->tok);
			handle_message(q, c, msg);
			json_object_put(msg);
		} else if (jerr == json_tokener_continue && used) {
			off += used;
			c->msg_len += used;
			if (c->msg_len >= QMP_MAX_MESSAGE)
				return false;
		} else {
			off += used;
			parse_error(q, c, jerr);
		}
	}
	return true;
}

/* --- The QMP thread: it alone accepts, reads, sends and closes clients. */

static void drain_wake(int fd)
{
	eventfd_t v;

	(void)eventfd_read(fd, &v);
}

static struct qmp_client *free_slot(struct qmp_server *q)
{
	unsigned int i;

	for (i = 0; i < QMP_MAX_CLIENTS; i++)
		if (q->client[i].fd < 0)
			return &q->client[i];
	return NULL;
}

/* One client more than the limit is told why before it is closed. */
static void refuse_client(int fd)
{
	char msg[128];
	int len;

	len = snprintf(msg, sizeof(msg), "{\"error\":{\"class\":\"" GENERIC "\","
		       "\"desc\":\"too many QMP clients (at most %u)\"}}\n", QMP_MAX_CLIENTS);
	(void)send(fd, msg, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

static void accept_client(struct qmp_server *q)
{
	int fd = accept4(q->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct qmp_client *c = free_slot(q);
	struct json_tokener *tok;
	char *out;

	if (fd < 0)
		return;
	if (!c) {
		refuse_client(fd);
		return;
	}
	tok = json_tokener_new_ex(QMP_MAX_DEPTH);
	out = malloc(QMP_OUT_QUEUE);
	if (!tok || !out) {
		if (tok)
			json_tokener_free(tok);
		free(out);
		close(fd);
		return;
	}
	/* json-c's strict mode, but a message may be followed by the next. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);
	pthread_mutex_lock(&q->lock);
	*c = (struct qmp_client){ .fd = fd, .tok = tok, .out = out };
	pthread_mutex_unlock(&q->lock);
	send_greeting(q, c);
}

/*
 * Close @c, after a last send of what is queued (without waiting): a client
 * that sent its command and shut down its writing side still gets the reply.
 */
static void drop_client(struct qmp_server *q, struct qmp_client *c)
{
	char *out;
	int fd;

	pthread_mutex_lock(&q->lock);
	if (!c->dead)
		(void)flush(c);
	fd = c->fd;
	out = c->out;
	c->fd = -1;
	c->out = NULL;
	c->out_head = c->out_len = 0;
	c->negotiated = c->dead = false;
	pthread_mutex_unlock(&q->lock);
	close(fd);
	free(out);
	json_tokener_free(c->tok);
	c->tok = NULL;
	c->msg_len = 0;
	c->skip_line = false;
}

static void read_client(struct qmp_server *q, struct qmp_client *c)
{
	char buf[QMP_READ_CHUNK];
	ssize_t n = read(c->fd, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		drop_client(q, c);
		return;
	}
	if (!feed(q, c, buf, (size_t)n)) {
		struct qmp_error e;

		fail(&e, GENERIC, "JSON message over %u bytes: connection closed", QMP_MAX_MESSAGE);
		send_reply(q, c, NULL, &e, false, NULL);
		drop_client(q, c);
	}
}

/* Send what is queued; drop the clients that are gone or overflowed. */
static void service_clients(struct qmp_server *q)
{
	unsigned int i;

	for (i = 0; i < QMP_MAX_CLIENTS; i++) {
		struct qmp_client *c = &q->client[i];
		bool gone;

		if (c->fd < 0)
			continue;
		pthread_mutex_lock(&q->lock);
		gone = c->dead || flush(c) < 0;
		if (gone)
			c->dead = true;
		pthread_mutex_unlock(&q->lock);
		if (gone)
			drop_client(q, c);
	}
}

static void *qmp_main(void *arg)
{
	struct qmp_server *q = arg;

	for (;;) {
		struct pollfd fds[3 + QMP_MAX_CLIENTS] = {
			{ .fd = q->stop_fd, .events = POLLIN },
			{ .fd = q->wake_fd, .events = POLLIN },
			{ .fd = q->listen_fd, .events = POLLIN },
		};
		unsigned int who[3 + QMP_MAX_CLIENTS], i;
		nfds_t n = 3;

		pthread_mutex_lock(&q->lock);
		for (i = 0; i < QMP_MAX_CLIENTS; i++) {
			struct qmp_client *c = &q->client[i];

			if (c->fd < 0)
				continue;
			fds[n].fd = c->fd;
			fds[n].events = POLLIN | (c->out_len ? POLLOUT : 0);
			who[n++] = i;
		}
		pthread_mutex_unlock(&q->lock);
		if (poll(fds, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (fds[0].revents)
			return NULL;
		if (fds[1].revents & POLLIN)
			drain_wake(q->wake_fd);
		if (fds[2].revents & POLLIN)
			accept_client(q);
		for (i = 3; i < n; i++) {
			struct qmp_client *c = &q->client[who[i]];

			if (c->fd == fds[i].fd && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				read_client(q, c);
		}
		service_clients(q);
	}
}

/* --- Opening and closing. */

/*
 * A socket file left by a launcher that died is in bind()'s way: remove it,
 * but only when nothing answers on it (ECONNREFUSED) - never a live
 * launcher's socket, nor a file that is no socket.
 */
static int clear_stale(const struct sockaddr_un *sa, char *err, size_t err_len)
{
	const char *path = sa->sun_path;
	struct stat st;
	int fd, ret, saved;

	if (lstat(path, &st))
		return 0;	/* nothing there, or bind() will say why */
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, err_len, "vmapple: --qmp unix:%s: exists and is not a socket", path);
		return -1;
	}
	/* Non-blocking: a live server with a full backlog answers EAGAIN, not a hang. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, err_len, "vmapple: --qmp unix:%s: %s", path, strerror(errno));
		return -1;
	}
	ret = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	saved = errno;
	close(fd);
	if (!ret || saved == EAGAIN) {
		snprintf(err, err_len,
			 "vmapple: --qmp unix:%s: in use: another process listens on it", path);
		return -1;
	}
	if (saved != ECONNREFUSED) {
		snprintf(err, err_len, "vmapple: --qmp unix:%s: %s", path, strerror(saved));
		return -1;
	}
	if (unlink(path) && errno != ENOENT) {
		snprintf(err, err_len, "vmapple: --qmp unix:%s: cannot remove the stale socket: %s",
			 path, strerror(errno));
		return -1;
	}
	return 0;
}

static int listen_unix(struct qmp_server *q, const char *path, char *err, size_t err_len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, err_len, "vmapple: --qmp unix:%s: a socket path of 1 to %zu bytes",
			 path, sizeof(sa.sun_path) - 1);
		return -1;
	}
	strcpy(sa.sun_path, path);
	if (clear_stale(&sa, err, err_len))
		return -1;
	/* Non-blocking: a client gone between poll() and accept() costs no wait. */
	q->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (q->listen_fd < 0 || bind(q->listen_fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(err, err_len, "vmapple: --qmp unix:%s: %s", path, strerror(errno));
		return -1;
	}
	q->path = strdup(path);		/* from here on, teardown() removes the socket */
	if (!q->path) {
		unlink(path);
		snprintf(err, err_len, "vmapple: --qmp unix:%s: %s", path, strerror(ENOMEM));
		return -1;
	}
	if (listen(q->listen_fd, QMP_MAX_CLIENTS)) {
		snprintf(err, err_len, "vmapple: --qmp unix:%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void teardown(struct qmp_server *q)
{
	unsigned int i;

	if (q->started) {
		(void)eventfd_write(q->stop_fd, 1);
		pthread_join(q->tid, NULL);
		q->started = false;
	}
	/* The thread is gone: what it had queued (a SHUTDOWN, say) is sent now if it can be. */
	for (i = 0; i < QMP_MAX_CLIENTS; i++)
		if (q->client[i].fd >= 0)
			drop_client(q, &q->client[i]);
	/* Under the lock: a qmp_event() now finds the server closed, never a closed fd. */
	pthread_mutex_lock(&q->lock);
	if (q->listen_fd >= 0)
		close(q->listen_fd);
	if (q->path)
		unlink(q->path);
	free(q->path);
	q->path = NULL;
	if (q->stop_fd >= 0)
		close(q->stop_fd);
	if (q->wake_fd >= 0)
		close(q->wake_fd);
	q->listen_fd = q->stop_fd = q->wake_fd = -1;
	pthread_mutex_unlock(&q->lock);
}

int qmp_open(struct qmp_server *q, const char *spec, const struct qmp_ops *ops,
	     char *err, size_t err_len)
{
	unsigned int i;

	memset(q, 0, sizeof(*q));
	q->listen_fd = q->stop_fd = q->wake_fd = -1;
	for (i = 0; i < QMP_MAX_CLIENTS; i++)
		q->client[i].fd = -1;
	pthread_mutex_init(&q->lock, NULL);
	if (ops)
		q->ops = *ops;
	if (strncmp(spec, "unix:", 5)) {
		snprintf(err, err_len, "vmapple: --qmp %s: only unix:PATH", spec);
		return -1;
	}
	if (listen_unix(q, spec + 5, err, err_len))
		goto fail;
	q->stop_fd = eventfd(0, EFD_CLOEXEC);
	q->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->stop_fd < 0 || q->wake_fd < 0) {
		snprintf(err, err_len, "vmapple: qmp: %s", strerror(errno));
		goto fail;
	}
	q->opened = true;
	return 0;
fail:
	teardown(q);
	return -1;
}

int qmp_start(struct qmp_server *q)
{
	sigset_t all, old;
	int ret;

	if (!q->opened || q->listen_fd < 0 || q->started)
		return -EINVAL;
	/* Signals are the main thread's (^C, SIGTERM): none lands here. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = pthread_create(&q->tid, NULL, qmp_main, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return -ret;
	q->started = true;
	return 0;
}

/* json-c on the caller's thread: its objects here are its own, never shared. */
int qmp_event(struct qmp_server *q, const char *name, const char *data_json)
{
	json_object *ev, *data = NULL, *ts_obj;
	struct timespec ts;
	const char *s;
	size_t len;
	unsigned int i;
	bool queued = false;

	if (!q || !q->opened)
		return 0;
	if (!name || !*name)
		return -EINVAL;
	if (data_json) {
		data = json_tokener_parse(data_json);
		if (!json_object_is_type(data, json_type_object)) {
			json_object_put(data);
			return -EINVAL;
		}
	}
	clock_gettime(CLOCK_REALTIME, &ts);	/* QEMU's timestamps are wall-clock time */
	ev = json_object_new_object();
	ts_obj = json_object_new_object();
	json_object_object_add(ts_obj, "seconds", json_object_new_int64(ts.tv_sec));
	json_object_object_add(ts_obj, "microseconds", json_object_new_int64(ts.tv_nsec / 1000));
	json_object_object_add(ev, "event", json_object_new_string(name));
	if (data)
		json_object_object_add(ev, "data", data);
	json_object_object_add(ev, "timestamp", ts_obj);
	s = json_object_to_json_string_length(ev, QMP_JSON_FLAGS, &len);

	pthread_mutex_lock(&q->lock);
	for (i = 0; s && q->listen_fd >= 0 && i < QMP_MAX_CLIENTS; i++) {
		struct qmp_client *c = &q->client[i];

		/* Clients still negotiating get no events (QEMU's rule). */
		if (c->fd < 0 || !c->negotiated || c->dead)
			continue;
		enqueue(c, s, len);
		queued = true;	/* sent, or overflowed and to be dropped: the thread acts */
	}
	if (queued)
		(void)eventfd_write(q->wake_fd, 1);
	pthread_mutex_unlock(&q->lock);
	json_object_put(ev);
	return 0;
}

void qmp_close(struct qmp_server *q)
{
	if (q->opened)
		teardown(q);
}

/* --- The one-shot client. */

struct qmp_conn {
	int fd;
	char *buf;		/* QMP_OUT_QUEUE bytes: the longest message a server queues */
	size_t len;		/* bytes in @buf */
	size_t consumed;	/* the line last returned, dropped at the next read */
};

static int ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000LL + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

/* The next line (NUL-terminated, in k->buf), by @deadline (NULL: none).  0 or -errno. */
static int next_line(struct qmp_conn *k, const struct timespec *deadline, char **line)
{
	memmove(k->buf, k->buf + k->consumed, k->len - k->consumed);
	k->len -= k->consumed;
	k->consumed = 0;
	for (;;) {
		char *nl = memchr(k->buf, '\n', k->len);
		struct pollfd p = { .fd = k->fd, .events = POLLIN };
		ssize_t n;
		int r;

		if (nl) {
			*nl = '\0';
			if (nl > k->buf && nl[-1] == '\r')
				nl[-1] = '\0';
			k->consumed = (size_t)(nl - k->buf) + 1;
			*line = k->buf;
			return 0;
		}
		if (k->len == QMP_OUT_QUEUE)
			return -EMSGSIZE;
		r = poll(&p, 1, deadline ? ms_left(deadline) : -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			return -ETIMEDOUT;
		n = read(k->fd, k->buf + k->len, QMP_OUT_QUEUE - k->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return -ECONNRESET;
		k->len += (size_t)n;
	}
}

/* The next message that is no event, parsed into @msg, its text in @line. */
static int next_reply(struct qmp_conn *k, json_object **msg, char **line)
{
	struct timespec deadline;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += QMP_CLIENT_TIMEOUT_MS / 1000;
	for (;;) {
		ret = next_line(k, &deadline, line);
		if (ret)
			return ret;
		if (!**line)
			continue;
		*msg = json_tokener_parse(*line);
		if (!json_object_is_type(*msg, json_type_object)) {
			json_object_put(*msg);
			*msg = NULL;
			return -EPROTO;
		}
		if (!json_object_object_get_ex(*msg, "event", NULL))
			return 0;
		json_object_put(*msg);
		*msg = NULL;
	}
}

static int send_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

static int client_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ret;

	if (!*path || strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

/* Greeting, then qmp_capabilities: both must be what a QMP server says. */
static int client_negotiate(struct qmp_conn *k)
{
	static const char caps[] = "{\"execute\":\"qmp_capabilities\"}\n";
	json_object *msg = NULL;
	char *line;
	int ret;

	ret = next_reply(k, &msg, &line);
	if (!ret && !json_object_object_get_ex(msg, "QMP", NULL))
		ret = -EPROTO;
	json_object_put(msg);
	msg = NULL;
	if (!ret)
		ret = send_all(k->fd, caps, sizeof(caps) - 1);
	if (!ret)
		ret = next_reply(k, &msg, &line);
	if (!ret && !json_object_object_get_ex(msg, "return", NULL))
		ret = -EPROTO;
	json_object_put(msg);
	return ret;
}

/* Connect and negotiate: 0, or -errno with nothing left to close. */
static int client_open(struct qmp_conn *k, const char *path)
{
	int ret;

	*k = (struct qmp_conn){ .fd = client_connect(path) };
	if (k->fd < 0)
		return k->fd;
	k->buf = malloc(QMP_OUT_QUEUE);
	ret = k->buf ? client_negotiate(k) : -ENOMEM;
	if (ret) {
		free(k->buf);
		close(k->fd);
	}
	return ret;
}

static void client_close(struct qmp_conn *k)
{
	free(k->buf);
	close(k->fd);
}

int qmp_client_command(const char *path, const char *command_json, char *reply, size_t reply_len)
{
	json_object *msg = NULL;
	struct qmp_conn k;
	char *request, *line;
	size_t len;
	int ret;

	/*
	 * The command and its newline in one send: the server acts on a whole
	 * JSON object, so a quit sent apart from its newline ended the run
	 * (its socket closed) before that newline, which then failed EPIPE.
	 */
	len = strlen(command_json);
	if (len >= QMP_MAX_MESSAGE)
		return -EMSGSIZE;
	request = malloc(len + 1);
	if (!request)
		return -ENOMEM;
	memcpy(request, command_json, len);
	request[len] = '\n';
	ret = client_open(&k, path);
	if (!ret) {
		ret = send_all(k.fd, request, len + 1);
		if (ret)
			client_close(&k);
	}
	free(request);
	if (ret)
		return ret;
	ret = next_reply(&k, &msg, &line);
	if (!ret && strlen(line) >= reply_len)
		ret = -EMSGSIZE;
	if (!ret) {
		strcpy(reply, line);
		ret = json_object_object_get_ex(msg, "error", NULL) ? 1 : 0;
	}
	json_object_put(msg);
	client_close(&k);
	return ret;
}

int qmp_client_events(const char *path, FILE *out)
{
	struct qmp_conn k;
	char *line;
	int ret;

	ret = client_open(&k, path);
	if (ret)
		return ret;
	if (fputs("listening\n", out) < 0 || fflush(out))
		ret = -EIO;
	while (!ret) {
		json_object *msg;

		ret = next_line(&k, NULL, &line);
		if (ret)
			break;
		if (!*line)
			continue;
		msg = json_tokener_parse(line);
		if (!json_object_is_type(msg, json_type_object))
			ret = -EPROTO;
		else if (json_object_object_get_ex(msg, "event", NULL) &&
			 (fprintf(out, "%s\n", line) < 0 || fflush(out)))
			ret = -EIO;
		json_object_put(msg);
	}
	client_close(&k);
	return ret == -ECONNRESET ? 0 : ret;	/* the run ended: its socket closed */
}
