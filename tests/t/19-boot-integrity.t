#!/usr/bin/env bash
# 19-boot-integrity.t - a damaged disk or a truncated image stops the loader at a named error.
#
# disk.img.mk records the CRC-32 (zlib's) of the whole kernel file and of every module file, and
# the image's end; stage 2 compares (boot/crc.inc, boot/disk.inc). Each case changes
# a good image after it was built and boots it with -no-reboot: it passes when the serial log has
# the message with the recorded value python's zlib computes for the file, the kernel never ran,
# and QEMU was still running, halted, at the timeout (status 124).
#   1. one bit flipped in the kernel's code on the disk: "kernel checksum mismatch";
#   2. one bit flipped in a module on the disk: "module 0 (<its string>) checksum mismatch";
#   3. one bit flipped in the last byte of a kernel file whose last 64 KiB lie past its segments
#      and its headers (as a debugging kernel's symbols and DWARF do): "kernel checksum mismatch",
#      the recorded value being the whole file's CRC-32;
#   4. the image cut short a page after the kernel's Multiboot header: "image truncated" with the
#      sector counts (the disk's from INT 13h AH=48h);
#   5. the same with SIZECHECK=read (no AH=48h, the size probed by reading the image's last
#      sector): QEMU's SeaBIOS returns zeros past the end instead of failing the read, so here the
#      missing bytes are what stops the boot ("no Multiboot header", the kernel's header being
#      among them) - still a named error, never a wrong kernel;
#   6. `make image` refuses a kernel that stage 2 would refuse, with stage 2's words, and writes
#      no image;
#   7-9. cases 1-3 on a CPU with PCLMULQDQ (-cpu max), where the loader folds with it instead of
#      using its tables: the same messages. Cases 1-3 check the loader's line "boot: crc32
#      tables" (QEMU's default CPU has no PCLMULQDQ), 7-9 "boot: crc32 pclmul".
source "$(dirname "$0")/../lib.sh"

TK="$BUILD/boot/tk"
SECS=6
tap_plan 9
mod="$T_DIR/module.bin"
head -c 70001 /dev/urandom > "$mod"
cfg() { # IMAGE FIELD-OFFSET: a dword of the config block (LBA 2048)
	python3 -c 'import struct, sys; d = open(sys.argv[1], "rb"); d.seek(2048 * 512 + int(sys.argv[2])); print(struct.unpack("<I", d.read(4))[0])' "$1" "$2"
}
flip() { # IMAGE BYTE-OFFSET: flip bit 2 of that byte
	python3 -c 'import sys; f = open(sys.argv[1], "r+b"); o = int(sys.argv[2]); f.seek(o); b = f.read(1)[0]; f.seek(o); f.write(bytes([b ^ 4]))' "$1" "$2"
}
crc() { # FILE: its CRC-32 as 8 hex digits
	python3 -c 'import sys, zlib; print("%08X" % zlib.crc32(open(sys.argv[1], "rb").read()))' "$1"
}
boot() { # IMAGE [CPU]: boot it in the background, the exit status in IMAGE.rc
	( qemu_boot_image "$1.log" $SECS "$1" 128 ${2:+-cpu "$2"} > "$1.rc" ) &
}
halted_at() { # DESCRIPTION IMAGE MESSAGE [CRC-LINE]
	local rc; rc=$(cat "$2.rc")
	if grep -aqF "$3" "$2.log" && [ "$rc" = 124 ] && ! grep -aq '^TAP version' "$2.log" &&
		{ [ -z "${4:-}" ] || tr -d '\r' < "$2.log" | grep -aqxF "$4"; }; then
		tap_ok "$1: \"$(grep -aF "$3" "$2.log" | tr -d '\r')\", halted"
	else
		tap_fail "$1: want \"$3\", rc $rc (124 = halted)"; grep -a '^boot:\|^MBR' "$2.log" | tap_diag
	fi
}

img="$T_DIR/good.img"
make -s -C "$ROOT" image IMAGE="$img" KERNEL="$TK/entry.elf" MODULES="$mod one two" >"$img.make.log" 2>&1 \
	|| tail -n 5 "$img.make.log" | tap_diag
klba=$(cfg "$img" 4); iend=$(cfg "$img" 280)
long="$T_DIR/long.elf"                          # entry.elf and 64 KiB that nothing loads
{ cat "$TK/entry.elf"; head -c 65536 /dev/urandom; } > "$long"
make -s -C "$ROOT" image IMAGE="$T_DIR/tflip.img" KERNEL="$long" >"$T_DIR/tflip.make.log" 2>&1 \
	|| tail -n 5 "$T_DIR/tflip.make.log" | tap_diag
flip "$T_DIR/tflip.img" $(( $(cfg "$T_DIR/tflip.img" 4) * 512 + $(stat -c %s "$long") - 1 ))
mblba=$(cfg "$img" 272); mlba=$(python3 -c 'import struct, sys; d = open(sys.argv[1], "rb"); d.seek(int(sys.argv[2]) * 512); print(struct.unpack("<I", d.read(4))[0])' "$img" "$mblba")

cp "$img" "$T_DIR/kflip.img"; flip "$T_DIR/kflip.img" $(( klba * 512 + 0x1040 ))
cp "$img" "$T_DIR/mflip.img"; flip "$T_DIR/mflip.img" $(( mlba * 512 + 60000 ))
cp "$img" "$T_DIR/trunc.img"; truncate -s $(( klba * 512 + 0x2000 )) "$T_DIR/trunc.img"
rm -f "$T_DIR/trunc-read.img"
make -s -C "$ROOT" image IMAGE="$T_DIR/trunc-read.img" KERNEL="$TK/entry.elf" MODULES="$mod one two" SIZECHECK=read \
	>"$T_DIR/trunc-read.make.log" 2>&1 || tail -n 5 "$T_DIR/trunc-read.make.log" | tap_diag
truncate -s $(( klba * 512 + 0x1000 )) "$T_DIR/trunc-read.img"
for i in kflip mflip tflip; do cp "$T_DIR/$i.img" "$T_DIR/$i-pclmul.img"; done
for i in kflip mflip tflip trunc trunc-read; do boot "$T_DIR/$i.img"; done
for i in kflip mflip tflip; do boot "$T_DIR/$i-pclmul.img" max; done
wait
flips() { # SUFFIX CRC-LINE: cases 1-3 (or 7-9)
	halted_at "kernel bit flipped on the disk${3:-}" "$T_DIR/kflip$1.img" \
		"boot: error: kernel checksum mismatch: disk damaged or image changed after it was built (recorded 0x$(crc "$TK/entry.elf"), computed 0x" "$2"
	halted_at "module bit flipped on the disk${3:-}" "$T_DIR/mflip$1.img" \
		"boot: error: module 0 (module.bin one two) checksum mismatch: disk damaged or image changed after it was built (recorded 0x$(crc "$mod"), computed 0x" "$2"
	halted_at "kernel's last byte (past its segments) flipped on the disk${3:-}" "$T_DIR/tflip$1.img" \
		"boot: error: kernel checksum mismatch: disk damaged or image changed after it was built (recorded 0x$(crc "$long"), computed 0x" "$2"
}
flips "" "boot: crc32 tables"
halted_at "image cut a page after the Multiboot header" "$T_DIR/trunc.img" \
	"boot: error: image truncated: it needs $iend sectors, the disk has $(( klba + 16 )) (INT 13h AH=48h)"
halted_at "the same, size probed by a read (SIZECHECK=read)" "$T_DIR/trunc-read.img" \
	"boot: error: no Multiboot header in the kernel's first 8 KiB"

bad="$T_DIR/entry0.kernel"
python3 -c 'import struct, sys; b = bytearray(open(sys.argv[1], "rb").read()); struct.pack_into("<I", b, 24, 0); open(sys.argv[2], "wb").write(b)' "$TK/entry.elf" "$bad"
rm -f "$T_DIR/refused.img"
if make -s -C "$ROOT" image IMAGE="$T_DIR/refused.img" KERNEL="$bad" >"$T_DIR/refused.log" 2>&1; then
	tap_fail "make image accepted a kernel whose entry point lies in no segment"
elif grep -qF "error: kernel entry point 0x00000000 is not inside a loaded segment" "$T_DIR/refused.log" && [ ! -e "$T_DIR/refused.img" ]; then
	tap_ok "make image refuses a bad kernel with the loader's words, no image: $(grep -o 'error: .*' "$T_DIR/refused.log" | head -1)"
else
	tap_fail "make image: no loader message or an image left"; tap_diag < "$T_DIR/refused.log"
fi
flips -pclmul "boot: crc32 pclmul" ", -cpu max"
tap_done
