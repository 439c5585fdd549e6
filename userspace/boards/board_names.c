// SPDX-License-Identifier: GPL-2.0
/*
 * board_names.c - which --board names exist, for the command line's check
 * (kept apart from board_kind.c, which links each board's machine).
 */
#include <stddef.h>
#include <string.h>

#include "board_kind.h"

static const char *const board_names[] = { "vmapple", "t8103" };

bool board_kind_known(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(board_names) / sizeof(board_names[0]); i++)
		if (!strcmp(board_names[i], name))
			return true;
	return false;
}

const char *board_kind_names(void)
{
	return "vmapple, t8103";
}
