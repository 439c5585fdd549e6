#!/bin/sh
# vmapple_check.sh - `vmapple check` against real KVM: with the module, with
# bad device paths, and with bad command lines.  Expects the module loaded.
. "$(dirname "$0")/tap.sh"

tap_plan 10
t "check: ready with module loaded" expect 0 "^result: ready" vmapple check
t "check: vGICv3, NISV, SMCCC filter ok" \
	sh -c 'vmapple check | grep -E "^(in-kernel vGICv3|NISV to user|SMCCC filter) +yes +ok" | wc -l | grep -qx 3'
t "check: PSCI 1.1 reported" expect 0 "^PSCI +1\.1 +ok" vmapple check
t "check: 16 KiB pages reported" expect 0 "^page size +16 KiB" vmapple check
t "check: module loaded, ABI 1" expect 0 "^vmapple_kvm +loaded, ABI 1 +ok" vmapple check
t "check: a test VM attaches" expect 0 "^attach test VM +ok +ok" vmapple check
t "check --kvm missing: MISSING and the path named" \
	expect 1 "^KVM +unavailable +MISSING +cannot open /nonexistent/kvm: No such file" \
	vmapple check --kvm /nonexistent/kvm
t "check --module missing: optional, says how to load it" \
	expect 0 "^vmapple_kvm +not loaded +optional +cannot open /nonexistent/m.*modprobe vmapple_kvm" \
	vmapple check --module /nonexistent/m
t "unknown command: exit 2, named" expect 2 "unknown command 'frob'" vmapple frob
t "unknown option: exit 2, named" expect 2 "vmapple check: unknown option '--frob'" \
	vmapple check --frob
tap_exit
