// SPDX-License-Identifier: GPL-2.0
/*
 * vmapple_kvm_attach_test - /dev/vmapple_kvm against real KVM: the ABI
 * version, attaching a VM, every refused attach with its errno, the Apple
 * hypercall answers and the GICv2m frame (set once, refused before attach
 * and on bad input),
 * the VM's lifetime while attached, unload while attached, and leaks over
 * cycles.
 * Runs in the rig with the module loaded; TAP via kselftest_harness.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/vmapple_kvm.h>

#include "kselftest_harness.h"

#define DEV_PATH "/dev/vmapple_kvm"

static int attach(int dev, int vm_fd)
{
	struct vmapple_kvm_attach req = {
		.api_version = VMAPPLE_KVM_API_VERSION,
		.vm_fd = vm_fd,
	};

	return ioctl(dev, VMAPPLE_KVM_ATTACH_VM, &req);
}

static struct vmapple_kvm_info info_of(int dev)
{
	struct vmapple_kvm_info info;

	memset(&info, 0xff, sizeof(info));
	if (ioctl(dev, VMAPPLE_KVM_GET_INFO, &info))
		memset(&info, 0xff, sizeof(info));
	return info;
}

/* KVM names each live VM's debugfs directory "<pid>-<fd>". */
static int live_vms_of(pid_t pid)
{
	char prefix[32];
	struct dirent *e;
	int n = 0;
	DIR *d = opendir("/sys/kernel/debug/kvm");

	if (!d)
		return -1;
	snprintf(prefix, sizeof(prefix), "%d-", pid);
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

static int module_is_loaded(void)
{
	char line[256];
	int found = 0;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		found |= !strncmp(line, "vmapple_kvm ", 12);
	fclose(f);
	return found;
}

FIXTURE(session) {
	int dev;
	int kvm;
	int vm;
};

FIXTURE_SETUP(session)
{
	self->dev = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_GE(self->dev, 0) TH_LOG("open %s: %s", DEV_PATH, strerror(errno));
	self->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ASSERT_GE(self->kvm, 0) TH_LOG("open /dev/kvm: %s", strerror(errno));
	self->vm = ioctl(self->kvm, KVM_CREATE_VM, 0);
	ASSERT_GE(self->vm, 0) TH_LOG("KVM_CREATE_VM: %s", strerror(errno));
}

FIXTURE_TEARDOWN(session)
{
	close(self->vm);
	close(self->kvm);
	close(self->dev);
}

TEST_F(session, api_version_ioctl_returns_abi_version)
{
	EXPECT_EQ(VMAPPLE_KVM_API_VERSION, ioctl(self->dev, VMAPPLE_KVM_GET_API_VERSION, 0));
}

TEST_F(session, api_version_ioctl_refuses_an_argument)
{
	EXPECT_EQ(-1, ioctl(self->dev, VMAPPLE_KVM_GET_API_VERSION, 1));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(session, info_reports_version_and_zero_reserved)
{
	struct vmapple_kvm_info info = info_of(self->dev);
	unsigned int i;

	EXPECT_EQ(VMAPPLE_KVM_API_VERSION, info.api_version);
	for (i = 0; i < sizeof(info.reserved) / sizeof(info.reserved[0]); i++)
		EXPECT_EQ(0, info.reserved[i]);
}

/* Hooks are live through one mechanism with no error, or off with a reason. */
TEST_F(session, info_hooks_are_consistent)
{
	struct vmapple_kvm_info info = info_of(self->dev);

	if (info.hooks_live) {
		EXPECT_EQ(0, info.hook_error);
		EXPECT_TRUE(info.hook_mechanism == VMAPPLE_KVM_MECH_FTRACE ||
			    info.hook_mechanism == VMAPPLE_KVM_MECH_KPROBE);
		/*
		 * The exit-path hooks all live; the PAC backend's pair only when
		 * asked for; the AIC's pair (optional) together or not at all.
		 */
		EXPECT_EQ(VMAPPLE_KVM_HOOK_IO_MEM_ABORT | VMAPPLE_KVM_HOOK_MMIO_RETURN |
			  VMAPPLE_KVM_HOOK_SMCCC_CALL,
			  info.hooks_live & ~(VMAPPLE_KVM_HOOK_VCPU_LOAD | VMAPPLE_KVM_HOOK_VCPU_PUT |
					      VMAPPLE_KVM_HOOK_SYS_REG | VMAPPLE_KVM_HOOK_TIMER_LEVEL));
		EXPECT_EQ(!!(info.hooks_live & VMAPPLE_KVM_HOOK_VCPU_LOAD),
			  !!(info.hooks_live & VMAPPLE_KVM_HOOK_VCPU_PUT));
		EXPECT_EQ(!!(info.hooks_live & VMAPPLE_KVM_HOOK_SYS_REG),
			  !!(info.hooks_live & VMAPPLE_KVM_HOOK_TIMER_LEVEL));
	} else {
		EXPECT_GT(0, info.hook_error);
		EXPECT_EQ(VMAPPLE_KVM_MECH_NONE, info.hook_mechanism);
	}
	TH_LOG("hooks 0x%llx, mechanism %u, error %d", (unsigned long long)info.hooks_live,
	       info.hook_mechanism, info.hook_error);
}

static int stats_of(int dev, struct vmapple_kvm_vm_stats *vms, __u32 *nr)
{
	struct vmapple_kvm_stats_request req = {
		.api_version = VMAPPLE_KVM_API_VERSION,
		.nr_vms = *nr,
		.vms = (uintptr_t)vms,
	};
	int ret = ioctl(dev, VMAPPLE_KVM_GET_VM_STATS, &req);

	*nr = req.nr_vms;
	return ret;
}

TEST_F(session, stats_list_the_attached_vm_with_our_pid)
{
	struct vmapple_kvm_vm_stats vms[4];
	__u32 nr = 4, i;
	int found = 0;

	ASSERT_EQ(0, attach(self->dev, self->vm));
	memset(vms, 0xff, sizeof(vms));
	ASSERT_EQ(0, stats_of(self->dev, vms, &nr));
	ASSERT_LE(1, nr);
	for (i = 0; i < nr && i < 4; i++) {
		if (vms[i].pid != getpid())
			continue;
		found++;
		EXPECT_NE(0, vms[i].vm_id);
		EXPECT_EQ(0, vms[i].nr_vcpus);	/* no vCPU has run */
		EXPECT_EQ(0, vms[i].counters[VMAPPLE_KVM_STAT_ISV0_KERNEL]);
		EXPECT_EQ(0, vms[i].counters[VMAPPLE_KVM_MAX_STATS - 1]);
	}
	EXPECT_EQ(1, found);
}

/* Another user, with a session of its own, sees none of our VMs. */
TEST_F(session, stats_hide_other_users_vms)
{
	struct stat st;
	int status;
	pid_t child;

	ASSERT_EQ(0, attach(self->dev, self->vm));
	ASSERT_EQ(0, stat(DEV_PATH, &st));
	ASSERT_EQ(0, chmod(DEV_PATH, 0666));	/* for the child's own open */
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct vmapple_kvm_vm_stats vms[4];
		__u32 nr = 4;
		int dev;

		if (setresuid(65534, 65534, 65534))
			_exit(10);
		dev = open(DEV_PATH, O_RDWR);
		if (dev < 0 || stats_of(dev, vms, &nr))
			_exit(11);
		_exit(nr == 0 ? 0 : 12);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	chmod(DEV_PATH, st.st_mode & 07777);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("child: 10 setresuid, 11 open/ioctl, 12 saw VMs");
}

/* Handed our session fd, another user sees what its opener (root) sees. */
TEST_F(session, stats_follow_the_sessions_opener_not_the_caller)
{
	int status;
	pid_t child;

	ASSERT_EQ(0, attach(self->dev, self->vm));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct vmapple_kvm_vm_stats vms[4];
		__u32 nr = 4;

		if (setresuid(65534, 65534, 65534))
			_exit(10);
		if (stats_of(self->dev, vms, &nr))
			_exit(11);
		_exit(nr >= 1 ? 0 : 12);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("child: 10 setresuid, 11 ioctl, 12 saw none");
}

/* A VM whose attaching process has exited is shown under PID 0, not a reused number. */
TEST_F(session, stats_pid_of_an_exited_attacher_is_0)
{
	struct vmapple_kvm_vm_stats vms[8];
	__u32 nr = 8, i;
	int status, found = 0;
	pid_t child;

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		int vm = ioctl(self->kvm, KVM_CREATE_VM, 0);

		_exit(vm >= 0 && !attach(self->dev, vm) ? 0 : 1);	/* our shared session */
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, stats_of(self->dev, vms, &nr));
	for (i = 0; i < nr && i < 8; i++) {
		EXPECT_NE(child, vms[i].pid);
		found += vms[i].pid == 0;
	}
	EXPECT_EQ(1, found);
}

/* A launcher in its own pid namespace sees its VM under its own PID (1). */
TEST_F(session, stats_pid_is_in_the_callers_namespace)
{
	int status;
	pid_t child;

	if (unshare(CLONE_NEWPID))
		SKIP(return, "unshare(CLONE_NEWPID): %s", strerror(errno));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct vmapple_kvm_vm_stats vms[8];
		int dev = open(DEV_PATH, O_RDWR), vm;
		__u32 nr = 8, i, mine = 0;

		vm = ioctl(self->kvm, KVM_CREATE_VM, 0);
		if (dev < 0 || vm < 0 || attach(dev, vm))
			_exit(10);
		if (stats_of(dev, vms, &nr))
			_exit(11);
		for (i = 0; i < nr && i < 8; i++)
			mine += vms[i].pid == getpid();
		_exit(getpid() == 1 && mine == 1 ? 0 : 12);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("child: 10 attach, 11 ioctl, 12 wrong pid");
}

TEST_F(session, stats_with_no_room_only_count)
{
	__u32 nr = 0;

	ASSERT_EQ(0, attach(self->dev, self->vm));
	ASSERT_EQ(0, stats_of(self->dev, (void *)1, &nr));	/* never written */
	EXPECT_LE(1, nr);
}

TEST_F(session, stats_bad_pointer_is_efault)
{
	__u32 nr = 4;

	ASSERT_EQ(0, attach(self->dev, self->vm));
	EXPECT_EQ(-1, stats_of(self->dev, (void *)8, &nr));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(session, stats_wrong_api_version_or_reserved_are_refused)
{
	struct vmapple_kvm_stats_request req = { .api_version = VMAPPLE_KVM_API_VERSION + 1 };

	EXPECT_EQ(-1, ioctl(self->dev, VMAPPLE_KVM_GET_VM_STATS, &req));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
	req.api_version = VMAPPLE_KVM_API_VERSION;
	req.reserved[5] = 1;
	EXPECT_EQ(-1, ioctl(self->dev, VMAPPLE_KVM_GET_VM_STATS, &req));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(session, unknown_ioctl_is_enotty)
{
	EXPECT_EQ(-1, ioctl(self->dev, _IO(VMAPPLE_KVM_IOC_MAGIC, 0x5f), 0));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(session, attach_real_vm_counts_it)
{
	unsigned int before = info_of(self->dev).attached_vms;

	ASSERT_EQ(0, attach(self->dev, self->vm)) TH_LOG("attach: %s", strerror(errno));
	EXPECT_EQ(before + 1, info_of(self->dev).attached_vms);
}

TEST_F(session, attach_wrong_api_version_is_eprotonosupport)
{
	struct vmapple_kvm_attach req = {
		.api_version = VMAPPLE_KVM_API_VERSION + 1,
		.vm_fd = self->vm,
	};

	EXPECT_EQ(-1, ioctl(self->dev, VMAPPLE_KVM_ATTACH_VM, &req));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
}

TEST_F(session, attach_nonzero_flags_is_einval)
{
	struct vmapple_kvm_attach req = {
		.api_version = VMAPPLE_KVM_API_VERSION,
		.vm_fd = self->vm,
		.flags = 1,
	};

	EXPECT_EQ(-1, ioctl(self->dev, VMAPPLE_KVM_ATTACH_VM, &req));
	EXPECT_EQ(EINVAL, errno);
	/* flags is 64 bits wide: its upper half was once cut off unchecked (fuzz_ioctl_args). */
	req.flags = 1ull << 40;
	EXPECT_EQ(-1, ioctl(self->dev, VMAPPLE_KVM_ATTACH_VM, &req));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, info_of(self->dev).attached_vms);
}

TEST_F(session, attach_nonzero_reserved_is_einval)
{
	struct vmapple_kvm_attach req = {
		.api_version = VMAPPLE_KVM_API_VERSION,
		.vm_fd = self->vm,
	};

	req.reserved[5] = 1;
	EXPECT_EQ(-1, ioctl(self->dev, VMAPPLE_KVM_ATTACH_VM, &req));
	EXPECT_EQ(EINVAL, errno);
	/* Nothing was attached by the refused call. */
	EXPECT_EQ(0, attach(self->dev, self->vm));
}

TEST_F(session, attach_bad_user_pointer_is_efault)
{
	EXPECT_EQ(-1, ioctl(self->dev, VMAPPLE_KVM_ATTACH_VM, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(session, attach_non_kvm_fds_is_einval)
{
	int devnull = open("/dev/null", O_RDWR);
	int vcpu = ioctl(self->vm, KVM_CREATE_VCPU, 0);

	ASSERT_GE(devnull, 0);
	ASSERT_GE(vcpu, 0);
	EXPECT_EQ(-1, attach(self->dev, devnull));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, attach(self->dev, self->kvm));	/* /dev/kvm is not a VM */
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, attach(self->dev, vcpu));		/* nor is a vCPU */
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, attach(self->dev, self->dev));
	EXPECT_EQ(EINVAL, errno);
	close(vcpu);
	close(devnull);
}

TEST_F(session, attach_closed_fd_is_ebadf)
{
	int vm2 = ioctl(self->kvm, KVM_CREATE_VM, 0);

	ASSERT_GE(vm2, 0);
	close(vm2);
	EXPECT_EQ(-1, attach(self->dev, vm2));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, attach(self->dev, -1));
	EXPECT_EQ(EBADF, errno);
}

TEST_F(session, attach_other_process_vm_is_eperm)
{
	int status;
	pid_t child = fork();

	ASSERT_GE(child, 0);
	if (child == 0) {
		/* The child inherited the parent's VM fd; the VM is not its own. */
		int dev = open(DEV_PATH, O_RDWR);

		if (dev < 0)
			_exit(100);
		if (attach(dev, self->vm) == 0)
			_exit(101);
		_exit(errno == EPERM ? 0 : 102);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("child: 100 open, 101 attached, 102 wrong errno");
}

TEST_F(session, attach_same_vm_twice_in_one_session_is_ebusy)
{
	ASSERT_EQ(0, attach(self->dev, self->vm));
	EXPECT_EQ(-1, attach(self->dev, self->vm));
	EXPECT_EQ(EBUSY, errno);
}

TEST_F(session, attach_second_vm_to_one_session_is_ebusy)
{
	int vm2 = ioctl(self->kvm, KVM_CREATE_VM, 0);

	ASSERT_GE(vm2, 0);
	ASSERT_EQ(0, attach(self->dev, self->vm));
	EXPECT_EQ(-1, attach(self->dev, vm2));
	EXPECT_EQ(EBUSY, errno);
	close(vm2);
}

TEST_F(session, attach_same_vm_in_two_sessions_is_eexist)
{
	int dev2 = open(DEV_PATH, O_RDWR);

	ASSERT_GE(dev2, 0);
	ASSERT_EQ(0, attach(self->dev, self->vm));
	EXPECT_EQ(-1, attach(dev2, self->vm));
	EXPECT_EQ(EEXIST, errno);
	close(dev2);
}

static int set_apple_hvc(int dev, __u32 version, __u32 flags, __u64 reserved0)
{
	struct vmapple_kvm_apple_hvc req = {
		.api_version = version, .flags = flags, .mabs_offset = 42,
		.boot_session_uuid = { 1, 2, 3, 4 }, .reserved = { reserved0 },
	};

	return ioctl(dev, VMAPPLE_KVM_SET_APPLE_HVC, &req) ? errno : 0;
}

TEST_F(session, apple_hvc_before_attach_is_enotconn)
{
	EXPECT_EQ(ENOTCONN, set_apple_hvc(self->dev, VMAPPLE_KVM_API_VERSION, 0, 0));
}

TEST_F(session, apple_hvc_is_set_once)
{
	ASSERT_EQ(0, attach(self->dev, self->vm));
	EXPECT_EQ(0, set_apple_hvc(self->dev, VMAPPLE_KVM_API_VERSION, 0, 0));
	EXPECT_EQ(EEXIST, set_apple_hvc(self->dev, VMAPPLE_KVM_API_VERSION, 0, 0));
}

TEST_F(session, apple_hvc_bad_version_flags_reserved_pointer_are_refused)
{
	ASSERT_EQ(0, attach(self->dev, self->vm));
	EXPECT_EQ(EPROTONOSUPPORT, set_apple_hvc(self->dev, VMAPPLE_KVM_API_VERSION + 1, 0, 0));
	EXPECT_EQ(EINVAL, set_apple_hvc(self->dev, VMAPPLE_KVM_API_VERSION, 2, 0));
	EXPECT_EQ(EINVAL, set_apple_hvc(self->dev, VMAPPLE_KVM_API_VERSION, 0x80000001u, 0));
	EXPECT_EQ(EINVAL, set_apple_hvc(self->dev, VMAPPLE_KVM_API_VERSION, 0, 1));
	EXPECT_EQ(-1, ioctl(self->dev, VMAPPLE_KVM_SET_APPLE_HVC, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	/* None of those set anything: the first good call still does. */
	EXPECT_EQ(0, set_apple_hvc(self->dev, VMAPPLE_KVM_API_VERSION,
				   VMAPPLE_KVM_APPLE_HVC_F_NOTIFY_BOOT_STATE, 0));
}

static int set_gicv2m(int dev, __u32 version, __u32 flags, __u64 base, __u32 first,
		      __u32 nr, __u64 reserved0)
{
	struct vmapple_kvm_gicv2m req = {
		.api_version = version, .flags = flags, .base = base,
		.first_intid = first, .nr_spis = nr, .reserved = { reserved0 },
	};

	return ioctl(dev, VMAPPLE_KVM_SET_GICV2M, &req) ? errno : 0;
}

#define V2M_BASE 0x1fff0000ull
#define GOOD_V2M(dev) set_gicv2m(dev, VMAPPLE_KVM_API_VERSION, 0, V2M_BASE, 160, 128, 0)

TEST_F(session, gicv2m_before_attach_is_enotconn)
{
	EXPECT_EQ(ENOTCONN, GOOD_V2M(self->dev));
}

TEST_F(session, gicv2m_is_set_once)
{
	ASSERT_EQ(0, attach(self->dev, self->vm));
	EXPECT_EQ(0, GOOD_V2M(self->dev));
	EXPECT_EQ(EEXIST, GOOD_V2M(self->dev));
}

TEST_F(session, gicv2m_bad_frames_and_input_are_refused)
{
	const __u32 v = VMAPPLE_KVM_API_VERSION;

	ASSERT_EQ(0, attach(self->dev, self->vm));
	EXPECT_EQ(EPROTONOSUPPORT, set_gicv2m(self->dev, v + 1, 0, V2M_BASE, 160, 128, 0));
	EXPECT_EQ(EINVAL, set_gicv2m(self->dev, v, 1, V2M_BASE, 160, 128, 0));
	EXPECT_EQ(EINVAL, set_gicv2m(self->dev, v, 0, V2M_BASE, 160, 128, 1));
	EXPECT_EQ(EINVAL, set_gicv2m(self->dev, v, 0, V2M_BASE + 0x1000, 160, 128, 0));
	EXPECT_EQ(EINVAL, set_gicv2m(self->dev, v, 0, V2M_BASE, 31, 128, 0));	/* a PPI */
	EXPECT_EQ(EINVAL, set_gicv2m(self->dev, v, 0, V2M_BASE, 160, 0, 0));
	EXPECT_EQ(EINVAL, set_gicv2m(self->dev, v, 0, V2M_BASE, 1000, 21, 0));	/* past 1019 */
	EXPECT_EQ(EINVAL, set_gicv2m(self->dev, v, 0, V2M_BASE, 160, 0xffffffff, 0));
	EXPECT_EQ(-1, ioctl(self->dev, VMAPPLE_KVM_SET_GICV2M, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	/* The VM's IPA space is 40 bits (type 0): a frame past it, or wrapping. */
	EXPECT_EQ(EINVAL, set_gicv2m(self->dev, v, 0, 1ull << 40, 160, 128, 0));
	EXPECT_EQ(EINVAL, set_gicv2m(self->dev, v, 0, (1ull << 40) - 0x8000, 160, 128, 0));
	EXPECT_EQ(EINVAL, set_gicv2m(self->dev, v, 0, 0xffffffffffff0000ull, 160, 128, 0));
	/* None of those set anything: a good frame still can be. */
	EXPECT_EQ(0, set_gicv2m(self->dev, v, 0, V2M_BASE, 1000, 20, 0));
}

TEST_F(session, vm_outlives_its_fd_while_attached)
{
	pid_t me = getpid();
	int base;

	ASSERT_EQ(0, attach(self->dev, self->vm));
	base = live_vms_of(me);
	ASSERT_GE(base, 1) TH_LOG("no KVM debugfs entry for this VM (debugfs mounted?)");
	close(self->vm);
	self->vm = -1;
	/* The session's reference keeps the VM alive after the fd is gone. */
	EXPECT_EQ(base, live_vms_of(me));
	EXPECT_EQ(1, info_of(self->dev).attached_vms);
	close(self->dev);
	/* Closing the session drops the last reference: KVM destroys the VM. */
	EXPECT_EQ(base - 1, live_vms_of(me));
	self->dev = open(DEV_PATH, O_RDWR);
	ASSERT_GE(self->dev, 0);
	EXPECT_EQ(0, info_of(self->dev).attached_vms);
}

TEST_F(session, unload_while_attached_is_refused)
{
	ASSERT_EQ(0, attach(self->dev, self->vm));
	EXPECT_EQ(-1, syscall(SYS_delete_module, "vmapple_kvm", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_EQ(1, module_is_loaded());
	/* The session still works after the refused unload. */
	EXPECT_EQ(1, info_of(self->dev).attached_vms);
}

TEST(attach_detach_100_cycles_leak_nothing)
{
	pid_t me = getpid();
	int dev = open(DEV_PATH, O_RDWR);
	int kvm = open("/dev/kvm", O_RDWR);
	struct vmapple_kvm_info before, after;
	int vms_before, i;

	ASSERT_GE(dev, 0);
	ASSERT_GE(kvm, 0);
	before = info_of(dev);
	vms_before = live_vms_of(me);
	for (i = 0; i < 100; i++) {
		int s = open(DEV_PATH, O_RDWR);
		int vm = ioctl(kvm, KVM_CREATE_VM, 0);

		ASSERT_GE(s, 0);
		ASSERT_GE(vm, 0);
		ASSERT_EQ(0, attach(s, vm)) TH_LOG("cycle %d: %s", i, strerror(errno));
		/* Alternate which fd goes first: both orders must free everything. */
		if (i & 1) {
			close(vm);
			close(s);
		} else {
			close(s);
			close(vm);
		}
	}
	after = info_of(dev);
	EXPECT_EQ(before.vm_records, after.vm_records);
	EXPECT_EQ(before.attached_vms, after.attached_vms);
	EXPECT_EQ(vms_before, live_vms_of(me));
	close(kvm);
	close(dev);
}

TEST_HARNESS_MAIN
