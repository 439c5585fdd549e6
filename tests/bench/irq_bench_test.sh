#!/bin/sh
# irq_bench_test.sh absent|loaded - irq_bench (make bench's interrupt rows)
# in the rig: each case runs briefly and passes its own path check (every
# interrupt was taken, by the path the case names) under the module state
# it needs, refuses the other state with a clear line, and bad command
# lines are named.  The AIC's cases need a CPU that traps IMPDEF registers
# to EL2: the t8103 rig boot (scripts/rig/qemu-tidcp.sh's QEMU).
set -u
dir=$(dirname "$0")
# shellcheck source=../kselftest/tap.sh
. "$dir/tap.sh"
bench=$dir/irq_bench
state=${1:-}
stock="ipi_vgic_sgi ipi_user_aic_mmio timer_vgic timer_user_irqchip devirq_vgic_irqfd trap_stock_idreg"
module="ipi_aic_fast ipi_aic_mmio timer_aic devirq_aic_ioctl trap_aic_impdef"
case $state in
absent) runs=$stock refuse=ipi_aic_fast why="ipi_aic_fast needs vmapple_kvm: " ;;
loaded) runs=$module refuse=timer_vgic why="timer_vgic measures stock KVM: rmmod vmapple_kvm first" ;;
*) echo "usage: irq_bench_test.sh absent|loaded" >&2; exit 2 ;;
esac

tap_plan $(($(echo "$runs" | wc -w) + 3))
for c in $runs; do
	t "$c runs with the module $state, its interrupts on the path it names" \
		expect 0 "^bench $c [0-9]+ 50 [0-9]+$" "$bench" --ops 50 "$c"
done
t "$refuse is refused with the module $state" expect 1 "$why" "$bench" --ops 50 "$refuse"
t "an unknown case is named" expect 2 "irq_bench: unknown case 'nope'" "$bench" nope
t "a bad --ops is named" expect 2 "irq_bench: --ops 0: want 1..1000000" "$bench" --ops 0 timer_vgic
tap_exit
