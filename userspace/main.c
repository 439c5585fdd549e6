// SPDX-License-Identifier: GPL-2.0
/* main.c - vmapple: the VMApple launcher's entry point and commands. */
#include <stdint.h>
#include <stdio.h>

#include "board.h"
#include "caps.h"
#include "cli.h"
#include "kvm_probe.h"

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
	vm_print_stats(&board.vm, stderr);
	return status;
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
	case VMAPPLE_CMD_VERSION:
		printf("vmapple %s, vmapple_kvm ABI %d\n", VMAPPLE_VERSION, VMAPPLE_KVM_API_VERSION);
		return 0;
	case VMAPPLE_CMD_HELP:
		fputs(vmapple_usage, stdout);
		return 0;
	}
	return VMAPPLE_EXIT_USAGE;
}
