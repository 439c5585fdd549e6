// SPDX-License-Identifier: GPL-2.0
/* vmk_abi.c - the ioctl argument checks (see vmk_abi.h). */
#include "vmk_abi.h"

static bool vmk_abi_all_zero(const void *p, size_t n)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

int vmk_abi_check_head(u32 api_version, u64 flags, const void *reserved, size_t reserved_size)
{
	if (api_version != VMAPPLE_KVM_API_VERSION)
		return -EPROTONOSUPPORT;
	if (flags || !vmk_abi_all_zero(reserved, reserved_size))
		return -EINVAL;
	return 0;
}

int vmk_abi_check_apple_hvc(const struct vmapple_kvm_apple_hvc *req)
{
	return vmk_abi_check_head(req->api_version, req->flags & ~VMAPPLE_KVM_APPLE_HVC_FLAGS,
				  req->reserved, sizeof(req->reserved));
}

int vmk_abi_check_gicv2m(const struct vmapple_kvm_gicv2m *req)
{
	int ret = vmk_abi_check_head(req->api_version, req->flags, req->reserved,
				     sizeof(req->reserved));

	if (ret)
		return ret;
	if (req->base & (VMK_GICV2M_FRAME_SIZE - 1))
		return -EINVAL;
	if (req->first_intid < 32 || !req->nr_spis || req->nr_spis > VMK_GICV2M_MAX_INTID ||
	    req->first_intid > VMK_GICV2M_MAX_INTID - req->nr_spis)
		return -EINVAL;
	return 0;
}

bool vmk_abi_gicv2m_fits(u64 base, u64 ipa_size)
{
	return base < ipa_size && ipa_size - base >= VMK_GICV2M_FRAME_SIZE;
}

int vmk_abi_check_aic(const struct vmapple_kvm_aic *req)
{
	int ret = vmk_abi_check_head(req->api_version, req->flags, req->reserved,
				     sizeof(req->reserved));
	u32 i, j;

	if (ret)
		return ret;
	if (req->base & (AIC_WINDOW_SIZE - 1) || req->base + AIC_WINDOW_SIZE < req->base)
		return -EINVAL;
	if (!req->nr_irqs || req->nr_irqs > AIC_MAX_IRQS || !req->nr_cpus ||
	    req->nr_cpus > AIC_MAX_CPUS)
		return -EINVAL;
	for (i = 0; i < AIC_MAX_CPUS; i++) {
		/* Only Aff2..Aff0 name an Apple core; CPUs past nr_cpus are 0. */
		if (req->mpidr[i] & ~VMK_AIC_MPIDR_AFF || (i >= req->nr_cpus && req->mpidr[i]))
			return -EINVAL;
		for (j = 0; j < i && i < req->nr_cpus; j++)
			if (req->mpidr[i] == req->mpidr[j])
				return -EINVAL;
	}
	return 0;
}

int vmk_abi_check_aic_irq(const struct vmapple_kvm_aic_irq *req)
{
	int ret = vmk_abi_check_head(req->api_version, 0, &req->reserved, sizeof(req->reserved));

	if (ret)
		return ret;
	return req->level > 1 || req->irq >= AIC_MAX_IRQS ? -EINVAL : 0;
}
