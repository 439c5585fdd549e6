// SPDX-License-Identifier: GPL-2.0
/*
 * test_oci.c - the OCI image code that needs no registry: Apple's LZ4
 * framing both ways (streams whose blocks reach into the previous one, fed
 * a byte at a time, and every malformed one), image references, 401
 * challenges, credentials and tokens, and Tart's manifest (every field a
 * registry could get wrong).  tests/oci/ drives the rest against a registry.
 */
#include <lz4.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../userspace/oci/apple_lz4.h"
#include "../../userspace/oci/oci_digest.h"
#include "../../userspace/oci/oci_ref.h"
#include "../../userspace/oci/registry_auth.h"
#include "../../userspace/oci/tart_manifest.h"
#include "tap.h"

struct buf {
	uint8_t *p;
	size_t len, cap;
	size_t fail_after;	/* the sink fails once it holds more (0: never) */
};

static int buf_sink(void *ctx, const void *data, size_t len, char *err, size_t err_len)
{
	struct buf *b = ctx;

	if (b->fail_after && b->len + len > b->fail_after) {
		snprintf(err, err_len, "sink full");
		return -1;
	}
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

/* Text-like data: phrases repeat across 64 KiB blocks, so matches reach back. */
static uint8_t *sample(size_t len, unsigned int seed)
{
	static const char *const words[] = { "vmapple ", "kvm ", "apple silicon ", "tart ",
					     "orchard ", "\n", "disk ", "0123456789 " };
	uint8_t *p = malloc(len);
	size_t i = 0;

	while (i < len) {
		const char *w = words[(seed = seed * 1103515245 + 12345) >> 16 & 7];
		size_t n = strlen(w);

		memcpy(p + i, w, len - i < n ? len - i : n);
		i += len - i < n ? len - i : n;
	}
	return p;
}

static int decode(const uint8_t *s, size_t len, size_t piece, struct buf *out, char *err,
		  size_t err_len)
{
	struct apple_lz4_dec d;
	size_t off;
	int rc = 0;

	apple_lz4_dec_init(&d, buf_sink, out);
	for (off = 0; off < len && !rc; off += piece)
		rc = apple_lz4_dec_feed(&d, s + off, len - off < piece ? len - off : piece, err,
					err_len);
	if (!rc)
		rc = apple_lz4_dec_finish(&d, err, err_len);
	apple_lz4_dec_free(&d);
	return rc;
}

static void encode(const uint8_t *raw, size_t len, struct buf *out)
{
	struct apple_lz4_enc e;
	char err[128];

	apple_lz4_enc_init(&e, buf_sink, out, err, sizeof(err));
	apple_lz4_enc_write(&e, raw, len / 3, err, sizeof(err));
	apple_lz4_enc_write(&e, raw + len / 3, len - len / 3, err, sizeof(err));
	apple_lz4_enc_finish(&e, err, sizeof(err));
	apple_lz4_enc_free(&e);
}

static void test_lz4_round_trip(void)
{
	size_t len = 5 * APPLE_LZ4_ENC_BLOCK + 1234;
	uint8_t *raw = sample(len, 1);
	struct buf enc = { 0 }, dec = { 0 }, bytewise = { 0 };
	char err[256] = "";

	encode(raw, len, &enc);
	ok(enc.len < len / 2 && !memcmp(enc.p, "bv41", 4) && !memcmp(enc.p + enc.len - 4, "bv4$", 4),
	   "lz4: the encoder writes bv41 blocks and ends with bv4$ (%zu -> %zu bytes)", len, enc.len);
	ok(!decode(enc.p, enc.len, 1 << 20, &dec, err, sizeof(err)) && dec.len == len &&
	   !memcmp(dec.p, raw, len), "lz4: what it encodes decodes back (%s)", err);
	ok(!decode(enc.p, enc.len, 1, &bytewise, err, sizeof(err)) && bytewise.len == len &&
	   !memcmp(bytewise.p, raw, len), "lz4: fed one byte at a time, the same (%s)", err);
	free(raw);
	free(enc.p);
	free(dec.p);
	free(bytewise.p);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/*
 * Two blocks where the second is compressed against the first (Apple's
 * chaining): it must decode only with the dictionary.
 */
static void test_lz4_dictionary(void)
{
	uint8_t *a = sample(4096, 7), s[3 * 4096], packed[8192];
	struct buf dec = { 0 };
	char err[256] = "";
	size_t n = 0;
	int c;

	memcpy(s, "bv4-", 4);
	put32(s + 4, 4096);
	memcpy(s + 8, a, 4096);
	n = 8 + 4096;
	/* The second block is the first again: one long match into the dictionary. */
	{
		LZ4_stream_t *st = LZ4_createStream();

		LZ4_loadDict(st, (const char *)a, 4096);
		c = LZ4_compress_fast_continue(st, (const char *)a, (char *)packed, 4096,
					       sizeof(packed), 1);
		LZ4_freeStream(st);
	}
	memcpy(s + n, "bv41", 4);
	put32(s + n + 4, 4096);
	put32(s + n + 8, (uint32_t)c);
	memcpy(s + n + 12, packed, (size_t)c);
	n += 12 + (size_t)c;
	memcpy(s + n, "bv4$", 4);
	n += 4;
	ok(c > 0 && c < 64, "lz4: the chained block is a few bytes (%d): it leans on the dictionary", c);
	ok(!decode(s, n, 5, &dec, err, sizeof(err)) && dec.len == 8192 && !memcmp(dec.p, a, 4096) &&
	   !memcmp(dec.p + 4096, a, 4096), "lz4: a block decodes against the one before (%s)", err);
	free(dec.p);
	dec = (struct buf){ 0 };
	ok(decode(s + 8 + 4096, n - 8 - 4096, 64, &dec, err, sizeof(err)) && strstr(err, "does not decode"),
	   "lz4: without its dictionary the same block fails: %s", err);
	free(dec.p);
	free(a);
}

static void expect_bad(const uint8_t *s, size_t len, const char *want, const char *what)
{
	struct buf dec = { 0 };
	char err[256] = "";

	ok(decode(s, len, 3, &dec, err, sizeof(err)) && strstr(err, want), "lz4: %s: %s", what, err);
	free(dec.p);
}

static void test_lz4_bad_streams(void)
{
	uint8_t s[64];

	expect_bad((const uint8_t *)"bv42\0\0\0\0", 8, "unknown block marker", "an unknown marker");
	expect_bad((const uint8_t *)"bv4-\4\0\0\0ab", 10, "cut off inside a block", "cut off in a block");
	expect_bad((const uint8_t *)"bv4-\2\0\0\0ab", 10, "no end marker", "no bv4$");
	expect_bad((const uint8_t *)"bv4$x", 5, "after the end marker", "bytes after bv4$");
	memcpy(s, "bv41", 4);
	put32(s + 4, APPLE_LZ4_BLOCK_MAX + 1);
	put32(s + 8, 10);
	expect_bad(s, 12, "over 16 MiB", "a block over the bound (no allocation)");
	put32(s + 4, 100);
	put32(s + 8, 100000);
	expect_bad(s, 12, "does not fit its raw size", "a packed size past LZ4's bound");
	put32(s + 8, 3);
	memcpy(s + 12, "\xff\xff\xff", 3);
	memcpy(s + 15, "bv4$", 4);
	expect_bad(s, 19, "does not decode", "a block of garbage");
	{
		struct buf full = { .fail_after = 1 };
		char err[128] = "";

		ok(decode((const uint8_t *)"bv4-\2\0\0\0abbv4$", 14, 14, &full, err, sizeof(err)) &&
		   !strcmp(err, "sink full"), "lz4: a sink's failure stops the stream: %s", err);
		free(full.p);
	}
}

static void test_refs(void)
{
	static const struct { const char *in, *want; } bad[] = {
		{ "ubuntu", "no registry host" },
		{ "ghcr.io/", "repository" },
		{ "ghcr.io/Cirruslabs/x", "repository" },
		{ "ghcr.io/a/../b", "repository" },
		{ "ghcr.io/a//b", "repository" },
		{ "ghcr.io:0/a", "registry host" },
		{ "ghcr.io:99999/a", "registry host" },
		{ "gh_cr.io/a", "registry host" },
		{ "ghcr.io/a:-x", "tag" },
		{ "ghcr.io/a@sha256:abc", "digest" },
		{ "ghcr.io/a@sha256:ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
		  "digest" },
	};
	struct oci_ref r;
	char err[256], out[512];
	size_t i;

	ok(!oci_ref_parse("ghcr.io/cirruslabs/macos-sonoma-base:latest", &r, err, sizeof(err)) &&
	   !strcmp(r.host, "ghcr.io") && !strcmp(r.repo, "cirruslabs/macos-sonoma-base") &&
	   !strcmp(r.tag, "latest") && !r.digest[0], "ref: host, repository and tag");
	ok(!oci_ref_parse("127.0.0.1:5000/a/b", &r, err, sizeof(err)) &&
	   !strcmp(r.host, "127.0.0.1:5000") && !strcmp(r.tag, "latest"),
	   "ref: a port, and the tag latest when none is given");
	ok(!oci_ref_parse("r.example/a_b__c.d-e@sha256:"
			  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
			  &r, err, sizeof(err)) && !r.tag[0] && !strcmp(oci_ref_reference(&r), r.digest) &&
	   !oci_ref_format(&r, out, sizeof(out)) && strstr(out, "@sha256:0123"),
	   "ref: by digest, and formatted back (%s)", out);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ok(oci_ref_parse(bad[i].in, &r, err, sizeof(err)) && strstr(err, bad[i].want) &&
		   strstr(err, bad[i].in), "ref: \"%s\" refused: %s", bad[i].in, err);
	}
}

static void test_challenges(void)
{
	struct auth_challenge c;
	char err[256] = "";

	ok(!auth_parse_challenge("Bearer realm=\"https://auth.example/token\",service=\"reg, with comma\","
				 "scope=\"repository:a/b:pull,push\"", &c, err, sizeof(err)) &&
	   !strcmp(c.scheme, "Bearer") && !strcmp(c.realm, "https://auth.example/token") &&
	   !strcmp(c.service, "reg, with comma") && !strcmp(c.scope, "repository:a/b:pull,push"),
	   "auth: a Bearer challenge, commas inside quotes kept");
	ok(!auth_parse_challenge("Basic realm=Registry", &c, err, sizeof(err)) &&
	   !strcmp(c.scheme, "Basic") && !strcmp(c.realm, "Registry"), "auth: a Basic one, unquoted");
	ok(auth_parse_challenge("", &c, err, sizeof(err)) && strstr(err, "without a scheme"),
	   "auth: an empty challenge refused: %s", err);
	ok(auth_parse_challenge("Bearer realm=\"unterminated", &c, err, sizeof(err)) &&
	   strstr(err, "malformed"), "auth: an unterminated quote refused: %s", err);
	ok(auth_parse_challenge("Bearer =x", &c, err, sizeof(err)) && strstr(err, "malformed"),
	   "auth: a directive without a key refused: %s", err);
}

static void test_creds(void)
{
	char path[] = "/tmp/test_oci_dockerXXXXXX", err[256] = "";
	struct auth_creds c;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	/* "alice:s3cret" */
	fprintf(f, "{\"auths\":{\"reg.example:5000\":{\"auth\":\"YWxpY2U6czNjcmV0\"},"
		"\"bad.example\":{\"auth\":\"bm9jb2xvbg==\"}}}");
	fclose(f);
	unsetenv("VMAPPLE_REGISTRY_USERNAME");
	unsetenv("TART_REGISTRY_USERNAME");
	ok(auth_find_creds("reg.example:5000", path, &c, err, sizeof(err)) == 1 &&
	   !strcmp(c.user, "alice") && !strcmp(c.pass, "s3cret"),
	   "creds: the docker config's auth, decoded (%s)", err);
	ok(auth_find_creds("other.example", path, &c, err, sizeof(err)) == 0,
	   "creds: none for a host the config does not name");
	ok(auth_find_creds("bad.example", path, &c, err, sizeof(err)) < 0 && strstr(err, "user:password"),
	   "creds: an auth without a colon refused: %s", err);
	setenv("VMAPPLE_REGISTRY_USERNAME", "bob", 1);
	setenv("VMAPPLE_REGISTRY_PASSWORD", "pw", 1);
	ok(auth_find_creds("reg.example:5000", path, &c, err, sizeof(err)) == 1 &&
	   !strcmp(c.user, "bob"), "creds: the environment wins over the config");
	setenv("VMAPPLE_REGISTRY_HOSTNAME", "elsewhere", 1);
	ok(auth_find_creds("reg.example:5000", path, &c, err, sizeof(err)) == 1 &&
	   !strcmp(c.user, "alice"), "creds: ... unless VMAPPLE_REGISTRY_HOSTNAME names another host");
	unsetenv("VMAPPLE_REGISTRY_USERNAME");
	unsetenv("VMAPPLE_REGISTRY_PASSWORD");
	unsetenv("VMAPPLE_REGISTRY_HOSTNAME");
	f = fopen(path, "w");
	fprintf(f, "{not json");
	fclose(f);
	ok(auth_find_creds("reg.example:5000", path, &c, err, sizeof(err)) < 0 && strstr(err, "not JSON"),
	   "creds: a config that is not JSON named: %s", err);
	unlink(path);
}

static void test_tokens(void)
{
	char tok[16], err[256] = "";

	ok(!auth_parse_token("{\"token\":\"abc\"}", 15, tok, sizeof(tok), err, sizeof(err)) &&
	   !strcmp(tok, "abc"), "token: \"token\"");
	ok(!auth_parse_token("{\"access_token\":\"xyz\"}", 22, tok, sizeof(tok), err, sizeof(err)) &&
	   !strcmp(tok, "xyz"), "token: \"access_token\"");
	ok(auth_parse_token("{\"token\":\"0123456789abcdefXYZ\"}", 31, tok, sizeof(tok), err,
			    sizeof(err)) && strstr(err, "over"), "token: one too long refused: %s", err);
	ok(auth_parse_token("{}", 2, tok, sizeof(tok), err, sizeof(err)) && strstr(err, "no \"token\""),
	   "token: none refused: %s", err);
	ok(auth_parse_token("<html>", 6, tok, sizeof(tok), err, sizeof(err)) && strstr(err, "not JSON"),
	   "token: not JSON refused: %s", err);
}

#define D(c) "sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
	c c c c c c c c c c c c c c c c c c c c c c c c

static char *manifest_with(const char *layers)
{
	char *m = malloc(8192);

	snprintf(m, 8192, "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		 "\"config\":{\"mediaType\":\"" TART_OCI_CONFIG_TYPE "\",\"size\":1,\"digest\":\"" D("0") "\"},"
		 "\"layers\":[%s]}", layers);
	return m;
}

#define CFG "{\"mediaType\":\"" TART_CONFIG_TYPE "\",\"size\":100,\"digest\":\"" D("1") "\"}"
#define NVR "{\"mediaType\":\"" TART_NVRAM_TYPE "\",\"size\":200,\"digest\":\"" D("2") "\"}"
#define DISK(raw) "{\"mediaType\":\"" TART_DISK_TYPE "\",\"size\":300,\"digest\":\"" D("3") "\"," \
	"\"annotations\":{\"" TART_RAW_SIZE_KEY "\":\"" raw "\",\"" TART_RAW_DIGEST_KEY "\":\"" D("4") "\"}}"

static void manifest_bad(const char *layers, const char *want, const char *what)
{
	struct tart_manifest m;
	char *json = manifest_with(layers), err[512] = "";

	ok(tart_manifest_parse(json, strlen(json), &m, err, sizeof(err)) && strstr(err, want),
	   "manifest: %s: %s", what, err);
	free(json);
}

static void test_manifest(void)
{
	struct tart_manifest m, back;
	char *json = manifest_with(CFG "," DISK("536870912") "," DISK("1000") "," NVR);
	char err[512] = "", *built;

	ok(!tart_manifest_parse(json, strlen(json), &m, err, sizeof(err)) && m.ndisk == 2 &&
	   m.disk_size == 536871912 && m.disk[1].offset == 536870912 && m.config.size == 100 &&
	   m.nvram.size == 200 && m.disk[0].raw_size == 536870912,
	   "manifest: Tart's layers, their sizes and disk offsets (%s)", err);
	built = tart_manifest_build(&m, D("0"), "2026-12-02T00:00:00Z");
	ok(built && !strncmp(built, "{\"annotations\":{\"" TART_DISK_SIZE_KEY "\":\"536871912\"", 70) &&
	   strstr(built, "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"schemaVersion\":2}") &&
	   !strchr(built, '\\') && !strchr(built, ' '),
	   "manifest: built with sorted keys, compact, no escaped slashes");
	ok(built && !tart_manifest_parse(built, strlen(built), &back, err, sizeof(err)) &&
	   back.ndisk == 2 && back.disk_size == m.disk_size &&
	   !strcmp(back.disk[1].raw_digest, m.disk[1].raw_digest),
	   "manifest: what is built parses back the same (%s)", err);
	tart_manifest_free(&m);
	tart_manifest_free(&back);
	free(built);
	free(json);
	manifest_bad(DISK("10") "," NVR, "no " TART_CONFIG_TYPE, "no config layer");
	manifest_bad(CFG "," CFG "," DISK("10") "," NVR, "a second config", "two config layers");
	manifest_bad(CFG "," DISK("10"), "no " TART_NVRAM_TYPE, "no NVRAM layer");
	manifest_bad(CFG "," NVR, "no " TART_DISK_TYPE, "no disk layer");
	manifest_bad(CFG "," DISK("-1") "," NVR, TART_RAW_SIZE_KEY, "a negative raw size");
	manifest_bad(CFG "," DISK("4294967297") "," NVR, TART_RAW_SIZE_KEY, "a raw size over 4 GiB");
	manifest_bad(CFG "," DISK("12abc") "," NVR, TART_RAW_SIZE_KEY, "a raw size not a number");
	manifest_bad(CFG ",{\"mediaType\":\"" TART_DISK_V1_TYPE "\",\"size\":1,\"digest\":\"" D("5") "\"}," NVR,
		     "legacy disk media type", "Tart's legacy disk v1");
	manifest_bad(CFG ",{\"mediaType\":\"text/plain\",\"size\":1,\"digest\":\"" D("5") "\"}," NVR,
		     "not Tart's", "a foreign layer");
	manifest_bad("{\"mediaType\":\"" TART_CONFIG_TYPE "\",\"size\":100,\"digest\":\"sha256:../../x\"},"
		     DISK("10") "," NVR, "no digest of sha256", "a digest that is a path");
	manifest_bad("{\"mediaType\":\"" TART_CONFIG_TYPE "\",\"size\":9999999999,\"digest\":\"" D("1") "\"},"
		     DISK("10") "," NVR, "size out of bounds", "a config over 1 MiB");
	{
		char err2[512] = "";
		static const char idx[] = "{\"schemaVersion\":2,\"mediaType\":"
					  "\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}";

		ok(tart_manifest_parse(idx, strlen(idx), &m, err2, sizeof(err2)) && strstr(err2, "an index"),
		   "manifest: an image index refused: %s", err2);
		ok(tart_manifest_parse("{\"schemaVersion\":2} trailing", 28, &m, err2, sizeof(err2)) &&
		   strstr(err2, "not a JSON object"), "manifest: trailing bytes refused: %s", err2);
	}
}

static void test_digest(void)
{
	char d[OCI_DIGEST_LEN + 1];

	oci_digest_bytes("abc", 3, d);
	ok(!strcmp(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
	   "digest: sha256 of \"abc\" in the OCI spelling");
	ok(oci_digest_valid(d) && !oci_digest_valid("sha512:00") && !oci_digest_valid("sha256:xyz"),
	   "digest: the valid form checked");
}

int main(void)
{
	test_lz4_round_trip();
	test_lz4_dictionary();
	test_lz4_bad_streams();
	test_refs();
	test_challenges();
	test_creds();
	test_tokens();
	test_manifest();
	test_digest();
	return tap_done();
}
