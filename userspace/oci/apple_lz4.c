// SPDX-License-Identifier: GPL-2.0
/* apple_lz4.c - Apple's LZ4 stream framing, both ways (see apple_lz4.h). */
#include "apple_lz4.h"

#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARK_LEN	4
static const char mark_packed[MARK_LEN] = { 'b', 'v', '4', '1' };
static const char mark_stored[MARK_LEN] = { 'b', 'v', '4', '-' };
static const char mark_end[MARK_LEN] = { 'b', 'v', '4', '$' };

static uint32_t le32(const uint8_t *p)
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

static int fail(char *err, size_t err_len, const struct apple_lz4_dec *d, const char *what)
{
	snprintf(err, err_len, "Apple LZ4 stream, at byte %llu: %s",
		 (unsigned long long)d->total_in, what);
	return -1;
}

/* @buf holds at least @want bytes of capacity: 0, or -1. */
static int reserve(uint8_t **buf, size_t *cap, size_t want)
{
	uint8_t *p;

	if (*cap >= want)
		return 0;
	p = realloc(*buf, want ? want : 1);
	if (!p)
		return -1;
	*buf = p;
	*cap = want;
	return 0;
}

void apple_lz4_dec_init(struct apple_lz4_dec *d, apple_lz4_sink sink, void *ctx)
{
	memset(d, 0, sizeof(*d));
	d->sink = sink;
	d->ctx = ctx;
}

void apple_lz4_dec_free(struct apple_lz4_dec *d)
{
	free(d->packed);
	free(d->out);
	free(d->dict);
	d->packed = d->out = d->dict = NULL;
}

/* A whole header is in d->head: check it and get ready for its payload. */
static int start_block(struct apple_lz4_dec *d, char *err, size_t err_len)
{
	size_t payload;

	if (!memcmp(d->head, mark_end, MARK_LEN)) {
		d->ended = true;
		return 0;
	}
	d->stored = !memcmp(d->head, mark_stored, MARK_LEN);
	d->raw_size = le32(d->head + MARK_LEN);
	d->packed_size = d->stored ? d->raw_size : le32(d->head + 2 * MARK_LEN);
	if (d->raw_size > APPLE_LZ4_BLOCK_MAX)
		return fail(err, err_len, d, "a block of over 16 MiB (a corrupt header)");
	if (!d->stored && (d->packed_size > (uint32_t)LZ4_compressBound((int)d->raw_size) ||
			   (d->raw_size && !d->packed_size)))
		return fail(err, err_len, d, "a block's packed size does not fit its raw size");
	payload = d->packed_size;
	if (reserve(&d->packed, &d->packed_cap, payload) ||
	    reserve(&d->out, &d->out_cap, d->raw_size))
		return fail(err, err_len, d, "out of memory");
	d->packed_fill = 0;
	return 0;
}

/* The block's payload is all in: decode it, pass it on, make it the dictionary. */
static int end_block(struct apple_lz4_dec *d, char *err, size_t err_len)
{
	uint8_t *swap;
	size_t cap;

	if (d->stored) {
		memcpy(d->out, d->packed, d->raw_size);
	} else {
		int n = LZ4_decompress_safe_usingDict((const char *)d->packed, (char *)d->out,
						      (int)d->packed_size, (int)d->raw_size,
						      (const char *)d->dict, (int)d->dict_len);

		if (n < 0 || (uint32_t)n != d->raw_size)
			return fail(err, err_len, d, n < 0 ? "an LZ4 block that does not decode" :
				    "an LZ4 block shorter than its header says");
	}
	if (d->raw_size && d->sink(d->ctx, d->out, d->raw_size, err, err_len))
		return -1;
	d->total_out += d->raw_size;
	swap = d->dict;
	cap = d->dict_cap;
	d->dict = d->out;
	d->dict_cap = d->out_cap;
	d->dict_len = d->raw_size;
	d->out = swap;
	d->out_cap = cap;
	d->head_fill = 0;
	return 0;
}

static size_t header_len(const uint8_t *head)
{
	if (!memcmp(head, mark_packed, MARK_LEN))
		return 3 * MARK_LEN;
	if (!memcmp(head, mark_stored, MARK_LEN))
		return 2 * MARK_LEN;
	return MARK_LEN;
}

int apple_lz4_dec_feed(struct apple_lz4_dec *d, const void *buf, size_t len, char *err,
		       size_t err_len)
{
	const uint8_t *p = buf;

	while (len) {
		size_t want, take;

		if (d->ended)
			return fail(err, err_len, d, "data after the end marker");
		if (d->head_fill < MARK_LEN || d->head_fill < header_len(d->head)) {
			want = d->head_fill < MARK_LEN ? MARK_LEN : header_len(d->head);
			take = want - d->head_fill < len ? want - d->head_fill : len;
			memcpy(d->head + d->head_fill, p, take);
			d->head_fill += take;
			d->total_in += take;
			p += take;
			len -= take;
			if (d->head_fill == MARK_LEN && memcmp(d->head, mark_packed, MARK_LEN) &&
			    memcmp(d->head, mark_stored, MARK_LEN) &&
			    memcmp(d->head, mark_end, MARK_LEN))
				return fail(err, err_len, d, "an unknown block marker");
			if (d->head_fill == header_len(d->head)) {
				if (start_block(d, err, err_len))
					return -1;
				if (!d->ended && !d->packed_size && end_block(d, err, err_len))
					return -1;
			}
			continue;
		}
		take = d->packed_size - d->packed_fill < len ? d->packed_size - d->packed_fill : len;
		memcpy(d->packed + d->packed_fill, p, take);
		d->packed_fill += take;
		d->total_in += take;
		p += take;
		len -= take;
		if (d->packed_fill == d->packed_size && end_block(d, err, err_len))
			return -1;
	}
	return 0;
}

int apple_lz4_dec_finish(struct apple_lz4_dec *d, char *err, size_t err_len)
{
	if (d->ended)
		return 0;
	return fail(err, err_len, d, d->head_fill ? "cut off inside a block" :
		    "no end marker (bv4$): cut off");
}

int apple_lz4_enc_init(struct apple_lz4_enc *e, apple_lz4_sink sink, void *ctx, char *err,
		       size_t err_len)
{
	memset(e, 0, sizeof(*e));
	e->sink = sink;
	e->ctx = ctx;
	e->stream = LZ4_createStream();
	e->buf[0] = malloc(APPLE_LZ4_ENC_BLOCK);
	e->buf[1] = malloc(APPLE_LZ4_ENC_BLOCK);
	e->out = malloc(3 * MARK_LEN + (size_t)LZ4_compressBound(APPLE_LZ4_ENC_BLOCK));
	if (!e->stream || !e->buf[0] || !e->buf[1] || !e->out) {
		apple_lz4_enc_free(e);
		snprintf(err, err_len, "Apple LZ4 encoder: out of memory");
		return -1;
	}
	return 0;
}

void apple_lz4_enc_free(struct apple_lz4_enc *e)
{
	if (e->stream)
		LZ4_freeStream(e->stream);
	free(e->buf[0]);
	free(e->buf[1]);
	free(e->out);
	memset(e, 0, sizeof(*e));
}

/*
 * One block, compressed against the previous one (LZ4's stream keeps it as
 * history: the two buffers alternate), or stored when that is no smaller.
 */
static int flush_block(struct apple_lz4_enc *e, char *err, size_t err_len)
{
	const uint8_t *raw = e->buf[e->cur];
	size_t out_len;
	int n;

	if (!e->fill)
		return 0;
	n = LZ4_compress_fast_continue(e->stream, (const char *)raw, (char *)e->out + 3 * MARK_LEN,
				       (int)e->fill, LZ4_compressBound(APPLE_LZ4_ENC_BLOCK), 1);
	if (n > 0 && (size_t)n < e->fill) {
		memcpy(e->out, mark_packed, MARK_LEN);
		put_le32(e->out + MARK_LEN, (uint32_t)e->fill);
		put_le32(e->out + 2 * MARK_LEN, (uint32_t)n);
		out_len = 3 * MARK_LEN + (size_t)n;
	} else {
		memcpy(e->out, mark_stored, MARK_LEN);
		put_le32(e->out + MARK_LEN, (uint32_t)e->fill);
		memcpy(e->out + 2 * MARK_LEN, raw, e->fill);
		out_len = 2 * MARK_LEN + e->fill;
	}
	if (e->sink(e->ctx, e->out, out_len, err, err_len))
		return -1;
	e->cur ^= 1;
	e->fill = 0;
	return 0;
}

int apple_lz4_enc_write(struct apple_lz4_enc *e, const void *buf, size_t len, char *err,
			size_t err_len)
{
	const uint8_t *p = buf;

	while (len) {
		size_t take = APPLE_LZ4_ENC_BLOCK - e->fill < len ? APPLE_LZ4_ENC_BLOCK - e->fill : len;

		memcpy(e->buf[e->cur] + e->fill, p, take);
		e->fill += take;
		p += take;
		len -= take;
		if (e->fill == APPLE_LZ4_ENC_BLOCK && flush_block(e, err, err_len))
			return -1;
	}
	return 0;
}

int apple_lz4_enc_finish(struct apple_lz4_enc *e, char *err, size_t err_len)
{
	if (flush_block(e, err, err_len))
		return -1;
	return e->sink(e->ctx, mark_end, MARK_LEN, err, err_len);
}
