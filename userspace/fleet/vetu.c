// SPDX-License-Identifier: GPL-2.0
/* vetu.c - Orchard's vetu command set on the VM store (see vetu.h). */
#include "vetu.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../bundle.h"
#include "../clone.h"
#include "../net/shared_net.h"
#include "../oci/oci.h"
#include "vm_ip.h"
#include "vm_store.h"

#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define MAX_ARGS	8
#define MAX_FLAGS	4

/* A flag a command takes: with a value, or a switch (-q). */
struct flag_spec {
	const char *name;	/* "--cpu" */
	const char *alias;	/* "-q", or NULL */
	bool takes_value;
};

struct cmdline {
	const char *pos[MAX_ARGS];
	unsigned int npos;
	const char *value[MAX_FLAGS];	/* per flag_spec; a switch's is "" when given */
};

struct vetu_cmd {
	const char *name;
	unsigned int min_pos, max_pos;
	const char *usage;
	struct flag_spec flags[MAX_FLAGS];
	int (*run)(const struct vetu_cmd *c, struct cmdline *cl, vetu_run_fn run);
};

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

/* cobra's way: flags anywhere, "--f v" or "--f=v"; "--" ends them. */
static int parse(const struct vetu_cmd *c, int argc, char **argv, struct cmdline *cl)
{
	bool flags_done = false;
	int i;

	memset(cl, 0, sizeof(*cl));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq;
		unsigned int f;

		if (flags_done || a[0] != '-' || !a[1]) {
			if (cl->npos == MAX_ARGS || cl->npos == c->max_pos) {
				fprintf(stderr, "vetu %s: too many arguments (%s)\nusage: vetu %s %s\n",
					c->name, a, c->name, c->usage);
				return -1;
			}
			cl->pos[cl->npos++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			flags_done = true;
			continue;
		}
		eq = strchr(a, '=');
		for (f = 0; f < MAX_FLAGS && c->flags[f].name; f++) {
			const struct flag_spec *s = &c->flags[f];
			size_t len = eq ? (size_t)(eq - a) : strlen(a);

			if ((strlen(s->name) == len && !strncmp(a, s->name, len)) ||
			    (s->alias && !strcmp(a, s->alias)))
				break;
		}
		if (f == MAX_FLAGS || !c->flags[f].name) {
			fprintf(stderr, "vetu %s: unknown flag: %s\nusage: vetu %s %s\n", c->name, a,
				c->name, c->usage);
			return -1;
		}
		if (!c->flags[f].takes_value) {
			cl->value[f] = "";
			continue;
		}
		if (eq)
			cl->value[f] = eq + 1;
		else if (i + 1 < argc)
			cl->value[f] = argv[++i];
		else {
			fprintf(stderr, "vetu %s: flag needs an argument: %s\n", c->name, a);
			return -1;
		}
	}
	if (cl->npos < c->min_pos) {
		fprintf(stderr, "vetu %s: missing arguments\nusage: vetu %s %s\n", c->name, c->name,
			c->usage);
		return -1;
	}
	return 0;
}

/* A whole number in [lo, hi] for @flag, as vetu's uint flags take it. */
static int number(const char *cmd, const char *flag, const char *s, uint64_t lo, uint64_t hi,
		  uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	if (!*s || *s == '-' || *end || errno || *out < lo || *out > hi) {
		fprintf(stderr, "vetu %s: invalid argument \"%s\" for \"%s\": want %llu..%llu\n", cmd,
			s, flag, (unsigned long long)lo, (unsigned long long)hi);
		return -1;
	}
	return 0;
}

static int open_store(struct vm_store *s)
{
	char err[PATH_MAX + 128];

	if (vm_store_open(s, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

/* @name's directory, which must hold a VM: 0, or -1 with the error printed. */
static int existing_vm(const struct vm_store *s, const char *name, char *dir, size_t len)
{
	char err[256];

	if (vm_store_check_name(name, err, sizeof(err)))
		return fail("%s", err), -1;
	if (vm_store_dir(s, name, dir, len) || !vm_store_exists(s, name))
		return fail("the specified VM \"%s\" does not exist", name), -1;
	return 0;
}

/*
 * The control socket's path must fit a Unix socket's sun_path: said at
 * clone, where a shorter name or $VMAPPLE_HOME is still a choice.
 */
static int qmp_path_fits(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen("/qmp.sock");

	if (len < sizeof(((struct sockaddr_un *)0)->sun_path))
		return 0;
	return fail("VM \"%s\": its control socket %s/qmp.sock would be %zu bytes, over the "
		    "%zu a Unix socket takes: use a shorter name or $VMAPPLE_HOME", name, dir, len,
		    sizeof(((struct sockaddr_un *)0)->sun_path) - 1), -1;
}

/* A source that is a bundle on the filesystem rather than a name. */
static bool is_path(const char *ref)
{
	return ref[0] == '/' || ref[0] == '.';
}

/* --insecure and the progress lines: to stdout, which Orchard leaves unread. */
static void oci_options(const struct cmdline *cl, unsigned int insecure_flag,
			struct oci_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->insecure = cl->value[insecure_flag] != NULL;
	o->progress = stdout;
}

/* The cached image @ref names, pulled first unless it is there (Orchard's IfNotPresent). */
static int cached_or_pulled(const struct vm_store *s, const char *ref, const struct oci_opts *o,
			    char *dir, size_t len)
{
	char err[PATH_MAX + 512], fqn[PATH_MAX];
	int rc = oci_cached(s, ref, dir, len, fqn, sizeof(fqn), err, sizeof(err));

	if (rc < 0)
		return fail("%s", err), -1;
	if (rc == 0 && oci_pull(s, ref, o, dir, len, err, sizeof(err)))
		return fail("%s", err), -1;
	return 0;
}

static int cmd_pull(const struct vetu_cmd *c, struct cmdline *cl, vetu_run_fn run)
{
	const char *ref = cl->pos[0];
	char dir[PATH_MAX], err[PATH_MAX + 512];
	struct oci_opts o;
	struct vm_store s;

	(void)c, (void)run;
	if (!vm_store_is_remote(ref) || is_path(ref)) {
		printf("\"%s\" is a local image, nothing to pull here!\n", ref);
		return 0;
	}
	if (open_store(&s))
		return EXIT_FAIL;
	oci_options(cl, 1, &o);
	if (oci_pull(&s, ref, &o, dir, sizeof(dir), err, sizeof(err)))
		return fail("%s", err);
	return 0;
}

/* push NAME|PATH REF: a store VM (or a bundle) to a registry, in Tart's format. */
static int cmd_push(const struct vetu_cmd *c, struct cmdline *cl, vetu_run_fn run)
{
	const char *src = cl->pos[0], *ref = cl->pos[1];
	char dir[PATH_MAX], err[PATH_MAX + 512];
	uint64_t chunk_mb = 0;
	struct oci_opts o;
	struct vm_store s;
	pid_t pid;

	(void)run;
	if (cl->value[1] && number(c->name, "--chunk-size", cl->value[1], 0, 4096, &chunk_mb))
		return EXIT_USAGE;
	if (open_store(&s))
		return EXIT_FAIL;
	if (is_path(src))
		snprintf(dir, sizeof(dir), "%s", src);
	else if (existing_vm(&s, src, dir, sizeof(dir)))
		return EXIT_FAIL;
	/* As for clone: a running VM's disk has no consistent image. */
	if (!is_path(src) && vm_store_running(dir, &pid))
		return fail("VM \"%s\" is running (pid %d): stop it before pushing it", src,
			    (int)pid);
	oci_options(cl, 0, &o);
	/* MB as Tart's --chunk-size counts them: 10^6 bytes. */
	o.chunk_size = chunk_mb * 1000000;
	if (oci_push(&s, dir, ref, &o, err, sizeof(err)))
		return fail("%s", err);
	return 0;
}

/* A remote name as its cached image's HOST/REPOSITORY@DIGEST; a local one as it is. */
static int cmd_fqn(const struct vetu_cmd *c, struct cmdline *cl, vetu_run_fn run)
{
	const char *ref = cl->pos[0];
	char dir[PATH_MAX], fqn[PATH_MAX], err[PATH_MAX + 512];
	struct vm_store s;
	int rc;

	(void)c, (void)run;
	if (!vm_store_is_remote(ref) || is_path(ref)) {
		printf("%s\n", ref);
		return 0;
	}
	if (open_store(&s))
		return EXIT_FAIL;
	rc = oci_cached(&s, ref, dir, sizeof(dir), fqn, sizeof(fqn), err, sizeof(err));
	if (rc < 0)
		return fail("%s", err);
	if (!rc)
		return fail("%s: not pulled (vetu pull %s)", ref, ref);
	printf("%s\n", fqn);
	return 0;
}

/* Into a dot name beside the VMs, then renamed: a failed clone leaves nothing listed. */
static int cmd_clone(const struct vetu_cmd *c, struct cmdline *cl, vetu_run_fn run)
{
	const char *src = cl->pos[0], *name = cl->pos[1];
	char src_dir[PATH_MAX], tmp[PATH_MAX], dst[PATH_MAX], err[PATH_MAX + 256];
	static struct bundle b;
	struct clone_stats st;
	struct vm_store s;
	uint8_t mac[6];

	(void)c, (void)run;
	if (open_store(&s))
		return EXIT_FAIL;
	if (vm_store_check_name(name, err, sizeof(err)))
		return fail("%s", err);
	if (is_path(src)) {
		snprintf(src_dir, sizeof(src_dir), "%s", src);
	} else if (vm_store_is_remote(src)) {
		struct oci_opts o;

		oci_options(cl, 1, &o);
		if (cached_or_pulled(&s, src, &o, src_dir, sizeof(src_dir)))
			return EXIT_FAIL;
	} else {
		pid_t pid;

		if (existing_vm(&s, src, src_dir, sizeof(src_dir)))
			return EXIT_FAIL;
		/* A running VM's disk is being written: no consistent copy of it exists. */
		if (vm_store_running(src_dir, &pid))
			return fail("VM \"%s\" is running (pid %d): stop it before cloning it", src,
				    (int)pid);
		/* Not running: a socket left by a killed run is stale (and clone copies no sockets). */
		if (snprintf(err, sizeof(err), "%s/qmp.sock", src_dir) < (int)sizeof(err))
			unlink(err);
	}
	if (vm_store_exists(&s, name))
		return fail("VM \"%s\" already exists", name);
	if (bundle_open(&b, src_dir, err, sizeof(err)))
		return fail("%s", err);
	if (vm_store_dir(&s, name, dst, sizeof(dst)) ||
	    snprintf(tmp, sizeof(tmp), "%s/.clone-%d-%s", s.vms, (int)getpid(), name) >=
	    (int)sizeof(tmp))
		return fail("VM \"%s\": its path is too long", name);
	if (qmp_path_fits(dst, name))
		return EXIT_FAIL;
	/* Reflinked where the store's filesystem can; copied sparsely where not. */
	if (clone_tree(src_dir, tmp, true, &st, err, sizeof(err)))
		return fail("%s", err);
	if (b.has_mac && clone_fresh_mac(mac)) {
		clone_remove(tmp);
		return fail("VM \"%s\": no random MAC address (getrandom failed)", name);
	}
	if (b.has_mac && bundle_set_mac(tmp, mac, err, sizeof(err))) {
		clone_remove(tmp);
		return fail("%s", err);
	}
	/* The source's run state stays behind: the clone has never run. */
	if (snprintf(err, sizeof(err), "%s/run.lock", tmp) < (int)sizeof(err))
		unlink(err);
	if (snprintf(err, sizeof(err), "%s/run.pid", tmp) < (int)sizeof(err))
		unlink(err);
	/* Never over a VM another clone put there meanwhile. */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_NOREPLACE)) {
		int e = errno;

		clone_remove(tmp);
		if (e == EEXIST)
			return fail("VM \"%s\" already exists", name);
		return fail("cannot move the clone into place as %s: %s", dst, strerror(e));
	}
	return 0;
}

static int cmd_set(const struct vetu_cmd *c, struct cmdline *cl, vetu_run_fn run)
{
	char dir[PATH_MAX], err[PATH_MAX + 256];
	static struct bundle b;
	struct vm_settings set;
	struct vm_store s;
	uint64_t v;

	(void)run;
	if (open_store(&s) || existing_vm(&s, cl->pos[0], dir, sizeof(dir)))
		return EXIT_FAIL;
	if (vm_settings_read(dir, &set, err, sizeof(err)))
		return fail("%s", err);
	if (cl->value[0]) {
		if (number(c->name, "--cpu", cl->value[0], 1, 255, &v))
			return EXIT_USAGE;
		set.cpus = (unsigned int)v;
	}
	if (cl->value[1]) {
		if (number(c->name, "--memory", cl->value[1], 1, 1u << 24, &v))
			return EXIT_USAGE;
		set.memory_mib = v;
	}
	if (cl->value[2]) {
		if (number(c->name, "--disk-size", cl->value[2], 1, 65535, &v))
			return EXIT_USAGE;
		if (bundle_open(&b, dir, err, sizeof(err)) ||
		    vm_store_grow_disk(b.disk, v * 1000000000ull, err, sizeof(err)))
			return fail("%s", err);
	}
	if ((cl->value[0] || cl->value[1]) && vm_settings_write(dir, &set, err, sizeof(err)))
		return fail("%s", err);
	return 0;
}

/* The launcher's own run of the bundle, the run lock held for this process's life. */
static int cmd_run(const struct vetu_cmd *c, struct cmdline *cl, vetu_run_fn run)
{
	static char dir[PATH_MAX], qmp[PATH_MAX + 16], pidfile[PATH_MAX + 16], cpus[16], mem[32];
	char state[PATH_MAX];
	char err[PATH_MAX + 256], *argv[16];
	struct vm_settings set;
	struct vm_store s;
	int argc = 0;

	(void)c;
	if (open_store(&s) || existing_vm(&s, cl->pos[0], dir, sizeof(dir)))
		return EXIT_FAIL;
	if (vm_settings_read(dir, &set, err, sizeof(err)))
		return fail("%s", err);
	if (qmp_path_fits(dir, cl->pos[0]))
		return EXIT_FAIL;
	if (vm_store_hold_running(dir, cl->pos[0], err, sizeof(err)) < 0)
		return fail("%s", err);
	if (snprintf(qmp, sizeof(qmp), "unix:%s/qmp.sock", dir) >= (int)sizeof(qmp) ||
	    snprintf(pidfile, sizeof(pidfile), "%s/run.pid", dir) >= (int)sizeof(pidfile))
		return fail("VM \"%s\": its path is too long", cl->pos[0]);
	argv[argc++] = "vmapple";
	argv[argc++] = "run";
	argv[argc++] = dir;
	argv[argc++] = "--qmp";
	argv[argc++] = qmp;
	argv[argc++] = "--pidfile";
	argv[argc++] = pidfile;
	if (set.cpus) {
		snprintf(cpus, sizeof(cpus), "%u", set.cpus);
		argv[argc++] = "--cpus";
		argv[argc++] = cpus;
	}
	if (set.memory_mib) {
		snprintf(mem, sizeof(mem), "%lluM", (unsigned long long)set.memory_mib);
		argv[argc++] = "--mem";
		argv[argc++] = mem;
	}
	/* Reachable at its own IP, as Orchard dials it, when the host has the network. */
	if (shared_net_path(state, sizeof(state), SHARED_NET_STATE) && !access(state, F_OK)) {
		argv[argc++] = "--net";
		argv[argc++] = "shared";
	}
	argv[argc] = NULL;
	return run(argc, argv);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static int cmd_ip(const struct vetu_cmd *c, struct cmdline *cl, vetu_run_fn run)
{
	char dir[PATH_MAX], leases[PATH_MAX + 32], err[PATH_MAX + 256], ip[64];
	static struct bundle b;
	struct vm_store s;
	uint64_t wait = 0, tries;

	(void)run;
	if (cl->value[0] && number(c->name, "--wait", cl->value[0], 0, 65535, &wait))
		return EXIT_USAGE;
	if (open_store(&s) || existing_vm(&s, cl->pos[0], dir, sizeof(dir)))
		return EXIT_FAIL;
	if (bundle_open(&b, dir, err, sizeof(err)))
		return fail("%s", err);
	if (!b.has_mac)
		return fail("VM \"%s\" has no network device (its bundle names no MAC)", cl->pos[0]);
	/* The shared network's, one per host (net/shared_net.h). */
	if (!shared_net_path(leases, sizeof(leases), SHARED_NET_LEASES))
		return fail("%s: the path is too long", shared_net_dir());
	/* Once a second, as vetu polls, for up to --wait seconds. */
	for (tries = 0; tries <= wait; tries++) {
		if (tries)
			sleep_ms(1000);
		if (!vm_ip_lookup(b.mac, leases, VM_IP_ARP_TABLE, ip, sizeof(ip))) {
			printf("%s\n", ip);
			return 0;
		}
	}
	return fail("VM's IP not found in the DHCP leases or the ARP cache, is the VM running?");
}

/*
 * @sig to the process holding @dir's run lock, through a pidfd taken while
 * it held it: never to a process that took its PID since.  false: no run.
 */
static bool signal_run(const char *dir, int sig)
{
	pid_t pid, again;
	bool sent;
	int fd;

	if (!vm_store_running(dir, &pid) || pid <= 0)
		return false;
	fd = pidfd_open(pid, 0);
	if (fd < 0)
		return false;
	/* The lock still that process's: the pidfd names the run, not a recycled PID. */
	sent = vm_store_running(dir, &again) && again == pid && !pidfd_send_signal(fd, sig, NULL, 0);
	close(fd);
	return sent;
}

static bool wait_stopped(const char *dir, uint64_t tenths)
{
	pid_t pid;
	uint64_t i;

	for (i = 0; i < tenths; i++) {
		if (!vm_store_running(dir, &pid))
			return true;
		sleep_ms(100);
	}
	return !vm_store_running(dir, &pid);
}

/* The power button (SIGINT, as vetu sends it), then SIGKILL after --timeout. */
static int cmd_stop(const struct vetu_cmd *c, struct cmdline *cl, vetu_run_fn run)
{
	char dir[PATH_MAX];
	uint64_t timeout = 30;
	struct vm_store s;

	(void)run;
	if (cl->value[0] && number(c->name, "--timeout", cl->value[0], 0, 65535, &timeout))
		return EXIT_USAGE;
	if (open_store(&s) || existing_vm(&s, cl->pos[0], dir, sizeof(dir)))
		return EXIT_FAIL;
	if (!signal_run(dir, SIGINT))
		return fail("VM \"%s\" is not running", cl->pos[0]);
	if (wait_stopped(dir, timeout * 10))
		return 0;
	signal_run(dir, SIGKILL);
	if (wait_stopped(dir, 50))
		return 0;
	return fail("VM \"%s\" is still running after SIGKILL", cl->pos[0]);
}

static int cmd_delete(const struct vetu_cmd *c, struct cmdline *cl, vetu_run_fn run)
{
	struct vm_store s;
	unsigned int i;
	int status = 0;

	(void)c, (void)run;
	if (open_store(&s))
		return EXIT_FAIL;
	for (i = 0; i < cl->npos; i++) {
		char dir[PATH_MAX], gone[PATH_MAX + 32], why[PATH_MAX + 64];
		int ret, lock;
		pid_t pid;

		if (existing_vm(&s, cl->pos[i], dir, sizeof(dir))) {
			status = EXIT_FAIL;
			continue;
		}
		/* Its run lock held while it goes: no run can start on it meanwhile. */
		lock = vm_store_hold_running(dir, cl->pos[i], why, sizeof(why));
		if (lock < 0) {
			if (vm_store_running(dir, &pid))
				status = fail("cannot remove VM %s: it is running (pid %d)",
					      cl->pos[i], (int)pid);
			else
				status = fail("cannot remove VM %s: %s", cl->pos[i], why);
			continue;
		}
		/* Out of the store's names first: a half-removed VM is never listed or run. */
		ret = snprintf(gone, sizeof(gone), "%s/.delete-%d-%s", s.vms, (int)getpid(),
			       cl->pos[i]) >= (int)sizeof(gone) ? -ENAMETOOLONG :
		      rename(dir, gone) ? -errno : clone_remove(gone);
		close(lock);
		if (ret)
			status = fail("cannot remove VM %s: %s", cl->pos[i], strerror(-ret));
	}
	return status;
}

static int cmd_list(const struct vetu_cmd *c, struct cmdline *cl, vetu_run_fn run)
{
	const char *format = cl->value[0] ? cl->value[0] : "text";
	const char *source = cl->value[1];
	char err[PATH_MAX + 128];
	struct vm_store_entry *e;
	struct vm_store s;
	size_t n, i;
	int ret;

	(void)c, (void)run;
	if (strcmp(format, "text") && strcmp(format, "json")) {
		fprintf(stderr, "vetu list: --format %s: want text or json\n", format);
		return EXIT_USAGE;
	}
	if (source && strcmp(source, "local") && strcmp(source, "oci")) {
		fprintf(stderr, "vetu list: --source %s: want local or oci\n", source);
		return EXIT_USAGE;
	}
	if (open_store(&s))
		return EXIT_FAIL;
	if (vm_store_list(&s, &e, &n, err, sizeof(err)))
		return fail("%s", err);
	if (source && !strcmp(source, "oci"))
		n = 0;	/* no OCI images are cached here */
	if (cl->value[2]) {
		for (i = 0; i < n; i++)
			printf("%s\n", e[i].name);
		ret = 0;
	} else {
		ret = vm_store_print_list(stdout, e, n, !strcmp(format, "json"));
	}
	free(e);
	return ret ? EXIT_FAIL : 0;
}

static const struct vetu_cmd commands[] = {
	{ "pull", 1, 1, "REMOTE_NAME", { { "--concurrency", NULL, true },
					 { "--insecure", NULL, false } }, cmd_pull },
	{ "push", 2, 2, "NAME|PATH REMOTE_NAME [--insecure] [--chunk-size MB]",
	  { { "--insecure", NULL, false }, { "--chunk-size", NULL, true },
	    { "--concurrency", NULL, true } }, cmd_push },
	{ "fqn", 1, 1, "NAME", { { 0 } }, cmd_fqn },
	{ "clone", 2, 2, "SOURCE LOCAL_NAME", { { "--concurrency", NULL, true },
						{ "--insecure", NULL, false } }, cmd_clone },
	{ "set", 1, 1, "NAME [--cpu N] [--memory MIB] [--disk-size GB]",
	  { { "--cpu", NULL, true }, { "--memory", NULL, true }, { "--disk-size", NULL, true } },
	  cmd_set },
	{ "run", 1, 1, "NAME", { { 0 } }, cmd_run },
	{ "ip", 1, 1, "NAME [--wait SECONDS]", { { "--wait", NULL, true } }, cmd_ip },
	{ "stop", 1, 1, "NAME [--timeout SECONDS]", { { "--timeout", "-t", true } }, cmd_stop },
	{ "delete", 1, MAX_ARGS, "NAME...", { { 0 } }, cmd_delete },
	{ "list", 0, 0, "[--format text|json] [--source local|oci] [-q]",
	  { { "--format", NULL, true }, { "--source", NULL, true }, { "--quiet", "-q", false } },
	  cmd_list },
};

static int usage(void)
{
	size_t i;

	fprintf(stderr, "usage: vetu COMMAND ...\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, "  %s %s\n", commands[i].name, commands[i].usage);
	fprintf(stderr, "(suspend, create, login and logout are not supported)\n");
	return EXIT_USAGE;
}

int vetu_main(int argc, char **argv, vetu_run_fn run)
{
	struct cmdline cl;
	size_t i;

	if (argc < 1)
		return usage();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct vetu_cmd *c = &commands[i];

		if (strcmp(argv[0], c->name))
			continue;
		if (parse(c, argc, argv, &cl))
			return EXIT_USAGE;
		return c->run(c, &cl, run);
	}
	fprintf(stderr, "vetu: unknown command \"%s\"\n", argv[0]);
	return usage();
}
