/* SPDX-License-Identifier: GPL-2.0 */
/*
 * caps.h - what `vmapple check` knows about the host, and its verdict.
 *
 * The probe (kvm_probe.c, arm64 only) fills struct host_caps; everything
 * here is pure, so the verdicts and the table are unit-tested on any host.
 */
#ifndef VMAPPLE_CAPS_H
#define VMAPPLE_CAPS_H

#include <stdbool.h>
#include <stdio.h>

#include <linux/vmapple_kvm.h>

#define CAPS_ERROR_LEN 160

struct host_caps {
	/* KVM */
	bool kvm_open;
	char kvm_error[CAPS_ERROR_LEN];	/* why /dev/kvm could not be used */
	int kvm_api_version;
	long page_size;
	int ipa_bits;			/* largest guest IPA size */
	int max_vcpus;
	bool vgic_v3;
	bool nisv_to_user;
	bool smccc_filter;
	bool pmu_v3;
	bool ptrauth;
	unsigned int psci_version;	/* major << 16 | minor; 0 = unknown */

	/* vmapple_kvm */
	bool module_open;
	char module_error[CAPS_ERROR_LEN];
	struct vmapple_kvm_info module_info;
	int attach_errno;		/* 0 = a test VM attached; -1 = not tried */
};

enum cap_status {
	CAP_OK,			/* present and as needed */
	CAP_INFO,		/* a fact, nothing required */
	CAP_OPTIONAL,		/* absent; only costs speed or a feature */
	CAP_MISSING,		/* absent and required: no guest can run */
};

struct cap_row {
	char name[32];
	char value[64];
	enum cap_status status;
	char note[96];
};

#define CAPS_MAX_ROWS 24

/* Minimums the VMApple board needs (see the README's "host requirements"). */
#define CAPS_MIN_IPA_BITS	36	/* RAM at 0x7000_0000, tens of GiB */
#define CAPS_MIN_PSCI		0x10001	/* PSCI 1.1: macOS 13's ApplePSCI */

/* Fill @rows from @caps; returns the number of rows. */
int caps_rows(const struct host_caps *caps, struct cap_row *rows, int max_rows);

/* True when nothing required is missing. */
bool caps_ready(const struct cap_row *rows, int n);

void caps_print(FILE *out, const struct cap_row *rows, int n);

const char *cap_status_name(enum cap_status status);

#endif
