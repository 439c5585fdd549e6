/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvram.h - the CHRP NVRAM inside a macOS VM's aux image, for
 * `vmapple nvram BUNDLE print | set KEY=VALUE | unset KEY`.
 *
 * Layout (all multi-byte fields little-endian, the arm64 native order xnu
 * reads them in).  Sources, each field: see the table at the top of nvram.c.
 *
 *   aux + 0xa00000, aux + 0xa80000: two banks of 0x80000 bytes
 *   bank + 0x00  CHRP header: sig 0x5a, cksum, len (16-byte units), "nvram"
 *   bank + 0x10  adler32 of [bank + 0x14, bank + 0x80000)
 *   bank + 0x14  generation; the valid bank with the higher one is live
 *   bank + 0x18  8 bytes padding
 *   bank + 0x20  CHRP partitions (16-byte header each), walked from bank + 0
 *                by their lengths: "common", "system", "wwwwwwwwwwww" (free)
 *   partition + 0x10  NUL-terminated KEY=VALUE entries; the first NUL where
 *                an entry would start ends the list; zeros after it
 *
 * Edits are append-only and A/B: the live bank is copied to the other slot
 * with one KEY=VALUE\0 appended, generation + 1 and a fresh adler32, and
 * the old live bank is never written.  Nothing is re-serialised.
 */
#ifndef VMAPPLE_NVRAM_H
#define VMAPPLE_NVRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "disk.h"

#define NVRAM_BANKS		2
#define NVRAM_BANK0_OFF		0xa00000u	/* from the aux's start, past any header */
#define NVRAM_BANK1_OFF		0xa80000u
#define NVRAM_BANK_LEN		0x80000u

#define NVRAM_SIG_APPLE		0x5a		/* the bank's own CHRP header */
#define NVRAM_CHRP_HDR_LEN	16u
#define NVRAM_APPLE_HDR_LEN	0x20u		/* CHRP header + adler + generation + pad */
#define NVRAM_ADLER_OFF		0x10u
#define NVRAM_GEN_OFF		0x14u
#define NVRAM_KEY_MAX		63u		/* xnu's MAX_VAR_NAME_SIZE */

enum nvram_part_kind {
	NVRAM_COMMON,		/* "common" (v1) or "2common" (v2) */
	NVRAM_SYSTEM,		/* "system" (v1) or "2system" (v2): boot-args et al. */
	NVRAM_NPARTS,
};

/* One variable partition of a bank; offsets are from the bank's start. */
struct nvram_part {
	bool present;
	bool malformed;		/* the list does not end cleanly: no appends */
	uint32_t off;		/* first byte of the entries (past the 16-byte header) */
	uint32_t len;		/* bytes for entries */
	uint32_t end;		/* just past the last entry: where an append goes */
	uint32_t entries;
};

struct nvram_bank {
	bool valid;
	int version;		/* 1: "nvram", 2: "2nvram" */
	uint32_t generation;
	uint32_t adler_stored;
	uint32_t adler_computed;
	struct nvram_part part[NVRAM_NPARTS];
	char why[160];		/* !valid: the reason, one phrase */
};

struct nvram {
	struct disk_image disk;	/* fd, locked; offset = where the aux starts */
	char *path;
	bool writable;
	int live;		/* index of the live bank */
	uint8_t *bank[NVRAM_BANKS];	/* both banks as they are on the file */
	struct nvram_bank info[NVRAM_BANKS];
	/* The writes and syncs an edit makes; tests inject failures here. */
	ssize_t (*pwrite_fn)(int fd, const void *buf, size_t n, off_t off);
	int (*fsync_fn)(int fd);
};

/*
 * Called per entry: @key/@val are not NUL-terminated (@val is the stored
 * form, before nvram_print's unescaping).  A non-zero return stops the walk
 * and is returned.
 */
typedef int (*nvram_entry_fn)(enum nvram_part_kind part, const uint8_t *key, size_t klen,
			      const uint8_t *val, size_t vlen, void *ctx);

/* --- the pure layer: buffers only --- */

uint32_t nvram_adler32(const uint8_t *p, size_t n);

/* The CHRP header checksum of the 16 bytes at @hdr (its byte 1 excluded). */
uint8_t nvram_chrp_cksum(const uint8_t *hdr);

/* Validate one bank image of @len bytes into @b: 0, or -1 with @b->why. */
int nvram_parse_bank(const uint8_t *bank, size_t len, struct nvram_bank *b);

/* Which of two parsed banks is live: the valid one with the higher generation, -1 if none. */
int nvram_pick_live(const struct nvram_bank b[NVRAM_BANKS]);

/*
 * Walk the entries of a parsed bank, common partition first.  @effective:
 * skip an entry a later one of the same key in the same partition shadows
 * (the later one is what xnu keeps).
 */
int nvram_bank_foreach(const uint8_t *bank, const struct nvram_bank *b, bool effective,
		       nvram_entry_fn fn, void *ctx);

/* The partition a set of @key goes to in @b (xnu's rule), or -1 if @b has none for it. */
int nvram_part_for(const struct nvram_bank *b, const char *key);

/* The effective stored value of @key in partition @part; false if it is not set. */
bool nvram_bank_get(const uint8_t *bank, const struct nvram_bank *b, enum nvram_part_kind part,
		    const char *key, const uint8_t **val, size_t *vlen);

/* 0, or -1 with why in @err. */
int nvram_check_key(const char *key, char *err, size_t err_len);
int nvram_check_value(const uint8_t *val, size_t vlen, char *err, size_t err_len);

/*
 * Append KEY=VALUE\0 at @part's end in @bank (updating @b), refusing if it
 * does not fit with a NUL after it or the bytes there are not blank.
 */
int nvram_bank_append(uint8_t *bank, struct nvram_bank *b, enum nvram_part_kind part,
		      const char *key, const uint8_t *val, size_t vlen, char *err, size_t err_len);

/* Store @generation and the adler32 of [0x14, @len) into @bank. */
void nvram_bank_seal(uint8_t *bank, size_t len, uint32_t generation);

/* Write @v as nvram(8) shows data: 0xff runs decoded, other bytes %xx unless printable. */
int nvram_put_escaped(FILE *out, const uint8_t *v, size_t n);

/* --- the file layer --- */

/*
 * Open the aux image at @path (trimmed, or with VZ's 16 KiB header: told by
 * size, see disk_aux_offset()), lock it like a VM would, read and validate
 * both banks.  0, or -1 with one line in @err.  @writable: needed for set.
 */
int nvram_open(struct nvram *nv, const char *path, bool writable, char *err, size_t err_len);

/* The live bank's effective entries. */
int nvram_foreach(const struct nvram *nv, nvram_entry_fn fn, void *ctx);

/* One KEY=VALUE line per effective entry; the number of lines, or -1 on a write error. */
int nvram_print(const struct nvram *nv, FILE *out);

/* @key's effective value in the live bank, in any partition; false if unset. */
bool nvram_get(const struct nvram *nv, const char *key, const uint8_t **val, size_t *vlen);

/* The aux offset of the live bank, and its generation. */
uint32_t nvram_live_offset(const struct nvram *nv);
uint32_t nvram_live_generation(const struct nvram *nv);

/*
 * Why the other bank is invalid (its aux offset in @off), or NULL if it is
 * valid.  Worth a warning: the next set overwrites it, and the guest's xnu
 * panics on a bank whose header wins but whose adler32 is wrong.
 */
const char *nvram_bad_bank(const struct nvram *nv, uint32_t *off);

/*
 * Set @key: append KEY=VALUE\0 to a copy of the live bank and write it to
 * the other slot with generation + 1 (an existing entry stays, shadowed by
 * the new one).  0, or -1 with @err and the file as it was.
 */
int nvram_set(struct nvram *nv, const char *key, const char *value, char *err, size_t err_len);
int nvram_set_bytes(struct nvram *nv, const char *key, const uint8_t *val, size_t vlen,
		    char *err, size_t err_len);

/*
 * Unset @key.  0 if it is not set (nothing to do); otherwise -1: no
 * append-only way to delete an entry is known (see nvram.c), so it refuses.
 */
int nvram_unset(struct nvram *nv, const char *key, char *err, size_t err_len);

void nvram_close(struct nvram *nv);

#endif
