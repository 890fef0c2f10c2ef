#!/usr/bin/env bash
# 16-boot-copy.t - the loader's copy above 1 MiB puts the kernel's bytes where they belong, on both
# of its paths: 8-byte MMX moves (QEMU's default CPU has MMX) and REP MOVSD (-cpu 486: no CPUID,
# so stage 2 must not try MMX). For each, our kernel is booted through an image made by disk.img.mk to its
# monitor prompt, where it waits; QEMU's monitor then saves the physical memory of every read-only
# PT_LOAD segment (text, rodata: paging maps them read-only, so nothing can have changed them since
# the loader wrote them) and each must equal the ELF file's bytes exactly. Checks per CPU: stage 2
# names the copy method it chose; the segments match.
source "$(dirname "$0")/../lib.sh"

KERNEL="$T_DIR/kernel.elf"      # our own copy: the image and the comparison see the same bytes
cp "$BUILD/kernel/kernel.elf" "$KERNEL"
tap_plan 4
img="$T_DIR/copy.img"
make_image "$img" "$KERNEL" "" || tail -n 5 "$img.make.log" | tap_diag

boot_and_compare() { # CPU-ARGS METHOD-TEXT NAME
	local cpu=$1 method=$2 name=$3 log="$T_DIR/$3.log" sock="$T_DIR/$3.mon"
	rm -f "$T_DIR/$name".seg*
	# shellcheck disable=SC2086
	qemu_to_prompt "$log" "$sock" -m 128 $cpu -drive file="$img",format=raw,if=ide
	if grep -q "^boot: copies above 1 MiB: $method" "$log"; then
		tap_ok "$name: stage 2 copies with $method"
	else
		tap_fail "$name: stage 2 copies with $method"; grep '^boot:' "$log" | tap_diag
	fi
	local out
	out=$(python3 - "$KERNEL" "$sock" "$T_DIR/$name" <<'PY'
import socket, struct, sys, time, os
kernel, sock, prefix = sys.argv[1:]
k = open(kernel, 'rb').read()
phoff, = struct.unpack_from('<I', k, 28); phentsize, phnum = struct.unpack_from('<HH', k, 42)
segs = []
for i in range(phnum):
    typ, off, vaddr, paddr, filesz, memsz, flags, align = struct.unpack_from('<8I', k, phoff + i * phentsize)
    if typ == 1 and not flags & 2 and filesz:      # PT_LOAD, not PF_W
        segs.append((off, paddr, filesz))
if not segs: print('no read-only PT_LOAD in the kernel'); sys.exit(1)
s = socket.socket(socket.AF_UNIX); s.connect(sock); s.settimeout(30)
def cmd(c):
    s.sendall((c + '\n').encode())
    time.sleep(0.3)
    try: s.recv(65536)
    except socket.timeout: pass
for n, (off, paddr, size) in enumerate(segs):
    cmd('pmemsave 0x%x %d "%s.seg%d"' % (paddr, size, prefix, n))
bad = []
for n, (off, paddr, size) in enumerate(segs):
    f = '%s.seg%d' % (prefix, n)
    for _ in range(50):
        if os.path.exists(f) and os.path.getsize(f) == size: break
        time.sleep(0.1)
    got = open(f, 'rb').read() if os.path.exists(f) else b''
    want = k[off:off + size]
    if got != want:
        first = next((j for j in range(min(len(got), len(want))) if got[j] != want[j]), min(len(got), len(want)))
        bad.append('segment at 0x%x (%d bytes): first difference at +0x%x' % (paddr, size, first))
cmd('quit')
print('%d read-only segments, %d bytes' % (len(segs), sum(x[2] for x in segs)) if not bad else '; '.join(bad))
sys.exit(1 if bad else 0)
PY
	) && tap_ok "$name: kernel text and rodata in memory equal the ELF file ($out)" ||
		{ tap_fail "$name: kernel text and rodata in memory equal the ELF file"; echo "$out" | tap_diag; tail -n 5 "$log" | tap_diag; }
	kill "$QEMU_PID" 2>/dev/null; wait "$QEMU_PID" 2>/dev/null
}

boot_and_compare "" "MMX" default-cpu
boot_and_compare "-cpu 486" "REP MOVSD" cpu-486
tap_done
