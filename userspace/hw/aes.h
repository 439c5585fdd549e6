/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aes.h - the VMApple AES engine (QEMU's apple-aes): bank 1 at 0x3022_0000
 * takes commands through a 9-word FIFO (KEY, IV, DATA, STORE_IV, FLAG);
 * bank 2 at 0x3023_0000 reads zero.  macOS keeps its NVRAM with it, under
 * fixed built-in keys.  As in QEMU, a command that fails or is unknown stays
 * queued (unknown ones raise INVALID_CMD each time they are tried).
 * Facts: shared/specs/vmapple-board.md §4; behaviour checked against
 * QEMU's hw/vmapple/aes.c.
 */
#ifndef VMAPPLE_HW_AES_H
#define VMAPPLE_HW_AES_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"

#define AES_BANK1_BASE		0x30220000ull
#define AES_BANK2_BASE		0x30230000ull
#define AES_BANK_SIZE		0x4000ull

#define AES_REG_STATUS		0x00c
#define AES_REG_IRQ_STATUS	0x018
#define AES_REG_IRQ_ENABLE	0x01c
#define AES_REG_WATERMARK	0x020
#define AES_REG_Q_STATUS	0x024
#define AES_REG_FLAG_INFO	0x030
#define AES_REG_FIFO		0x200

#define AES_IRQ_INVALID_CMD	(1u << 2)
#define AES_IRQ_FLAG		(1u << 5)

#define AES_CMD_KEY		1
#define AES_CMD_IV		2
#define AES_CMD_DATA		5
#define AES_CMD_STORE_IV	6
#define AES_CMD_FLAG		8

#define AES_FIFO_WORDS		9
#define AES_MAX_DATA		0xffffffu	/* DATA's 24-bit length */

struct aes_key {
	uint32_t len;		/* 16, 24 or 32 bytes; 0 = no key */
	uint8_t bytes[32];
};

struct aes_engine {
	struct guest_mem mem;
	void (*set_irq)(void *opaque, bool level);
	void *opaque;
	uint32_t fifo[AES_FIFO_WORDS];
	unsigned int fifo_len;
	uint32_t irq_status, irq_enable, flag_info;
	struct aes_key key[2];
	uint8_t iv[4][16];
	bool encrypt;		/* global, set by the last KEY */
	bool cbc;		/* global: CBC, else ECB */
};

int aes_bank1_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		     bool is_write);
int aes_bank2_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		     bool is_write);

#endif
