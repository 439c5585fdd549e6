/* SPDX-License-Identifier: GPL-2.0 */
/* vmapple_run.h - the VMApple board as a struct board_kind. */
#ifndef VMAPPLE_VMAPPLE_RUN_H
#define VMAPPLE_VMAPPLE_RUN_H

struct board_config;

int vmapple_board_run(const struct board_config *cfg, volatile int *stop_requests);

/* From a signal handler: the running board looks at its stop counter now. */
void vmapple_board_wake(void);

#endif
