/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vetu.h - the `vetu` command set, as Cirrus Labs' Orchard worker drives
 * its vetu runtime (internal/worker/vmmanager/vetu/, orchard 0.55.0) and as
 * vetu 0.16 and Tart 2.32 spell the flags and outputs, on vmapple's VM
 * store (fleet/vm_store.h).  Reached as `vetu ...` (a symlink to vmapple:
 * main() dispatches on argv[0]) or `vmapple vetu ...`.
 *
 *   pull IMAGE | push NAME IMAGE | fqn IMAGE | clone SOURCE NAME | set NAME [--cpu N]
 *   [--memory MIB] [--disk-size GB] | run NAME | ip NAME [--wait S] |
 *   stop NAME [--timeout S] | delete NAME... | list [--format text|json]
 *   [--source local|oci] [-q]
 *
 * IMAGE is a local name, a bundle path or a registry image (HOST/REPO:TAG,
 * oci/oci.h: pulled into the store's cache in Tart's format).
 *
 * Flags go before or after the names (as cobra takes them), as --flag V
 * or --flag=V.  Errors: one line on stderr (Orchard reports the first),
 * exit status 1; a bad command line, 2.
 */
#ifndef VMAPPLE_FLEET_VETU_H
#define VMAPPLE_FLEET_VETU_H

/* What `vetu run NAME` hands the launcher: vmapple's own argv (run BUNDLE ...). */
typedef int (*vetu_run_fn)(int argc, char **argv);

/* @argv[0] is the command ("clone", ...).  The exit status. */
int vetu_main(int argc, char **argv, vetu_run_fn run);

#endif
