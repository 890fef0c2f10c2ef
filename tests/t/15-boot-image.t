#!/usr/bin/env bash
# 15-boot-image.t - the image recipe (disk.img.mk) and stage 1's own failure path.
#   1. the MBR: 512 bytes, 0x55AA, exactly one partition entry, active (0x80), type 0xDA, from
#      LBA 2048 to the image's end, its CHS fields consistent with 255 heads x 63 sectors; the
#      image is a whole number of MiB (USB sticks: docs/boot.md, Sources);
#   2. the recipe patched what it measured: the config block's kernel LBA and size point at an
#      exact copy of the kernel, the command line is there ("entry.elf root=/dev/x quiet": the
#      kernel's base name first), stage 1 reads 1 + stage 2 sectors; NAME= replaces the name; the
#      kernel's CRC-32 is zlib's of the whole file, the
#      image's end is the sector after the kernel, and the 16-bit words of the sectors stage 1
#      reads add up to LOADER_S1_SUM (0x3153);
#   3. the kernel can grow: a 32 MiB kernel (one 32 MiB PT_LOAD) gets a bigger image with no
#      edits, and boots: the entry-state checks pass after 255+ reads of 127 sectors. Booted with
#      MEMFALLBACK=e801, whose map splits RAM at 16 MiB: the segment (1-33 MiB) is accepted
#      because two touching usable entries cover it;
#   4. name and CMDLINE longer than 255 bytes are refused by make, with a message;
#   5. stage 1's failure path: an image whose config block is destroyed (zeroed) stops in the MBR
#      with "MBR: stage2 checksum" (stage 1's sum) and halts (QEMU still running at the timeout,
#      stage 2 never started).
source "$(dirname "$0")/../lib.sh"

TK="$BUILD/boot/tk"
tap_plan 5
img="$T_DIR/layout.img"
make_image "$img" "$TK/entry.elf" "root=/dev/x quiet" || tail -n 5 "$img.make.log" | tap_diag
check_layout() {
	python3 - "$img" "$TK/entry.elf" "$BUILD/boot/stage2.bin" <<'PY'
import struct, sys, zlib
img, kernel, s2 = sys.argv[1:]
d = open(img, 'rb').read(); k = open(kernel, 'rb').read(); s2n = (len(open(s2, 'rb').read()) + 511) // 512
def fail(m): print('# ' + m); sys.exit(1)
mbr = d[:512]
if mbr[510:] != b'\x55\xaa': fail('no 0x55AA')
if len(d) % (1 << 20): fail('image not a whole MiB: %d' % len(d))
ents = [mbr[0x1BE + 16 * i: 0x1CE + 16 * i] for i in range(4)]
if any(e != bytes(16) for e in ents[1:]): fail('entries 2-4 not empty')
st, chs0, ty, chs1, lba, n = ents[0][0], ents[0][1:4], ents[0][4], ents[0][5:8], *struct.unpack('<II', ents[0][8:])
def chs(l):
    c, h, s = l // (255 * 63), (l // 63) % 255, l % 63 + 1
    if c > 1023: c, h, s = 1023, 254, 63
    return bytes([h, s | ((c >> 8) << 6), c & 255])
if st != 0x80 or ty != 0xDA: fail('entry 1: status %#x type %#x' % (st, ty))
if lba != 2048 or lba + n != len(d) // 512: fail('entry 1 covers %d+%d, image %d sectors' % (lba, n, len(d) // 512))
if chs0 != chs(lba) or chs1 != chs(lba + n - 1): fail('CHS fields inconsistent')
cnt, = struct.unpack_from('<H', mbr, 0x1B4)
if cnt != 1 + s2n: fail('stage 1 count %d, want %d' % (cnt, 1 + s2n))
cfg = d[2048 * 512: 2049 * 512]
magic, klba, kbytes, flags = struct.unpack_from('<IIII', cfg)
if magic != 0x3143424F: fail('config magic %#x' % magic)
if kbytes != len(k) or d[klba * 512: klba * 512 + kbytes] != k: fail('kernel not found where the config block says')
if klba != 2049 + s2n: fail('kernel LBA %d' % klba)
if cfg[16:].split(b'\0')[0] != b'entry.elf root=/dev/x quiet': fail('cmdline %r' % cfg[16:48])
iend, kcrc = struct.unpack_from('<II', cfg, 280)
if iend != klba + (kbytes + 511) // 512: fail('image end %d, kernel ends at %d' % (iend, klba + (kbytes + 511) // 512))
if kcrc != zlib.crc32(k): fail('kernel CRC %#x, the file\'s is %#x' % (kcrc, zlib.crc32(k)))
s1sum = sum(struct.unpack_from('<%dH' % (cnt * 256), d, 2048 * 512)) & 0xFFFF
if s1sum != 0x3153: fail('stage 1 sum of its %d sectors %#x, want LOADER_S1_SUM 0x3153' % (cnt, s1sum))
print('# partition 1: LBA %d + %d sectors, active; stage 2 %d sectors; kernel at LBA %d, %d bytes' % (lba, n, s2n, klba, kbytes))
PY
}
tap_check "MBR: 0x55AA, one active partition (type 0xDA) from LBA 2048 to the end, CHS consistent, whole MiB; config block patched" check_layout
named="$T_DIR/named.img"
make -s -C "$ROOT" image IMAGE="$named" KERNEL="$TK/entry.elf" NAME=vmlinuz CMDLINE="ro" >"$named.make.log" 2>&1 \
	|| tail -n 5 "$named.make.log" | tap_diag
tap_check "NAME=vmlinuz: the config block's command line is \"vmlinuz ro\"" \
	python3 -c "import sys; d = open('$named', 'rb').read(); sys.exit(d[2048 * 512 + 16:][:11] != b'vmlinuz ro\0')"

big="$T_DIR/big.img"
make -s -C "$ROOT" image IMAGE="$big" KERNEL="$TK/pad32.elf" MEMFALLBACK=e801 >"$big.make.log" 2>&1 \
	|| tail -n 5 "$big.make.log" | tap_diag
rc=$(qemu_boot_image "$big.log" 120 "$big" 128)
size=$(( $(stat -c %s "$big" 2>/dev/null || echo 0) >> 20 ))
if [ "$rc" = 33 ] && [ "$size" -ge 33 ] && ! grep -aq '^not ok' "$big.log" && grep -aq '^boot: E801' "$big.log"; then
	tap_ok "32 MiB kernel across the E801 map's 16 MiB split: image grew to $size MiB with no edits; loaded, entry checks passed ($(grep -a 'loading' "$big.log" | tr -d '\r'))"
else
	tap_fail "32 MiB kernel: rc $rc, image $size MiB"; grep -a '^boot:' "$big.log" | tap_diag
fi

long=$(printf 'x%.0s' $(seq 300))
if make -s -C "$ROOT" image IMAGE="$T_DIR/long.img" KERNEL="$TK/entry.elf" CMDLINE="$long" >"$T_DIR/long.log" 2>&1; then
	tap_fail "a 300-byte CMDLINE was accepted"
else
	tap_check "a 300-byte CMDLINE is refused: $(grep -o 'name and CMDLINE longer.*' "$T_DIR/long.log")" grep -q 'name and CMDLINE longer than 255 bytes' "$T_DIR/long.log"
fi

bad="$T_DIR/nostage2.img"
cp "$img" "$bad" && dd if=/dev/zero of="$bad" bs=512 seek=2048 count=1 conv=notrunc status=none
rc=$(qemu_boot_image "$bad.log" 5 "$bad" 128)
if grep -aq '^MBR: stage2 checksum 0x' "$bad.log" && [ "$rc" = 124 ] && ! grep -aq '^boot:' "$bad.log" && \
   [ "$(grep -a -c '^MBR:' "$bad.log")" = 1 ]; then
	tap_ok "config block destroyed: \"$(grep -a '^MBR' "$bad.log" | tr -d '\r')\" from stage 1, halted (no reboot)"
else
	tap_fail "config block destroyed: rc $rc"; cat "$bad.log" | tap_diag
fi
tap_done
