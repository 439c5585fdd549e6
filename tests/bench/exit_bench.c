// SPDX-License-Identifier: GPL-2.0
/*
 * exit_bench - one `make bench` measurement per named case: a fresh VM
 * runs payload/exit_bench.S, which times N exits of one kind (a read of
 * one register, or one hypercall) with the guest's virtual counter.  Prints one line per case:
 *
 *   bench NAME TICKS OPS COUNTER_HZ
 *
 * Each case states the conditions it measures (module absent, loaded and
 * not attached, attached) and refuses to run under others; after the run
 * the exit counters (the launcher's and the module's) must show that every
 * timed read took the path the case names, or the case fails.
 *
 * usage: exit_bench [--ops N] CASE...
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../../userspace/runtime/apple_hvc.h"
#include "../../userspace/hw/gicv2m.h"
#include "../../userspace/stat_view.h"
#include "../../userspace/runtime/vcpu.h"
#include "../../userspace/runtime/vm.h"
#include "../../userspace/vmk_client.h"

__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".global bench_payload, bench_payload_end\n"
	"bench_payload:\n"
	".incbin \"" BENCH_PAYLOAD "\"\n"
	"bench_payload_end:\n"
	".popsection\n");
extern const unsigned char bench_payload[], bench_payload_end[];

#define RAM_BASE	0x70000000ull
#define RAM_SIZE	(2ull << 20)
#define RESULTS_OFF	0x10000ull	/* payload's RESULTS - RAM_BASE */
#define GICD		0x10000000ull
#define GICR		0x10010000ull
#define GICD_TYPER	(GICD + 0x4)
#define DEV		0x20000000ull
#define DEV_SIZE	0x1000ull
#define DOORBELL	0x20002000ull	/* an ioeventfd whose eventfd is an irqfd */
#define WARMUP_EXITS	16		/* payload's WARMUP_EXITS */
#define DEFAULT_OPS	4000
#define MAX_OPS		10000000

enum form { FORM_ISV1, FORM_ISV0, FORM_HVC, FORM_MSI };	/* the payload's x0 */
enum target {
	TARGET_VGIC,	/* GICD_TYPER: KVM's vGIC */
	TARGET_USER,	/* a register of a userspace device */
	TARGET_PSCI,	/* PSCI_VERSION: answered by KVM itself */
	TARGET_APPLE,	/* PAC_NOP: the launcher's (Layer 0) or the module's */
	TARGET_GICV2M,	/* MSI_SETSPI_NS: the launcher's frame or the module's */
	TARGET_DOORBELL,	/* KVM's ioeventfd chained to an irqfd: no exit at all */
};
#define MSI_INTID	(GICV2M_FIRST_SPI + 32)
#define PSCI_VERSION_FID	0x84000000ull
enum module_need {
	MODULE_ABSENT,		/* stock KVM, no hooks anywhere */
	MODULE_PASSTHROUGH,	/* hooks live, this VM not attached */
	MODULE_ATTACHED,	/* hooks live, this VM attached: Layer 1 */
};

struct bench_case {
	const char *name;
	enum form form;
	enum target target;
	enum module_need module;
};

/* The names are `build/bench/results.csv`'s: keep them stable. */
static const struct bench_case cases[] = {
	{ "isv1_vgic", FORM_ISV1, TARGET_VGIC, MODULE_ABSENT },
	{ "isv1_user", FORM_ISV1, TARGET_USER, MODULE_ABSENT },
	{ "isv0_vgic_l0", FORM_ISV0, TARGET_VGIC, MODULE_ABSENT },
	{ "isv0_vgic_l1", FORM_ISV0, TARGET_VGIC, MODULE_ATTACHED },
	{ "isv0_user_l0", FORM_ISV0, TARGET_USER, MODULE_ABSENT },
	{ "isv0_user_l1", FORM_ISV0, TARGET_USER, MODULE_ATTACHED },
	{ "isv1_user_passthrough", FORM_ISV1, TARGET_USER, MODULE_PASSTHROUGH },
	{ "hvc_kvm", FORM_HVC, TARGET_PSCI, MODULE_ABSENT },
	{ "hvc_apple_l0", FORM_HVC, TARGET_APPLE, MODULE_ABSENT },
	{ "hvc_apple_l1", FORM_HVC, TARGET_APPLE, MODULE_ATTACHED },
	{ "msi_l0", FORM_MSI, TARGET_GICV2M, MODULE_ABSENT },
	{ "msi_l1", FORM_MSI, TARGET_GICV2M, MODULE_ATTACHED },
	/* For reference: an SPI from a doorbell KVM handles alone (vhost's path). */
	{ "irqfd_spi", FORM_MSI, TARGET_DOORBELL, MODULE_ABSENT },
};

#define LAYER1_HOOKS (VMAPPLE_KVM_HOOK_IO_MEM_ABORT | VMAPPLE_KVM_HOOK_MMIO_RETURN | \
		      VMAPPLE_KVM_HOOK_SMCCC_CALL)

static const u64 target_address[] = {
	[TARGET_VGIC] = GICD_TYPER,
	[TARGET_USER] = DEV,
	[TARGET_PSCI] = PSCI_VERSION_FID,
	[TARGET_APPLE] = APPLE_HVC_PAC_NOP,
	[TARGET_GICV2M] = GICV2M_BASE + GICV2M_MSI_SETSPI_NS,
	[TARGET_DOORBELL] = DOORBELL,
};

/* The userspace device: one register that reads as zero. */
static int null_dev_access(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
			   bool is_write)
{
	(void)opaque;
	(void)offset;
	if (!is_write)
		memset(data, 0, len);
	return 0;
}

/* The module's device, open, when @need asks for it; -1 and a message if unmet. */
static int check_module(const struct bench_case *c, int *dev_fd)
{
	struct vmapple_kvm_info info;
	char err[160];

	*dev_fd = -1;
	if (c->module == MODULE_ABSENT) {
		if (access("/dev/vmapple_kvm", F_OK) == 0) {
			fprintf(stderr, "exit_bench: %s measures stock KVM: rmmod vmapple_kvm first\n",
				c->name);
			return -1;
		}
		return 0;
	}
	*dev_fd = vmk_open("/dev/vmapple_kvm", err, sizeof(err));
	if (*dev_fd < 0) {
		fprintf(stderr, "exit_bench: %s needs vmapple_kvm: %s\n", c->name, err);
		return -1;
	}
	if (vmk_get_info(*dev_fd, &info) < 0 || (info.hooks_live & LAYER1_HOOKS) != LAYER1_HOOKS) {
		fprintf(stderr, "exit_bench: %s needs vmapple_kvm's hooks live\n", c->name);
		return -1;
	}
	return 0;
}

struct bench_result {
	u64 ticks, ops, hz;
};

/* Did every timed read (and the warm-up ones) take the path @c names? */
static int check_path(const struct bench_case *c, const struct vm *vm,
		      const struct vmapple_kvm_vm_stats *k, u64 reads)
{
	const struct vm_stats *s = &vm->stats;
	const char *why = NULL;

	if (c->target == TARGET_DOORBELL) {
		if (s->mmio_exits || s->nisv_exits)
			why = "doorbell writes left the kernel (no ioeventfd?)";
	} else if (c->form == FORM_MSI) {
		if (c->module != MODULE_ATTACHED && s->mmio_exits < reads)
			why = "fewer KVM_EXIT_MMIO than MSIs";
		else if (c->module == MODULE_ATTACHED &&
			 (s->mmio_exits || k->counters[VMAPPLE_KVM_STAT_MSI_KERNEL] < reads))
			why = "MSIs were not all raised in the kernel";
	} else if (c->form == FORM_HVC) {
		if (s->mmio_exits || s->nisv_exits)
			why = "hypercalls took MMIO exits";
		else if (c->target == TARGET_PSCI && s->hvc_forwarded)
			why = "PSCI calls left the kernel";
		else if (c->target == TARGET_APPLE && c->module != MODULE_ATTACHED &&
			 s->hvc_forwarded < reads)
			why = "fewer KVM_EXIT_HYPERCALL than Apple calls";
		else if (c->module == MODULE_ATTACHED &&
			 (s->hvc_forwarded || k->counters[VMAPPLE_KVM_STAT_HVC_KERNEL] < reads))
			why = "Apple calls were not all answered in the kernel";
	} else if (c->form == FORM_ISV1) {
		if (s->nisv_exits)
			why = "ISV=1 reads arrived as ISV=0 exits";
		else if (c->target == TARGET_USER && s->mmio_exits < reads)
			why = "fewer KVM_EXIT_MMIO than reads";
		else if (c->target == TARGET_VGIC && s->mmio_exits)
			why = "vGIC reads left the kernel";
	} else if (c->module != MODULE_ATTACHED) {
		if (s->nisv_exits < reads)
			why = "fewer KVM_EXIT_ARM_NISV than ISV=0 reads";
		else if (c->target == TARGET_VGIC && s->nisv_to_vgic < reads)
			why = "ISV=0 reads did not reach the vGIC";
	} else {
		u64 done = k->counters[c->target == TARGET_VGIC ? VMAPPLE_KVM_STAT_ISV0_KERNEL :
				       VMAPPLE_KVM_STAT_ISV0_USER];

		if (s->nisv_exits || k->counters[VMAPPLE_KVM_STAT_ISV0_FALLBACK])
			why = "ISV=0 reads fell back to Layer 0";
		else if (done < reads)
			why = "the module counted fewer ISV=0 reads than were made";
		else if (c->target == TARGET_VGIC && s->mmio_exits)
			why = "vGIC reads left the kernel";
	}
	if (why) {
		fprintf(stderr, "exit_bench: %s: %s (mmio %llu, nisv %llu, to vGIC %llu, hvc %llu)\n",
			c->name, why, (unsigned long long)s->mmio_exits,
			(unsigned long long)s->nisv_exits, (unsigned long long)s->nisv_to_vgic,
			(unsigned long long)s->hvc_forwarded);
		/* A rare failure seen in the rig: every module counter, to tell why. */
		if (c->module == MODULE_ATTACHED) {
			fprintf(stderr, "exit_bench: %s: module counters (%u vCPUs):", c->name,
				k->nr_vcpus);
			for (unsigned int i = 0; i < VMAPPLE_KVM_NR_STATS; i++)
				fprintf(stderr, " %s %llu", stat_name(i),
					(unsigned long long)k->counters[i]);
			fprintf(stderr, "\n");
		}
	}
	return why ? -1 : 0;
}

/*
 * The doorbell: KVM signals an eventfd on the guest's write (ioeventfd)
 * and the same eventfd is an irqfd on the MSI's SPI, so the write raises
 * the SPI without leaving the kernel.  Returns the eventfd, or -1.
 */
static int add_doorbell(struct vm *vm)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct kvm_irqfd irqfd = { .gsi = MSI_INTID - 32 };

	irqfd.fd = (uint32_t)fd;
	if (fd < 0 || vm_ioeventfd(vm, DOORBELL, fd, true) < 0 ||
	    ioctl(vm->fd, KVM_IRQFD, &irqfd) < 0) {
		fprintf(stderr, "exit_bench: irqfd_spi: ioeventfd/irqfd: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Is the MSI's SPI pending in the vGIC (did the doorbell raise it)? */
static bool spi_pending(struct vm *vm)
{
	uint32_t v = 0;

	if (vm_vgic_access(vm, GICD + 0x200 + 4 * (MSI_INTID / 32), &v, false) < 0)
		return false;
	return v & (1u << (MSI_INTID % 32));
}

static int run_case(const struct bench_case *c, u64 ops, struct bench_result *r)
{
	struct vmapple_kvm_vm_stats kstats = { 0 };
	struct mmio_device dev = {
		.name = "bench-dev", .base = DEV, .size = DEV_SIZE, .access = null_dev_access,
	};
	struct apple_hvc_state hvc = { 0 };
	struct gicv2m frame = { .raise_spi = vm_pulse_spi };
	struct mmio_device frame_dev = {
		.name = "gicv2m", .base = GICV2M_BASE, .size = GICV2M_SIZE,
		.access = gicv2m_access, .opaque = &frame,
	};
	struct vm vm;
	struct vcpu vcpu;
	enum vcpu_stop stop;
	uint8_t *ram;
	int dev_fd, doorbell = -1, ret = -1;

	if (check_module(c, &dev_fd) < 0)
		goto out_dev;
	if (vm_open(&vm, "/dev/kvm", 36) < 0)
		goto out_dev;
	if (c->module == MODULE_ATTACHED && (vmk_attach_vm(dev_fd, vm.fd) < 0 ||
					     vmk_set_apple_hvc(dev_fd, &hvc.cfg) < 0)) {
		fprintf(stderr, "exit_bench: %s: attaching the VM failed\n", c->name);
		goto out_vm;
	}
	/* The board's set-up: Apple's hypercall ranges forwarded to us. */
	if (vm_add_ram(&vm, RAM_BASE, RAM_SIZE) < 0 ||
	    vm_create_gicv3(&vm, GICD, GICR, 1, 288) < 0 || mmio_bus_add(&vm.bus, &dev) < 0 ||
	    mmio_bus_add(&vm.bus, &frame_dev) < 0 || apple_hvc_install(&vm, &hvc) < 0)
		goto out_vm;
	frame.opaque = &vm;
	ram = vm_ram(&vm, RAM_BASE, RAM_SIZE);
	memcpy(ram, bench_payload, bench_payload_end - bench_payload);
	if (vcpu_create(&vm, &vcpu, 0) < 0)
		goto out_vm;
	if (vm_finalize_gic(&vm) < 0 ||
	    (c->target == TARGET_DOORBELL && (doorbell = add_doorbell(&vm)) < 0) ||
	    (c->module == MODULE_ATTACHED &&
	     vmk_set_gicv2m(dev_fd, GICV2M_BASE, MSI_INTID, GICV2M_NR_SPIS) < 0) ||
	    vcpu_set(&vcpu, vcpu_reg_x(3), MSI_INTID) < 0 ||
	    vcpu_set(&vcpu, vcpu_reg_pc, RAM_BASE) < 0 ||
	    vcpu_set(&vcpu, vcpu_reg_x(0), c->form) < 0 ||
	    vcpu_set(&vcpu, vcpu_reg_x(1), ops) < 0 ||
	    vcpu_set(&vcpu, vcpu_reg_x(2), target_address[c->target]) < 0)
		goto out_vcpu;
	stop = vcpu_run_loop(&vcpu);
	if (stop != VCPU_STOP_SHUTDOWN) {
		fprintf(stderr, "exit_bench: %s: the guest did not power off\n", c->name);
		goto out_vcpu;
	}
	if (c->module == MODULE_ATTACHED &&
	    vmk_get_own_vm_stats(dev_fd, getpid(), &kstats) < 0) {
		fprintf(stderr, "exit_bench: %s: no module counters for this VM\n", c->name);
		goto out_vcpu;
	}
	if (check_path(c, &vm, &kstats, ops + WARMUP_EXITS) < 0)
		goto out_vcpu;
	if (c->target == TARGET_DOORBELL && !spi_pending(&vm)) {
		fprintf(stderr, "exit_bench: %s: the doorbell never raised its SPI\n", c->name);
		goto out_vcpu;
	}
	memcpy(r, ram + RESULTS_OFF, sizeof(*r));
	if (r->ops != ops || !r->hz) {
		fprintf(stderr, "exit_bench: %s: the payload reported no result\n", c->name);
		goto out_vcpu;
	}
	ret = 0;
out_vcpu:
	vcpu_close(&vcpu);
	if (doorbell >= 0)
		close(doorbell);
out_vm:
	vm_close(&vm);
out_dev:
	if (dev_fd >= 0)
		close(dev_fd);
	return ret;
}

static const struct bench_case *find_case(const char *name)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(cases[i].name, name))
			return &cases[i];
	return NULL;
}

static int usage(void)
{
	fprintf(stderr, "usage: exit_bench [--ops N] CASE...\ncases:");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		fprintf(stderr, " %s", cases[i].name);
	fprintf(stderr, "\n");
	return 2;
}

int main(int argc, char **argv)
{
	u64 ops = DEFAULT_OPS;
	int i = 1, failed = 0;

	if (i + 1 < argc && !strcmp(argv[i], "--ops")) {
		char *end;

		errno = 0;
		ops = strtoull(argv[i + 1], &end, 0);
		if (errno || *end || ops == 0 || ops > MAX_OPS) {
			fprintf(stderr, "exit_bench: --ops %s: want 1..%d\n", argv[i + 1], MAX_OPS);
			return 2;
		}
		i += 2;
	}
	if (i == argc)
		return usage();
	for (int j = i; j < argc; j++)
		if (!find_case(argv[j])) {
			fprintf(stderr, "exit_bench: unknown case '%s'\n", argv[j]);
			return usage();
		}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (; i < argc; i++) {
		const struct bench_case *c = find_case(argv[i]);
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
