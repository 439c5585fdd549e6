#!/bin/bash
# peer-report.sh LOG CSV - the race against QEMU-KVM, from the
# `peer ROW VMM VALUE UNIT` lines tests/bench/peer_bench.sh printed in the
# rig: for each row the median over the rounds for vmapple and for QEMU,
# their ratio and the issue's target (rows in s, ns or cpu-s are costs:
# ours <= 1.0x QEMU's, the idle CPU <= 0.5x, the vGIC read <= 1.05x;
# throughput rows: >= 1.0x; fault counts have no target), and for the disk
# and network rows our share of the rig's own figure (the ceiling, target
# >= 0.8).  Writes CSV case,vmapple,qemu,ratio.  Reports; asserts nothing
# about speed.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: peer-report.sh LOG CSV" >&2; exit 2; }
log=$1 csv=$2
grep -q '^peer ' "$log" || { echo "peer-report: no peer rows in $log" >&2; exit 1; }
mkdir -p "$(dirname "$csv")"
grep '^bench-info peer' "$log" | sed 's/^bench-info /# /' || true
awk -v csv="$csv" '
# Rows in bytes (mem_bytes, net_received) say how much work was done, not how fast.
$1 == "peer" && $5 != "B" && NF == 5 {
	row = $2; vmm = $3
	if (!(row in unit)) { order[++n] = row; unit[row] = $5 }
	k = row SUBSEP vmm
	v[k, ++c[k]] = $4
}
# The median of the values of row @r under @m ("" when none).
function median(r, m,   k, i, j, t, a, cnt) {
	k = r SUBSEP m
	cnt = c[k]
	if (!cnt) return ""
	for (i = 1; i <= cnt; i++) a[i] = v[k, i]
	for (i = 2; i <= cnt; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2
}
END {
	printf "%-26s %12s %12s %8s %-18s %s\n", "guest row", "vmapple", "QEMU-KVM", "ratio",
		"target", "ceiling (rig, no VM)"
	print "case,vmapple,qemu,ratio" > csv
	for (i = 1; i <= n; i++) {
		r = order[i]; u = unit[r]
		ours = median(r, "vmapple"); peer = median(r, "qemu"); host = median(r, "host")
		if (ours == "" || peer == "" || peer + 0 == 0) continue
		ratio = ours / peer
		time_row = u == "s" || u == "ns" || u == "cpu-s" || u == "faults"
		limit = r ~ /^idle_cpu/ ? "0.5" : r == "mmio_vgic_read" ? "1.05" : "1.0"
		met = time_row ? ratio <= limit + 0 : ratio >= limit + 0
		target = sprintf("%s %sx %s", time_row ? "<=" : ">=", limit, met ? "met" : "missed")
		if (u == "faults") target = "(no target)"
		ceil = ""
		if (host != "" && host + 0 > 0) {
			share = time_row ? host / ours : ours / host
			ceil = sprintf("%g %s: ours %.2f of it, >= 0.8 %s", host, u, share,
				share >= 0.8 ? "met" : "missed")
		}
		printf "%-26s %10g %-1s %10g %-1s %7.2fx %-18s %s\n", r " (" u ")", ours, "", peer, "",
			ratio, target, ceil
		printf "%s,%s,%s,%.4f\n", r, ours, peer, ratio >> csv
	}
}' "$log"
echo "peer CSV: $csv"
