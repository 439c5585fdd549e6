// SPDX-License-Identifier: GPL-2.0
/*
 * net_pump.c - a stand-in VMM for tests/network/network_test.sh: what the
 * launcher's virtio-net does with a backend, without a VM.  Its "guest" is
 * a TAP in the guest's network namespace (where a DHCP client and a TCP
 * server run); its host side is the launcher's own `shared` backend,
 * joined from the host's namespace after every privilege is dropped, as an
 * unprivileged user in the pool's group would.  Frames are copied both ways
 * as they are (both carry the same 12-byte vnet header).
 *
 *   net-pump GUEST_TAP HOST_NETNS UID GID
 *
 * Prints "joined" once on the network; one line naming the failure else.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../userspace/net/net_backend.h"

static struct net_backend *guest, *host;

static void to_host(void *opaque, const void *frame, size_t len)
{
	(void)opaque;
	net_backend_send(host, frame, len);
}

static void to_guest(void *opaque, const void *frame, size_t len)
{
	(void)opaque;
	net_backend_send(guest, frame, len);
}

int main(int argc, char **argv)
{
	struct pollfd fds[2 * NET_BACKEND_MIN_POLLFDS];
	char err[512], spec[64];
	uid_t uid;
	gid_t gid;
	int ns, ng, nh, timeout;

	if (argc != 5) {
		fprintf(stderr, "usage: net-pump GUEST_TAP HOST_NETNS UID GID\n");
		return 2;
	}
	uid = (uid_t)atoi(argv[3]);
	gid = (gid_t)atoi(argv[4]);
	snprintf(spec, sizeof(spec), "tap,ifname=%s", argv[1]);
	guest = net_backend_open(spec, to_host, NULL, err, sizeof(err));
	if (!guest) {
		fprintf(stderr, "net-pump: guest side: %s\n", err);
		return 1;
	}
	ns = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (ns < 0 || setns(ns, CLONE_NEWNET)) {
		fprintf(stderr, "net-pump: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	close(ns);
	/* From here on, what any member of the pool's group may do. */
	if (setgroups(1, &gid) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid)) {
		fprintf(stderr, "net-pump: dropping to %u:%u: %s\n", uid, gid, strerror(errno));
		return 1;
	}
	host = net_backend_open("shared", to_guest, NULL, err, sizeof(err));
	if (!host) {
		fprintf(stderr, "net-pump: %s\n", err);
		return 1;
	}
	printf("joined\n");
	fflush(stdout);
	for (;;) {
		timeout = -1;
		ng = net_backend_pollfds(guest, fds, NET_BACKEND_MIN_POLLFDS, &timeout);
		nh = net_backend_pollfds(host, fds + ng, NET_BACKEND_MIN_POLLFDS, &timeout);
		if (poll(fds, (nfds_t)(ng + nh), timeout) < 0 && errno != EINTR)
			return 1;
		net_backend_poll(guest, fds, ng);
		net_backend_poll(host, fds + ng, nh);
	}
}
