/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmapple_kvm: the ABI of /dev/vmapple_kvm, shared by the module and the
 * vmapple launcher.
 *
 * Each open of the device is a session.  A session attaches at most one
 * KVM VM, which the module keeps alive (it holds a reference on the VM's
 * file) until the session is closed.
 *
 * Every argument struct is fixed-size and starts with the ABI version the
 * caller was built against.  Flags and reserved fields must be zero, so a
 * later ABI version can give them meaning without breaking older callers.
 */
#ifndef _UAPI_LINUX_VMAPPLE_KVM_H
#define _UAPI_LINUX_VMAPPLE_KVM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VMAPPLE_KVM_API_VERSION		1
#define VMAPPLE_KVM_DEVICE_NAME		"vmapple_kvm"

/* 0xAF 0x00-0x1F is fsl_hypervisor; vmapple_kvm takes 0xAF 0x40-0x5F. */
#define VMAPPLE_KVM_IOC_MAGIC		0xAF

/* Bits of vmapple_kvm_info.hooks_live: which KVM exit hooks are active. */
#define VMAPPLE_KVM_HOOK_IO_MEM_ABORT	(1ULL << 0)
#define VMAPPLE_KVM_HOOK_SMCCC_CALL	(1ULL << 1)

/* VMAPPLE_KVM_GET_INFO: module-wide state, as `vmapple check` shows it. */
struct vmapple_kvm_info {
	__u32 api_version;	/* VMAPPLE_KVM_API_VERSION of the module */
	__u32 attached_vms;	/* VMs attached now, across all sessions */
	__u64 hooks_live;	/* VMAPPLE_KVM_HOOK_* bits */
	__u64 vm_records;	/* per-VM records allocated and not yet freed */
	__u64 reserved[5];	/* zero */
};

/* VMAPPLE_KVM_ATTACH_VM: bind a KVM VM to this session. */
struct vmapple_kvm_attach {
	__u32 api_version;	/* in: must be VMAPPLE_KVM_API_VERSION */
	__s32 vm_fd;		/* in: a VM fd the calling process created */
	__u64 flags;		/* in: none defined, must be 0 */
	__u64 reserved[6];	/* in: must be 0 */
};

/*
 * Errors of VMAPPLE_KVM_ATTACH_VM:
 *   EPROTONOSUPPORT  api_version is not the module's
 *   EINVAL           flags or reserved not zero, or vm_fd is not a KVM VM
 *   EBADF            vm_fd is not an open file descriptor
 *   EPERM            the VM was created by another process
 *   EBUSY            this session already has a VM attached
 *   EEXIST           the VM is already attached to another session
 */
#define VMAPPLE_KVM_GET_API_VERSION	_IO(VMAPPLE_KVM_IOC_MAGIC, 0x40)
#define VMAPPLE_KVM_GET_INFO		_IOR(VMAPPLE_KVM_IOC_MAGIC, 0x41, \
					     struct vmapple_kvm_info)
#define VMAPPLE_KVM_ATTACH_VM		_IOW(VMAPPLE_KVM_IOC_MAGIC, 0x42, \
					     struct vmapple_kvm_attach)

#endif /* _UAPI_LINUX_VMAPPLE_KVM_H */
