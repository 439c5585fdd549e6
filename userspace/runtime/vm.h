/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vm.h - a KVM VM as the launcher holds it: guest RAM, the in-kernel
 * vGICv3, the userspace MMIO bus, and exit statistics.
 */
#ifndef VMAPPLE_VM_H
#define VMAPPLE_VM_H

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>

#include "mmio_bus.h"

struct apple_hvc_state;

#define VM_MAX_RAM 4

struct ram_region {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
};

/* Exit statistics, as `vmapple stat` and the exit summary show them. */
struct vm_stats {
	uint64_t mmio_exits;		/* ISV=1 KVM_EXIT_MMIO */
	uint64_t mmio_to_ram;		/* ... naming RAM: a kernel bug, completed on RAM */
	uint64_t nisv_exits;		/* ISV=0 KVM_EXIT_ARM_NISV */
	uint64_t nisv_to_vgic;		/* ... of which completed on the vGIC */
	uint64_t nisv_refused;		/* ... answered with an external abort */
	uint64_t hvc_forwarded;		/* KVM_EXIT_HYPERCALL */
	uint64_t hvc_unknown;		/* ... with an ID nobody answers */
};

struct vm {
	int kvm_fd;
	int fd;
	struct ram_region ram[VM_MAX_RAM];
	int nr_ram;
	int vgic_fd;			/* -1 without a vGIC */
	uint64_t gicd_base;
	uint64_t gicr_base;
	uint64_t gicr_size;
	struct mmio_bus bus;
	struct vm_stats stats;
	struct apple_hvc_state *hvc;	/* NULL: Apple hypercalls not forwarded */
	volatile int stop_requested;	/* a device asks every run loop to end */
	/* QMP stop/cont: the vCPUs wait at their loops' top while @pause_requested. */
	pthread_mutex_t pause_lock;
	pthread_cond_t pause_cond;
	int pause_requested;
	unsigned int vcpus_paused;
	bool pmu;			/* vCPUs get a PMU (KVM_ARM_VCPU_PMU_V3) */
	bool spin_table;		/* every vCPU starts running (no PSCI CPU_ON) */
	int spi_irqfd[256];		/* per SPI, made on first use; -1 none */
	pthread_mutex_t irqfd_lock;
};

/* Each returns 0 or a negative errno, with a message on stderr naming what failed. */
int vm_open(struct vm *vm, const char *kvm_path, unsigned int ipa_bits);
int vm_add_ram(struct vm *vm, uint64_t gpa, uint64_t size);
int vm_create_gicv3(struct vm *vm, uint64_t gicd, uint64_t gicr, unsigned int nr_cpus,
		    unsigned int nr_irqs);
int vm_finalize_gic(struct vm *vm);
void vm_close(struct vm *vm);

/* Host pointer for [gpa, gpa + len) when it lies in one RAM region, else NULL. */
uint8_t *vm_ram(struct vm *vm, uint64_t gpa, uint64_t len);

/* Is @gpa in the vGIC's distributor or redistributor frames? */
bool vm_is_vgic(const struct vm *vm, uint64_t gpa);

/* A 32-bit vGIC register through KVM's device attributes (uaccess). */
int vm_vgic_access(struct vm *vm, uint64_t gpa, uint32_t *val, bool is_write);

/* Drive SPI @spi (INTID - 32) of the in-kernel vGIC. */
int vm_set_spi(struct vm *vm, uint32_t spi, bool level);

/*
 * An edge on SPI @spi of the struct vm at @vm (the GICv2m frame's
 * raise_spi, so every MSI): through an irqfd, a write KVM turns into the
 * edge, falling back to KVM_IRQ_LINE where irqfds are refused.
 */
void vm_pulse_spi(void *vm, uint32_t spi);

/* KVM signals @fd on any guest write to @gpa (no exit); 0 or -errno. */
int vm_ioeventfd(struct vm *vm, uint64_t gpa, int fd, bool assign);

void vm_print_stats(const struct vm *vm, FILE *out);

#endif
