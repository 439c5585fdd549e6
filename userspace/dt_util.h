/* SPDX-License-Identifier: GPL-2.0 */
/* dt_util.h - property helpers the boards' device trees share (libfdt sequential writes). */
#ifndef VMAPPLE_DT_UTIL_H
#define VMAPPLE_DT_UTIL_H

#include <stdint.h>

/* A string-list property from a literal with embedded NULs. */
#define PROP_STRINGS(fdt, name, lit) fdt_property(fdt, name, lit, sizeof(lit))
/* In a builder with `int ret` and a `fail:` label. */
#define CHECK(expr) do { if ((ret = (expr)) < 0) goto fail; } while (0)

/* @n 32-bit cells, big-endian (at most 160). */
int prop_cells(void *fdt, const char *name, const uint32_t *cells, unsigned int n);

/* reg = <addr size> with #address-cells = #size-cells = 2. */
int prop_reg(void *fdt, uint64_t addr, uint64_t size);

/* /chosen: @bootargs (NULL: none), stdout-path, the initrd when @initrd_size. */
int dt_chosen(void *fdt, const char *bootargs, const char *stdout_path, uint64_t initrd_start,
	      uint64_t initrd_size);

/* A memory node for RAM [@base, @base + @size). */
int dt_memory(void *fdt, uint64_t base, uint64_t size);

/* A node NAME@ADDR (hex). */
int begin_node_at(void *fdt, const char *name, uint64_t addr);

#endif
