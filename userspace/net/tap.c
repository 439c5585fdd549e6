// SPDX-License-Identifier: GPL-2.0
/* tap.c - the "tap" backend: a /dev/net/tun TAP interface, up (and bridged) via libnl-3. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>

#include "net_kind.h"
#include "net_link.h"

#define TUN_PATH	"/dev/net/tun"
#define TAP_FRAME_MAX	(65535 + 14)	/* the largest MTU (or GSO frame), plus Ethernet's */
#define TAP_BURST	64	/* frames read per poll, so one busy NIC cannot starve the loop */
#define ETH_HDR_LEN	14

struct tap_backend {
	struct net_backend nb;
	int fd;
	bool dead;		/* read failed: stop polling rather than spin on the error */
	char ifname[IFNAMSIZ];
	uint8_t buf[NET_VNET_HDR_LEN + TAP_FRAME_MAX];
};

/* A non-empty interface name the kernel can hold (IFNAMSIZ includes the NUL). */
static int check_name(const char *key, const char *val, char *err, size_t err_len)
{
	if (!val || !*val) {
		net_err(err, err_len, "tap: %s= needs an interface name", key);
		return -1;
	}
	if (strlen(val) >= IFNAMSIZ) {
		net_err(err, err_len, "tap: %s '%s' is longer than %d characters", key, val,
			IFNAMSIZ - 1);
		return -1;
	}
	return 0;
}

/* Can this kernel's tun put a virtio-net header on frames?  false with why not. */
static bool want_vnet_hdr(int fd, char *why, size_t why_len)
{
	unsigned int features = 0;

	if (ioctl(fd, TUNGETFEATURES, &features) < 0) {
		snprintf(why, why_len, "TUNGETFEATURES: %s", strerror(errno));
		return false;
	}
	if (!(features & IFF_VNET_HDR)) {
		snprintf(why, why_len, "this kernel's tun has no IFF_VNET_HDR");
		return false;
	}
	return true;
}

/*
 * The header virtio 1 drivers use (12 bytes, num_buffers included), and no
 * offloads until the guest says what it takes.  false (plain frames are
 * then impossible on this fd: the caller fails) with why.
 */
static bool vnet_hdr_setup(int fd, char *why, size_t why_len)
{
	int len = NET_VNET_HDR_LEN;

	if (ioctl(fd, TUNSETVNETHDRSZ, &len) < 0) {
		snprintf(why, why_len, "TUNSETVNETHDRSZ %d: %s", len, strerror(errno));
		return false;
	}
	if (ioctl(fd, TUNSETOFFLOAD, 0ul) < 0) {
		snprintf(why, why_len, "TUNSETOFFLOAD: %s", strerror(errno));
		return false;
	}
	return true;
}

static int tap_set_offload(struct net_backend *nb, unsigned int offloads)
{
	struct tap_backend *t = (struct tap_backend *)nb;
	unsigned long tun = 0;

	if (offloads & NET_OFFLOAD_CSUM) {
		tun |= TUN_F_CSUM;
		/* tun accepts TSO only with checksum offload (virtio: GUEST_TSO needs GUEST_CSUM). */
		if (offloads & NET_OFFLOAD_TSO4)
			tun |= TUN_F_TSO4;
		if (offloads & NET_OFFLOAD_TSO6)
			tun |= TUN_F_TSO6;
	}
	return ioctl(t->fd, TUNSETOFFLOAD, tun) < 0 ? -errno : 0;
}

static void tap_close(struct net_backend *nb)
{
	struct tap_backend *t = (struct tap_backend *)nb;

	if (t->fd >= 0)
		close(t->fd);	/* not persistent: the interface goes with it */
	free(t);
}

static struct net_backend *tap_open(const struct net_opt *opts, int n_opts, net_rx_fn rx,
				    void *opaque, char *err, size_t err_len)
{
	const char *ifname = NULL, *bridge = NULL, *offload = NULL, *vhost = NULL;
	struct net_backend *nb;
	int i;

	for (i = 0; i < n_opts; i++) {
		const char **slot;

		if (!strcmp(opts[i].key, "ifname")) {
			slot = &ifname;
		} else if (!strcmp(opts[i].key, "bridge")) {
			slot = &bridge;
		} else if (!strcmp(opts[i].key, "offload")) {
			slot = &offload;
		} else if (!strcmp(opts[i].key, "vhost")) {
			slot = &vhost;
		} else {
			net_err(err, err_len, "tap: unknown option '%s' (want ifname=, bridge=, "
				"offload= or vhost=)", opts[i].key);
			return NULL;
		}
		if (*slot) {
			net_err(err, err_len, "tap: %s= given twice", opts[i].key);
			return NULL;
		}
		if (slot == &offload || slot == &vhost) {
			if (!opts[i].val || (strcmp(opts[i].val, "on") && strcmp(opts[i].val, "off"))) {
				net_err(err, err_len, "tap: %s=%s: want on or off", opts[i].key,
					opts[i].val ? opts[i].val : "");
				return NULL;
			}
		} else if (check_name(opts[i].key, opts[i].val, err, err_len)) {
			return NULL;
		}
		*slot = opts[i].val;
	}
	if (!ifname) {
		net_err(err, err_len, "tap: ifname=NAME is required");
		return NULL;
	}
	nb = tap_attach(ifname, !offload || strcmp(offload, "off"), !vhost || strcmp(vhost, "off"),
			NULL, err, err_len);
	if (!nb)
		return NULL;
	nb->rx = rx;
	nb->opaque = opaque;
	if (net_link_up(((struct tap_backend *)nb)->ifname, bridge, err, err_len)) {
		tap_close(nb);
		return NULL;
	}
	return nb;
}

struct net_backend *tap_attach(const char *ifname, bool offload, bool vhost, int *attach_errno,
			       char *err, size_t err_len)
{
	struct tap_backend *t;
	struct ifreq ifr;

	if (attach_errno)
		*attach_errno = 0;
	t = calloc(1, sizeof(*t));
	if (!t) {
		net_err(err, err_len, "tap %s: %s", ifname, strerror(errno));
		return NULL;
	}
	t->nb = (struct net_backend){ .kind = &net_kind_tap, .rx = NULL, .opaque = NULL };
	t->fd = open(TUN_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		net_err(err, err_len, "tap %s: %s: %s", ifname, TUN_PATH, strerror(errno));
		goto fail;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (!offload)
		snprintf(t->nb.vnet_why_not, sizeof(t->nb.vnet_why_not), "tap offload=off");
	else if (want_vnet_hdr(t->fd, t->nb.vnet_why_not, sizeof(t->nb.vnet_why_not)))
		ifr.ifr_flags |= IFF_VNET_HDR;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		if (attach_errno)
			*attach_errno = errno;
		net_err(err, err_len, "tap %s: TUNSETIFF: %s", ifname, strerror(errno));
		goto fail;
	}
	if ((ifr.ifr_flags & IFF_VNET_HDR) &&
	    vnet_hdr_setup(t->fd, t->nb.vnet_why_not, sizeof(t->nb.vnet_why_not)))
		t->nb.vnet_hdr = true;
	/* The kernel's name: "tap%d" becomes tap0. */
	memcpy(t->ifname, ifr.ifr_name, IFNAMSIZ);
	t->ifname[IFNAMSIZ - 1] = '\0';
	if ((ifr.ifr_flags & IFF_VNET_HDR) && !t->nb.vnet_hdr) {
		net_err(err, err_len, "tap %s: %s", t->ifname, t->nb.vnet_why_not);
		goto fail;
	}
	/* vhost-net reads the same 12-byte header a vnet TAP carries: only then. */
	t->nb.vhost_backend = -1;
	if (!vhost)
		snprintf(t->nb.vhost_why_not, sizeof(t->nb.vhost_why_not), "tap vhost=off");
	else if (!t->nb.vnet_hdr)
		snprintf(t->nb.vhost_why_not, sizeof(t->nb.vhost_why_not),
			 "it needs the TAP's vnet header (%s)", t->nb.vnet_why_not);
	else
		t->nb.vhost_backend = t->fd;
	return &t->nb;
fail:
	tap_close(&t->nb);
	return NULL;
}

static int tap_pollfds(struct net_backend *nb, struct pollfd *fds, int max, int *timeout_ms)
{
	struct tap_backend *t = (struct tap_backend *)nb;

	(void)timeout_ms;	/* no timers */
	if (t->dead || max < 1)
		return 0;
	fds[0] = (struct pollfd){ .fd = t->fd, .events = POLLIN };
	return 1;
}

static void tap_poll(struct net_backend *nb, const struct pollfd *fds, int n)
{
	struct tap_backend *t = (struct tap_backend *)nb;
	ssize_t r;
	int i;

	if (t->dead || n < 1 || fds[0].fd != t->fd || !fds[0].revents)
		return;
	for (i = 0; i < TAP_BURST; i++) {
		r = read(t->fd, t->buf, sizeof(t->buf));
		if (r > 0) {
			t->nb.rx(t->nb.opaque, t->buf, (size_t)r);
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 || errno == EAGAIN)
			return;
		fprintf(stderr, "net tap %s: read: %s; no more frames from it\n", t->ifname,
			strerror(errno));
		t->dead = true;
		return;
	}
}

static int tap_send(struct net_backend *nb, const void *frame, size_t len)
{
	struct tap_backend *t = (struct tap_backend *)nb;
	size_t hdr = t->nb.vnet_hdr ? NET_VNET_HDR_LEN : 0;
	ssize_t r;

	if (len < hdr + ETH_HDR_LEN)
		return -EINVAL;
	if (len > hdr + TAP_FRAME_MAX)
		return -EMSGSIZE;
	do
		r = write(t->fd, frame, len);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

const struct net_kind net_kind_tap = {
	.name = "tap",
	.open = tap_open,
	.pollfds = tap_pollfds,
	.poll = tap_poll,
	.send = tap_send,
	.set_offload = tap_set_offload,
	.close = tap_close,
};
