#!/bin/sh
# bench.sh [ROUNDS [OPS]] - the rig's side of `make bench`: every case of
# exit_bench, ROUNDS times, interleaved (each round measures all cases, the
# stock ones with vmapple_kvm unloaded, the others with it loaded, in
# alternating order), so that drift in the host (TCG, other load) spreads
# over all cases alike.  The
# host (scripts/bench-report.sh) sums the rounds and prints the table.
set -u
rounds=${1:-5}
ops=${2:-4000}
bench=$(dirname "$0")/exit_bench
fail=0

echo "bench-info kernel $(uname -r), $(nproc) CPUs, $rounds rounds of $ops exits per case"
stock_cases="isv1_user isv1_vgic isv0_vgic_l0 isv0_user_l0 hvc_kvm hvc_apple_l0 msi_l0 irqfd_spi"
module_cases="isv1_user_passthrough isv0_vgic_l1 isv0_user_l1 hvc_apple_l1 msi_l1"
measure() { # OPS CASE...
	n=$1
	shift
	"$bench" --ops "$n" "$@" >/tmp/exit_bench.out || fail=1
}
# Each phase starts with an untimed pass of its cases: QEMU translates a
# guest kernel path the first time it runs, and the module's code (and
# the ftrace-patched KVM functions) anew after every load, which would
# bill whichever case came first.
stock_phase() {
	if grep -q '^vmapple_kvm ' /proc/modules; then rmmod vmapple_kvm || fail=1; fi
	# shellcheck disable=SC2086
	measure 200 $stock_cases && measure "$ops" $stock_cases && cat /tmp/exit_bench.out
}
module_phase() {
	modprobe vmapple_kvm || fail=1
	# shellcheck disable=SC2086
	measure 200 $module_cases && measure "$ops" $module_cases && cat /tmp/exit_bench.out
	rmmod vmapple_kvm || fail=1
}
# Odd rounds stock first, even rounds module first: drift cancels out.
i=1
while [ "$i" -le "$rounds" ]; do
	if [ $((i % 2)) = 1 ]; then
		stock_phase
		module_phase
	else
		module_phase
		stock_phase
	fi
	i=$((i + 1))
done
# The hook mechanism the Layer 1 figures were measured with.
modprobe vmapple_kvm && vmapple check 2>&1 |
	sed -n 's/^ *hook mechanism *\([a-z]*\).*/bench-info hook mechanism: \1/p'
rmmod vmapple_kvm
exit $fail
