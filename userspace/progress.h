/* SPDX-License-Identifier: GPL-2.0 */
/*
 * progress.h - milestones of a macOS guest's boot, each said once per boot
 * with the seconds since it started, on stderr (as whole lines, never
 * inside the guest's console output) and as the QMP event
 * VMAPPLE_PROGRESS: the firmware started, stage 1 read (the first BDIF
 * request: AVPBooter loading the next stage), the kernel reached (the
 * first Apple hypercall, in either layer), userspace (the first frame the
 * guest sends on its virtio-net; over vhost-net, which the launcher does
 * not see, the driver's first kick).  Milestones are observed, not
 * reported: the main thread polls the counters that show them, every
 * 100 ms until userspace is reached.
 */
#ifndef VMAPPLE_PROGRESS_H
#define VMAPPLE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

enum progress_stage {
	PROGRESS_FIRMWARE,
	PROGRESS_STAGE1,
	PROGRESS_KERNEL,
	PROGRESS_USERSPACE,
	PROGRESS_NR,
};

struct progress {
	double t0;			/* CLOCK_MONOTONIC seconds at the boot's start */
	unsigned int boot;		/* 1 for the first boot, +1 each restart */
	bool said[PROGRESS_NR];
};

/* The stage's name as lines and events carry it ("stage1-read"). */
const char *progress_name(enum progress_stage s);

/* A new boot starts now: every milestone is open again. */
void progress_start(struct progress *p, double now);

/*
 * Mark @s reached at @now: true the first time (then @line holds the
 * stderr line and @event the QMP event's data), false after.
 */
bool progress_mark(struct progress *p, enum progress_stage s, double now, char *line,
		   size_t line_len, char *event, size_t event_len);

#endif
