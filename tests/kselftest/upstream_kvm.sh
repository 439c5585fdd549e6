#!/bin/sh
# upstream_kvm.sh LABEL - run the upstream KVM arm64 selftests (Debian's
# linux-source-6.12, built by scripts/kvm-selftests.sh, staged in ./kvm/) as
# they are, one TAP line per test binary: ok (exit 0), ok # SKIP (exit 4,
# upstream's KSFT_SKIP, with its reason) or not ok.  Each binary's own output,
# its nested TAP included, is passed on as '# ' comments, so that only our
# lines count.  A failure that stock KVM has in the rig too is a TAP TODO
# naming why (known_failure below).  Results go to /tmp/upstream_kvm.LABEL.
#
# upstream_kvm.sh --compare A B - one TAP line per test: run B ended as run A
# did (same exit status class, same skip reason, same upstream ok/not ok
# lines).  run_all.sh runs A=nomodule before `modprobe vmapple_kvm` and
# B=module while it is loaded: the module must change nothing KVM does.
set -u
dir=$(dirname "$0")/kvm
results=/tmp/upstream_kvm
tests="page_fault_test smccc_filter hypercalls psci_test vgic_init vgic_irq arch_timer
debug-exceptions"
# A hang fails the test rather than the whole rig run.
limit=${UPSTREAM_KVM_TIMEOUT:-300}

n=0
fail=0
result() { # OK|NOT_OK DESCRIPTION [DIRECTIVE]
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n $2${3:+ # $3}"
	else
		echo "not ok $n $2"
		fail=1
	fi
}
module_state() {
	if grep -q '^vmapple_kvm ' /proc/modules; then echo loaded; else echo absent; fi
}

# The upstream binary, with upstream's own options where its defaults do
# not fit the rig (QEMU TCG):
# - page_fault_test: only guest mode 7 (40-bit PA, 16K pages, the rig's own
#   granule); the default walks every mode, and the 52-bit ones hang TCG.
# - arch_timer: a 20 ms interrupt margin (default 100 us); TCG delivers a
#   guest timer interrupt milliseconds late.
run_one() {
	cd /tmp || exit 1
	bin=$dir/$1
	case $1 in
	page_fault_test) exec "$bin" -m 7 ;;
	arch_timer) exec "$bin" -e 20000 ;;
	*) exec "$bin" ;;
	esac
}

# Failures of stock KVM in the rig, with or without vmapple_kvm: reported
# as TAP TODO (not ours to fix), and still compared between the runs.
known_failure() {
	case $1 in
	vgic_init) echo "stock 6.12.y: the backported 'Don't eagerly teardown the vgic on" \
		"init error' marks the VM dead, and this selftest's cleanup then gets EIO" ;;
	page_fault_test) echo "QEMU TCG: DC ZVA on a read-only memslot faults twice" \
		"(ro_memslot_no_syndrome_guest_dc_zva: uffd faults 2, expected 1);" \
		"every test before it passes" ;;
	esac
}

run_all() {
	label=$1
	out=$results.$label
	state=$(module_state)
	echo "TAP version 13"
	echo "1..$(echo "$tests" | wc -w)"
	echo "# upstream KVM selftests, run '$label': vmapple_kvm $state"
	echo "module $state" >"$out"
	for t in $tests; do
		log=$out.$t.log
		start=$(date +%s)
		timeout "$limit" "$0" --one "$t" >"$log" 2>&1
		rc=$?
		secs=$(($(date +%s) - start))
		sed 's/^/# /' "$log"
		# The binary's own result lines: compared between runs.
		sum=$(grep -E '^(not )?ok [0-9]' "$log" | md5sum | cut -d' ' -f1)
		case $rc in
		0) res=pass ;;
		4) res=skip ;;
		124 | 143) res=timeout ;;
		*) res="fail($rc)" ;;
		esac
		reason=
		[ $res = skip ] && reason=$(sed -n 's/.*# SKIP *//p' "$log" | tail -n 1)
		echo "$t $res $sum $reason" >>"$out"
		desc="$t ($label, ${secs}s)"
		case $res in
		pass) result OK "$desc" ;;
		skip) result OK "$desc" "SKIP $reason" ;;
		timeout) result NOT_OK "$desc: no result within ${limit}s" ;;
		*)
			why=$(known_failure "$t")
			if [ -n "$why" ]; then
				echo "not ok $((n += 1)) $desc: exit $rc # TODO known failure: $why"
			else
				result NOT_OK "$desc: exit $rc"
			fi
			;;
		esac
	done
}

compare() {
	a=$results.$1 b=$results.$2
	echo "TAP version 13"
	echo "1..$(($(echo "$tests" | wc -w) + 1))"
	if [ "$(head -n 1 "$a" 2>/dev/null)" = "module absent" ] &&
		[ "$(head -n 1 "$b" 2>/dev/null)" = "module loaded" ]; then
		result OK "upstream KVM selftests: '$1' ran without vmapple_kvm, '$2' with it loaded"
	else
		result NOT_OK "upstream KVM selftests: '$1' ran without vmapple_kvm, '$2' with it loaded"
		echo "# $1: $(head -n 1 "$a" 2>&1); $2: $(head -n 1 "$b" 2>&1)"
	fi
	for t in $tests; do
		ra=$(grep "^$t " "$a" 2>/dev/null | cut -d' ' -f2-)
		rb=$(grep "^$t " "$b" 2>/dev/null | cut -d' ' -f2-)
		if [ -n "$ra" ] && [ "$ra" = "$rb" ]; then
			result OK "$t: same result in '$1' and '$2' (${ra%% *})"
		else
			result NOT_OK "$t: same result in '$1' and '$2'"
			echo "# $1: ${ra:-no result}"
			echo "# $2: ${rb:-no result}"
		fi
	done
}

case ${1:-} in
--one) run_one "$2" ;;
--compare)
	[ $# -eq 3 ] || { echo "usage: upstream_kvm.sh --compare LABEL_A LABEL_B" >&2; exit 2; }
	compare "$2" "$3"
	;;
'' | -*)
	echo "usage: upstream_kvm.sh LABEL | --compare LABEL_A LABEL_B" >&2
	exit 2
	;;
*) run_all "$1" ;;
esac
exit $fail
