#!/bin/bash
# bench_report.sh - scripts/bench-report.sh: sums the rounds per case, writes
# the CSV the issue names, judges each ratio against its target, and names a
# case the log lacks.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/kselftest/tap.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
report=$top/scripts/bench-report.sh

# Two rounds; ticks chosen so that every ratio is known: passthrough misses
# its 5% (1.10x), the others meet theirs.
round() {
	cat <<-EOT
	bench isv1_vgic $1 1000 1000000
	bench isv1_user 3000 1000 1000000
	bench isv0_vgic_l0 4000 1000 1000000
	bench isv0_user_l0 4500 1000 1000000
	bench isv1_user_passthrough 3300 1000 1000000
	bench isv0_vgic_l1 1100 1000 1000000
	bench isv0_user_l1 3300 1000 1000000
	bench hvc_kvm 1000 1000 1000000
	bench hvc_apple_l0 3000 1000 1000000
	bench hvc_apple_l1 1100 1000 1000000
	bench msi_l0 5000 1000 1000000
	bench msi_l1 1000 1000 1000000
	bench irqfd_spi 800 1000 1000000
	EOT
}
{ round 900; round 1100; } >"$work/log"

csv_is() {
	"$report" "$work/log" "$work/out/results.csv" >/dev/null &&
		diff - "$work/out/results.csv" <<-EOT
		name,ticks_per_op,ops
		isv1_vgic,1.00,2000
		isv1_user,3.00,2000
		isv0_vgic_l0,4.00,2000
		isv0_vgic_l1,1.10,2000
		isv0_user_l0,4.50,2000
		isv0_user_l1,3.30,2000
		isv1_user_passthrough,3.30,2000
		hvc_kvm,1.00,2000
		hvc_apple_l0,3.00,2000
		hvc_apple_l1,1.10,2000
		msi_l0,5.00,2000
		msi_l1,1.00,2000
		irqfd_spi,0.80,2000
		EOT
}

# The interrupt table: the fast IPI at 1.5x the SGI (missed), the userspace
# AIC 3x the module's MMIO IPI (met), the user-irqchip timer 2x (missed),
# the module's IMPDEF trap 1.05x KVM's own (met).
cat >"$work/irq" <<-EOT
	bench ipi_vgic_sgi 2000 100 1000000
	bench ipi_aic_fast 3000 100 1000000
	bench ipi_aic_mmio 4000 100 1000000
	bench ipi_user_aic_mmio 12000 100 1000000
	bench timer_vgic 1000 100 1000000
	bench timer_aic 1200 100 1000000
	bench timer_user_irqchip 2400 100 1000000
	bench devirq_vgic_irqfd 1000 100 1000000
	bench devirq_aic_ioctl 1500 100 1000000
	bench trap_stock_idreg 1000 100 1000000
	bench trap_aic_impdef 1050 100 1000000
	EOT

tap_plan 12
t "the CSV has one row per case, the rounds summed" csv_is
t "a ratio within its target is reported met" \
	expect 0 "Layer 1 ISV=0 vGIC / ISV=1 vGIC +1.10x ± 0.11 +<= 1.30x +met" \
	"$report" "$work/log" "$work/out/results.csv"
t "a ratio outside its target is reported missed, and the run still succeeds" \
	expect 0 "not attached / stock +1.10x ± 0.00 +<= 1.05x +MISSED$" \
	"$report" "$work/log" "$work/out/results.csv"
t "each case shows its standard error over the rounds" \
	expect 0 "isv1_vgic +1.0 +1000 +2000 +2 +10.0%" "$report" "$work/log" "$work/out/results.csv"
grep -v isv0_user_l1 "$work/log" >"$work/short"
t "a case missing from the log is named" \
	expect 1 "bench-report: no result for isv0_user_l1 in $work/short" \
	"$report" "$work/short" "$work/out/x.csv"
t "bad usage prints the usage" expect 2 "usage: bench-report.sh LOG CSV" "$report"
t "irq table: a ratio outside its target is reported missed" \
	expect 0 "AIC fast IPI round trip / vGIC SGI +1.50x ± 0.00 +<= 1.30x +MISSED$" \
	"$report" "$work/irq" "$work/out/irq.csv" irq
t "irq table: the userspace AIC against the module's, met" \
	expect 0 "userspace AIC MMIO IPI / in-kernel AIC MMIO IPI +3.00x ± 0.00 +>= 2.50x +met" \
	"$report" "$work/irq" "$work/out/irq.csv" irq
t "irq table: per-operation columns, a reference row without a target" \
	expect 0 "ticks/op.*AIC device IRQ \(ioctl\) / vGIC irqfd SPI +1.50x +\(reference\)" \
	sh -c '"$0" "$1" "$2" irq | tr "\n" " "' "$report" "$work/irq" "$work/out/irq.csv"
t "irq table: the module's IMPDEF trap against KVM's own sysreg trap, met" \
	expect 0 "AIC IMPDEF trap \(module\) / KVM's own sysreg trap +1.05x ± 0.00 +<= 1.10x +met" \
	"$report" "$work/irq" "$work/out/irq.csv" irq
t "irq table: an exit case is not asked for" \
	expect 1 "bench-report: no result for ipi_vgic_sgi in $work/log" \
	"$report" "$work/log" "$work/out/x.csv" irq
t "an unknown table is named" expect 2 "bench-report: no table 'nope' \(exits or irq\)" \
	"$report" "$work/irq" "$work/out/x.csv" nope
tap_exit
