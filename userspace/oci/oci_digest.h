/* SPDX-License-Identifier: GPL-2.0 */
/* oci_digest.h - "sha256:<hex>" digests of bytes, streams and files (OpenSSL). */
#ifndef VMAPPLE_OCI_DIGEST_H
#define VMAPPLE_OCI_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "oci_ref.h"

struct oci_hash {
	void *md;		/* EVP_MD_CTX * */
};

int oci_hash_init(struct oci_hash *h);
void oci_hash_update(struct oci_hash *h, const void *buf, size_t len);
/* "sha256:<hex>" into @out (OCI_DIGEST_LEN + 1 bytes); frees @h. */
void oci_hash_final(struct oci_hash *h, char *out);
void oci_hash_free(struct oci_hash *h);

void oci_digest_bytes(const void *buf, size_t len, char *out);
/* Of @len bytes of @fd from @off: 0, or -1 (errno) on a read error or a short file. */
int oci_digest_fd(int fd, uint64_t off, uint64_t len, char *out);

#endif
