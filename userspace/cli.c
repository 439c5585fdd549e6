// SPDX-License-Identifier: GPL-2.0
/* cli.c - parse the vmapple command line into struct vmapple_args. */
#include "cli.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boards/board_kind.h"

struct command_name {
	const char *name;
	enum vmapple_command command;
};

static const struct command_name commands[] = {
	{ "run", VMAPPLE_CMD_RUN },
	{ "check", VMAPPLE_CMD_CHECK },
	{ "stat", VMAPPLE_CMD_STAT },
	{ "stop", VMAPPLE_CMD_STOP },
	{ "qmp", VMAPPLE_CMD_QMP },
	{ "nvram", VMAPPLE_CMD_NVRAM },
	{ "inspect", VMAPPLE_CMD_INSPECT },
	{ "clone", VMAPPLE_CMD_CLONE },
	{ "resources", VMAPPLE_CMD_RESOURCES },
	{ "version", VMAPPLE_CMD_VERSION },
	{ "help", VMAPPLE_CMD_HELP },
	{ "--help", VMAPPLE_CMD_HELP },
	{ "-h", VMAPPLE_CMD_HELP },
};

enum option_kind { OPT_PATH, OPT_SIZE, OPT_NUMBER, OPT_ON_OFF, OPT_LIST, OPT_FLAG };

struct option_spec {
	enum vmapple_command command;
	const char *name;
	enum option_kind kind;
	size_t offset;		/* into struct vmapple_args */
	size_t count_offset;	/* OPT_LIST: its uint64_t count */
	unsigned int max;	/* OPT_LIST: its capacity */
};

#define OPT(cmd, name, kind, field) { cmd, name, kind, offsetof(struct vmapple_args, field), 0, 0 }
#define OPT_LIST_OF(cmd, name, field, count) \
	{ cmd, name, OPT_LIST, offsetof(struct vmapple_args, field), \
	  offsetof(struct vmapple_args, count), \
	  sizeof(((struct vmapple_args *)0)->field) / sizeof(const char *) }

static const struct option_spec options[] = {
	OPT(VMAPPLE_CMD_CHECK, "--kvm", OPT_PATH, kvm_path),
	OPT(VMAPPLE_CMD_CHECK, "--module", OPT_PATH, module_path),
	OPT(VMAPPLE_CMD_RUN, "--kvm", OPT_PATH, kvm_path),
	OPT(VMAPPLE_CMD_RUN, "--module", OPT_PATH, module_path),
	OPT(VMAPPLE_CMD_RUN, "--bios", OPT_PATH, bios),
	OPT(VMAPPLE_CMD_RUN, "--disk", OPT_PATH, disk),
	OPT(VMAPPLE_CMD_RUN, "--aux", OPT_PATH, aux),
	OPT(VMAPPLE_CMD_RUN, "--mem", OPT_SIZE, mem),
	OPT(VMAPPLE_CMD_RUN, "--cpus", OPT_NUMBER, cpus),
	OPT(VMAPPLE_CMD_RUN, "--ecid", OPT_NUMBER, ecid),
	OPT(VMAPPLE_CMD_RUN, "--kernel", OPT_PATH, kernel),
	OPT(VMAPPLE_CMD_RUN, "--initrd", OPT_PATH, initrd),
	OPT(VMAPPLE_CMD_RUN, "--append", OPT_PATH, append),
	OPT_LIST_OF(VMAPPLE_CMD_RUN, "--drive", drive, nr_drives),
	OPT_LIST_OF(VMAPPLE_CMD_RUN, "--net", net, nr_nets),
	OPT(VMAPPLE_CMD_RUN, "--rng", OPT_ON_OFF, rng),
	OPT(VMAPPLE_CMD_RUN, "--sound", OPT_ON_OFF, sound),
	OPT(VMAPPLE_CMD_RUN, "--max-macos-instances", OPT_NUMBER, max_macos),
	OPT(VMAPPLE_CMD_RUN, "--balloon", OPT_ON_OFF, balloon),
	OPT(VMAPPLE_CMD_RUN, "--pidfile", OPT_PATH, pidfile),
	OPT(VMAPPLE_CMD_RUN, "--console", OPT_PATH, console),
	OPT(VMAPPLE_CMD_RUN, "--qmp", OPT_PATH, qmp),
	OPT(VMAPPLE_CMD_RUN, "--paused", OPT_FLAG, paused),
	OPT(VMAPPLE_CMD_RUN, "--bundle", OPT_PATH, bundle),
	OPT(VMAPPLE_CMD_RUN, "--ephemeral", OPT_FLAG, ephemeral),
	OPT(VMAPPLE_CMD_RUN, "--allow-copy", OPT_FLAG, allow_copy),
	OPT(VMAPPLE_CMD_INSPECT, "--json", OPT_FLAG, json),
	OPT(VMAPPLE_CMD_CLONE, "--allow-copy", OPT_FLAG, allow_copy),
	OPT(VMAPPLE_CMD_RUN, "--serial", OPT_PATH, serial),
	OPT(VMAPPLE_CMD_RUN, "--model", OPT_PATH, model),
	OPT(VMAPPLE_CMD_RUN, "--production-mode", OPT_ON_OFF, production_mode),
	OPT(VMAPPLE_CMD_RUN, "--fix-overlapping-used", OPT_ON_OFF, fix_used_ring),
	OPT(VMAPPLE_CMD_RUN, "--event-idx", OPT_ON_OFF, event_idx),
	OPT(VMAPPLE_CMD_RUN, "--on-reset", OPT_PATH, on_reset),
	OPT(VMAPPLE_CMD_RUN, "--board", OPT_PATH, board),
	OPT(VMAPPLE_CMD_RUN, "--stop-timeout", OPT_NUMBER, stop_timeout),
	OPT(VMAPPLE_CMD_RUN, "--reset-limit", OPT_NUMBER, reset_limit),
	OPT(VMAPPLE_CMD_RUN, "--reset-window", OPT_NUMBER, reset_window),
	OPT(VMAPPLE_CMD_STOP, "--pidfile", OPT_PATH, pidfile),
	OPT(VMAPPLE_CMD_STOP, "--pid", OPT_NUMBER, pid),
	OPT(VMAPPLE_CMD_STAT, "--module", OPT_PATH, module_path),
	OPT(VMAPPLE_CMD_STAT, "--interval", OPT_NUMBER, interval),
	OPT(VMAPPLE_CMD_STAT, "--count", OPT_NUMBER, count),
};

_Static_assert(sizeof(options) / sizeof(options[0]) <= 64, "vmapple_args.given has 64 bits");

bool vmapple_given(const struct vmapple_args *args, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (options[i].command == args->command && !strcmp(options[i].name, name))
			return args->given >> i & 1;
	return false;
}

static const struct option_spec *find_option(enum vmapple_command cmd, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (options[i].command == cmd && !strcmp(options[i].name, name))
			return &options[i];
	return NULL;
}

/* "512", "512M", "2G", "65536K": a byte count (plain numbers are MiB). */
static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long n;
	unsigned int shift = 20;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return false;
	if (*end) {
		switch (*end) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		default: return false;
		}
		if (end[1])
			return false;
	}
	if (n > (~0ull >> shift))
		return false;
	*out = (uint64_t)n << shift;
	return true;
}

static bool parse_number(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return !errno && end != s && !*end && s[0] != '-';
}

static int set_option(const struct option_spec *o, const char *value, struct vmapple_args *args,
		      const char *cmd_name, char *err, size_t err_len)
{
	char *field = (char *)args + o->offset;

	switch (o->kind) {
	case OPT_PATH:
		memcpy(field, &value, sizeof(value));
		return 0;
	case OPT_LIST: {
		uint64_t *count = (uint64_t *)(void *)((char *)args + o->count_offset);

		if (*count == o->max) {
			snprintf(err, err_len, "vmapple %s: %s '%s': at most %u of them", cmd_name,
				 o->name, value, o->max);
			return -1;
		}
		memcpy(field + *count * sizeof(value), &value, sizeof(value));
		++*count;
		return 0;
	}
	case OPT_ON_OFF:
		if (!strcmp(value, "on") || !strcmp(value, "off")) {
			*(uint64_t *)(void *)field = !strcmp(value, "on");
			return 0;
		}
		snprintf(err, err_len, "vmapple %s: %s '%s': on or off", cmd_name, o->name, value);
		return -1;
	case OPT_SIZE:
		if (parse_size(value, (uint64_t *)(void *)field))
			return 0;
		snprintf(err, err_len, "vmapple %s: %s '%s': not a size (like 512M or 2G)", cmd_name,
			 o->name, value);
		return -1;
	default:
		if (parse_number(value, (uint64_t *)(void *)field))
			return 0;
		snprintf(err, err_len, "vmapple %s: %s '%s': not a number", cmd_name, o->name, value);
		return -1;
	}
}

/* What a run needs: firmware or a kernel, and options that fit the one chosen. */
static int check_run(const struct vmapple_args *args, char *err, size_t err_len)
{
	if (!args->bios && !args->kernel && !args->bundle) {
		snprintf(err, err_len, "vmapple run: a BUNDLE, --bios FILE (AVPBooter.vmapple2.bin) "
			 "or --kernel IMAGE is required");
		return -1;
	}
	if (args->ephemeral && !args->bundle) {
		snprintf(err, err_len, "vmapple run: --ephemeral runs a copy of a bundle: give one");
		return -1;
	}
	if (args->bundle && args->kernel) {
		snprintf(err, err_len, "vmapple run: a bundle boots macOS from firmware; "
			 "--kernel does not go with it");
		return -1;
	}
	if (args->bios && args->kernel) {
		snprintf(err, err_len, "vmapple run: --bios and --kernel are two ways to boot; "
			 "give one");
		return -1;
	}
	if (!board_kind_known(args->board)) {
		snprintf(err, err_len, "vmapple run: --board '%s': one of %s", args->board,
			 board_kind_names());
		return -1;
	}
	if (strcmp(args->board, "vmapple") && (args->bundle || args->bios)) {
		snprintf(err, err_len, "vmapple run: --board %s boots only --kernel", args->board);
		return -1;
	}
	if (strcmp(args->on_reset, "restart") && strcmp(args->on_reset, "exit")) {
		snprintf(err, err_len, "vmapple run: --on-reset '%s': restart or exit",
			 args->on_reset);
		return -1;
	}
	if (args->reset_limit > VMAPPLE_MAX_RESET_LIMIT) {
		snprintf(err, err_len, "vmapple run: --reset-limit %llu: at most %d",
			 (unsigned long long)args->reset_limit, VMAPPLE_MAX_RESET_LIMIT);
		return -1;
	}
	if (vmapple_given(args, "--max-macos-instances") &&
	    (args->max_macos < 1 || args->max_macos > 64)) {
		snprintf(err, err_len, "vmapple run: --max-macos-instances %llu: 1 to 64",
			 (unsigned long long)args->max_macos);
		return -1;
	}
	if (args->stop_timeout < 1 || args->stop_timeout > 86400) {
		snprintf(err, err_len, "vmapple run: --stop-timeout %llu: 1 to 86400 seconds",
			 (unsigned long long)args->stop_timeout);
		return -1;
	}
	if (args->reset_window < 1 || args->reset_window > 86400) {
		snprintf(err, err_len, "vmapple run: --reset-window %llu: 1 to 86400 seconds",
			 (unsigned long long)args->reset_window);
		return -1;
	}
	if (args->paused && !args->qmp) {
		snprintf(err, err_len, "vmapple run: --paused waits for QMP's cont: give --qmp too");
		return -1;
	}
	if (!args->kernel && (args->initrd || args->append)) {
		snprintf(err, err_len, "vmapple run: --%s needs --kernel",
			 args->initrd ? "initrd" : "append");
		return -1;
	}
	return 0;
}

/*
 * The words that are not options: run's BUNDLE, inspect's BUNDLE, clone's
 * SRC and DST.  1 taken; 0 with the message in @err when there is no room.
 */
static int take_positional(struct vmapple_args *args, const char *word, const char *name,
			   char *err, size_t err_len)
{
	bool two = args->command == VMAPPLE_CMD_CLONE;

	err[0] = 0;
	if ((args->command == VMAPPLE_CMD_RUN || args->command == VMAPPLE_CMD_INSPECT || two) &&
	    !args->bundle) {
		args->bundle = word;
		return 1;
	}
	if (two && !args->clone_dst) {
		args->clone_dst = word;
		return 1;
	}
	snprintf(err, err_len, "vmapple %s: '%s': one %s is enough", name, word,
		 two ? "SRC and DST" : "bundle");
	if (args->command != VMAPPLE_CMD_RUN && args->command != VMAPPLE_CMD_INSPECT && !two)
		err[0] = 0;	/* no positional at all: an unknown option */
	return 0;
}

/* nvram AUX|BUNDLE print | set KEY=VALUE | unset KEY */
static int parse_nvram(int argc, char **argv, struct vmapple_args *args, char *err,
		       size_t err_len)
{
	const char *action = argc > 3 ? argv[3] : "";
	int want = !strcmp(action, "print") ? 4 : 5;

	if (argc < 4 || (strcmp(action, "print") && strcmp(action, "set") &&
			 strcmp(action, "unset"))) {
		snprintf(err, err_len, "vmapple nvram: give an aux image or bundle and print, "
			 "set KEY=VALUE or unset KEY");
		return -1;
	}
	if (argc != want || !argv[2][0]) {
		snprintf(err, err_len, "vmapple nvram %s: %s", action,
			 want == 4 ? "takes nothing more" :
			 !strcmp(action, "set") ? "give one KEY=VALUE" : "give one KEY");
		return -1;
	}
	if (!strcmp(action, "set") && !strchr(argv[4], '=')) {
		snprintf(err, err_len, "vmapple nvram set: '%s' is not KEY=VALUE", argv[4]);
		return -1;
	}
	args->nvram_target = argv[2];
	args->nvram_action = action;
	args->nvram_arg = want == 5 ? argv[4] : NULL;
	return 0;
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
		.mem = 1ull << 30,
		.cpus = 1,
		.interval = 1,
		.rng = 1,
		.sound = VMAPPLE_SOUND_DEFAULT,
		.balloon = 1,
		.on_reset = "restart",
		.board = "vmapple",
		.stop_timeout = 30,
		.production_mode = 1,
		.fix_used_ring = 1,
		.event_idx = 1,
		.reset_limit = VMAPPLE_DEFAULT_RESET_LIMIT,
		.reset_window = VMAPPLE_DEFAULT_RESET_WINDOW,
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
	if (args->command == VMAPPLE_CMD_QMP) {
		if (argc != 4 || !argv[2][0] || !argv[3][0]) {
			snprintf(err, err_len, "vmapple qmp: give the socket and one command, or "
				 "--events: vmapple qmp PATH '{\"execute\": \"query-status\"}'");
			return -1;
		}
		args->qmp_socket = argv[2];
		args->qmp_command = argv[3];
		args->qmp_events = !strcmp(argv[3], "--events");
		if (argv[3][0] == '-' && !args->qmp_events) {
			snprintf(err, err_len, "vmapple qmp: unknown option '%s' (a command is JSON; "
				 "--events listens)", argv[3]);
			return -1;
		}
		return 0;
	}

	if (args->command == VMAPPLE_CMD_NVRAM)
		return parse_nvram(argc, argv, args, err, err_len);
	if (args->command == VMAPPLE_CMD_HELP) {
		if (argc > 3 || (argc == 3 && !vmapple_help(argv[2]))) {
			snprintf(err, err_len, "vmapple help: no command '%s' (try 'vmapple help')",
				 argv[2]);
			return -1;
		}
		args->help_topic = argc == 3 ? argv[2] : NULL;
		return 0;
	}

	for (a = 2; a < argc; a++) {
		const struct option_spec *o = find_option(args->command, argv[a]);

		bool said = false;

		if (!o && argv[a][0] != '-' && argv[a][0]) {
			if (take_positional(args, argv[a], name, err, err_len) > 0)
				continue;
			said = err[0];
		}
		if (!o) {
			if (!said)
				snprintf(err, err_len, "vmapple %s: unknown option '%s'", name,
					 argv[a]);
			return -1;
		}
		args->given |= 1ull << (o - options);
		if (o->kind == OPT_FLAG) {
			*(uint64_t *)(void *)((char *)args + o->offset) = 1;
			continue;
		}
		if (a + 1 >= argc || !argv[a + 1][0]) {
			snprintf(err, err_len, "vmapple %s: option '%s' needs a %s", name, argv[a],
				 o->kind == OPT_PATH ? "path" : "value");
			return -1;
		}
		if (set_option(o, argv[++a], args, name, err, err_len))
			return -1;
	}
	if (args->command == VMAPPLE_CMD_STAT && (args->interval < 1 || args->interval > 3600)) {
		snprintf(err, err_len, "vmapple stat: --interval %llu: between 1 and 3600 seconds",
			 (unsigned long long)args->interval);
		return -1;
	}
	if (args->command == VMAPPLE_CMD_RUN)
		return check_run(args, err, err_len);
	if (args->command == VMAPPLE_CMD_INSPECT && !args->bundle) {
		snprintf(err, err_len, "vmapple inspect: give a bundle: vmapple inspect BUNDLE [--json]");
		return -1;
	}
	if (args->command == VMAPPLE_CMD_CLONE && !args->clone_dst) {
		snprintf(err, err_len, "vmapple clone: give the bundle and the new name: "
			 "vmapple clone SRC DST [--allow-copy]");
		return -1;
	}
	if (args->command == VMAPPLE_CMD_STOP && !args->pid == !args->pidfile) {
		snprintf(err, err_len, "vmapple stop: give the VM as --pid N or --pidfile FILE "
			 "(one of them)");
		return -1;
	}
	return 0;
}
