// SPDX-License-Identifier: GPL-2.0
/*
 * shared.c - the "shared" backend: the first free TAP of the shared
 * network's pool (see shared_net.h).  The TAPs are persistent, up and in
 * the bridge already, and owned by a group, so joining needs no privilege:
 * only the attach, which the kernel refuses with EBUSY while another VM
 * holds a TAP, and then the next is tried.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "net_kind.h"
#include "shared_net.h"

static struct net_backend *shared_open(const struct net_opt *opts, int n_opts, net_rx_fn rx,
				       void *opaque, char *err, size_t err_len)
{
	char name[IFNAMSIZ], why[256] = "";
	struct net_backend *nb;
	unsigned int i;
	int attach_errno;

	if (n_opts) {
		net_err(err, err_len, "shared: unknown option '%s' (it takes none)", opts[0].key);
		return NULL;
	}
	for (i = 0; i < SHARED_NET_TAPS_MAX; i++) {
		shared_net_tap_name(name, i);
		/* The pool ends at the first missing TAP: never make one here. */
		if (!if_nametoindex(name))
			break;
		nb = tap_attach(name, true, true, &attach_errno, why, sizeof(why));
		if (nb) {
			nb->rx = rx;
			nb->opaque = opaque;
			return nb;
		}
		if (attach_errno == EBUSY)
			continue;	/* another VM's */
		if (attach_errno == EPERM)
			net_err(err, err_len, "shared: %s: not permitted: the pool's TAPs are for "
				"the group `vmapple network up --group` named (default %s)", name,
				SHARED_NET_GROUP);
		else
			net_err(err, err_len, "shared: %s", why);
		return NULL;
	}
	if (!i)
		net_err(err, err_len, "shared: the shared network is not up (no %s: run "
			"`vmapple network up` once, as root)", SHARED_NET_BRIDGE "t0");
	else
		net_err(err, err_len, "shared: all %u TAPs of %s are in use (vmapple network up "
			"--taps N makes more)", i, SHARED_NET_BRIDGE);
	return NULL;
}

/* Only the open is its own: what it returns is a tap backend. */
const struct net_kind net_kind_shared = {
	.name = "shared",
	.open = shared_open,
};
