/* SPDX-License-Identifier: GPL-2.0 */
/* cli.h - the vmapple command line, parsed without side effects. */
#ifndef VMAPPLE_CLI_H
#define VMAPPLE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vmapple_command {
	VMAPPLE_CMD_HELP,
	VMAPPLE_CMD_VERSION,
	VMAPPLE_CMD_CHECK,
	VMAPPLE_CMD_RUN,
	VMAPPLE_CMD_STAT,
	VMAPPLE_CMD_STOP,
	VMAPPLE_CMD_QMP,
	VMAPPLE_CMD_NVRAM,
	VMAPPLE_CMD_INSPECT,
	VMAPPLE_CMD_CLONE,
	VMAPPLE_CMD_RESOURCES,
};

#define VMAPPLE_MAX_DRIVES	4
#define VMAPPLE_MAX_NETS	2

struct vmapple_args {
	enum vmapple_command command;
	const char *kvm_path;		/* --kvm, default /dev/kvm */
	const char *module_path;	/* --module, default /dev/vmapple_kvm; run: "none" */
	const char *bios;		/* run: --bios, or */
	const char *kernel;		/* run: --kernel (a Linux Image) */
	const char *initrd;		/* run: --initrd (with --kernel) */
	const char *append;		/* run: --append (with --kernel) */
	const char *drive[VMAPPLE_MAX_DRIVES];	/* run: --drive FILE[,ro], repeatable */
	uint64_t nr_drives;
	const char *net[VMAPPLE_MAX_NETS];	/* run: --net SPEC, repeatable */
	uint64_t nr_nets;
	uint64_t rng;			/* run: --rng on|off; default on */
	uint64_t max_macos;		/* run: --max-macos-instances N; not given: the host's */
	uint64_t sound;			/* run: --sound on|off; default on with --bios */
	uint64_t balloon;		/* run: --balloon on|off; default on */
	const char *pidfile;		/* run: write it; stop: read it */
	const char *console;		/* run: --console stdio|unix:PATH */
	const char *qmp;		/* run: --qmp unix:PATH, the control socket */
	const char *qmp_socket;		/* qmp: SOCKET (a path, or unix:PATH) */
	const char *qmp_command;	/* qmp: the command, as JSON */
	bool qmp_events;		/* qmp: --events, print events until the VM ends */
	const char *help_topic;		/* help: COMMAND, or NULL for the overview */
	const char *bundle;		/* run: BUNDLE or --bundle; inspect: BUNDLE; clone: SRC */
	const char *clone_dst;		/* clone: DST */
	uint64_t ephemeral;		/* run: --ephemeral */
	uint64_t paused;		/* run: --paused, the vCPUs wait for QMP's cont */
	uint64_t event_idx;		/* run: --event-idx on|off (default on) */
	uint64_t json;			/* inspect: --json */
	uint64_t allow_copy;		/* clone: --allow-copy */
	uint64_t given;			/* bit per options-table entry given (vmapple_given) */
	const char *nvram_target;	/* nvram: an aux image, or a bundle holding one */
	const char *nvram_action;	/* nvram: print, set or unset */
	const char *nvram_arg;		/* nvram: KEY=VALUE (set) or KEY (unset) */
	uint64_t pid;			/* stop: --pid */
	const char *disk;		/* run: --disk */
	const char *aux;		/* run: --aux */
	uint64_t mem;			/* run: --mem, bytes; default 1 GiB */
	uint64_t cpus;			/* run: --cpus; default 1 */
	uint64_t ecid;			/* run: --ecid */
	const char *serial;		/* run: --serial (cfg), default "1234" */
	const char *model;		/* run: --model (cfg), default "VM0001" */
	uint64_t fix_used_ring;		/* run: --fix-overlapping-used on|off; default on */
	uint64_t production_mode;	/* run: --production-mode on|off; default on */
	const char *on_reset;		/* run: --on-reset restart|exit; default restart */
	const char *board;		/* run: --board vmapple|t8103; default vmapple */
	uint64_t stop_timeout;		/* run: --stop-timeout SECONDS; default 30 */
	uint64_t reset_limit;		/* run: --reset-limit N; default 10 */
	uint64_t reset_window;		/* run: --reset-window SECONDS; default 60 */
	uint64_t interval;		/* stat: --interval, seconds; default 1 */
	uint64_t count;			/* stat: --count, refreshes; 0 = until ^C */
};

#define VMAPPLE_EXIT_USAGE 2
#define VMAPPLE_SOUND_DEFAULT	2	/* --sound not given: on for --bios boots */
#define VMAPPLE_DEFAULT_RESET_LIMIT	10
#define VMAPPLE_DEFAULT_RESET_WINDOW	60
#define VMAPPLE_MAX_RESET_LIMIT		1000	/* = BOARD_MAX_RESET_LIMIT */

/*
 * Parse argv.  Returns 0, or -1 with a one-line message naming the bad
 * input in @err (the caller prints it and exits VMAPPLE_EXIT_USAGE).
 */
int vmapple_parse_args(int argc, char **argv, struct vmapple_args *args,
		       char *err, size_t err_len);

extern const char vmapple_usage[];

/* Was option @name of the parsed command given (not just defaulted)? */
bool vmapple_given(const struct vmapple_args *args, const char *name);

/* `vmapple help COMMAND`'s text (NULL: the overview); NULL for no such command. */
const char *vmapple_help(const char *command);

#endif
