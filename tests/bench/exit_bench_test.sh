#!/bin/sh
# exit_bench_test.sh absent|loaded - exit_bench (make bench's measuring
# program) in the rig: each case runs briefly and passes its own path check
# (the exit counters show every read took the path the case names) under
# the module state it needs, refuses the other state with a clear line,
# and bad command lines are named.
set -u
dir=$(dirname "$0")
# shellcheck source=../kselftest/tap.sh
. "$dir/tap.sh"
bench=$dir/exit_bench
state=${1:-}
stock="isv1_vgic isv1_user isv0_vgic_l0 isv0_user_l0 hvc_kvm hvc_apple_l0 msi_l0 irqfd_spi"
module="isv0_vgic_l1 isv0_user_l1 isv1_user_passthrough hvc_apple_l1 msi_l1"
case $state in
absent) runs=$stock refuse=isv0_vgic_l1 why="isv0_vgic_l1 needs vmapple_kvm: " ;;
loaded) runs=$module refuse=isv1_user why="isv1_user measures stock KVM: rmmod vmapple_kvm first" ;;
*) echo "usage: exit_bench_test.sh absent|loaded" >&2; exit 2 ;;
esac

tap_plan $(($(echo "$runs" | wc -w) + 3))
# With the module, a failure shows why the module gave accesses back.
fallback_event=/sys/kernel/tracing/events/vmapple_kvm/vmapple_kvm_isv0_fallback
runs_on_its_path() { # CASE
	[ -d "$fallback_event" ] && echo > /sys/kernel/tracing/trace && echo 1 > "$fallback_event/enable"
	expect 0 "^bench $1 [0-9]+ 50 [0-9]+$" "$bench" --ops 50 "$1"
	rc=$?
	if [ -d "$fallback_event" ]; then
		echo 0 > "$fallback_event/enable"
		[ $rc = 0 ] || grep -m 5 "left to KVM" /sys/kernel/tracing/trace
	fi
	return $rc
}
for c in $runs; do
	t "$c runs with the module $state, its exits on the path it names" runs_on_its_path "$c"
done
t "$refuse is refused with the module $state" expect 1 "$why" "$bench" --ops 50 "$refuse"
t "an unknown case is named" expect 2 "exit_bench: unknown case 'nope'" "$bench" nope
t "a bad --ops is named" expect 2 "exit_bench: --ops 0: want 1..10000000" "$bench" --ops 0 isv1_user
tap_exit
