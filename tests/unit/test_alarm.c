// SPDX-License-Identifier: GPL-2.0
/* test_alarm - the device alarm: fires once when due, not when disarmed, stops. */
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "../../userspace/alarm.h"
#include "tap.h"

static atomic_int fired;

static void on_fire(void *opaque)
{
	(void)opaque;
	atomic_fetch_add(&fired, 1);
}

/* Wait up to @ms for @want firings. */
static int wait_fired(int want, int ms)
{
	while (atomic_load(&fired) < want && ms-- > 0)
		usleep(1000);
	return atomic_load(&fired);
}

int main(void)
{
	struct alarm never = { 0 }, a;

	alarm_stop(&never);
	ok(1, "stopping an alarm never started is harmless");
	ok(alarm_start(&a, on_fire, NULL) == 0, "an alarm starts");
	alarm_set(&a, true, (uint64_t)time(NULL) - 5);
	ok(wait_fired(1, 2000) == 1, "a time already past fires at once");
	usleep(50000);
	ok(atomic_load(&fired) == 1, "and once");
	alarm_set(&a, true, (uint64_t)time(NULL) + 1);
	alarm_set(&a, false, 0);
	ok(wait_fired(2, 2500) == 1, "a disarmed alarm does not fire");
	alarm_set(&a, true, (uint64_t)time(NULL) + 1);
	ok(wait_fired(2, 3000) == 2, "a time a second away fires within it");
	alarm_stop(&a);
	ok(1, "the alarm's thread ends");
	return tap_done();
}
