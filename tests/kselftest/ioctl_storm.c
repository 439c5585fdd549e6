// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_storm [SECONDS] - threads race every way into /dev/vmapple_kvm for
 * SECONDS (default 10): open, attach their own VM, another process's VM, a
 * vCPU fd, the same VM twice, every ioctl with good and bad arguments,
 * close the session or the VM first, fd numbers reused at once.
 * ioctl_storm.sh runs it beside guests on the hot paths and rmmod/modprobe
 * loops, then checks for leaked VMs and the kernel log.  Exits 0 when
 * calls were made and every refusal carried an errno the ABI documents.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/vmapple_kvm.h>

#define NR_THREADS	4

static atomic_bool stop;
static atomic_ulong calls, refusals, odd;
static int foreign_vm = -1;	/* made by the parent: another process's VM to the child */

/* The errnos the ABI documents for these ioctls, and what a racing unload gives. */
static void note(long ret, const char *what)
{
	atomic_fetch_add(&calls, 1);
	if (ret >= 0)
		return;
	atomic_fetch_add(&refusals, 1);
	switch (errno) {
	case EINVAL: case EBADF: case EPERM: case EBUSY: case EEXIST: case ENOTCONN:
	case EFAULT: case EPROTONOSUPPORT: case EOPNOTSUPP: case ENOTTY: case ENOENT:
	case ENODEV: case ENXIO: case EACCES:
		return;
	default:
		if (atomic_fetch_add(&odd, 1) < 5)
			fprintf(stderr, "ioctl_storm: %s: unexpected errno %d (%s)\n", what, errno,
				strerror(errno));
	}
}

static unsigned int rnd(unsigned int *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

static long attach_fd(int dev, int fd)
{
	struct vmapple_kvm_attach a = { .api_version = VMAPPLE_KVM_API_VERSION, .vm_fd = fd };

	return ioctl(dev, VMAPPLE_KVM_ATTACH_VM, &a);
}

static void random_ioctls(int dev, unsigned int *seed)
{
	struct vmapple_kvm_vm_stats vms[4];
	struct vmapple_kvm_stats_request sr = {
		.api_version = VMAPPLE_KVM_API_VERSION, .nr_vms = 4,
		.vms = (unsigned long)vms,
	};
	struct vmapple_kvm_apple_hvc hvc = { .api_version = VMAPPLE_KVM_API_VERSION };
	struct vmapple_kvm_gicv2m m = {
		.api_version = VMAPPLE_KVM_API_VERSION, .base = 0x1fff0000, .first_intid = 160,
		.nr_spis = 64,
	};
	struct vmapple_kvm_info info;

	switch (rnd(seed) % 8) {
	case 0:
		note(ioctl(dev, VMAPPLE_KVM_GET_INFO, &info), "GET_INFO");
		break;
	case 1:
		note(ioctl(dev, VMAPPLE_KVM_GET_VM_STATS, &sr), "GET_VM_STATS");
		break;
	case 2:
		note(ioctl(dev, VMAPPLE_KVM_SET_APPLE_HVC, &hvc), "SET_APPLE_HVC");
		break;
	case 3:
		m.base += (uint64_t)(rnd(seed) % 3) << 40;	/* sometimes past the IPA space */
		note(ioctl(dev, VMAPPLE_KVM_SET_GICV2M, &m), "SET_GICV2M");
		break;
	case 4:
		sr.api_version = rnd(seed);
		note(ioctl(dev, VMAPPLE_KVM_GET_VM_STATS, &sr), "GET_VM_STATS bad");
		break;
	case 5:
		note(ioctl(dev, VMAPPLE_KVM_GET_VM_STATS, (void *)(unsigned long)rnd(seed)),
		     "GET_VM_STATS pointer");
		break;
	case 6:
		note(ioctl(dev, _IO(0xAF, 0x40 + rnd(seed) % 32), 0), "unknown");
		break;
	default:
		note(ioctl(dev, VMAPPLE_KVM_GET_API_VERSION, 0), "GET_API_VERSION");
	}
}

static void *storm(void *arg)
{
	unsigned int seed = (unsigned int)(unsigned long)arg * 7919u + (unsigned int)time(NULL);
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	while (!atomic_load(&stop)) {
		int dev = open("/dev/vmapple_kvm", O_RDWR | O_CLOEXEC);
		int vm = kvm >= 0 ? ioctl(kvm, KVM_CREATE_VM, 0) : -1;
		int vcpu = vm >= 0 ? ioctl(vm, KVM_CREATE_VCPU, 0) : -1;
		unsigned int i, n = rnd(&seed) % 8;

		if (dev < 0) {		/* unloaded right now: try again */
			if (vcpu >= 0)
				close(vcpu);
			if (vm >= 0)
				close(vm);
			usleep(1000);
			continue;
		}
		switch (rnd(&seed) % 5) {
		case 0:
			note(attach_fd(dev, vm), "attach own");
			break;
		case 1:
			note(attach_fd(dev, foreign_vm), "attach foreign");
			break;
		case 2:
			note(attach_fd(dev, vcpu), "attach vcpu");
			break;
		case 3:
			note(attach_fd(dev, vm), "attach own");
			note(attach_fd(dev, vm), "attach twice");
			break;
		default:
			break;
		}
		for (i = 0; i < n; i++)
			random_ioctls(dev, &seed);
		/* Close in either order: the VM may go first, or the session. */
		if (rnd(&seed) & 1) {
			close(vm);
			close(vcpu);
			close(dev);
		} else {
			close(dev);
			close(vcpu);
			close(vm);
		}
	}
	if (kvm >= 0)
		close(kvm);
	return NULL;
}

static int make_vm(void)
{
	int kvm = open("/dev/kvm", O_RDWR);
	int fd;

	if (kvm < 0)
		return -1;
	fd = ioctl(kvm, KVM_CREATE_VM, 0);
	close(kvm);
	return fd;
}

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 10;
	pthread_t t[NR_THREADS];
	pid_t child;
	long i;

	/*
	 * Made before the fork, used by the child: its mm is the parent's, so
	 * every attach of it from the child must be refused (EPERM).
	 */
	foreign_vm = make_vm();
	child = fork();
	if (child < 0)
		return 2;
	if (child > 0) {
		int status;

		waitpid(child, &status, 0);
		close(foreign_vm);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
	}
	for (i = 0; i < NR_THREADS; i++)
		if (pthread_create(&t[i], NULL, storm, (void *)i))
			return 2;
	sleep(secs > 0 ? secs : 1);
	atomic_store(&stop, true);
	for (i = 0; i < NR_THREADS; i++)
		pthread_join(t[i], NULL);
	printf("ioctl_storm: %lu calls, %lu refused, %lu with an errno the ABI does not give\n",
	       atomic_load(&calls), atomic_load(&refusals), atomic_load(&odd));
	return atomic_load(&odd) || !atomic_load(&calls) ? 1 : 0;
}
