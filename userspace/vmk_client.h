/* SPDX-License-Identifier: GPL-2.0 */
/* vmk_client.h - the launcher's side of /dev/vmapple_kvm. */
#ifndef VMAPPLE_VMK_CLIENT_H
#define VMAPPLE_VMK_CLIENT_H

#include <stddef.h>

#include <linux/vmapple_kvm.h>

/* Open the module's device; -1 with a message naming @path on failure. */
int vmk_open(const char *path, char *err, size_t err_len);

/* 0, or a negative errno. */
int vmk_get_info(int dev_fd, struct vmapple_kvm_info *info);
int vmk_attach_vm(int dev_fd, int vm_fd);

/* What an errno from VMAPPLE_KVM_ATTACH_VM means, in words. */
const char *vmk_attach_strerror(int err);

#endif
