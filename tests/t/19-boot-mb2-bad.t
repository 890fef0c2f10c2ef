#!/usr/bin/env bash
# 19-boot-mb2-bad.t - bad Multiboot2 headers end at the loader's named message, and halt; the
# host check of `make image` (tools/mbcheck.py) refuses each with the same words.
#
# Each case is the Multiboot2 probe (tests/boot/mb2probe.asm; the flat address-tag build for the
# address cases) with one field of its header changed by python3 below, the header checksum
# recomputed unless the case is the checksum itself. The image is built with PROTOCOL=multiboot2
# NOCHECK=1 so that stage 2 sees the bad header. A case passes when the host check printed
# the message and failed, the serial log has the message, the loader started once, the kernel
# never ran, and QEMU was still running, halted, when the timeout stopped it (status 124).
source "$(dirname "$0")/../lib.sh"

TK="$BUILD/boot/tk"
SECS=6
mk() { # NAME SOURCE: writes $T_DIR/NAME.kernel
	python3 - "$2" "$T_DIR/$1.kernel" "$1" <<'PY'
import struct, sys
src, dst, case = sys.argv[1:]
b = bytearray(open(src, 'rb').read())
h = b.find(struct.pack('<I', 0xE85250D6))
def fix():   # checksum = -(magic + architecture + header_length)
    m, a, l = struct.unpack_from('<III', b, h)
    struct.pack_into('<I', b, h + 12, -(m + a + l) & 0xFFFFFFFF)
def tag(t):  # offset of the first header tag of type t
    o = h + 16
    while True:
        typ, _, size = struct.unpack_from('<HHI', b, o)
        if typ == t: return o
        assert typ != 0
        o += (size + 7) & ~7
if case == 'checksum':   b[h + 12] ^= 1
elif case == 'arch':     struct.pack_into('<I', b, h + 4, 1)
elif case == 'length8':  struct.pack_into('<I', b, h + 8, struct.unpack_from('<I', b, h + 8)[0] + 4)
elif case == 'window':   struct.pack_into('<I', b, h + 8, 0x8000)
elif case == 'tagpast':  struct.pack_into('<I', b, tag(1) + 4, 0x400)
elif case == 'unknown':  struct.pack_into('<HH', b, tag(4), 11, 0)
elif case == 'short':    struct.pack_into('<HH', b, tag(6), 3, 0)        # an entry tag of 8 bytes
elif case == 'request':  struct.pack_into('<I', b, tag(1) + 8, 7)        # VBE information, required
elif case == 'efi':      struct.pack_into('<HH', b, tag(4), 9, 0)        # EFI amd64 entry, required
elif case == 'console':  struct.pack_into('<I', b, tag(4) + 8, 1)        # a console, not EGA text
elif case == 'address':  # load_addr after header_addr
    a = tag(2); struct.pack_into('<I', b, a + 12, struct.unpack_from('<I', b, a + 8)[0] + 16)
elif case == 'noentry':  struct.pack_into('<HH', b, tag(3), 12, 1)       # entry tag -> optional unknown
if case != 'checksum': fix()
open(dst, 'wb').write(b)
PY
}
P="$TK/mb2probe.elf"; A="$TK/mb2probe-addr.bin"
# name | source | expected message (grep -F; the loader prefixes "boot: error: ")
cases=(
	"checksum|$P|Multiboot2 header checksum wrong (magic + architecture + header_length + checksum != 0)"
	"arch|$P|Multiboot2 header is not for i386 (architecture != 0)"
	"length8|$P|Multiboot2 header_length is not a multiple of 8"
	"window|$P|Multiboot2 header_length runs past the kernel's first 32 KiB (or its end)"
	"tagpast|$P|Multiboot2 header tag runs past header_length (or no end tag)"
	"unknown|$P|Multiboot2 header tag of an unknown type marked required: type 11"
	"short|$P|Multiboot2 header tag shorter than its fields: type 3"
	"request|$P|Multiboot2 header requires information this loader does not provide: tag type 7"
	"efi|$P|EFI entry required: this is a BIOS loader"
	"console|$P|Multiboot2 kernel requires a console, and not EGA text: this loader has no other"
	"address|$A|Multiboot2 address tag addresses inconsistent"
	"noentry|$A|Multiboot2 address tag without an entry address tag"
)
tap_plan ${#cases[@]}
for c in "${cases[@]}"; do
	IFS='|' read -r name src want <<<"$c"
	mk "$name" "$src"
	img="$T_DIR/$name.img"
	make -s -C "$ROOT" image IMAGE="$img" KERNEL="$T_DIR/$name.kernel" PROTOCOL=multiboot2 NOCHECK=1 \
		>"$img.make.log" 2>&1 || tail -n 5 "$img.make.log" | tap_diag
	( qemu_boot_image "$img.log" $SECS "$img" 128 > "$img.rc" ) &
done
wait
for c in "${cases[@]}"; do
	IFS='|' read -r name src want <<<"$c"
	img="$T_DIR/$name.img"; log="$img.log"; rc=$(cat "$img.rc")
	starts=$(grep -a -c '^boot: stage2' "$log")
	host=ok; python3 "$ROOT/tools/mbcheck.py" --protocol multiboot2 "$T_DIR/$name.kernel" >/dev/null 2>"$img.host" && host=accepted
	if grep -aqF "boot: error: $want" "$log" && [ "$rc" = 124 ] && [ "$starts" = 1 ] &&
		! grep -aq '^TAP version' "$log" && [ $host = ok ] && grep -qF ": $want" "$img.host"; then
		tap_ok "$name: \"$want\" from stage 2 (then halted) and from the host check"
	else
		tap_fail "$name: want \"$want\", rc $rc (124 = halted), $starts starts, host check $host"
		{ grep -a '^boot:' "$log"; cat "$img.host"; } | tap_diag
	fi
done
tap_done
