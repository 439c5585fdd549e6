#!/bin/bash
# bench-report.sh LOG CSV [exits|irq] - from the `bench NAME TICKS OPS HZ`
# lines that the rig's side of `make bench` printed (one per case per
# round), print one table (mean guest counter ticks per operation, its
# standard error over the rounds, and the ratios the issues set targets
# for, each with its error) and write CSV (name,ticks_per_op,ops: one row
# per case, all rounds together).
#   exits: tests/bench/bench.sh's exit cases (exit_bench): ticks per exit.
#   irq:   tests/bench/irq_bench.sh's interrupt cases (irq_bench): ticks
#          per IPI round trip, timer interrupt, device interrupt or
#          trapped system-register read.
# Reports; asserts nothing about speed (a missed target is printed as such).
set -euo pipefail
[ $# -eq 2 ] || [ $# -eq 3 ] || { echo "usage: bench-report.sh LOG CSV [exits|irq]" >&2; exit 2; }
log=$1 csv=$2 table=${3:-exits}
# Ratios: "label;numerator;denominator;<= or >= or -;target (or a note)", one a line.
case $table in
exits)
	unit="exit"
	names="isv1_vgic isv1_user isv0_vgic_l0 isv0_vgic_l1 isv0_user_l0 isv0_user_l1 \
		isv1_user_passthrough hvc_kvm hvc_apple_l0 hvc_apple_l1 msi_l0 msi_l1 irqfd_spi"
	ratios="Layer 1 ISV=0 vGIC / ISV=1 vGIC;isv0_vgic_l1;isv1_vgic;<=;1.3
Layer 1 ISV=0 user / ISV=1 user;isv0_user_l1;isv1_user;<=;1.15
Layer 0 ISV=0 vGIC / Layer 1 ISV=0 vGIC;isv0_vgic_l0;isv0_vgic_l1;>=;2.5
ISV=1 user, hooks live, not attached / stock;isv1_user_passthrough;isv1_user;<=;1.05
Apple hypercall in the kernel / PSCI_VERSION;hvc_apple_l1;hvc_kvm;<=;1.2
Apple hypercall: Layer 0 / Layer 1;hvc_apple_l0;hvc_apple_l1;>=;2.5
Layer 0 ISV=0 user / Layer 1 ISV=0 user;isv0_user_l0;isv0_user_l1;-;no target
GICv2m MSI: Layer 0 / Layer 1;msi_l0;msi_l1;-;no target
GICv2m MSI Layer 1 / ioeventfd->irqfd SPI;msi_l1;irqfd_spi;-;reference" ;;
irq)
	unit="op"
	names="ipi_vgic_sgi ipi_aic_fast ipi_aic_mmio ipi_user_aic_mmio timer_vgic timer_aic \
		timer_user_irqchip devirq_vgic_irqfd devirq_aic_ioctl trap_stock_idreg trap_aic_impdef"
	ratios="AIC fast IPI round trip / vGIC SGI;ipi_aic_fast;ipi_vgic_sgi;<=;1.3
AIC MMIO IPI round trip / vGIC SGI;ipi_aic_mmio;ipi_vgic_sgi;-;no target
userspace AIC MMIO IPI / in-kernel AIC MMIO IPI;ipi_user_aic_mmio;ipi_aic_mmio;>=;2.5
userspace AIC MMIO IPI / in-kernel fast IPI;ipi_user_aic_mmio;ipi_aic_fast;-;no target
AIC timer FIQ / vGIC timer PPI;timer_aic;timer_vgic;<=;1.3
user-irqchip timer FIQ / in-kernel AIC FIQ;timer_user_irqchip;timer_aic;>=;2.5
AIC device IRQ (ioctl) / vGIC irqfd SPI;devirq_aic_ioctl;devirq_vgic_irqfd;-;reference
AIC IMPDEF trap (module) / KVM's own sysreg trap;trap_aic_impdef;trap_stock_idreg;<=;1.1" ;;
*) echo "bench-report: no table '$table' (exits or irq)" >&2; exit 2 ;;
esac
for n in $names; do
	grep -q "^bench $n " "$log" || { echo "bench-report: no result for $n in $log" >&2; exit 1; }
done
mkdir -p "$(dirname "$csv")"
grep '^bench-info ' "$log" | sed 's/^bench-info /# /' || true
awk -v names="$names" -v csv="$csv" -v ratios="$ratios" -v unit="$unit" '
$1 == "bench" {
	t[$2] += $3; o[$2] += $4; hz = $5
	per = $3 / $4
	r[$2]++; sum[$2] += per; sq[$2] += per * per
}
function mean(n) { return t[n] / o[n] }
# Relative standard error of a case: the rounds scatter about their mean.
function rse(n,   m, v) {
	if (r[n] < 2) return 0
	m = sum[n] / r[n]
	v = (sq[n] - r[n] * m * m) / (r[n] - 1)
	return (v > 0 ? sqrt(v) : 0) / m / sqrt(r[n])
}
function ratio(label, a, b, op, target,   x, e, ok) {
	x = mean(a) / mean(b)
	if (op == "-") {
		printf "  %-48s %6.2fx          (%s)\n", label, x, target
		return
	}
	e = x * sqrt(rse(a) ^ 2 + rse(b) ^ 2)
	ok = (op == "<=") ? x <= target : x >= target
	printf "  %-48s %6.2fx ± %.2f   %s %.2fx   %s\n", label, x, e, op, target,
		ok ? "met" : (x - target <= e && target - x <= e) ? "missed, within error" : "MISSED"
}
END {
	n = split(names, list, " ")
	printf "# guest counter at %.1f MHz (1 tick = %.1f ns)\n\n", hz / 1e6, 1e9 / hz
	printf "  %-24s %12s %10s %8s %7s %6s\n", "case", "ticks/" unit, "ns/" unit, unit "s",
		"rounds", "±"
	print "name,ticks_per_op,ops" > csv
	for (i = 1; i <= n; i++) {
		c = list[i]
		printf "  %-24s %12.1f %10.0f %8d %7d %5.1f%%\n", c, mean(c), mean(c) * 1e9 / hz, o[c],
			r[c], 100 * rse(c)
		printf "%s,%.2f,%d\n", c, mean(c), o[c] > csv
	}
	printf "\n  %-48s %14s   %-8s   %s\n", "ratio", "measured", "target", "result"
	m = split(ratios, line, "\n")
	for (i = 1; i <= m; i++) {
		split(line[i], f, ";")
		ratio(f[1], f[2], f[3], f[4], f[5])
	}
	printf "\n  ±: standard error over the rounds (case: relative; ratio: absolute)\n"
}' "$log"
echo "  CSV: $csv"
