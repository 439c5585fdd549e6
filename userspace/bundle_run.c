// SPDX-License-Identifier: GPL-2.0
/* bundle_run.c - run, inspect and clone a VM bundle (see bundle_run.h). */
#include "bundle_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clone.h"

/* AVPBooter: --bios, $VMAPPLE_BIOS, or where the packages put it. */
static int find_bios(const struct vmapple_args *args, struct board_config *cfg, char *err,
		     size_t err_len)
{
	const char *env = getenv(BUNDLE_BIOS_ENV);

	if (args->bios)
		cfg->bios = args->bios;
	else if (env && *env)
		cfg->bios = env;
	else if (!access(BUNDLE_BIOS_DEFAULT, R_OK))
		cfg->bios = BUNDLE_BIOS_DEFAULT;
	else {
		snprintf(err, err_len, "vmapple run: %s: no firmware: give --bios "
			 "AVPBooter.vmapple2.bin (a Mac has it in /System/Library/Frameworks/"
			 "Virtualization.framework/Resources/), or set $%s", args->bundle,
			 BUNDLE_BIOS_ENV);
		return -1;
	}
	return 0;
}

/* --ephemeral: a copy beside the bundle (a reflink where it can be). */
static int make_scratch(const struct vmapple_args *args, char *scratch, size_t len, char *err,
			size_t err_len)
{
	struct clone_stats st;
	int reaped = clone_reap_stale(args->bundle);

	if (reaped)
		fprintf(stderr, "vmapple: removed %d scratch cop%s left by killed launchers\n",
			reaped, reaped == 1 ? "y" : "ies");
	if (clone_scratch_name(args->bundle, getpid(), scratch, len)) {
		snprintf(err, err_len, "vmapple run: %s: path too long for its scratch copy",
			 args->bundle);
		return -1;
	}
	if (clone_tree(args->bundle, scratch, args->allow_copy, &st, err, err_len))
		return -1;
	fprintf(stderr, "vmapple: --ephemeral: running on %s (%u files, %u reflinked, %u "
		"copied); the bundle is not written\n", scratch, st.files, st.reflinked, st.copied);
	return 0;
}

int bundle_configure(const struct vmapple_args *args, struct bundle *b, struct board_config *cfg,
		     char *scratch, size_t scratch_len, char *err, size_t err_len)
{
	const char *path = args->bundle;

	scratch[0] = 0;
	if (args->ephemeral) {
		if (make_scratch(args, scratch, scratch_len, err, err_len))
			return -1;
		path = scratch;
	}
	if (bundle_open(b, path, err, err_len) || find_bios(args, cfg, err, err_len))
		return -1;
	if (!args->disk)
		cfg->disk = (struct board_drive){ b->disk, b->disk_read_only };
	if (!args->aux)
		cfg->aux = (struct board_drive){ b->aux, false };
	if (!vmapple_given(args, "--ecid")) {
		if (!b->has_ecid) {
			snprintf(err, err_len, "vmapple run: %s: no machine identifier, so no ECID: "
				 "give --ecid (the one the disk's LocalPolicy is made for)",
				 args->bundle);
			return -1;
		}
		cfg->ecid = b->ecid;
	}
	if (!vmapple_given(args, "--cpus") && b->cpus)
		cfg->cpus = b->cpus;
	if (!vmapple_given(args, "--mem") && b->mem)
		cfg->mem = b->mem;
	if (b->has_mac) {
		memcpy(cfg->mac, b->mac, 6);
		cfg->has_mac = true;
	}
	if (args->sound == VMAPPLE_SOUND_DEFAULT)
		cfg->sound = true;	/* a macOS guest */
	return 0;
}

int bundle_inspect(const struct vmapple_args *args)
{
	struct bundle b;
	char err[1024];

	if (bundle_open(&b, args->bundle, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	return bundle_print(&b, stdout, args->json) ? 1 : 0;
}

int bundle_clone(const struct vmapple_args *args)
{
	struct clone_stats st;
	struct bundle b;
	char err[1024];
	uint8_t mac[6];

	/* A bundle it cannot read is refused before anything is copied. */
	if (bundle_open(&b, args->bundle, err, sizeof(err)) ||
	    clone_tree(args->bundle, args->clone_dst, args->allow_copy, &st, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (b.has_mac && (clone_fresh_mac(mac) ||
			  bundle_set_mac(args->clone_dst, mac, err, sizeof(err)))) {
		fprintf(stderr, "%s\n", err);
		clone_remove(args->clone_dst);
		return 1;
	}
	printf("%s: %u files, %u reflinked, %u copied", args->clone_dst, st.files, st.reflinked,
	       st.copied);
	if (b.has_mac)
		printf(", MAC %02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		       mac[4], mac[5]);
	printf("\n");
	return 0;
}
