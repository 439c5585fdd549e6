// SPDX-License-Identifier: GPL-2.0
/* pl061.c - the PL061 GPIO (see pl061.h). */
#include "pl061.h"

#include <string.h>

static const uint8_t pl061_id[8] = { 0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static uint8_t levels(const struct pl061 *g)
{
	return (uint8_t)((g->out & g->dir) | (g->in & ~g->dir));
}

/* Level-sensitive lines follow their level; edges latch until cleared. */
static void update(struct pl061 *g)
{
	uint8_t high = levels(g);
	uint8_t active = (uint8_t)((high & g->iev) | (~high & ~g->iev));

	g->ris = (uint8_t)((g->ris & ~g->is) | (active & g->is));
	if (g->set_irq)
		g->set_irq(g->opaque, (g->ris & g->ie) != 0);
}

static void edges(struct pl061 *g, uint8_t before)
{
	uint8_t after = levels(g);
	uint8_t changed = before ^ after, rising = changed & after;
	uint8_t edge = (uint8_t)((changed & g->ibe) | (rising & g->iev & ~g->ibe) |
				 (changed & ~rising & ~g->iev & ~g->ibe));

	g->ris |= edge & ~g->is;
	update(g);
}

void pl061_set_input(struct pl061 *g, unsigned int line, bool level)
{
	uint8_t before = levels(g);

	if (line > 7)
		return;
	if (level)
		g->in |= (uint8_t)(1u << line);
	else
		g->in &= (uint8_t)~(1u << line);
	edges(g, before);
}

static uint8_t *reg_of(struct pl061 *g, uint64_t off)
{
	switch (off) {
	case PL061_DIR:
		return &g->dir;
	case PL061_IS:
		return &g->is;
	case PL061_IBE:
		return &g->ibe;
	case PL061_IEV:
		return &g->iev;
	case PL061_IE:
		return &g->ie;
	case PL061_AFSEL:
		return &g->afsel;
	default:
		return NULL;
	}
}

static uint8_t read_reg(struct pl061 *g, uint64_t off)
{
	uint8_t *r = reg_of(g, off);

	if (off < PL061_DIR)
		return levels(g) & (uint8_t)(off >> 2);
	if (r)
		return *r;
	if (off == PL061_RIS)
		return g->ris;
	if (off == PL061_MIS)
		return g->ris & g->ie;
	if (off >= PL061_ID && off < PL061_ID + 32 && !(off & 3))
		return pl061_id[(off - PL061_ID) / 4];
	return 0;
}

static void write_reg(struct pl061 *g, uint64_t off, uint8_t v)
{
	uint8_t before = levels(g), *r = reg_of(g, off);

	if (off < PL061_DIR) {
		uint8_t mask = (uint8_t)(off >> 2) & g->dir;

		g->out = (uint8_t)((g->out & ~mask) | (v & mask));
		edges(g, before);
		return;
	}
	if (off == PL061_IC)
		g->ris &= (uint8_t)~(v & ~g->is);
	else if (r)
		*r = v;
	else
		return;
	update(g);
}

int pl061_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		 bool is_write)
{
	struct pl061 *g = opaque;

	if (is_write) {
		write_reg(g, offset, data[0]);
	} else {
		memset(data, 0, len);
		data[0] = read_reg(g, offset);
	}
	return 0;
}
