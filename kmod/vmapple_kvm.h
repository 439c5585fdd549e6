/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmapple_kvm internals shared between the module's files.
 */
#ifndef VMAPPLE_KVM_INTERNAL_H
#define VMAPPLE_KVM_INTERNAL_H

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct file;
struct kvm;
struct vmapple_kvm_attach;

/* One attached VM.  Lives from a successful attach to the session's close. */
struct vmk_vm {
	struct hlist_node node;		/* in the registry, keyed by @kvm */
	struct kvm *kvm;
	struct file *vm_file;		/* our reference: keeps @kvm alive */
};

/* One open of /dev/vmapple_kvm. */
struct vmk_session {
	struct mutex lock;		/* serialises attach against itself */
	struct vmk_vm *vm;		/* NULL until attached */
};

/* vm_registry.c: every attached VM, whatever session attached it. */
int vmk_registry_add(struct vmk_vm *vm);
void vmk_registry_del(struct vmk_vm *vm);
unsigned int vmk_registry_count(void);

/* attach.c: validate a VM fd and attach it to a session. */
int vmk_session_attach(struct vmk_session *s,
		       const struct vmapple_kvm_attach __user *uarg);
void vmk_session_detach(struct vmk_session *s);
u64 vmk_vm_records(void);

/* ksyms.c: kernel symbols a module cannot link against. */
int vmk_ksyms_init(void);
void *vmk_ksym(const char *name);

#endif /* VMAPPLE_KVM_INTERNAL_H */
