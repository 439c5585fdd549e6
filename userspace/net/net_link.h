/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net_link.h - interface plumbing over rtnetlink, shared by the tap
 * backend (a TAP it made) and `vmapple network up` (the shared network's
 * pool of TAPs).
 */
#ifndef VMAPPLE_NET_LINK_H
#define VMAPPLE_NET_LINK_H

#include <stddef.h>

/* Bring @ifname up, enslaved to @bridge when given.  0, or -1 with @err set. */
int net_link_up(const char *ifname, const char *bridge, char *err, size_t err_len);

#endif
