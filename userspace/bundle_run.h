/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bundle_run.h - `vmapple run BUNDLE`, `inspect` and `clone`: a bundle's
 * settings put on the board's configuration (options given on the command
 * line win), --ephemeral's scratch copy, and a clone's fresh MAC.
 */
#ifndef VMAPPLE_BUNDLE_RUN_H
#define VMAPPLE_BUNDLE_RUN_H

#include <stddef.h>

#include "boards/vmapple/board.h"
#include "bundle.h"
#include "cli.h"

/* Where `run BUNDLE` looks for AVPBooter when --bios is not given. */
#define BUNDLE_BIOS_ENV		"VMAPPLE_BIOS"
#define BUNDLE_BIOS_DEFAULT	"/usr/share/vmapple/AVPBooter.vmapple2.bin"

/*
 * Open args->bundle (or, with --ephemeral, a scratch copy of it made beside
 * it, whose path lands in @scratch) and fill @cfg from it where the command
 * line did not.  0, or -1 with one line in @err.
 */
int bundle_configure(const struct vmapple_args *args, struct bundle *b, struct board_config *cfg,
		     char *scratch, size_t scratch_len, char *err, size_t err_len);

/* `vmapple inspect BUNDLE [--json]`: the exit status. */
int bundle_inspect(const struct vmapple_args *args);

/* `vmapple clone SRC DST [--allow-copy]`: the exit status. */
int bundle_clone(const struct vmapple_args *args);

#endif
