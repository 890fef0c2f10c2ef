#!/usr/bin/env bash
# 30-kernel-bochs.t - the kernel's own suites (boot, traps, kbase) under Bochs, through our
# loader. Bochs checks descriptors, the TSS and task gates, the PIC and the UART more strictly
# than QEMU's TCG. Booted by bochs_boot (tests/lib.sh), as in 14-boot-bochs.t; COM1 is watched
# for the runner's last line (`ktest:`).
#   1. every check passes, the plan matches, and the output reached COM1 (the UART probe works);
#   2. port 0xE9 (port_e9_hack) carries the same TAP as COM1.
source "$(dirname "$0")/../lib.sh"
tap_plan 2
KERNEL="$BUILD/kernel/kernel.elf"
com1="$T_DIR/kernel.com1" out="$T_DIR/kernel.out"
if ! command -v bochs >/dev/null; then
	tap_fail "bochs missing"; tap_fail "port 0xE9"; tap_done
fi
bochs_boot kernel "$KERNEL" "test=boot,traps,kbase" '^ktest:' com1

kernel_tap "$com1"
n_ok=$(grep -a -c '^ok ' "$com1")
plan=$(grep -a -o -m1 '^1\.\.[0-9]*' "$com1" | cut -d. -f3)
if [ "$n_ok" -gt 0 ] && [ "${plan:-x}" = "$n_ok" ] && ! grep -aq '^not ok' "$com1" &&
	grep -aq '^multiboot: loader "ourboot' "$com1"; then
	tap_ok "Bochs: boot, traps and kbase suites pass on COM1 ($n_ok checks)"
else
	tap_fail "Bochs: suites on COM1 (${n_ok} ok, plan ${plan:-none})"
	grep -a '^boot:\|PANIC\|EXCEPTION' "$com1" | tap_diag; tail -n 3 "$T_DIR/kernel.bochs.log" | tap_diag
fi
if [ "$(grep -a -E '^(ok|not ok|1\.\.)' "$out")" = "$(grep -a -E '^(ok|not ok|1\.\.)' "$com1")" ] && [ "$n_ok" -gt 0 ]; then
	tap_ok "Bochs: port 0xE9 carries the same TAP as COM1"
else
	tap_fail "Bochs: port 0xE9 output differs from COM1"
fi
tap_done
