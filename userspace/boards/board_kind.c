// SPDX-License-Identifier: GPL-2.0
/* board_kind.c - the boards' registry (see board_kind.h); names in board_names.c. */
#include <stddef.h>
#include <string.h>

#include "board_kind.h"
#include "t8103/t8103.h"
#include "vmapple/vmapple_run.h"

static const struct board_kind board_kinds[] = {
	{ .name = "vmapple", .run = vmapple_board_run, .wake = vmapple_board_wake },
	{ .name = "t8103", .run = t8103_run },
};

const struct board_kind *board_kind_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(board_kinds) / sizeof(board_kinds[0]); i++)
		if (!strcmp(board_kinds[i].name, name))
			return &board_kinds[i];
	return NULL;
}
