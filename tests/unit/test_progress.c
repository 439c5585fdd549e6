// SPDX-License-Identifier: GPL-2.0
/* test_progress - each milestone said once per boot, timed from the boot's start. */
#include <string.h>

#include "../../userspace/progress.h"
#include "tap.h"

int main(void)
{
	struct progress p = { 0 };
	char line[160], ev[160];

	progress_start(&p, 100.0);
	ok(progress_mark(&p, PROGRESS_FIRMWARE, 100.25, line, sizeof(line), ev, sizeof(ev)) &&
	   !strcmp(line, "vmapple: +0.25 s: firmware started (boot 1)\n"),
	   "the first milestone, with seconds since the start: %s", line);
	ok(!strcmp(ev, "{\"stage\": \"firmware-started\", \"seconds\": 0.250, \"boot\": 1}"),
	   "... and its QMP event data: %s", ev);
	ok(!progress_mark(&p, PROGRESS_FIRMWARE, 101, line, sizeof(line), ev, sizeof(ev)),
	   "said once");
	ok(progress_mark(&p, PROGRESS_KERNEL, 103.5, line, sizeof(line), ev, sizeof(ev)) &&
	   strstr(line, "+3.50 s: kernel reached (first Apple hypercall)"),
	   "a later one out of order: %s", line);
	progress_start(&p, 200.0);
	ok(progress_mark(&p, PROGRESS_FIRMWARE, 200.5, line, sizeof(line), ev, sizeof(ev)) &&
	   strstr(line, "+0.50 s: firmware started (boot 2)"), "a restart opens them again: %s",
	   line);
	ok(!progress_mark(&p, PROGRESS_NR, 201, line, sizeof(line), ev, sizeof(ev)) &&
	   !strcmp(progress_name(PROGRESS_NR), "unknown"), "an unknown stage is refused");
	ok(!strcmp(progress_name(PROGRESS_USERSPACE), "userspace") &&
	   !strcmp(progress_name(PROGRESS_STAGE1), "stage1-read"), "the names events carry");
	return tap_done();
}
