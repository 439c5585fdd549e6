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

/*
 * Bits of vmapple_kvm_info.hooks_live: which KVM functions the module has
 * taken over (for attached VMs; every other VM runs KVM's own code).
 * ISV=0 emulation needs both IO_MEM_ABORT and MMIO_RETURN.
 */
#define VMAPPLE_KVM_HOOK_IO_MEM_ABORT	(1ULL << 0)	/* io_mem_abort() */
#define VMAPPLE_KVM_HOOK_SMCCC_CALL	(1ULL << 1)	/* kvm_smccc_call_handler() */
#define VMAPPLE_KVM_HOOK_MMIO_RETURN	(1ULL << 2)	/* kvm_handle_mmio_return() */
/* Only with the Apple-native PAC backend (module parameter apple_pac): */
#define VMAPPLE_KVM_HOOK_VCPU_LOAD	(1ULL << 3)	/* kvm_arch_vcpu_load() */
#define VMAPPLE_KVM_HOOK_VCPU_PUT	(1ULL << 4)	/* kvm_arch_vcpu_put() */
/* The t8103 board's AIC (VMAPPLE_KVM_SET_AIC needs both): */
#define VMAPPLE_KVM_HOOK_SYS_REG	(1ULL << 5)	/* kvm_handle_sys_reg() */
#define VMAPPLE_KVM_HOOK_TIMER_LEVEL	(1ULL << 6)	/* kvm_timer_should_notify_user() */

/*
 * vmapple_kvm_info.pac_backend: where attached VMs keep Apple's own PAC
 * state (APCTL, KERNKEY); the A, B and G keys are always the vCPU's
 * architected key registers.
 */
#define VMAPPLE_KVM_PAC_MODELLED	0	/* state only, no register holds it */
#define VMAPPLE_KVM_PAC_APPLE_NATIVE	1	/* Apple's registers, switched at load/put */
#define VMAPPLE_KVM_PAC_SELFTEST	2	/* the same, registers simulated (for tests) */

/* vmapple_kvm_info.hook_mechanism: how the hooks are installed. */
#define VMAPPLE_KVM_MECH_NONE		0	/* no hook is live */
#define VMAPPLE_KVM_MECH_FTRACE		1	/* ftrace, IP-modifying ops */
#define VMAPPLE_KVM_MECH_KPROBE		2	/* kprobe redirecting the PC */

/* VMAPPLE_KVM_GET_INFO: module-wide state, as `vmapple check` shows it. */
struct vmapple_kvm_info {
	__u32 api_version;	/* VMAPPLE_KVM_API_VERSION of the module */
	__u32 attached_vms;	/* VMs attached now, across all sessions */
	__u64 hooks_live;	/* VMAPPLE_KVM_HOOK_* bits */
	__u64 vm_records;	/* per-VM records allocated and not yet freed */
	__u32 hook_mechanism;	/* VMAPPLE_KVM_MECH_* */
	__s32 hook_error;	/* 0, or -errno: why hooks are not live */
	__u32 pac_backend;	/* VMAPPLE_KVM_PAC_* */
	__s32 pac_error;	/* -errno: why asked-for native is off; else 0 */
	__u64 aic_records;	/* in-kernel AICs allocated and not yet freed */
	__u64 reserved[2];	/* zero */
};

/*
 * Per-VM counters, indices into vmapple_kvm_vm_stats.counters.  An ISV=0
 * access is a data abort on a load/store without a syndrome.
 */
enum vmapple_kvm_stat {
	VMAPPLE_KVM_STAT_ISV0_KERNEL,	/* ISV=0 accesses completed in the kernel */
	VMAPPLE_KVM_STAT_ISV0_USER,	/* ... completed through KVM_EXIT_MMIO */
	VMAPPLE_KVM_STAT_ISV0_USER_EXITS,	/* the KVM_EXIT_MMIO exits those took */
	VMAPPLE_KVM_STAT_ISV0_FALLBACK,	/* left to KVM (then the launcher's Layer 0) */
	VMAPPLE_KVM_STAT_ISV0_ABORTED,	/* userspace aborted one mid-way */
	VMAPPLE_KVM_STAT_HVC_KERNEL,	/* Apple hypercalls answered in the kernel */
	VMAPPLE_KVM_STAT_HVC_LEFT,	/* ... left to KVM: WFK, KICK, unknown IDs */
	VMAPPLE_KVM_STAT_MSI_KERNEL,	/* GICv2m MSIs raised in the kernel */
	VMAPPLE_KVM_STAT_MSI_DROPPED,	/* ... SETSPI writes outside the frame's SPIs */
	VMAPPLE_KVM_STAT_PAC_LOADS,	/* vCPU loads that put its Apple PAC state in place */
	VMAPPLE_KVM_STAT_PAC_PUTS,	/* vCPU puts that saved it */
	VMAPPLE_KVM_STAT_AIC_MMIO,	/* AIC register accesses served in the kernel */
	VMAPPLE_KVM_STAT_AIC_SYSREG,	/* Apple IMPDEF system register accesses emulated */
	VMAPPLE_KVM_STAT_AIC_FAST_IPI,	/* fast IPIs this vCPU sent */
	VMAPPLE_KVM_STAT_AIC_TIMER_FIQ,	/* times its timers raised its FIQ */
	VMAPPLE_KVM_NR_STATS,
};

#define VMAPPLE_KVM_MAX_STATS		30

/* One attached VM, as VMAPPLE_KVM_GET_VM_STATS reports it. */
struct vmapple_kvm_vm_stats {
	__s32 pid;		/* the process that attached it */
	__u32 vm_id;		/* unique while the module is loaded */
	__u32 nr_vcpus;		/* vCPUs that have taken a hooked exit */
	__u32 reserved;
	__u64 counters[VMAPPLE_KVM_MAX_STATS];	/* VMAPPLE_KVM_STAT_*, rest 0 */
};

/* VMAPPLE_KVM_GET_VM_STATS: the counters of every attached VM. */
struct vmapple_kvm_stats_request {
	__u32 api_version;	/* in: must be VMAPPLE_KVM_API_VERSION */
	__u32 nr_vms;		/* in: entries at @vms; out: VMs attached */
	__u64 vms;		/* in: user pointer to vmapple_kvm_vm_stats[] */
	__u64 reserved[6];	/* in: must be 0 */
};

/*
 * VMAPPLE_KVM_SET_APPLE_HVC: what the attached VM's Apple hypercalls answer.
 * Until it is set, the module leaves them all to KVM (and the launcher).
 */
struct vmapple_kvm_apple_hvc {
	__u32 api_version;	/* in: must be VMAPPLE_KVM_API_VERSION */
	__u32 flags;		/* in: VMAPPLE_KVM_APPLE_HVC_F_*, others 0 */
	__u64 mabs_offset;	/* GET_MABS_OFFSET's answer */
	__u32 boot_session_uuid[4];	/* GET_BOOTSESSIONUUID's answer, x1..x4 */
	__u64 reserved[4];	/* in: must be 0 */
};

/*
 * After answering vCPU 0's PAC_SET_INITIAL_STATE (the boot CPU's, once a
 * boot), return to the VMM with KVM_EXIT_HYPERCALL, hypercall.nr the call
 * and VMAPPLE_KVM_HYPERCALL_ANSWERED in hypercall.flags: the registers
 * hold the answer already, and the VMM fixes up the guest's device tree
 * (its timebase) before it re-enters.
 */
#define VMAPPLE_KVM_APPLE_HVC_F_NOTIFY_BOOT_STATE	(1u << 0)
#define VMAPPLE_KVM_APPLE_HVC_FLAGS	VMAPPLE_KVM_APPLE_HVC_F_NOTIFY_BOOT_STATE
#define VMAPPLE_KVM_HYPERCALL_ANSWERED	(1ull << 63)

/*
 * VMAPPLE_KVM_SET_GICV2M: serve the attached VM's GICv2m MSI frame in the
 * kernel (MSI_TYPER, MSI_SETSPI_NS, MSI_IIDR): a SETSPI write raises the
 * SPI in the vGIC with no exit.  Set once; the VMM's own frame at the same
 * address is then never reached.
 */
struct vmapple_kvm_gicv2m {
	__u32 api_version;	/* in: must be VMAPPLE_KVM_API_VERSION */
	__u32 flags;		/* in: must be 0 */
	__u64 base;		/* in: guest physical, 64 KiB aligned */
	__u32 first_intid;	/* in: the frame's first SPI, as an INTID (>= 32) */
	__u32 nr_spis;		/* in: 1..; first_intid + nr_spis <= 1020 */
	__u64 reserved[5];	/* in: must be 0 */
};

/*
 * VMAPPLE_KVM_SET_AIC: the attached VM's Apple Interrupt Controller
 * (AICv1 with fast IPIs, as on a t8103) in the kernel.  The VM must have
 * no in-kernel irqchip.  The register window is served on KVM's MMIO bus;
 * the fast-IPI and PMU system registers are emulated where KVM would
 * inject UNDEF; the AIC drives each vCPU's IRQ line, and its FIQ line from
 * fast IPIs and the guest timers, with no exit to the VMM.  vCPU n (by
 * creation order) is AIC CPU n.  Set once.
 */
struct vmapple_kvm_aic {
	__u32 api_version;	/* in: must be VMAPPLE_KVM_API_VERSION */
	__u32 flags;		/* in: must be 0 */
	__u64 base;		/* in: guest physical, 32 KiB aligned */
	__u32 nr_irqs;		/* in: 1..1024, what AIC_INFO reports */
	__u32 nr_cpus;		/* in: 1..16 */
	__u64 mpidr[16];	/* in: each CPU's MPIDR_EL1 (Aff2..Aff0), all different */
	__u64 reserved[4];	/* in: must be 0 */
};

/* VMAPPLE_KVM_AIC_IRQ: the VMM's device line @irq of the in-kernel AIC. */
struct vmapple_kvm_aic_irq {
	__u32 api_version;	/* in: must be VMAPPLE_KVM_API_VERSION */
	__u32 irq;		/* in: below the AIC's nr_irqs */
	__u32 level;		/* in: 0 or 1 */
	__u32 reserved;		/* in: must be 0 */
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
/* Fills min(nr_vms in, attached) entries; EPROTONOSUPPORT/EINVAL as above. */
#define VMAPPLE_KVM_GET_VM_STATS	_IOWR(VMAPPLE_KVM_IOC_MAGIC, 0x43, \
					      struct vmapple_kvm_stats_request)
#define VMAPPLE_KVM_SET_APPLE_HVC	_IOW(VMAPPLE_KVM_IOC_MAGIC, 0x44, \
					     struct vmapple_kvm_apple_hvc)
#define VMAPPLE_KVM_SET_GICV2M		_IOW(VMAPPLE_KVM_IOC_MAGIC, 0x45, \
					     struct vmapple_kvm_gicv2m)
/*
 * EOPNOTSUPP: the two AIC hooks are not live; EBUSY: the VM has an
 * in-kernel irqchip; EEXIST: set already; ENOTCONN: no VM attached.
 */
#define VMAPPLE_KVM_SET_AIC		_IOW(VMAPPLE_KVM_IOC_MAGIC, 0x46, \
					     struct vmapple_kvm_aic)
/* ENODEV: no AIC set; EINVAL: irq out of range, level not 0/1, reserved not 0. */
#define VMAPPLE_KVM_AIC_IRQ		_IOW(VMAPPLE_KVM_IOC_MAGIC, 0x47, \
					     struct vmapple_kvm_aic_irq)

#endif /* _UAPI_LINUX_VMAPPLE_KVM_H */
