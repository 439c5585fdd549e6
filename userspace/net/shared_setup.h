/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shared_setup.h - `vmapple network up [--taps N] [--group G] | down |
 * status`: make, remove or report the shared NAT network (shared_net.h).
 * Up and down need CAP_NET_ADMIN (root, or the vmapple-network service);
 * joining it afterwards (--net shared) needs only the pool's group.
 */
#ifndef VMAPPLE_SHARED_SETUP_H
#define VMAPPLE_SHARED_SETUP_H

/* @argv[0] is the subcommand.  0, 1 on a failure (named on stderr), 2 on a bad command line. */
int shared_net_main(int argc, char **argv);

#endif
