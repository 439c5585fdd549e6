/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alarm.h - a one-shot wall-clock alarm on a thread of its own, for device
 * models whose interrupts fire with time (the PL031's match): the thread
 * sleeps in a timerfd and, when it expires, calls fire(opaque).  Nothing
 * polls: an idle guest costs no wakeups.
 */
#ifndef VMAPPLE_ALARM_H
#define VMAPPLE_ALARM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct alarm {
	void (*fire)(void *opaque);
	void *opaque;
	int timer_fd;		/* CLOCK_REALTIME, absolute */
	int stop_fd;		/* an eventfd: the thread's end */
	pthread_t thread;
	bool running;
};

/* 0, or -errno with a message on stderr. */
int alarm_start(struct alarm *a, void (*fire)(void *opaque), void *opaque);

/* Fire at wall-clock second @at (now or past: at once); or never, if !armed. */
void alarm_set(struct alarm *a, bool armed, uint64_t at);

/* Ends the thread; harmless on an alarm never started (all zero). */
void alarm_stop(struct alarm *a);

#endif
