# tap-stage.sh - sourced by check.sh and check-debug.sh: `stage NAME CMD...` runs
# one stage, its output shown and kept as $out/NAME.tap; a stage that dies
# without a TAP failure (the rig did not boot, say) gets one.  Returns the
# command's status.  Each stage's wall time goes to $out/times, for
# `stage_times` to print at the end (where CI's minutes go).
# shellcheck shell=bash
stage() {
	local name=$1
	shift
	local start=$SECONDS
	echo "=== $name"
	"$@" 2>&1 | tee "$out/$name.tap"
	local rc=${PIPESTATUS[0]}
	printf '%-16s %5d s\n' "$name" $((SECONDS - start)) >>"$out/times"
	if [ "$rc" != 0 ] && ! grep -q '^not ok' "$out/$name.tap"; then
		echo "not ok 1 $name stage exited $rc" | tee -a "$out/$name.tap"
	fi
	return "$rc"
}

# stage_times: every stage run so far, with its wall time, slowest first.
stage_times() {
	echo "=== stage times"
	sort -k2,2nr "$out/times" 2>/dev/null
}
