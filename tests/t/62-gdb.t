#!/usr/bin/env bash
# 62-gdb.t - the gdb setup of `make gdb` steps real mode and protected mode and stops in kmain.
#
# The same files make gdb uses (build/gdb/facts.gdb, build/gdb/target-i8086.xml, tools/gdbinit)
# drive gdb in batch mode against QEMU paused on a disk image built by the project's recipe (our
# loader + build/kernel/kernel.elf, command line `qemu-exit`), over a private Unix socket so that
# parallel tests cannot collide on port 1234. gdb runs under a timeout; QEMU is killed at the end.
# Checks: at the reset vector the hook chose i8086 and decodes SeaBIOS's far jump as 16-bit code;
# the loader entry (0x7C00) is reached in real mode (CS:IP 0000:7C00); the break at the paging
# switch in the kernel's entry code (boot_write_cr0, a physical address: the early code's symbols
# are physical) sees PG go from 0 to 1 over one stepi; kmain (a high address) is reached in
# protected mode with paging on, the first argument (magic) = 0x36D76289, decoded as i386 (the
# image boots the kernel through Multiboot2, make image's default for a kernel with that header).
source "$(dirname "$0")/../lib.sh"
KERNEL=${KERNEL:-$BUILD/kernel/kernel.elf}
GDB_DIR=$BUILD/gdb
tap_plan 8

img="$T_DIR/disk.img"
rm -f "$img" "$T_DIR"/*.log "$T_DIR/gdb.sock"
if make_image "$img" "$KERNEL" "qemu-exit" && [ -f "$GDB_DIR/facts.gdb" ] && [ -f "$GDB_DIR/target-i8086.xml" ]; then
	tap_ok "disk image with our loader and the kernel; gdb facts and i8086 description present"
else
	tap_fail "disk image or gdb files (make test-prereqs builds $GDB_DIR/*)"; tap_diag <"$img.make.log"
fi

timeout -k 5 90 "$QEMU" -S -gdb "unix:$T_DIR/gdb.sock,server=on,wait=off" -display none -monitor none \
	-no-reboot -m 128 -serial "file:$T_DIR/serial.log" -device isa-debug-exit,iobase=0xf4,iosize=4 \
	-drive "file=$img,format=raw,if=ide" </dev/null >"$T_DIR/qemu.log" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null; wait $qpid 2>/dev/null' EXIT
for _ in $(seq 50); do [ -S "$T_DIR/gdb.sock" ] && break; sleep 0.1; done

# Each step is its own -ex so that one failing step does not hide the others' output.
timeout -k 5 60 gdb -batch -q -nx -x "$GDB_DIR/facts.gdb" -ex "set tdesc filename $GDB_DIR/target-i8086.xml" \
	-x "$ROOT/tools/gdbinit" \
	-ex "target remote $T_DIR/gdb.sock" \
	-ex 'printf "STEP reset pe=%d\n", $x86_pe' \
	-ex 'break *$LOADER_MBR_ADDR' -ex 'continue' \
	-ex 'printf "STEP mbr pe=%d cs:ip=%04x:%04x\n", $x86_pe, $cs, (unsigned int)$eip' \
	-ex 'show architecture' \
	-ex 'break boot_write_cr0' -ex 'continue' \
	-ex 'printf "STEP paging before pg=%d cr3=0x%08x eip=0x%08x\n", ($cr0 & $CR0_PG) != 0, $cr3, $eip' \
	-ex 'stepi' \
	-ex 'printf "STEP paging after pg=%d wp=%d cr3=0x%08x eip=0x%08x\n", ($cr0 & $CR0_PG) != 0, ($cr0 & $CR0_WP) != 0, $cr3, $eip' \
	-ex 'break *kmain' -ex 'continue' \
	-ex 'printf "STEP kmain pe=%d at_kmain=%d arg0=0x%08x pc=0x%08x pg=%d\n", $x86_pe, $pc == kmain, *(unsigned int *)($esp + 4), $pc, ($cr0 & $CR0_PG) != 0' \
	-ex 'info symbol $pc' -ex 'show architecture' -ex 'x/1i $pc' -ex 'info args' \
	-ex 'kill' "$KERNEL" </dev/null >"$T_DIR/gdb.log" 2>&1
echo "# gdb exit status $?"

log="$T_DIR/gdb.log"
if grep -q "STEP reset pe=0" "$log" && grep -q "CR0.PE=0: real mode, decoding as i8086" "$log" \
	&& grep -qE "jmp +0xf000:0xe05b" "$log"; then
	tap_ok "reset vector: CR0.PE=0 -> i8086, SeaBIOS's far jump decoded as 16-bit (jmp 0xf000:0xe05b)"
else tap_fail "reset vector in real mode"; tap_diag <"$log"; fi
if grep -q "STEP mbr pe=0 cs:ip=0000:7c00" "$log" && grep -q 'currently "i8086"\|set to "i8086"\|is "i8086"' "$log"; then
	tap_ok "break at the loader entry: real mode 0000:7c00, architecture i8086"
else tap_fail "loader entry 0x7c00"; tap_diag <"$log"; fi
if grep -q "CR0.PE=1: protected mode, decoding as i386" "$log" && grep -q "STEP kmain pe=1 " "$log"; then
	tap_ok "kmain reached in protected mode, hook switched to i386"
else tap_fail "kmain in protected mode"; tap_diag <"$log"; fi
# cdecl (i386 System V ABI 2.2.2): at the first instruction the first argument is at [esp+4]; this
# does not depend on how the optimiser placed `magic` later (gdb's `info args` shows that too).
if grep -q "^Breakpoint 3, .*kmain (magic=" "$log" && grep -q "STEP kmain pe=1 at_kmain=1 arg0=0x36d76289" "$log" \
	&& grep -q "^kmain in section .text" "$log"; then
	tap_ok "stopped at kmain with magic (first argument) = 0x36D76289 (Multiboot2)"
else tap_fail "kmain magic"; tap_diag <"$log"; fi
if grep -qE "<kmain(\+[0-9]+)?>:.*(e[a-d]x|e[sb]p|e[sd]i)" "$log"; then
	tap_ok "kernel code decoded as 32-bit (i386 registers in the disassembly)"
else tap_fail "32-bit decoding at kmain"; tap_diag <"$log"; fi
# The paging switch: stopped on the MOV to CR0 with CR3 loaded and PG clear; one stepi later PG
# and WP are set and CR3 is unchanged (the hook keeps i386); the code runs at physical addresses.
before=$(sed -n 's/^STEP paging before pg=\([01]\) cr3=\(0x[0-9a-f]*\) eip=.*$/\1 \2/p' "$log")
after=$(sed -n 's/^STEP paging after pg=\([01]\) wp=\([01]\) cr3=\(0x[0-9a-f]*\) eip=.*$/\1 \2 \3/p' "$log")
if [ -n "$before" ] && [ "${before%% *}" = 0 ] && [ "${before#* }" != 0x00000000 ] \
	&& [ "$after" = "1 1 ${before#* }" ] && grep -q "in boot_write_cr0 ()" "$log"; then
	tap_ok "paging switch: break on the CR0 write (CR3=${before#* }, PG=0), stepi -> PG=1 WP=1"
else tap_fail "paging switch (before '$before', after '$after')"; tap_diag <"$log"; fi
# Symbols: the entry code's at physical addresses (near 1 MiB), kmain's in the higher half.
cr0_eip=$(sed -n 's/^STEP paging before .* eip=\(0x[0-9a-f]*\)$/\1/p' "$log")
kmain_pc=$(sed -n 's/^STEP kmain .* pc=\(0x[0-9a-f]*\) pg=1$/\1/p' "$log")
if [ -n "$cr0_eip" ] && [ -n "$kmain_pc" ] && (( cr0_eip >= 0x100000 && cr0_eip < 0x200000 )) \
	&& (( kmain_pc >= 0xc0100000 )); then
	tap_ok "symbols: boot_write_cr0 at physical $cr0_eip (paging off), kmain at $kmain_pc (higher half, paging on)"
else tap_fail "symbol addresses (boot_write_cr0 '$cr0_eip', kmain '$kmain_pc')"; tap_diag <"$log"; fi
tap_done
