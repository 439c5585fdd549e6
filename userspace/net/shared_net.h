/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shared_net.h - the shared NAT network, as Tart's "shared" network is on a
 * Mac: a bridge with a DHCP server and masquerading that `vmapple network
 * up` makes once, as root, and a pool of persistent TAPs in it that the
 * group it names may attach to.  A VM run with `--net shared` takes the
 * first free TAP without any privilege; `vetu ip` reads the DHCP leases.
 */
#ifndef VMAPPLE_SHARED_NET_H
#define VMAPPLE_SHARED_NET_H

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>

#define SHARED_NET_BRIDGE	"vmapple0"
#define SHARED_NET_TAP_FMT	"vmapple0t%u"	/* the pool: vmapple0t0, vmapple0t1, ... */
#define SHARED_NET_TAPS_MAX	64
#define SHARED_NET_TAPS_DEFAULT	8
#define SHARED_NET_GROUP	"kvm"		/* who may attach, as /dev/kvm's */
/* Tart's (vmnet's) default subnet, so guests see the addresses they would on a Mac. */
#define SHARED_NET_SUBNET	"192.168.64.0/24"
#define SHARED_NET_ADDRESS	"192.168.64.1"
#define SHARED_NET_PREFIX	24
#define SHARED_NET_DHCP_FIRST	"192.168.64.2"
#define SHARED_NET_DHCP_LAST	"192.168.64.254"
#define SHARED_NET_DIR		"/run/vmapple/network"
#define SHARED_NET_DIR_ENV	"VMAPPLE_NETWORK_DIR"	/* tests, odd hosts */
#define SHARED_NET_STATE	"network.json"
#define SHARED_NET_LEASES	"dnsmasq.leases"
#define SHARED_NET_PIDFILE	"dnsmasq.pid"

/* The pool's TAP @i (below SHARED_NET_TAPS_MAX), into @out. */
static inline void shared_net_tap_name(char out[IFNAMSIZ], unsigned int i)
{
	snprintf(out, IFNAMSIZ, SHARED_NET_TAP_FMT, i % SHARED_NET_TAPS_MAX);
}

/* The network's directory: $VMAPPLE_NETWORK_DIR, else SHARED_NET_DIR. */
static inline const char *shared_net_dir(void)
{
	const char *dir = getenv(SHARED_NET_DIR_ENV);

	return dir && *dir ? dir : SHARED_NET_DIR;
}

/* @name in the network's directory, into @out; false when it does not fit. */
static inline int shared_net_path(char *out, size_t len, const char *name)
{
	int n = snprintf(out, len, "%s/%s", shared_net_dir(), name);

	return n >= 0 && (size_t)n < len;
}

#endif
