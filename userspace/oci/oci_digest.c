// SPDX-License-Identifier: GPL-2.0
/* oci_digest.c - SHA-256 digests in the OCI spelling (see oci_digest.h). */
#include "oci_digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define READ_CHUNK	(1u << 20)

int oci_hash_init(struct oci_hash *h)
{
	h->md = EVP_MD_CTX_new();
	if (!h->md || !EVP_DigestInit_ex(h->md, EVP_sha256(), NULL)) {
		oci_hash_free(h);
		return -1;
	}
	return 0;
}

void oci_hash_update(struct oci_hash *h, const void *buf, size_t len)
{
	EVP_DigestUpdate(h->md, buf, len);
}

void oci_hash_final(struct oci_hash *h, char *out)
{
	unsigned char md[32];
	unsigned int n = 0, i;

	EVP_DigestFinal_ex(h->md, md, &n);
	oci_hash_free(h);
	sprintf(out, "sha256:");
	for (i = 0; i < n; i++)
		sprintf(out + 7 + 2 * i, "%02x", md[i]);
}

void oci_hash_free(struct oci_hash *h)
{
	EVP_MD_CTX_free(h->md);
	h->md = NULL;
}

void oci_digest_bytes(const void *buf, size_t len, char *out)
{
	struct oci_hash h;

	if (oci_hash_init(&h)) {
		out[0] = '\0';
		return;
	}
	oci_hash_update(&h, buf, len);
	oci_hash_final(&h, out);
}

int oci_digest_fd(int fd, uint64_t off, uint64_t len, char *out)
{
	struct oci_hash h;
	char *buf = malloc(READ_CHUNK);
	ssize_t n;

	if (!buf || oci_hash_init(&h)) {
		free(buf);
		errno = ENOMEM;
		return -1;
	}
	while (len) {
		n = pread(fd, buf, len < READ_CHUNK ? len : READ_CHUNK, (off_t)off);
		if (n <= 0) {
			if (!n)
				errno = ENODATA;
			oci_hash_free(&h);
			free(buf);
			return -1;
		}
		oci_hash_update(&h, buf, (size_t)n);
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	free(buf);
	oci_hash_final(&h, out);
	return 0;
}
