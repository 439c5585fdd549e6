// SPDX-License-Identifier: GPL-2.0
/*
 * The GICv2m MSI frame of an attached VM, in the kernel.
 *
 * macOS 13+ signals every virtio MSI/MSI-X by writing an INTID to the
 * frame's MSI_SETSPI_NS.  Served by the VMM, each is a userspace exit; as
 * a device on KVM's MMIO bus, the write (ISV=1 through KVM's own MMIO
 * path, ISV=0 through mmio.c) raises the SPI in the vGIC in place.  The
 * device lives from VMAPPLE_KVM_SET_GICV2M until the VM is detached.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/kvm_host.h>
#include <linux/uaccess.h>
#include <asm/kvm_mmu.h>
#include <kvm/arm_vgic.h>
#include <kvm/iodev.h>

#include "trace.h"
#include "vmapple_kvm.h"

#define GICV2M_FRAME_SIZE	VMK_GICV2M_FRAME_SIZE
#define GICV2M_MSI_TYPER	0x008
#define GICV2M_MSI_SETSPI_NS	0x040
#define GICV2M_MSI_IIDR		0xfcc
#define GICV2M_TYPER_BASE	GENMASK(25, 16)
#define GICV2M_TYPER_NUMBER	GENMASK(9, 0)
/* Reserved in Arm's GICv2m; macOS uses the frame only with it set (the launcher's too). */
#define GICV2M_TYPER_MACOS	BIT(31)
#define GICV2M_SETSPI_INTID	GENMASK(9, 0)

/* None is exported: resolved at load, before /dev/vmapple_kvm exists. */
static typeof(kvm_io_bus_register_dev) *vmk_io_bus_register_dev;
static typeof(kvm_io_bus_unregister_dev) *vmk_io_bus_unregister_dev;
static typeof(kvm_vgic_inject_irq) *vmk_vgic_inject_irq;
static bool vmk_gicv2m_ok;

void vmk_gicv2m_resolve(void)
{
	vmk_io_bus_register_dev = vmk_ksym("kvm_io_bus_register_dev");
	vmk_io_bus_unregister_dev = vmk_ksym("kvm_io_bus_unregister_dev");
	vmk_vgic_inject_irq = vmk_ksym("kvm_vgic_inject_irq");
	vmk_gicv2m_ok = vmk_io_bus_register_dev && vmk_io_bus_unregister_dev &&
			vmk_vgic_inject_irq;
	if (!vmk_gicv2m_ok)
		pr_info("KVM's MMIO bus or vGIC injection not found: SET_GICV2M is refused\n");
}

static struct vmk_gicv2m *to_frame(struct kvm_io_device *dev)
{
	return container_of(dev, struct vmk_gicv2m, dev);
}

static int vmk_gicv2m_read(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			   gpa_t addr, int len, void *val)
{
	struct vmk_gicv2m *m = to_frame(dev);
	u32 v = 0;

	if (addr - m->base == GICV2M_MSI_TYPER)
		v = GICV2M_TYPER_MACOS | FIELD_PREP(GICV2M_TYPER_BASE, m->first_intid) |
		    FIELD_PREP(GICV2M_TYPER_NUMBER, m->nr_spis);
	memset(val, 0, len);
	memcpy(val, &v, min(len, 4));
	return 0;
}

static int vmk_gicv2m_write(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			    gpa_t addr, int len, const void *val)
{
	struct vmk_gicv2m *m = to_frame(dev);
	struct vmk_vcpu *vs = vcpu ? vmk_vcpu_state(m->vm, vcpu) : NULL;
	u32 v = 0, intid;

	if (addr - m->base != GICV2M_MSI_SETSPI_NS)
		return 0;	/* read-only and reserved registers ignore writes */
	memcpy(&v, val, min(len, 4));
	intid = FIELD_GET(GICV2M_SETSPI_INTID, v);
	if (intid < m->first_intid || intid >= m->first_intid + m->nr_spis) {
		if (vs)
			vmk_count(vs, VMAPPLE_KVM_STAT_MSI_DROPPED);
		return 0;	/* outside the frame: ignored, as hardware does */
	}
	/* An edge: the guest configures MSI SPIs edge-triggered. */
	vmk_vgic_inject_irq(m->vm->kvm, NULL, intid, true, NULL);
	vmk_vgic_inject_irq(m->vm->kvm, NULL, intid, false, NULL);
	if (vs)
		vmk_count(vs, VMAPPLE_KVM_STAT_MSI_KERNEL);
	trace_vmapple_kvm_msi(vcpu ? vcpu->vcpu_id : -1, intid);
	return 0;
}

static const struct kvm_io_device_ops vmk_gicv2m_ops = {
	.read = vmk_gicv2m_read,
	.write = vmk_gicv2m_write,
};

int vmk_session_set_gicv2m(struct vmk_session *s,
			   const struct vmapple_kvm_gicv2m __user *uarg)
{
	struct vmapple_kvm_gicv2m req;
	struct vmk_gicv2m *m;
	struct vmk_vm *vm;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	ret = vmk_abi_check_gicv2m(&req);
	if (ret)
		return ret;
	if (!vmk_gicv2m_ok)
		return -EOPNOTSUPP;

	mutex_lock(&s->lock);
	vm = s->vm;
	if (!vm) {
		ret = -ENOTCONN;
		goto out;
	}
	if (!vmk_abi_gicv2m_fits(req.base, kvm_phys_size(&vm->kvm->arch.mmu))) {
		ret = -EINVAL;
		goto out;
	}
	m = &vm->gicv2m;
	if (m->registered) {
		ret = -EEXIST;
		goto out;
	}
	m->vm = vm;
	m->base = req.base;
	m->first_intid = req.first_intid;
	m->nr_spis = req.nr_spis;
	kvm_iodevice_init(&m->dev, &vmk_gicv2m_ops);
	mutex_lock(&vm->kvm->slots_lock);
	ret = vmk_io_bus_register_dev(vm->kvm, KVM_MMIO_BUS, m->base, GICV2M_FRAME_SIZE,
				      &m->dev);
	mutex_unlock(&vm->kvm->slots_lock);
	m->registered = !ret;
out:
	mutex_unlock(&s->lock);
	return ret;
}

/* Detach: off the bus before the VM can go (the bus would call into us). */
void vmk_gicv2m_remove(struct vmk_vm *vm)
{
	struct vmk_gicv2m *m = &vm->gicv2m;

	if (!m->registered)
		return;
	mutex_lock(&vm->kvm->slots_lock);
	/* Waits for every vCPU inside the device (synchronize_srcu). */
	vmk_io_bus_unregister_dev(vm->kvm, KVM_MMIO_BUS, &m->dev);
	mutex_unlock(&vm->kvm->slots_lock);
	m->registered = false;
}
