#!/usr/bin/env bash
# 13-boot-bad.t - bad kernels end at the loader's specific message, and halt; tools/mbcheck.py
# refuses the same kernels with the same words before an image is built.
#
# Each case is made from a test kernel (tests/boot/entry.asm as ELF, its Multiboot header at file
# offset 0x1000 and one PT_LOAD at 1 MiB; or as an a.out-kludge flat binary) by python3 below, put
# in an image by the project's recipe with NOCHECK=1 (else `make image` refuses it, which is the
# host half of the test), and booted with -no-reboot (a reset would make QEMU exit). A boot passes
# when the serial log has "boot: error: <message>", the loader started exactly once (no reboot
# loop), the kernel never ran, and QEMU was still running, halted, when the timeout stopped it
# (status 124). The host half: mbcheck.py exits 1 with "error: <message>", the same words; for the
# two cases that depend on the machine's memory map it accepts the kernel (stage 2 decides).
source "$(dirname "$0")/../lib.sh"

TK="$BUILD/boot/tk"
SECS=6
mk() { # NAME: writes $T_DIR/NAME.kernel
	python3 - "$TK/entry.elf" "$TK/kludge.bin" "$T_DIR/$1.kernel" "$1" <<'PY'
import struct, sys
src, kludge, dst, case = sys.argv[1:]
b = bytearray(open(src, 'rb').read())
mb = b.find(struct.pack('<I', 0x1BADB002))
PH = 52                                                   # the one program header
def set_flags(f):
    struct.pack_into('<III', b, mb, 0x1BADB002, f, (-(0x1BADB002 + f)) & 0xFFFFFFFF)
def add_phdr(*fields):                                    # type, offset, vaddr, paddr, filesz, memsz
    n = struct.unpack_from('<H', b, 44)[0]
    struct.pack_into('<IIIIIIII', b, PH + 32 * n, *fields, 7, 0x1000)
    struct.pack_into('<H', b, 44, n + 1)
if case == 'truncated':    b = b[:mb + 64]                   # header kept, segment cut short
elif case == 'checksum':   b[mb + 8] ^= 0x01                 # checksum off by one bit
elif case == 'empty':      b = b''
elif case == 'flags':      set_flags(0x00000022)             # bit 5: unknown, required
elif case == 'machine':    struct.pack_into('<H', b, 18, 62) # EM_X86_64
elif case == 'noelf':      b[0:4] = b'\0\0\0\0'              # no ELF magic, no kludge flag
elif case == 'entry0':     struct.pack_into('<I', b, 24, 0)  # e_entry outside every segment
elif case == 'entry-top':  struct.pack_into('<I', b, 24, 0xFFFFFFF0)
elif case == 'overlap':    add_phdr(1, 0x1000, 0x101000, 0x101000, 0, 0x1000)  # inside segment 0
elif case == 'memsz0':     add_phdr(1, 0x1000, 0x200000, 0x200000, 0x10, 0)   # file bytes, no memory
elif case == 'filesz':     struct.pack_into('<I', b, PH + 16, struct.unpack_from('<I', b, PH + 20)[0] + 1)
elif case == 'low':        struct.pack_into('<I', b, PH + 12, 0x8000)          # p_paddr below 1 MiB
elif case == 'wrap':       struct.pack_into('<I', b, PH + 12, 0xFFFFF000)
elif case == 'aout-entry':                                # entry_addr past load_end_addr
    b = bytearray(open(kludge, 'rb').read())
    struct.pack_into('<I', b, b.find(struct.pack('<I', 0x1BADB002)) + 28, 0x200000)
elif case == 'aout-bss':                                  # bss_end_addr below load_addr
    b = bytearray(open(kludge, 'rb').read())
    struct.pack_into('<I', b, b.find(struct.pack('<I', 0x1BADB002)) + 24, 0x7C00)
open(dst, 'wb').write(b)
PY
}
# The probe's segment size and the flat binary's size give the ends the messages print.
memsz=$(python3 -c 'import struct, sys; b = open(sys.argv[1], "rb").read(); print(struct.unpack_from("<I", b, struct.unpack_from("<I", b, 28)[0] + 20)[0])' "$TK/entry.elf")
last() { printf '0x%08X' $(( ($1 + $2 - 1) & 0xFFFFFFFF )); } # BASE SIZE: the last byte
# name | kernel file (empty: made by mk) | host: the words are mbcheck.py's too (no: it accepts) |
# expected message after "boot: error: " (grep -F)
cases=(
	"truncated||yes|kernel truncated: segment 0 lies beyond the file's end at 0x"
	"checksum||yes|Multiboot header checksum wrong"
	"empty||yes|no kernel on the disk"
	"outside-ram|$TK/entry-high.elf|no|kernel not in usable RAM (E820 map): segment 0 at 0x40000000-0x"
	"edge|$TK/entry-edge.elf|no|kernel not in usable RAM (E820 map): segment 0 at 0x07FDF000-0x"
	"flags||yes|Multiboot header requires flags 0x0020, which this loader does not support"
	"machine||yes|ELF kernel is not for i386 (EM_386)"
	"noelf||yes|kernel is not ELF and has no a.out-kludge Multiboot header"
	"entry0||yes|kernel entry point 0x00000000 is not inside a loaded segment (as a physical or a virtual address)"
	"entry-top||yes|kernel entry point 0xFFFFFFF0 is not inside a loaded segment"
	"overlap||yes|kernel segments overlap: segment 1 at 0x00101000-0x00101FFF and segment 0"
	"memsz0||yes|ELF segment has p_filesz > p_memsz"
	"filesz||yes|ELF segment has p_filesz > p_memsz"
	"low||yes|kernel below 1 MiB (loader and BIOS area): segment 0 at 0x00008000-$(last 0x8000 "$memsz")"
	"wrap||yes|kernel segment wraps past 4 GiB: segment 0 at 0xFFFFF000-$(last 0xFFFFF000 "$memsz")"
	"aout-entry||yes|a.out-kludge entry_addr 0x00200000 outside the loaded image 0x00100000-$(last 0x100000 "$(stat -c %s "$TK/kludge.bin")")"
	"aout-bss||yes|a.out-kludge header addresses inconsistent"
)
tap_plan $(( 2 * ${#cases[@]} ))
run_case() { # NAME KERNEL: image, boot (eight QEMUs at a time: once halted they idle)
	local img="$T_DIR/$1.img"
	rm -f "$img" "$img.log"
	make -s -C "$ROOT" image IMAGE="$img" KERNEL="$2" NOCHECK=1 >"$img.make.log" 2>&1 \
		|| tail -n 5 "$img.make.log" | tap_diag
	qemu_boot_image "$img.log" $SECS "$img" 128 > "$img.rc"
}
i=0
for c in "${cases[@]}"; do
	IFS='|' read -r name kernel host want <<<"$c"
	if [ -z "$kernel" ]; then mk "$name"; kernel="$T_DIR/$name.kernel"; fi
	run_case "$name" "$kernel" &
	if (( ++i % 8 == 0 )); then wait; fi
done
wait
for c in "${cases[@]}"; do
	IFS='|' read -r name kernel host want <<<"$c"
	img="$T_DIR/$name.img"; log="$img.log"; rc=$(cat "$img.rc")
	[ -n "$kernel" ] || kernel="$T_DIR/$name.kernel"
	starts=$(grep -a -c '^boot: stage2' "$log")
	if grep -aqF "boot: error: $want" "$log" && [ "$rc" = 124 ] && [ "$starts" = 1 ] && ! grep -aq '^TAP version' "$log"; then
		tap_ok "$name: \"$(grep -aF "$want" "$log" | tr -d '\r')\", then halted (still running at ${SECS}s, one start)"
	else
		tap_fail "$name: want \"boot: error: $want\", rc $rc (124 = halted), $starts starts"; grep -a '^boot:\|^MBR' "$log" | tap_diag
	fi
	hrc=0; out=$(python3 "$ROOT/tools/mbcheck.py" "$kernel" 2>&1) || hrc=$?
	if [ "$host" = yes ] && [ "$hrc" = 1 ] && grep -qF "error: $want" <<<"$out"; then
		tap_ok "$name: mbcheck.py refuses it with the same words"
	elif [ "$host" = no ] && [ "$hrc" = 0 ]; then
		tap_ok "$name: mbcheck.py accepts it (usable RAM is the machine's to say): $out"
	else
		tap_fail "$name: mbcheck.py exit $hrc (host: $host): $out"
	fi
done
tap_done
