// SPDX-License-Identifier: GPL-2.0
/* vmapple_run.c - the VMApple board's run (struct board_kind's), from create to stats. */
#include <stdio.h>

#include "../../clone.h"
#include "../../console.h"
#include "../../qmp.h"
#include "board.h"
#include "vmapple_run.h"

static struct board *volatile running_board;	/* set once it exists: wake() reaches it */

void vmapple_board_wake(void)
{
	if (running_board)
		board_wake(running_board);
}

int vmapple_board_run(const struct board_config *cfg, volatile int *stop_requests)
{
	static struct board board;
	char err[1024];
	int status;

	if (board_create(&board, cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return BOARD_EXIT_ERROR;
	}
	/*
	 * --ephemeral: its files are open now and stay open across restarts;
	 * unlinked, they go when the process does, however it ends.
	 */
	if (cfg->remove_once_open && clone_remove(cfg->remove_once_open))
		fprintf(stderr, "vmapple: cannot remove the scratch copy %s; the next run with "
			"--ephemeral will\n", cfg->remove_once_open);
	running_board = &board;
	board_wake(&board);	/* a signal before it existed was counted, not woken */
	status = board_run(&board, stop_requests);
	/*
	 * The vCPU threads may still run until exit: give the terminal back
	 * and remove the console socket, but tear nothing else down.  The
	 * control socket goes too, once the command being answered (quit)
	 * has its reply queued: every client gets what was queued for it.
	 */
	qmp_close(&board.qmp);
	console_close(&board.console);
	board_print_stats(&board, stderr);
	return status;
}
