// SPDX-License-Identifier: GPL-2.0
/* progress.c - a macOS boot's milestones, once each (see progress.h). */
#include "progress.h"

#include <stdio.h>

static const char *const names[PROGRESS_NR] = {
	[PROGRESS_FIRMWARE] = "firmware-started",
	[PROGRESS_STAGE1] = "stage1-read",
	[PROGRESS_KERNEL] = "kernel-reached",
	[PROGRESS_USERSPACE] = "userspace",
};

static const char *const what[PROGRESS_NR] = {
	[PROGRESS_FIRMWARE] = "firmware started",
	[PROGRESS_STAGE1] = "stage 1 read (first BDIF request)",
	[PROGRESS_KERNEL] = "kernel reached (first Apple hypercall)",
	[PROGRESS_USERSPACE] = "userspace (first virtio-net frame)",
};

const char *progress_name(enum progress_stage s)
{
	return (unsigned int)s < PROGRESS_NR ? names[s] : "unknown";
}

void progress_start(struct progress *p, double now)
{
	unsigned int i;

	p->t0 = now;
	p->boot++;
	for (i = 0; i < PROGRESS_NR; i++)
		p->said[i] = false;
}

bool progress_mark(struct progress *p, enum progress_stage s, double now, char *line,
		   size_t line_len, char *event, size_t event_len)
{
	double at = now - p->t0;

	if ((unsigned int)s >= PROGRESS_NR || p->said[s])
		return false;
	p->said[s] = true;
	snprintf(line, line_len, "vmapple: +%.2f s: %s (boot %u)\n", at, what[s], p->boot);
	snprintf(event, event_len, "{\"stage\": \"%s\", \"seconds\": %.3f, \"boot\": %u}",
		 names[s], at, p->boot);
	return true;
}
