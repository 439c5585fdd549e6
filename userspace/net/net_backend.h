/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net_backend.h - where a virtio-net device's frames go: libslirp's user-mode NAT ("user")
 * or a host TAP interface ("tap").  A backend plugs into the device thread's poll() loop;
 * every call must come from that one thread (libslirp is not thread-safe), so there is no
 * locking inside.
 */
#ifndef VMAPPLE_NET_BACKEND_H
#define VMAPPLE_NET_BACKEND_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

struct net_backend;

/* A struct virtio_net_hdr_v1: where net_backend_vnet_hdr(), in front of every frame. */
#define NET_VNET_HDR_LEN	12

/* What the guest takes in the frames it is given (net_backend_set_offload()). */
#define NET_OFFLOAD_CSUM	(1u << 0)	/* a TCP/UDP checksum left partial */
#define NET_OFFLOAD_TSO4	(1u << 1)	/* TCP over IPv4 segments up to 64 KiB */
#define NET_OFFLOAD_TSO6	(1u << 2)	/* TCP over IPv6 segments up to 64 KiB */

/*
 * A frame from the network for the guest: an Ethernet frame, no virtio header (with
 * net_backend_vnet_hdr(): the header, then the frame; @len counts both).  Called
 * from net_backend_poll(), and also from inside net_backend_send() when the backend
 * answers at once (slirp replies to ARP, DHCP and ping synchronously).  Nothing is
 * queued behind it: a frame the device cannot take now, it drops.
 */
typedef void (*net_rx_fn)(void *opaque, const void *frame, size_t len);

/* The fewest pollfds worth offering: slirp takes one per guest connection. */
#define NET_BACKEND_MIN_POLLFDS	64

/*
 * "user[,hostfwd=tcp|udp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]..." (libslirp:
 * 10.0.2.0/24, guest 10.0.2.15, host 10.0.2.2, DNS 10.0.2.3, DHCP on, IPv6 off), or
 * "tap,ifname=NAME[,bridge=BR][,offload=on|off][,vhost=on|off]" (/dev/net/tun, IFF_TAP |
 * IFF_NO_PI, and IFF_VNET_HDR unless offload=off or the kernel lacks it; brought up with
 * libnl-3-route, and enslaved to bridge BR when given; vhost=off keeps vhost-net away).
 * NULL with one line naming the bad part of @spec in @err.
 */
struct net_backend *net_backend_open(const char *spec, net_rx_fn rx, void *opaque, char *err,
				     size_t err_len);

/*
 * Fill up to @max pollfds; lower *timeout_ms (ms, -1 = infinite) to the backend's next
 * timer.  Returns the count used.
 */
int net_backend_pollfds(struct net_backend *nb, struct pollfd *fds, int max, int *timeout_ms);

/*
 * After poll(): handle the backend's revents (@fds as filled above, count @n) and due
 * timers; frames for the guest arrive through rx() from inside this call.  Call it after
 * every poll(), timeout or not: slirp's TCP timers run from here.
 */
void net_backend_poll(struct net_backend *nb, const struct pollfd *fds, int n);

/*
 * A frame from the guest (Ethernet, no virtio header; with net_backend_vnet_hdr(): the
 * header, then the frame, @len counting both).  0 or a negative errno.
 */
int net_backend_send(struct net_backend *nb, const void *frame, size_t len);

/*
 * Do frames carry a virtio-net header both ways (a TAP with IFF_VNET_HDR)?  Only then
 * can a guest hand checksums and segmentation to the host, and take them.
 */
bool net_backend_vnet_hdr(const struct net_backend *nb);

/*
 * NET_OFFLOAD_* the guest takes in frames for it, from now on: 0, or a negative errno
 * (-EOPNOTSUPP without a vnet header).
 */
int net_backend_set_offload(struct net_backend *nb, unsigned int offloads);

/* One line on why frames carry no vnet header ("" when they do), for the run's log. */
const char *net_backend_vnet_why_not(const struct net_backend *nb);

/*
 * The fd vhost-net may move this backend's frames on in the kernel (a TAP
 * with a vnet header, vhost=on), or -1 with *@why_not saying why not.  While
 * vhost has it, net_backend_pollfds() offers it no more: the kernel reads it.
 */
int net_backend_vhost_fd(const struct net_backend *nb, const char **why_not);

/* vhost-net has (true) or gave back (false) the fd of net_backend_vhost_fd(). */
void net_backend_vhost_taken(struct net_backend *nb, bool taken);

/* The backend's kind as the spec names it: "user" or "tap". */
const char *net_backend_kind_name(const struct net_backend *nb);

/* NULL is a no-op. */
void net_backend_close(struct net_backend *nb);

#endif
