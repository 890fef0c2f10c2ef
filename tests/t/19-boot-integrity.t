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
#      sector): SeaBIOS fails the read (status 01h, LBA past the disk's end), and so does every
#      retry of that same sector: "image truncated: ... reading the last one failed";
#   6. `make image` refuses a kernel that stage 2 would refuse, with stage 2's words, and writes
#      no image;
#   7-9. cases 1-3 on a CPU with PCLMULQDQ (-cpu max), where the loader folds with it instead of
#      using its tables: the same messages. Cases 1-3 check the loader's line "boot: crc32
#      tables" (QEMU's default CPU has no PCLMULQDQ), 7-9 "boot: crc32 pclmul";
#   10-13. stage 1's 16-bit sum (boot/stage1.asm) over the sectors it reads: one bit flipped in
#      stage 2's code, and one in the config block's command line, each on an image read through
#      INT 13h extensions and on one built with FORCE_CHS=1 (stage 1 reads with AH=02h): "MBR:
#      stage2 checksum 0x..", once, stage 2 never ran, QEMU halted;
#   14-15. the same two images unchanged boot, and the entry-state kernel passes its checks;
#   16. the sum is the image's own: in three images with different command lines, modules and
#      knobs the words of the config block and stage 2's sectors add up to LOADER_S1_SUM, and
#      the balancing words differ (make image recomputes it after writing the config block).
source "$(dirname "$0")/../lib.sh"

TK="$BUILD/boot/tk"
SECS=6
tap_plan 16
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
boot() { # IMAGE [CPU [SECONDS]]: boot it in the background, the exit status in IMAGE.rc
	( qemu_boot_image "$1.log" "${3:-$SECS}" "$1" 128 ${2:+-cpu "$2"} > "$1.rc" ) &
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

stopped_in_mbr() { # DESCRIPTION IMAGE: stage 1's sum message once, no stage 2 line, halted
	local rc; rc=$(cat "$2.rc")
	if grep -aq '^MBR: stage2 checksum 0x[0-9A-F][0-9A-F]' "$2.log" && [ "$(grep -a -c '^MBR:' "$2.log")" = 1 ] &&
		! grep -aq '^boot:' "$2.log" && [ "$rc" = 124 ]; then
		tap_ok "$1: \"$(grep -a '^MBR:' "$2.log" | tr -d '\r')\" from stage 1, halted"
	else
		tap_fail "$1: want \"MBR: stage2 checksum 0x..\" and a halt, rc $rc (124 = halted)"; tap_diag <"$2.log"
	fi
}
s1sum() { # IMAGE: the 16-bit sum of the words stage 1 reads (its MBR count of sectors from the
	# config block on), and the balancing word at CFG_S1_SUM_OFF
	python3 -c 'import struct, sys; d = open(sys.argv[1], "rb").read(); n, = struct.unpack_from("<H", d, int(sys.argv[2]));
c = 2048 * 512; print(sum(struct.unpack_from("<%dH" % (n * 256), d, c)) & 0xFFFF, struct.unpack_from("<H", d, c + int(sys.argv[3]))[0])' \
		"$1" "$(def LOADER_S1_COUNT_OFF)" "$(def CFG_S1_SUM_OFF)"
}
def() { echo $(( $(sed -n "s/^%define $1 //p" "$BUILD/inc/loader.inc") )); }

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
iend_read=$(cfg "$T_DIR/trunc-read.img" 280)
truncate -s $(( klba * 512 + 0x1000 )) "$T_DIR/trunc-read.img"
for i in kflip mflip tflip; do cp "$T_DIR/$i.img" "$T_DIR/$i-pclmul.img"; done
s1="$T_DIR/s1.img"; s1chs="$T_DIR/s1chs.img"
make -s -C "$ROOT" image IMAGE="$s1" KERNEL="$TK/entry.elf" CMDLINE="sum test" >"$s1.make.log" 2>&1 \
	|| tail -n 5 "$s1.make.log" | tap_diag
make -s -C "$ROOT" image IMAGE="$s1chs" KERNEL="$TK/entry.elf" CMDLINE="sum test, read with CHS" FORCE_CHS=1 \
	>"$s1chs.make.log" 2>&1 || tail -n 5 "$s1chs.make.log" | tap_diag
for i in s1 s1chs; do
	cp "$T_DIR/$i.img" "$T_DIR/$i-s2flip.img"; flip "$T_DIR/$i-s2flip.img" $(( 2049 * 512 + 0x1000 ))
	cp "$T_DIR/$i.img" "$T_DIR/$i-cfgflip.img"; flip "$T_DIR/$i-cfgflip.img" $(( 2048 * 512 + 16 + 3 ))
done
for i in kflip mflip tflip trunc trunc-read s1-s2flip s1-cfgflip s1chs-s2flip s1chs-cfgflip; do boot "$T_DIR/$i.img"; done
for i in kflip mflip tflip; do boot "$T_DIR/$i-pclmul.img" max; done
boot "$s1" "" 30; boot "$s1chs" "" 30
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
	"boot: error: image truncated: it needs $iend_read sectors, but reading the last one failed: the disk ends before it (BIOS status 0x01)"
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
stopped_in_mbr "stage 2's code, bit flipped, INT 13h extensions" "$T_DIR/s1-s2flip.img"
stopped_in_mbr "config block's command line, bit flipped, INT 13h extensions" "$T_DIR/s1-cfgflip.img"
stopped_in_mbr "stage 2's code, bit flipped, FORCE_CHS=1" "$T_DIR/s1chs-s2flip.img"
stopped_in_mbr "config block's command line, bit flipped, FORCE_CHS=1" "$T_DIR/s1chs-cfgflip.img"
for i in s1:'^boot: disk 0x80, INT 13h extensions' s1chs:'^boot: disk 0x80, CHS'; do
	f="$T_DIR/${i%%:*}.img"; rc=$(cat "$f.rc")
	if [ "$rc" = 33 ] && grep -aq "${i#*:}" "$f.log" && grep -aq '^1\.\.18' "$f.log" && ! grep -aq '^not ok' "$f.log"; then
		tap_ok "unchanged image ($(grep -a '^boot: disk' "$f.log" | tr -d '\r')) passes stage 1's sum and boots: 18 entry checks"
	else
		tap_fail "unchanged image ${i%%:*}: rc $rc"; grep -a '^boot:\|^MBR\|^not ok' "$f.log" | tap_diag
	fi
done
sums=$(for f in "$img" "$s1" "$s1chs"; do s1sum "$f"; done)
echo "$sums" | sed 's/^/# sum, balancing word: /'
if [ "$(echo "$sums" | awk '{ print $1 }' | sort -u)" = "$(def LOADER_S1_SUM)" ] &&
	[ "$(echo "$sums" | awk '{ print $2 }' | sort -u | wc -l)" = 3 ]; then
	tap_ok "three images, three balancing words, each sum $(def LOADER_S1_SUM) (LOADER_S1_SUM)"
else
	tap_fail "stage 1's sum not LOADER_S1_SUM ($(def LOADER_S1_SUM)) in every image, or a balancing word reused"
fi
tap_done
