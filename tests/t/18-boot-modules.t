#!/usr/bin/env bash
# 18-boot-modules.t - Multiboot modules (flag 3): `make image MODULES="<file> [args];..."`.
#   1. three modules (5000 random bytes with arguments, 70001 random bytes: more than one 127-sector
#      read, and an empty one) through our loader: the kernel lists 3 modules with the right sizes
#      and strings ("<file's base name> [args]"), each page aligned, above the kernel, in order; the kernel's PMM reserves each;
#      the bytes in memory (QEMU monitor `pmemsave`, the kernel waiting at its monitor prompt)
#      equal the files;
#   2. the same files through QEMU's own Multiboot loader (-kernel, -initrd "<file> args,...")
#      give the kernel the same count, sizes and strings;
#   3. a module larger than the machine's RAM stops the loader at its message, naming the module.
source "$(dirname "$0")/../lib.sh"
KERNEL="$T_DIR/kernel.elf"
cp "$BUILD/kernel/kernel.elf" "$KERNEL"
tap_plan 6

m1="$T_DIR/mod-a.bin" m2="$T_DIR/mod-b.bin" m3="$T_DIR/mod-empty.bin"
head -c 5000 /dev/urandom >"$m1"; head -c 70001 /dev/urandom >"$m2"; : >"$m3"
mods="$m1 first arg=1;$m2;$m3 empty"
img="$T_DIR/mods.img"
make -s -C "$ROOT" image IMAGE="$img" KERNEL="$KERNEL" CMDLINE="" MODULES="$mods" >"$img.make.log" 2>&1 ||
	tail -n 5 "$img.make.log" | tap_diag

# --- 1. our loader: boot to the monitor prompt, then read the modules back through QEMU's monitor
log="$T_DIR/ours.log" sock="$T_DIR/mon.sock"
rm -f "$T_DIR"/dump.*
qemu_to_prompt "$log" "$sock" -m 128 -drive file="$img",format=raw,if=ide
trap 'kill $QEMU_PID 2>/dev/null; wait $QEMU_PID 2>/dev/null' EXIT
out=$(python3 - "$log" "$sock" "$T_DIR" "$KERNEL" "$m1" "$m2" "$m3" <<'PY'
import os, re, socket, struct, sys, time
log, sock, tdir, kernel = sys.argv[1:5]; files = sys.argv[5:]
want_str = [os.path.basename(files[0]) + ' first arg=1', os.path.basename(files[1]),
            os.path.basename(files[2]) + ' empty']   # make image keeps the base name
text = open(log, errors='replace').read()
mods = [(int(i), int(a, 16), int(n), s) for i, a, n, s in
        re.findall(r'^multiboot: module (\d+) at 0x([0-9a-f]+), (\d+) bytes, "(.*)"$', text, re.M)]
count = re.search(r'^multiboot: mods_count=(\d+)$', text, re.M)
errs = []
if not count or int(count.group(1)) != 3 or len(mods) != 3:
    errs.append('mods_count %s, %d module lines' % (count.group(1) if count else 'missing', len(mods)))
k = open(kernel, 'rb').read()
phoff, = struct.unpack_from('<I', k, 28); phentsize, phnum = struct.unpack_from('<HH', k, 42)
kend = max(p + m for t, o, v, p, f, m, fl, al in
           (struct.unpack_from('<8I', k, phoff + i * phentsize) for i in range(phnum)) if t == 1)
prev = kend
for (i, addr, n, s), f, ws in zip(mods, files, want_str):
    if n != os.path.getsize(f): errs.append('module %d: %d bytes, file has %d' % (i, n, os.path.getsize(f)))
    if s != ws: errs.append('module %d: string "%s", want "%s"' % (i, s, ws))
    if addr % 4096: errs.append('module %d at 0x%x: not page aligned' % (i, addr))
    if addr < prev: errs.append('module %d at 0x%x: below the kernel end / previous module 0x%x' % (i, addr, prev))
    prev = addr + n
    if n and not re.search(r'^pmm: reserved module \[mem 0x%08x-0x%08x\]' % (addr, (addr + n + 4095) // 4096 * 4096 - 1), text, re.M):
        errs.append('module %d: no "pmm: reserved module" line for it' % i)
s = socket.socket(socket.AF_UNIX); s.connect(sock); s.settimeout(5)
def cmd(c):
    s.sendall((c + '\n').encode()); time.sleep(0.3)
    try: s.recv(65536)
    except socket.timeout: pass
for i, addr, n, _ in mods:
    if n: cmd('pmemsave 0x%x %d "%s/dump.%d"' % (addr, n, tdir, i))
for i, addr, n, _ in mods:
    if not n: continue
    p = '%s/dump.%d' % (tdir, i)
    for _ in range(50):
        if os.path.exists(p) and os.path.getsize(p) == n: break
        time.sleep(0.1)
    if not os.path.exists(p) or open(p, 'rb').read() != open(files[i], 'rb').read():
        errs.append('module %d: memory at 0x%x differs from the file' % (i, addr))
cmd('quit')
print('; '.join(errs) if errs else ', '.join('%d bytes at 0x%x' % (n, a) for _, a, n, _ in mods))
sys.exit(1 if errs else 0)
PY
) && ok=1 || ok=0
kill "$QEMU_PID" 2>/dev/null; wait "$QEMU_PID" 2>/dev/null
if grep -q '^boot: module 1 at 0x' "$log"; then tap_ok "stage 2 reports each module it loads"
else tap_fail "stage 2 reports each module it loads"; grep '^boot:' "$log" | tap_diag; fi
if grep -q '^multiboot: flags=0x0000024f' "$log"; then tap_ok "flags 0x24f (bit 3: modules)"
else tap_fail "flags 0x24f (bit 3: modules)"; grep '^multiboot:' "$log" | tap_diag; fi
if [ $ok = 1 ]; then
	tap_ok "3 modules: sizes, strings, page aligned above the kernel, reserved, bytes equal the files ($out)"
else tap_fail "3 modules handed over as built"; echo "$out" | tap_diag; grep -E '^(boot|multiboot|pmm):' "$log" | tap_diag; fi

# --- 2. the same through QEMU's Multiboot loader (its -initrd separates modules with commas and
# passes each file name as written: run from $T_DIR with the base names, as make image records them)
qlog="$T_DIR/qemu.log"
rc=$(cd "$T_DIR" && qemu_run "$qlog" 60 -m 128 -kernel "$KERNEL" -append "nomonitor qemu-exit" \
	-initrd "$(basename "$m1") first arg=1,$(basename "$m2"),$(basename "$m3") empty")
strip() { grep -a -E '^multiboot: (mods_count|module)' "$1" | sed -E 's/ at 0x[0-9a-f]+,/,/'; }
if [ "$rc" = 33 ] && [ -n "$(strip "$qlog")" ] && [ "$(strip "$log")" = "$(strip "$qlog")" ]; then
	tap_ok "QEMU -kernel -initrd hands the kernel the same count, sizes and strings"
else
	tap_fail "QEMU -kernel -initrd hands the kernel the same count, sizes and strings (QEMU status $rc)"
	{ echo "ours:"; strip "$log"; echo "qemu:"; strip "$qlog"; } | tap_diag
fi

# --- 3. a module that cannot fit: 20 MiB at -m 16
big="$T_DIR/mod-big.bin"
head -c $((20 << 20)) /dev/zero >"$big"
bimg="$T_DIR/big.img"
make -s -C "$ROOT" image IMAGE="$bimg" KERNEL="$KERNEL" CMDLINE="" MODULES="$big" >"$bimg.make.log" 2>&1 ||
	tail -n 5 "$bimg.make.log" | tap_diag
blog="$T_DIR/big.log"
rc=$(qemu_boot_image "$blog" 10 "$bimg" 16)
if [ "$rc" = 124 ] && grep -q '^boot: error: module not in usable RAM (E820 map): module 0 at 0x' "$blog" &&
	! grep -q '^kernel:' "$blog"; then
	tap_ok "a 20 MiB module at -m 16: the loader names it and halts (QEMU still running at the timeout)"
else
	tap_fail "a 20 MiB module at -m 16: loader error and halt (QEMU status $rc)"; tail -n 5 "$blog" | tap_diag
fi
rm -f "$big" "$bimg"
if make -s -C "$ROOT" image IMAGE="$T_DIR/none.img" KERNEL="$KERNEL" MODULES="$T_DIR/no-such-file" \
	>"$T_DIR/none.make.log" 2>&1; then
	tap_fail "a missing module file is refused by make image"
elif grep -q "module '$T_DIR/no-such-file' not found" "$T_DIR/none.make.log"; then
	tap_ok "a missing module file is refused by make image, with its name"
else tap_fail "a missing module file: wrong message"; tap_diag <"$T_DIR/none.make.log"; fi
tap_done
