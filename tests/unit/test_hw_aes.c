// SPDX-License-Identifier: GPL-2.0
/*
 * test_hw_aes - the AES engine driven through its FIFO like a guest:
 * NIST SP 800-38A vectors (ECB and CBC, 128/192/256-bit keys, encrypt and
 * decrypt), built-in keys, STORE_IV, FLAG and its IRQ, and every refusal.
 */
#include <errno.h>
#include <string.h>

#include "../../userspace/hw/aes.h"
#include "tap.h"

#define RAM_BASE 0x70000000ull
#define RAM_SIZE 0x10000ull

static uint8_t ram[RAM_SIZE];
static bool irq;

static int ram_io(uint64_t gpa, size_t len)
{
	return gpa < RAM_BASE || gpa - RAM_BASE > RAM_SIZE || len > RAM_SIZE - (gpa - RAM_BASE);
}

static int ram_read(void *o, uint64_t gpa, void *buf, size_t len)
{
	(void)o;
	if (ram_io(gpa, len))
		return -EFAULT;
	memcpy(buf, ram + (gpa - RAM_BASE), len);
	return 0;
}

static int ram_write(void *o, uint64_t gpa, const void *buf, size_t len)
{
	(void)o;
	if (ram_io(gpa, len))
		return -EFAULT;
	memcpy(ram + (gpa - RAM_BASE), buf, len);
	return 0;
}

static void set_irq(void *o, bool level) { (void)o; irq = level; }

static struct aes_engine a = {
	.mem = { .read = ram_read, .write = ram_write }, .set_irq = set_irq,
};

static void put(uint32_t w) { aes_bank1_access(&a, AES_REG_FIFO, (uint8_t *)&w, 4, true); }

static uint32_t reg(uint64_t off)
{
	uint32_t v = 0;

	aes_bank1_access(&a, off, (uint8_t *)&v, 4, false);
	return v;
}

static void hex(const char *s, uint8_t *out)
{
	size_t i;

	for (i = 0; s[2 * i]; i++) {
		unsigned int b;

		sscanf(s + 2 * i, "%2x", &b);
		out[i] = (uint8_t)b;
	}
}

/* KEY with the key in the payload: length index 0/1/2 = 16/24/32 bytes. */
static void key(const char *key_hex, bool encrypt, bool cbc)
{
	uint8_t k[32];
	size_t len = strlen(key_hex) / 2, i;
	uint32_t w;

	hex(key_hex, k);
	put((1u << 28) | ((uint32_t)(len / 8 - 2) << 22) | (encrypt ? 1u << 20 : 0) | (cbc ? 1u << 16 : 0));
	for (i = 0; i < len; i += 4) {
		memcpy(&w, k + i, 4);
		put(w);
	}
}

static void iv(const char *iv_hex)
{
	uint8_t v[16];
	uint32_t w;
	int i;

	hex(iv_hex, v);
	put(2u << 28);
	for (i = 0; i < 16; i += 4) {
		memcpy(&w, v + i, 4);
		put(w);
	}
}

/* Run DATA on @in_hex at RAM_BASE + 0x100, into RAM_BASE + 0x200; compare. */
static bool data(const char *in_hex, const char *want_hex)
{
	uint8_t want[64];
	size_t len = strlen(in_hex) / 2;

	hex(in_hex, ram + 0x100);
	hex(want_hex, want);
	memset(ram + 0x200, 0, len);
	put((5u << 28) | (uint32_t)len);
	put(0);	/* high address bits */
	put((uint32_t)(RAM_BASE + 0x100));
	put((uint32_t)(RAM_BASE + 0x200));
	return a.fifo_len == 0 && !memcmp(ram + 0x200, want, len);
}

int main(void)
{
	const char *p = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51";

	ok(reg(AES_REG_STATUS) == 0x3f80 && reg(AES_REG_Q_STATUS) == 2 && reg(AES_REG_WATERMARK) == 0,
	   "STATUS 0x3f80, Q_STATUS 2, WATERMARK 0");
	key("2b7e151628aed2a6abf7158809cf4f3c", true, false);
	ok(data(p, "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"),
	   "SP 800-38A F.1.1 ECB-AES128 encrypt");
	key("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", true, false);
	ok(data(p, "bd334f1d6e45f25ff712a214571fa5cc974104846d0ad3ad7734ecb3ecee4eef"),
	   "SP 800-38A F.1.3 ECB-AES192 encrypt");
	key("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", false, false);
	ok(data("f3eed1bdb5d2a03c064b5a7e3db181f8", "6bc1bee22e409f96e93d7e117393172a"),
	   "SP 800-38A F.1.6 ECB-AES256 decrypt");
	key("2b7e151628aed2a6abf7158809cf4f3c", true, true);
	iv("000102030405060708090a0b0c0d0e0f");
	ok(data(p, "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"),
	   "SP 800-38A F.2.1 CBC-AES128 encrypt");
	key("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", false, true);
	ok(data("f58c4c04d6e5f1ba779eabfb5f7bfbd6", "6bc1bee22e409f96e93d7e117393172a"),
	   "SP 800-38A F.2.6 CBC-AES256 decrypt");

	/* built-in key 2 = 02 00..00; encrypt then decrypt gives back the data */
	put((1u << 28) | (2u << 24) | (1u << 20));
	ok(a.fifo_len == 0 && a.key[0].len == 32 && a.key[0].bytes[0] == 2 && a.key[0].bytes[1] == 0,
	   "built-in key slot 2: 32 bytes, 02 00..00, no payload");
	put((1u << 28) | (5u << 24));	/* slot 5 is empty */
	ok(!data(p, p) && a.fifo_len == 4, "DATA with an empty key slot fails and stays queued");
	a.fifo_len = 0;

	put((6u << 28));		/* STORE_IV of context 0 */
	put((uint32_t)(RAM_BASE + 0x300));
	ok(a.fifo_len == 0 && ram[0x300] == 0x00 && ram[0x30f] == 0x0f, "STORE_IV writes the IV");

	reg(0);
	put((8u << 28) | (1u << 27) | 0x5a);
	ok(!irq && reg(AES_REG_FLAG_INFO) == 0x5a && (reg(AES_REG_IRQ_STATUS) & AES_IRQ_FLAG),
	   "FLAG: FLAG_INFO set, IRQ status bit 5 (masked)");
	{
		uint32_t en = AES_IRQ_FLAG;

		aes_bank1_access(&a, AES_REG_IRQ_ENABLE, (uint8_t *)&en, 4, true);
		ok(irq, "enabling it raises the IRQ");
		aes_bank1_access(&a, AES_REG_IRQ_STATUS, (uint8_t *)&en, 4, true);
		ok(!irq && !(reg(AES_REG_IRQ_STATUS) & AES_IRQ_FLAG), "W1C lowers it");
	}

	put(3u << 28);			/* DSB: not handled */
	ok(reg(AES_REG_IRQ_STATUS) & AES_IRQ_INVALID_CMD, "an unhandled opcode sets INVALID_CMD");
	a.fifo_len = 0;
	key("2b7e151628aed2a6abf7158809cf4f3c", true, false);
	ok(!data("6bc1bee22e409f96e93d7e1173", "00") && a.fifo_len == 4,
	   "a length not a multiple of 16 fails, queued");
	a.fifo_len = 0;
	put((5u << 28) | 16);
	put(0);
	put(0x1000);			/* source outside RAM */
	put((uint32_t)(RAM_BASE + 0x200));
	ok(a.fifo_len == 4, "DATA from outside RAM fails, host untouched");
	a.fifo_len = 0;
	put((1u << 28) | (3u << 22));	/* a 64-byte key: more than the engine holds */
	ok(a.fifo_len == 1, "a 64-byte payload key is refused");
	a.fifo_len = 0;
	put((1u << 28) | (2u << 16));	/* mode 2: invalid */
	ok(a.fifo_len == 1, "an invalid block mode is refused");
	a.fifo_len = 0;
	for (unsigned int i = 0; i < 12; i++)
		put(5u << 28);
	ok(a.fifo_len == AES_FIFO_WORDS, "the FIFO holds 9 words and drops the rest");
	{
		uint32_t v = 0x1234;

		aes_bank2_access(&a, 0, (uint8_t *)&v, 4, false);
		ok(v == 0, "bank 2 reads zero");
	}
	return tap_done();
}
