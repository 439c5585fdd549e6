// SPDX-License-Identifier: GPL-2.0
/*
 * test_nvram - the aux image's CHRP NVRAM: checksums, bank validation, the
 * live bank by generation, print, append-only A/B set, the refused unset,
 * and a failed write leaving the file byte-identical.  The images are
 * synthetic, laid out as nvram.c describes (trimmed and with VZ's header).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../userspace/nvram.h"
#include "tap.h"

#define MIB		(1ull << 20)
#define AUX_SIZE	(32 * MIB)
#define BANK		NVRAM_BANK_LEN
#define COMMON_TOTAL	0x800u		/* common partition, header included */
#define SYSTEM_TOTAL	0x400u

static char dir[64];
static char err[1024];
static uint8_t bank_a[BANK], bank_b[BANK];

/* --- building images --- */

static void chrp_hdr(uint8_t *h, uint8_t sig, uint32_t total, const char *name)
{
	memset(h, 0, NVRAM_CHRP_HDR_LEN);
	h[0] = sig;
	h[2] = (uint8_t)(total / 16);
	h[3] = (uint8_t)(total / 16 >> 8);
	memcpy(h + 4, name, strlen(name));
	h[1] = nvram_chrp_cksum(h);
}

/* A bank: header, "common", optionally "system", then the free partition. */
static void make_bank(uint8_t *b, uint32_t gen, const char *common, size_t clen,
		      const char *sys, size_t slen)
{
	uint32_t off = NVRAM_APPLE_HDR_LEN;

	memset(b, 0, BANK);
	chrp_hdr(b, NVRAM_SIG_APPLE, NVRAM_APPLE_HDR_LEN, "nvram");
	chrp_hdr(b + off, 0x70, COMMON_TOTAL, "common");
	memcpy(b + off + 16, common, clen);
	off += COMMON_TOTAL;
	if (sys) {
		chrp_hdr(b + off, 0x70, SYSTEM_TOTAL, "system");
		memcpy(b + off + 16, sys, slen);
		off += SYSTEM_TOTAL;
	}
	chrp_hdr(b + off, 0x7f, BANK - off, "wwwwwwwwwwww");
	nvram_bank_seal(b, BANK, gen);
}

static void default_banks(uint32_t gen_a, uint32_t gen_b, bool with_system)
{
	static const char common[] = "auto-boot=true\0prev-lang:kbd=en-US:0\0bin=\x01%\xff\x02z";
	static const char sys[] = "boot-args=-v";

	make_bank(bank_a, gen_a, common, sizeof(common), with_system ? sys : NULL, sizeof(sys));
	make_bank(bank_b, gen_b, common, sizeof(common), with_system ? sys : NULL, sizeof(sys));
}

static void xpwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (pwrite(fd, buf, n, off) != (ssize_t)n) {
		perror("pwrite");
		exit(2);
	}
}

/* dir/name: an aux of @size bytes (32 MiB when 0), VZ's header if @header, both banks. */
static const char *mkaux(const char *name, bool header, uint64_t size)
{
	static char path[8][128];
	static unsigned int n;
	char *p = path[n++ % 8];
	uint64_t off = header ? DISK_AUX_HEADER : 0;
	static const uint8_t filler[16] = "not nvram bytes";
	int fd;

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, (off_t)(size ? size : off + AUX_SIZE))) {
		perror(p);
		exit(2);
	}
	/* Bytes around the banks and in the header, to show that they stay. */
	xpwrite(fd, filler, sizeof(filler), 0);
	if (!size || size >= off + NVRAM_BANK1_OFF + BANK + sizeof(filler)) {
		xpwrite(fd, filler, sizeof(filler), (off_t)(off + NVRAM_BANK0_OFF - sizeof(filler)));
		xpwrite(fd, filler, sizeof(filler), (off_t)(off + NVRAM_BANK1_OFF + BANK));
		xpwrite(fd, bank_a, BANK, (off_t)(off + NVRAM_BANK0_OFF));
		xpwrite(fd, bank_b, BANK, (off_t)(off + NVRAM_BANK1_OFF));
	}
	close(fd);
	return p;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		exit(2);
	}
	buf = malloc((size_t)st.st_size);
	if (!buf || pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
		perror(path);
		exit(2);
	}
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

static bool same_file(const uint8_t *before, size_t len, const char *path)
{
	size_t n;
	uint8_t *now = slurp(path, &n);
	bool same = n == len && !memcmp(before, now, len);

	free(now);
	return same;
}

static size_t diff_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i, d = 0;

	for (i = 0; i < n; i++)
		d += a[i] != b[i];
	return d;
}

static int nvopen(struct nvram *nv, const char *path, bool writable)
{
	err[0] = 0;
	return nvram_open(nv, path, writable, err, sizeof(err));
}

static int nvset(struct nvram *nv, const char *key, const char *value)
{
	err[0] = 0;
	return nvram_set(nv, key, value, err, sizeof(err));
}

/* What nvram_print writes, in a static buffer. */
static const char *printed(const struct nvram *nv)
{
	static char out[4096];
	FILE *f = fmemopen(out, sizeof(out), "w");

	if (!f || nvram_print(nv, f) < 0) {
		perror("print");
		exit(2);
	}
	fclose(f);
	return out;
}

/* --- the pure layer --- */

static uint32_t adler_naive(const uint8_t *p, size_t n)
{
	uint32_t a = 1, b = 0;

	while (n--) {
		a = (a + *p++) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

static void test_adler32(void)
{
	static uint8_t buf[BANK];
	size_t i;

	ok(nvram_adler32((const uint8_t *)"", 0) == 1, "adler32 of nothing is 1");
	ok(nvram_adler32((const uint8_t *)"Wikipedia", 9) == 0x11e60398,
	   "adler32(\"Wikipedia\") = 0x11e60398");
	memset(buf, 0xff, sizeof(buf));
	ok(nvram_adler32(buf, sizeof(buf)) == adler_naive(buf, sizeof(buf)),
	   "512 KiB of 0xff: the sums are reduced in time");
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 24);
	ok(nvram_adler32(buf, sizeof(buf) - 0x14) == adler_naive(buf, sizeof(buf) - 0x14),
	   "a bank's worth of mixed bytes matches the one-byte-at-a-time definition");
}

static void test_chrp_cksum(void)
{
	uint8_t h[16] = { 0x5a, 0, 0x02, 0x00, 'n', 'v', 'r', 'a', 'm' };
	uint8_t ff[16];

	/* 0x5a + 2 + "nvram" = 0x280; folded: 0x80 + 0x02. */
	ok(nvram_chrp_cksum(h) == 0x82, "the \"nvram\" bank header sums to 0x82 (by hand)");
	h[1] = 0x33;
	ok(nvram_chrp_cksum(h) == 0x82, "the checksum byte itself is not summed");
	memset(ff, 0xff, sizeof(ff));
	ok(nvram_chrp_cksum(ff) == 0xff, "15 x 0xff = 0xef1 folds to 0xff");
}

static void test_parse_bank(void)
{
	struct nvram_bank b;

	default_banks(45, 44, true);
	ok(nvram_parse_bank(bank_a, BANK, &b) == 0 && b.valid, "a well-formed bank is valid");
	ok(b.generation == 45 && b.version == 1, "its generation (45) and version (1)");
	ok(b.part[NVRAM_COMMON].present && b.part[NVRAM_COMMON].off == 0x30 &&
	   b.part[NVRAM_COMMON].len == COMMON_TOTAL - 16, "common found after the 0x20 header");
	ok(b.part[NVRAM_COMMON].entries == 3 && !b.part[NVRAM_COMMON].malformed,
	   "with its 3 entries");
	ok(b.part[NVRAM_SYSTEM].present && b.part[NVRAM_SYSTEM].entries == 1,
	   "system found behind it, 1 entry");
	ok(b.part[NVRAM_COMMON].end == 0x30 + 47, "the list ends just past the last NUL");

	bank_a[0] = 0x5b;
	ok(nvram_parse_bank(bank_a, BANK, &b) == -1 && strstr(b.why, "signature 0x5b"),
	   "a wrong signature: invalid (%s)", b.why);
	default_banks(45, 44, true);
	bank_a[1] ^= 1;
	ok(nvram_parse_bank(bank_a, BANK, &b) == -1 && strstr(b.why, "header checksum"),
	   "a wrong header checksum: invalid (%s)", b.why);
	default_banks(45, 44, true);
	memcpy(bank_a + 4, "NVRAM", 5);
	ok(nvram_parse_bank(bank_a, BANK, &b) == -1 && strstr(b.why, "name"),
	   "another header name: invalid (%s)", b.why);
	default_banks(45, 44, true);
	chrp_hdr(bank_a, NVRAM_SIG_APPLE, 0x10, "nvram");
	ok(nvram_parse_bank(bank_a, BANK, &b) == -1 && strstr(b.why, "header length"),
	   "a header shorter than 0x20: invalid (%s)", b.why);
	default_banks(45, 44, true);
	bank_a[BANK - 1] ^= 0x40;
	ok(nvram_parse_bank(bank_a, BANK, &b) == -1 && strstr(b.why, "bad adler32: stored"),
	   "a byte flipped at the bank's end breaks the adler32 (%s)", b.why);
	default_banks(45, 44, true);
	bank_a[NVRAM_GEN_OFF] ^= 1;
	ok(nvram_parse_bank(bank_a, BANK, &b) == -1,
	   "the generation is inside the adler32's range");
	default_banks(45, 44, true);
	bank_a[NVRAM_ADLER_OFF - 1] ^= 1;
	ok(nvram_parse_bank(bank_a, BANK, &b) == -1, "a header name byte changed: invalid");
	default_banks(45, 44, true);
	chrp_hdr(bank_a + 0x20, 0x70, COMMON_TOTAL, "other");
	chrp_hdr(bank_a + 0x20 + COMMON_TOTAL, 0x70, SYSTEM_TOTAL, "other2");
	nvram_bank_seal(bank_a, BANK, 45);
	ok(nvram_parse_bank(bank_a, BANK, &b) == -1 && strstr(b.why, "no \"common\""),
	   "no common or system partition: invalid (%s)", b.why);
}

static void test_version2(void)
{
	struct nvram_bank b;

	default_banks(45, 44, false);
	chrp_hdr(bank_a, NVRAM_SIG_APPLE, NVRAM_APPLE_HDR_LEN, "2nvram");
	chrp_hdr(bank_a + 0x20, 0x70, COMMON_TOTAL, "2common");
	nvram_bank_seal(bank_a, BANK, 45);
	ok(nvram_parse_bank(bank_a, BANK, &b) == 0 && b.version == 2 &&
	   b.part[NVRAM_COMMON].entries == 3, "a v2 bank: \"2nvram\", \"2common\"");
}

static void test_pick_live(void)
{
	struct nvram_bank b[2] = { { .valid = true, .generation = 45 },
				   { .valid = true, .generation = 44 } };

	ok(nvram_pick_live(b) == 0, "generations 45, 44: bank 0 is live");
	b[1].generation = 46;
	ok(nvram_pick_live(b) == 1, "45, 46: bank 1");
	b[1].generation = 45;
	ok(nvram_pick_live(b) == 1, "a tie goes to bank 1, as xnu's findCurrentBank has it");
	b[1].valid = false;
	b[1].generation = 99;
	ok(nvram_pick_live(b) == 0, "an invalid bank is never live, whatever its generation");
	b[0].valid = false;
	ok(nvram_pick_live(b) == -1, "neither valid: -1");
}

static void test_escape(void)
{
	static const uint8_t v[] = { 'a', '%', 0x01, 0xff, 0x03, 0xff, 0x81, ' ', 0x7f, 0xff };
	char out[128];
	FILE *f = fmemopen(out, sizeof(out), "w");

	nvram_put_escaped(f, v, sizeof(v));
	fclose(f);
	ok(!strcmp(out, "a%25%01%00%00%00%ff %7f%ff"),
	   "escaping: %% and controls as %%xx, 0xff runs decoded, a trailing 0xff kept: %s", out);
}

static void test_check_key_value(void)
{
	char why[256];
	char longkey[80];

	ok(nvram_check_key("boot-args", why, sizeof(why)) == 0, "boot-args is a fine name");
	ok(nvram_check_key("prev-lang:kbd", why, sizeof(why)) == 0, "so is prev-lang:kbd");
	ok(nvram_check_key("", why, sizeof(why)) == -1 && strstr(why, "empty"),
	   "an empty name is refused: %s", why);
	ok(nvram_check_key("a=b", why, sizeof(why)) == -1 && strstr(why, "'='"),
	   "a name with '=' is refused: %s", why);
	ok(nvram_check_key("a\tb", why, sizeof(why)) == -1 && strstr(why, "0x09"),
	   "a name with a tab is refused: %s", why);
	ok(nvram_check_key("caf\xc3\xa9", why, sizeof(why)) == -1 && strstr(why, "printable"),
	   "a name with non-ASCII bytes is refused: %s", why);
	memset(longkey, 'k', 64);
	longkey[64] = 0;
	ok(nvram_check_key(longkey, why, sizeof(why)) == -1 && strstr(why, "63"),
	   "a 64-byte name is refused: %s", why);
	longkey[63] = 0;
	ok(nvram_check_key(longkey, why, sizeof(why)) == 0, "63 bytes is the limit");
	ok(nvram_check_key("40A0DDD2-77F8-4392-B4A3-1E7304206516:boot-args", why,
			   sizeof(why)) == -1 && strstr(why, "GUID"),
	   "a GUID-qualified name is refused: %s", why);
	ok(nvram_check_value((const uint8_t *)"-v serial=3", 11, why, sizeof(why)) == 0,
	   "a plain value is fine");
	ok(nvram_check_value((const uint8_t *)"a\0b", 3, why, sizeof(why)) == -1 &&
	   strstr(why, "NUL at byte 1"), "a NUL in a value is refused: %s", why);
	ok(nvram_check_value((const uint8_t *)"a\xff", 2, why, sizeof(why)) == -1 &&
	   strstr(why, "0xff"), "a 0xff byte is refused: %s", why);
}

static void test_append_fit(void)
{
	struct nvram_bank b;
	char why[256];
	uint32_t room;
	char val[COMMON_TOTAL];

	default_banks(45, 44, false);
	nvram_parse_bank(bank_a, BANK, &b);
	room = b.part[NVRAM_COMMON].off + b.part[NVRAM_COMMON].len - b.part[NVRAM_COMMON].end;
	/* k=VALUE\0 plus one NUL after it fills the partition exactly. */
	memset(val, 'v', sizeof(val));
	ok(nvram_bank_append(bank_a, &b, NVRAM_COMMON, "k", (uint8_t *)val, room - 3, why,
			     sizeof(why)) == -1 && strstr(why, "no room"),
	   "one byte too many is refused: %s", why);
	ok(nvram_bank_append(bank_a, &b, NVRAM_COMMON, "k", (uint8_t *)val, room - 4, why,
			     sizeof(why)) == 0, "an entry that leaves exactly one NUL fits");
	ok(b.part[NVRAM_COMMON].end == b.part[NVRAM_COMMON].off + b.part[NVRAM_COMMON].len - 1,
	   "and the list now ends one byte before the partition does");
	ok(bank_a[b.part[NVRAM_COMMON].end] == 0, "on a NUL");
}

/* --- the file --- */

static void test_open_layouts(void)
{
	struct nvram nv;
	const char *p;

	default_banks(45, 44, true);
	p = mkaux("trimmed.img", false, 0);
	ok(nvopen(&nv, p, false) == 0, "a trimmed 32 MiB aux opens: %s", err);
	ok(nv.disk.offset == 0 && nvram_live_offset(&nv) == NVRAM_BANK0_OFF &&
	   nvram_live_generation(&nv) == 45, "live: 0xa00000, generation 45");
	ok(!nvram_bad_bank(&nv, &(uint32_t){ 0 }), "the other bank is valid too");
	nvram_close(&nv);

	default_banks(44, 45, true);
	p = mkaux("wrapped.img", true, 0);
	ok(nvopen(&nv, p, false) == 0, "an aux with VZ's 16 KiB header opens: %s", err);
	ok(nv.disk.offset == DISK_AUX_HEADER && nvram_live_offset(&nv) == NVRAM_BANK1_OFF &&
	   nvram_live_generation(&nv) == 45, "the banks are found past the header; 0xa80000 is live");
	nvram_close(&nv);
	nvram_close(&nv);	/* twice is harmless */

	default_banks(45, 45, true);
	p = mkaux("tie.img", false, 0);
	ok(nvopen(&nv, p, false) == 0 && nvram_live_offset(&nv) == NVRAM_BANK1_OFF,
	   "equal generations: 0xa80000 is live");
	nvram_close(&nv);
}

static void test_open_refusals(void)
{
	struct nvram nv;
	char missing[128];
	const char *p;

	snprintf(missing, sizeof(missing), "%s/none.img", dir);
	ok(nvopen(&nv, missing, false) == -1 && strstr(err, missing) && strstr(err, "No such"),
	   "a missing file: refused: %s", err);

	default_banks(45, 44, true);
	p = mkaux("odd.img", false, AUX_SIZE + 100);
	ok(nvopen(&nv, p, true) == -1 && strstr(err, "neither a trimmed aux"),
	   "a file of no known aux size: refused: %s", err);

	p = mkaux("small.img", false, 8 * MIB);
	ok(nvopen(&nv, p, false) == -1 && strstr(err, "cannot hold") && strstr(err, p),
	   "an 8 MiB aux has no room for the banks: %s", err);

	memset(bank_a, 0, BANK);
	memset(bank_b, 0, BANK);
	p = mkaux("zero.img", false, AUX_SIZE);
	ok(nvopen(&nv, p, false) == -1 && strstr(err, "no valid NVRAM bank"),
	   "an aux of zeros: refused: %s", err);
}

static void test_corrupt_banks(void)
{
	struct nvram nv;
	uint32_t off;
	const char *p, *why;

	default_banks(45, 44, true);
	bank_a[0x100] ^= 1;		/* the newer bank's adler32 no longer matches */
	p = mkaux("one-bad.img", false, 0);
	ok(nvopen(&nv, p, true) == 0 && nvram_live_offset(&nv) == NVRAM_BANK1_OFF &&
	   nvram_live_generation(&nv) == 44,
	   "the newer bank fails its adler32: the older one at 0xa80000 is live");
	why = nvram_bad_bank(&nv, &off);
	ok(why && off == NVRAM_BANK0_OFF && strstr(why, "adler32"),
	   "and the bad one is reported: 0x%x %s", off, why ? why : "");
	ok(nvset(&nv, "test-key", "x") == 0, "a set works: %s", err);
	ok(nvram_live_offset(&nv) == NVRAM_BANK0_OFF && nvram_live_generation(&nv) == 45,
	   "it replaced the bad bank, generation 44 + 1");
	nvram_close(&nv);
	ok(nvopen(&nv, p, false) == 0 && !nvram_bad_bank(&nv, &off),
	   "reopened, both banks are valid");
	nvram_close(&nv);

	default_banks(45, 44, true);
	bank_a[0x100] ^= 1;
	bank_b[0x200] ^= 1;
	p = mkaux("two-bad.img", false, 0);
	ok(nvopen(&nv, p, false) == -1, "both banks fail: refused");
	ok(strstr(err, p) && strstr(err, "no valid NVRAM bank at 0xa00000 or 0xa80000") &&
	   strstr(err, "0xa00000: bad adler32") && strstr(err, "0xa80000: bad adler32"),
	   "naming the file, both banks and why: %s", err);
	ok(nv.disk.fd == -1 && !nv.bank[0], "and holding nothing");

	p = mkaux("two-bad-wrapped.img", true, 0);
	ok(nvopen(&nv, p, false) == -1 && strstr(err, "past the 16 KiB header"),
	   "with the header, the message says where the offsets count from: %s", err);
}

static void test_print(void)
{
	struct nvram nv;
	const char *p;
	FILE *f;

	default_banks(45, 44, true);
	p = mkaux("print.img", false, 0);
	nvopen(&nv, p, false);
	ok(!strcmp(printed(&nv), "auto-boot=true\nprev-lang:kbd=en-US:0\nbin=%01%25%00%00z\n"
		   "boot-args=-v\n"),
	   "print: common's entries, then system's, escaped as nvram(8) does");
	nvram_close(&nv);

	default_banks(45, 44, false);
	p = mkaux("print-nosys.img", true, 0);
	nvopen(&nv, p, false);
	f = fopen("/dev/null", "w");
	ok(f && nvram_print(&nv, f) == 3, "no system partition: 3 lines");
	if (f)
		fclose(f);
	nvram_close(&nv);
}

/* Check the new bank against the old live one: only the entry and gen/adler differ. */
static void check_append_diff(const uint8_t *oldf, const uint8_t *newf, size_t len,
			      uint64_t aux, uint32_t from, uint32_t to, uint32_t at,
			      const char *entry, size_t n)
{
	const uint8_t *o = oldf + aux + from, *w = newf + aux + to;

	ok(!memcmp(oldf + aux + from, newf + aux + from, BANK),
	   "the old live bank at 0x%x is not written", from);
	ok(!memcmp(o, w, NVRAM_ADLER_OFF) && !memcmp(o + 0x18, w + 0x18, at - 0x18) &&
	   !memcmp(o + at + n, w + at + n, BANK - at - n),
	   "the new bank at 0x%x is the old live one but for adler, generation and the entry", to);
	ok(!memcmp(w + at, entry, n), "the entry is at bank offset 0x%x, NUL included", at);
	ok(diff_bytes(o + at, w + at, n) == n - 1,
	   "exactly len(KEY=VALUE) = %zu entry bytes changed (the NUL was free space)", n - 1);
	ok(diff_bytes(oldf, newf, len) ==
	   diff_bytes(oldf + aux + to, newf + aux + to, BANK),
	   "nothing outside the written bank changed");
}

static void test_set_new(void)
{
	static const char entry[] = "test-key=hello";
	struct nvram nv;
	struct nvram_bank b;
	uint8_t *before, *after;
	size_t len;
	uint32_t at;
	const uint8_t *v;
	size_t vlen;
	const char *p;

	default_banks(45, 44, true);
	p = mkaux("set.img", false, 0);
	before = slurp(p, &len);
	nvram_parse_bank(bank_a, BANK, &b);
	at = b.part[NVRAM_COMMON].end;
	nvopen(&nv, p, true);
	ok(nvset(&nv, "test-key", "hello") == 0, "set test-key=hello: %s", err);
	after = slurp(p, &len);
	check_append_diff(before, after, len, 0, NVRAM_BANK0_OFF, NVRAM_BANK1_OFF, at, entry,
			  sizeof(entry));
	ok(nvram_parse_bank(after + NVRAM_BANK1_OFF, BANK, &b) == 0 && b.generation == 46,
	   "the new bank is valid, generation 45 + 1");
	ok(nvram_live_offset(&nv) == NVRAM_BANK1_OFF, "and it is live");
	ok(nvram_get(&nv, "test-key", &v, &vlen) && vlen == 5 && !memcmp(v, "hello", 5),
	   "get reads it back");
	free(before);
	free(after);

	before = slurp(p, &len);
	ok(nvset(&nv, "second", "2") == 0, "a second set: %s", err);
	after = slurp(p, &len);
	check_append_diff(before, after, len, 0, NVRAM_BANK1_OFF, NVRAM_BANK0_OFF,
			  at + sizeof(entry), "second=2", 9);
	ok(nvram_live_offset(&nv) == NVRAM_BANK0_OFF && nvram_live_generation(&nv) == 47,
	   "went back to 0xa00000, generation 47");
	nvram_close(&nv);
	free(before);
	free(after);

	nvopen(&nv, p, false);
	ok(strstr(printed(&nv), "test-key=hello\nsecond=2\nboot-args=-v\n") != NULL,
	   "reopened, print shows both, in order");
	nvram_close(&nv);
}

static void test_set_wrapped(void)
{
	static const char entry[] = "boot-args=-v serial=3";
	struct nvram nv;
	struct nvram_bank b;
	uint8_t *before, *after;
	size_t len;
	const char *p;

	default_banks(45, 44, false);
	p = mkaux("set-wrapped.img", true, 0);
	before = slurp(p, &len);
	nvram_parse_bank(bank_a, BANK, &b);
	nvopen(&nv, p, true);
	ok(nvset(&nv, "boot-args", "-v serial=3") == 0, "with the header: set boot-args: %s", err);
	after = slurp(p, &len);
	check_append_diff(before, after, len, DISK_AUX_HEADER, NVRAM_BANK0_OFF, NVRAM_BANK1_OFF,
			  b.part[NVRAM_COMMON].end, entry, sizeof(entry));
	ok(!memcmp(before, after, DISK_AUX_HEADER), "the 16 KiB header is untouched");
	ok(strstr(printed(&nv), "boot-args=-v serial=3\n") != NULL,
	   "no system partition: boot-args went to common");
	nvram_close(&nv);
	free(before);
	free(after);
}

static void test_set_system(void)
{
	struct nvram nv;
	struct nvram_bank *b;
	const uint8_t *v;
	size_t vlen;
	const char *p;

	default_banks(45, 44, true);
	p = mkaux("set-system.img", false, 0);
	nvopen(&nv, p, true);
	ok(nvset(&nv, "boot-args", "-v serial=3") == 0, "set boot-args with a system partition");
	b = &nv.info[nv.live];
	ok(b->part[NVRAM_SYSTEM].entries == 2 && b->part[NVRAM_COMMON].entries == 3,
	   "it went to system, as xnu puts boot-args there");
	ok(nvram_bank_get(nv.bank[nv.live], b, NVRAM_SYSTEM, "boot-args", &v, &vlen) &&
	   vlen == 11 && !memcmp(v, "-v serial=3", 11), "the new value is the effective one");
	ok(!strcmp(printed(&nv), "auto-boot=true\nprev-lang:kbd=en-US:0\nbin=%01%25%00%00z\n"
		   "boot-args=-v serial=3\n"),
	   "print shows boot-args once, with the new value");
	ok(nvset(&nv, "test-key", "1") == 0 && nv.info[nv.live].part[NVRAM_COMMON].entries == 4,
	   "test-key is not on xnu's system list: common");
	ok(nvset(&nv, "auto-boot", "false") == 0 &&
	   nv.info[nv.live].part[NVRAM_SYSTEM].entries == 3 &&
	   nv.info[nv.live].part[NVRAM_COMMON].entries == 4,
	   "auto-boot is on it: system, though common has one too");
	ok(nvram_get(&nv, "auto-boot", &v, &vlen) && vlen == 5 && !memcmp(v, "false", 5),
	   "get reads the system one, where xnu keeps it");
	nvram_close(&nv);
}

static int count_entry(enum nvram_part_kind part, const uint8_t *key, size_t klen,
		       const uint8_t *val, size_t vlen, void *ctx)
{
	(void)part;
	(void)val;
	(void)vlen;
	if (klen == 3 && !memcmp(key, "bin", 3))
		(*(int *)ctx)++;
	return 0;
}

static void test_set_existing(void)
{
	struct nvram nv;
	int raw = 0, eff = 0;
	const char *p;

	default_banks(45, 44, true);
	p = mkaux("set-existing.img", false, 0);
	nvopen(&nv, p, true);
	ok(nvset(&nv, "bin", "new") == 0, "setting a key that exists: appended");
	ok(!strcmp(printed(&nv), "auto-boot=true\nprev-lang:kbd=en-US:0\nbin=new\n"
		   "boot-args=-v\n"),
	   "print shows only the later entry, which shadows the first");
	nvram_bank_foreach(nv.bank[nv.live], &nv.info[nv.live], false, count_entry, &raw);
	nvram_foreach(&nv, count_entry, &eff);
	ok(raw == 2 && eff == 1, "both entries are in the bank (%d), one is effective (%d)", raw,
	   eff);
	nvram_close(&nv);
}

static void test_unset(void)
{
	struct nvram nv;
	uint8_t *before;
	size_t len;
	const char *p;

	default_banks(45, 44, true);
	p = mkaux("unset.img", false, 0);
	before = slurp(p, &len);
	nvopen(&nv, p, true);
	err[0] = 0;
	ok(nvram_unset(&nv, "not-there", err, sizeof(err)) == 0 && !err[0],
	   "unset of a name that is not set: nothing to do");
	ok(nvram_unset(&nv, "boot-args", err, sizeof(err)) == -1, "unset of a set name: refused");
	ok(strstr(err, "boot-args") && strstr(err, "re-serialises") && strstr(err, "boot-args=") &&
	   strstr(err, "nvram -d"), "saying why and what to do instead: %s", err);
	ok(nvram_unset(&nv, "a=b", err, sizeof(err)) == -1 && strstr(err, "'='"),
	   "a bad name: refused: %s", err);
	ok(same_file(before, len, p), "the file is byte-identical");
	nvram_close(&nv);
	free(before);
}

static void test_set_refusals(void)
{
	struct nvram nv;
	uint8_t *before;
	size_t len;
	const char *p;

	default_banks(45, 44, true);
	p = mkaux("refuse.img", false, 0);
	before = slurp(p, &len);
	nvopen(&nv, p, true);
	ok(nvset(&nv, "", "x") == -1 && strstr(err, "empty name") && strstr(err, p),
	   "an empty key: %s", err);
	ok(nvset(&nv, "a=b", "x") == -1 && strstr(err, "'='"), "a key with '=': %s", err);
	ok(nvset(&nv, "a\x01", "x") == -1 && strstr(err, "0x01"), "a control byte: %s", err);
	ok(nvset(&nv, "k", "\xff\x81") == -1 && strstr(err, "0xff"), "a 0xff value: %s", err);
	err[0] = 0;
	ok(nvram_set_bytes(&nv, "k", (const uint8_t *)"a\0b", 3, err, sizeof(err)) == -1 &&
	   strstr(err, "NUL"), "a value with a NUL: %s", err);
	ok(same_file(before, len, p), "none of them touched the file");
	nvram_close(&nv);

	nvopen(&nv, p, false);
	ok(nvset(&nv, "k", "v") == -1 && strstr(err, "read-only"), "opened read-only: %s", err);
	nvram_close(&nv);
	ok(same_file(before, len, p), "the file is byte-identical");
	free(before);

	default_banks(UINT32_MAX, 44, true);
	p = mkaux("genmax.img", false, 0);
	nvopen(&nv, p, true);
	ok(nvset(&nv, "k", "v") == -1 && strstr(err, "0xffffffff"),
	   "generation 0xffffffff: no newer bank can be written: %s", err);
	nvram_close(&nv);
}

static void test_full_partition(void)
{
	char common[COMMON_TOTAL];
	struct nvram nv;
	uint8_t *before;
	size_t len;
	const char *p;

	/* big=xxx...\0 leaving 12 bytes free in common's 0x7f0. */
	memset(common, 0, sizeof(common));
	memcpy(common, "big=", 4);
	memset(common + 4, 'x', COMMON_TOTAL - 16 - 12 - 5);
	make_bank(bank_a, 45, common, COMMON_TOTAL - 16, NULL, 0);
	make_bank(bank_b, 44, common, COMMON_TOTAL - 16, NULL, 0);
	p = mkaux("full.img", false, 0);
	before = slurp(p, &len);
	nvopen(&nv, p, true);
	ok(nvset(&nv, "test-key", "hello") == -1, "an entry that does not fit: refused");
	ok(strstr(err, "no room in the common partition") && strstr(err, "15 bytes") &&
	   strstr(err, "12 of its 2032 bytes"), "naming the sizes: %s", err);
	ok(nvset(&nv, "k", "123456789") == -1, "12 bytes + the NUL after it in 12 free: refused");
	ok(same_file(before, len, p), "the file is byte-identical");
	ok(nvset(&nv, "k", "12345678") == 0, "11 bytes + a NUL in 12 free: fits");
	nvram_close(&nv);
	free(before);
}

static void test_unclean_partition(void)
{
	static const char broken[] = "ok=1\0broken\0later=2";
	static const char junk[] = "ok=1\0\0\0junk";
	struct nvram nv;
	uint8_t *before;
	size_t len;
	const char *p;

	make_bank(bank_a, 45, broken, sizeof(broken) - 1, NULL, 0);
	make_bank(bank_b, 44, broken, sizeof(broken) - 1, NULL, 0);
	p = mkaux("broken.img", false, 0);
	before = slurp(p, &len);
	nvopen(&nv, p, true);
	ok(!strcmp(printed(&nv), "ok=1\n"), "an entry without '=': print stops before it");
	ok(nvset(&nv, "k", "v") == -1 && strstr(err, "does not end cleanly"),
	   "and set refuses to append after it: %s", err);
	ok(same_file(before, len, p), "the file is byte-identical");
	nvram_close(&nv);
	free(before);

	make_bank(bank_a, 45, junk, sizeof(junk) - 1, NULL, 0);
	make_bank(bank_b, 44, junk, sizeof(junk) - 1, NULL, 0);
	p = mkaux("junk.img", false, 0);
	nvopen(&nv, p, true);
	ok(!strcmp(printed(&nv), "ok=1\n"), "bytes after the list's end are not entries");
	ok(nvset(&nv, "k", "v") == -1 && strstr(err, "not blank"),
	   "and set will not write over them: %s", err);
	nvram_close(&nv);
}

static void test_lock(void)
{
	struct nvram a, b;
	const char *p;

	default_banks(45, 44, true);
	p = mkaux("lock.img", false, 0);
	ok(nvopen(&a, p, true) == 0, "open for writing");
	ok(nvopen(&b, p, true) == -1 && strstr(err, "in use"),
	   "a second writer (a running VM) is refused: %s", err);
	ok(nvopen(&b, p, false) == -1, "so is a reader while it is written");
	nvram_close(&a);
}

/* --- failures while writing --- */

static int calls, fail_call, fail_from, short_call, fsync_calls, fsync_fail;

static ssize_t flaky_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	calls++;
	if (calls == fail_call || (fail_from && calls >= fail_from)) {
		errno = EIO;
		return -1;
	}
	if (calls == short_call && n > 1)
		n /= 2;
	return pwrite(fd, buf, n, off);
}

static int flaky_fsync(int fd)
{
	if (++fsync_calls == fsync_fail) {
		errno = EIO;
		return -1;
	}
	return fsync(fd);
}

static void arm(struct nvram *nv, int fail, int from, int shortw, int fsyncf)
{
	calls = fsync_calls = 0;
	fail_call = fail;
	fail_from = from;
	short_call = shortw;
	fsync_fail = fsyncf;
	nv->pwrite_fn = flaky_pwrite;
	nv->fsync_fn = flaky_fsync;
}

static void test_write_failures(void)
{
	static const char *const what[] = {
		"blanking the old header", "writing the body", "writing the new header",
	};
	struct nvram nv;
	uint8_t *before;
	size_t len;
	const char *p;
	int i;

	default_banks(45, 44, true);
	p = mkaux("fail.img", false, 0);
	before = slurp(p, &len);
	nvopen(&nv, p, true);
	for (i = 1; i <= 3; i++) {
		arm(&nv, i, 0, 0, 0);
		ok(nvset(&nv, "test-key", "hello") == -1 && strstr(err, "Input/output error") &&
		   strstr(err, "the file is unchanged"),
		   "the write fails %s: refused: %s", what[i - 1], err);
		ok(same_file(before, len, p), "and the file is byte-identical");
		ok(nvram_live_offset(&nv) == NVRAM_BANK0_OFF && nvram_live_generation(&nv) == 45,
		   "nothing changed in memory either");
	}
	arm(&nv, 3, 0, 2, 0);
	ok(nvset(&nv, "test-key", "hello") == -1 && same_file(before, len, p),
	   "a short write, then a failure: the file is byte-identical");
	arm(&nv, 0, 0, 0, 2);
	ok(nvset(&nv, "test-key", "hello") == -1 && strstr(err, "unchanged") &&
	   same_file(before, len, p), "an fsync fails: the file is byte-identical: %s", err);
	arm(&nv, 0, 0, 2, 0);
	ok(nvset(&nv, "test-key", "hello") == 0, "a short write alone is carried on: %s", err);
	ok(!same_file(before, len, p) && nvram_live_generation(&nv) == 46,
	   "and the set is done");
	nvram_close(&nv);
	free(before);
}

static void test_write_and_restore_fail(void)
{
	struct nvram nv;
	uint32_t off;
	const char *p, *out;

	default_banks(45, 44, true);
	p = mkaux("fail-hard.img", false, 0);
	nvopen(&nv, p, true);
	arm(&nv, 0, 2, 0, 0);
	ok(nvset(&nv, "test-key", "hello") == -1 && strstr(err, "nor put its old bytes back") &&
	   strstr(err, "live bank at 0xa00000 is untouched"),
	   "the disk keeps failing, the rollback too: said so: %s", err);
	nvram_close(&nv);
	ok(nvopen(&nv, p, false) == 0 && nvram_live_offset(&nv) == NVRAM_BANK0_OFF &&
	   nvram_live_generation(&nv) == 45, "reopened: the old live bank still wins");
	out = printed(&nv);
	ok(!strcmp(out, "auto-boot=true\nprev-lang:kbd=en-US:0\nbin=%01%25%00%00z\n"
		   "boot-args=-v\n"), "with the old variables");
	ok(nvram_bad_bank(&nv, &off) && off == NVRAM_BANK1_OFF,
	   "the half-written slot reads as invalid, not as live: %s",
	   nvram_bad_bank(&nv, &off) ? nvram_bad_bank(&nv, &off) : "");
	nvram_close(&nv);
}

/*
 * A crash, not a failure: the process dies inside a write or a sync and
 * nothing is put back.  Whatever it leaves must read as the old NVRAM or
 * the new one, never as something else.
 */
static int crash_write, crash_half, crash_sync, crash_calls, crash_syncs;

static ssize_t crashing_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (++crash_calls == crash_write) {
		if (crash_half && pwrite(fd, buf, n / 2, off) < 0)
			_exit(3);
		_exit(0);
	}
	return pwrite(fd, buf, n, off);
}

static int crashing_fsync(int fd)
{
	if (++crash_syncs == crash_sync)
		_exit(0);
	return fsync(fd);
}

/* Run a set in a child that dies at write @w (half done if @half) or sync @sy. */
static void crash_in_set(const char *p, int w, int half, int sy)
{
	pid_t pid;
	int status = 0;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct nvram nv;
		char e[512];

		if (nvram_open(&nv, p, true, e, sizeof(e)))
			_exit(2);
		crash_write = w;
		crash_half = half;
		crash_sync = sy;
		nv.pwrite_fn = crashing_pwrite;
		nv.fsync_fn = crashing_fsync;
		nvram_set(&nv, "test-key", "hello", e, sizeof(e));
		_exit(1);	/* it was meant to die before this */
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "crash child: status %d\n", status);
		exit(2);
	}
}

static void test_crash(void)
{
	static const char *const where[] = {
		"in blanking the old header", "half way through the body", "in the new header",
	};
	static const char old_vars[] = "auto-boot=true\nprev-lang:kbd=en-US:0\n"
				       "bin=%01%25%00%00z\nboot-args=-v\n";
	struct nvram nv;
	const char *p;
	int i;

	for (i = 1; i <= 3; i++) {
		default_banks(45, 44, true);
		p = mkaux("crash.img", false, 0);
		crash_in_set(p, i, 1, 0);
		ok(nvopen(&nv, p, false) == 0 && nvram_live_offset(&nv) == NVRAM_BANK0_OFF &&
		   nvram_live_generation(&nv) == 45 && !strcmp(printed(&nv), old_vars),
		   "a crash %s: the old bank is live, with the old variables", where[i - 1]);
		nvram_close(&nv);
	}
	for (i = 1; i <= 2; i++) {
		default_banks(45, 44, true);
		p = mkaux("crash.img", false, 0);
		crash_in_set(p, 0, 0, i);
		ok(nvopen(&nv, p, false) == 0 && nvram_live_generation(&nv) == 45 &&
		   !strcmp(printed(&nv), old_vars),
		   "a crash in sync %d, before the new header: the old NVRAM", i);
		nvram_close(&nv);
	}
	default_banks(45, 44, true);
	p = mkaux("crash.img", false, 0);
	crash_in_set(p, 0, 0, 3);
	ok(nvopen(&nv, p, false) == 0 && nvram_live_offset(&nv) == NVRAM_BANK1_OFF &&
	   nvram_live_generation(&nv) == 46 && strstr(printed(&nv), "test-key=hello\n"),
	   "a crash after the new header was written: the new NVRAM, whole");
	nvram_close(&nv);
}

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", dir);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_nvram.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	test_adler32();
	test_chrp_cksum();
	test_parse_bank();
	test_version2();
	test_pick_live();
	test_escape();
	test_check_key_value();
	test_append_fit();
	test_open_layouts();
	test_open_refusals();
	test_corrupt_banks();
	test_print();
	test_set_new();
	test_set_wrapped();
	test_set_system();
	test_set_existing();
	test_unset();
	test_set_refusals();
	test_full_partition();
	test_unclean_partition();
	test_lock();
	test_write_failures();
	test_write_and_restore_fail();
	test_crash();
	cleanup();
	return tap_done();
}
