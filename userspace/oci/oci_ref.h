/* SPDX-License-Identifier: GPL-2.0 */
/*
 * oci_ref.h - an OCI image reference, as Tart's RemoteName takes one:
 * HOST[:PORT]/REPOSITORY[:TAG | @sha256:HEX], the tag "latest" when neither
 * is given.  The grammar is the distribution spec's (repository components
 * [a-z0-9]+([._-][a-z0-9]+)*, tags [A-Za-z0-9_][A-Za-z0-9._-]{0,127}).
 */
#ifndef VMAPPLE_OCI_REF_H
#define VMAPPLE_OCI_REF_H

#include <stdbool.h>
#include <stddef.h>

#define OCI_HOST_MAX	253
#define OCI_REPO_MAX	255
#define OCI_TAG_MAX	128
/* "sha256:" and 64 hex digits */
#define OCI_DIGEST_LEN	71

struct oci_ref {
	char host[OCI_HOST_MAX + 7];	/* with ":PORT" */
	char repo[OCI_REPO_MAX + 1];
	char tag[OCI_TAG_MAX + 1];	/* "" when by digest */
	char digest[OCI_DIGEST_LEN + 1];	/* "" when by tag */
};

/* Parse @s: 0, or -1 with one line in @err naming the part that is wrong. */
int oci_ref_parse(const char *s, struct oci_ref *r, char *err, size_t err_len);

/* "sha256:" and 64 lower-case hex digits? */
bool oci_digest_valid(const char *d);

/* The tag or the digest: what /v2/REPO/manifests/ takes. */
const char *oci_ref_reference(const struct oci_ref *r);

/* HOST/REPO:TAG or HOST/REPO@DIGEST into @out: 0, or -1 if it does not fit. */
int oci_ref_format(const struct oci_ref *r, char *out, size_t len);

#endif
