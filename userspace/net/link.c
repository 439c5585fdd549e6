// SPDX-License-Identifier: GPL-2.0
/* link.c - bring an interface up in a bridge, over rtnetlink (libnl-3; see net_link.h). */
#include "net_link.h"

#include <net/if.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "net_kind.h"

int net_link_up(const char *ifname, const char *bridge, char *err, size_t err_len)
{
	struct rtnl_link *link = NULL, *br = NULL, *change = NULL;
	struct nl_sock *sk;
	const char *type;
	int r, ret = -1;

	sk = nl_socket_alloc();
	if (!sk) {
		net_err(err, err_len, "tap %s: netlink: out of memory", ifname);
		return -1;
	}
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0) {
		net_err(err, err_len, "tap %s: netlink: %s", ifname, nl_geterror(r));
		goto out;
	}
	r = rtnl_link_get_kernel(sk, 0, ifname, &link);
	if (r < 0) {
		net_err(err, err_len, "tap %s: netlink lookup: %s", ifname, nl_geterror(r));
		goto out;
	}
	change = rtnl_link_alloc();
	if (!change) {
		net_err(err, err_len, "tap %s: netlink: out of memory", ifname);
		goto out;
	}
	rtnl_link_set_flags(change, IFF_UP);
	if (bridge) {
		r = rtnl_link_get_kernel(sk, 0, bridge, &br);
		if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV) {
			net_err(err, err_len, "tap %s: bridge %s: no such device", ifname, bridge);
			goto out;
		}
		if (r < 0) {
			net_err(err, err_len, "tap %s: bridge %s: %s", ifname, bridge,
				nl_geterror(r));
			goto out;
		}
		type = rtnl_link_get_type(br);
		if (!type || strcmp(type, "bridge")) {
			net_err(err, err_len, "tap %s: bridge %s: not a bridge (%s)", ifname,
				bridge, type ? type : "no link kind");
			goto out;
		}
		rtnl_link_set_master(change, rtnl_link_get_ifindex(br));
	}
	r = rtnl_link_change(sk, link, change, 0);
	if (r < 0) {
		if (bridge)
			net_err(err, err_len, "tap %s: cannot bring up in bridge %s: %s", ifname,
				bridge, nl_geterror(r));
		else
			net_err(err, err_len, "tap %s: cannot bring up: %s", ifname,
				nl_geterror(r));
		goto out;
	}
	ret = 0;
out:
	if (change)
		rtnl_link_put(change);
	if (br)
		rtnl_link_put(br);
	if (link)
		rtnl_link_put(link);
	nl_socket_free(sk);
	return ret;
}
