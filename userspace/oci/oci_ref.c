// SPDX-License-Identifier: GPL-2.0
/* oci_ref.c - parsing HOST/REPOSITORY[:TAG|@DIGEST] (see oci_ref.h). */
#include "oci_ref.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int bad(char *err, size_t err_len, const char *ref, const char *what)
{
	snprintf(err, err_len, "%s: not an image reference (HOST/REPOSITORY[:TAG|@sha256:DIGEST]): %s",
		 ref, what);
	return -1;
}

bool oci_digest_valid(const char *d)
{
	size_t i;

	if (strncmp(d, "sha256:", 7) || strlen(d) != OCI_DIGEST_LEN)
		return false;
	for (i = 7; d[i]; i++)
		if (!isdigit((unsigned char)d[i]) && !(d[i] >= 'a' && d[i] <= 'f'))
			return false;
	return true;
}

/* HOST or HOST:PORT, as a registry's name: letters, digits, '.', '-'; a port 1..65535. */
static bool host_valid(const char *h, size_t len)
{
	size_t i, colon = len;
	unsigned long port = 0;

	if (!len || len > OCI_HOST_MAX + 6)
		return false;
	for (i = 0; i < len; i++) {
		if (h[i] == ':' && colon == len) {
			colon = i;
			continue;
		}
		if (colon < len) {
			if (!isdigit((unsigned char)h[i]) || (port = port * 10 + (unsigned long)(h[i] - '0')) > 65535)
				return false;
		} else if (!isalnum((unsigned char)h[i]) && h[i] != '.' && h[i] != '-') {
			return false;
		}
	}
	return colon > 0 && colon <= OCI_HOST_MAX && (colon == len || (colon + 1 < len && port > 0));
}

static bool alnum_lower(char c)
{
	return isdigit((unsigned char)c) || (c >= 'a' && c <= 'z');
}

/* Components [a-z0-9]+([._-][a-z0-9]+)* joined by '/'. */
static bool repo_valid(const char *r, size_t len)
{
	size_t i;

	if (!len || len > OCI_REPO_MAX || !alnum_lower(r[0]) || !alnum_lower(r[len - 1]))
		return false;
	for (i = 1; i < len; i++) {
		if (alnum_lower(r[i]))
			continue;
		if (!strchr("._-/", r[i]) || !alnum_lower(r[i - 1]))
			return false;
		/* "__" is the one doubled separator the spec allows. */
		if (r[i] == '_' && r[i + 1] == '_' && i + 2 < len)
			i++;
	}
	return true;
}

static bool tag_valid(const char *t)
{
	size_t i, len = strlen(t);

	if (!len || len > OCI_TAG_MAX || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return false;
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)t[i]) && !strchr("._-", t[i]))
			return false;
	return true;
}

int oci_ref_parse(const char *s, struct oci_ref *r, char *err, size_t err_len)
{
	const char *slash = strchr(s, '/'), *at, *name, *colon;
	size_t name_len;

	memset(r, 0, sizeof(*r));
	if (!slash)
		return bad(err, err_len, s, "no registry host before a '/'");
	if (!host_valid(s, (size_t)(slash - s)))
		return bad(err, err_len, s, "the registry host is not HOST or HOST:PORT");
	memcpy(r->host, s, (size_t)(slash - s));
	name = slash + 1;
	at = strchr(name, '@');
	colon = strrchr(name, ':');
	if (at) {
		if (!oci_digest_valid(at + 1))
			return bad(err, err_len, s, "the digest is not sha256: and 64 hex digits");
		strcpy(r->digest, at + 1);
		name_len = (size_t)(at - name);
		if (colon && colon < at)
			return bad(err, err_len, s, "both a tag and a digest");
	} else if (colon) {
		if (!tag_valid(colon + 1))
			return bad(err, err_len, s, "the tag is not [A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
		strcpy(r->tag, colon + 1);
		name_len = (size_t)(colon - name);
	} else {
		strcpy(r->tag, "latest");
		name_len = strlen(name);
	}
	if (!repo_valid(name, name_len))
		return bad(err, err_len, s,
			   "the repository is not lower-case components [a-z0-9]+([._-][a-z0-9]+)* joined by '/'");
	memcpy(r->repo, name, name_len);
	return 0;
}

const char *oci_ref_reference(const struct oci_ref *r)
{
	return r->digest[0] ? r->digest : r->tag;
}

int oci_ref_format(const struct oci_ref *r, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/%s%s%s", r->host, r->repo, r->digest[0] ? "@" : ":",
			 oci_ref_reference(r));

	return n < 0 || (size_t)n >= len ? -1 : 0;
}
