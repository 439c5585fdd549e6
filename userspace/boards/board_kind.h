/* SPDX-License-Identifier: GPL-2.0 */
/*
 * board_kind.h - the machines `vmapple run --board` can build, by name.
 * Each board owns its memory map, devices and boot; main() hands it the
 * run's configuration and the stop counter its signal handler bumps.
 */
#ifndef VMAPPLE_BOARD_KIND_H
#define VMAPPLE_BOARD_KIND_H

#include <stdbool.h>

struct board_config;

struct board_kind {
	const char *name;
	/*
	 * Boot @cfg until the guest powers off or *@stop_requests grows: a
	 * BOARD_EXIT_* status, with any error already on stderr.
	 */
	int (*run)(const struct board_config *cfg, volatile int *stop_requests);
	/* Optional, async-signal-safe: *stop_requests grew, look now (else it polls). */
	void (*wake)(void);
};

/* Is @name a board (the command line's check, without linking the boards)? */
bool board_kind_known(const char *name);

/* The board called @name, or NULL. */
const struct board_kind *board_kind_find(const char *name);

/* "vmapple, t8103": every name, for an error message. */
const char *board_kind_names(void);

#endif
