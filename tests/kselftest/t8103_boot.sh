#!/bin/sh
# t8103_boot.sh [nomodule] - a Linux kernel built with ARCH_APPLE, APPLE_AIC
# and the Samsung/Apple UART (scripts/rig/apple-kernel.config) boots on the
# t8103 board, whose only interrupt controller is vmapple_kvm's AIC, with 2
# and then 4 vCPUs (e- and p-cores, so fast IPIs go within and across
# clusters): every CPU comes online through spin-table, the timer ticks
# (FIQs), 1000 rounds of cross-CPU work complete with IPIs counted in
# /proc/interrupts, a line typed on the host reaches the shell through the
# UART (2 vCPUs), and PSCI powers it off.  "nomodule": without the module
# the board refuses to start and says why.
. "$(dirname "$0")/tap.sh"
guest=$(cd "$(dirname "$0")" && pwd)/guest
work=/tmp/t8103_boot
rm -rf "$work"
mkdir -p "$work" && cd "$work" || exit 1

if [ "${1:-}" = nomodule ]; then
	tap_plan 2
	t "no module loaded: --board t8103 refuses, saying there is no userspace AIC" \
		expect 1 "needs vmapple_kvm \(its AIC is in the module; there is no userspace AIC\)" \
		vmapple run --board t8103 --kernel "$guest/t8103-Image" --cpus 2 --mem 256M
	t "--module none: refused the same way" \
		expect 1 "needs vmapple_kvm .*--module is none" \
		vmapple run --board t8103 --kernel "$guest/t8103-Image" --module none
	tap_exit
fi

tap_plan 15
# boot CPUS: one run, its console in out.CPUS.log; 0 when it powered off.
# With 2 vCPUs a line is typed on the launcher's stdin once the guest asks.
boot() {
	if [ "$1" != 2 ]; then
		timeout 300 vmapple run --board t8103 --kernel "$guest/t8103-Image" \
			--initrd "$guest/t8103-initramfs.cpio.gz" --cpus "$1" --mem 256M \
			--append "console=ttySAC0 earlycon panic=-1" >"out.$1.log" 2>&1
		return
	fi
	rm -f in.fifo && mkfifo in.fifo
	timeout 300 vmapple run --board t8103 --kernel "$guest/t8103-Image" \
		--initrd "$guest/t8103-initramfs.cpio.gz" --cpus 2 --mem 256M \
		--append "console=ttySAC0 earlycon panic=-1 vmapple.input" <in.fifo >out.2.log 2>&1 &
	run=$!
	exec 3>in.fifo
	n=0
	until grep -q "GUEST: ready for input" out.2.log || [ $n -ge 2400 ]; do
		kill -0 "$run" 2>/dev/null || break
		sleep 0.1
		n=$((n + 1))
	done
	# A launcher already gone must not take this shell with it (SIGPIPE).
	(trap '' PIPE; echo "typed-$((6 * 7))-on-the-host") >&3 2>/dev/null
	wait "$run"
	rc=$?
	exec 3>&-
	return $rc
}
line() { tr -d '\r' <"out.$1.log" | grep -m1 "^GUEST: $2"; }
has() { line "$1" "$2" | grep -Eq "$3" || { echo "got: '$(line "$1" "$2")'"; tail -n 30 "out.$1.log"; return 1; }; }
ticking() {
	set -- $(line "$1" "timer ticks" | sed 's/.*ticks //; s/ then / /')
	[ -n "$2" ] && [ "$2" -gt "$1" ] || { echo "timer ticks: '$*'"; return 1; }
}
ipis_counted() {
	set -- $(line "$1" "ipi rounds" | sed 's/.*ipis //; s/ then / /')
	[ -n "$2" ] && [ $(($2 - $1)) -ge 1000 ] || { echo "IPIs before/after: '$*'"; return 1; }
}

for cpus in 2 4; do
	boot "$cpus"
	rc=$?
	last=$((cpus - 1))
	t "$cpus vCPUs: the kernel powers off through PSCI (exit 0)" sh -c "[ $rc = 0 ] || { echo rc $rc; tail -n 40 out.$cpus.log; exit 1; }"
	t "$cpus vCPUs: every CPU online by spin-table" has "$cpus" "online" "online 0-$last nproc $cpus"
	t "$cpus vCPUs: the AIC driver owns the interrupts" has "$cpus" "irqchip" "AIC"
	t "$cpus vCPUs: the timer ticks (guest timer FIQs from the module)" ticking "$cpus"
	t "$cpus vCPUs: 1000 rounds of cross-CPU work complete" has "$cpus" "ipi rounds" "rounds 1000"
	t "$cpus vCPUs: IPIs counted in /proc/interrupts grew by at least 1000" ipis_counted "$cpus"
	[ "$cpus" = 2 ] && t "2 vCPUs: a line typed on the host reaches the guest's shell (UART input)" \
		has 2 "typed" "typed: typed-42-on-the-host$"
	t "$cpus vCPUs: the module served the AIC and its system registers" \
		sh -c "grep -Eq 'aic: mmio [1-9][0-9]*, sysreg [1-9][0-9]*, fast IPIs [1-9]' out.$cpus.log || { grep '^aic:' out.$cpus.log; exit 1; }"
	# What the guest saw, for the record.
	tr -d '\r' <"out.$cpus.log" | grep -E '^(GUEST:|aic:)' | sed "s/^/# $cpus vCPUs: /"
done
tap_exit
