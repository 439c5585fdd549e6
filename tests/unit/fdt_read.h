/* SPDX-License-Identifier: GPL-2.0 */
/* fdt_read.h - reading a built device tree back in the unit tests (libfdt). */
#ifndef VMAPPLE_TEST_FDT_READ_H
#define VMAPPLE_TEST_FDT_READ_H

#include <stdint.h>

#include <libfdt.h>

/* Cell @i of property @name at @path, or 0xdeadbeef when it is not there. */
static inline uint32_t cell(const void *t, const char *path, const char *name, int i)
{
	int node = fdt_path_offset(t, path), len;
	const fdt32_t *p;

	if (node < 0)
		return 0xdeadbeef;
	p = fdt_getprop(t, node, name, &len);
	if (!p || len < (int)((i + 1) * sizeof(*p)))
		return 0xdeadbeef;
	return fdt32_to_cpu(p[i]);
}

static inline int prop_len(const void *t, const char *path, const char *name)
{
	int node = fdt_path_offset(t, path), len;

	if (node < 0)
		return -2;
	return fdt_getprop(t, node, name, &len) ? len : -1;
}

static inline const char *str(const void *t, const char *path, const char *name)
{
	int node = fdt_path_offset(t, path);
	const char *s;

	if (node < 0)
		return "";
	s = fdt_getprop(t, node, name, NULL);
	return s ? s : "";
}

#endif
