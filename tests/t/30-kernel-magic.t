#!/usr/bin/env bash
# 30-kernel-magic.t - the kernel refuses a wrong Multiboot magic, and panic() names its caller.
#
#   1. QEMU -kernel, paused; gdb stops at _start, puts 0x12345678 in EAX (where the loader leaves
#      the magic, Multiboot spec 3.2) and lets it run: kmain must panic with
#      "PANIC: bad Multiboot magic 0x12345678 ..." and then halt - not exit, not reset: the command
#      line is not trusted yet, so `qemu-exit` on it must not be obeyed. QEMU still runs after 2 s.
#   2. trap=bogus: an ordinary panic() call; the report names the calling function from the
#      kernel's embedded symbol table and QEMU exits with status 35 (qemu-exit given).
#   3. a command line longer than the kernel's copy (CMDLINE_MAX - 1 = 1023 characters): the boot
#      log says it was cut, the words in the kept part still work (qemu-exit), status 33.
# gdb talks to QEMU over a private Unix socket so parallel tests cannot collide.
source "$(dirname "$0")/../lib.sh"
KERNEL="$BUILD/kernel/kernel.elf"
tap_plan 4
if [ ! -f "$KERNEL" ] || ! command -v gdb >/dev/null; then
	for i in 1 2 3 4; do tap_fail "kernel.elf or gdb missing"; done
	tap_done
fi

sock="$T_DIR/gdb.sock" log="$T_DIR/magic.log"
rm -f "$sock" "$log"
"$QEMU" -S -gdb "unix:$sock,server=on,wait=off" -display none -monitor none -no-reboot -m 128 \
	-serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel "$KERNEL" -append "qemu-exit" </dev/null >"$T_DIR/qemu.log" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null; wait $qpid 2>/dev/null' EXIT
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
timeout -k 5 60 gdb -batch -q -nx -ex "target remote $sock" -ex 'break *_start' -ex 'continue' \
	-ex 'printf "STEP at_start=%d eax=0x%08x\n", $pc == _start, $eax' \
	-ex 'set $eax = 0x12345678' -ex 'detach' "$KERNEL" </dev/null >"$T_DIR/gdb.log" 2>&1
for _ in $(seq 40); do grep -a -q '^PANIC' "$log" 2>/dev/null && break; sleep 0.1; done
sleep 1
if grep -q 'STEP at_start=1 eax=0x2badb002' "$T_DIR/gdb.log"; then
	tap_ok "gdb stopped at _start with the loader's magic 0x2badb002 in EAX, replaced it"
else
	tap_fail "gdb did not stop at _start with EAX=0x2badb002"; tap_diag <"$T_DIR/gdb.log"
fi
if grep -a -q '^PANIC: bad Multiboot magic 0x12345678 in EAX (expected 0x2badb002 or 0x36d76289)' "$log" &&
	grep -a -q -E '^panic: called from 0x[0-9a-f]{8} \(kmain\+0x[0-9a-f]+\)$' "$log" &&
	! grep -a -q '^multiboot:' "$log" && kill -0 $qpid 2>/dev/null; then
	tap_ok "wrong magic: panic names the value and kmain, prints no boot info, halts (QEMU still running)"
else
	tap_fail "wrong magic: no panic, or QEMU exited"; tap_diag <"$log"
fi

log="$T_DIR/bogus.log"
rc=$(qemu_run "$log" 30 -m 128 -kernel "$KERNEL" -append "trap=bogus qemu-exit")
if [ "$rc" = 35 ] && grep -a -q '^PANIC: trap=bogus: unknown exception' "$log" &&
	grep -a -q -E '^panic: called from 0x[0-9a-f]{8} \(trap_raise_from_cmdline\+0x[0-9a-f]+\)$' "$log"; then
	tap_ok "panic(): message, caller named (trap_raise_from_cmdline+...), status 35"
else
	tap_fail "panic() report or exit status $rc (want 35)"; tap_diag <"$log"
fi

log="$T_DIR/long.log"
long="nomonitor qemu-exit $(printf 'x%.0s' $(seq 1100))"
rc=$(qemu_run "$log" 30 -m 128 -kernel "$KERNEL" -append "$long")
if [ "$rc" = 33 ] &&
	grep -a -q '^multiboot: cmdline longer than 1023 characters: the kernel uses the first 1023$' "$log"; then
	tap_ok "a ${#long}-character command line: the cut is reported, the kept words work, status 33"
else
	tap_fail "long command line: no cut reported, or exit status $rc (want 33)"; tap_diag <"$log"
fi
tap_done
