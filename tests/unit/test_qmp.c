// SPDX-License-Identifier: GPL-2.0
/*
 * test_qmp - the QMP control socket against a fake board: the greeting,
 * negotiation, each command reaching its callback, QEMU's errors, events
 * (only to negotiated clients, from any thread), several clients, the
 * limits (message size, client count, a client that never reads), the
 * socket file's life, and the one-shot client (its command sent whole).  SIGPIPE is left at its
 * default on purpose: the server must never raise it.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../../userspace/qmp.h"
#include "tap.h"

#define TIMEOUT_MS	5000

/* --- The fake board: counts calls, remembers arguments, fails on request. */

static struct fake {
	struct qmp_server *srv;		/* for the callbacks that raise events */
	atomic_int stops, conts, powerdowns, resets, quits, stats_calls;
	atomic_int balloons;
	_Atomic uint64_t balloon_bytes;
	atomic_int state;		/* enum qmp_run_state */
	atomic_bool no_balloon;
	atomic_int fail_reset;		/* -errno the reset callback returns */
} board;

static enum qmp_run_state fake_status(void *opaque)
{
	return (enum qmp_run_state)atomic_load(&((struct fake *)opaque)->state);
}

/* As the board will: STOP is raised while the command runs, so before the reply. */
static int fake_stop(void *opaque, char *err, size_t err_len)
{
	struct fake *f = opaque;

	(void)err, (void)err_len;
	atomic_fetch_add(&f->stops, 1);
	atomic_store(&f->state, QMP_RUN_PAUSED);
	qmp_event(f->srv, "STOP", NULL);
	return 0;
}

static int fake_cont(void *opaque, char *err, size_t err_len)
{
	struct fake *f = opaque;

	(void)err, (void)err_len;
	atomic_fetch_add(&f->conts, 1);
	atomic_store(&f->state, QMP_RUN_RUNNING);
	return 0;
}

static int fake_powerdown(void *opaque, char *err, size_t err_len)
{
	(void)err, (void)err_len;
	atomic_fetch_add(&((struct fake *)opaque)->powerdowns, 1);
	return 0;
}

/* Fails when asked: with its own message for -EBUSY, without one otherwise. */
static int fake_reset(void *opaque, char *err, size_t err_len)
{
	struct fake *f = opaque;
	int ret = atomic_load(&f->fail_reset);

	atomic_fetch_add(&f->resets, 1);
	if (ret == -EBUSY)
		snprintf(err, err_len, "the board is busy resetting");
	return ret;
}

static int fake_quit(void *opaque, char *err, size_t err_len)
{
	(void)err, (void)err_len;
	atomic_fetch_add(&((struct fake *)opaque)->quits, 1);
	return 0;
}

static void stat_set(struct qmp_stat *s, const char *section, const char *name, uint64_t value)
{
	snprintf(s->section, sizeof(s->section), "%s", section);
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->value = value;
}

static int fake_stats(void *opaque, struct qmp_stat *stats, unsigned int max,
		      char *err, size_t err_len)
{
	(void)err, (void)err_len;
	atomic_fetch_add(&((struct fake *)opaque)->stats_calls, 1);
	if (max < 4)
		return -ENOSPC;
	stat_set(&stats[0], "", "uptime_ms", 1234);
	stat_set(&stats[1], "vcpu0", "exits", 18446744073709551615ull);
	stat_set(&stats[2], "vcpu0", "mmio", 7);
	stat_set(&stats[3], "virtio-blk0", "reads", 42);
	return 4;
}

static int fake_balloon(void *opaque, uint64_t bytes, char *err, size_t err_len)
{
	struct fake *f = opaque;

	(void)err, (void)err_len;
	if (atomic_load(&f->no_balloon))
		return -ENODEV;
	atomic_fetch_add(&f->balloons, 1);
	atomic_store(&f->balloon_bytes, bytes);
	return 0;
}

static int fake_query_balloon(void *opaque, uint64_t *actual, char *err, size_t err_len)
{
	struct fake *f = opaque;

	(void)err, (void)err_len;
	if (atomic_load(&f->no_balloon))
		return -ENODEV;
	*actual = 2ull << 30;
	return 0;
}

static const struct qmp_ops full_ops = {
	.opaque = &board,
	.version = "1.2.3",
	.status = fake_status,
	.system_powerdown = fake_powerdown,
	.system_reset = fake_reset,
	.stop = fake_stop,
	.cont = fake_cont,
	.quit = fake_quit,
	.stats = fake_stats,
	.balloon = fake_balloon,
	.query_balloon = fake_query_balloon,
};

/* --- A client's side. */

static char path[64], spec[80];

static int connect_to(const char *where)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", where);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One line (no newline) within @ms: its length; -1 on timeout, error or EOF. */
static int read_line_ms(int fd, char *line, size_t cap, int ms)
{
	size_t n = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char ch;

		if (poll(&p, 1, ms) != 1 || read(fd, &ch, 1) != 1)
			return -1;
		if (ch == '\n')
			break;
		if (n + 1 < cap)
			line[n++] = ch;
	}
	line[n] = '\0';
	return (int)n;
}

static int read_line(int fd, char *line, size_t cap)
{
	return read_line_ms(fd, line, cap, TIMEOUT_MS);
}

/* The next message, parsed (NULL: none, or not JSON). */
static json_object *read_msg(int fd)
{
	char line[8192];

	return read_line(fd, line, sizeof(line)) < 0 ? NULL : json_tokener_parse(line);
}

static bool say(int fd, const char *s)
{
	return write(fd, s, strlen(s)) == (ssize_t)strlen(s);
}

/* Send one request, read one message. */
static json_object *ask(int fd, const char *request)
{
	return say(fd, request) && say(fd, "\n") ? read_msg(fd) : NULL;
}

/* @o's member at "a.b.c", or NULL. */
static json_object *at(json_object *o, const char *dotted)
{
	char buf[128], *key, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", dotted);
	for (key = strtok_r(buf, ".", &save); key && o; key = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
	return o;
}

static const char *str_at(json_object *o, const char *dotted)
{
	json_object *v = at(o, dotted);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

/* Ask, and check the reply is the error @cls with @desc. */
static bool refused(int fd, const char *request, const char *cls, const char *desc)
{
	json_object *r = ask(fd, request);
	bool match = !strcmp(str_at(r, "error.class"), cls) &&
		     !strcmp(str_at(r, "error.desc"), desc);

	if (!match)
		printf("# %s -> %s\n", request, r ? json_object_to_json_string(r) : "(nothing)");
	json_object_put(r);
	return match;
}

/* Ask, and check the reply is {"return": {}}. */
static bool returns_empty(int fd, const char *request)
{
	json_object *r = ask(fd, request);
	json_object *ret = at(r, "return");
	bool match = json_object_is_type(ret, json_type_object) && !json_object_object_length(ret);

	json_object_put(r);
	return match;
}

/* Connected, greeting read, qmp_capabilities done: the fd, or -1. */
static int negotiated_client(void)
{
	int fd = connect_to(path);
	json_object *g = fd >= 0 ? read_msg(fd) : NULL;
	bool good = g && at(g, "QMP") && returns_empty(fd, "{\"execute\":\"qmp_capabilities\"}");

	json_object_put(g);
	if (!good && fd >= 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Nothing arrives within @ms. */
static bool quiet_for(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 0;
}

/* The peer closed: EOF (after whatever is still buffered) within @ms. */
static bool closed_within(int fd, int ms, size_t *drained)
{
	char buf[65536];

	*drained = 0;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, ms) != 1)
			return false;
		n = read(fd, buf, sizeof(buf));
		if (n == 0)
			return true;
		if (n < 0)
			return errno == ECONNRESET;
		*drained += (size_t)n;
	}
}

/* --- The tests, one behaviour each. */

static void test_bad_specs(void)
{
	struct qmp_server q;
	char err[256], longer[200];

	ok(qmp_open(&q, "tcp:1", &full_ops, err, sizeof(err)) == -1 &&
	   !strcmp(err, "vmapple: --qmp tcp:1: only unix:PATH"),
	   "a spec other than unix:PATH is refused, named (\"%s\")", err);
	ok(qmp_open(&q, "unix:", &full_ops, err, sizeof(err)) == -1 &&
	   strstr(err, "--qmp unix:: a socket path of 1 to 107 bytes"),
	   "an empty socket path is refused (\"%s\")", err);
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	memcpy(longer, "unix:/tmp/", 10);
	ok(qmp_open(&q, longer, &full_ops, err, sizeof(err)) == -1 &&
	   strstr(err, "a socket path of 1 to 107 bytes"), "a socket path too long is refused");
	ok(qmp_open(&q, "unix:/nonexistent-dir/q.sock", &full_ops, err, sizeof(err)) == -1 &&
	   strstr(err, "unix:/nonexistent-dir/q.sock: No such file"),
	   "an unreachable path is named (\"%s\")", err);
	qmp_close(&q);
	ok(1, "closing a server whose open failed is harmless");
}

static void test_greeting(void)
{
	int fd = connect_to(path);
	json_object *g = fd >= 0 ? read_msg(fd) : NULL;
	json_object *caps = at(g, "QMP.capabilities");

	ok(json_object_get_int(at(g, "QMP.version.qemu.major")) == 1 &&
	   json_object_get_int(at(g, "QMP.version.qemu.minor")) == 2 &&
	   json_object_get_int(at(g, "QMP.version.qemu.micro")) == 3 &&
	   !strcmp(str_at(g, "QMP.version.package"), "vmapple 1.2.3") &&
	   json_object_is_type(caps, json_type_array) && !json_object_array_length(caps) &&
	   json_object_object_length(g) == 1,
	   "greeting: {\"QMP\": {\"version\": {\"qemu\": {1, 2, 3}, \"package\"}, "
	   "\"capabilities\": []}}");
	json_object_put(g);
	if (fd >= 0)
		close(fd);
}

static void test_needs_capabilities(void)
{
	int fd = connect_to(path);
	json_object *g = fd >= 0 ? read_msg(fd) : NULL;

	ok(refused(fd, "{\"execute\":\"query-status\"}", "CommandNotFound",
		   "Expecting capabilities negotiation with 'qmp_capabilities'") &&
	   refused(fd, "{\"execute\":\"frob\"}", "CommandNotFound",
		   "Expecting capabilities negotiation with 'qmp_capabilities'"),
	   "a command before qmp_capabilities is refused as QEMU does");
	ok(returns_empty(fd, "{\"execute\":\"qmp_capabilities\"}"),
	   "and qmp_capabilities still works afterwards");
	json_object_put(g);
	if (fd >= 0)
		close(fd);
}

static void test_capabilities_reply(void)
{
	int fd = connect_to(path);
	char line[256] = "";

	ok(fd >= 0 && read_line(fd, line, sizeof(line)) > 0 &&
	   say(fd, "{\"execute\": \"qmp_capabilities\"}\n") &&
	   read_line(fd, line, sizeof(line)) > 0 && !strcmp(line, "{\"return\":{}}"),
	   "qmp_capabilities -> {\"return\":{}} (got %s)", line);
	ok(refused(fd, "{\"execute\":\"qmp_capabilities\"}", "CommandNotFound",
		   "Capabilities negotiation is already complete, command ignored"),
	   "a second qmp_capabilities is refused as QEMU does");
	if (fd >= 0)
		close(fd);
}

static void test_capabilities_enable(void)
{
	int fd = connect_to(path);
	json_object *g = fd >= 0 ? read_msg(fd) : NULL;

	ok(refused(fd, "{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[\"oob\"]}}",
		   "GenericError", "Capability 'oob' not available") &&
	   returns_empty(fd, "{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[]}}"),
	   "qmp_capabilities: enabling \"oob\" (not offered) is refused, enabling none works");
	json_object_put(g);
	if (fd >= 0)
		close(fd);
}

static void test_id_echoed(int fd)
{
	json_object *r = ask(fd, "{\"execute\":\"query-status\",\"id\":\"abc\"}");
	json_object *r2 = ask(fd, "{\"id\":{\"n\":[1,2]},\"execute\":\"frob\"}");

	ok(!strcmp(str_at(r, "id"), "abc") && at(r, "return"), "a reply carries the request's id");
	ok(json_object_get_int(json_object_array_get_idx(at(r2, "id.n"), 1)) == 2 &&
	   at(r2, "error"), "an error reply does too, whatever JSON the id is");
	json_object_put(r);
	json_object_put(r2);
}

static void test_query_status(int fd)
{
	json_object *r;

	atomic_store(&board.state, QMP_RUN_RUNNING);
	r = ask(fd, "{\"execute\":\"query-status\"}");
	ok(json_object_get_boolean(at(r, "return.running")) &&
	   json_object_is_type(at(r, "return.singlestep"), json_type_boolean) &&
	   !json_object_get_boolean(at(r, "return.singlestep")) &&
	   !strcmp(str_at(r, "return.status"), "running"),
	   "query-status: running -> {\"running\": true, \"singlestep\": false, "
	   "\"status\": \"running\"}");
	json_object_put(r);
	atomic_store(&board.state, QMP_RUN_GUEST_PANICKED);
	r = ask(fd, "{\"execute\":\"query-status\"}");
	ok(json_object_is_type(at(r, "return.running"), json_type_boolean) &&
	   !json_object_get_boolean(at(r, "return.running")) &&
	   !strcmp(str_at(r, "return.status"), "guest-panicked"),
	   "query-status: guest-panicked -> running false, QEMU's name for the state");
	json_object_put(r);
	atomic_store(&board.state, QMP_RUN_RUNNING);
}

static void test_actions(int fd)
{
	json_object *ev = NULL, *r = NULL;

	ok(say(fd, "{\"execute\":\"stop\"}\n") && (ev = read_msg(fd)) &&
	   !strcmp(str_at(ev, "event"), "STOP") && (r = read_msg(fd)) && at(r, "return") &&
	   atomic_load(&board.stops) == 1 && atomic_load(&board.state) == QMP_RUN_PAUSED,
	   "stop reaches its callback (and the STOP it raises comes first)");
	json_object_put(ev);
	json_object_put(r);
	ok(returns_empty(fd, "{\"execute\":\"cont\"}") && atomic_load(&board.conts) == 1,
	   "cont reaches its callback");
	ok(returns_empty(fd, "{\"execute\":\"system_powerdown\"}") &&
	   atomic_load(&board.powerdowns) == 1, "system_powerdown reaches its callback");
	ok(returns_empty(fd, "{\"execute\":\"system_reset\"}") && atomic_load(&board.resets) == 1,
	   "system_reset reaches its callback");
	ok(returns_empty(fd, "{\"execute\":\"quit\"}") && atomic_load(&board.quits) == 1,
	   "quit reaches its callback");
}

static void test_callback_fails(int fd)
{
	atomic_store(&board.fail_reset, -EBUSY);
	ok(refused(fd, "{\"execute\":\"system_reset\"}", "GenericError",
		   "the board is busy resetting"),
	   "a failing callback's message is the error's desc");
	atomic_store(&board.fail_reset, -EIO);
	ok(refused(fd, "{\"execute\":\"system_reset\"}", "GenericError", strerror(EIO)),
	   "a failing callback without a message: strerror of its -errno");
	atomic_store(&board.fail_reset, 0);
}

static void test_balloon(int fd)
{
	json_object *r;

	ok(returns_empty(fd, "{\"execute\":\"balloon\",\"arguments\":{\"value\":536870912}}") &&
	   atomic_load(&board.balloons) == 1 && atomic_load(&board.balloon_bytes) == 536870912,
	   "balloon {\"value\": 536870912} reaches its callback with the bytes");
	r = ask(fd, "{\"execute\":\"query-balloon\"}");
	ok(json_object_get_int64(at(r, "return.actual")) == 2ll << 30 &&
	   json_object_object_length(at(r, "return")) == 1,
	   "query-balloon -> {\"actual\": bytes}");
	json_object_put(r);
}

static void test_stats(int fd)
{
	json_object *r = ask(fd, "{\"execute\":\"query-vmapple-stats\"}");

	ok(atomic_load(&board.stats_calls) == 1 &&
	   json_object_get_int64(at(r, "return.uptime_ms")) == 1234 &&
	   json_object_get_uint64(at(r, "return.vcpu0.exits")) == 18446744073709551615ull &&
	   json_object_get_int64(at(r, "return.vcpu0.mmio")) == 7 &&
	   json_object_get_int64(at(r, "return.virtio-blk0.reads")) == 42 &&
	   json_object_object_length(at(r, "return")) == 3,
	   "query-vmapple-stats: the board's counters, by section, full 64-bit values");
	json_object_put(r);
}

static bool lists(json_object *cmds, const char *name)
{
	size_t i;

	for (i = 0; i < json_object_array_length(cmds); i++)
		if (!strcmp(str_at(json_object_array_get_idx(cmds, i), "name"), name))
			return true;
	return false;
}

static void test_query_commands(int fd)
{
	static const char *const all[] = {
		"qmp_capabilities", "query-commands", "query-status", "stop", "cont",
		"system_powerdown", "system_reset", "quit", "balloon", "query-balloon",
		"query-vmapple-stats",
	};
	json_object *r = ask(fd, "{\"execute\":\"query-commands\"}");
	json_object *cmds = at(r, "return");
	bool every = json_object_is_type(cmds, json_type_array) &&
		     json_object_array_length(cmds) == sizeof(all) / sizeof(all[0]);
	size_t i;

	for (i = 0; every && i < sizeof(all) / sizeof(all[0]); i++)
		every = lists(cmds, all[i]);
	ok(every, "query-commands lists the registry as [{\"name\": ...}]");
	json_object_put(r);
}

static void test_unknown_command(int fd)
{
	ok(refused(fd, "{\"execute\":\"frob\"}", "CommandNotFound",
		   "The command frob has not been found"), "an unknown command: CommandNotFound");
}

static void test_bad_json(int fd)
{
	json_object *r = ask(fd, "{bad json}");

	ok(!strcmp(str_at(r, "error.class"), "GenericError") &&
	   !strncmp(str_at(r, "error.desc"), "JSON parse error, ", 18),
	   "malformed JSON: GenericError \"%s\"", str_at(r, "error.desc"));
	json_object_put(r);
	ok(returns_empty(fd, "{\"execute\":\"cont\"}"), "and the next good command works");
	ok(refused(fd, "[1, 2]", "GenericError", "QMP input must be a JSON object") &&
	   refused(fd, "{\"arguments\":{}}", "GenericError", "QMP input lacks member 'execute'") &&
	   refused(fd, "{\"execute\":42}", "GenericError",
		   "QMP input member 'execute' must be a string") &&
	   refused(fd, "{\"execute\":\"cont\",\"arguments\":[]}", "GenericError",
		   "QMP input member 'arguments' must be an object") &&
	   refused(fd, "{\"execute\":\"cont\",\"frob\":1}", "GenericError",
		   "QMP input member 'frob' is unexpected"),
	   "JSON that is no QMP request: QEMU's errors");
}

static void test_split_and_joined(int fd)
{
	const char *req = "{\"execute\": \"cont\", \"id\": 7}";
	json_object *a, *b = NULL;
	size_t i;
	bool sent = true;

	for (i = 0; req[i] && sent; i++)
		sent = write(fd, &req[i], 1) == 1;
	a = read_msg(fd);
	ok(sent && json_object_get_int(at(a, "id")) == 7,
	   "a request sent a byte at a time is read whole");
	ok(say(fd, "{\"execute\":\"cont\",\"id\":1}{\"execute\":\"cont\",\"id\":2}\n") &&
	   (b = read_msg(fd)) && json_object_get_int(at(b, "id")) == 1 &&
	   (json_object_put(b), b = read_msg(fd)) && json_object_get_int(at(b, "id")) == 2,
	   "two requests in one write get two replies, in order");
	json_object_put(a);
	json_object_put(b);
}

static void test_arguments(int fd)
{
	ok(refused(fd, "{\"execute\":\"balloon\"}", "GenericError",
		   "Parameter 'value' is missing") &&
	   refused(fd, "{\"execute\":\"balloon\",\"arguments\":{}}", "GenericError",
		   "Parameter 'value' is missing"),
	   "a missing argument is named");
	ok(refused(fd, "{\"execute\":\"balloon\",\"arguments\":{\"value\":\"1G\"}}", "GenericError",
		   "Invalid parameter type for 'value', expected: integer") &&
	   refused(fd, "{\"execute\":\"balloon\",\"arguments\":{\"value\":1.5}}", "GenericError",
		   "Invalid parameter type for 'value', expected: integer") &&
	   refused(fd, "{\"execute\":\"balloon\",\"arguments\":{\"value\":null}}", "GenericError",
		   "Invalid parameter type for 'value', expected: integer"),
	   "an ill-typed argument is named, with the type expected");
	ok(refused(fd, "{\"execute\":\"balloon\",\"arguments\":{\"value\":1,\"force\":true}}",
		   "GenericError", "Parameter 'force' is unexpected") &&
	   refused(fd, "{\"execute\":\"cont\",\"arguments\":{\"x\":1}}", "GenericError",
		   "Parameter 'x' is unexpected"),
	   "an argument the command does not take is named");
	ok(refused(fd, "{\"execute\":\"balloon\",\"arguments\":{\"value\":0}}", "GenericError",
		   "Parameter 'value' expects a size") && atomic_load(&board.balloons) == 1,
	   "balloon to 0 bytes is refused, never reaching the board");
}

static void test_no_balloon_device(int fd)
{
	atomic_store(&board.no_balloon, true);
	ok(refused(fd, "{\"execute\":\"balloon\",\"arguments\":{\"value\":1048576}}",
		   "DeviceNotActive", "No balloon device has been activated") &&
	   refused(fd, "{\"execute\":\"query-balloon\"}", "DeviceNotActive",
		   "No balloon device has been activated"),
	   "the board says no balloon (-ENODEV): DeviceNotActive, as QEMU");
	atomic_store(&board.no_balloon, false);
}

/* A board with nothing but its opaque: the commands it lacks do not exist. */
static void test_minimal_board(void)
{
	struct qmp_ops none = { .opaque = &board };
	struct qmp_server q;
	char err[256], p2[64], s2[80];
	json_object *r = NULL, *g = NULL;
	int fd = -1;

	snprintf(p2, sizeof(p2), "/tmp/vmapple-qmp-%d-min.sock", (int)getpid());
	snprintf(s2, sizeof(s2), "unix:%s", p2);
	if (qmp_open(&q, s2, &none, err, sizeof(err)) || qmp_start(&q)) {
		ok(0, "a board with no callbacks: the server opens (%s)", err);
		return;
	}
	fd = connect_to(p2);
	g = fd >= 0 ? read_msg(fd) : NULL;
	ok(!strcmp(str_at(g, "QMP.version.package"), "vmapple") &&
	   json_object_get_int(at(g, "QMP.version.qemu.major")) == 0,
	   "no version given: vmapple 0.0.0 in the greeting");
	ok(returns_empty(fd, "{\"execute\":\"qmp_capabilities\"}") &&
	   refused(fd, "{\"execute\":\"stop\"}", "CommandNotFound",
		   "The command stop has not been found") &&
	   refused(fd, "{\"execute\":\"query-vmapple-stats\"}", "CommandNotFound",
		   "The command query-vmapple-stats has not been found"),
	   "a NULL callback: its command does not exist");
	ok(refused(fd, "{\"execute\":\"balloon\",\"arguments\":{\"value\":1048576}}",
		   "DeviceNotActive", "No balloon device has been activated"),
	   "no balloon callback: DeviceNotActive");
	r = ask(fd, "{\"execute\":\"query-commands\"}");
	ok(json_object_array_length(at(r, "return")) == 4 && lists(at(r, "return"), "balloon") &&
	   !lists(at(r, "return"), "stop"), "query-commands lists only the commands there are");
	json_object_put(r);
	json_object_put(g);
	if (fd >= 0)
		close(fd);
	qmp_close(&q);
}

static void test_events(void)
{
	int neg = negotiated_client(), raw = connect_to(path);
	json_object *g = raw >= 0 ? read_msg(raw) : NULL, *ev = NULL;
	long long now = (long long)time(NULL), secs;
	int us;

	ok(qmp_event(&(struct qmp_server){ 0 }, "RESET", NULL) == 0 &&
	   qmp_event(NULL, "RESET", NULL) == 0,
	   "an event on no server (NULL, never opened) is harmless");
	ok(qmp_event(board.srv, "SHUTDOWN", "[1]") == -EINVAL &&
	   qmp_event(board.srv, "SHUTDOWN", "{oops") == -EINVAL &&
	   qmp_event(board.srv, "", NULL) == -EINVAL, "an event with bad data or no name: -EINVAL");
	ok(qmp_event(board.srv, "SHUTDOWN",
		     "{\"guest\": true, \"reason\": \"guest-shutdown\"}") == 0,
	   "qmp_event(SHUTDOWN, data) returns 0");
	ev = read_msg(neg);
	secs = json_object_get_int64(at(ev, "timestamp.seconds"));
	us = json_object_get_int(at(ev, "timestamp.microseconds"));
	ok(!strcmp(str_at(ev, "event"), "SHUTDOWN") &&
	   json_object_get_boolean(at(ev, "data.guest")) &&
	   !strcmp(str_at(ev, "data.reason"), "guest-shutdown"),
	   "a negotiated client gets {\"event\": \"SHUTDOWN\", \"data\": {...}}");
	ok(secs >= now - 2 && secs <= now + 2 && us >= 0 && us < 1000000 &&
	   json_object_is_type(at(ev, "timestamp.microseconds"), json_type_int),
	   "with a wall-clock timestamp {\"seconds\", \"microseconds\"}");
	json_object_put(ev);
	ok(qmp_event(board.srv, "RESUME", NULL) == 0 && (ev = read_msg(neg)) &&
	   !strcmp(str_at(ev, "event"), "RESUME") && !at(ev, "data") && at(ev, "timestamp"),
	   "an event without data has no \"data\" member, as QEMU's");
	json_object_put(ev);
	/* The raw client sees its caps reply first, then nothing: no event was queued for it. */
	ok(returns_empty(raw, "{\"execute\":\"qmp_capabilities\"}") && quiet_for(raw, 150),
	   "a client still negotiating got neither event");
	ok(qmp_event(board.srv, "POWERDOWN", NULL) == 0 && (ev = read_msg(raw)) &&
	   !strcmp(str_at(ev, "event"), "POWERDOWN"), "once negotiated, it gets the next one");
	json_object_put(ev);
	json_object_put(g);
	close(neg);
	close(raw);
}

#define EVENT_THREADS	4
#define EVENTS_EACH	100

static void *fire_events(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < EVENTS_EACH; i++)
		qmp_event(board.srv, "GUEST_PANICKED", "{\"action\": \"pause\"}");
	return NULL;
}

static void test_events_from_threads(void)
{
	pthread_t t[EVENT_THREADS];
	int fd = negotiated_client(), got = 0, i;
	char line[512];

	for (i = 0; i < EVENT_THREADS; i++)
		pthread_create(&t[i], NULL, fire_events, NULL);
	for (i = 0; i < EVENT_THREADS; i++)
		pthread_join(t[i], NULL);
	while (got < EVENT_THREADS * EVENTS_EACH &&
	       read_line_ms(fd, line, sizeof(line), 2000) > 0 &&
	       strstr(line, "\"event\":\"GUEST_PANICKED\""))
		got++;
	ok(got == EVENT_THREADS * EVENTS_EACH,
	   "events from %d threads at once all arrive, whole (%d of %d)", EVENT_THREADS, got,
	   EVENT_THREADS * EVENTS_EACH);
	close(fd);
}

static void test_two_clients(void)
{
	int a = negotiated_client(), b = negotiated_client();
	json_object *ra = NULL, *rb = NULL, *ea = NULL, *eb = NULL;

	ok(a >= 0 && b >= 0, "two clients connect and negotiate at once");
	ok(say(a, "{\"execute\":\"query-status\",\"id\":\"a\"}\n") &&
	   say(b, "{\"execute\":\"query-status\",\"id\":\"b\"}\n") &&
	   (rb = read_msg(b)) && (ra = read_msg(a)) && !strcmp(str_at(ra, "id"), "a") &&
	   !strcmp(str_at(rb, "id"), "b"), "each gets its own reply");
	json_object_put(ra);
	json_object_put(rb);
	ok(qmp_event(board.srv, "RESET",
		     "{\"guest\": false, \"reason\": \"host-qmp-system-reset\"}") == 0 &&
	   (ea = read_msg(a)) && (eb = read_msg(b)) && !strcmp(str_at(ea, "event"), "RESET") &&
	   !strcmp(str_at(eb, "event"), "RESET"), "an event reaches both");
	json_object_put(ea);
	json_object_put(eb);
	close(a);
	close(b);
}

/* Clients just closed are reaped by the QMP thread as it sees them go: wait for it. */
static bool no_clients_within(struct qmp_server *q, int ms)
{
	unsigned int i, busy;

	do {
		pthread_mutex_lock(&q->lock);
		for (i = busy = 0; i < QMP_MAX_CLIENTS; i++)
			busy += q->client[i].fd >= 0;
		pthread_mutex_unlock(&q->lock);
		if (!busy)
			return true;
		usleep(1000);
	} while (ms-- > 0);
	return false;
}

static void test_client_limit(void)
{
	int fds[QMP_MAX_CLIENTS], extra, i, n = 0;
	char line[256] = "";
	size_t drained;

	ok(no_clients_within(board.srv, TIMEOUT_MS), "the clients of earlier tests are gone");
	for (i = 0; i < QMP_MAX_CLIENTS; i++)
		if ((fds[i] = negotiated_client()) >= 0)
			n++;
	ok(n == QMP_MAX_CLIENTS, "%d clients at once are served", QMP_MAX_CLIENTS);
	extra = connect_to(path);
	ok(extra >= 0 && read_line(extra, line, sizeof(line)) > 0 &&
	   strstr(line, "too many QMP clients (at most 8)") &&
	   closed_within(extra, TIMEOUT_MS, &drained),
	   "one more is told \"%s\" and closed", line);
	ok(returns_empty(fds[0], "{\"execute\":\"cont\"}"), "the others carry on");
	if (extra >= 0)
		close(extra);
	for (i = 0; i < QMP_MAX_CLIENTS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	ok(no_clients_within(board.srv, TIMEOUT_MS), "closed clients free their slots");
}

static void test_oversize(void)
{
	int big = negotiated_client(), other = negotiated_client();
	size_t len = QMP_MAX_MESSAGE + 4096, sent = 0, drained;
	char *msg = malloc(len), line[256] = "";
	ssize_t n;

	if (!msg)
		return;
	memset(msg, ' ', len);
	memcpy(msg, "{\"execute\":\"", 12);
	memset(msg + 12, 'a', len - 12);
	while (sent < len && (n = send(big, msg + sent, len - sent, MSG_NOSIGNAL)) > 0)
		sent += (size_t)n;
	ok(read_line(big, line, sizeof(line)) > 0 && strstr(line, "GenericError") &&
	   strstr(line, "JSON message over 65536 bytes"),
	   "a message over 64 KiB: an error (%s)", line);
	ok(closed_within(big, TIMEOUT_MS, &drained), "and that client is dropped");
	ok(returns_empty(other, "{\"execute\":\"cont\"}"), "the other client carries on");
	free(msg);
	close(big);
	close(other);
}

/* Bulk-read what is there now (waiting up to @ms for the first byte): newlines seen. */
static int count_lines(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[65536];
	int lines = 0;
	ssize_t n, i;

	if (poll(&p, 1, ms) != 1)
		return 0;
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	return lines;
}

#define FLOOD_EVENTS	2000

static void test_slow_client(void)
{
	int slow = negotiated_client(), reader = negotiated_client(), i, got = 0;
	struct timespec t0, t1;
	double in_event = 0;
	char data[1100];
	size_t drained;
	bool dropped;

	/* ~2 MiB of events: past the 256 KiB queue plus the socket's own buffer. */
	snprintf(data, sizeof(data), "{\"pad\": \"%01000d\"}", 0);
	for (i = 0; i < FLOOD_EVENTS; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		qmp_event(board.srv, "GUEST_PANICKED", data);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		in_event += (double)(t1.tv_sec - t0.tv_sec) +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		/* The reader keeps up (at most ~100 KiB behind); the slow one never reads. */
		got += count_lines(reader, 0);
		while (i + 1 - got > 100 && got < i + 1) {
			int more = count_lines(reader, TIMEOUT_MS);

			if (!more)
				break;
			got += more;
		}
	}
	ok(in_event < 2.0, "%d 1 KiB events to a client that never reads: qmp_event never waits "
	   "(%.3f s in all)", FLOOD_EVENTS, in_event);
	/* Apart from ok(): its arguments may be read before its condition runs. */
	dropped = closed_within(slow, TIMEOUT_MS, &drained);
	ok(dropped && drained < FLOOD_EVENTS * 1024u,
	   "the slow client is dropped (%zu bytes reached it first)", drained);
	while (got < FLOOD_EVENTS) {
		int more = count_lines(reader, TIMEOUT_MS);

		if (!more)
			break;
		got += more;
	}
	ok(got == FLOOD_EVENTS, "the client that reads gets all %d (%d)", FLOOD_EVENTS, got);
	ok(returns_empty(reader, "{\"execute\":\"cont\"}"), "and is still served");
	close(slow);
	close(reader);
}

static void test_half_closed(void)
{
	int fd = negotiated_client();
	json_object *r = NULL;

	ok(fd >= 0 && say(fd, "{\"execute\":\"query-status\",\"id\":9}\n") &&
	   !shutdown(fd, SHUT_WR) &&
	   (r = read_msg(fd)) && json_object_get_int(at(r, "id")) == 9,
	   "a client that sends and shuts down its writing side still gets the reply");
	json_object_put(r);
	if (fd >= 0)
		close(fd);
}

static void test_stale_socket(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char p2[64], s2[80], err[256];
	struct qmp_server q;
	struct stat st;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(p2, sizeof(p2), "/tmp/vmapple-qmp-%d-stale.sock", (int)getpid());
	snprintf(s2, sizeof(s2), "unix:%s", p2);
	unlink(p2);
	strcpy(sa.sun_path, p2);
	/* A launcher that died: its socket file is left, nothing listens. */
	ok(fd >= 0 && !bind(fd, (struct sockaddr *)&sa, sizeof(sa)) && !close(fd) &&
	   !stat(p2, &st) && S_ISSOCK(st.st_mode), "a stale socket file is left at the path");
	ok(qmp_open(&q, s2, &full_ops, err, sizeof(err)) == 0 && !qmp_start(&q),
	   "a stale socket is replaced");
	fd = connect_to(p2);
	ok(fd >= 0 && read_line(fd, err, sizeof(err)) > 0 && strstr(err, "\"QMP\""),
	   "and the new server answers on it");
	if (fd >= 0)
		close(fd);
	qmp_close(&q);
	ok(stat(p2, &st) && errno == ENOENT, "closing removes the socket file");
	qmp_close(&q);
	ok(qmp_event(&q, "RESET", NULL) == 0,
	   "a second close, and an event after close, are harmless");
}

static void test_live_socket(void)
{
	struct qmp_server q;
	char err[256];
	struct stat st;
	FILE *f;
	int fd;

	ok(qmp_open(&q, spec, &full_ops, err, sizeof(err)) == -1 &&
	   strstr(err, path) && strstr(err, "in use: another process listens on it"),
	   "a socket a live server listens on is refused, named (\"%s\")", err);
	qmp_close(&q);
	fd = negotiated_client();
	ok(!stat(path, &st) && S_ISSOCK(st.st_mode) && fd >= 0,
	   "the live server's socket is left alone: it still answers");
	if (fd >= 0)
		close(fd);
	f = fopen("/tmp/vmapple-qmp-file", "w");
	if (f)
		fclose(f);
	ok(qmp_open(&q, "unix:/tmp/vmapple-qmp-file", &full_ops, err, sizeof(err)) == -1 &&
	   strstr(err, "unix:/tmp/vmapple-qmp-file: exists and is not a socket") &&
	   !stat("/tmp/vmapple-qmp-file", &st) && S_ISREG(st.st_mode),
	   "a file that is no socket is refused and left alone");
	unlink("/tmp/vmapple-qmp-file");
}

static void test_client_command(void)
{
	char reply[256], tiny[8];
	json_object *r = NULL;
	int stops = atomic_load(&board.stops), balloons = atomic_load(&board.balloons);

	ok(qmp_client_command(path, "{\"execute\":\"balloon\",\"arguments\":{\"value\":536870912}}",
			      reply, sizeof(reply)) == 0 && !strcmp(reply, "{\"return\":{}}") &&
	   atomic_load(&board.balloons) == balloons + 1 &&
	   atomic_load(&board.balloon_bytes) == 536870912,
	   "qmp_client_command: balloon round trip, 0 and {\"return\":{}}");
	/* stop raises STOP before its reply: the client skips the event. */
	ok(qmp_client_command(path, "{\"execute\":\"stop\"}", reply, sizeof(reply)) == 0 &&
	   !strcmp(reply, "{\"return\":{}}") && atomic_load(&board.stops) == stops + 1,
	   "qmp_client_command skips events for the reply");
	ok(qmp_client_command(path, "{\"execute\":\"query-status\"}", reply, sizeof(reply)) == 0 &&
	   (r = json_tokener_parse(reply)) && !strcmp(str_at(r, "return.status"), "paused"),
	   "qmp_client_command: query-status reply in full (%s)", reply);
	json_object_put(r);
	ok(qmp_client_command(path, "{\"execute\":\"frob\"}", reply, sizeof(reply)) == 1 &&
	   strstr(reply, "CommandNotFound"), "an error reply: 1, the error in the reply");
	ok(qmp_client_command(path, "{\"execute\":\"query-status\"}", tiny,
			      sizeof(tiny)) == -EMSGSIZE,
	   "a reply over the buffer: -EMSGSIZE");
	ok(qmp_client_command("/tmp/vmapple-qmp-nothing-here", "{}", reply,
			      sizeof(reply)) == -ENOENT,
	   "no socket at the path: -ENOENT");
	atomic_store(&board.state, QMP_RUN_RUNNING);
}

/*
 * The client's sends, seen: this send() takes the place of libc's for the
 * whole test binary, so what one call carried is known without a race.
 */
static bool record_sends;
static char last_send[256];

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	if (record_sends) {
		size_t n = len < sizeof(last_send) - 1 ? len : sizeof(last_send) - 1;

		memcpy(last_send, buf, n);
		last_send[n] = 0;
	}
	return sendto(fd, buf, len, flags, NULL, 0);
}

/*
 * A bare server that acts like the launcher on quit: it answers the
 * command and closes at once.  Sent apart from its newline, the command
 * had the newline find the socket closed (EPIPE, no reply).
 */
static void *serve_once_and_close(void *arg)
{
	static const char greeting[] = "{\"QMP\":{\"version\":{},\"capabilities\":[]}}\n";
	static const char ret[] = "{\"return\":{}}\n";
	int fd = accept(*(int *)arg, NULL, NULL);
	char buf[256];

	if (fd < 0)
		return NULL;
	if (write(fd, greeting, sizeof(greeting) - 1) > 0 && read(fd, buf, sizeof(buf)) > 0 &&
	    write(fd, ret, sizeof(ret) - 1) > 0 && read(fd, buf, sizeof(buf)) > 0)
		(void)!write(fd, ret, sizeof(ret) - 1);
	close(fd);
	return NULL;
}

static void test_client_command_whole(void)
{
	static const char sock[] = "/tmp/vmapple-qmp-quitting";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	char reply[64] = "";
	pthread_t t;
	int ret;

	strcpy(sa.sun_path, sock);
	unlink(sock);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(listen_fd, 1) || pthread_create(&t, NULL, serve_once_and_close, &listen_fd)) {
		ok(0, "the quitting server starts");
		return;
	}
	record_sends = true;
	ret = qmp_client_command(sock, "{\"execute\":\"quit\"}", reply, sizeof(reply));
	record_sends = false;
	pthread_join(t, NULL);
	close(listen_fd);
	unlink(sock);
	ok(!strcmp(last_send, "{\"execute\":\"quit\"}\n"),
	   "qmp_client_command sends the command and its newline in one send (the last: %zu bytes)",
	   strlen(last_send));
	ok(ret == 0 && !strcmp(reply, "{\"return\":{}}"),
	   "a server that closes right after its reply (quit): the reply is got (%d, \"%s\")",
	   ret, reply);
}

/* --- vmapple qmp --events: started before the server closes, ended by it. */

struct listener {
	FILE *out;
	int ret;
};

static void *listen_events(void *arg)
{
	struct listener *l = arg;

	l->ret = qmp_client_events(path, l->out);
	return NULL;
}

/* The listener's output so far, read back from its file. */
static const char *listened(struct listener *l)
{
	static char text[4096];
	size_t n;

	fflush(l->out);
	n = (size_t)pread(fileno(l->out), text, sizeof(text) - 1, 0);
	text[n < sizeof(text) ? n : 0] = 0;
	return text;
}

static bool wait_listened(struct listener *l, const char *what)
{
	int i;

	for (i = 0; i < TIMEOUT_MS / 10; i++) {
		if (strstr(listened(l), what))
			return true;
		usleep(10000);
	}
	return false;
}

static pthread_t listener_thread;
static struct listener listener;

static void test_client_events_start(void)
{
	listener.out = tmpfile();
	ok(listener.out && !pthread_create(&listener_thread, NULL, listen_events, &listener) &&
	   wait_listened(&listener, "listening\n"),
	   "qmp_client_events: negotiates, then says it is listening");
	qmp_event(board.srv, "RESET", "{\"guest\": true, \"reason\": \"guest-reset\"}");
	qmp_event(board.srv, "SHUTDOWN", "{\"guest\": true, \"reason\": \"guest-shutdown\"}");
	ok(wait_listened(&listener, "\"event\":\"SHUTDOWN\""),
	   "it prints the events as they come");
}

/* After qmp_close(): the connection's end is the listener's. */
static void test_client_events_end(void)
{
	const char *text;

	pthread_join(listener_thread, NULL);
	text = listened(&listener);
	ok(listener.ret == 0, "the server closing ends the listener with 0 (the run ended)");
	ok(!strncmp(text, "listening\n{", 11) && strstr(text, "\"event\":\"RESET\"") &&
	   strstr(text, "\"event\":\"RESET\"") < strstr(text, "\"event\":\"SHUTDOWN\"") &&
	   !strstr(text, "\"return\""),
	   "one JSON line per event, in order, and nothing else (%s)", text);
	fclose(listener.out);
	ok(qmp_client_events("/tmp/vmapple-qmp-nothing-here", stdout) == -ENOENT,
	   "qmp_client_events with no socket at the path: -ENOENT");
}

int main(void)
{
	struct qmp_server q;
	char err[256];
	struct stat st;
	int fd;

	/* Line by line: a death by SIGPIPE shows where it happened. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(path, sizeof(path), "/tmp/vmapple-qmp-%d.sock", (int)getpid());
	snprintf(spec, sizeof(spec), "unix:%s", path);
	test_bad_specs();
	atomic_store(&board.state, QMP_RUN_RUNNING);
	board.srv = &q;
	ok(qmp_open(&q, spec, &full_ops, err, sizeof(err)) == 0 && !stat(path, &st) &&
	   S_ISSOCK(st.st_mode), "unix: the server listens on its socket");
	ok(qmp_start(&q) == 0, "the QMP thread starts");

	test_greeting();
	test_needs_capabilities();
	test_capabilities_reply();
	test_capabilities_enable();
	fd = negotiated_client();
	ok(fd >= 0, "a client negotiates");
	test_id_echoed(fd);
	test_query_status(fd);
	test_actions(fd);
	test_callback_fails(fd);
	test_balloon(fd);
	test_stats(fd);
	test_query_commands(fd);
	test_unknown_command(fd);
	test_bad_json(fd);
	test_split_and_joined(fd);
	test_arguments(fd);
	test_no_balloon_device(fd);
	close(fd);
	test_minimal_board();
	test_events();
	test_events_from_threads();
	test_two_clients();
	test_client_limit();
	test_oversize();
	test_slow_client();
	test_half_closed();
	test_stale_socket();
	test_live_socket();
	test_client_command();
	test_client_command_whole();
	test_client_events_start();

	qmp_close(&q);
	test_client_events_end();
	ok(stat(path, &st) && errno == ENOENT, "closing the server removes its socket");
	ok(connect_to(path) == -1, "closed: nothing listens any more");
	return tap_done();
}
