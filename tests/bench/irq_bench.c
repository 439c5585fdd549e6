// SPDX-License-Identifier: GPL-2.0
/*
 * irq_bench - `make bench`'s interrupt rows: a fresh VM per named case runs
 * payload/irq_bench.S, which times N interrupts of one kind taken at the
 * vector the way Linux's driver for the board's interrupt controller
 * takes them.  Prints one line per case, as exit_bench does:
 *
 *   bench NAME TICKS OPS COUNTER_HZ
 *
 * TICKS are guest virtual-counter ticks for OPS operations: an IPI round
 * trip between two vCPUs, a timer interrupt, a device interrupt (raised
 * by this program, timed here and converted to the guest's counter), or
 * one trapped system-register read (what one of the AIC's IMPDEF traps
 * costs with the module's hook, beside one KVM emulates on its own).
 * Each case names the interrupt controller it measures and the module
 * state it needs, refuses others, and after the run checks the counters
 * show every interrupt took the path it names.
 *
 * The userspace AIC (ipi_user_aic_mmio) and the user-irqchip timer exist
 * only here: they are what `--board t8103` would cost without the module.
 *
 * usage: irq_bench [--ops N] CASE...
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../../common/apple_aic.h"
#include "../../userspace/runtime/vcpu.h"
#include "../../userspace/runtime/vm.h"
#include "../../userspace/vmk_client.h"

__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".global irq_payload, irq_payload_end\n"
	"irq_payload:\n"
	".incbin \"" IRQ_PAYLOAD "\"\n"
	"irq_payload_end:\n"
	".popsection\n");
extern const unsigned char irq_payload[], irq_payload_end[];

#define RAM_BASE	0x800000000ull
#define RAM_SIZE	(2ull << 20)
#define GICD		0x10000000ull
#define GICR		0x10010000ull
#define AIC_BASE	0x23b100000ull
#define DEV_INTID	64		/* payload's DEV_INTID: SPI 32 */
#define DEV_AIC_IRQ	64		/* payload's DEV_AIC_IRQ */
#define WARMUP		16		/* payload's WARMUP */
#define NR_CPUS_MAX	2
#define DEFAULT_OPS	2000
#define MAX_OPS		1000000
#define WAIT_NS		(10ll * 1000000000)	/* for one interrupt, before giving up */
#define RUN_NS		(600ll * 1000000000)	/* for a whole case */
#define VCPU_MPIDR_EL1	ARM64_SYS_REG(3, 0, 0, 0, 5)

/* The control block (payload's C_*), at RAM + 0x10000. */
struct ctrl {
	u64 ticks, ops, hz, undef_esr;
	u64 stop, done, lowered, masked;
	u64 ready[8];
	u64 pong;
};
#define CTRL_OFF	0x10000

enum kind {	/* the payload's x0 */
	K_IPI_SGI, K_IPI_FAST, K_IPI_MMIO, K_TIMER_GIC, K_TIMER_FIQ, K_TIMER_USER,
	K_DEV_GIC, K_DEV_AIC, K_TRAP_IDREG, K_TRAP_IMPDEF,
};

/* The device kinds are timed by this program, the rest by the guest. */
static bool host_timed(enum kind k)
{
	return k == K_DEV_GIC || k == K_DEV_AIC;
}

static bool takes_interrupts(enum kind k)
{
	return k != K_TRAP_IDREG && k != K_TRAP_IMPDEF;
}
enum chip {
	CHIP_VGIC,		/* KVM's GICv3: the module absent */
	CHIP_AIC_KERNEL,	/* vmapple_kvm's AIC: the VM attached */
	CHIP_AIC_USER,		/* a userspace AIC, this program's only */
	CHIP_NONE,		/* no irqchip: KVM's user-irqchip timer exit */
};

struct irq_case {
	const char *name;
	enum kind kind;
	enum chip chip;
	unsigned int nr_cpus;
};

/* The names are build/bench/irq.csv's: keep them stable. */
static const struct irq_case cases[] = {
	{ "ipi_vgic_sgi", K_IPI_SGI, CHIP_VGIC, 2 },
	{ "ipi_aic_fast", K_IPI_FAST, CHIP_AIC_KERNEL, 2 },
	{ "ipi_aic_mmio", K_IPI_MMIO, CHIP_AIC_KERNEL, 2 },
	{ "ipi_user_aic_mmio", K_IPI_MMIO, CHIP_AIC_USER, 2 },
	{ "timer_vgic", K_TIMER_GIC, CHIP_VGIC, 1 },
	{ "timer_aic", K_TIMER_FIQ, CHIP_AIC_KERNEL, 1 },
	{ "timer_user_irqchip", K_TIMER_USER, CHIP_NONE, 1 },
	{ "devirq_vgic_irqfd", K_DEV_GIC, CHIP_VGIC, 1 },
	{ "devirq_aic_ioctl", K_DEV_AIC, CHIP_AIC_KERNEL, 1 },
	{ "trap_stock_idreg", K_TRAP_IDREG, CHIP_VGIC, 1 },
	{ "trap_aic_impdef", K_TRAP_IMPDEF, CHIP_AIC_KERNEL, 1 },
};

static const u64 mpidr[NR_CPUS_MAX] = { 0x0, 0x1 };	/* one cluster: IPI_RR_LOCAL */

struct bench_vm {
	const struct irq_case *c;
	struct vm vm;
	struct vcpu vcpu[NR_CPUS_MAX];
	volatile struct ctrl *ctrl;
	int module_fd;
	bool vm_opened;			/* vm_close() due */
	int finished;			/* vCPU 0's run loop returned */
	struct apple_aic user_aic;	/* CHIP_AIC_USER */
	pthread_mutex_t user_aic_lock;
	u64 user_line_changes;		/* lines this program drove (CHIP_AIC_USER, CHIP_NONE) */
	enum vcpu_stop stop[NR_CPUS_MAX];
};

static __thread unsigned int current_cpu;	/* the vCPU this thread runs: the AIC's WHOAMI */

/* The vCPU's IRQ (@fiq false) or FIQ line, from userspace (no irqchip in KVM). */
static int cpu_line(struct bench_vm *b, unsigned int cpu, bool fiq, bool level)
{
	struct kvm_irq_level l = {
		.irq = KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT |
		       cpu << KVM_ARM_IRQ_VCPU_SHIFT |
		       (fiq ? KVM_ARM_IRQ_CPU_FIQ : KVM_ARM_IRQ_CPU_IRQ),
		.level = level,
	};

	__atomic_add_fetch(&b->user_line_changes, 1, __ATOMIC_RELAXED);
	return ioctl(b->vm.fd, KVM_IRQ_LINE, &l) ? -errno : 0;
}

/* The userspace AIC: the shared model, its IRQ lines driven by KVM_IRQ_LINE. */
static int user_aic_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
			   bool is_write)
{
	struct bench_vm *b = opaque;
	u32 changed = 0, val = 0;
	int ret = 0;

	pthread_mutex_lock(&b->user_aic_lock);
	if (is_write) {
		memcpy(&val, data, len < 4 ? len : 4);
		apple_aic_write(&b->user_aic, current_cpu, (u32)offset, len, val, &changed);
	} else {
		val = apple_aic_read(&b->user_aic, current_cpu, (u32)offset, len, &changed);
		memset(data, 0, len);
		memcpy(data, &val, len < 4 ? len : 4);
	}
	for (unsigned int cpu = 0; cpu < b->c->nr_cpus && !ret; cpu++)
		if (changed & (1u << cpu))
			ret = cpu_line(b, cpu, false, apple_aic_irq_line(&b->user_aic, cpu));
	pthread_mutex_unlock(&b->user_aic_lock);
	return ret;
}

/* The module, as @c needs it: absent, or loaded (its fd in b->module_fd). */
static int check_module(struct bench_vm *b)
{
	char err[160];

	b->module_fd = -1;
	if (b->c->chip != CHIP_AIC_KERNEL) {
		if (access("/dev/vmapple_kvm", F_OK) == 0) {
			fprintf(stderr, "irq_bench: %s measures stock KVM: rmmod vmapple_kvm first\n",
				b->c->name);
			return -1;
		}
		return 0;
	}
	b->module_fd = vmk_open("/dev/vmapple_kvm", err, sizeof(err));
	if (b->module_fd < 0) {
		fprintf(stderr, "irq_bench: %s needs vmapple_kvm: %s\n", b->c->name, err);
		return -1;
	}
	return 0;
}

static int setup(struct bench_vm *b, u64 ops)
{
	const struct irq_case *c = b->c;
	struct mmio_device aic_dev = {
		.name = "user-aic", .base = AIC_BASE, .size = AIC_WINDOW_SIZE,
		.access = user_aic_access, .opaque = b,
	};
	/* What each vCPU sends to the other (payload's x3). */
	const u64 send[][NR_CPUS_MAX] = {
		[K_IPI_SGI] = { 1u << 1, 1u << 0 },	/* ICC_SGI1R_EL1 target lists */
		[K_IPI_FAST] = { mpidr[1], mpidr[0] },	/* IPI_RR_LOCAL_EL1 */
		[K_IPI_MMIO] = { 1u << 1, 1u << 0 },	/* IPI_SEND */
	};
	const uint64_t uapi_mpidr[NR_CPUS_MAX] = { mpidr[0], mpidr[1] };
	unsigned int i;

	b->vm_opened = true;
	if (vm_open(&b->vm, "/dev/kvm", 36) < 0)
		return -1;
	b->vm.spin_table = true;	/* both vCPUs start at the payload */
	if (vm_add_ram(&b->vm, RAM_BASE, RAM_SIZE) < 0)
		return -1;
	memcpy(vm_ram(&b->vm, RAM_BASE, RAM_SIZE), irq_payload, irq_payload_end - irq_payload);
	b->ctrl = (volatile struct ctrl *)vm_ram(&b->vm, RAM_BASE + CTRL_OFF, sizeof(struct ctrl));
	if (c->chip == CHIP_VGIC && vm_create_gicv3(&b->vm, GICD, GICR, c->nr_cpus, 128) < 0)
		return -1;
	for (i = 0; i < c->nr_cpus; i++) {
		struct vcpu *v = &b->vcpu[i];

		if (vcpu_create(&b->vm, v, i) < 0)
			return -1;
		if (c->chip != CHIP_VGIC && vcpu_set(v, VCPU_MPIDR_EL1, mpidr[i]) < 0)
			return -1;
		if (vcpu_set(v, vcpu_reg_pc, RAM_BASE) < 0 ||
		    vcpu_set(v, vcpu_reg_x(0), c->kind) < 0 ||
		    vcpu_set(v, vcpu_reg_x(1), i) < 0 ||
		    vcpu_set(v, vcpu_reg_x(2), ops) < 0 ||
		    vcpu_set(v, vcpu_reg_x(3), c->kind <= K_IPI_MMIO ? send[c->kind][i] : 0) < 0)
			return -1;
	}
	switch (c->chip) {
	case CHIP_VGIC:
		return vm_finalize_gic(&b->vm);
	case CHIP_AIC_KERNEL:
		if (vmk_attach_vm(b->module_fd, b->vm.fd) < 0 ||
		    vmk_set_aic(b->module_fd, AIC_BASE, AIC_T8103_NR_IRQS, c->nr_cpus, uapi_mpidr,
				0) < 0) {
			fprintf(stderr, "irq_bench: %s: attaching the VM with an AIC failed\n",
				c->name);
			return -1;
		}
		return 0;
	case CHIP_AIC_USER:
		pthread_mutex_init(&b->user_aic_lock, NULL);
		if (apple_aic_init(&b->user_aic, AIC_T8103_NR_IRQS, c->nr_cpus, mpidr) < 0)
			return -1;
		return mmio_bus_add(&b->vm.bus, &aic_dev);
	case CHIP_NONE:
		return 0;
	}
	return -1;
}

/*
 * KVM's user-irqchip path: the timer's output changed, KVM_RUN returns
 * EINTR with it in device_irq_level, and we drive the FIQ line to match.
 */
static enum vcpu_stop run_user_irqchip(struct bench_vm *b, struct vcpu *v)
{
	bool fiq = false;

	for (;;) {
		struct kvm_run *run = v->run;

		if (__atomic_load_n(&b->vm.stop_requested, __ATOMIC_SEQ_CST))
			return VCPU_STOP_REQUESTED;
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			bool level = run->s.regs.device_irq_level & KVM_ARM_DEV_EL1_VTIMER;

			if (errno != EINTR)
				break;
			if (level != fiq && cpu_line(b, v->index, true, level) < 0)
				break;
			fiq = level;
			continue;
		}
		if (run->exit_reason == KVM_EXIT_SYSTEM_EVENT &&
		    run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN)
			return VCPU_STOP_SHUTDOWN;
		fprintf(stderr, "irq_bench: vCPU %u: unexpected exit %u\n", v->index,
			run->exit_reason);
		return VCPU_STOP_ERROR;
	}
	fprintf(stderr, "irq_bench: vCPU %u: %s\n", v->index, strerror(errno));
	return VCPU_STOP_ERROR;
}

struct runner {
	struct bench_vm *b;
	unsigned int cpu;
};

static void *run_vcpu(void *arg)
{
	struct runner *r = arg;
	struct bench_vm *b = r->b;

	current_cpu = r->cpu;
	b->stop[r->cpu] = b->c->chip == CHIP_NONE ? run_user_irqchip(b, &b->vcpu[r->cpu]) :
			  vcpu_run_loop(&b->vcpu[r->cpu]);
	/*
	 * vCPU 0 ends a good run (the other answers IPIs until told); either
	 * ending it early (an UNDEF powers the VM off) is the end too.
	 */
	if (!r->cpu || b->stop[r->cpu] != VCPU_STOP_REQUESTED)
		__atomic_store_n(&b->finished, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

/* Until @field of the control block reaches @want; false after WAIT_NS or a stopped guest. */
static bool wait_ctrl(struct bench_vm *b, volatile u64 *field, u64 want)
{
	u64 start = now_ns();

	while (__atomic_load_n(field, __ATOMIC_ACQUIRE) < want)
		if (__atomic_load_n(&b->vm.stop_requested, __ATOMIC_SEQ_CST) ||
		    now_ns() - start > WAIT_NS)
			return false;
	return true;
}

/*
 * The device kinds: this thread is the device.  Each of @ops interrupts
 * (after WARMUP untimed ones) raised and waited for; the AIC's line,
 * level-triggered, lowered after and the guest told so.  Nanoseconds.
 */
static int drive_device(struct bench_vm *b, u64 ops, u64 *ns)
{
	int irqfd = -1, ret = -1;
	u64 i, start = 0;

	if (b->c->kind == K_DEV_GIC) {
		struct kvm_irqfd req = { .gsi = DEV_INTID - 32 };

		irqfd = eventfd(0, EFD_CLOEXEC);
		req.fd = (u32)irqfd;
		if (irqfd < 0 || ioctl(b->vm.fd, KVM_IRQFD, &req) < 0) {
			fprintf(stderr, "irq_bench: %s: irqfd: %s\n", b->c->name, strerror(errno));
			goto out;
		}
	}
	if (!wait_ctrl(b, &b->ctrl->ready[0], 1))
		goto stalled;
	for (i = 1; i <= WARMUP + ops; i++) {
		if (i == WARMUP + 1)
			start = now_ns();
		if (irqfd >= 0 ? eventfd_write(irqfd, 1) < 0 :
		    vmk_aic_irq(b->module_fd, DEV_AIC_IRQ, true) < 0) {
			fprintf(stderr, "irq_bench: %s: raising the interrupt: %s\n", b->c->name,
				strerror(errno));
			goto out;
		}
		if (!wait_ctrl(b, &b->ctrl->done, i))
			goto stalled;
		if (irqfd < 0) {
			if (vmk_aic_irq(b->module_fd, DEV_AIC_IRQ, false) < 0)
				goto out;
			__atomic_store_n(&b->ctrl->lowered, i, __ATOMIC_RELEASE);
		}
	}
	*ns = now_ns() - start;
	ret = 0;
	goto out;
stalled:
	fprintf(stderr, "irq_bench: %s: the guest took no interrupt %llu within %llds\n",
		b->c->name, (unsigned long long)b->ctrl->done + 1, WAIT_NS / 1000000000);
out:
	__atomic_store_n(&b->ctrl->stop, 1, __ATOMIC_RELEASE);
	if (irqfd >= 0)
		close(irqfd);
	return ret;
}

/* Did every interrupt take the path @c names? */
static int check_path(const struct bench_vm *b, const struct vmapple_kvm_vm_stats *k, u64 n)
{
	const struct irq_case *c = b->c;
	const u64 *kc = k->counters;
	u64 exits = b->vm.stats.mmio_exits;
	const char *why = NULL;

	if (b->ctrl->undef_esr)
		why = "the guest took an UNDEF (this CPU does not trap IMPDEF registers to EL2: "
		      "QEMU 8 or later, scripts/rig/qemu-tidcp.sh)";
	else if (!takes_interrupts(c->kind) && (b->ctrl->pong || b->ctrl->done))
		why = "the guest took an interrupt in a case that raises none";
	else if (takes_interrupts(c->kind) && !host_timed(c->kind) && b->ctrl->pong < n)
		why = "the guest took fewer interrupts than it timed";
	else if (host_timed(c->kind) && b->ctrl->done < n)
		why = "the guest took fewer device interrupts than were raised";
	else if (c->chip != CHIP_AIC_USER && exits)
		why = "interrupt controller accesses left the kernel";
	else if (c->chip == CHIP_AIC_USER && exits < 2 * n)
		why = "fewer MMIO exits than IPIs to the userspace AIC";
	else if (c->chip == CHIP_NONE && b->user_line_changes < 2 * n)
		why = "fewer FIQ line changes from userspace than timer interrupts";
	else if (c->kind == K_IPI_FAST && kc[VMAPPLE_KVM_STAT_AIC_FAST_IPI] < 2 * n)
		why = "the module sent fewer fast IPIs than were timed";
	else if (c->kind == K_IPI_MMIO && c->chip == CHIP_AIC_KERNEL &&
		 kc[VMAPPLE_KVM_STAT_AIC_MMIO] < 2 * n)
		why = "the module served fewer AIC accesses than IPIs";
	else if (c->kind == K_TIMER_FIQ && kc[VMAPPLE_KVM_STAT_AIC_TIMER_FIQ] < n)
		why = "the module raised fewer timer FIQs than were taken";
	else if (c->kind == K_TRAP_IMPDEF && kc[VMAPPLE_KVM_STAT_AIC_SYSREG] < n)
		why = "the module emulated fewer IMPDEF accesses than were timed";
	if (why)
		fprintf(stderr, "irq_bench: %s: %s (taken %llu/%llu, done %llu, MMIO exits %llu, "
			"lines driven %llu, UNDEF ESR 0x%llx)\n", c->name, why,
			(unsigned long long)b->ctrl->pong, (unsigned long long)n,
			(unsigned long long)b->ctrl->done, (unsigned long long)exits,
			(unsigned long long)b->user_line_changes,
			(unsigned long long)b->ctrl->undef_esr);
	return why ? -1 : 0;
}

static void kick(int sig)
{
	(void)sig;
}

struct bench_result {
	u64 ticks, ops, hz;
};

/*
 * The userspace AIC's lines, every one re-asserted from the model.  KVM's
 * KVM_IRQ_LINE sets HCR_EL2.VI with an atomic bit operation, but a vCPU
 * being loaded rewrites the same word without one (its WFx traps), so a
 * raise can be lost, and two vCPUs spinning in the guest never exit to
 * look again.  The module re-asserts VI at every entry; from userspace,
 * only a poll can.  Seen in the rig: one run in five stalled without it.
 */
static void user_aic_refresh(struct bench_vm *b)
{
	pthread_mutex_lock(&b->user_aic_lock);
	for (unsigned int cpu = 0; cpu < b->c->nr_cpus; cpu++)
		if (apple_aic_irq_line(&b->user_aic, cpu))
			cpu_line(b, cpu, false, true);
	pthread_mutex_unlock(&b->user_aic_lock);
}

/* Until vCPU 0's run ends; -1 (and a message) when it outlives RUN_NS. */
static int wait_finished(struct bench_vm *b)
{
	u64 start = now_ns();

	while (!__atomic_load_n(&b->finished, __ATOMIC_SEQ_CST)) {
		if (b->c->chip == CHIP_AIC_USER)
			user_aic_refresh(b);
		if (now_ns() - start > RUN_NS) {
			fprintf(stderr, "irq_bench: %s: the guest did not finish within %llds "
				"(%llu interrupts taken)\n", b->c->name, RUN_NS / 1000000000,
				(unsigned long long)b->ctrl->pong);
			return -1;
		}
		usleep(1000);
	}
	return 0;
}

/* Every vCPU thread out of KVM_RUN and joined. */
static void stop_vcpus(struct bench_vm *b, pthread_t *tid, unsigned int started)
{
	unsigned int i;

	__atomic_store_n(&b->vm.stop_requested, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < started; i++) {
		__atomic_store_n(&b->vcpu[i].run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		pthread_kill(tid[i], VCPU_KICK_SIGNAL);
		pthread_join(tid[i], NULL);
	}
}

static int run_case(const struct irq_case *c, u64 ops, struct bench_result *r)
{
	static struct bench_vm b;
	struct vmapple_kvm_vm_stats kstats = { 0 };
	struct runner runner[NR_CPUS_MAX];
	pthread_t tid[NR_CPUS_MAX];
	unsigned int i, started = 0;
	u64 ns = 0;
	int ret = -1;

	memset(&b, 0, sizeof(b));
	b.c = c;
	for (i = 0; i < NR_CPUS_MAX; i++)
		b.vcpu[i].fd = -1;
	if (check_module(&b) < 0)
		goto out;
	if (setup(&b, ops) < 0)
		goto out;
	for (i = 0; i < c->nr_cpus; i++) {
		runner[i] = (struct runner){ &b, i };
		if (pthread_create(&tid[i], NULL, run_vcpu, &runner[i]))
			break;
		started++;
	}
	if (started == c->nr_cpus) {
		ret = host_timed(c->kind) ? drive_device(&b, ops, &ns) : 0;
		if (!ret)
			ret = wait_finished(&b);	/* the guest powers itself off */
	}
	stop_vcpus(&b, tid, started);
	if (ret)
		goto out;
	ret = -1;
	if (b.stop[0] != VCPU_STOP_SHUTDOWN) {
		fprintf(stderr, "irq_bench: %s: the guest did not power off\n", c->name);
		goto out;
	}
	if (c->chip == CHIP_AIC_KERNEL &&
	    vmk_get_own_vm_stats(b.module_fd, getpid(), &kstats) < 0) {
		fprintf(stderr, "irq_bench: %s: no module counters for this VM\n", c->name);
		goto out;
	}
	if (check_path(&b, &kstats, ops + WARMUP) < 0)
		goto out;
	r->ops = ops;
	r->hz = b.ctrl->hz;
	/* The device kinds were timed here: in the guest's ticks, like the rest. */
	r->ticks = host_timed(c->kind) ? (u64)((double)ns * (double)r->hz / 1e9) : b.ctrl->ticks;
	if (!r->hz || (!host_timed(c->kind) && b.ctrl->ops != ops)) {
		fprintf(stderr, "irq_bench: %s: the payload reported no result\n", c->name);
		goto out;
	}
	ret = 0;
out:
	for (i = 0; i < NR_CPUS_MAX; i++)
		vcpu_close(&b.vcpu[i]);
	if (b.vm_opened)
		vm_close(&b.vm);
	if (b.module_fd >= 0)
		close(b.module_fd);
	return ret;
}

static const struct irq_case *find_case(const char *name)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(cases[i].name, name))
			return &cases[i];
	return NULL;
}

static int usage(void)
{
	fprintf(stderr, "usage: irq_bench [--ops N] CASE...\ncases:");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		fprintf(stderr, " %s", cases[i].name);
	fprintf(stderr, "\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = kick };
	u64 ops = DEFAULT_OPS;
	int i = 1, failed = 0;

	if (i + 1 < argc && !strcmp(argv[i], "--ops")) {
		char *end;

		errno = 0;
		ops = strtoull(argv[i + 1], &end, 0);
		if (errno || *end || ops == 0 || ops > MAX_OPS) {
			fprintf(stderr, "irq_bench: --ops %s: want 1..%d\n", argv[i + 1], MAX_OPS);
			return 2;
		}
		i += 2;
	}
	if (i == argc)
		return usage();
	for (int j = i; j < argc; j++)
		if (!find_case(argv[j])) {
			fprintf(stderr, "irq_bench: unknown case '%s'\n", argv[j]);
			return usage();
		}
	sigaction(VCPU_KICK_SIGNAL, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (; i < argc; i++) {
		const struct irq_case *c = find_case(argv[i]);
		struct bench_result r;

		if (run_case(c, ops, &r) < 0) {
			failed = 1;
			continue;
		}
		printf("bench %s %llu %llu %llu\n", c->name, (unsigned long long)r.ticks,
		       (unsigned long long)r.ops, (unsigned long long)r.hz);
	}
	return failed;
}
