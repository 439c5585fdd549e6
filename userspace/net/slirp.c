// SPDX-License-Identifier: GPL-2.0
/* slirp.c - the "user" backend: libslirp's NAT on 10.0.2.0/24 (see net_backend.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <slirp/libslirp.h>

#include "net_kind.h"

#define USER_MAX_FWD	16
#define USER_NET	"10.0.2.0"
#define USER_MASK	"255.255.255.0"
#define USER_HOST	"10.0.2.2"
#define USER_GUEST	"10.0.2.15"
#define USER_DNS	"10.0.2.3"
#define ETH_HDR_LEN	14
#define TIMER_BURST	64	/* due timers run per poll, so a rearming one cannot spin */

struct user_timer {
	struct user_timer *next;
	SlirpTimerCb cb;
	void *cb_opaque;
	int64_t expire_ms;	/* -1: not armed */
};

struct user_fwd {
	const char *text;	/* the option's value, for messages; valid during open */
	int is_udp;
	struct in_addr host, guest;
	int host_port, guest_port;
};

struct user_backend {
	struct net_backend nb;
	Slirp *slirp;
	struct user_timer *timers;
	/* The caller's pollfds: written by slirp_pollfds_fill, read by slirp_pollfds_poll. */
	struct pollfd *fill;
	const struct pollfd *polled;
	int n_fds, max_fds;
	bool kicked, warned_full;
};

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* slirp's timer_mod takes milliseconds on the clock_get_ns clock. */
static int64_t now_ms(void)
{
	return now_ns() / 1000000;
}

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	struct user_backend *u = opaque;

	u->nb.rx(u->nb.opaque, buf, len);
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	fprintf(stderr, "net user: guest error: %s\n", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
	(void)opaque;
	return now_ns();
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct user_backend *u = opaque;
	struct user_timer *t = calloc(1, sizeof(*t));

	if (!t) {
		fprintf(stderr, "net user: no memory for a slirp timer\n");
		return NULL;
	}
	t->cb = cb;
	t->cb_opaque = cb_opaque;
	t->expire_ms = -1;
	t->next = u->timers;
	u->timers = t;
	return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
	struct user_backend *u = opaque;
	struct user_timer **p;

	for (p = &u->timers; *p; p = &(*p)->next)
		if (*p == timer) {
			*p = (*p)->next;
			free(timer);
			return;
		}
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct user_timer *t = timer;

	(void)opaque;
	if (t)
		t->expire_ms = expire_ms < 0 ? 0 : expire_ms;
}

/* Windows-only in libslirp's sense: on POSIX every fd comes through slirp_pollfds_fill. */
static void cb_register_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

/* We are the io-thread: just do not sleep in the next poll(). */
static void cb_notify(void *opaque)
{
	struct user_backend *u = opaque;

	u->kicked = true;
}

static const SlirpCb user_cb = {
	.send_packet = cb_send_packet,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_get_ns,
	.timer_new = cb_timer_new,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register_poll_fd,
	.unregister_poll_fd = cb_unregister_poll_fd,
	.notify = cb_notify,
};

static int parse_port(const char *s, const char *what, const struct user_fwd *f, char *err,
		      size_t err_len)
{
	unsigned long v;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 5) {
		net_err(err, err_len, "user: hostfwd '%s': %s port '%s' is not a port number",
			f->text, what, s);
		return -1;
	}
	v = strtoul(s, NULL, 10);
	if (v < 1 || v > 65535) {
		net_err(err, err_len, "user: hostfwd '%s': %s port %lu is not in 1-65535", f->text,
			what, v);
		return -1;
	}
	return (int)v;
}

/* "[ADDR]:PORT"; an empty ADDR is @def. */
static int parse_half(char *s, const char *what, struct in_addr def, struct in_addr *addr,
		      int *port, const struct user_fwd *f, char *err, size_t err_len)
{
	char *colon = strrchr(s, ':');

	if (!colon) {
		net_err(err, err_len, "user: hostfwd '%s': %s part '%s' is not [ADDR]:PORT",
			f->text, what, s);
		return -1;
	}
	*colon = '\0';
	*addr = def;
	if (*s && inet_pton(AF_INET, s, addr) != 1) {
		net_err(err, err_len, "user: hostfwd '%s': %s address '%s' is not an IPv4 address",
			f->text, what, s);
		return -1;
	}
	*port = parse_port(colon + 1, what, f, err, err_len);
	return *port < 0 ? -1 : 0;
}

/* "tcp|udp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT" */
static int parse_hostfwd(const char *val, struct user_fwd *f, char *err, size_t err_len)
{
	struct in_addr any = { .s_addr = htonl(INADDR_ANY) };
	char buf[128], *colon, *dash;

	f->text = val;
	if (!val) {
		net_err(err, err_len, "user: hostfwd needs a value: "
			"hostfwd=tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT");
		return -1;
	}
	if (strlen(val) >= sizeof(buf)) {
		net_err(err, err_len, "user: hostfwd '%.40s...' is too long", val);
		return -1;
	}
	strcpy(buf, val);
	colon = strchr(buf, ':');
	if (!colon) {
		net_err(err, err_len, "user: hostfwd '%s': want tcp|udp:[HOSTADDR]:HOSTPORT-"
			"[GUESTADDR]:GUESTPORT", val);
		return -1;
	}
	*colon = '\0';
	if (!strcmp(buf, "tcp")) {
		f->is_udp = 0;
	} else if (!strcmp(buf, "udp")) {
		f->is_udp = 1;
	} else {
		net_err(err, err_len, "user: hostfwd '%s': unknown protocol '%s' (want tcp or udp)",
			val, buf);
		return -1;
	}
	dash = strchr(colon + 1, '-');
	if (!dash) {
		net_err(err, err_len,
			"user: hostfwd '%s': missing '-' between host and guest parts", val);
		return -1;
	}
	*dash = '\0';
	if (parse_half(colon + 1, "host", any, &f->host, &f->host_port, f, err, err_len) ||
	    parse_half(dash + 1, "guest", ip4(USER_GUEST), &f->guest, &f->guest_port, f, err,
		       err_len))
		return -1;
	/* slirp would accept it, and forward into nothing. */
	if ((f->guest.s_addr & ip4(USER_MASK).s_addr) != ip4(USER_NET).s_addr) {
		net_err(err, err_len, "user: hostfwd '%s': guest address is not in %s/24", val,
			USER_NET);
		return -1;
	}
	return 0;
}

static void user_close(struct net_backend *nb)
{
	struct user_backend *u = (struct user_backend *)nb;
	struct user_timer *t;

	if (u->slirp)
		slirp_cleanup(u->slirp);
	while ((t = u->timers)) {
		u->timers = t->next;
		free(t);
	}
	free(u);
}

static struct net_backend *user_open(const struct net_opt *opts, int n_opts, net_rx_fn rx,
				     void *opaque, char *err, size_t err_len)
{
	struct user_fwd fwd[USER_MAX_FWD];
	struct user_backend *u;
	SlirpConfig cfg;
	int i, n_fwd = 0;

	for (i = 0; i < n_opts; i++) {
		if (strcmp(opts[i].key, "hostfwd")) {
			net_err(err, err_len, "user: unknown option '%s' (want hostfwd=)",
				opts[i].key);
			return NULL;
		}
		if (n_fwd == USER_MAX_FWD) {
			net_err(err, err_len, "user: hostfwd '%s': more than %d forwards",
				opts[i].val ? opts[i].val : "", USER_MAX_FWD);
			return NULL;
		}
		if (parse_hostfwd(opts[i].val, &fwd[n_fwd], err, err_len))
			return NULL;
		n_fwd++;
	}

	u = calloc(1, sizeof(*u));
	if (!u) {
		net_err(err, err_len, "user: %s", strerror(errno));
		return NULL;
	}
	u->nb = (struct net_backend){ .kind = &net_kind_user, .rx = rx, .opaque = opaque,
				      .vnet_why_not = "user networking (libslirp) takes whole "
						      "frames only",
				      .vhost_backend = -1,
				      .vhost_why_not = "user networking is libslirp's, in this "
						       "process" };

	/* Version 1 has every field we set; the later ones default to what we want. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.version = 1;
	cfg.in_enabled = true;
	cfg.vnetwork = ip4(USER_NET);
	cfg.vnetmask = ip4(USER_MASK);
	cfg.vhost = ip4(USER_HOST);
	cfg.in6_enabled = false;
	cfg.vdhcp_start = ip4(USER_GUEST);
	cfg.vnameserver = ip4(USER_DNS);
	u->slirp = slirp_new(&cfg, &user_cb, u);
	if (!u->slirp) {
		net_err(err, err_len, "user: libslirp %s refused the configuration",
			slirp_version_string());
		user_close(&u->nb);
		return NULL;
	}

	for (i = 0; i < n_fwd; i++) {
		struct user_fwd *f = &fwd[i];
		char host[INET_ADDRSTRLEN];

		errno = 0;
		if (slirp_add_hostfwd(u->slirp, f->is_udp, f->host, f->host_port, f->guest,
				      f->guest_port) < 0) {
			int e = errno;

			inet_ntop(AF_INET, &f->host, host, sizeof(host));
			net_err(err, err_len, "user: hostfwd '%s': cannot listen on %s %s:%d: %s",
				f->text, f->is_udp ? "udp" : "tcp", host, f->host_port,
				e ? strerror(e) : "refused by libslirp");
			user_close(&u->nb);
			return NULL;
		}
	}
	return &u->nb;
}

static int add_poll(int fd, int events, void *opaque)
{
	struct user_backend *u = opaque;
	short ev = 0;

	if (u->n_fds >= u->max_fds) {
		if (!u->warned_full)
			fprintf(stderr, "net user: more than %d sockets to poll; the rest wait\n",
				u->max_fds);
		u->warned_full = true;
		return -1;	/* slirp skips an index of -1 */
	}
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	if (events & SLIRP_POLL_ERR)
		ev |= POLLERR;
	if (events & SLIRP_POLL_HUP)
		ev |= POLLHUP;
	u->fill[u->n_fds] = (struct pollfd){ .fd = fd, .events = ev };
	return u->n_fds++;
}

static int get_revents(int idx, void *opaque)
{
	struct user_backend *u = opaque;
	short rev;
	int r = 0;

	if (idx < 0 || idx >= u->n_fds)
		return 0;
	rev = u->polled[idx].revents;
	if (rev & POLLIN)
		r |= SLIRP_POLL_IN;
	if (rev & POLLOUT)
		r |= SLIRP_POLL_OUT;
	if (rev & POLLPRI)
		r |= SLIRP_POLL_PRI;
	if (rev & (POLLERR | POLLNVAL))
		r |= SLIRP_POLL_ERR;
	if (rev & POLLHUP)
		r |= SLIRP_POLL_HUP;
	return r;
}

static int user_pollfds(struct net_backend *nb, struct pollfd *fds, int max, int *timeout_ms)
{
	struct user_backend *u = (struct user_backend *)nb;
	uint32_t t = *timeout_ms < 0 ? UINT32_MAX : (uint32_t)*timeout_ms;
	int64_t now = now_ms();
	struct user_timer *tm;

	u->fill = fds;
	u->max_fds = max < 0 ? 0 : max;
	u->n_fds = 0;
	slirp_pollfds_fill(u->slirp, &t, add_poll, u);
	u->fill = NULL;
	for (tm = u->timers; tm; tm = tm->next) {
		if (tm->expire_ms < 0)
			continue;
		if (tm->expire_ms <= now)
			t = 0;
		else if ((uint64_t)(tm->expire_ms - now) < t)
			t = (uint32_t)(tm->expire_ms - now);
	}
	if (u->kicked)
		t = 0;
	if (t <= INT_MAX && (*timeout_ms < 0 || (int)t < *timeout_ms))
		*timeout_ms = (int)t;
	return u->n_fds;
}

static void run_timers(struct user_backend *u)
{
	int64_t now = now_ms();
	int budget = TIMER_BURST;
	struct user_timer *t;

again:
	for (t = u->timers; t; t = t->next) {
		if (t->expire_ms < 0 || t->expire_ms > now)
			continue;
		t->expire_ms = -1;
		t->cb(t->cb_opaque);	/* may modify or free any timer: rescan */
		if (--budget)
			goto again;
		return;
	}
}

static void user_poll(struct net_backend *nb, const struct pollfd *fds, int n)
{
	struct user_backend *u = (struct user_backend *)nb;

	u->polled = fds;
	if (n < u->n_fds)
		u->n_fds = n < 0 ? 0 : n;
	u->kicked = false;
	slirp_pollfds_poll(u->slirp, 0, get_revents, u);
	u->polled = NULL;
	u->n_fds = 0;	/* indices are stale until the next fill */
	run_timers(u);
}

static int user_send(struct net_backend *nb, const void *frame, size_t len)
{
	struct user_backend *u = (struct user_backend *)nb;

	if (len < ETH_HDR_LEN)
		return -EINVAL;
	if (len > INT_MAX)
		return -EMSGSIZE;
	slirp_input(u->slirp, frame, (int)len);
	return 0;
}

const struct net_kind net_kind_user = {
	.name = "user",
	.open = user_open,
	.pollfds = user_pollfds,
	.poll = user_poll,
	.send = user_send,
	.close = user_close,
};
