// SPDX-License-Identifier: GPL-2.0
/*
 * nvram.c - read and append-edit the CHRP NVRAM of a macOS VM's aux image
 * (see nvram.h).  Written from the descriptions below; no code is copied.
 *
 * Sources (the tag after each field below says which one it rests on):
 *  [X] xnu iokit/Kernel/IONVRAMCHRPHandler.cpp, apple-oss-distributions/xnu
 *      at 5c2921b0: apple_nvram_header_t, chrp_checksum(), the header check,
 *      the adler32 range, the partition walk and names, the entry scan,
 *      serializeVariables() and findCurrentBank().  It is the code the macOS
 *      guest itself reads and writes this NVRAM with.
 *  [I] xnu iokit/Kernel/IONVRAM.cpp at 1031c584 (MAX_VAR_NAME_SIZE, the
 *      setVariable partition rule) and iokit/IOKit/IOKitKeysPrivate.h
 *      (IONVRAMSystemVariableList).
 *  [D] apple/darwin-xnu iokit/Kernel/IONVRAM.cpp: NVRAM_CHRP_SIG_APPLE 0x5a.
 *  [L] Linux arch/powerpc/platforms/powermac/nvram.c: CORE99_SIGNATURE 0x5a,
 *      CORE99_ADLER_START 0x14, struct core99_header, the walk from offset 0.
 *  [A] asahi-nvram apple-nvram/src/v1v2.rs (WhatAmISupposedToPutHere/asahi-
 *      nvram at 1177a916): the same header on Apple silicon, LE size, adler
 *      and generation; updates copy the active bank to the other, gen + 1.
 *  [Y] yaelliethy/orchard scripts/prepare-aux.py and TECHNICAL.md at
 *      a92c4cc0 (also in MakrSas/orchard-ios): measured on a tart aux.
 *  [N] Apple system_cmds nvram.c PrintOFVariable(): data bytes print as
 *      themselves if isprint() and not '%', else as %xx.
 *
 *  field                        value                     source    on a real aux
 *  bank offsets, length         0xa00000 0xa80000 0x80000 [Y]       measured [Y]
 *  +0x00 signature              0x5a                      [L][D]    unconfirmed;
 *                                                                   xnu skips it
 *  +0x01 header checksum        CHRP sum (below)          [X][L]    unconfirmed
 *  +0x02 length, u16 LE         16-byte units, >= 2       [X][L][A] unconfirmed
 *  +0x04 name[12]               "nvram" or "2nvram"       [X][A]    "nvram" seen
 *                                                                   by [Y]'s tools
 *  +0x10 adler32, u32 LE        of [+0x14, +0x80000)      [X][L][Y] measured [Y]
 *  +0x14 generation, u32 LE     higher valid one is live  [X][Y]    measured [Y]
 *  +0x18 padding[8]                                       [X][L]    unconfirmed
 *  partitions: walked from +0, 16-byte CHRP header each,
 *    length at +2 in 16-byte units, name 12 bytes NUL-padded [X][L]  unconfirmed
 *  "common"/"2common", "system"/"2system"                 [X]       unconfirmed
 *  entries KEY=VALUE\0 from partition +0x10; a NUL where
 *    an entry would start ends the list                   [X][A]    unconfirmed
 *  a later entry of a key shadows an earlier one          [X][A]    unconfirmed
 *                                                                   for iBoot
 *  0xff escape: 0xff, then n | 0x80 for n 0xff bytes, n for n 0x00 [X]
 *
 * The CHRP checksum: the signature byte plus bytes 2..15, carries folded
 * back in until it fits a byte [X][L].
 *
 * [Y]'s own script starts its entry scan at bank + 0x18, inside what [X]
 * and [L] call the header padding; this file follows [X]'s partition walk
 * instead.  Which one a real VZ aux matches has not been checked here:
 * `print` on a real aux shows it (this code reads no entries if the banks
 * carry no "common" or "system" partition, and says so).
 */
#include "nvram.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ADLER_MOD	65521u
#define ADLER_NMAX	5552u	/* bytes before the 32-bit sums could overflow */

static const uint32_t bank_off[NVRAM_BANKS] = { NVRAM_BANK0_OFF, NVRAM_BANK1_OFF };

/* [X] compares all 12 name bytes against the NUL-padded name. */
static const char *const part_names[NVRAM_NPARTS][2] = {
	[NVRAM_COMMON] = { "common", "2common" },
	[NVRAM_SYSTEM] = { "system", "2system" },
};

/*
 * [I] IONVRAMSystemVariableList: the names xnu keeps in the system
 * partition when the bank has one; every other name goes to common.
 */
static const char *const system_vars[] = {
	"allow-root-hash-mismatch", "auto-boot", "auto-boot-halt-stage", "base-system-path",
	"boot-args", "boot-command", "boot-image", "bootdelay", "com.apple.System.boot-nonce",
	"darkboot", "emu", "one-time-boot-command", "policy-nonce-digests", "prevent-restores",
	"prev-lang:kbd", "root-live-fs", "sep-debug-args", "StartupMute", "SystemAudioVolume",
	"SystemAudioVolumeExtension", "SystemAudioVolumeSaved",
};

/* One entry; offsets are from the bank's start. */
struct entry {
	uint32_t key, klen;
	uint32_t val, vlen;
	uint32_t next;
};

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

uint32_t nvram_adler32(const uint8_t *p, size_t n)
{
	uint32_t a = 1, b = 0;

	while (n) {
		size_t chunk = n < ADLER_NMAX ? n : ADLER_NMAX;

		n -= chunk;
		while (chunk--) {
			a += *p++;
			b += a;
		}
		a %= ADLER_MOD;
		b %= ADLER_MOD;
	}
	return b << 16 | a;
}

uint8_t nvram_chrp_cksum(const uint8_t *hdr)
{
	unsigned int sum = hdr[0];
	unsigned int i;

	for (i = 2; i < NVRAM_CHRP_HDR_LEN; i++)
		sum += hdr[i];
	while (sum > 0xff)
		sum = (sum & 0xff) + (sum >> 8);
	return (uint8_t)sum;
}

static int part_kind(const uint8_t *name)
{
	int kind, v;

	for (kind = 0; kind < NVRAM_NPARTS; kind++) {
		for (v = 0; v < 2; v++) {
			char want[12] = { 0 };

			memcpy(want, part_names[kind][v], strlen(part_names[kind][v]));
			if (!memcmp(name, want, sizeof(want)))
				return kind;
		}
	}
	return -1;
}

/*
 * The entry at @pos of @p: 1 and @e; 0 where the list ends; -1 where xnu
 * would read it differently from us, so nothing may be appended after it.
 * xnu looks for '=' across NULs and drops an entry that runs off the end.
 */
static int entry_at(const uint8_t *bank, const struct nvram_part *p, uint32_t pos,
		    struct entry *e)
{
	uint32_t limit = p->off + p->len;
	uint32_t i;

	if (pos >= limit || bank[pos] == 0)
		return 0;
	for (i = pos; i < limit && bank[i] != '=' && bank[i] != 0; i++)
		;
	if (i == limit || bank[i] == 0)
		return -1;
	e->key = pos;
	e->klen = i - pos;
	e->val = ++i;
	for (; i < limit && bank[i] != 0; i++)
		;
	if (i == limit)
		return -1;
	e->vlen = i - e->val;
	e->next = i + 1;
	return 1;
}

static void scan_entries(const uint8_t *bank, struct nvram_part *p)
{
	struct entry e;
	uint32_t pos = p->off;
	int r;

	while ((r = entry_at(bank, p, pos, &e)) > 0) {
		p->entries++;
		pos = e.next;
	}
	p->malformed = r < 0;
	p->end = pos;
}

/*
 * [X] walks partitions from the bank's first byte (the bank header is the
 * first partition, 0x20 long) until a length is too short or runs off the
 * bank.  A later partition of the same name replaces an earlier one there.
 */
static void walk_partitions(const uint8_t *bank, uint32_t len, struct nvram_bank *b)
{
	uint32_t off = 0;

	while (len - off >= NVRAM_CHRP_HDR_LEN) {
		uint32_t plen = get_le16(bank + off + 2) * 16u;
		int kind;

		if (plen < NVRAM_CHRP_HDR_LEN || plen > len - off)
			break;
		kind = part_kind(bank + off + 4);
		if (kind >= 0) {
			struct nvram_part *p = &b->part[kind];

			*p = (struct nvram_part){
				.present = true, .off = off + NVRAM_CHRP_HDR_LEN,
				.len = plen - NVRAM_CHRP_HDR_LEN,
			};
			scan_entries(bank, p);
		}
		off += plen;
	}
}

static int bank_fail(struct nvram_bank *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bank_fail(struct nvram_bank *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->why, sizeof(b->why), fmt, ap);
	va_end(ap);
	b->valid = false;
	return -1;
}

int nvram_parse_bank(const uint8_t *bank, size_t len, struct nvram_bank *b)
{
	uint32_t hlen;

	memset(b, 0, sizeof(*b));
	if (len < NVRAM_APPLE_HDR_LEN || len > UINT32_MAX)
		return bank_fail(b, "a bank of %zu bytes", len);
	if (bank[0] != NVRAM_SIG_APPLE)
		return bank_fail(b, "signature 0x%02x, not 0x%02x", bank[0], NVRAM_SIG_APPLE);
	if (!memcmp(bank + 4, "nvram", 5))
		b->version = 1;
	else if (!memcmp(bank + 4, "2nvram", 6))
		b->version = 2;
	else
		return bank_fail(b, "no \"nvram\" header name");
	if (nvram_chrp_cksum(bank) != bank[1])
		return bank_fail(b, "bad header checksum 0x%02x, expected 0x%02x", bank[1],
				 nvram_chrp_cksum(bank));
	hlen = get_le16(bank + 2) * 16u;
	if (hlen < NVRAM_APPLE_HDR_LEN || hlen > len)
		return bank_fail(b, "header length 0x%x bytes", hlen);
	b->adler_stored = get_le32(bank + NVRAM_ADLER_OFF);
	b->adler_computed = nvram_adler32(bank + NVRAM_GEN_OFF, len - NVRAM_GEN_OFF);
	if (b->adler_stored != b->adler_computed)
		return bank_fail(b, "bad adler32: stored 0x%08x, computed 0x%08x", b->adler_stored,
				 b->adler_computed);
	b->generation = get_le32(bank + NVRAM_GEN_OFF);
	walk_partitions(bank, (uint32_t)len, b);
	if (!b->part[NVRAM_COMMON].present && !b->part[NVRAM_SYSTEM].present)
		return bank_fail(b, "no \"common\" or \"system\" partition");
	b->valid = true;
	return 0;
}

int nvram_pick_live(const struct nvram_bank b[NVRAM_BANKS])
{
	int i, live = -1;

	/* [X] findCurrentBank(): ">=" against the best so far, so a tie goes to bank 1. */
	for (i = 0; i < NVRAM_BANKS; i++)
		if (b[i].valid && (live < 0 || b[i].generation >= b[live].generation))
			live = i;
	return live;
}

static bool same_key(const uint8_t *bank, const struct entry *a, const uint8_t *key,
		     size_t klen)
{
	return a->klen == klen && !memcmp(bank + a->key, key, klen);
}

/* Whether a later entry of @p has @e's key: xnu's dictionary keeps the last one. */
static bool shadowed(const uint8_t *bank, const struct nvram_part *p, const struct entry *e)
{
	struct entry later;
	uint32_t pos;

	for (pos = e->next; entry_at(bank, p, pos, &later) > 0; pos = later.next)
		if (same_key(bank, &later, bank + e->key, e->klen))
			return true;
	return false;
}

int nvram_bank_foreach(const uint8_t *bank, const struct nvram_bank *b, bool effective,
		       nvram_entry_fn fn, void *ctx)
{
	int kind;

	for (kind = 0; kind < NVRAM_NPARTS; kind++) {
		const struct nvram_part *p = &b->part[kind];
		struct entry e;
		uint32_t pos;

		if (!p->present)
			continue;
		for (pos = p->off; entry_at(bank, p, pos, &e) > 0; pos = e.next) {
			int r;

			if (effective && shadowed(bank, p, &e))
				continue;
			r = fn(kind, bank + e.key, e.klen, bank + e.val, e.vlen, ctx);
			if (r)
				return r;
		}
	}
	return 0;
}

static bool is_system_var(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(system_vars) / sizeof(system_vars[0]); i++)
		if (!strcmp(key, system_vars[i]))
			return true;
	return false;
}

int nvram_part_for(const struct nvram_bank *b, const char *key)
{
	/* [I] IONVRAMCHRPHandler::setVariable(): system if there is one and the name is listed. */
	if (b->part[NVRAM_SYSTEM].present && is_system_var(key))
		return NVRAM_SYSTEM;
	return b->part[NVRAM_COMMON].present ? NVRAM_COMMON : -1;
}

bool nvram_bank_get(const uint8_t *bank, const struct nvram_bank *b, enum nvram_part_kind part,
		    const char *key, const uint8_t **val, size_t *vlen)
{
	const struct nvram_part *p = &b->part[part];
	size_t klen = strlen(key);
	bool found = false;
	struct entry e;
	uint32_t pos;

	if (!p->present)
		return false;
	for (pos = p->off; entry_at(bank, p, pos, &e) > 0; pos = e.next) {
		if (same_key(bank, &e, (const uint8_t *)key, klen)) {
			*val = bank + e.val;
			*vlen = e.vlen;
			found = true;
		}
	}
	return found;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX:": how nvram(8) names a variable's namespace. */
static bool has_guid_prefix(const char *key)
{
	int i;

	if (strlen(key) < 37 || key[36] != ':')
		return false;
	for (i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? key[i] != '-' : !is_hex(key[i]))
			return false;
	}
	return true;
}

int nvram_check_key(const char *key, char *err, size_t err_len)
{
	size_t n = strlen(key), i;

	if (!n) {
		snprintf(err, err_len, "an empty name");
		return -1;
	}
	if (n > NVRAM_KEY_MAX) {
		snprintf(err, err_len, "a name of %zu bytes; NVRAM names hold at most %u", n,
			 NVRAM_KEY_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)key[i];

		if (c == '=') {
			snprintf(err, err_len, "a name with '=' in it (byte %zu)", i);
			return -1;
		}
		if (c < 0x20 || c > 0x7e) {
			snprintf(err, err_len, "a name with byte 0x%02x at %zu; names are printable ASCII",
				 c, i);
			return -1;
		}
	}
	if (has_guid_prefix(key)) {
		snprintf(err, err_len, "a GUID-qualified name (%.37s...); give the bare name", key);
		return -1;
	}
	return 0;
}

int nvram_check_value(const uint8_t *val, size_t vlen, char *err, size_t err_len)
{
	size_t i;

	for (i = 0; i < vlen; i++) {
		if (val[i] == 0) {
			snprintf(err, err_len, "a value with a NUL at byte %zu; an entry ends at its first NUL",
				 i);
			return -1;
		}
		/* [X] unescapeBytesToData() reads 0xff as the start of a run. */
		if (val[i] == 0xff) {
			snprintf(err, err_len, "a value with byte 0xff at %zu, which NVRAM reads as an "
				 "escape", i);
			return -1;
		}
	}
	return 0;
}

int nvram_bank_append(uint8_t *bank, struct nvram_bank *b, enum nvram_part_kind part,
		      const char *key, const uint8_t *val, size_t vlen, char *err, size_t err_len)
{
	struct nvram_part *p = &b->part[part];
	const char *name = part_names[part][0];
	size_t klen = strlen(key);
	size_t need = klen + 1 + vlen + 1;
	uint32_t limit, i;

	if (!p->present) {
		snprintf(err, err_len, "the bank has no %s partition", name);
		return -1;
	}
	if (p->malformed) {
		snprintf(err, err_len, "the %s partition's entry list does not end cleanly (bank "
			 "offset 0x%x); nothing can be appended after it", name, p->end);
		return -1;
	}
	limit = p->off + p->len;
	/* One NUL must stay after the entry: it is what ends the list for a reader. */
	if (need + 1 > limit - p->end) {
		snprintf(err, err_len, "no room in the %s partition: the entry needs %zu bytes and a "
			 "NUL after it; %u of its %u bytes are free", name, need, limit - p->end, p->len);
		return -1;
	}
	for (i = p->end; i < p->end + need + 1; i++) {
		if (bank[i]) {
			snprintf(err, err_len, "the %s partition's free space is not blank (byte 0x%02x "
				 "at bank offset 0x%x)", name, bank[i], i);
			return -1;
		}
	}
	memcpy(bank + p->end, key, klen);
	bank[p->end + klen] = '=';
	memcpy(bank + p->end + klen + 1, val, vlen);
	bank[p->end + need - 1] = 0;
	p->end += (uint32_t)need;
	p->entries++;
	return 0;
}

void nvram_bank_seal(uint8_t *bank, size_t len, uint32_t generation)
{
	put_le32(bank + NVRAM_GEN_OFF, generation);
	put_le32(bank + NVRAM_ADLER_OFF, nvram_adler32(bank + NVRAM_GEN_OFF, len - NVRAM_GEN_OFF));
}

static void put_byte(FILE *out, uint8_t c)
{
	/* [N]: isprint() in the C locale, '%' escaped so the output reads back. */
	if (c >= 0x20 && c < 0x7f && c != '%')
		putc(c, out);
	else
		fprintf(out, "%%%02x", c);
}

int nvram_put_escaped(FILE *out, const uint8_t *v, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = v[i++];
		unsigned int run = 1;

		/* [X]: 0xff, then a count, bit 7 set for a run of 0xff, clear for 0x00. */
		if (c == 0xff && i < n) {
			run = v[i] & 0x7f;
			c = v[i++] & 0x80 ? 0xff : 0x00;
		}
		while (run--)
			put_byte(out, c);
	}
	return ferror(out) ? -1 : 0;
}

/* --- the file --- */

static int pread_full(int fd, uint8_t *buf, size_t n, off_t off)
{
	while (n) {
		ssize_t r = pread(fd, buf, n, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		buf += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

static int put_all(struct nvram *nv, const uint8_t *buf, size_t n, off_t off)
{
	while (n) {
		ssize_t w = nv->pwrite_fn(nv->disk.fd, buf, n, off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		buf += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

static off_t bank_file_off(const struct nvram *nv, int slot)
{
	return (off_t)(nv->disk.offset + bank_off[slot]);
}

static int read_banks(struct nvram *nv, char *err, size_t err_len)
{
	int i;

	for (i = 0; i < NVRAM_BANKS; i++) {
		nv->bank[i] = malloc(NVRAM_BANK_LEN);
		if (!nv->bank[i] ||
		    pread_full(nv->disk.fd, nv->bank[i], NVRAM_BANK_LEN, bank_file_off(nv, i))) {
			snprintf(err, err_len, "vmapple: nvram %s: cannot read the NVRAM bank at 0x%x: %s",
				 nv->path, bank_off[i], strerror(errno));
			return -1;
		}
		nvram_parse_bank(nv->bank[i], NVRAM_BANK_LEN, &nv->info[i]);
	}
	return 0;
}

int nvram_open(struct nvram *nv, const char *path, bool writable, char *err, size_t err_len)
{
	const uint64_t need = (uint64_t)NVRAM_BANK1_OFF + NVRAM_BANK_LEN;

	memset(nv, 0, sizeof(*nv));
	nv->disk.fd = -1;
	nv->live = -1;
	nv->writable = writable;
	nv->pwrite_fn = pwrite;
	nv->fsync_fn = fsync;
	/* disk_open tells the layout by size and takes the lock a running VM holds. */
	if (disk_open(&nv->disk, "nvram", path, !writable, DISK_AUX, err, err_len))
		return -1;
	nv->path = strdup(path);
	if (!nv->path) {
		snprintf(err, err_len, "vmapple: nvram %s: %s", path, strerror(errno));
		goto fail;
	}
	if (nv->disk.size < need) {
		snprintf(err, err_len, "vmapple: nvram %s: an aux image of %llu bytes cannot hold the "
			 "NVRAM banks at 0x%x and 0x%x (%llu bytes needed)", path,
			 (unsigned long long)nv->disk.size, NVRAM_BANK0_OFF, NVRAM_BANK1_OFF,
			 (unsigned long long)need);
		goto fail;
	}
	if (read_banks(nv, err, err_len))
		goto fail;
	nv->live = nvram_pick_live(nv->info);
	if (nv->live < 0) {
		snprintf(err, err_len, "vmapple: nvram %s: no valid NVRAM bank at 0x%x or 0x%x "
			 "(0x%x: %s; 0x%x: %s)%s", path, NVRAM_BANK0_OFF, NVRAM_BANK1_OFF,
			 NVRAM_BANK0_OFF, nv->info[0].why, NVRAM_BANK1_OFF, nv->info[1].why,
			 nv->disk.offset ? "; offsets are past the 16 KiB header" : "");
		goto fail;
	}
	return 0;
fail:
	nvram_close(nv);
	return -1;
}

int nvram_foreach(const struct nvram *nv, nvram_entry_fn fn, void *ctx)
{
	return nvram_bank_foreach(nv->bank[nv->live], &nv->info[nv->live], true, fn, ctx);
}

struct print_ctx {
	FILE *out;
	int lines;
};

static int print_entry(enum nvram_part_kind part, const uint8_t *key, size_t klen,
		       const uint8_t *val, size_t vlen, void *ctx)
{
	struct print_ctx *pc = ctx;

	(void)part;
	nvram_put_escaped(pc->out, key, klen);
	putc('=', pc->out);
	nvram_put_escaped(pc->out, val, vlen);
	putc('\n', pc->out);
	pc->lines++;
	return ferror(pc->out) ? -1 : 0;
}

int nvram_print(const struct nvram *nv, FILE *out)
{
	struct print_ctx pc = { .out = out };

	if (nvram_foreach(nv, print_entry, &pc))
		return -1;
	return pc.lines;
}

bool nvram_get(const struct nvram *nv, const char *key, const uint8_t **val, size_t *vlen)
{
	const uint8_t *bank = nv->bank[nv->live];
	const struct nvram_bank *b = &nv->info[nv->live];
	int first = nvram_part_for(b, key);
	int kind;

	/* The partition a set would write first, then the other. */
	if (first >= 0 && nvram_bank_get(bank, b, first, key, val, vlen))
		return true;
	for (kind = 0; kind < NVRAM_NPARTS; kind++)
		if (kind != first && nvram_bank_get(bank, b, kind, key, val, vlen))
			return true;
	return false;
}

uint32_t nvram_live_offset(const struct nvram *nv)
{
	return bank_off[nv->live];
}

uint32_t nvram_live_generation(const struct nvram *nv)
{
	return nv->info[nv->live].generation;
}

const char *nvram_bad_bank(const struct nvram *nv, uint32_t *off)
{
	int other = NVRAM_BANKS - 1 - nv->live;

	*off = bank_off[other];
	return nv->info[other].valid ? NULL : nv->info[other].why;
}

/*
 * Put @img into bank slot @slot.  Readers pick a bank by its header alone
 * ([X] findCurrentBank() does not check the adler32, and then panics on a
 * mismatch), so the slot must never show a winning header over a partial
 * body: its old header is blanked first, then the body goes down, then
 * the header that makes it live, each step synced.  Until that last step
 * the old live bank, never written, is what every reader picks.  On a
 * failure the slot's old bytes are put back, leaving the file as it was.
 */
static int write_bank(struct nvram *nv, int slot, const uint8_t *img, char *err, size_t err_len)
{
	static const uint8_t blank[NVRAM_APPLE_HDR_LEN];
	off_t base = bank_file_off(nv, slot);
	const char *step;
	int saved;

	step = "blank the old header of";
	if (put_all(nv, blank, sizeof(blank), base) || nv->fsync_fn(nv->disk.fd))
		goto fail;
	step = "write";
	if (put_all(nv, img + NVRAM_APPLE_HDR_LEN, NVRAM_BANK_LEN - NVRAM_APPLE_HDR_LEN,
		    base + NVRAM_APPLE_HDR_LEN) || nv->fsync_fn(nv->disk.fd))
		goto fail;
	step = "write the header of";
	if (put_all(nv, img, NVRAM_APPLE_HDR_LEN, base) || nv->fsync_fn(nv->disk.fd))
		goto fail;
	return 0;
fail:
	saved = errno;
	if (!put_all(nv, nv->bank[slot], NVRAM_BANK_LEN, base) && !nv->fsync_fn(nv->disk.fd)) {
		snprintf(err, err_len, "vmapple: nvram %s: cannot %s the bank at 0x%x: %s; the file "
			 "is unchanged", nv->path, step, bank_off[slot], strerror(saved));
	} else {
		snprintf(err, err_len, "vmapple: nvram %s: cannot %s the bank at 0x%x: %s, nor put "
			 "its old bytes back: %s; the live bank at 0x%x is untouched", nv->path, step,
			 bank_off[slot], strerror(saved), strerror(errno), bank_off[nv->live]);
	}
	return -1;
}

/* Parse the bank about to be written and check it says what was asked for. */
static int check_new_bank(const uint8_t *img, struct nvram_bank *nb, uint32_t gen,
			  enum nvram_part_kind part, const char *key, const uint8_t *val,
			  size_t vlen)
{
	const uint8_t *got;
	size_t got_len;

	if (nvram_parse_bank(img, NVRAM_BANK_LEN, nb) || nb->generation != gen)
		return -1;
	if (!nvram_bank_get(img, nb, part, key, &got, &got_len))
		return -1;
	return got_len == vlen && !memcmp(got, val, vlen) ? 0 : -1;
}

int nvram_set_bytes(struct nvram *nv, const char *key, const uint8_t *val, size_t vlen,
		    char *err, size_t err_len)
{
	const struct nvram_bank *cur = &nv->info[nv->live];
	int slot = NVRAM_BANKS - 1 - nv->live;
	struct nvram_bank nb;
	char why[200];
	uint8_t *img;
	int part;

	if (nvram_check_key(key, why, sizeof(why)) || nvram_check_value(val, vlen, why, sizeof(why))) {
		snprintf(err, err_len, "vmapple: nvram %s: cannot set %s", nv->path, why);
		return -1;
	}
	if (!nv->writable) {
		snprintf(err, err_len, "vmapple: nvram %s: opened read-only; cannot set %s", nv->path,
			 key);
		return -1;
	}
	part = nvram_part_for(cur, key);
	if (part < 0) {
		snprintf(err, err_len, "vmapple: nvram %s: cannot set %s: the live bank has no "
			 "\"common\" partition", nv->path, key);
		return -1;
	}
	/* The next generation must be higher, or the new bank would not be live. */
	if (cur->generation == UINT32_MAX) {
		snprintf(err, err_len, "vmapple: nvram %s: cannot set %s: the live bank's generation "
			 "is 0xffffffff, so no newer bank can be written", nv->path, key);
		return -1;
	}
	img = malloc(NVRAM_BANK_LEN);
	if (!img) {
		snprintf(err, err_len, "vmapple: nvram %s: %s", nv->path, strerror(errno));
		return -1;
	}
	memcpy(img, nv->bank[nv->live], NVRAM_BANK_LEN);
	nb = *cur;
	if (nvram_bank_append(img, &nb, part, key, val, vlen, why, sizeof(why))) {
		snprintf(err, err_len, "vmapple: nvram %s: cannot set %s: %s", nv->path, key, why);
		goto fail;
	}
	nvram_bank_seal(img, NVRAM_BANK_LEN, cur->generation + 1);
	if (check_new_bank(img, &nb, cur->generation + 1, part, key, val, vlen)) {
		snprintf(err, err_len, "vmapple: nvram %s: cannot set %s: the new bank does not "
			 "read back (%s); nothing written", nv->path, key, nb.why);
		goto fail;
	}
	if (write_bank(nv, slot, img, err, err_len))
		goto fail;
	free(nv->bank[slot]);
	nv->bank[slot] = img;
	nv->info[slot] = nb;
	nv->live = slot;
	return 0;
fail:
	free(img);
	return -1;
}

int nvram_set(struct nvram *nv, const char *key, const char *value, char *err, size_t err_len)
{
	return nvram_set_bytes(nv, key, (const uint8_t *)value, strlen(value), err, err_len);
}

/*
 * There is no append-only delete.  A CHRP entry has no tombstone ([X] reads
 * every KEY=VALUE until the first empty one); a NUL written over an entry
 * ends the list there and hides every entry after it; renaming it leaves a
 * stray variable; and taking it out shifts the entries after it, which is
 * the re-serialisation [Y] measured iBoot failing on.  So unset refuses.
 */
int nvram_unset(struct nvram *nv, const char *key, char *err, size_t err_len)
{
	const uint8_t *val;
	size_t vlen;
	char why[200];

	if (nvram_check_key(key, why, sizeof(why))) {
		snprintf(err, err_len, "vmapple: nvram %s: cannot unset %s", nv->path, why);
		return -1;
	}
	if (!nvram_get(nv, key, &val, &vlen))
		return 0;
	snprintf(err, err_len, "vmapple: nvram %s: cannot unset %s: NVRAM entries have no delete "
		 "mark, and taking one out re-serialises the list, which makes iBoot fail "
		 "(iboot-failure-reason=0x65) and loop; set it empty instead (%s=), or delete it "
		 "from inside the guest (nvram -d %s)", nv->path, key, key, key);
	return -1;
}

void nvram_close(struct nvram *nv)
{
	int i;

	disk_close(&nv->disk);
	for (i = 0; i < NVRAM_BANKS; i++) {
		free(nv->bank[i]);
		nv->bank[i] = NULL;
	}
	free(nv->path);
	nv->path = NULL;
	nv->live = -1;
}
