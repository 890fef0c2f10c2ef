#!/usr/bin/env bash
# 17-boot-stage1-faults.t - stage 1's two recovery paths, by fault injection through QEMU's gdb stub
# (no room in the 440 bytes of the MBR for test switches, and no emulated BIOS misbehaves this way).
#   1. a BIOS that hands over an implausible boot drive: at 0000:7C00 DL is set to 0x42. Stage 1
#      must fall back to 0x80 (as GRUB's boot.S does); with 0x42 every INT 13h call would fail and
#      stop at "MBR: geometry". Checked: the boot reaches the kernel and stage 2 reports disk 0x80.
#   2. an AH=42h read that fails although AH=41h said the extensions exist: right after stage 1's
#      INT 13h AH=42h, CF is set. Stage 1 must switch to CHS reads and still load stage 2. Checked:
#      the CHS code (read_chs) is reached after the forced failure, and the kernel comes up.
# Addresses come from stage 1's NASM listing (build/boot/stage1.lst), so the test follows the code.
source "$(dirname "$0")/../lib.sh"
KERNEL=${KERNEL:-$BUILD/kernel/kernel.elf}
GDB_DIR=$BUILD/gdb
tap_plan 4

img="$T_DIR/disk.img"
make_image "$img" "$KERNEL" "nomonitor qemu-exit" || tail -n 5 "$img.make.log" | tap_diag
lst="$BUILD/boot/stage1.lst"
# listing address (offset from org 0x7C00) of the instruction after "int 0x13" in read_edd
# (the `jnc loaded`), and of the first instruction of read_chs
addrs=$(python3 - "$lst" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
def off(i):
    m = re.match(r'\s*\d+\s+([0-9A-F]{8})\s', lines[i])
    return int(m.group(1), 16) if m else None
jnc = chs = None
for i, l in enumerate(lines):
    if re.search(r'\tjnc loaded\b', l) and jnc is None: jnc = off(i)
    if re.search(r'^\s*\d+\s+read_chs:', l):
        j = i + 1
        while off(j) is None: j += 1
        chs = off(j)
if jnc is None or chs is None: sys.exit(1)
print('0x%x 0x%x' % (0x7C00 + jnc, 0x7C00 + chs))
PY
) || { tap_fail "stage 1 listing: jnc loaded / read_chs not found in $lst"; tap_done; }
read -r at_jnc at_chs <<<"$addrs"
echo "# jnc after AH=42h at $at_jnc, read_chs at $at_chs"

run_gdb() { # NAME GDB-EX-ARGS... -> QEMU status in $T_DIR/NAME.rc, gdb log NAME.gdb, serial NAME.serial
	local name=$1; shift
	local sock="$T_DIR/$name.sock" rc=0
	rm -f "$sock" "$T_DIR/$name".*
	timeout -k 5 90 "$QEMU" -S -gdb "unix:$sock,server=on,wait=off" -display none -monitor none \
		-no-reboot -m 128 -serial "file:$T_DIR/$name.serial" -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-drive "file=$img,format=raw,if=ide" </dev/null >"$T_DIR/$name.qemu" 2>&1 &
	local qpid=$!
	for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
	timeout -k 5 60 gdb -batch -q -nx -x "$GDB_DIR/facts.gdb" -ex "set tdesc filename $GDB_DIR/target-i8086.xml" \
		-x "$ROOT/tools/gdbinit" -ex "target remote $sock" "$@" -ex 'detach' \
		</dev/null >"$T_DIR/$name.gdb" 2>&1
	wait "$qpid" || rc=$?
	echo "$rc" >"$T_DIR/$name.rc"
}

# 1. implausible DL
run_gdb baddl -ex 'break *$LOADER_MBR_ADDR' -ex 'continue' \
	-ex 'set $edx = ($edx & 0xffffff00) | 0x42' -ex 'printf "STEP dl=0x%02x\n", $edx & 0xff' \
	-ex 'delete' -ex 'continue'
if grep -q "STEP dl=0x42" "$T_DIR/baddl.gdb"; then
	tap_ok "DL set to 0x42 at 0000:7C00"
else tap_fail "DL set to 0x42 at 0000:7C00"; tap_diag <"$T_DIR/baddl.gdb"; fi
if [ "$(cat "$T_DIR/baddl.rc")" = 33 ] && grep -q '^boot: disk 0x80,' "$T_DIR/baddl.serial" &&
	grep -q '^kernel: up' "$T_DIR/baddl.serial"; then
	tap_ok "implausible boot drive 0x42: stage 1 used 0x80, the kernel came up"
else
	tap_fail "implausible boot drive 0x42: stage 1 used 0x80, the kernel came up (QEMU status $(cat "$T_DIR/baddl.rc"))"
	tail -n 5 "$T_DIR/baddl.serial" | tap_diag
fi

# 2. AH=42h fails once: CF forced on at the jnc after the call
run_gdb edderr -ex "break *$at_jnc" -ex 'continue' \
	-ex 'set $eflags = $eflags | 1' -ex 'printf "STEP cf=%d\n", $eflags & 1' \
	-ex 'delete' -ex "break *$at_chs" -ex 'continue' \
	-ex 'printf "STEP chs ip=0x%04x\n", (unsigned int)$eip' -ex 'delete' -ex 'continue'
if grep -q "STEP cf=1" "$T_DIR/edderr.gdb" && grep -q "STEP chs ip=$(printf '0x%04x' "$at_chs")" "$T_DIR/edderr.gdb"; then
	tap_ok "AH=42h made to fail (CF=1): stage 1 went on to read_chs"
else tap_fail "AH=42h made to fail (CF=1): stage 1 went on to read_chs"; tap_diag <"$T_DIR/edderr.gdb"; fi
if [ "$(cat "$T_DIR/edderr.rc")" = 33 ] && grep -q '^kernel: up' "$T_DIR/edderr.serial"; then
	tap_ok "after the CHS fallback stage 2 loaded and the kernel came up"
else
	tap_fail "after the CHS fallback stage 2 loaded and the kernel came up (QEMU status $(cat "$T_DIR/edderr.rc"))"
	tail -n 5 "$T_DIR/edderr.serial" | tap_diag
fi
tap_done
