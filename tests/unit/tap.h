/* SPDX-License-Identifier: GPL-2.0 */
/* tap.h - the smallest TAP producer: one `ok` line per assertion. */
#ifndef VMAPPLE_TAP_H
#define VMAPPLE_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_count;
static int tap_failures;

static void tap_ok(int pass, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		printf("#   failed at %s:%d\n", file, line);
		tap_failures++;
	}
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* @n tests that cannot run here, said as TAP skips. */
static inline void tap_skip(int n, const char *why)
{
	while (n--)
		printf("ok %d - # SKIP %s\n", ++tap_count, why);
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failures ? 1 : 0;
}

#endif
