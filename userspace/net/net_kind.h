/* SPDX-License-Identifier: GPL-2.0 */
/* net_kind.h - what each backend kind (user, tap) gives backend.c, which parses the spec. */
#ifndef VMAPPLE_NET_KIND_H
#define VMAPPLE_NET_KIND_H

#include "net_backend.h"

/* One ",KEY=VALUE" of the spec; @val is NULL when there was no '='.  Valid during open. */
struct net_opt {
	const char *key;
	const char *val;
};

struct net_kind {
	const char *name;
	struct net_backend *(*open)(const struct net_opt *opts, int n_opts, net_rx_fn rx,
				    void *opaque, char *err, size_t err_len);
	int (*pollfds)(struct net_backend *nb, struct pollfd *fds, int max, int *timeout_ms);
	void (*poll)(struct net_backend *nb, const struct pollfd *fds, int n);
	int (*send)(struct net_backend *nb, const void *frame, size_t len);
	/* NULL: the kind has no vnet header, so no offloads. */
	int (*set_offload)(struct net_backend *nb, unsigned int offloads);
	void (*close)(struct net_backend *nb);
};

/* The first member of every kind's own state. */
struct net_backend {
	const struct net_kind *kind;
	net_rx_fn rx;
	void *opaque;
	bool vnet_hdr;		/* frames carry NET_VNET_HDR_LEN bytes of header both ways */
	char vnet_why_not[128];	/* why not, when not */
	int vhost_backend;	/* the fd vhost-net may take over (a TAP's), or -1 */
	bool vhost_taken;	/* vhost-net reads and writes it: hands off */
	char vhost_why_not[192];	/* why not, when -1 */
};

extern const struct net_kind net_kind_user;
extern const struct net_kind net_kind_tap;
extern const struct net_kind net_kind_shared;

/*
 * Attach to the TAP @ifname (made, if it is missing and we may), with a
 * vnet header when @offload and the kernel allow, its fd offered to
 * vhost-net when @vhost.  The tap backend, rx unset; or NULL with @err set
 * and, when TUNSETIFF refused it, its errno in @attach_errno (EBUSY: some
 * other process holds it).
 */
struct net_backend *tap_attach(const char *ifname, bool offload, bool vhost, int *attach_errno,
			       char *err, size_t err_len);

/* Write one line into @err (which may be NULL). */
void net_err(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
