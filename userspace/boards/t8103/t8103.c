// SPDX-License-Identifier: GPL-2.0
/*
 * t8103.c - the t8103 board's machine and run (see t8103.h): RAM, the pen,
 * vCPUs with Apple MPIDRs, the module's AIC, the s5l UART, a Linux boot.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/vmapple_kvm.h>

#include "../board_config.h"
#include "../../console.h"
#include "../../hw/s5l_uart.h"
#include "../../linux_boot.h"
#include "../../runtime/vcpu.h"
#include "../../runtime/vm.h"
#include "../../vmk_client.h"
#include "t8103.h"
#include "t8103_dt.h"

#define T8103_MPIDR_EL1		ARM64_SYS_REG(3, 0, 0, 0, 5)
#define T8103_AIC_NR_IRQS	896	/* what an M1's AIC_INFO says */
#define T8103_MAX_RAM		((1ull << T8103_IPA_BITS) - T8103_RAM_BASE)

/*
 * The spin-table pen, for every secondary vCPU (x1 = its release slot):
 * wait for an event, load the slot, loop while it is 0, then enter the
 * address Linux wrote with x0 = x1 = 0 (Documentation/arch/arm64/booting.rst).
 */
static const uint32_t t8103_pen[] = {
	0xd503205f,	/* 1: wfe */
	0xf9400022,	/*    ldr  x2, [x1] */
	0xb4ffffc2,	/*    cbz  x2, 1b */
	0xd2800000,	/*    mov  x0, #0 */
	0xd2800001,	/*    mov  x1, #0 */
	0xd61f0040,	/*    br   x2 */
};

struct t8103 {
	const struct board_config *cfg;
	struct vm vm;
	struct vcpu vcpu[T8103_MAX_CPUS];
	pthread_t tid[T8103_MAX_CPUS];
	enum vcpu_stop why[T8103_MAX_CPUS];
	unsigned int nr_cpus, nr_threads;
	uint64_t mpidr[T8103_MAX_CPUS];
	struct s5l_uart uart;
	pthread_mutex_t uart_lock;
	struct console console;
	int module_fd;
	int done_fd;		/* eventfd: a vCPU thread has ended */
	bool vm_opened, console_opened;
};

static void uart_irq(void *opaque, bool level)
{
	struct t8103 *t = opaque;
	int ret = vmk_aic_irq(t->module_fd, S5L_UART_AIC_IRQ, level);

	if (ret)
		fprintf(stderr, "vmapple: t8103: the UART's AIC line: %s\n", strerror(-ret));
}

static int uart_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		       bool is_write)
{
	struct t8103 *t = opaque;
	int ret;

	pthread_mutex_lock(&t->uart_lock);
	ret = s5l_uart_access(&t->uart, offset, data, len, is_write);
	pthread_mutex_unlock(&t->uart_lock);
	return ret;
}

/* The console thread's way into the UART (under uart_lock). */
static bool uart_receive(void *uart, uint8_t byte)
{
	return s5l_uart_receive(uart, byte);
}

/* The module is the AIC: without it (or its AIC hooks) the board cannot exist. */
static int attach_aic(struct t8103 *t, char *err, size_t err_len)
{
	const char *path = t->cfg->module_path ? t->cfg->module_path : "/dev/vmapple_kvm";
	struct vmapple_kvm_info info;
	char why[160];
	int ret;

	if (!strcmp(path, "none")) {
		snprintf(err, err_len, "vmapple: --board t8103 needs vmapple_kvm (its AIC is in the "
			 "module; there is no userspace AIC), and --module is none");
		return -1;
	}
	t->module_fd = vmk_open(path, why, sizeof(why));
	if (t->module_fd < 0) {
		snprintf(err, err_len, "vmapple: --board t8103 needs vmapple_kvm (its AIC is in the "
			 "module; there is no userspace AIC): %s", why);
		return -1;
	}
	ret = vmk_get_info(t->module_fd, &info);
	if (!ret && (~info.hooks_live & (VMAPPLE_KVM_HOOK_SYS_REG | VMAPPLE_KVM_HOOK_TIMER_LEVEL))) {
		snprintf(err, err_len, "vmapple: --board t8103: vmapple_kvm's AIC hooks "
			 "(kvm_handle_sys_reg, kvm_timer_should_notify_user) are not live; "
			 "see dmesg");
		return -1;
	}
	if (!ret)
		ret = vmk_attach_vm(t->module_fd, t->vm.fd);
	if (ret) {
		snprintf(err, err_len, "vmapple: --board t8103: vmapple_kvm did not attach the VM: %s",
			 vmk_attach_strerror(ret));
		return -1;
	}
	ret = vmk_set_aic(t->module_fd, T8103_AIC_BASE, T8103_AIC_NR_IRQS, t->nr_cpus, t->mpidr, 0);
	if (ret) {
		snprintf(err, err_len, "vmapple: --board t8103: VMAPPLE_KVM_SET_AIC: %s",
			 strerror(-ret));
		return -1;
	}
	return 0;
}

static int build_dt(void *opaque, uint64_t initrd_start, uint64_t initrd_size, void *buf,
		    size_t size, char *err, size_t err_len)
{
	struct t8103 *t = opaque;
	struct t8103_dt_params p = {
		.nr_cpus = t->nr_cpus, .mpidr = t->mpidr,
		.release_addr = T8103_PEN_BASE + T8103_RELEASE_OFFSET,
		.ram_base = T8103_RAM_BASE, .ram_size = t->cfg->mem,
		.initrd_start = initrd_start, .initrd_size = initrd_size,
		.bootargs = t->cfg->append,
	};

	return t8103_dt_build(&p, buf, size, err, err_len);
}

/* Every vCPU's first registers: the boot CPU at the kernel, the rest in the pen. */
static int place_cpus(struct t8103 *t, uint64_t entry, uint64_t dtb)
{
	uint8_t *pen = vm_ram(&t->vm, T8103_PEN_BASE, T8103_PEN_SIZE);
	unsigned int i;
	int ret = 0;

	memset(pen, 0, T8103_PEN_SIZE);
	memcpy(pen, t8103_pen, sizeof(t8103_pen));
	for (i = 0; i < t->nr_cpus && !ret; i++) {
		if (!i) {
			ret = vcpu_set(&t->vcpu[0], vcpu_reg_pc, entry);
			if (!ret)
				ret = vcpu_set(&t->vcpu[0], vcpu_reg_x(0), dtb);
			continue;
		}
		ret = vcpu_set(&t->vcpu[i], vcpu_reg_pc, T8103_PEN_BASE);
		if (!ret)
			ret = vcpu_set(&t->vcpu[i], vcpu_reg_x(1),
				       T8103_PEN_BASE + T8103_RELEASE_OFFSET + 8ull * i);
	}
	return ret;
}

static int check_config(const struct board_config *cfg, char *err, size_t err_len)
{
	if (!cfg->kernel) {
		snprintf(err, err_len, "vmapple: --board t8103 boots a Linux --kernel; give one");
		return -1;
	}
	if (!cfg->cpus || cfg->cpus > T8103_MAX_CPUS) {
		snprintf(err, err_len, "vmapple: --cpus %u: the t8103 board has 1 to %u", cfg->cpus,
			 T8103_MAX_CPUS);
		return -1;
	}
	if (cfg->mem > T8103_MAX_RAM) {
		snprintf(err, err_len, "vmapple: --mem %llu MiB: the t8103 board has at most %llu MiB",
			 (unsigned long long)(cfg->mem >> 20),
			 (unsigned long long)(T8103_MAX_RAM >> 20));
		return -1;
	}
	return 0;
}

static int machine_build(struct t8103 *t, char *err, size_t err_len)
{
	const struct mmio_device uart = {
		"s5l-uart", S5L_UART_BASE, S5L_UART_SIZE, uart_access, t,
	};
	uint64_t entry, dtb;
	unsigned int i;

	t->vm_opened = true;
	if (vm_open(&t->vm, t->cfg->kvm_path, T8103_IPA_BITS)) {
		snprintf(err, err_len, "vmapple: t8103: cannot create the VM (see above)");
		return -1;
	}
	t->vm.spin_table = true;
	if (vm_add_ram(&t->vm, T8103_RAM_BASE, t->cfg->mem) ||
	    vm_add_ram(&t->vm, T8103_PEN_BASE, T8103_PEN_SIZE)) {
		snprintf(err, err_len, "vmapple: t8103: cannot map guest RAM (see above)");
		return -1;
	}
	for (i = 0; i < t->nr_cpus; i++) {
		t->mpidr[i] = t8103_mpidr(i, t->nr_cpus);
		if (vcpu_create(&t->vm, &t->vcpu[i], i) ||
		    vcpu_set(&t->vcpu[i], T8103_MPIDR_EL1, t->mpidr[i])) {
			snprintf(err, err_len, "vmapple: t8103: vCPU %u (MPIDR %#llx) (see above)", i,
				 (unsigned long long)t->mpidr[i]);
			return -1;
		}
	}
	if (attach_aic(t, err, err_len))
		return -1;
	s5l_uart_init(&t->uart);
	t->uart.tx = console_tx;
	t->uart.tx_opaque = &t->console;
	t->uart.set_irq = uart_irq;
	t->uart.opaque = t;
	if (mmio_bus_add(&t->vm.bus, &uart)) {
		snprintf(err, err_len, "vmapple: t8103: cannot place the UART");
		return -1;
	}
	if (linux_boot_load_dt(&t->vm, t->cfg->kernel, t->cfg->initrd, T8103_RAM_BASE, t->cfg->mem,
			       build_dt, t, &entry, &dtb, err, err_len))
		return -1;
	if (place_cpus(t, entry, dtb)) {
		snprintf(err, err_len, "vmapple: t8103: cannot set the vCPUs' first registers");
		return -1;
	}
	return 0;
}

struct vcpu_thread {
	struct t8103 *t;
	unsigned int i;
};

static void *vcpu_main(void *arg)
{
	struct vcpu_thread *vt = arg;
	struct t8103 *t = vt->t;
	uint64_t one = 1;

	t->why[vt->i] = vcpu_run_loop(&t->vcpu[vt->i]);
	__atomic_store_n(&t->vm.stop_requested, 1, __ATOMIC_SEQ_CST);
	if (write(t->done_fd, &one, sizeof(one)) < 0)
		perror("vmapple: t8103: eventfd");
	return NULL;
}

static void kick_signal(int sig)
{
	(void)sig;	/* only to make KVM_RUN return EINTR */
}

static void stop_all(struct t8103 *t)
{
	unsigned int i;

	__atomic_store_n(&t->vm.stop_requested, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < t->nr_threads; i++) {
		__atomic_store_n(&t->vcpu[i].run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		pthread_kill(t->tid[i], VCPU_KICK_SIGNAL);
	}
}

/* Until a vCPU ends the run (power-off, reset, error) or a stop is asked for. */
static int wait_for_end(struct t8103 *t, volatile int *stop_requests)
{
	struct pollfd pfd = { .fd = t->done_fd, .events = POLLIN };
	int forced = 0;
	unsigned int i;

	for (;;) {
		/* Signals interrupt the poll; the timeout only backs that up. */
		if (poll(&pfd, 1, 1000) > 0)
			break;
		if (__atomic_load_n(stop_requests, __ATOMIC_SEQ_CST)) {
			fprintf(stderr, "vmapple: t8103 has no power button: stopping the vCPUs\n");
			forced = 1;
			break;
		}
	}
	stop_all(t);
	for (i = 0; i < t->nr_threads; i++)
		pthread_join(t->tid[i], NULL);
	if (forced)
		return BOARD_EXIT_FORCED_OFF;
	for (i = 0; i < t->nr_threads; i++)
		if (t->why[i] == VCPU_STOP_ERROR)
			return BOARD_EXIT_ERROR;
	for (i = 0; i < t->nr_threads; i++)
		if (t->why[i] == VCPU_STOP_RESET)
			return BOARD_EXIT_RESET;
	return BOARD_EXIT_POWEROFF;
}

static void print_stats(struct t8103 *t)
{
	struct vmapple_kvm_vm_stats st;

	vm_print_stats(&t->vm, stderr);
	if (vmk_get_own_vm_stats(t->module_fd, getpid(), &st))
		return;
	fprintf(stderr, "aic: mmio %llu, sysreg %llu, fast IPIs %llu, timer FIQs %llu\n",
		(unsigned long long)st.counters[VMAPPLE_KVM_STAT_AIC_MMIO],
		(unsigned long long)st.counters[VMAPPLE_KVM_STAT_AIC_SYSREG],
		(unsigned long long)st.counters[VMAPPLE_KVM_STAT_AIC_FAST_IPI],
		(unsigned long long)st.counters[VMAPPLE_KVM_STAT_AIC_TIMER_FIQ]);
}

int t8103_run(const struct board_config *cfg, volatile int *stop_requests)
{
	static struct t8103 board;
	struct t8103 *t = &board;
	struct sigaction kick = { .sa_handler = kick_signal };
	struct vcpu_thread vt[T8103_MAX_CPUS];
	char err[1024];
	int status = BOARD_EXIT_ERROR;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	t->cfg = cfg;
	t->nr_cpus = cfg->cpus;
	t->module_fd = -1;
	t->done_fd = -1;
	pthread_mutex_init(&t->uart_lock, NULL);
	if (check_config(cfg, err, sizeof(err)) ||
	    console_open(&t->console, cfg->console ? cfg->console : "stdio", err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	t->console_opened = true;	/* closed on every way out: the terminal comes back */
	if (machine_build(t, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	t->done_fd = eventfd(0, EFD_CLOEXEC);
	if (t->done_fd < 0) {
		perror("vmapple: t8103: eventfd");
		goto out;
	}
	if (console_start(&t->console, &(struct console_input){ uart_receive, &t->uart,
								&t->uart_lock })) {
		fprintf(stderr, "vmapple: t8103: cannot start the console's input\n");
		goto out;
	}
	sigemptyset(&kick.sa_mask);
	sigaction(VCPU_KICK_SIGNAL, &kick, NULL);
	fprintf(stderr, "vmapple: t8103 board, %u vCPUs, AIC in vmapple_kvm\n", t->nr_cpus);
	for (i = 0; i < t->nr_cpus; i++) {
		vt[i] = (struct vcpu_thread){ t, i };
		if (pthread_create(&t->tid[i], NULL, vcpu_main, &vt[i])) {
			fprintf(stderr, "vmapple: t8103: cannot start vCPU %u's thread\n", i);
			break;
		}
		t->nr_threads++;
	}
	if (t->nr_threads == t->nr_cpus) {
		status = wait_for_end(t, stop_requests);
	} else {
		/* Nothing is torn down under a running vCPU. */
		stop_all(t);
		for (i = 0; i < t->nr_threads; i++)
			pthread_join(t->tid[i], NULL);
	}
	console_close(&t->console);
	t->console_opened = false;
	print_stats(t);
out:
	if (t->console_opened)
		console_close(&t->console);
	for (i = 0; i < t->nr_cpus; i++)
		vcpu_close(&t->vcpu[i]);
	if (t->module_fd >= 0)
		close(t->module_fd);
	if (t->done_fd >= 0)
		close(t->done_fd);
	if (t->vm_opened)
		vm_close(&t->vm);
	return status;
}
