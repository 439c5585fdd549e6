#!/bin/bash
# fuzz.sh BUILD [SECONDS] - run each libFuzzer target briefly (TAP), starting
# from its corpus kept in the tree (tests/fuzz/corpus/NAME, read only; new
# inputs go to BUILD/fuzz-runs).  Longer runs: scripts/fuzz.sh build 600;
# fold what they found back with -merge=1 into the tree's corpus.
set -uo pipefail
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${2:-10}
targets=()
for t in "$build"/fuzz/fuzz_*; do [ -x "$t" ] && [ -f "$t" ] && targets+=("$t"); done
runs=$build/fuzz-runs
mkdir -p "$runs"
echo "TAP version 13"
echo "1..${#targets[@]}"
n=0 fail=0
for t in "${targets[@]}"; do
	n=$((n + 1))
	name=$(basename "$t")
	mkdir -p "$runs/$name-corpus"
	seeds=()
	[ -d "$top/tests/fuzz/corpus/$name" ] && seeds=("$top/tests/fuzz/corpus/$name")
	if (cd "$runs" && "$t" -max_total_time="$secs" -seed=1 "$name-corpus" "${seeds[@]}") \
		>"$runs/$name.log" 2>&1; then
		echo "ok $n $name: $(grep -m1 -o 'Done [0-9]* runs' "$runs/$name.log") in ${secs}s, no crash"
	else
		echo "not ok $n $name found a crash (reproducer in $runs)"
		tail -n 30 "$runs/$name.log" | sed 's/^/# /'
		fail=1
	fi
done
exit $fail
