#!/bin/sh
# irq_bench.sh [ROUNDS [OPS]] - the rig's side of `make bench`'s interrupt
# rows: every case of irq_bench, ROUNDS times, interleaved as bench.sh
# interleaves the exit cases (the stock ones with vmapple_kvm unloaded, the
# AIC's with it loaded, in alternating order).  Needs the t8103 rig boot
# (a CPU that traps IMPDEF registers to EL2).
set -u
rounds=${1:-5}
ops=${2:-2000}
bench=$(dirname "$0")/irq_bench
fail=0

echo "bench-info irq: kernel $(uname -r), $(nproc) CPUs, $rounds rounds of $ops interrupts per case"
stock_cases="ipi_vgic_sgi ipi_user_aic_mmio timer_vgic timer_user_irqchip devirq_vgic_irqfd \
	trap_stock_idreg"
module_cases="ipi_aic_fast ipi_aic_mmio timer_aic devirq_aic_ioctl trap_aic_impdef"
measure() { # OPS CASE...
	n=$1
	shift
	"$bench" --ops "$n" "$@" >/tmp/irq_bench.out || fail=1
}
# An untimed pass first in each phase: QEMU translates each path once.
stock_phase() {
	if grep -q '^vmapple_kvm ' /proc/modules; then rmmod vmapple_kvm || fail=1; fi
	# shellcheck disable=SC2086
	measure 100 $stock_cases && measure "$ops" $stock_cases && cat /tmp/irq_bench.out
}
module_phase() {
	modprobe vmapple_kvm || fail=1
	# shellcheck disable=SC2086
	measure 100 $module_cases && measure "$ops" $module_cases && cat /tmp/irq_bench.out
	rmmod vmapple_kvm || fail=1
}
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
exit $fail
