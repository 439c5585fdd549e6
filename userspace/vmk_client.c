// SPDX-License-Identifier: GPL-2.0
/* vmk_client.c - open, query and attach through /dev/vmapple_kvm. */
#include "vmk_client.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int vmk_open(const char *path, char *err, size_t err_len)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;

		snprintf(err, err_len, "cannot open %s: %s%s", path, strerror(e),
			 e == ENOENT ? " (modprobe vmapple_kvm)" :
			 e == EACCES ? " (join group kvm)" : "");
	}
	return fd;
}

int vmk_get_info(int dev_fd, struct vmapple_kvm_info *info)
{
	memset(info, 0, sizeof(*info));
	return ioctl(dev_fd, VMAPPLE_KVM_GET_INFO, info) ? -errno : 0;
}

int vmk_attach_vm(int dev_fd, int vm_fd)
{
	struct vmapple_kvm_attach req = {
		.api_version = VMAPPLE_KVM_API_VERSION,
		.vm_fd = vm_fd,
	};

	return ioctl(dev_fd, VMAPPLE_KVM_ATTACH_VM, &req) ? -errno : 0;
}

int vmk_set_apple_hvc(int dev_fd, const struct apple_hvc_config *cfg)
{
	return vmk_set_apple_hvc_flags(dev_fd, cfg, 0);
}

int vmk_set_apple_hvc_flags(int dev_fd, const struct apple_hvc_config *cfg, uint32_t flags)
{
	struct vmapple_kvm_apple_hvc req = {
		.api_version = VMAPPLE_KVM_API_VERSION, .flags = flags,
		.mabs_offset = cfg->mabs_offset,
	};

	memcpy(req.boot_session_uuid, cfg->boot_session_uuid, sizeof(req.boot_session_uuid));
	return ioctl(dev_fd, VMAPPLE_KVM_SET_APPLE_HVC, &req) ? -errno : 0;
}

int vmk_set_gicv2m(int dev_fd, uint64_t base, uint32_t first_intid, uint32_t nr_spis)
{
	struct vmapple_kvm_gicv2m req = {
		.api_version = VMAPPLE_KVM_API_VERSION,
		.base = base, .first_intid = first_intid, .nr_spis = nr_spis,
	};

	return ioctl(dev_fd, VMAPPLE_KVM_SET_GICV2M, &req) ? -errno : 0;
}

int vmk_set_aic(int dev_fd, uint64_t base, uint32_t nr_irqs, uint32_t nr_cpus,
		const uint64_t *mpidr, uint32_t flags)
{
	struct vmapple_kvm_aic req = {
		.api_version = VMAPPLE_KVM_API_VERSION,
		.flags = flags, .base = base, .nr_irqs = nr_irqs, .nr_cpus = nr_cpus,
	};

	if (nr_cpus > sizeof(req.mpidr) / sizeof(req.mpidr[0]))
		return -EINVAL;
	memcpy(req.mpidr, mpidr, nr_cpus * sizeof(req.mpidr[0]));
	return ioctl(dev_fd, VMAPPLE_KVM_SET_AIC, &req) ? -errno : 0;
}

int vmk_aic_irq(int dev_fd, uint32_t irq, bool level)
{
	struct vmapple_kvm_aic_irq req = {
		.api_version = VMAPPLE_KVM_API_VERSION, .irq = irq, .level = level,
	};

	return ioctl(dev_fd, VMAPPLE_KVM_AIC_IRQ, &req) ? -errno : 0;
}

int vmk_get_vm_stats(int dev_fd, struct vmapple_kvm_vm_stats *out, unsigned int *nr)
{
	struct vmapple_kvm_stats_request req = {
		.api_version = VMAPPLE_KVM_API_VERSION,
		.nr_vms = *nr,
		.vms = (uintptr_t)out,
	};

	if (ioctl(dev_fd, VMAPPLE_KVM_GET_VM_STATS, &req))
		return -errno;
	*nr = req.nr_vms;
	return 0;
}

int vmk_get_own_vm_stats(int dev_fd, int pid, struct vmapple_kvm_vm_stats *out)
{
	struct vmapple_kvm_vm_stats all[VMK_STATS_MAX_VMS];
	unsigned int nr = VMK_STATS_MAX_VMS, i;
	int ret = vmk_get_vm_stats(dev_fd, all, &nr);

	if (ret)
		return ret;
	for (i = 0; i < nr && i < VMK_STATS_MAX_VMS; i++) {
		if (all[i].pid == pid) {
			*out = all[i];
			return 0;
		}
	}
	return -ESRCH;
}

const char *vmk_mechanism_name(unsigned int mechanism)
{
	switch (mechanism) {
	case VMAPPLE_KVM_MECH_FTRACE:
		return "ftrace";
	case VMAPPLE_KVM_MECH_KPROBE:
		return "kprobe";
	default:
		return "none";
	}
}

const char *vmk_attach_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return "attached";
	case EPROTONOSUPPORT:
		return "the module speaks another ABI version";
	case EINVAL:
		return "not a KVM VM fd, or reserved fields set";
	case EBADF:
		return "the VM fd is not open";
	case EPERM:
		return "the VM belongs to another process";
	case EBUSY:
		return "this session already has a VM attached";
	case EEXIST:
		return "the VM is already attached to another session";
	case ENOTTY:
		return "the device does not know this ioctl (module too old?)";
	default:
		return strerror(err < 0 ? -err : err);
	}
}
