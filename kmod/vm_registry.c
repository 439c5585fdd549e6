// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of attached VMs.  A VM may be attached to one session at a
 * time; the registry is what makes a second attach of the same VM fail, and
 * what the exit hooks consult, locklessly, to tell attached VMs from all
 * others.  Every other VM pays one atomic read when none is attached, one
 * RCU hash lookup otherwise.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/hashtable.h>
#include <linux/kvm_host.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vmapple_kvm.h"

static DEFINE_HASHTABLE(vmk_vms, 6);
static DEFINE_MUTEX(vmk_registry_lock);
static atomic_t vmk_nr_vms = ATOMIC_INIT(0);

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
		hash_add_rcu(vmk_vms, &vm->node, (unsigned long)vm->kvm);
		atomic_inc(&vmk_nr_vms);
	}
	mutex_unlock(&vmk_registry_lock);
	return ret;
}

/* Unlist @vm; the caller then drops the registry's reference. */
void vmk_registry_del(struct vmk_vm *vm)
{
	mutex_lock(&vmk_registry_lock);
	hash_del_rcu(&vm->node);
	atomic_dec(&vmk_nr_vms);
	mutex_unlock(&vmk_registry_lock);
}

unsigned int vmk_registry_count(void)
{
	return atomic_read(&vmk_nr_vms);
}

/* From the exit hooks: a reference on @kvm's record, or NULL. */
struct vmk_vm *vmk_vm_get(const struct kvm *kvm)
{
	struct vmk_vm *vm, *found = NULL;

	if (!atomic_read(&vmk_nr_vms))
		return NULL;
	rcu_read_lock();
	hash_for_each_possible_rcu(vmk_vms, vm, node, (unsigned long)kvm) {
		if (vm->kvm == kvm && refcount_inc_not_zero(&vm->ref)) {
			found = vm;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

void vmk_vm_put(struct vmk_vm *vm)
{
	if (refcount_dec_and_test(&vm->ref))
		vmk_vm_free(vm);
}

/*
 * From hooks that run with preemption off, even under the scheduler's
 * locks (vCPU load/put): @kvm's record without a reference, valid until the
 * caller's RCU read section ends.  Detach waits for those sections before
 * it drops the registry's reference (vmk_session_detach()).
 */
struct vmk_vm *vmk_vm_lookup_rcu(const struct kvm *kvm)
{
	struct vmk_vm *vm;

	if (!atomic_read(&vmk_nr_vms))
		return NULL;
	hash_for_each_possible_rcu(vmk_vms, vm, node, (unsigned long)kvm)
		if (vm->kvm == kvm)
			return vm;
	return NULL;
}

/* From the hooks' redirects, in any context: is @kvm attached right now? */
bool vmk_vm_attached(const struct kvm *kvm)
{
	bool attached;

	if (!atomic_read(&vmk_nr_vms))
		return false;
	rcu_read_lock();
	attached = vmk_vm_lookup_rcu(kvm);
	rcu_read_unlock();
	return attached;
}

struct vmk_vcpu *vmk_vcpu_state(struct vmk_vm *vm, const struct kvm_vcpu *vcpu)
{
	struct vmk_vcpu *vs = &vm->vcpus[vcpu->vcpu_idx];

	if (!vs->used)
		WRITE_ONCE(vs->used, true);
	return vs;
}

/*
 * A caller sees the VMs its session's opener's user attached (with
 * CAP_SYS_ADMIN when it opened the device: all), each under its PID as the
 * caller's pid namespace numbers it.  The opener's credentials, not the
 * caller's: a session fd handed to a setuid helper shows no more.
 */
static bool vmk_vm_visible(const struct vmk_vm *vm, const struct file *file, bool sees_all)
{
	return sees_all || uid_eq(vm->owner, file->f_cred->euid);
}

/* 0 once the attaching process has exited: its number may be someone else's. */
static pid_t vmk_vm_pid(const struct vmk_vm *vm)
{
	pid_t nr = 0;

	rcu_read_lock();
	if (pid_task(vm->pid, PIDTYPE_TGID))
		nr = pid_vnr(vm->pid);
	rcu_read_unlock();
	return nr;
}

static void vmk_vm_stats(const struct vmk_vm *vm, struct vmapple_kvm_vm_stats *out)
{
	unsigned int i, s;

	memset(out, 0, sizeof(*out));
	out->pid = vmk_vm_pid(vm);	/* 0 when not in the caller's namespace */
	out->vm_id = vm->id;
	for (i = 0; i < KVM_MAX_VCPUS; i++) {
		const struct vmk_vcpu *vs = &vm->vcpus[i];

		if (!READ_ONCE(vs->used))
			continue;
		out->nr_vcpus++;
		for (s = 0; s < VMAPPLE_KVM_NR_STATS; s++)
			out->counters[s] += READ_ONCE(vs->stats[s]);
	}
}

long vmk_registry_stats(struct file *file, struct vmapple_kvm_stats_request __user *ureq)
{
	bool sees_all = file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
	struct vmapple_kvm_stats_request req;
	struct vmapple_kvm_vm_stats *buf;
	struct vmk_vm *vm;
	unsigned int n = 0, bkt, room;
	long ret = 0;

	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	ret = vmk_abi_check_head(req.api_version, 0, req.reserved, sizeof(req.reserved));
	if (ret)
		return ret;

	mutex_lock(&vmk_registry_lock);
	room = min_t(unsigned int, req.nr_vms, atomic_read(&vmk_nr_vms));
	buf = kvcalloc(max(room, 1U), sizeof(*buf), GFP_KERNEL);
	if (!buf) {
		mutex_unlock(&vmk_registry_lock);
		return -ENOMEM;
	}
	hash_for_each(vmk_vms, bkt, vm, node) {
		if (!vmk_vm_visible(vm, file, sees_all))
			continue;
		if (n < room)
			vmk_vm_stats(vm, &buf[n]);
		n++;
	}
	req.nr_vms = n;
	n = min(n, room);
	mutex_unlock(&vmk_registry_lock);

	if (n && copy_to_user(u64_to_user_ptr(req.vms), buf, n * sizeof(*buf)))
		ret = -EFAULT;
	else if (copy_to_user(ureq, &req, sizeof(req)))
		ret = -EFAULT;
	kvfree(buf);
	return ret;
}
