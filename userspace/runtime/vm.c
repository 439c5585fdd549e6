// SPDX-License-Identifier: GPL-2.0
/* vm.c - create a KVM VM, its RAM and its vGICv3; reach vGIC registers. */
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arm64_kvm.h"
#include "guest_ram.h"

#define GICD_SIZE	0x10000ull
#define GICR_FRAME	0x20000ull	/* RD_base + SGI_base, per vCPU */

static int fail(const char *what, int err)
{
	fprintf(stderr, "vmapple: %s: %s\n", what, strerror(err));
	return -err;
}

int vm_open(struct vm *vm, const char *kvm_path, unsigned int ipa_bits)
{
	struct kvm_enable_cap nisv = { .cap = KVM_CAP_ARM_NISV_TO_USER };

	int i;

	memset(vm, 0, sizeof(*vm));
	vm->vgic_fd = vm->fd = -1;
	for (i = 0; i < 256; i++)
		vm->spi_irqfd[i] = -1;
	pthread_mutex_init(&vm->irqfd_lock, NULL);
	pthread_mutex_init(&vm->pause_lock, NULL);
	pthread_cond_init(&vm->pause_cond, NULL);
	vm->kvm_fd = open(kvm_path, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return fail(kvm_path, errno);
	vm->fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(ipa_bits));
	if (vm->fd < 0) {
		int e = errno;

		close(vm->kvm_fd);
		vm->kvm_fd = -1;
		return fail("KVM_CREATE_VM", e);
	}
	/* Layer 0: ISV=0 aborts come to us instead of failing KVM_RUN. */
	if (ioctl(vm->fd, KVM_ENABLE_CAP, &nisv)) {
		int e = errno;

		vm_close(vm);
		return fail("KVM_ENABLE_CAP(KVM_CAP_ARM_NISV_TO_USER)", e);
	}
	return 0;
}

int vm_add_ram(struct vm *vm, uint64_t gpa, uint64_t size)
{
	struct kvm_userspace_memory_region slot;
	struct ram_region *r;
	void *hva;

	if (vm->nr_ram == VM_MAX_RAM)
		return fail("guest RAM", ENOSPC);
	hva = guest_ram_map(gpa, size);
	if (!hva)
		return fail("mmap guest RAM", errno);
	slot = (struct kvm_userspace_memory_region){
		.slot = (uint32_t)vm->nr_ram, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &slot)) {
		int e = errno;

		guest_ram_unmap(hva, size);
		return fail("KVM_SET_USER_MEMORY_REGION", e);
	}
	r = &vm->ram[vm->nr_ram++];
	r->gpa = gpa;
	r->size = size;
	r->hva = hva;
	return 0;
}

uint8_t *vm_ram(struct vm *vm, uint64_t gpa, uint64_t len)
{
	int i;

	for (i = 0; i < vm->nr_ram; i++) {
		struct ram_region *r = &vm->ram[i];

		if (gpa >= r->gpa && gpa - r->gpa <= r->size && len <= r->size - (gpa - r->gpa))
			return r->hva + (gpa - r->gpa);
	}
	return NULL;
}

static int vgic_attr(struct vm *vm, uint32_t group, uint64_t attr, void *addr, bool set)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)addr };

	return ioctl(vm->vgic_fd, set ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a) ? -errno : 0;
}

int vm_create_gicv3(struct vm *vm, uint64_t gicd, uint64_t gicr, unsigned int nr_cpus,
		    unsigned int nr_irqs)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	int ret;

	if (ioctl(vm->fd, KVM_CREATE_DEVICE, &dev))
		return fail("KVM_CREATE_DEVICE(vGICv3)", errno);
	vm->vgic_fd = dev.fd;
	vm->gicd_base = gicd;
	vm->gicr_base = gicr;
	vm->gicr_size = GICR_FRAME * nr_cpus;
	ret = vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &gicd, true);
	if (!ret)
		ret = vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &gicr, true);
	if (!ret)
		ret = vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs, true);
	return ret ? fail("vGICv3 setup", -ret) : 0;
}

/* After the vCPUs exist. */
int vm_finalize_gic(struct vm *vm)
{
	int ret = vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL, true);

	return ret ? fail("vGICv3 init", -ret) : 0;
}

bool vm_is_vgic(const struct vm *vm, uint64_t gpa)
{
	if (vm->vgic_fd < 0)
		return false;
	return (gpa >= vm->gicd_base && gpa - vm->gicd_base < GICD_SIZE) ||
	       (gpa >= vm->gicr_base && gpa - vm->gicr_base < vm->gicr_size);
}

/*
 * KVM's userspace view of the vGIC: 32-bit registers, distributor by
 * offset, redistributor by offset within a frame named by its vCPU's MPIDR.
 */
int vm_vgic_access(struct vm *vm, uint64_t gpa, uint32_t *val, bool is_write)
{
	uint64_t attr;
	uint32_t group;

	if (gpa >= vm->gicd_base && gpa - vm->gicd_base < GICD_SIZE) {
		group = KVM_DEV_ARM_VGIC_GRP_DIST_REGS;
		attr = gpa - vm->gicd_base;
	} else if (gpa >= vm->gicr_base && gpa - vm->gicr_base < vm->gicr_size) {
		uint64_t frame = (gpa - vm->gicr_base) / GICR_FRAME;

		group = KVM_DEV_ARM_VGIC_GRP_REDIST_REGS;
		attr = (gpa - vm->gicr_base) % GICR_FRAME;
		/* vCPU n is MPIDR Aff0 = n % 16, Aff1 = n / 16, as the VMApple board assigns. */
		attr |= (((frame / 16) << 8) | (frame % 16)) << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
	} else {
		return -ENODEV;
	}
	return vgic_attr(vm, group, attr, val, is_write);
}

int vm_set_spi(struct vm *vm, uint32_t spi, bool level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (spi + 32),
		.level = level,
	};

	return ioctl(vm->fd, KVM_IRQ_LINE, &irq) ? -errno : 0;
}

/* The irqfd of @spi, registered with KVM on first use; -1 when KVM refuses. */
static int spi_irqfd(struct vm *vm, uint32_t spi)
{
	struct kvm_irqfd irqfd = { .gsi = spi };
	int fd;

	if (spi >= 256)
		return -1;
	pthread_mutex_lock(&vm->irqfd_lock);
	fd = vm->spi_irqfd[spi];
	if (fd == -1) {
		fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		irqfd.fd = (uint32_t)fd;
		/* gsi = SPI: KVM's default routing for the vGIC (vgic-irqfd.c). */
		if (fd >= 0 && ioctl(vm->fd, KVM_IRQFD, &irqfd)) {
			close(fd);
			fd = -2;	/* refused: do not ask again */
		}
		vm->spi_irqfd[spi] = fd < 0 ? -2 : fd;
	}
	pthread_mutex_unlock(&vm->irqfd_lock);
	return fd;
}

void vm_pulse_spi(void *opaque, uint32_t spi)
{
	struct vm *vm = opaque;
	int fd = spi_irqfd(vm, spi);

	if (fd >= 0 && !eventfd_write(fd, 1))
		return;
	vm_set_spi(vm, spi, true);
	vm_set_spi(vm, spi, false);
}

int vm_ioeventfd(struct vm *vm, uint64_t gpa, int fd, bool assign)
{
	struct kvm_ioeventfd ev = {
		.addr = gpa, .len = 0, .fd = fd,
		.flags = assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN,
	};

	/* len 0: a write of any size matches (KVM_CAP_IOEVENTFD_ANY_LENGTH). */
	return ioctl(vm->fd, KVM_IOEVENTFD, &ev) ? -errno : 0;
}

void vm_print_stats(const struct vm *vm, FILE *out)
{
	const struct vm_stats *s = &vm->stats;

	fprintf(out, "exits: mmio %llu, nisv %llu (vgic %llu, refused %llu), hvc %llu (unknown %llu)\n",
		(unsigned long long)s->mmio_exits, (unsigned long long)s->nisv_exits,
		(unsigned long long)s->nisv_to_vgic, (unsigned long long)s->nisv_refused,
		(unsigned long long)s->hvc_forwarded, (unsigned long long)s->hvc_unknown);
	if (s->mmio_to_ram)
		fprintf(out, "exits: %llu MMIO exits named RAM (a kernel bug; completed on RAM)\n",
			(unsigned long long)s->mmio_to_ram);
}

void vm_close(struct vm *vm)
{
	int i;

	for (i = 0; i < vm->nr_ram; i++)
		guest_ram_unmap(vm->ram[i].hva, vm->ram[i].size);
	for (i = 0; i < 256; i++) {
		if (vm->spi_irqfd[i] >= 0)
			close(vm->spi_irqfd[i]);
		vm->spi_irqfd[i] = -1;
	}
	if (vm->vgic_fd >= 0)
		close(vm->vgic_fd);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->nr_ram = 0;
	vm->vgic_fd = vm->fd = vm->kvm_fd = -1;
}
