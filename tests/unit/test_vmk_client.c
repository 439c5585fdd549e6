// SPDX-License-Identifier: GPL-2.0
/* test_vmk_client - the launcher's module client, without the module. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "../../userspace/vmk_client.h"
#include "tap.h"

int main(void)
{
	struct vmapple_kvm_info info;
	char err[160];
	int fd;

	fd = vmk_open("/nonexistent/vmapple_kvm", err, sizeof(err));
	ok(fd == -1 && strstr(err, "/nonexistent/vmapple_kvm") && strstr(err, "modprobe vmapple_kvm"),
	   "missing device: message names the path and the fix (%s)", err);

	fd = open("/dev/null", O_RDWR);
	ok(vmk_get_info(fd, &info) == -ENOTTY, "GET_INFO on a non-module fd: -ENOTTY");
	ok(vmk_attach_vm(fd, fd) == -ENOTTY, "ATTACH_VM on a non-module fd: -ENOTTY");
	close(fd);

	ok(strstr(vmk_attach_strerror(-EPERM), "another process") != NULL, "EPERM explained");
	ok(strstr(vmk_attach_strerror(-EEXIST), "already attached") != NULL, "EEXIST explained");
	ok(strstr(vmk_attach_strerror(-EBUSY), "already has a VM") != NULL, "EBUSY explained");
	ok(strstr(vmk_attach_strerror(-EBADF), "not open") != NULL, "EBADF explained");
	ok(strstr(vmk_attach_strerror(-EINVAL), "not a KVM VM") != NULL, "EINVAL explained");
	ok(strstr(vmk_attach_strerror(-EPROTONOSUPPORT), "ABI") != NULL,
	   "EPROTONOSUPPORT explained");
	ok(!strcmp(vmk_attach_strerror(-ENOMEM), strerror(ENOMEM)), "other errnos: strerror");
	return tap_done();
}
