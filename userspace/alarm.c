// SPDX-License-Identifier: GPL-2.0
/* alarm.c - a one-shot wall-clock alarm on its own thread (see alarm.h). */
#include "alarm.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

static void *alarm_main(void *arg)
{
	struct alarm *a = arg;
	struct pollfd fds[2] = {
		{ .fd = a->timer_fd, .events = POLLIN },
		{ .fd = a->stop_fd, .events = POLLIN },
	};
	uint64_t expirations;

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (fds[1].revents)
			return NULL;
		if ((fds[0].revents & POLLIN) &&
		    read(a->timer_fd, &expirations, sizeof(expirations)) == sizeof(expirations))
			a->fire(a->opaque);
	}
}

int alarm_start(struct alarm *a, void (*fire)(void *opaque), void *opaque)
{
	int ret;

	*a = (struct alarm){ .fire = fire, .opaque = opaque, .timer_fd = -1, .stop_fd = -1 };
	a->timer_fd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
	a->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (a->timer_fd < 0 || a->stop_fd < 0) {
		ret = -errno;
		fprintf(stderr, "vmapple: cannot make a device alarm: %s\n", strerror(errno));
		alarm_stop(a);
		return ret;
	}
	ret = pthread_create(&a->thread, NULL, alarm_main, a);
	if (ret) {
		fprintf(stderr, "vmapple: cannot start a device alarm's thread: %s\n", strerror(ret));
		alarm_stop(a);
		return -ret;
	}
	a->running = true;
	return 0;
}

void alarm_set(struct alarm *a, bool armed, uint64_t at)
{
	struct itimerspec when = { 0 };

	if (a->timer_fd < 0)
		return;
	if (armed) {
		/* 0 would disarm: a time in the past fires at once all the same. */
		when.it_value.tv_sec = at ? (time_t)at : 1;
	}
	timerfd_settime(a->timer_fd, TFD_TIMER_ABSTIME, &when, NULL);
}

void alarm_stop(struct alarm *a)
{
	uint64_t one = 1;

	if (!a->fire)
		return;		/* never started */
	if (a->running && write(a->stop_fd, &one, sizeof(one)) == sizeof(one))
		pthread_join(a->thread, NULL);
	a->running = false;
	if (a->timer_fd >= 0)
		close(a->timer_fd);
	if (a->stop_fd >= 0)
		close(a->stop_fd);
	a->timer_fd = a->stop_fd = -1;
	a->fire = NULL;
}
