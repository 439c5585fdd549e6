/* SPDX-License-Identifier: GPL-2.0 */
/* kvm_probe.h - fill struct host_caps from the running kernel. */
#ifndef VMAPPLE_KVM_PROBE_H
#define VMAPPLE_KVM_PROBE_H

#include "caps.h"

void kvm_probe(const char *kvm_path, const char *module_path, struct host_caps *caps);

#endif
