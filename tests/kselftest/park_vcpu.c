// SPDX-License-Identifier: GPL-2.0
/*
 * park_vcpu MODE - a guest that parks its vCPU inside KVM for as long as it
 * likes, for module_unload.sh to run rmmod against (payload/hostile.S):
 *   none      PSCI CPU_SUSPEND, interrupts masked; the VM never attached
 *   detached  the same, the VM attached to vmapple_kvm and detached again
 *   attached  the same, the VM attached (its session stays open)
 *   wfk       an Apple VCPU_WFK the module answers, nobody to kick it;
 *             SIGUSR1 closes the session (a detach), which must wake it
 * Prints "parked" once the vCPU is inside KVM_RUN, "woke" when the run ends
 * (PSCI SYSTEM_OFF), and exits then; otherwise it waits to be killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../userspace/runtime/apple_hvc.h"
#include "../../userspace/runtime/vcpu.h"
#include "../../userspace/runtime/vm.h"
#include "../../userspace/vmk_client.h"

#include "hostile_payload.h"

#define RAM_BASE	0x70000000ull
#define RAM_SIZE	0x200000ull
#define GICD		0x10000000ull
#define GICR		0x10010000ull

static volatile sig_atomic_t detach_asked;

static void on_usr1(int sig)
{
	(void)sig;
	detach_asked = 1;
}

static void *run_vcpu(void *arg)
{
	enum vcpu_stop stop;
	sigset_t usr1;

	/* SIGUSR1 is for the main thread: a signal would end the vCPU's wait itself. */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	stop = vcpu_run_loop(arg);

	printf("woke: %s\n", stop == VCPU_STOP_SHUTDOWN ? "system off" : "run ended");
	fflush(stdout);
	exit(stop == VCPU_STOP_SHUTDOWN ? 0 : 1);
	return NULL;
}

static int die(const char *what)
{
	fprintf(stderr, "park_vcpu: %s: %s\n", what, strerror(errno));
	return 2;
}

int main(int argc, char **argv)
{
	static struct apple_hvc_state hvc;
	const char *mode = argc == 2 ? argv[1] : "";
	bool wfk = !strcmp(mode, "wfk");
	int module_fd = -1;
	struct vcpu vcpu;
	struct vm vm;
	pthread_t t;

	if (strcmp(mode, "none") && strcmp(mode, "detached") && strcmp(mode, "attached") && !wfk) {
		fprintf(stderr, "usage: park_vcpu none|detached|attached|wfk\n");
		return 2;
	}
	signal(SIGUSR1, on_usr1);
	if (vm_open(&vm, "/dev/kvm", 36))
		return 2;
	if (strcmp(mode, "none")) {
		module_fd = open("/dev/vmapple_kvm", O_RDWR | O_CLOEXEC);
		if (module_fd < 0 || vmk_attach_vm(module_fd, vm.fd))
			return die("attach to /dev/vmapple_kvm");
		if (wfk && vmk_set_apple_hvc(module_fd, &hvc.cfg))
			return die("VMAPPLE_KVM_SET_APPLE_HVC");
	}
	if (!strcmp(mode, "detached")) {
		close(module_fd);
		module_fd = -1;
	}
	if (vm_add_ram(&vm, RAM_BASE, RAM_SIZE) || vm_create_gicv3(&vm, GICD, GICR, 1, 288) ||
	    apple_hvc_install(&vm, &hvc) || vcpu_create(&vm, &vcpu, 0) || vm_finalize_gic(&vm))
		return 2;
	memcpy(vm_ram(&vm, RAM_BASE, RAM_SIZE), hostile_payload,
	       hostile_payload_end - hostile_payload);
	if (vcpu_set(&vcpu, vcpu_reg_pc, RAM_BASE) || vcpu_set(&vcpu, vcpu_reg_x(0), wfk ? 4 : 3))
		return 2;
	if (pthread_create(&t, NULL, run_vcpu, &vcpu))
		return 2;
	sleep(1);	/* the payload reaches its call in microseconds, even under TCG */
	printf("parked\n");
	fflush(stdout);
	for (;;) {
		pause();
		if (detach_asked && module_fd >= 0) {
			close(module_fd);
			module_fd = -1;
			printf("detached\n");
			fflush(stdout);
		}
	}
}
