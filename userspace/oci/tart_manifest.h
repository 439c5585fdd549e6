/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tart_manifest.h - the OCI manifest of a Tart VM image, as Tart pushes it
 * (cirruslabs/tart 5287b59: OCI/Manifest.swift, VMDirectory+OCI.swift,
 * OCI/Layerizer/DiskV2.swift):
 *   config  an OCI image config (for Docker Hub's sake; nothing reads it)
 *   layers  one tart.config.v1 (the VM's config.json), the disk's
 *           tart.disk.v2 chunks in disk order (512 MiB raw each, the last
 *           shorter, each an Apple LZ4 stream, its raw size and digest in
 *           annotations), one tart.nvram.v1 (nvram.bin)
 * The manifest is JSON with sorted keys; its digest is of its exact bytes.
 * Every number in a pulled manifest is the registry's, so each is bounded.
 */
#ifndef VMAPPLE_OCI_TART_MANIFEST_H
#define VMAPPLE_OCI_TART_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "oci_ref.h"

#define TART_OCI_CONFIG_TYPE	"application/vnd.oci.image.config.v1+json"
#define TART_CONFIG_TYPE	"application/vnd.cirruslabs.tart.config.v1"
#define TART_DISK_TYPE		"application/vnd.cirruslabs.tart.disk.v2"
#define TART_DISK_V1_TYPE	"application/vnd.cirruslabs.tart.disk.v1"
#define TART_NVRAM_TYPE		"application/vnd.cirruslabs.tart.nvram.v1"
#define TART_RAW_SIZE_KEY	"org.cirruslabs.tart.uncompressed-size"
#define TART_RAW_DIGEST_KEY	"org.cirruslabs.tart.uncompressed-content-digest"
#define TART_DISK_SIZE_KEY	"org.cirruslabs.tart.uncompressed-disk-size"
#define TART_UPLOAD_TIME_KEY	"org.cirruslabs.tart.upload-time"

/* Tart's layerLimitBytes: the raw size of every disk chunk but the last. */
#define TART_DISK_CHUNK		(512ull << 20)
/* Bounds on what a manifest may claim. */
#define TART_CONFIG_MAX		(1ull << 20)
#define TART_NVRAM_MAX		(256ull << 20)
#define TART_CHUNK_MAX		(4ull << 30)
#define TART_DISK_MAX		(64ull << 40)
#define TART_LAYERS_MAX		65536u

struct tart_layer {
	char digest[OCI_DIGEST_LEN + 1];	/* of the blob as stored */
	uint64_t size;
	/* disk layers only */
	char raw_digest[OCI_DIGEST_LEN + 1];
	uint64_t raw_size;
	uint64_t offset;			/* where it goes in disk.img */
};

struct tart_manifest {
	struct tart_layer config, nvram;
	struct tart_layer *disk;
	size_t ndisk;
	uint64_t disk_size;
};

/* 0, or -1 with one line in @err naming the field. */
int tart_manifest_parse(const char *json, size_t len, struct tart_manifest *m, char *err,
			size_t err_len);
void tart_manifest_free(struct tart_manifest *m);

/* The OCI image config blob Tart writes for a macOS image. */
extern const char tart_oci_config[];

/*
 * @m as Tart's JSON (sorted keys, compact), naming @oci_config_digest (of
 * tart_oci_config) and @upload_time (ISO 8601): a malloc()ed string, or NULL.
 */
char *tart_manifest_build(const struct tart_manifest *m, const char *oci_config_digest,
			  const char *upload_time);

#endif
