// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of attached VMs.  A VM may be attached to one session at a
 * time; the registry is what makes a second attach of the same VM fail, and
 * what the exit hooks will consult to tell attached VMs from all others.
 */
#include <linux/hashtable.h>
#include <linux/mutex.h>

#include "vmapple_kvm.h"

static DEFINE_HASHTABLE(vmk_vms, 6);
static DEFINE_MUTEX(vmk_registry_lock);
static unsigned int vmk_nr_vms;

static struct vmk_vm *vmk_registry_find_locked(const struct kvm *kvm)
{
	struct vmk_vm *vm;

	lockdep_assert_held(&vmk_registry_lock);
	hash_for_each_possible(vmk_vms, vm, node, (unsigned long)kvm)
		if (vm->kvm == kvm)
			return vm;
	return NULL;
}

int vmk_registry_add(struct vmk_vm *vm)
{
	int ret = 0;

	mutex_lock(&vmk_registry_lock);
	if (vmk_registry_find_locked(vm->kvm)) {
		ret = -EEXIST;
	} else {
		hash_add(vmk_vms, &vm->node, (unsigned long)vm->kvm);
		vmk_nr_vms++;
	}
	mutex_unlock(&vmk_registry_lock);
	return ret;
}

void vmk_registry_del(struct vmk_vm *vm)
{
	mutex_lock(&vmk_registry_lock);
	hash_del(&vm->node);
	vmk_nr_vms--;
	mutex_unlock(&vmk_registry_lock);
}

unsigned int vmk_registry_count(void)
{
	unsigned int n;

	mutex_lock(&vmk_registry_lock);
	n = vmk_nr_vms;
	mutex_unlock(&vmk_registry_lock);
	return n;
}
