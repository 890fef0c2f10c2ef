#!/usr/bin/env bash
# 14-boot-bochs.t - the loader under Bochs, which checks segment limits and descriptor details
# that QEMU's TCG lets through (rust-osdev/bootloader issue 327; docs/boot.md, Sources). Runs a
# copy of the project's bochsrc (only the image, COM1 and log paths changed; rfb display with
# timeout=0, i.e. headless) with tests/boot/bochs-run.rc: only "continue" lines, one per debugger stop (the start and each magic
# breakpoint the kernel has). Bochs has no isa-debug-exit: we watch the output and stop Bochs
# (by its process id) once the expected last line is there, or after 120 s.
#   1. the entry-state test kernel: all 18 TAP checks pass ("1..18", no "not ok") on COM1;
#   2. the same with FORCE_CHS=1 and A20TEST=kbc: CHS reads with the Bochs BIOS's geometry, A20
#      turned off and then on through the 8042 only;
#   3. our kernel with test=boot: it prints our loader's name and a map, and its suite passes.
#      Read from port 0xE9 (Bochs' stdout): the kernel's COM1 probe (loopback) stays silent on
#      Bochs' file-backed COM1.
source "$(dirname "$0")/../lib.sh"

tap_plan 3
bochs_boot entry "$BUILD/boot/tk/entry.elf" "" '^1\.\.' com1
log="$T_DIR/entry.com1"
kernel_tap "$log"
if grep -aq '^1\.\.18' "$log" && [ "$(grep -a -c '^ok' "$log")" = 18 ] && ! grep -aq '^not ok' "$log"; then
	tap_ok "Bochs: entry-state kernel through our loader, 18/18 checks"
else
	tap_fail "Bochs: entry-state kernel"; grep -a '^boot:\|^MBR' "$log" | tap_diag; tail -n 3 "$T_DIR/entry.out" | tap_diag
fi
bochs_boot chs "$BUILD/boot/tk/entry.elf" "" '^1\.\.' com1 FORCE_CHS=1 A20TEST=kbc
log="$T_DIR/chs.com1"
if grep -aq '^1\.\.18' "$log" && [ "$(grep -a -c '^ok' "$log")" = 18 ] && ! grep -aq '^not ok' "$log" && \
   grep -aq '^boot: disk 0x80, CHS' "$log" && grep -aq '^boot: A20 on (keyboard controller)' "$log"; then
	tap_ok "Bochs: FORCE_CHS=1 A20TEST=kbc: CHS reads, A20 through the 8042, 18/18 checks"
else
	tap_fail "Bochs: FORCE_CHS=1 A20TEST=kbc"; grep -a '^boot:\|^MBR\|^not ok' "$log" | tap_diag
fi
bochs_boot kernel "$BUILD/kernel/kernel.elf" "test=boot" '^1\.\.[0-9]' out
log="$T_DIR/kernel.out"
if grep -aq '^multiboot: loader "ourboot 0.1"' "$log" && grep -aq '^BIOS-e820: \[mem 0x0000000000100000-' "$log" && \
   grep -aq '^1\.\.[0-9]' "$log" && ! grep -aq '^not ok' "$log"; then
	tap_ok "Bochs: our kernel booted, $(grep -a -c '^BIOS-e820' "$log") map entries, its boot suite passed"
else
	tap_fail "Bochs: our kernel"; grep -a '^boot:\|^MBR' "$T_DIR/kernel.com1" | tap_diag
	grep -a '^multiboot\|^not ok\|PANIC' "$log" | tap_diag
fi
tap_done
