/* SPDX-License-Identifier: GPL-2.0 */
/*
 * board_config.h - what `vmapple run` asks of a board (every board reads
 * the options it has), and the run's exit statuses.
 */
#ifndef VMAPPLE_BOARD_CONFIG_H
#define VMAPPLE_BOARD_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

/* `vmapple run`'s exit statuses. */
#define BOARD_EXIT_POWEROFF	0
#define BOARD_EXIT_ERROR	1
#define BOARD_EXIT_GUEST_PANIC	3
#define BOARD_EXIT_FORCED_OFF	4	/* a second stop request, or --stop-timeout */
#define BOARD_EXIT_RESET	5	/* the guest asked for a reset, with --on-reset exit */
#define BOARD_EXIT_RESET_LOOP	6	/* more restarts than --reset-limit in --reset-window */

#define BOARD_MAX_RESET_LIMIT	1000	/* --reset-limit's ceiling */

#define BOARD_MAX_DRIVES	4
#define BOARD_MAX_NICS		2

struct board_drive {
	const char *path;
	bool read_only;
};

struct board_config {
	const char *bios;	/* firmware image, loaded at 0x10_0000; or: */
	const char *kernel;	/* a Linux Image, booted with a generated device tree */
	const char *initrd;
	const char *append;	/* the kernel command line */
	struct board_drive disk;	/* root disk: BDIF and Apple virtio-blk (root) */
	struct board_drive aux;		/* aux disk (NVRAM): BDIF and Apple virtio-blk (aux) */
	struct board_drive drive[BOARD_MAX_DRIVES];	/* standard virtio-blk */
	unsigned int nr_drives;
	const char *net[BOARD_MAX_NICS];	/* virtio-net backends: "user,...", "tap,..." */
	unsigned int nr_nets;
	bool rng;		/* a virtio-rng */
	bool sound;		/* a virtio-sound (answers queries, discards output) */
	bool balloon;		/* a virtio-balloon (macOS's quirks on --bios boots) */
	const char *console;	/* the PL011's: "stdio" (NULL too) or "unix:PATH" */
	const char *qmp;	/* the control socket: "unix:PATH", or NULL */
	uint8_t mac[6];		/* virtio-net0's MAC (net N: + N), when @has_mac */
	bool has_mac;
	uint64_t mem;		/* RAM bytes */
	unsigned int cpus;
	uint64_t ecid;
	const char *serial;	/* cfg's serial number (NULL: the default) */
	const char *model;	/* cfg's hardware model name (NULL: the default) */
	bool development_mode;	/* cfg's production-mode cleared */
	bool keep_overlapping_used;	/* --fix-overlapping-used off */
	bool no_event_idx;		/* --event-idx off */
	const char *kvm_path;
	const char *module_path;	/* vmapple_kvm's device, or "none" */
	bool exit_on_reset;	/* --on-reset exit: a guest's reset ends the run */
	bool start_paused;	/* --paused: the vCPUs wait for QMP's cont */
	unsigned int stop_timeout_s;	/* after a stop request, force off after this long */
	unsigned int reset_limit;	/* more restarts than this ... */
	unsigned int reset_window_s;	/* ... within this many seconds: a reset loop */
	const char *remove_once_open;	/* --ephemeral's scratch copy: unlinked once open */
};

#endif
