// SPDX-License-Identifier: GPL-2.0
/* board.c - assemble the VMApple board and run it (see board.h). */
#include "board.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arm64_kvm.h"
#include "hw/cfg.h"
#include "stat_view.h"
#include "vmk_client.h"

#define BOARD_IPA_BITS 40

static void uart_tx(void *opaque, uint8_t byte)
{
	(void)opaque;
	if (write(STDOUT_FILENO, &byte, 1) != 1)
		return;	/* a closed console loses output, not the guest */
}

static uint64_t clock_s(void *opaque)
{
	(void)opaque;
	return (uint64_t)time(NULL);
}

static uint64_t clock_us(void *opaque)
{
	struct timespec ts;

	(void)opaque;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Each device's interrupt line is one SPI of the vGIC. */
struct irq_line {
	struct vm *vm;
	uint32_t spi;
};

static struct irq_line lines[8];

static void set_line(void *opaque, bool level)
{
	struct irq_line *l = opaque;

	vm_set_spi(l->vm, l->spi, level);
}

static void on_panic(void *opaque, uint32_t events)
{
	struct board *b = opaque;

	if (events & PVPANIC_PANICKED) {
		b->guest_panicked = 1;
		b->vm.stop_requested = 1;
	}
}

static void *line_for(struct board *b, unsigned int i, uint32_t spi)
{
	lines[i] = (struct irq_line){ .vm = &b->vm, .spi = spi };
	return &lines[i];
}

static int guest_read(void *opaque, uint64_t gpa, void *buf, size_t len)
{
	uint8_t *p = vm_ram(opaque, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

static int guest_write(void *opaque, uint64_t gpa, const void *buf, size_t len)
{
	uint8_t *p = vm_ram(opaque, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	return 0;
}

static int open_disk(const char *opt, const char *path, struct bdif_disk *d, char *err,
		     size_t err_len)
{
	struct stat st;

	d->fd = -1;
	if (!path)
		return 0;
	d->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0 || fstat(d->fd, &st)) {
		snprintf(err, err_len, "vmapple: %s %s: %s", opt, path, strerror(errno));
		return -1;
	}
	if (st.st_size < 512) {
		snprintf(err, err_len, "vmapple: %s %s: %lld bytes is smaller than one sector",
			 opt, path, (long long)st.st_size);
		return -1;
	}
	d->size = (uint64_t)st.st_size;
	return 0;
}

static int load_bios(const char *path, uint8_t *dst, char *err, size_t err_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t got;

	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, err_len, "vmapple: --bios %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (st.st_size == 0 || (uint64_t)st.st_size > BOARD_FW_SIZE) {
		snprintf(err, err_len, "vmapple: --bios %s: %lld bytes; the firmware region holds "
			 "1 to %llu", path, (long long)st.st_size, (unsigned long long)BOARD_FW_SIZE);
		close(fd);
		return -1;
	}
	got = read(fd, dst, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size) {
		snprintf(err, err_len, "vmapple: --bios %s: short read", path);
		return -1;
	}
	return 0;
}

static int add_devices(struct board *b)
{
	const struct mmio_device devs[] = {
		{ "pl011", PL011_BASE, PL011_SIZE, pl011_access, &b->uart },
		{ "pl031", PL031_BASE, PL031_SIZE, pl031_access, &b->rtc },
		{ "pl061", PL061_BASE, PL061_SIZE, pl061_access, &b->gpio },
		{ "pvpanic", PVPANIC_BASE, PVPANIC_SIZE, pvpanic_access, &b->pvpanic },
		{ "bdif", BDIF_BASE, BDIF_SIZE, bdif_access, &b->bdif },
		{ "aes", AES_BANK1_BASE, AES_BANK_SIZE, aes_bank1_access, &b->aes },
		{ "aes2", AES_BANK2_BASE, AES_BANK_SIZE, aes_bank2_access, &b->aes },
		{ "avp-rtc", AVP_RTC_BASE, AVP_RTC_SIZE, avp_rtc_access, &b->avp_rtc },
		{ "gicv2m", GICV2M_BASE, GICV2M_SIZE, gicv2m_access, &b->gicv2m },
	};
	size_t i;

	b->uart = (struct pl011){ .tx = uart_tx, .set_irq = set_line,
				  .opaque = line_for(b, 0, BOARD_SPI_UART) };
	pl011_init(&b->uart);
	b->rtc = (struct pl031){ .now_s = clock_s, .set_irq = set_line,
				 .opaque = line_for(b, 1, BOARD_SPI_RTC) };
	b->gpio = (struct pl061){ .set_irq = set_line, .opaque = line_for(b, 2, BOARD_SPI_GPIO) };
	b->pvpanic = (struct pvpanic){ .event = on_panic, .opaque = b };
	b->bdif.mem = (struct guest_mem){ &b->vm, guest_read, guest_write };
	b->aes = (struct aes_engine){ .mem = { &b->vm, guest_read, guest_write },
				      .set_irq = set_line, .opaque = line_for(b, 3, BOARD_SPI_AES) };
	b->avp_rtc = (struct avp_rtc){ .now_us = clock_us, .set_irq = set_line,
				       .opaque = line_for(b, 4, BOARD_SPI_AVP_RTC) };
	b->gicv2m = (struct gicv2m){ .raise_spi = vm_pulse_spi, .opaque = &b->vm };
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
		if (mmio_bus_add(&b->vm.bus, &devs[i]))
			return -1;
	return 0;
}

/*
 * Layer 1: when vmapple_kvm is loaded, attach the VM to it.  Without it the
 * board runs on Layer 0 alone; either way, say which.
 */
static void attach_module(struct board *b, const char *path)
{
	struct vmapple_kvm_info info;
	char why[160];
	int ret;

	if (!strcmp(path, "none")) {
		fprintf(stderr, "vmapple: Layer 0 only (--module none)\n");
		return;
	}
	b->module_fd = vmk_open(path, why, sizeof(why));
	if (b->module_fd < 0) {
		fprintf(stderr, "vmapple: Layer 0 only (%s)\n", why);
		return;
	}
	ret = vmk_get_info(b->module_fd, &info);
	if (!ret && info.api_version != VMAPPLE_KVM_API_VERSION)
		ret = -EPROTONOSUPPORT;
	if (!ret)
		ret = vmk_attach_vm(b->module_fd, b->vm.fd);
	if (ret) {
		fprintf(stderr, "vmapple: Layer 0 only: vmapple_kvm did not attach the VM: %s\n",
			vmk_attach_strerror(ret));
		close(b->module_fd);
		b->module_fd = -1;
		return;
	}
	fprintf(stderr, "vmapple: VM attached to vmapple_kvm (ABI %u)\n", info.api_version);
	ret = vmk_set_apple_hvc(b->module_fd, &b->hvc.cfg);
	if (ret)
		fprintf(stderr, "vmapple: Apple hypercalls stay in the launcher: %s\n",
			strerror(-ret));
	ret = vmk_set_gicv2m(b->module_fd, GICV2M_BASE, GICV2M_FIRST_SPI + 32, GICV2M_NR_SPIS);
	if (ret)
		fprintf(stderr, "vmapple: GICv2m MSIs stay in the launcher: %s\n", strerror(-ret));
}

int board_create(struct board *b, const struct board_config *cfg, char *err, size_t err_len)
{
	struct vmapple_cfg_params params = {
		.nr_cpus = cfg->cpus, .ecid = cfg->ecid, .ram_size = cfg->mem,
		.rnd = (uint32_t)random(),
	};
	unsigned int i;

	memset(b, 0, sizeof(*b));
	b->bdif.root.fd = b->bdif.aux.fd = b->module_fd = -1;
	if (cfg->cpus < 1 || cfg->cpus > BOARD_MAX_CPUS) {
		snprintf(err, err_len, "vmapple: --cpus %u: the board has 1 to %d", cfg->cpus,
			 BOARD_MAX_CPUS);
		return -1;
	}
	if (cfg->mem < (16ull << 20) || BOARD_RAM_BASE + cfg->mem > (1ull << BOARD_IPA_BITS)) {
		snprintf(err, err_len, "vmapple: --mem %llu MiB: must be 16 MiB to %llu GiB",
			 (unsigned long long)(cfg->mem >> 20),
			 (unsigned long long)(((1ull << BOARD_IPA_BITS) - BOARD_RAM_BASE) >> 30));
		return -1;
	}
	if (open_disk("--disk", cfg->disk, &b->bdif.root, err, err_len) ||
	    open_disk("--aux", cfg->aux, &b->bdif.aux, err, err_len))
		goto fail;
	if (vm_open(&b->vm, cfg->kvm_path, BOARD_IPA_BITS) ||
	    vm_add_ram(&b->vm, BOARD_FW_BASE, BOARD_FW_SIZE) ||
	    vm_add_ram(&b->vm, VMAPPLE_CFG_BASE, VMAPPLE_CFG_SIZE) ||
	    vm_add_ram(&b->vm, BOARD_RAM_BASE, cfg->mem)) {
		snprintf(err, err_len, "vmapple: cannot create the VM (see above)");
		goto fail;
	}
	if (load_bios(cfg->bios, vm_ram(&b->vm, BOARD_FW_BASE, BOARD_FW_SIZE), err, err_len) ||
	    vmapple_cfg_fill(&params, vm_ram(&b->vm, VMAPPLE_CFG_BASE, VMAPPLE_CFG_SIZE), err,
			     err_len))
		goto fail;
	if (vm_create_gicv3(&b->vm, BOARD_GICD, BOARD_GICR, cfg->cpus, BOARD_NR_IRQS) ||
	    add_devices(b) || apple_hvc_install(&b->vm, &b->hvc)) {
		snprintf(err, err_len, "vmapple: cannot set up the board's devices (see above)");
		goto fail;
	}
	for (i = 0; i < cfg->cpus; i++) {
		if (vcpu_create(&b->vm, &b->vcpu[i], i)) {
			snprintf(err, err_len, "vmapple: cannot create vCPU %u (see above)", i);
			goto fail;
		}
		b->nr_cpus++;
		/* Pinned: macOS 13's ApplePSCI wants 1.1, whatever KVM's default. */
		if (vcpu_set(&b->vcpu[i], KVM_REG_ARM_PSCI_VERSION, BOARD_PSCI_VERSION)) {
			snprintf(err, err_len, "vmapple: KVM refuses PSCI 1.1 for vCPU %u", i);
			goto fail;
		}
	}
	if (vm_finalize_gic(&b->vm) || vcpu_set(&b->vcpu[0], vcpu_reg_pc, BOARD_FW_BASE)) {
		snprintf(err, err_len, "vmapple: cannot start the board (see above)");
		goto fail;
	}
	attach_module(b, cfg->module_path ? cfg->module_path : "/dev/vmapple_kvm");
	return 0;
fail:
	board_destroy(b);
	return -1;
}

struct run_state {
	pthread_mutex_t lock;
	pthread_cond_t done;
	int stopped;
	enum vcpu_stop why;
};

struct vcpu_thread {
	struct vcpu *vcpu;
	struct run_state *st;
};

static void *vcpu_main(void *arg)
{
	struct vcpu_thread *t = arg;
	enum vcpu_stop why = vcpu_run_loop(t->vcpu);

	pthread_mutex_lock(&t->st->lock);
	if (!t->st->stopped++)
		t->st->why = why;
	pthread_cond_signal(&t->st->done);
	pthread_mutex_unlock(&t->st->lock);
	return NULL;
}

int board_run(struct board *b)
{
	static struct vcpu_thread threads[BOARD_MAX_CPUS];
	struct run_state st = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
	pthread_t tid;
	unsigned int i;

	for (i = 0; i < b->nr_cpus; i++) {
		threads[i] = (struct vcpu_thread){ &b->vcpu[i], &st };
		if (pthread_create(&tid, NULL, vcpu_main, &threads[i])) {
			fprintf(stderr, "vmapple: cannot start vCPU %u's thread\n", i);
			return BOARD_EXIT_ERROR;
		}
		pthread_detach(tid);
	}
	/* The first vCPU to stop decides; the process exit ends the others. */
	pthread_mutex_lock(&st.lock);
	while (!st.stopped)
		pthread_cond_wait(&st.done, &st.lock);
	pthread_mutex_unlock(&st.lock);
	if (b->guest_panicked) {
		fprintf(stderr, "vmapple: the guest panicked (pvpanic)\n");
		return BOARD_EXIT_GUEST_PANIC;
	}
	return st.why == VCPU_STOP_SHUTDOWN ? BOARD_EXIT_POWEROFF : BOARD_EXIT_ERROR;
}

void board_print_stats(struct board *b, FILE *out)
{
	struct vmapple_kvm_vm_stats st;
	unsigned int s;

	vm_print_stats(&b->vm, out);
	if (b->module_fd < 0 || vmk_get_own_vm_stats(b->module_fd, getpid(), &st))
		return;
	fprintf(out, "vmapple_kvm:");
	for (s = 0; s < VMAPPLE_KVM_NR_STATS; s++)
		fprintf(out, " %s %llu", stat_name(s), (unsigned long long)st.counters[s]);
	fprintf(out, "\n");
}

void board_destroy(struct board *b)
{
	unsigned int i;

	if (b->module_fd >= 0)
		close(b->module_fd);
	b->module_fd = -1;
	for (i = 0; i < b->nr_cpus; i++)
		vcpu_close(&b->vcpu[i]);
	b->nr_cpus = 0;
	if (b->vm.kvm_fd > 0)
		vm_close(&b->vm);
	if (b->bdif.root.fd >= 0)
		close(b->bdif.root.fd);
	if (b->bdif.aux.fd >= 0)
		close(b->bdif.aux.fd);
	b->bdif.root.fd = b->bdif.aux.fd = -1;
}
