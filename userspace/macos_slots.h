/* SPDX-License-Identifier: GPL-2.0 */
/*
 * macos_slots.h - Apple's licence allows two macOS guests per Mac, so a
 * `--bios` (macOS) run takes one of N slots before it builds anything.  A
 * slot is an flock() on a file in a shared lock directory: the kernel
 * drops it when the holder exits however it exits, so a crashed launcher
 * never keeps a slot, and the directory (sticky, like /run/lock) survives.
 */
#ifndef VMAPPLE_MACOS_SLOTS_H
#define VMAPPLE_MACOS_SLOTS_H

#include <stddef.h>

#define MACOS_SLOTS_DEFAULT	2
#define MACOS_SLOTS_MAX		64
#define MACOS_SLOTS_DIR		"/run/lock/vmapple-macos"
#define MACOS_SLOTS_DIR_ENV	"VMAPPLE_MACOS_LOCK_DIR"	/* tests, odd hosts */

/*
 * Take a free slot of @max in @dir (NULL: $VMAPPLE_MACOS_LOCK_DIR, else
 * MACOS_SLOTS_DIR), creating the directory when missing.  The slot's fd,
 * held (close-on-exec) until the process exits; or -1 with one line in
 * @err saying why: every slot taken (and by which pids), or the directory.
 */
int macos_slot_take(const char *dir, unsigned int max, char *err, size_t err_len);

#endif
