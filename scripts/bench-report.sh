#!/bin/bash
# bench-report.sh LOG CSV - from the `bench NAME TICKS OPS HZ` lines that
# tests/bench/bench.sh printed in the rig (one per case per round), print
# the table of `make bench` (mean guest counter ticks per exit, its
# standard error over the rounds, and the ratios the issue sets targets
# for, each with its error) and write CSV
# (name,ticks_per_op,ops: one row per case, all rounds together).
# Reports; asserts nothing about speed (a missed target is printed as such).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bench-report.sh LOG CSV" >&2; exit 2; }
log=$1 csv=$2
names="isv1_vgic isv1_user isv0_vgic_l0 isv0_vgic_l1 isv0_user_l0 isv0_user_l1 isv1_user_passthrough \
	hvc_kvm hvc_apple_l0 hvc_apple_l1 msi_l0 msi_l1 irqfd_spi"
for n in $names; do
	grep -q "^bench $n " "$log" || { echo "bench-report: no result for $n in $log" >&2; exit 1; }
done
mkdir -p "$(dirname "$csv")"
grep '^bench-info ' "$log" | sed 's/^bench-info /# /' || true
awk -v names="$names" -v csv="$csv" '
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
	e = x * sqrt(rse(a) ^ 2 + rse(b) ^ 2)
	ok = (op == "<=") ? x <= target : x >= target
	printf "  %-44s %6.2fx ± %.2f   %s %.2fx   %s\n", label, x, e, op, target,
		ok ? "met" : (x - target <= e && target - x <= e) ? "missed, within error" : "MISSED"
}
END {
	n = split(names, list, " ")
	printf "# guest counter at %.1f MHz (1 tick = %.1f ns)\n\n", hz / 1e6, 1e9 / hz
	printf "  %-24s %12s %10s %8s %7s %6s\n", "case", "ticks/exit", "ns/exit", "exits", "rounds", "±"
	print "name,ticks_per_op,ops" > csv
	for (i = 1; i <= n; i++) {
		c = list[i]
		printf "  %-24s %12.1f %10.0f %8d %7d %5.1f%%\n", c, mean(c), mean(c) * 1e9 / hz, o[c],
			r[c], 100 * rse(c)
		printf "%s,%.2f,%d\n", c, mean(c), o[c] > csv
	}
	printf "\n  %-44s %14s   %-8s   %s\n", "ratio", "measured", "target", "result"
	ratio("Layer 1 ISV=0 vGIC / ISV=1 vGIC", "isv0_vgic_l1", "isv1_vgic", "<=", 1.3)
	ratio("Layer 1 ISV=0 user / ISV=1 user", "isv0_user_l1", "isv1_user", "<=", 1.15)
	ratio("Layer 0 ISV=0 vGIC / Layer 1 ISV=0 vGIC", "isv0_vgic_l0", "isv0_vgic_l1", ">=", 2.5)
	ratio("ISV=1 user, hooks live, not attached / stock", "isv1_user_passthrough",
	      "isv1_user", "<=", 1.05)
	ratio("Apple hypercall in the kernel / PSCI_VERSION", "hvc_apple_l1", "hvc_kvm", "<=", 1.2)
	ratio("Apple hypercall: Layer 0 / Layer 1", "hvc_apple_l0", "hvc_apple_l1", ">=", 2.5)
	x = mean("isv0_user_l0") / mean("isv0_user_l1")
	printf "  %-44s %6.2fx          (no target)\n", "Layer 0 ISV=0 user / Layer 1 ISV=0 user", x
	x = mean("msi_l0") / mean("msi_l1")
	printf "  %-44s %6.2fx          (no target)\n", "GICv2m MSI: Layer 0 / Layer 1", x
	x = mean("msi_l1") / mean("irqfd_spi")
	printf "  %-44s %6.2fx          (reference)\n", "GICv2m MSI Layer 1 / ioeventfd->irqfd SPI", x
	printf "\n  ±: standard error over the rounds (case: relative; ratio: absolute)\n"
}' "$log"
echo "  CSV: $csv"
