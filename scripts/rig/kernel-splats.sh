#!/bin/bash
# kernel-splats.sh CONSOLE_LOG - TAP: the rig kernel's console log (run.sh -l,
# with RIG_CMDLINE's loglevel=5 so warnings reach it) holds no KASAN report,
# no lockdep splat, no sleeping or preempt-unsafe call in atomic context, no
# WARNING, no RCU stall, and no oops, BUG, hung task or list corruption.
# Each class is one test; a failing one prints its splats whole (as TAP
# comments) and says whether vmapple_kvm is in them.  Read on the host, so a
# guest that hung or died mid-run is judged too.
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: kernel-splats.sh CONSOLE_LOG" >&2; exit 2; }
log=$1

classes=(
	"KASAN report|BUG: KASAN:|KASAN: .*(out-of-bounds|use-after-free|invalid-free|double-free|wild-memory-access|null-ptr-deref)"
	"lockdep splat|possible (circular|recursive) locking|inconsistent lock state|suspicious RCU usage|irq lock inversion|bad unlock balance|held lock freed|lock held when returning|lock held at task exit|non-static key|Nested lock was not taken|DEBUG_LOCKS_WARN_ON|leaked lock|BUG: MAX_LOCK|turning off the locking correctness validator"
	"sleeping or preempt-unsafe call in atomic context|BUG: sleeping function called from invalid context|BUG: scheduling while atomic|BUG: using (smp_processor_id|__this_cpu_[a-z_]*)\\(\\) in preemptible|Voluntary context switch within RCU read-side|BUG: workqueue lockup|BUG: .*atomic"
	"WARNING|WARNING: CPU: [0-9]+ PID:|------------\\[ cut here \\]------------"
	"RCU stall|detected stall|self-detected stall|detected stalls on tasks|rcu_tasks.*stall"
	"oops, BUG, hung task or corruption|Internal error:|Unable to handle kernel|kernel BUG at|BUG: Bad|BUG: unable to|blocked for more than [0-9]+ seconds|soft lockup|hard LOCKUP|refcount_t:|list_(add|del) corruption|corrupted|Kernel panic|UBSAN:"
)

# Any report taints the kernel, and lockdep stops at the first taint: say
# so, as what came after it went unchecked.
lockdep_off_note() {
	local at
	case $1 in lockdep*) ;; *) return ;; esac
	at=$(grep -n -m1 'Disabling lock debugging due to kernel taint' "$log" | cut -d: -f1)
	[ -z "$at" ] || echo "# lockdep turned off at console line $at (an earlier report tainted" \
		"the kernel): locking after it went unchecked"
}

echo "TAP version 13"
echo "1..$((${#classes[@]} + 1))"
fail=0
n=1
if [ -s "$log" ]; then
	echo "ok $n the console log is there ($log)"
else
	echo "not ok $n the console log is there ($log)"
	fail=1
fi
for c in "${classes[@]}"; do
	n=$((n + 1))
	name=${c%%|*}
	re=${c#*|}
	if ! grep -Eq "$re" "$log" 2>/dev/null; then
		echo "ok $n no $name in the kernel log"
		lockdep_off_note "$name"
		continue
	fi
	fail=1
	echo "not ok $n no $name in the kernel log: $(grep -Ec "$re" "$log") line(s)"
	lockdep_off_note "$name"
	# Each splat from just before its first line, to its end marker or 150
	# lines on; overlapping ones printed once; at most 800 lines a class.
	awk -v re="$re" '
		{ line[NR] = $0 }
		END {
			last = 0; out = 0
			for (i = 1; i <= NR; i++) {
				if (line[i] !~ re || i <= last) continue
				from = i - 2 > last ? i - 2 : last + 1
				if (from < 1) from = 1
				to = i + 150 > NR ? NR : i + 150
				for (j = i + 1; j <= to; j++)
					if (line[j] ~ /---\[ end trace|^(\[[ 0-9.]*\] )?=================/ && j > i + 1) { to = j; break }
				mod = 0
				for (j = from; j <= to; j++) if (line[j] ~ /vmapple_kvm/) mod = 1
				print "# ---- splat at console line " i (mod ? " (vmapple_kvm in it)" : " (no vmapple_kvm frame)")
				for (j = from; j <= to && out < 800; j++) { print "# " line[j]; out++ }
				last = to
			}
		}' "$log"
done
exit $fail
