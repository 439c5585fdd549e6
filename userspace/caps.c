// SPDX-License-Identifier: GPL-2.0
/* caps.c - turn probed host facts into the `vmapple check` table. */
#include "caps.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "vmk_client.h"

struct row_builder {
	struct cap_row *rows;
	int n;
	int max;
};

static void add_row(struct row_builder *b, const char *name, enum cap_status status,
		    const char *note, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void add_row(struct row_builder *b, const char *name, enum cap_status status,
		    const char *note, const char *fmt, ...)
{
	struct cap_row *r;
	va_list ap;

	if (b->n >= b->max)
		return;
	r = &b->rows[b->n++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	va_start(ap, fmt);
	vsnprintf(r->value, sizeof(r->value), fmt, ap);
	va_end(ap);
	r->status = status;
	snprintf(r->note, sizeof(r->note), "%s", note ? note : "");
}

/* A yes/no feature: present is ok; absent is @absent with @why. */
static void add_feature(struct row_builder *b, const char *name, bool present,
			enum cap_status absent, const char *why)
{
	add_row(b, name, present ? CAP_OK : absent, present ? "" : why,
		"%s", present ? "yes" : "no");
}

static void add_kvm_rows(struct row_builder *b, const struct host_caps *c)
{
	add_row(b, "KVM API", c->kvm_api_version == 12 ? CAP_OK : CAP_MISSING,
		c->kvm_api_version == 12 ? "" : "KVM API 12 expected",
		"%d", c->kvm_api_version);
	add_row(b, "page size", CAP_INFO, c->page_size == 16384 ? "as on Asahi" : "",
		"%ld KiB", c->page_size / 1024);
	add_row(b, "guest IPA size", c->ipa_bits >= CAPS_MIN_IPA_BITS ? CAP_OK : CAP_MISSING,
		c->ipa_bits >= CAPS_MIN_IPA_BITS ? "" : "too small for guest RAM at 0x7000_0000",
		"%d bits", c->ipa_bits);
	add_row(b, "max vCPUs", c->max_vcpus >= 1 ? CAP_INFO : CAP_MISSING, "", "%d",
		c->max_vcpus);
	add_feature(b, "in-kernel vGICv3", c->vgic_v3, CAP_MISSING,
		    "the board's GIC is KVM's vGICv3");
	add_feature(b, "NISV to user", c->nisv_to_user, CAP_MISSING,
		    "needed to emulate ISV=0 MMIO without the module");
	add_feature(b, "SMCCC filter", c->smccc_filter, CAP_MISSING,
		    "needed for Apple hypercalls without the module (Linux 6.4+)");
	if (c->psci_version)
		add_row(b, "PSCI", c->psci_version >= CAPS_MIN_PSCI ? CAP_OK : CAP_MISSING,
			c->psci_version >= CAPS_MIN_PSCI ? "" : "macOS needs PSCI 1.1",
			"%u.%u", c->psci_version >> 16, c->psci_version & 0xffff);
	else
		add_row(b, "PSCI", CAP_MISSING, "version unreadable", "?");
	add_feature(b, "PMU (PPI 23)", c->pmu_v3, CAP_OPTIONAL, "guest runs without a PMU");
	add_feature(b, "pointer auth", c->ptrauth, CAP_OPTIONAL,
		    "macOS guests need PAC for full function");
}

/* Why the module's hooks are not live, from vmapple_kvm_info.hook_error. */
static const char *hook_error_text(int err)
{
	switch (-err) {
	case 0:
		return "";
	case EPERM:
		return "loaded with hooks=off";
	case ENOENT:
		return "KVM functions not found by name in this kernel";
	case EOPNOTSUPP:
		return "kernel has neither ftrace IP-modify nor kprobes";
	case EBUSY:
		return "another ftrace user owns the function (livepatch?)";
	default:
		return strerror(-err);
	}
}

/* Why Apple's own PAC registers (APCTL, KERNKEY) are only modelled. */
static const char *pac_error_text(int err)
{
	switch (-err) {
	case 0:		/* a module older than the backend: not asked for either */
	case EPERM:
		return "state only; on an Apple CPU: modprobe vmapple_kvm apple_pac=native (unverified)";
	case ENODEV:
		return "apple_pac=native asked for, but this is not an Apple CPU";
	case EOPNOTSUPP:
		return "apple_pac=native asked for, but the host kernel is not at EL2 (VHE)";
	case ENXIO:
		return "apple_pac=native asked for: no Apple platform with Asahi's ACTLR virtualisation";
	case ENOENT:
		return "apple_pac asked for, but the vCPU load/put hooks are not live";
	case EINVAL:
		return "apple_pac: use off, native or selftest";
	default:
		return strerror(-err);
	}
}

static void add_pac_row(struct row_builder *b, const struct vmapple_kvm_info *info)
{
	switch (info->pac_backend) {
	case VMAPPLE_KVM_PAC_APPLE_NATIVE:
		add_row(b, "Apple PAC regs", CAP_OK, "switched at vCPU load/put; unverified on hardware",
			"Apple-native");
		return;
	case VMAPPLE_KVM_PAC_SELFTEST:
		add_row(b, "Apple PAC regs", CAP_INFO, "apple_pac=selftest: the switching, simulated",
			"simulated");
		return;
	default:
		add_row(b, "Apple PAC regs", CAP_OPTIONAL, pac_error_text(info->pac_error),
			"modelled");
	}
}

static void add_hook_rows(struct row_builder *b, const struct vmapple_kvm_info *info)
{
	const __u64 isv0 = VMAPPLE_KVM_HOOK_IO_MEM_ABORT | VMAPPLE_KVM_HOOK_MMIO_RETURN;
	bool isv0_live = (info->hooks_live & isv0) == isv0;
	bool hvc_live = info->hooks_live & VMAPPLE_KVM_HOOK_SMCCC_CALL;

	add_row(b, "exit hooks", info->hooks_live ? CAP_OK : CAP_OPTIONAL,
		info->hooks_live ? "" : hook_error_text(info->hook_error),
		"%s%s%s%s%s", info->hooks_live & VMAPPLE_KVM_HOOK_IO_MEM_ABORT ? "io_mem_abort " : "",
		info->hooks_live & VMAPPLE_KVM_HOOK_MMIO_RETURN ? "mmio_return " : "",
		info->hooks_live & VMAPPLE_KVM_HOOK_SMCCC_CALL ? "smccc_call " : "",
		info->hooks_live & VMAPPLE_KVM_HOOK_VCPU_LOAD ? "vcpu_load/put" : "",
		info->hooks_live ? "" : "none");
	add_row(b, "hook mechanism", CAP_INFO, "", "%s",
		vmk_mechanism_name(info->hook_mechanism));
	add_row(b, "ISV=0 in kernel", isv0_live ? CAP_OK : CAP_OPTIONAL,
		isv0_live ? "" : "the launcher emulates them (Layer 0)", "%s",
		isv0_live ? "yes" : "no");
	add_row(b, "Apple hvc in kernel", hvc_live ? CAP_OK : CAP_OPTIONAL,
		hvc_live ? "" : "the launcher answers them (Layer 0)",
		"%s", hvc_live ? "yes, architected PAC keys" : "no");
	add_pac_row(b, info);
}

static void add_module_rows(struct row_builder *b, const struct host_caps *c)
{
	const struct vmapple_kvm_info *info = &c->module_info;

	if (!c->module_open) {
		add_row(b, "vmapple_kvm", CAP_OPTIONAL, c->module_error, "not loaded");
		return;
	}
	if (info->api_version != VMAPPLE_KVM_API_VERSION) {
		add_row(b, "vmapple_kvm", CAP_OPTIONAL, "module ABI differs: module not used",
			"ABI %u (launcher: %d)", info->api_version, VMAPPLE_KVM_API_VERSION);
		return;
	}
	add_row(b, "vmapple_kvm", CAP_OK, "", "loaded, ABI %u", info->api_version);
	add_row(b, "attached VMs", CAP_INFO, "", "%u", info->attached_vms);
	if (c->attach_errno == 0)
		add_row(b, "attach test VM", CAP_OK, "", "ok");
	else if (c->attach_errno > 0)
		add_row(b, "attach test VM", CAP_OPTIONAL, strerror(c->attach_errno), "failed");
	add_hook_rows(b, info);
}

int caps_rows(const struct host_caps *caps, struct cap_row *rows, int max_rows)
{
	struct row_builder b = { .rows = rows, .max = max_rows };

	if (caps->kvm_open)
		add_kvm_rows(&b, caps);
	else
		add_row(&b, "KVM", CAP_MISSING, caps->kvm_error, "unavailable");
	add_module_rows(&b, caps);
	return b.n;
}

bool caps_ready(const struct cap_row *rows, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (rows[i].status == CAP_MISSING)
			return false;
	return true;
}

const char *cap_status_name(enum cap_status status)
{
	switch (status) {
	case CAP_OK:
		return "ok";
	case CAP_INFO:
		return "-";
	case CAP_OPTIONAL:
		return "optional";
	case CAP_MISSING:
		return "MISSING";
	}
	return "?";
}

void caps_print(FILE *out, const struct cap_row *rows, int n)
{
	int i;

	fprintf(out, "%-18s %-24s %-9s %s\n", "CHECK", "VALUE", "STATUS", "NOTE");
	for (i = 0; i < n; i++) {
		const struct cap_row *r = &rows[i];

		if (r->note[0])
			fprintf(out, "%-18s %-24s %-9s %s\n", r->name, r->value,
				cap_status_name(r->status), r->note);
		else
			fprintf(out, "%-18s %-24s %s\n", r->name, r->value,
				cap_status_name(r->status));
	}
	fprintf(out, "result: %s\n", caps_ready(rows, n) ?
		"ready to run VMApple guests" :
		"NOT ready: a MISSING item above must be fixed");
}
