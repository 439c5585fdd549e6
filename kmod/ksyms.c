// SPDX-License-Identifier: GPL-2.0
/*
 * Resolve kernel symbols that are not exported to modules.
 *
 * kallsyms_lookup_name() itself has not been exported since 5.7; a kprobe
 * registered on it reports its address.  Used only where a kernel offers no
 * export (file_is_kvm() from 6.18 on); every caller checks for NULL and
 * fails the feature, never the host.
 */
#include <linux/kprobes.h>

#include "vmapple_kvm.h"

typedef unsigned long (*vmk_kallsyms_lookup_name_t)(const char *name);

static vmk_kallsyms_lookup_name_t vmk_kallsyms_lookup_name;

int vmk_ksyms_init(void)
{
#ifdef CONFIG_KPROBES
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	int ret;

	ret = register_kprobe(&kp);
	if (ret)
		return ret;
	vmk_kallsyms_lookup_name = (vmk_kallsyms_lookup_name_t)kp.addr;
	unregister_kprobe(&kp);
	return 0;
#else
	return -EOPNOTSUPP;
#endif
}

void *vmk_ksym(const char *name)
{
	if (!vmk_kallsyms_lookup_name)
		return NULL;
	return (void *)vmk_kallsyms_lookup_name(name);
}
