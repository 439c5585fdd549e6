/* SPDX-License-Identifier: GPL-2.0 */
/*
 * board.h - the VMApple board on KVM: the memory map of QEMU's vmapple
 * machine (shared/specs/vmapple-board.md §1), firmware RAM at 0x10_0000
 * where CPU 0 starts, cfg at 0x40_0000, the in-kernel vGICv3, and the
 * userspace devices of hw/.
 */
#ifndef VMAPPLE_BOARD_H
#define VMAPPLE_BOARD_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

#include "../../runtime/apple_hvc.h"
#include "../../console.h"
#include "../../disk.h"
#include "../../hw/aes.h"
#include "../../alarm.h"
#include "../board_config.h"
#include "../../hw/avp_rtc.h"
#include "../../hw/bdif.h"
#include "../../hw/gicv2m.h"
#include "../../hw/gpex.h"
#include "../../hw/pl011.h"
#include "../../hw/pl031.h"
#include "../../hw/pl061.h"
#include "../../hw/pvpanic.h"
#include "../../progress.h"
#include "../../qmp.h"
#include "../../runtime/vcpu.h"
#include "../../virtio/balloon.h"
#include "../../virtio/blk.h"
#include "../../virtio/net.h"
#include "../../virtio/rng.h"
#include "../../virtio/sound.h"
#include "../../runtime/vm.h"

#define BOARD_FW_BASE		0x100000ull
#define BOARD_FW_SIZE		0x100000ull
#define BOARD_RAM_BASE		0x70000000ull
#define BOARD_GICD		0x10000000ull
#define BOARD_GICR		0x10010000ull
#define BOARD_MAX_CPUS		32
#define BOARD_NR_IRQS		(256 + 32)
#define BOARD_PSCI_VERSION	0x10001	/* 1.1 */

/* SPIs (GIC INTID = SPI + 32). */
#define BOARD_SPI_UART		1
#define BOARD_SPI_RTC		2
#define BOARD_SPI_GPIO		5
#define BOARD_SPI_AES		0x12
#define BOARD_SPI_AVP_RTC	0x13


struct board {
	struct board_config cfg;
	struct vm vm;
	struct vcpu vcpu[BOARD_MAX_CPUS];
	unsigned int nr_cpus;
	struct apple_hvc_state hvc;
	struct pl011 uart;
	struct pl031 rtc;
	struct pl061 gpio;
	struct pvpanic pvpanic;
	struct bdif bdif;
	struct aes_engine aes;
	struct avp_rtc avp_rtc;
	struct gicv2m gicv2m;
	struct gpex gpex;
	struct virtio_host virtio_host;
	struct disk_image root_disk, aux_disk, drive_disk[BOARD_MAX_DRIVES];
	struct virtio_blk *blk[2 + BOARD_MAX_DRIVES];
	unsigned int nr_blk;
	struct virtio_net *nic[BOARD_MAX_NICS];
	unsigned int nr_nics;
	struct virtio_rng *rng;
	struct virtio_sound *sound;
	struct virtio_balloon *balloon;
	pthread_mutex_t gpio_lock;	/* the power button comes from the main thread */
	pthread_mutex_t uart_lock;	/* console input comes from its own thread */
	pthread_mutex_t rtc_lock;	/* the match alarm fires on its own thread */
	struct alarm rtc_alarm;
	struct console console;
	volatile int guest_panicked;
	int module_fd;		/* /dev/vmapple_kvm session, or -1 */
	int wake_fd;		/* eventfd: the main thread's wait ends (board_wake()) */
	unsigned int restarts;	/* guest resets done in this process */
	int stops_handled;	/* stop requests already acted on */
	pthread_t vcpu_tid[BOARD_MAX_CPUS];
	unsigned int nr_threads;	/* vCPU threads of this boot */
	/* The control socket, and what its commands ask of the main thread. */
	struct qmp_server qmp;
	pthread_mutex_t machine_lock;	/* a restart rebuilds it: QMP's commands wait */
	volatile int quit_requested, reset_requested;
	volatile int powerdowns_requested;
	int powerdowns_handled;
	volatile int paused;
	volatile int prelaunch;	/* --paused, before the first cont */
	bool boot_clock_started;	/* the main thread's: progress counts from it */
	struct progress progress;	/* a macOS boot's milestones (main thread) */
};

/* The MAC of the board's virtio-net @i (and cfg's en0/en1). */
void board_nic_mac(const struct board_config *cfg, unsigned int i, uint8_t mac[6]);

/* 0, or -1 with one line naming the problem in @err. */
int board_create(struct board *b, const struct board_config *cfg, char *err, size_t err_len);

/*
 * Run every vCPU until the guest powers off or panics: a BOARD_EXIT_*
 * status.  A guest's PSCI SYSTEM_RESET restarts it in place (new VM, RAM
 * cleared, every device and the firmware anew, the disks kept) unless
 * cfg.exit_on_reset.  *@stop_requests counts SIGTERMs / `vmapple stop`s as they come:
 * the first presses the power button, the second forces the VM off.
 */
int board_run(struct board *b, volatile int *stop_requests);

/*
 * The main thread looks again at what it waits for (a request flag set, a
 * stop counted).  Async-signal-safe: a signal handler may call it.
 */
void board_wake(struct board *b);

/* Bring every vCPU out of KVM_RUN (to see a pause or a stop). */
void board_kick_vcpus(struct board *b);

/* The control socket's commands (board_qmp.c): 0, or -1 with the reason in @err. */
int board_qmp_open(struct board *b, const char *spec, char *err, size_t err_len);

/* The run's exit counters, and the module's for this VM when attached. */
void board_print_stats(struct board *b, FILE *out);

void board_destroy(struct board *b);

#endif
