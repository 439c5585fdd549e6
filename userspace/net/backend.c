// SPDX-License-Identifier: GPL-2.0
/* backend.c - split a network spec into kind and options, and dispatch (see net_backend.h). */
#include "net_backend.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_kind.h"

#define NET_MAX_OPTS	32

static const struct net_kind *const kinds[] = { &net_kind_user, &net_kind_tap,
						&net_kind_shared };

void net_err(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !err_len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

static const struct net_kind *find_kind(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}

struct net_backend *net_backend_open(const char *spec, net_rx_fn rx, void *opaque, char *err,
				     size_t err_len)
{
	struct net_opt opts[NET_MAX_OPTS];
	const struct net_kind *kind;
	struct net_backend *nb = NULL;
	char *copy, *rest, *name, *tok, *eq;
	int n = 0;

	net_err(err, err_len, "%s", "");
	if (!spec || !*spec) {
		net_err(err, err_len,
			"empty network spec (want user[,hostfwd=...], tap,ifname=NAME or shared)");
		return NULL;
	}
	if (!rx) {
		net_err(err, err_len, "%s: no receive callback", spec);
		return NULL;
	}
	copy = strdup(spec);
	if (!copy) {
		net_err(err, err_len, "%s: %s", spec, strerror(errno));
		return NULL;
	}
	rest = copy;
	name = strsep(&rest, ",");
	kind = find_kind(name);
	if (!kind) {
		net_err(err, err_len, "unknown network backend '%s' (want user, tap or shared)", name);
		goto out;
	}
	while ((tok = strsep(&rest, ","))) {
		if (!*tok) {
			net_err(err, err_len, "%s: empty option in '%s'", kind->name, spec);
			goto out;
		}
		if (n == NET_MAX_OPTS) {
			net_err(err, err_len, "%s: more than %d options", kind->name, NET_MAX_OPTS);
			goto out;
		}
		eq = strchr(tok, '=');
		if (eq)
			*eq++ = '\0';
		opts[n].key = tok;
		opts[n++].val = eq;
	}
	nb = kind->open(opts, n, rx, opaque, err, err_len);
out:
	free(copy);
	return nb;
}

int net_backend_pollfds(struct net_backend *nb, struct pollfd *fds, int max, int *timeout_ms)
{
	if (nb->vhost_taken)
		return 0;
	return nb->kind->pollfds(nb, fds, max, timeout_ms);
}

void net_backend_poll(struct net_backend *nb, const struct pollfd *fds, int n)
{
	if (nb->vhost_taken)	/* revents from before vhost took the fd: its now */
		return;
	nb->kind->poll(nb, fds, n);
}

int net_backend_send(struct net_backend *nb, const void *frame, size_t len)
{
	return nb->kind->send(nb, frame, len);
}

bool net_backend_vnet_hdr(const struct net_backend *nb)
{
	return nb->vnet_hdr;
}

int net_backend_set_offload(struct net_backend *nb, unsigned int offloads)
{
	if (!nb->vnet_hdr || !nb->kind->set_offload)
		return -EOPNOTSUPP;
	return nb->kind->set_offload(nb, offloads);
}

const char *net_backend_vnet_why_not(const struct net_backend *nb)
{
	return nb->vnet_hdr ? "" : nb->vnet_why_not;
}

int net_backend_vhost_fd(const struct net_backend *nb, const char **why_not)
{
	*why_not = nb->vhost_backend < 0 ? nb->vhost_why_not : "";
	return nb->vhost_backend;
}

void net_backend_vhost_taken(struct net_backend *nb, bool taken)
{
	nb->vhost_taken = taken;
}

const char *net_backend_kind_name(const struct net_backend *nb)
{
	return nb->kind->name;
}

void net_backend_close(struct net_backend *nb)
{
	if (nb)
		nb->kind->close(nb);
}
