/* SPDX-License-Identifier: GPL-2.0 */
/*
 * registry.h - a client of one repository on an OCI distribution (registry
 * v2) server, on libcurl: manifests, blobs (ranged GETs to resume, HEAD to
 * skip what is there, monolithic or chunked uploads) and the 401 dance
 * (Basic, or Bearer from the token service the challenge names), as Tart's
 * Registry.swift speaks it.  Every failure is one line naming the registry,
 * the request and the cause (the server's own error message when it sent
 * one).
 */
#ifndef VMAPPLE_OCI_REGISTRY_H
#define VMAPPLE_OCI_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apple_lz4.h"
#include "oci_ref.h"
#include "registry_auth.h"

#define OCI_MANIFEST_TYPE	"application/vnd.oci.image.manifest.v1+json"
/* A manifest, a config, a token answer: what is read whole into memory. */
#define REGISTRY_SMALL_MAX	(4u << 20)

struct registry {
	void *curl;			/* CURL * */
	char host[OCI_HOST_MAX + 7];
	char repo[OCI_REPO_MAX + 1];
	char base[OCI_HOST_MAX + 16];	/* http[s]://HOST */
	char authorization[8192];	/* "Authorization: ..." once a 401 asked, else "" */
	struct auth_creds creds;
	bool has_creds;
	char *err;
	size_t err_len;
};

/*
 * Ready to talk to @ref's registry (https, or http when @insecure): 0, or
 * -1 with one line in @err.  @err stays this client's: every later failure
 * is written there.
 */
int registry_open(struct registry *r, const struct oci_ref *ref, bool insecure, char *err,
		  size_t err_len);
void registry_close(struct registry *r);

/* GET the manifest @reference (a tag or digest) into *@body (free()): 0 or -1. */
int registry_get_manifest(struct registry *r, const char *reference, char **body, size_t *len);
int registry_put_manifest(struct registry *r, const char *tag, const char *body, size_t len);

/* HEAD blob @digest: 1 there, 0 not, -1 error. */
int registry_blob_exists(struct registry *r, const char *digest);

/*
 * GET blob @digest from byte @from on (a Range request when @from > 0,
 * which must be answered 206), every byte to @sink.  *@got counts the
 * bytes delivered, also when it fails.  0 or -1.
 */
int registry_get_blob(struct registry *r, const char *digest, uint64_t from,
		      apple_lz4_sink sink, void *ctx, uint64_t *got);

/*
 * Upload @size bytes of @fd (from offset 0) as blob @digest: in one PUT
 * when @chunk is 0, else PATCHes of @chunk bytes and a closing PUT.  0 or -1.
 */
int registry_upload_blob(struct registry *r, const char *digest, int fd, uint64_t size,
			 uint64_t chunk);

#endif
