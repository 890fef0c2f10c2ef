#!/usr/bin/env bash
# 11-boot-entry.t - the machine state at the kernel's entry, checked by the kernel itself.
#
# tests/boot/entry.asm checks Multiboot 0.6.96 section 3.2 before touching anything (EAX magic,
# CR0.PE=1 and PG=0, EFLAGS.IF=0 and VM=0, A20 on, CS/DS/ES/FS/GS/SS flat by LSL, LAR and the
# GDT), then the information flags; it prints TAP on COM1 and exits through isa-debug-exit
# (33 = all passed). Booted through our loader as ELF, as an a.out-kludge flat binary (Multiboot
# flag 16, no ELF headers at all), and with FORCE_CHS=1 (both stages skip INT 13h extensions and
# read with AH=02h: the CHS fallback path, geometry from AH=08h). POISON=1 makes the loader fill
# each segment with 0xCC before loading it, so that the kernel's "bss zeroed" check can fail
# (QEMU's RAM starts zeroed). A20TEST=<method> makes the loader turn A20 off through port 92h and
# skip the methods before <method>: each of INT 15h 2401h, port 92h and the 8042 must then turn
# it on (the loader says which did) and the kernel's own A20 check must pass. Linked high (p_vaddr
# 0xC0100000, p_paddr 1 MiB, as a higher-half kernel is), the kernel loads with a physical e_entry
# as it is and with a virtual one translated to the physical address (the loader says which).
# CR0 and CR4: the kernel reports them ("# entry: CR0 0x... CR4 0x..."); on the default CPU (the
# loader's CRC by tables) and on -cpu max (by PCLMULQDQ, for which the loader turns SSE on and
# off again) they must be what QEMU's own Multiboot loader (-kernel) hands the same kernel on the
# same CPU, i.e. what the firmware left.
source "$(dirname "$0")/../lib.sh"

TK="$BUILD/boot/tk"
tap_plan 10
high() { # ENTRY OUT: entry.elf with p_vaddr 0xC0100000 and e_entry ENTRY
	python3 - "$TK/entry.elf" "$2" "$1" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
struct.pack_into('<I', b, 52 + 8, 0xC0100000)             # p_vaddr of the one PT_LOAD
struct.pack_into('<I', b, 24, int(sys.argv[3], 0))        # e_entry
open(sys.argv[2], 'wb').write(b)
PY
}
high 0x00100010 "$T_DIR/high-phys.elf"
high 0xC0100010 "$T_DIR/high-virt.elf"
boot_entry() { # DESCRIPTION KERNEL [MAKE VARS...]
	local desc=$1 kernel=$2; shift 2
	local img="$T_DIR/boot$((T_COUNT + 1)).img" log
	log="$img.log"
	make -s -C "$ROOT" image IMAGE="$img" KERNEL="$kernel" CMDLINE="entry test" "$@" >"$img.make.log" 2>&1 \
		|| tail -n 5 "$img.make.log" | tap_diag
	rc=$(qemu_boot_image "$log" 30 "$img" 128 ${CPU:+-cpu "$CPU"})
	kernel_tap "$log"
	local fails plan cr
	fails=$(grep -a -c '^not ok' "$log")
	plan=$(grep -a -c '^1\.\.18' "$log")
	cr=$(cr_line "$log")
	if [ "$rc" = 33 ] && [ "$fails" = 0 ] && [ "$plan" = 1 ] && grep -aq "${EXPECT:-.}" "$log" &&
		{ [ -z "${CR_WANT+set}" ] || { [ -n "$CR_WANT" ] && [ "$cr" = "$CR_WANT" ]; }; }; then
		tap_ok "$desc: all 18 entry-state checks passed (exit 33)${CR_WANT+; $cr}"
	else
		tap_fail "$desc: rc $rc, $fails failed${CR_WANT+; ours \"$cr\", QEMU -kernel \"$CR_WANT\"}"
		grep -a '^boot:' "$log" | tap_diag
	fi
}
cr_line() { grep -a -m1 '^# entry: CR0' "$1" | tr -d '\r'; }
kernel_cr() { # [CPU]: the CR0/CR4 line of entry.elf started by QEMU -kernel
	local log="$T_DIR/kernel-${1:-default}.log"
	qemu_run "$log" 30 -m 128 ${1:+-cpu "$1"} -kernel "$TK/entry.elf" > /dev/null
	cr_line "$log"
}
EXPECT='^boot: kernel ELF' boot_entry "ELF kernel via IDE, INT 13h extensions, POISON=1" "$TK/entry.elf" POISON=1
EXPECT='^boot: kernel a.out kludge' boot_entry "a.out-kludge kernel (flat binary), POISON=1" "$TK/kludge.bin" POISON=1
EXPECT='^boot: disk 0x80, CHS' boot_entry "FORCE_CHS=1: both stages read with CHS" "$TK/entry.elf" FORCE_CHS=1
EXPECT='^boot: A20 on (BIOS INT 15h 2401h)' boot_entry "A20TEST=bios: A20 off first, on through INT 15h 2401h" "$TK/entry.elf" A20TEST=bios
EXPECT='^boot: A20 on (port 92h)' boot_entry "A20TEST=port92: A20 off first, on through port 92h" "$TK/entry.elf" A20TEST=port92
EXPECT='^boot: A20 on (keyboard controller)' boot_entry "A20TEST=kbc: A20 off first, on through the 8042" "$TK/entry.elf" A20TEST=kbc
EXPECT='^boot: kernel ELF, 1 segments, entry 0x00100010 (physical)' boot_entry "linked high, physical e_entry: loaded as it is" "$T_DIR/high-phys.elf"
EXPECT='^boot: kernel ELF, 1 segments, entry 0x00100010 (virtual 0xC0100010)' boot_entry "linked high, virtual e_entry: translated to p_paddr" "$T_DIR/high-virt.elf"
CR_WANT=$(kernel_cr) EXPECT='^boot: crc32 tables' \
	boot_entry "default CPU: CRC-32 by tables, CR0 and CR4 as under QEMU -kernel" "$TK/entry.elf"
CPU=max CR_WANT=$(kernel_cr max) EXPECT='^boot: crc32 pclmul' \
	boot_entry "-cpu max: CRC-32 by PCLMULQDQ, CR0 and CR4 restored: as under QEMU -kernel" "$TK/entry.elf"
tap_done
