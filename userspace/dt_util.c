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

int dt_chosen(void *fdt, const char *bootargs, const char *stdout_path, uint64_t initrd_start,
	      uint64_t initrd_size)
{
	int ret;

	CHECK(fdt_begin_node(fdt, "chosen"));
	if (bootargs)
		CHECK(fdt_property_string(fdt, "bootargs", bootargs));
	CHECK(fdt_property_string(fdt, "stdout-path", stdout_path));
	if (initrd_size) {
		CHECK(fdt_property_u64(fdt, "linux,initrd-start", initrd_start));
		CHECK(fdt_property_u64(fdt, "linux,initrd-end", initrd_start + initrd_size));
	}
	return fdt_end_node(fdt);
fail:
	return ret;
}

/* A memory node for RAM [@base, @base + @size). */
int dt_memory(void *fdt, uint64_t base, uint64_t size)
{
	int ret;

	CHECK(begin_node_at(fdt, "memory", base));
	CHECK(fdt_property_string(fdt, "device_type", "memory"));
	CHECK(prop_reg(fdt, base, size));
	return fdt_end_node(fdt);
fail:
	return ret;
}

int begin_node_at(void *fdt, const char *name, uint64_t addr)
{
	char node[64];

	snprintf(node, sizeof(node), "%s@%llx", name, (unsigned long long)addr);
	return fdt_begin_node(fdt, node);
}
