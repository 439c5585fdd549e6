// SPDX-License-Identifier: GPL-2.0
/* main.c - vmapple: the VMApple launcher's entry point and commands. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "boards/board_config.h"
#include "boards/board_kind.h"
#include "caps.h"
#include "bundle_run.h"
#include "clone.h"
#include "fleet/vetu.h"
#include "host_config.h"
#include "net/shared_setup.h"
#include "macos_slots.h"
#include "nvram.h"
#include "qmp.h"
#include "cli.h"
#include "kvm_probe.h"
#include "stat_view.h"
#include "vmk_client.h"

#define VMAPPLE_VERSION "0.1.0"

static int cmd_check(const struct vmapple_args *args)
{
	struct cap_row rows[CAPS_MAX_ROWS];
	struct host_caps caps;
	int n;

	kvm_probe(args->kvm_path, args->module_path, &caps);
	n = caps_rows(&caps, rows, CAPS_MAX_ROWS);
	printf("vmapple check: host KVM and the vmapple_kvm module\n\n");
	caps_print(stdout, rows, n);
	return caps_ready(rows, n) ? 0 : 1;
}

_Static_assert(VMAPPLE_MAX_RESET_LIMIT == BOARD_MAX_RESET_LIMIT, "one ceiling");

static volatile int stop_requests;
static const struct board_kind *volatile running_kind;	/* the handler wakes it */

static void on_stop_signal(int sig)
{
	int saved = errno;

	(void)sig;
	stop_requests++;
	if (running_kind && running_kind->wake)
		running_kind->wake();
	errno = saved;
}

/* "FILE" or "FILE,ro". */
static void parse_drive(const char *spec, struct board_drive *d)
{
	size_t n = strlen(spec);

	d->read_only = n > 3 && !strcmp(spec + n - 3, ",ro");
	d->path = d->read_only ? strndup(spec, n - 3) : spec;
}

static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f)) {
		fprintf(stderr, "vmapple: --pidfile %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	return 0;
}

/* --max-macos-instances, else the host's: the one Orchard is told (cmd_resources). */
static int macos_limit(const struct vmapple_args *args, unsigned int *max, char *err,
		       size_t err_len)
{
	struct host_config hc;

	if (vmapple_given(args, "--max-macos-instances")) {
		*max = (unsigned int)args->max_macos;
		return 0;
	}
	if (host_config_read(NULL, &hc, err, err_len))
		return -1;
	*max = hc.max_macos;
	return 0;
}

static int cmd_run(const struct vmapple_args *args)
{
	struct board_config cfg = {
		.bios = args->bios, .kernel = args->kernel, .initrd = args->initrd,
		.append = args->append, .mem = args->mem,
		.cpus = (unsigned int)args->cpus, .ecid = args->ecid, .kvm_path = args->kvm_path,
		.module_path = args->module_path, .rng = args->rng, .console = args->console,
		.qmp = args->qmp,
		.sound = args->sound == VMAPPLE_SOUND_DEFAULT ? !!args->bios : !!args->sound,
		.balloon = args->balloon,
		.nr_drives = (unsigned int)args->nr_drives, .nr_nets = (unsigned int)args->nr_nets,
		.serial = args->serial, .model = args->model,
		.development_mode = !args->production_mode,
		.keep_overlapping_used = !args->fix_used_ring,
		.no_event_idx = !args->event_idx,
		.exit_on_reset = !strcmp(args->on_reset, "exit"),
		.start_paused = args->paused,
		.stop_timeout_s = (unsigned int)args->stop_timeout,
		.reset_limit = (unsigned int)args->reset_limit,
		.reset_window_s = (unsigned int)args->reset_window,
	};
	struct sigaction sa = { .sa_handler = on_stop_signal };
	static char scratch[4096];
	static struct bundle bundle;
	const struct board_kind *kind;
	unsigned int i, max_macos;
	char err[1024];
	int status;

	if (args->cpus > UINT32_MAX)
		cfg.cpus = UINT32_MAX;	/* board_create names the range */
	for (i = 0; i < cfg.nr_drives; i++)
		parse_drive(args->drive[i], &cfg.drive[i]);
	if (args->disk)
		parse_drive(args->disk, &cfg.disk);
	if (args->aux)
		parse_drive(args->aux, &cfg.aux);
	for (i = 0; i < cfg.nr_nets; i++)
		cfg.net[i] = args->net[i];
	if (args->bundle && bundle_configure(args, &bundle, &cfg, scratch, sizeof(scratch), err,
					     sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		if (scratch[0])
			clone_remove(scratch);
		return BOARD_EXIT_ERROR;
	}
	/* SIGTERM (or `vmapple stop`) presses the power button; the second forces off. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	kind = board_kind_find(args->board);
	if (!kind) {	/* the command line checked the name */
		fprintf(stderr, "vmapple run: no board '%s'\n", args->board);
		return BOARD_EXIT_ERROR;
	}
	/* Held (by the kernel's flock) until the process ends, however it ends. */
	if (cfg.bios && (macos_limit(args, &max_macos, err, sizeof(err)) ||
			 macos_slot_take(NULL, max_macos, err, sizeof(err)) < 0)) {
		fprintf(stderr, "%s\n", err);
		return BOARD_EXIT_ERROR;
	}
	if (args->pidfile && write_pidfile(args->pidfile))
		return BOARD_EXIT_ERROR;
	cfg.remove_once_open = scratch[0] ? scratch : NULL;
	running_kind = kind;
	status = kind->run(&cfg, &stop_requests);
	if (scratch[0])
		clone_remove(scratch);
	if (args->pidfile)
		unlink(args->pidfile);
	return status;
}

/* The pid a `vmapple run` wrote, checked to be a running vmapple. */
static int stop_target(const struct vmapple_args *args, pid_t *pid)
{
	char path[64], comm[32] = "";
	FILE *f;
	int n;

	*pid = (pid_t)args->pid;
	if (args->pidfile) {
		f = fopen(args->pidfile, "r");
		n = f ? fscanf(f, "%d", pid) : 0;
		if (f)
			fclose(f);
		if (!f || n != 1 || *pid <= 0) {
			fprintf(stderr, "vmapple stop: --pidfile %s: %s\n", args->pidfile,
				!f ? strerror(errno) : "holds no pid");
			return -1;
		}
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)*pid);
	f = fopen(path, "r");
	if (!f || !fgets(comm, sizeof(comm), f) || strncmp(comm, "vmapple", 7)) {
		fprintf(stderr, "vmapple stop: pid %d is not a running vmapple\n", (int)*pid);
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int cmd_stop(const struct vmapple_args *args)
{
	pid_t pid;

	if (stop_target(args, &pid))
		return 1;
	if (kill(pid, SIGTERM)) {
		fprintf(stderr, "vmapple stop: pid %d: %s\n", (int)pid, strerror(errno));
		return 1;
	}
	printf("vmapple stop: asked the VM of pid %d to power off (its power button; a second "
	       "stop forces it off)\n", (int)pid);
	return 0;
}

static volatile sig_atomic_t stat_interrupted;

static void stat_on_signal(int sig)
{
	(void)sig;
	stat_interrupted = 1;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A kvm_stat-like view of the module's counters for every attached VM. */
static int cmd_stat(const struct vmapple_args *args)
{
	static struct vmapple_kvm_vm_stats cur[VMK_STATS_MAX_VMS], prev[VMK_STATS_MAX_VMS];
	unsigned int n_prev = 0, round;
	double t_prev = 0;
	char err[256];
	int fd, ret = 0;

	fd = vmk_open(args->module_path, err, sizeof(err));
	if (fd < 0) {
		fprintf(stderr, "vmapple stat: %s\n", err);
		return 1;
	}
	signal(SIGINT, stat_on_signal);
	signal(SIGTERM, stat_on_signal);
	for (round = 0; !stat_interrupted && (!args->count || round < args->count); round++) {
		unsigned int n = VMK_STATS_MAX_VMS;
		double t;

		if (round)
			sleep((unsigned int)args->interval);
		if (stat_interrupted)
			break;
		ret = vmk_get_vm_stats(fd, cur, &n);
		if (ret) {
			fprintf(stderr, "vmapple stat: %s: %s\n", args->module_path, strerror(-ret));
			break;
		}
		if (n > VMK_STATS_MAX_VMS)
			n = VMK_STATS_MAX_VMS;
		t = now_seconds();
		if (round)
			printf("\n");
		stat_print(stdout, cur, n, round ? prev : NULL, n_prev, t - t_prev);
		fflush(stdout);
		memcpy(prev, cur, sizeof(cur[0]) * n);
		n_prev = n;
		t_prev = t;
	}
	close(fd);
	return ret ? 1 : 0;
}

/* One command to a run's control socket: its reply on stdout; 0 ok, 1 error reply. */
static int cmd_qmp(const struct vmapple_args *args)
{
	const char *path = args->qmp_socket;
	static char reply[QMP_MAX_MESSAGE];
	int ret;

	if (!strncmp(path, "unix:", 5))
		path += 5;
	if (args->qmp_events) {
		ret = qmp_client_events(path, stdout);
		if (ret)
			fprintf(stderr, "vmapple qmp: %s: %s\n", args->qmp_socket, strerror(-ret));
		return ret ? BOARD_EXIT_ERROR : 0;
	}
	ret = qmp_client_command(path, args->qmp_command, reply, sizeof(reply));
	if (ret < 0) {
		fprintf(stderr, "vmapple qmp: %s: %s\n", args->qmp_socket, strerror(-ret));
		return BOARD_EXIT_ERROR;
	}
	printf("%s\n", reply);
	return ret ? BOARD_EXIT_ERROR : 0;
}

/* The aux image of @target: itself, or the one in a bundle directory. */
static const char *nvram_aux(const char *target, char *buf, size_t len)
{
	static struct bundle b;
	char err[1024];
	struct stat st;

	if (stat(target, &st) || !S_ISDIR(st.st_mode))
		return target;
	if (!bundle_open(&b, target, err, sizeof(err))) {
		snprintf(buf, len, "%s", b.aux);
		return buf;
	}
	/* Not a layout we know: a directory with an aux.img will do. */
	snprintf(buf, len, "%s/aux.img", target);
	if (access(buf, F_OK))
		fprintf(stderr, "%s\n", err);
	return buf;
}

static int cmd_nvram(const struct vmapple_args *args)
{
	bool print = !strcmp(args->nvram_action, "print");
	char path[4096], err[512];
	const char *aux = nvram_aux(args->nvram_target, path, sizeof(path));
	struct nvram nv;
	const char *why;
	uint32_t off;
	int ret;

	if (nvram_open(&nv, aux, !print, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return BOARD_EXIT_ERROR;
	}
	why = nvram_bad_bank(&nv, &off);
	if (why)
		fprintf(stderr, "vmapple nvram: %s: the bank at 0x%x is not valid (%s); the other "
			"is used\n", aux, off, why);
	if (print) {
		ret = nvram_print(&nv, stdout) < 0;
	} else if (!strcmp(args->nvram_action, "set")) {
		char *kv = strdup(args->nvram_arg), *eq = strchr(kv, '=');

		*eq = 0;
		ret = nvram_set(&nv, kv, eq + 1, err, sizeof(err));
		free(kv);
	} else {
		ret = nvram_unset(&nv, args->nvram_arg, err, sizeof(err));
	}
	if (ret && !print)
		fprintf(stderr, "%s\n", err);
	nvram_close(&nv);
	return ret ? BOARD_EXIT_ERROR : 0;
}

/* `vmapple resources`: the worker's --resources, as Orchard's flag parses them. */
static int cmd_resources(void)
{
	struct host_config hc;
	char err[4352];

	if (host_config_read(NULL, &hc, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return BOARD_EXIT_ERROR;
	}
	printf("%s=%u\n", ORCHARD_RESOURCE_VMS, hc.max_macos);
	return 0;
}

static int vmapple_main(int argc, char **argv)
{
	struct vmapple_args args;
	char err[256];

	if (vmapple_parse_args(argc, argv, &args, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return VMAPPLE_EXIT_USAGE;
	}
	switch (args.command) {
	case VMAPPLE_CMD_CHECK:
		return cmd_check(&args);
	case VMAPPLE_CMD_RUN:
		return cmd_run(&args);
	case VMAPPLE_CMD_STAT:
		return cmd_stat(&args);
	case VMAPPLE_CMD_STOP:
		return cmd_stop(&args);
	case VMAPPLE_CMD_QMP:
		return cmd_qmp(&args);
	case VMAPPLE_CMD_NVRAM:
		return cmd_nvram(&args);
	case VMAPPLE_CMD_INSPECT:
		return bundle_inspect(&args);
	case VMAPPLE_CMD_CLONE:
		return bundle_clone(&args);
	case VMAPPLE_CMD_RESOURCES:
		return cmd_resources();
	case VMAPPLE_CMD_VERSION:
		printf("vmapple %s, vmapple_kvm ABI %d\n", VMAPPLE_VERSION, VMAPPLE_KVM_API_VERSION);
		return 0;
	case VMAPPLE_CMD_HELP:
		fputs(vmapple_help(args.help_topic), stdout);
		return 0;
	}
	return VMAPPLE_EXIT_USAGE;
}

/* Orchard's vetu runtime runs `vetu`: a symlink to us (or `vmapple vetu ...`). */
int main(int argc, char **argv)
{
	const char *self = argc ? strrchr(argv[0], '/') : NULL;

	/* A console or pipe reader that goes away must not kill the VM. */
	signal(SIGPIPE, SIG_IGN);
	self = self ? self + 1 : argc ? argv[0] : "";
	if (!strcmp(self, "vetu"))
		return vetu_main(argc - 1, argv + 1, vmapple_main);
	if (argc > 1 && !strcmp(argv[1], "vetu"))
		return vetu_main(argc - 2, argv + 2, vmapple_main);
	if (argc > 1 && !strcmp(argv[1], "network"))
		return shared_net_main(argc - 2, argv + 2);
	/* The registry's two, as the workflow names them: vmapple pull REF. */
	if (argc > 1 && (!strcmp(argv[1], "pull") || !strcmp(argv[1], "push")))
		return vetu_main(argc - 1, argv + 1, vmapple_main);
	return vmapple_main(argc, argv);
}
