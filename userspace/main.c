// SPDX-License-Identifier: GPL-2.0
/* main.c - vmapple: the VMApple launcher's entry point and commands. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "caps.h"
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

static int cmd_run(const struct vmapple_args *args)
{
	struct board_config cfg = {
		.bios = args->bios, .disk = args->disk, .aux = args->aux, .mem = args->mem,
		.cpus = (unsigned int)args->cpus, .ecid = args->ecid, .kvm_path = args->kvm_path,
		.module_path = args->module_path,
	};
	static struct board board;
	char err[512];
	int status;

	if (args->cpus > UINT32_MAX)
		cfg.cpus = UINT32_MAX;	/* board_create names the range */
	if (board_create(&board, &cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return BOARD_EXIT_ERROR;
	}
	status = board_run(&board);
	board_print_stats(&board, stderr);
	return status;
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

int main(int argc, char **argv)
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
	case VMAPPLE_CMD_VERSION:
		printf("vmapple %s, vmapple_kvm ABI %d\n", VMAPPLE_VERSION, VMAPPLE_KVM_API_VERSION);
		return 0;
	case VMAPPLE_CMD_HELP:
		fputs(vmapple_usage, stdout);
		return 0;
	}
	return VMAPPLE_EXIT_USAGE;
}
