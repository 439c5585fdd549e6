// SPDX-License-Identifier: GPL-2.0
/* dt_util.c - property helpers the boards' device trees share (see dt_util.h). */
#include <stdio.h>

#include <libfdt.h>

#include "dt_util.h"

int prop_cells(void *fdt, const char *name, const uint32_t *cells, unsigned int n)
{
	fdt32_t be[160];
	unsigned int i;

	if (n > sizeof(be) / sizeof(be[0]))
		return -FDT_ERR_NOSPACE;
	for (i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	return fdt_property(fdt, name, be, (int)(n * sizeof(be[0])));
}

/* reg = <addr size> with #address-cells = #size-cells = 2. */
int prop_reg(void *fdt, uint64_t addr, uint64_t size)
{
	const uint32_t cells[] = { addr >> 32, (uint32_t)addr, size >> 32, (uint32_t)size };

	return prop_cells(fdt, "reg", cells, 4);
}

int begin_node_at(void *fdt, const char *name, uint64_t addr)
{
	char node[64];

	snprintf(node, sizeof(node), "%s@%llx", name, (unsigned long long)addr);
	return fdt_begin_node(fdt, node);
}
