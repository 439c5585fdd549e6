/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apple_lz4.h - the LZ4 stream framing of Apple's Compression framework
 * (COMPRESSION_LZ4), which Tart's disk layers use: not LZ4's own frame
 * format.  As cirruslabs/vetu's applestream.go decodes it (vetu b40a08e):
 *
 *   "bv41" u32le raw_size u32le packed_size  an LZ4 block of packed_size
 *          bytes that decodes to raw_size, with the previous block's output
 *          as its dictionary
 *   "bv4-" u32le size                        size stored bytes (also the next
 *                                            block's dictionary)
 *   "bv4$"                                   the end of the stream
 *
 * The decoder takes the stream in pieces of any size, as a download brings
 * them, and hands what it decodes to a sink; every size in a block header
 * is the sender's, so each is bounded before anything is allocated.
 */
#ifndef VMAPPLE_OCI_APPLE_LZ4_H
#define VMAPPLE_OCI_APPLE_LZ4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A block's largest raw size accepted (Apple's encoder writes 64 KiB ones). */
#define APPLE_LZ4_BLOCK_MAX	(16u << 20)
/* The block size the encoder writes: LZ4's whole match window. */
#define APPLE_LZ4_ENC_BLOCK	(64u << 10)

/* Where decoded (or encoded) bytes go: 0, or -1 with one line in @err. */
typedef int (*apple_lz4_sink)(void *ctx, const void *buf, size_t len, char *err,
			      size_t err_len);

struct apple_lz4_dec {
	apple_lz4_sink sink;
	void *ctx;
	uint8_t head[12];	/* the marker and sizes being read */
	size_t head_fill;
	uint32_t raw_size, packed_size;
	bool stored;		/* "bv4-" */
	uint8_t *packed;	/* the block's payload being read */
	size_t packed_fill, packed_cap;
	uint8_t *out;		/* this block's output */
	size_t out_cap;
	uint8_t *dict;		/* the previous block's output */
	size_t dict_len, dict_cap;
	bool ended;		/* "bv4$" seen */
	uint64_t total_in, total_out;
};

void apple_lz4_dec_init(struct apple_lz4_dec *d, apple_lz4_sink sink, void *ctx);
/* Feed @len more bytes: 0, or -1 with one line in @err (the stream is bad or the sink failed). */
int apple_lz4_dec_feed(struct apple_lz4_dec *d, const void *buf, size_t len, char *err,
		       size_t err_len);
/* The stream is over: 0 if it ended with "bv4$" and nothing partial, else -1. */
int apple_lz4_dec_finish(struct apple_lz4_dec *d, char *err, size_t err_len);
void apple_lz4_dec_free(struct apple_lz4_dec *d);

struct apple_lz4_enc {
	apple_lz4_sink sink;
	void *ctx;
	void *stream;		/* LZ4_stream_t */
	uint8_t *buf[2];	/* alternate: the previous block stays LZ4's history */
	unsigned int cur;
	size_t fill;
	uint8_t *out;
};

/* 0, or -1 (out of memory) with one line in @err. */
int apple_lz4_enc_init(struct apple_lz4_enc *e, apple_lz4_sink sink, void *ctx, char *err,
		       size_t err_len);
int apple_lz4_enc_write(struct apple_lz4_enc *e, const void *buf, size_t len, char *err,
			size_t err_len);
/* The last block and "bv4$". */
int apple_lz4_enc_finish(struct apple_lz4_enc *e, char *err, size_t err_len);
void apple_lz4_enc_free(struct apple_lz4_enc *e);

#endif
