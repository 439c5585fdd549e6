# tap-stage.sh - sourced by check.sh and check-debug.sh: `stage NAME CMD...` runs
# one stage, its output shown and kept as $out/NAME.tap; a stage that dies
# without a TAP failure (the rig did not boot, say) gets one.  Returns the
# command's status.
# shellcheck shell=bash
stage() {
	local name=$1
	shift
	echo "=== $name"
	"$@" 2>&1 | tee "$out/$name.tap"
	local rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ] && ! grep -q '^not ok' "$out/$name.tap"; then
		echo "not ok 1 $name stage exited $rc" | tee -a "$out/$name.tap"
	fi
	return "$rc"
}
