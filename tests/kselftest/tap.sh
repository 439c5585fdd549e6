# tap.sh - TAP for the rig's shell tests: `t NAME COMMAND...` is one test.
# shellcheck shell=sh
tap_n=0
tap_fail=0
tap_plan() { echo "TAP version 13"; echo "1..$1"; }
t() {
	name=$1
	shift
	tap_n=$((tap_n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $tap_n $name"
	else
		echo "not ok $tap_n $name"
		echo "$out" | sed 's/^/# /'
		tap_fail=1
	fi
}
tap_exit() { exit $tap_fail; }

# expect RC PATTERN CMD...: CMD exits RC and prints a line matching PATTERN.
expect() {
	want_rc=$1 pattern=$2
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	echo "$out"
	[ "$rc" = "$want_rc" ] || { echo "exit $rc, expected $want_rc"; return 1; }
	echo "$out" | grep -Eq "$pattern" || { echo "no line matches: $pattern"; return 1; }
}

# wait_pid PID SECONDS: 0 once PID has ended (its status in $wait_rc), 1 if
# it is still running after SECONDS.
wait_pid() {
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt $(($2 * 10)) ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -0 "$1" 2>/dev/null && return 1
	wait "$1"
	wait_rc=$?
	return 0
}

# stop_vm PID: SIGTERM presses the power button; a second forces it off.
stop_vm() {
	kill "$1" 2>/dev/null
	sleep 0.3
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	true
}
