# suite.sh - for run_all.sh and run_debug.sh: `run SUITE ARGS...` runs one
# suite, says its time, and sets fail=1 if it fails.
# shellcheck shell=sh
fail=0
uptime_s() { cut -d. -f1 /proc/uptime; }
run() {
	echo "# === $*"
	t0=$(uptime_s)
	"$@" || fail=1
	echo "# === took $(($(uptime_s) - t0)) s: $*"
}
