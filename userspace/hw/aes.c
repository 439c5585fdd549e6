// SPDX-License-Identifier: GPL-2.0
/* aes.c - the VMApple AES engine (see aes.h), ciphers from OpenSSL EVP. */
#include "aes.h"

#include <stdlib.h>
#include "reg32.h"

#include <openssl/evp.h>

#define CMD_OPCODE(w)		((w) >> 28)
#define KEY_CONTEXT(w)		(((w) >> 27) & 1)
#define KEY_SELECT(w)		(((w) >> 24) & 7)
#define KEY_LEN_INDEX(w)	(((w) >> 22) & 3)
#define KEY_ENCRYPT(w)		(((w) >> 20) & 1)
#define KEY_MODE(w)		(((w) >> 16) & 3)
#define IV_CONTEXT(w)		(((w) >> 26) & 2)	/* (w & 3 << 27) >> 26: 0 or 2 */
#define DATA_LEN(w)		((w) & AES_MAX_DATA)
#define FLAG_RAISE_IRQ(w)	(((w) >> 27) & 1)

static const uint32_t key_lens[4] = { 16, 24, 32, 64 };

/* Built-in slots 1-3: 32-byte keys 01 00..00, 02 00..00, 03 00..00. */
static struct aes_key builtin_key(unsigned int slot)
{
	struct aes_key k = { 0 };

	if (slot >= 1 && slot <= 3) {
		k.len = 32;
		k.bytes[0] = (uint8_t)slot;
	}
	return k;
}

static bool has_words(const struct aes_engine *a, unsigned int n)
{
	return a->fifo_len >= n;
}

static bool cmd_key(struct aes_engine *a)
{
	uint32_t w = a->fifo[0], len = key_lens[KEY_LEN_INDEX(w)];

	if (KEY_MODE(w) > 1)
		return false;
	a->cbc = KEY_MODE(w) == 1;
	a->encrypt = KEY_ENCRYPT(w);
	if (KEY_SELECT(w)) {
		a->key[KEY_CONTEXT(w)] = builtin_key(KEY_SELECT(w));
		return true;
	}
	if (len > sizeof(a->key[0].bytes) || !has_words(a, 1 + len / 4))
		return false;
	memcpy(a->key[KEY_CONTEXT(w)].bytes, &a->fifo[1], len);
	a->key[KEY_CONTEXT(w)].len = len;
	return true;
}

static bool cmd_iv(struct aes_engine *a)
{
	if (!has_words(a, 5))
		return false;
	memcpy(a->iv[IV_CONTEXT(a->fifo[0])], &a->fifo[1], 16);
	return true;
}

static const EVP_CIPHER *cipher_of(const struct aes_key *k, bool cbc)
{
	switch (k->len) {
	case 16:
		return cbc ? EVP_aes_128_cbc() : EVP_aes_128_ecb();
	case 24:
		return cbc ? EVP_aes_192_cbc() : EVP_aes_192_ecb();
	case 32:
		return cbc ? EVP_aes_256_cbc() : EVP_aes_256_ecb();
	default:
		return NULL;
	}
}

/* Whole blocks only, no padding: as the hardware (and QEMU) do. */
static bool run_cipher(struct aes_engine *a, const struct aes_key *k, const uint8_t *in,
		       uint8_t *out, int len)
{
	const EVP_CIPHER *c = cipher_of(k, a->cbc);
	EVP_CIPHER_CTX *ctx;
	int n = 0, fin = 0;
	bool ok;

	if (!c || len % 16)
		return false;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return false;
	ok = EVP_CipherInit_ex(ctx, c, NULL, k->bytes, a->cbc ? a->iv[0] : NULL, a->encrypt) == 1 &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	     EVP_CipherUpdate(ctx, out, &n, in, len) == 1 &&
	     EVP_CipherFinal_ex(ctx, out + n, &fin) == 1 && n + fin == len;
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

static bool cmd_data(struct aes_engine *a)
{
	uint32_t w = a->fifo[0], len = DATA_LEN(w);
	uint64_t src, dst;
	uint8_t *in, *out;
	bool ok;

	if (!has_words(a, 4))
		return false;
	src = ((uint64_t)(a->fifo[1] >> 16) << 32) | a->fifo[2];
	dst = ((uint64_t)(a->fifo[1] & 0xffff) << 32) | a->fifo[3];
	in = malloc(len ? len : 1);
	out = malloc(len ? len : 1);
	ok = in && out && !a->mem.read(a->mem.opaque, src, in, len) &&
	     run_cipher(a, &a->key[KEY_CONTEXT(w)], in, out, (int)len) &&
	     !a->mem.write(a->mem.opaque, dst, out, len);
	free(in);
	free(out);
	return ok;
}

static bool cmd_store_iv(struct aes_engine *a)
{
	uint32_t w = a->fifo[0];
	uint64_t addr;

	if (!has_words(a, 2))
		return false;
	addr = ((uint64_t)(w & 0xff) << 32) | a->fifo[1];
	return !a->mem.write(a->mem.opaque, addr, a->iv[IV_CONTEXT(w)], 16);
}

static bool cmd_flag(struct aes_engine *a)
{
	if (FLAG_RAISE_IRQ(a->fifo[0]))
		a->irq_status |= AES_IRQ_FLAG;
	a->flag_info = a->fifo[0] & 0xff;
	return true;
}

/* Try the queued command; a complete, successful one empties the FIFO. */
static void run_fifo(struct aes_engine *a)
{
	bool done;

	if (!a->fifo_len)
		return;
	switch (CMD_OPCODE(a->fifo[0])) {
	case AES_CMD_KEY:
		done = cmd_key(a);
		break;
	case AES_CMD_IV:
		done = cmd_iv(a);
		break;
	case AES_CMD_DATA:
		done = cmd_data(a);
		break;
	case AES_CMD_STORE_IV:
		done = cmd_store_iv(a);
		break;
	case AES_CMD_FLAG:
		done = cmd_flag(a);
		break;
	default:	/* DSB, SKG, WRITE_REG and unknown */
		a->irq_status |= AES_IRQ_INVALID_CMD;
		done = false;
		break;
	}
	if (done)
		a->fifo_len = 0;
}

static uint32_t bank1_read(void *dev, uint64_t off)
{
	struct aes_engine *a = dev;

	switch (off) {
	case AES_REG_STATUS:
		return 0x3f80;
	case AES_REG_IRQ_STATUS:
		return a->irq_status;
	case AES_REG_IRQ_ENABLE:
		return a->irq_enable;
	case AES_REG_Q_STATUS:
		return 2;
	case AES_REG_FLAG_INFO:
		return a->flag_info;
	default:		/* WATERMARK and the rest */
		return 0;
	}
}

static void bank1_write(void *dev, uint64_t off, uint32_t v)
{
	struct aes_engine *a = dev;
	switch (off) {
	case AES_REG_IRQ_STATUS:
		a->irq_status &= ~v;
		break;
	case AES_REG_IRQ_ENABLE:
		a->irq_enable = v;
		break;
	case AES_REG_FIFO:
		if (a->fifo_len < AES_FIFO_WORDS)
			a->fifo[a->fifo_len++] = v;
		run_fifo(a);
		break;
	default:
		return;
	}
	if (a->set_irq)
		a->set_irq(a->opaque, (a->irq_status & a->irq_enable) != 0);
}

int aes_bank1_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		     bool is_write)
{
	return reg32_access(opaque, offset, data, len, is_write, bank1_read, bank1_write);
}

int aes_bank2_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		     bool is_write)
{
	(void)opaque;
	(void)offset;
	if (!is_write)
		memset(data, 0, len);
	return 0;
}
