#!/usr/bin/env bash
# 13-boot-bad.t - bad kernels and images end at the loader's specific message, and halt.
#
# Each case is made from the entry-state test kernel (tests/boot/entry.asm, its Multiboot header
# at file offset 0x1000) by python3 below, put in an image by the project's recipe, and booted
# with -no-reboot (a reset would make QEMU exit). A case passes when the serial log has the
# expected message, the loader started exactly once (no reboot loop), the kernel never ran, and
# QEMU was still running, halted, when the timeout stopped it (status 124).
source "$(dirname "$0")/../lib.sh"

TK="$BUILD/boot/tk"
SECS=6
mk() { # NAME: writes $T_DIR/NAME.kernel
	python3 - "$TK/entry.elf" "$T_DIR/$1.kernel" "$1" <<'PY'
import struct, sys
src, dst, case = sys.argv[1:]
b = bytearray(open(src, 'rb').read())
mb = b.find(struct.pack('<I', 0x1BADB002))
def set_flags(f):
    struct.pack_into('<III', b, mb, 0x1BADB002, f, (-(0x1BADB002 + f)) & 0xFFFFFFFF)
if case == 'truncated':    b = b[:mb + 64]                   # header kept, segment cut short
elif case == 'checksum':   b[mb + 8] ^= 0x01                 # checksum off by one bit
elif case == 'empty':      b = b''
elif case == 'flags':      set_flags(0x00000022)             # bit 5: unknown, required
elif case == 'machine':    struct.pack_into('<H', b, 18, 62) # EM_X86_64
elif case == 'noelf':      b[0:4] = b'\0\0\0\0'              # no ELF magic, no kludge flag
open(dst, 'wb').write(b)
PY
}
# name | kernel file (empty: made by mk) | -m | expected message (grep -F)
cases=(
	"truncated||128|boot: error: kernel truncated: segment 0 lies beyond the file's end at 0x"
	"checksum||128|boot: error: Multiboot header checksum wrong"
	"empty||128|boot: error: no kernel on the disk"
	"outside-ram|$TK/entry-high.elf|128|boot: error: kernel not in usable RAM (E820 map): segment 0 at 0x40000000-0x"
	"edge|$TK/entry-edge.elf|128|boot: error: kernel not in usable RAM (E820 map): segment 0 at 0x07FDF000-0x"
	"flags||128|boot: error: Multiboot header requires flags 0x0020, which this loader does not support"
	"machine||128|boot: error: ELF kernel is not for i386 (EM_386)"
	"noelf||128|boot: error: kernel is not ELF and has no a.out-kludge Multiboot header"
)
tap_plan ${#cases[@]}
for c in "${cases[@]}"; do
	IFS='|' read -r name kernel mem want <<<"$c"
	if [ -z "$kernel" ]; then mk "$name"; kernel="$T_DIR/$name.kernel"; fi
	img="$T_DIR/$name.img"
	make_image "$img" "$kernel" "" || tail -n 5 "$img.make.log" | tap_diag
	( qemu_boot_image "$img.log" $SECS "$img" "$mem" > "$img.rc" ) &
done
wait
for c in "${cases[@]}"; do
	IFS='|' read -r name kernel mem want <<<"$c"
	img="$T_DIR/$name.img"; log="$img.log"; rc=$(cat "$img.rc")
	starts=$(grep -a -c '^boot: stage2' "$log")
	if grep -aqF "$want" "$log" && [ "$rc" = 124 ] && [ "$starts" = 1 ] && ! grep -aq '^TAP version' "$log"; then
		tap_ok "$name: \"$(grep -aF "$want" "$log" | tr -d '\r')\", then halted (still running at ${SECS}s, one start)"
	else
		tap_fail "$name: want \"$want\", rc $rc (124 = halted), $starts starts"; grep -a '^boot:\|^MBR' "$log" | tap_diag
	fi
done
tap_done
