// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching a KVM VM to a session, and detaching it when the session ends.
 *
 * The session holds a reference on the VM's struct file rather than on
 * struct kvm: that needs no KVM export, and it keeps the VM alive exactly
 * as long as an open fd would, even after the launcher closes its own fd.
 */
#include <linux/file.h>
#include <linux/cred.h>
#include <linux/kvm_host.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <uapi/linux/vmapple_kvm.h>

#include "vmapple_kvm.h"

static atomic64_t vmk_nr_vm_records = ATOMIC64_INIT(0);
static atomic_t vmk_next_vm_id = ATOMIC_INIT(0);

u64 vmk_vm_records(void)
{
	return atomic64_read(&vmk_nr_vm_records);
}

#ifdef VMK_HAVE_FILE_IS_KVM_EXPORT
static bool vmk_file_is_kvm_vm(struct file *file)
{
	return file_is_kvm(file);
}
#else
/* Linux 6.18+ keeps file_is_kvm() to KVM's own modules: resolve it by name. */
static bool vmk_file_is_kvm_vm(struct file *file)
{
	static bool (*resolved)(struct file *file);
	bool (*fn)(struct file *file) = READ_ONCE(resolved);

	if (!fn) {
		fn = vmk_ksym("file_is_kvm");
		WRITE_ONCE(resolved, fn);
	}
	return fn && fn(file);
}
#endif

/* Take a reference on @fd if it is a VM the calling process created. */
static struct file *vmk_get_own_vm_file(int fd)
{
	struct file *file = fget(fd);
	struct kvm *kvm;

	if (!file)
		return ERR_PTR(-EBADF);
	if (!vmk_file_is_kvm_vm(file)) {
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	kvm = file->private_data;
	if (kvm->mm != current->mm) {
		fput(file);
		return ERR_PTR(-EPERM);
	}
	/* pKVM's protected VMs: their registers and memory are not the host's to emulate. */
	if (kvm_vm_is_protected(kvm)) {
		fput(file);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return file;
}

int vmk_session_attach(struct vmk_session *s,
		       const struct vmapple_kvm_attach __user *uarg)
{
	struct vmapple_kvm_attach req;
	struct file *vm_file;
	struct vmk_vm *vm;
	unsigned int i;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	ret = vmk_abi_check_head(req.api_version, req.flags, req.reserved,
				 sizeof(req.reserved));
	if (ret)
		return ret;

	vm_file = vmk_get_own_vm_file(req.vm_fd);
	if (IS_ERR(vm_file))
		return PTR_ERR(vm_file);

	mutex_lock(&s->lock);
	if (s->vm) {
		ret = -EBUSY;
		goto out_put;
	}
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm) {
		ret = -ENOMEM;
		goto out_put;
	}
	vm->vcpus = kvcalloc(KVM_MAX_VCPUS, sizeof(*vm->vcpus), GFP_KERNEL_ACCOUNT);
	if (!vm->vcpus) {
		kfree(vm);
		ret = -ENOMEM;
		goto out_put;
	}
	for (i = 0; i < KVM_MAX_VCPUS; i++)
		spin_lock_init(&vm->vcpus[i].wfk_lock);
	refcount_set(&vm->ref, 1);	/* the registry's */
	vm->kvm = vm_file->private_data;
	vm->vm_file = vm_file;
	vm->pid = get_task_pid(current, PIDTYPE_TGID);
	vm->owner = current_euid();
	vm->id = atomic_inc_return(&vmk_next_vm_id);
	ret = vmk_registry_add(vm);
	if (ret) {
		put_pid(vm->pid);
		kvfree(vm->vcpus);
		kfree(vm);
		goto out_put;
	}
	atomic64_inc(&vmk_nr_vm_records);
	s->vm = vm;
	mutex_unlock(&s->lock);
	pr_debug("attached VM %p (pid %d)\n", vm->kvm, task_pid_nr(current));
	return 0;

out_put:
	mutex_unlock(&s->lock);
	fput(vm_file);
	return ret;
}

/* The last reference is gone: no hook uses @vm any more. */
void vmk_vm_free(struct vmk_vm *vm)
{
	/* Before the VM can go: a deferred fast IPI's timer kicks its vCPUs. */
	vmk_aic_free(vm);
	fput(vm->vm_file);
	put_pid(vm->pid);
	kvfree(vm->vcpus);
	kfree_rcu(vm, rcu);	/* lookups may still be reading ->kvm and ->ref */
	atomic64_dec(&vmk_nr_vm_records);
}

/* Called once, from the session's release: no attach can race with it. */
void vmk_session_detach(struct vmk_session *s)
{
	struct vmk_vm *vm = s->vm;

	if (!vm)
		return;
	s->vm = NULL;
	vmk_registry_del(vm);
	/* The vCPU load/put hooks look the VM up under RCU, with no reference. */
	synchronize_rcu();
	/* No WFK may outlive the attachment: a sleeper holds the module. */
	vmk_hvc_wake_all(vm);
	vmk_gicv2m_remove(vm);
	vmk_aic_remove(vm);
	pr_debug("detached VM %p\n", vm->kvm);
	vmk_vm_put(vm);
}
