// SPDX-License-Identifier: GPL-2.0
/*
 * vetu_host.c - the launcher's vetu/OCI commands, built for the host under
 * ASan/UBSan, for tests/oci/oci_test.sh to drive against a real registry:
 * the same code (libpure) as the arm64 launcher, with `run` standing in for
 * a boot (it prints what it would run: the bundle is what the test checks).
 * `network` is vmapple's, for tests/network/ in namespaces.
 */
#include <stdio.h>
#include <string.h>

#include "../../userspace/fleet/vetu.h"
#include "../../userspace/net/shared_setup.h"

static int standin_run(int argc, char **argv)
{
	int i;

	printf("would run:");
	for (i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: vetu-host COMMAND ...\n");
		return 2;
	}
	if (!strcmp(argv[1], "network"))
		return shared_net_main(argc - 2, argv + 2);
	return vetu_main(argc - 1, argv + 1, standin_run);
}
