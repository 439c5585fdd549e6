// SPDX-License-Identifier: GPL-2.0
/*
 * vmapple_kvm: /dev/vmapple_kvm, the module's entry points and ioctls.
 *
 * The launcher opens the device once per VM; the file is the session (see
 * the uapi header).  Open files pin the module, so a plain rmmod is refused
 * while any VM is attached.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <uapi/linux/vmapple_kvm.h>

#include "vmapple_kvm.h"

static char *hooks = "auto";
module_param(hooks, charp, 0444);
MODULE_PARM_DESC(hooks, "how to hook KVM's exit path: auto (ftrace, else kprobe), ftrace, kprobe or off");

static int vmk_open(struct inode *inode, struct file *file)
{
	struct vmk_session *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	mutex_init(&s->lock);
	/* misc_open() left the miscdevice here; the session replaces it. */
	file->private_data = s;
	return nonseekable_open(inode, file);
}

static int vmk_release(struct inode *inode, struct file *file)
{
	struct vmk_session *s = file->private_data;

	vmk_session_detach(s);
	mutex_destroy(&s->lock);
	kfree(s);
	return 0;
}

static long vmk_get_info(struct vmapple_kvm_info __user *uinfo)
{
	struct vmapple_kvm_info info = {
		.api_version = VMAPPLE_KVM_API_VERSION,
		.attached_vms = vmk_registry_count(),
		.vm_records = vmk_vm_records(),
		.aic_records = vmk_aic_records(),
	};

	vmk_hooks_info(&info);
	vmk_apple_pac_info(&info);

	return copy_to_user(uinfo, &info, sizeof(info)) ? -EFAULT : 0;
}

static long vmk_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vmk_session *s = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case VMAPPLE_KVM_GET_API_VERSION:
		return arg ? -EINVAL : VMAPPLE_KVM_API_VERSION;
	case VMAPPLE_KVM_GET_INFO:
		return vmk_get_info(argp);
	case VMAPPLE_KVM_ATTACH_VM:
		return vmk_session_attach(s, argp);
	case VMAPPLE_KVM_GET_VM_STATS:
		return vmk_registry_stats(file, argp);
	case VMAPPLE_KVM_SET_APPLE_HVC:
		return vmk_session_set_apple_hvc(s, argp);
	case VMAPPLE_KVM_SET_GICV2M:
		return vmk_session_set_gicv2m(s, argp);
	case VMAPPLE_KVM_SET_AIC:
		return vmk_session_set_aic(s, argp);
	case VMAPPLE_KVM_AIC_IRQ:
		return vmk_session_aic_irq(s, argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vmk_fops = {
	.owner = THIS_MODULE,
	.open = vmk_open,
	.release = vmk_release,
	.unlocked_ioctl = vmk_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice vmk_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = VMAPPLE_KVM_DEVICE_NAME,
	.fops = &vmk_fops,
	.mode = 0660,	/* group kvm is set by the shipped udev rule */
};

static int __init vmk_init(void)
{
	int ret;

	/* The ABI is fixed-size: a struct that grows breaks every launcher. */
	BUILD_BUG_ON(sizeof(struct vmapple_kvm_info) != 64);
	BUILD_BUG_ON(sizeof(struct vmapple_kvm_attach) != 64);
	BUILD_BUG_ON(sizeof(struct vmapple_kvm_apple_hvc) != 64);
	BUILD_BUG_ON(sizeof(struct vmapple_kvm_gicv2m) != 64);
	BUILD_BUG_ON(sizeof(struct vmapple_kvm_stats_request) != 64);
	BUILD_BUG_ON(sizeof(struct vmapple_kvm_vm_stats) != 256);
	BUILD_BUG_ON(VMAPPLE_KVM_NR_STATS > VMAPPLE_KVM_MAX_STATS);

	ret = vmk_ksyms_init();
	if (ret)
		pr_info("kallsyms lookup unavailable (%d): features that need unexported symbols are off\n",
			ret);

	vmk_apple_pac_init();
	vmk_gicv2m_resolve();
	vmk_aic_resolve();
	ret = vmk_hooks_init(hooks);
	if (ret)
		return ret;

	ret = misc_register(&vmk_miscdev);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", VMAPPLE_KVM_DEVICE_NAME, ret);
		vmk_hooks_exit();
		return ret;
	}
	pr_info("loaded, ABI version %d\n", VMAPPLE_KVM_API_VERSION);
	return 0;
}

static void __exit vmk_exit(void)
{
	misc_deregister(&vmk_miscdev);
	vmk_hooks_exit();
	pr_info("unloaded\n");
}

module_init(vmk_init);
module_exit(vmk_exit);

MODULE_DESCRIPTION("Apple Silicon macOS (VMApple) guest acceleration for KVM");
MODULE_AUTHOR("vmapple-kvm developers");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
