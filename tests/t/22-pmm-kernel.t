#!/usr/bin/env bash
# 22-pmm-kernel.t - the physical memory manager in the kernel, booted by QEMU's Multiboot loader
# (-kernel, -append "test=pmm") at -m 16, 128, 512, 3072 and 4096. Per size:
#   1. the in-kernel suite `pmm` passes (its TAP shown as a subtest) and QEMU exits with 33;
#   2. the boot log's accounting, recomputed HERE from the raw `BIOS-e820:` lines (not from
#      anything the PMM printed): usable = frames wholly inside usable RAM and outside every other
#      type, below 4 GiB, equals `pmm: usable=`; free + reserved = usable; the `pmm: reserved`
#      lines add up to reserved; the `sanitised:` lines are well formed, and at 4096 the log says
#      how much RAM above 4 GiB was left out (QEMU puts 1 GiB there).
# Then with two Multiboot modules (-initrd, -m 64): both modules, their strings and the module
# table are reserved, the bitmap is placed clear of them, and the suite passes.
# Then the same through our own loader (disk image from `make image`, the map from its E820 walk)
# at -m 128 and 4096: the suite passes and the accounting holds against the map it passed.
source "$(dirname "$0")/../lib.sh"

KERNEL="$BUILD/kernel/kernel.elf"
SIZES=(16 128 512 3072 4096)
LOADER_SIZES=(128 4096)
tap_plan $((2 * ${#SIZES[@]} + 3 + 1 + 2 * ${#LOADER_SIZES[@]}))
if [ ! -f "$KERNEL" ]; then
	for i in $(seq $((2 * ${#SIZES[@]}))); do tap_fail "kernel.elf not built ($KERNEL)"; done
	exit 0
fi

# check_log LOG MEM: print a reason and fail when the log's accounting does not hold.
check_log() {
	python3 - "$1" "$2" <<'PY'
import re, sys
log = open(sys.argv[1], 'rb').read().decode('latin-1').splitlines()
mem = int(sys.argv[2])
raw, san = [], []
for l in log:
    m = re.match(r'^BIOS-e820: \[mem 0x([0-9a-f]{16})-0x([0-9a-f]{16})\] (.*)$', l)
    if m:
        s, e, t = int(m.group(1), 16), int(m.group(2), 16) + 1, m.group(3)
        if '(zero length)' in t: continue
        if '(wraps' in t: e = 1 << 64
        raw.append((s, e, t.strip()))
    if l.startswith('sanitised:') and '[mem' in l:
        m = re.match(r'^sanitised: \[mem 0x([0-9a-f]{16})-0x([0-9a-f]{16})\] (usable|reserved|ACPI data|ACPI NVS|unusable|type \d+)$', l)
        if not m: sys.exit('malformed sanitised line: ' + l)
        san.append((int(m.group(1), 16), int(m.group(2), 16) + 1, m.group(3)))
if not raw: sys.exit('no BIOS-e820 lines')
if not san: sys.exit('no sanitised lines')
for a, b in zip(san, san[1:]):
    if not a[1] <= b[0]: sys.exit('sanitised lines overlap or are unsorted')
# Independent usable count: cut at every boundary; a piece is RAM if some usable entry covers it
# and no other entry does; frames wholly inside maximal RAM runs below 4 GiB.
pts = sorted({p for s, e, t in raw for p in (s, e)} | {1 << 32})
runs, cur = [], None
for a, b in zip(pts, pts[1:]):
    if a >= 1 << 32: break
    cov = [t for s, e, t in raw if s <= a < e]
    ram = bool(cov) and all(t == 'usable' for t in cov)
    if ram:
        if cur and cur[1] == a: cur[1] = b
        else:
            cur = [a, b]; runs.append(cur)
usable = sum(max(0, (e // 4096) - ((s + 4095) // 4096)) for s, e in runs)
m = [re.match(r'^pmm: usable=(\d+) free=(\d+) reserved=(\d+)$', l) for l in log]
m = [x for x in m if x]
if len(m) != 1: sys.exit('want exactly one pmm: usable= summary line, found %d' % len(m))
u, f, r = map(int, m[0].groups())
if u != usable: sys.exit('pmm: usable=%d but the BIOS-e820 lines give %d whole usable frames' % (u, usable))
if f + r != u: sys.exit('free %d + reserved %d != usable %d' % (f, r, u))
res = [re.match(r'^pmm: reserved (\S+) \[mem 0x([0-9a-f]{8})-0x([0-9a-f]{8})\] (\d+) frames$', l) for l in log if l.startswith('pmm: reserved ')]
if not res or not all(res): sys.exit('malformed pmm: reserved lines')
names = [x.group(1) for x in res]
for want in ('low-1mib', 'kernel', 'multiboot-info', 'mmap', 'cmdline', 'pmm-bitmap'):
    if want not in names: sys.exit('no reservation named ' + want)
if sum(int(x.group(4)) for x in res) != r: sys.exit('reservation lines add up to %d, reserved=%d' % (sum(int(x.group(4)) for x in res), r))
above = sum(min(e, 1 << 64) - max(s, 1 << 32) for s, e, t in raw if t == 'usable' and e > 1 << 32)
left = [l for l in log if re.match(r'^sanitised: \d+ KiB of usable RAM at or above 4 GiB left out', l)]
if above and not any(l.startswith('sanitised: %d KiB' % (above >> 10)) for l in left):
    sys.exit('%d KiB above 4 GiB not reported as left out' % (above >> 10))
if not above and left: sys.exit('RAM above 4 GiB reported but the map has none')
print('usable=%d (recomputed from %d BIOS-e820 lines) free=%d reserved=%d in %d reservations%s' %
      (u, len(raw), f, r, len(res), ', %d KiB above 4 GiB left out' % (above >> 10) if above else ''))
PY
}

# check_boot LABEL LOG RC MEM: the suite's result and the log's accounting (two checks).
check_boot() {
	local label=$1 log=$2 rc=$3 mem=$4
	kernel_tap "$log"
	n_ok=$(grep -a -c '^ok ' "$log")
	n_not=$(grep -a -c '^not ok ' "$log")
	plan=$(grep -a -o -m1 '^1\.\.[0-9]*' "$log" | cut -d. -f3)
	if [ "$rc" = 33 ] && [ "$n_not" = 0 ] && [ "$n_ok" -gt 10 ] && [ "${plan:-x}" = "$n_ok" ] &&
		grep -a -q '^# suite pmm$' "$log"; then
		tap_ok "$label: suite pmm: $n_ok checks passed, exit status 33"
	else
		tap_fail "$label: suite pmm: exit status $rc (want 33), $n_ok ok, $n_not not ok, plan ${plan:-none}"
		grep -a -m3 'PANIC' "$log" | tap_diag
	fi
	if out=$(check_log "$log" "$mem" 2>&1); then
		tap_ok "$label: boot log accounting: $out"
	else
		tap_fail "$label: boot log accounting: $out"
	fi
}

for mem in "${SIZES[@]}"; do
	log="$T_DIR/m$mem.log"
	rc=$(qemu_run "$log" 240 -m "$mem" -kernel "$KERNEL" -append "test=pmm")
	check_boot "-m $mem" "$log" "$rc" "$mem"
done

head -c 300000 /dev/urandom >"$T_DIR/modA.bin"
printf 'xyz' >"$T_DIR/modB.bin"
log="$T_DIR/modules.log"
rc=$(qemu_run "$log" 120 -m 64 -kernel "$KERNEL" -append "test=pmm" \
	-initrd "$T_DIR/modA.bin first module,$T_DIR/modB.bin")
check_boot "-m 64 with 2 modules" "$log" "$rc" 64
tap_check "-m 64 with 2 modules: reservations modules, 2 x module (75 frames), 2 x module-string" python3 -c '
import re, sys
l = [x for x in open(sys.argv[1], "rb").read().decode("latin-1").splitlines() if x.startswith("pmm: reserved ")]
mods = [int(re.search(r"(\d+) frames$", x).group(1)) for x in l if x.startswith("pmm: reserved module [")]
strs = [x for x in l if x.startswith("pmm: reserved module-string [")]
tab = [x for x in l if x.startswith("pmm: reserved modules [")]
sys.exit(0 if sorted(mods) == [1, 74] and len(strs) == 2 and len(tab) == 1 else "modules: %s" % l)
' "$log"

img="$T_DIR/x.img"
if make_image "$img" "$KERNEL" "test=pmm"; then
	tap_ok "make image with our loader, CMDLINE=test=pmm"
	for mem in "${LOADER_SIZES[@]}"; do
		log="$T_DIR/loader-m$mem.log"
		rc=$(qemu_boot_image "$log" 240 "$img" "$mem")
		check_boot "our loader, -m $mem" "$log" "$rc" "$mem"
	done
else
	tap_fail "make image with our loader failed"; tail -n 5 "$img.make.log" | tap_diag
	for mem in "${LOADER_SIZES[@]}"; do tap_fail "our loader, -m $mem: no image"; tap_fail "our loader, -m $mem: no image"; done
fi
tap_done
