#!/usr/bin/env bash
# 19-boot-invaders.t - grub-invaders (Debian's grub-invaders: /boot/invaders.exec, an ELF file
# whose Multiboot header sets the a.out kludge, flag 16, so the loader must use the header's
# load addresses, not the ELF ones) booted through our loader draws its game screen.
#
# The game writes the VGA text buffer directly (0xB8000, 80x25 cells of character + attribute).
# The test reads that memory through QEMU's monitor (`pmemsave`) until the screen shows the
# invaders ("-*-", at least 20 of them) and the player's ship ("/", a graphics character, "\" near the bottom), or QEMU
# ends, or 60 s pass; a QEMU `screendump` (PPM) of the same screen is kept in $T_DIR.
source "$(dirname "$0")/../lib.sh"

tap_plan 2
kernel="$T_DIR/invaders.exec"
cp "$BUILD/boot/real/invaders.exec" "$kernel"
img="$T_DIR/invaders.img"
if make_image "$img" "$kernel" ""; then tap_ok "make image KERNEL=invaders.exec"
else tap_fail "make image KERNEL=invaders.exec"; tail -n 5 "$img.make.log" | tap_diag; fi

log="$T_DIR/invaders.log" sock="$T_DIR/mon.sock"
rm -f "$sock" "$T_DIR/screen.bin" "$T_DIR/screen.ppm"
timeout -k 5 90 "$QEMU" -display none -no-reboot -serial "file:$log" -monitor "unix:$sock,server,nowait" \
	-m 32 -drive "file=$img,format=raw,if=ide" </dev/null >"$log.stdout" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
out=$(python3 - "$sock" "$T_DIR" "$pid" <<'PY'
import os, re, socket, sys, time
sock, tdir, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
VGA_TEXT, COLS, ROWS = 0xB8000, 80, 25
SHIP = re.compile(r'/.\\')   # the ship's middle is a CP437 graphics character
def alive():
    try: os.kill(pid, 0); return True
    except OSError: return False
s = None
for _ in range(100):
    try: s = socket.socket(socket.AF_UNIX); s.connect(sock); break
    except OSError: s = None; time.sleep(0.1)
if not s: print('no monitor socket'); sys.exit(1)
s.settimeout(0.2)
def cmd(c):
    s.sendall((c + '\n').encode())
    try:
        while s.recv(65536): pass
    except socket.timeout: pass
dump = os.path.join(tdir, 'screen.bin')
rows = []
deadline = time.time() + 60
while time.time() < deadline and alive():
    if os.path.exists(dump): os.remove(dump)
    cmd('pmemsave 0x%x %d "%s"' % (VGA_TEXT, COLS * ROWS * 2, dump))
    for _ in range(20):
        if os.path.exists(dump) and os.path.getsize(dump) == COLS * ROWS * 2: break
        time.sleep(0.05)
    if not os.path.exists(dump) or os.path.getsize(dump) != COLS * ROWS * 2: continue
    text = open(dump, 'rb').read()[0::2]
    rows = [text[r * COLS:(r + 1) * COLS].decode('latin-1') for r in range(ROWS)]
    aliens = sum(r.count('-*-') for r in rows)
    ship = [i for i, r in enumerate(rows) if SHIP.search(r)]
    if aliens >= 20 and ship and ship[-1] >= ROWS - 3:
        cmd('screendump "%s"' % os.path.join(tdir, 'screen.ppm'))
        print('%d invaders, the ship on row %d' % (aliens, ship[-1]))
        cmd('quit'); sys.exit(0)
    time.sleep(0.3)
print('screen never showed the game; last screen:')
print('\n'.join(r.replace('\0', ' ').rstrip() for r in rows))
sys.exit(1)
PY
) && ok=1 || ok=0
kill $pid 2>/dev/null; wait $pid 2>/dev/null
if [ $ok = 1 ] && grep -aq '^boot: kernel a.out kludge' "$log"; then
	tap_ok "grub-invaders through our loader (a.out kludge) draws its screen: $out"
else
	tap_fail "grub-invaders did not draw its screen"; { echo "$out"; grep -a '^boot:' "$log"; } | tap_diag
fi
tap_done
