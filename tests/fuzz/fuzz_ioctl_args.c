// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_ioctl_args - libFuzzer: arbitrary bytes as each of the module's
 * request structs, through the module's own checks (common/vmk_abi.c).
 * Whatever they accept must be what the ABI allows: the right version,
 * flags (SET_APPLE_HVC: only its known ones) and reserved bytes zero, a
 * GICv2m frame aligned, inside the VM's
 * IPA space without wrapping, and its SPIs inside 32..1019.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/vmk_abi.h"

static void check_head(const uint8_t *data, size_t size)
{
	struct vmapple_kvm_attach a;

	memset(&a, 0, sizeof(a));
	memcpy(&a, data, size < sizeof(a) ? size : sizeof(a));
	if (!vmk_abi_check_head(a.api_version, a.flags, a.reserved, sizeof(a.reserved))) {
		if (a.api_version != VMAPPLE_KVM_API_VERSION || a.flags)
			abort();
		for (size_t i = 0; i < sizeof(a.reserved); i++)
			if (((const uint8_t *)a.reserved)[i])
				abort();
	}
}

/* SET_APPLE_HVC: only the known flags get through. */
static void check_apple_hvc(const uint8_t *data, size_t size)
{
	struct vmapple_kvm_apple_hvc h;

	memset(&h, 0, sizeof(h));
	memcpy(&h, data, size < sizeof(h) ? size : sizeof(h));
	if (vmk_abi_check_apple_hvc(&h))
		return;
	if (h.api_version != VMAPPLE_KVM_API_VERSION || (h.flags & ~VMAPPLE_KVM_APPLE_HVC_FLAGS))
		abort();
	for (size_t i = 0; i < sizeof(h.reserved); i++)
		if (((const uint8_t *)h.reserved)[i])
			abort();
}

static void check_gicv2m(const uint8_t *data, size_t size)
{
	struct vmapple_kvm_gicv2m m;
	unsigned int ipa_bits;
	uint64_t ipa_size;

	if (size < 1)
		return;
	ipa_bits = 32 + data[0] % 21;		/* KVM's 32..52 */
	ipa_size = 1ull << ipa_bits;
	memset(&m, 0, sizeof(m));
	memcpy(&m, data + 1, size - 1 < sizeof(m) ? size - 1 : sizeof(m));
	if (vmk_abi_check_gicv2m(&m) || !vmk_abi_gicv2m_fits(m.base, ipa_size))
		return;
	if (m.base % VMK_GICV2M_FRAME_SIZE || m.base + VMK_GICV2M_FRAME_SIZE > ipa_size ||
	    m.base + VMK_GICV2M_FRAME_SIZE < m.base)
		abort();
	if (m.first_intid < 32 || !m.nr_spis ||
	    (uint64_t)m.first_intid + m.nr_spis > VMK_GICV2M_MAX_INTID)
		abort();
}

/* An AIC that passes: a model apple_aic_init() takes, in the window's alignment. */
static void check_aic(const uint8_t *data, size_t size)
{
	struct vmapple_kvm_aic a;
	struct apple_aic *model;

	memset(&a, 0, sizeof(a));
	memcpy(&a, data, size < sizeof(a) ? size : sizeof(a));
	if (vmk_abi_check_aic(&a))
		return;
	if (a.base % AIC_WINDOW_SIZE || a.nr_cpus > AIC_MAX_CPUS || a.nr_irqs > AIC_MAX_IRQS)
		abort();
	model = malloc(sizeof(*model));
	if (!model || apple_aic_init(model, a.nr_irqs, a.nr_cpus, a.mpidr))
		abort();
	free(model);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_head(data, size);
	check_apple_hvc(data, size);
	check_gicv2m(data, size);
	check_aic(data, size);
	return 0;
}
