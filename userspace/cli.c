// SPDX-License-Identifier: GPL-2.0
/* cli.c - parse the vmapple command line into struct vmapple_args. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

const char vmapple_usage[] =
	"usage: vmapple COMMAND [OPTIONS]\n"
	"\n"
	"commands:\n"
	"  check [--kvm PATH] [--module PATH]\n"
	"                 report the host's KVM features and the vmapple_kvm module\n"
	"  version        print the launcher and ABI versions\n"
	"  help           print this text\n";

struct command_name {
	const char *name;
	enum vmapple_command command;
};

static const struct command_name commands[] = {
	{ "check", VMAPPLE_CMD_CHECK },
	{ "version", VMAPPLE_CMD_VERSION },
	{ "help", VMAPPLE_CMD_HELP },
	{ "--help", VMAPPLE_CMD_HELP },
	{ "-h", VMAPPLE_CMD_HELP },
};

/* Options that take a path, and where each one is stored. */
static const char **path_option(struct vmapple_args *args, const char *opt)
{
	if (args->command != VMAPPLE_CMD_CHECK)
		return NULL;
	if (!strcmp(opt, "--kvm"))
		return &args->kvm_path;
	if (!strcmp(opt, "--module"))
		return &args->module_path;
	return NULL;
}

int vmapple_parse_args(int argc, char **argv, struct vmapple_args *args,
		       char *err, size_t err_len)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	size_t i;
	int a;

	*args = (struct vmapple_args){
		.command = VMAPPLE_CMD_HELP,
		.kvm_path = "/dev/kvm",
		.module_path = "/dev/vmapple_kvm",
	};
	if (!name) {
		snprintf(err, err_len, "vmapple: no command given (try 'vmapple help')");
		return -1;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			break;
	if (i == sizeof(commands) / sizeof(commands[0])) {
		snprintf(err, err_len, "vmapple: unknown command '%s' (try 'vmapple help')", name);
		return -1;
	}
	args->command = commands[i].command;

	for (a = 2; a < argc; a++) {
		const char **slot = path_option(args, argv[a]);

		if (!slot) {
			snprintf(err, err_len, "vmapple %s: unknown option '%s'", name, argv[a]);
			return -1;
		}
		if (a + 1 >= argc || !argv[a + 1][0]) {
			snprintf(err, err_len, "vmapple %s: option '%s' needs a path", name, argv[a]);
			return -1;
		}
		*slot = argv[++a];
	}
	return 0;
}
