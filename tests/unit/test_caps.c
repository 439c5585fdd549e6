// SPDX-License-Identifier: GPL-2.0
/* test_caps - `vmapple check` verdicts and table, from synthetic host facts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../userspace/caps.h"
#include "tap.h"

static struct host_caps healthy(void)
{
	struct host_caps c = {
		.kvm_open = true,
		.kvm_api_version = 12,
		.page_size = 16384,
		.ipa_bits = 42,
		.max_vcpus = 64,
		.vgic_v3 = true,
		.nisv_to_user = true,
		.smccc_filter = true,
		.pmu_v3 = true,
		.ptrauth = true,
		.psci_version = 0x10001,
		.module_open = true,
		.module_info = { .api_version = VMAPPLE_KVM_API_VERSION, .attached_vms = 2 },
		.attach_errno = 0,
	};
	return c;
}

static struct cap_row rows[CAPS_MAX_ROWS];

static const struct cap_row *row(int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	return NULL;
}

/* Break one thing in a healthy host: the named row must say @status. */
static void expect_row(struct host_caps c, const char *name, enum cap_status status,
		       bool ready, const char *what)
{
	int n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	const struct cap_row *r = row(n, name);

	ok(r && r->status == status && caps_ready(rows, n) == ready,
	   "%s: row '%s' is %s, host %s", what, name, cap_status_name(status),
	   ready ? "ready" : "not ready");
}

static char *printed(const struct host_caps *c)
{
	static char buf[4096];
	int n = caps_rows(c, rows, CAPS_MAX_ROWS);
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	caps_print(f, rows, n);
	fclose(f);
	return buf;
}

int main(void)
{
	struct host_caps c = healthy();
	int i, n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	bool none_missing = true;

	for (i = 0; i < n; i++)
		none_missing &= rows[i].status != CAP_MISSING;
	ok(caps_ready(rows, n) && none_missing, "healthy host: ready, nothing missing");
	ok(strstr(printed(&c), "result: ready to run VMApple guests") != NULL,
	   "healthy host: table ends 'ready'");

	c = healthy();
	c.kvm_open = false;
	snprintf(c.kvm_error, sizeof(c.kvm_error), "cannot open /dev/kvm: No such file or directory");
	n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	ok(row(n, "KVM") && row(n, "KVM")->status == CAP_MISSING &&
	   strstr(row(n, "KVM")->note, "/dev/kvm") && !caps_ready(rows, n),
	   "no KVM: one MISSING row naming the device");
	ok(strstr(printed(&c), "NOT ready") != NULL, "no KVM: table ends 'NOT ready'");

	c = healthy(); c.kvm_api_version = 11;
	expect_row(c, "KVM API", CAP_MISSING, false, "API 11");
	c = healthy(); c.vgic_v3 = false;
	expect_row(c, "in-kernel vGICv3", CAP_MISSING, false, "no vGICv3");
	c = healthy(); c.nisv_to_user = false;
	expect_row(c, "NISV to user", CAP_MISSING, false, "no NISV_TO_USER");
	c = healthy(); c.smccc_filter = false;
	expect_row(c, "SMCCC filter", CAP_MISSING, false, "no SMCCC filter");
	c = healthy(); c.psci_version = 0x10000;
	expect_row(c, "PSCI", CAP_MISSING, false, "PSCI 1.0");
	c = healthy(); c.psci_version = 0;
	expect_row(c, "PSCI", CAP_MISSING, false, "PSCI unreadable");
	c = healthy(); c.ipa_bits = CAPS_MIN_IPA_BITS - 1;
	expect_row(c, "guest IPA size", CAP_MISSING, false, "IPA too small");
	c = healthy(); c.pmu_v3 = false;
	expect_row(c, "PMU (PPI 23)", CAP_OPTIONAL, true, "no PMU");
	c = healthy(); c.ptrauth = false;
	expect_row(c, "pointer auth", CAP_OPTIONAL, true, "no pointer auth");

	c = healthy(); c.module_open = false;
	snprintf(c.module_error, sizeof(c.module_error), "cannot open /dev/vmapple_kvm");
	expect_row(c, "vmapple_kvm", CAP_OPTIONAL, true, "module not loaded");
	ok(strstr(printed(&c), "not loaded") && strstr(printed(&c), "cannot open /dev/vmapple_kvm"),
	   "module not loaded: table says so and why");

	c = healthy(); c.module_info.api_version = VMAPPLE_KVM_API_VERSION + 1;
	expect_row(c, "vmapple_kvm", CAP_OPTIONAL, true, "module of another ABI");
	n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	ok(!row(n, "attach test VM"), "module of another ABI: no attach row");

	c = healthy(); c.attach_errno = EPERM;
	expect_row(c, "attach test VM", CAP_OPTIONAL, true, "attach failed");
	n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	ok(strstr(row(n, "attach test VM")->note, strerror(EPERM)) != NULL,
	   "attach failed: note carries the error");

	c = healthy();
	c.module_info.hooks_live = VMAPPLE_KVM_HOOK_IO_MEM_ABORT;
	n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	ok(row(n, "exit hooks") && strstr(row(n, "exit hooks")->value, "io_mem_abort"),
	   "live hooks are named");

	c = healthy();
	c.module_info.hooks_live = VMAPPLE_KVM_HOOK_IO_MEM_ABORT | VMAPPLE_KVM_HOOK_MMIO_RETURN;
	c.module_info.hook_mechanism = VMAPPLE_KVM_MECH_KPROBE;
	expect_row(c, "ISV=0 in kernel", CAP_OK, true, "ISV=0 hooks live");
	n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	ok(!strcmp(row(n, "hook mechanism")->value, "kprobe") &&
	   !strcmp(row(n, "ISV=0 in kernel")->value, "yes"), "the mechanism is named");

	c = healthy();
	c.module_info.hooks_live = VMAPPLE_KVM_HOOK_SMCCC_CALL;
	expect_row(c, "Apple hvc in kernel", CAP_OK, true, "SMCCC hook live");
	n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	ok(strstr(row(n, "Apple hvc in kernel")->value, "architected"),
	   "Apple hvc: the architected key registers are named");
	ok(!strcmp(row(n, "Apple PAC regs")->value, "modelled") &&
	   row(n, "Apple PAC regs")->status == CAP_OPTIONAL &&
	   strstr(row(n, "Apple PAC regs")->note, "apple_pac=native"),
	   "Apple PAC regs: modelled by default, and how to ask for the native backend");
	c.module_info.pac_error = -ENODEV;
	n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	ok(strstr(row(n, "Apple PAC regs")->note, "not an Apple CPU"),
	   "Apple PAC regs: native asked for on another CPU: says so");
	c.module_info.pac_error = -EOPNOTSUPP;
	n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	ok(strstr(row(n, "Apple PAC regs")->note, "VHE"), "Apple PAC regs: no VHE: says so");
	c.module_info.pac_error = -ENXIO;
	n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	ok(strstr(row(n, "Apple PAC regs")->note, "ACTLR virtualisation"),
	   "Apple PAC regs: not Asahi's platform and capability: says so");
	c.module_info.pac_error = -ENOENT;
	n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	ok(strstr(row(n, "Apple PAC regs")->note, "hooks are not live"),
	   "Apple PAC regs: hooks missing: says so");
	c.module_info.pac_backend = VMAPPLE_KVM_PAC_APPLE_NATIVE;
	c.module_info.pac_error = 0;
	c.module_info.hooks_live |= VMAPPLE_KVM_HOOK_VCPU_LOAD | VMAPPLE_KVM_HOOK_VCPU_PUT;
	n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	ok(!strcmp(row(n, "Apple PAC regs")->value, "Apple-native") &&
	   row(n, "Apple PAC regs")->status == CAP_OK &&
	   strstr(row(n, "Apple PAC regs")->note, "unverified") &&
	   strstr(row(n, "exit hooks")->value, "vcpu_load/put"),
	   "Apple PAC regs: the native backend is named, unverified, its hooks listed");
	c.module_info.pac_backend = VMAPPLE_KVM_PAC_SELFTEST;
	n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	ok(!strcmp(row(n, "Apple PAC regs")->value, "simulated"), "Apple PAC regs: selftest");

	c = healthy();
	c.module_info.hook_error = -EPERM;
	expect_row(c, "exit hooks", CAP_OPTIONAL, true, "hooks=off");
	expect_row(c, "ISV=0 in kernel", CAP_OPTIONAL, true, "no hooks: Layer 0 does ISV=0");
	expect_row(c, "Apple hvc in kernel", CAP_OPTIONAL, true,
		   "no hooks: the launcher answers Apple hvc");
	n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	ok(strstr(row(n, "exit hooks")->note, "hooks=off") &&
	   !strcmp(row(n, "hook mechanism")->value, "none"), "hooks off: the table says why");

	c = healthy();
	c.module_info.hook_error = -ENOENT;
	n = caps_rows(&c, rows, CAPS_MAX_ROWS);
	ok(strstr(row(n, "exit hooks")->note, "not found"),
	   "hooks off for missing KVM symbols: the table says so");

	c = healthy();
	ok(caps_rows(&c, rows, 3) == 3, "rows are bounded by the caller's array");
	return tap_done();
}
