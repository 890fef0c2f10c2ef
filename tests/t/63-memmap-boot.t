#!/usr/bin/env bash
# 63-memmap-boot.t - `make memmap` boots the real image, captures the log and draws what it says.
#
# Runs make memmap with MEMMAP_DIR=$T_DIR (our loader + build/kernel/kernel.elf, command line
# qemu-exit, QEMU headless), then reads physical.svg, virtual.svg and process.svg back and compares them with
# the log QEMU captured: one box per map line of each type (sanitised lines if the kernel printed
# them, else BIOS-e820), one box per `pmm: reserved` line, the direct-map range of the `paging: on`
# line (virtual, 0xc0000000 + physical), the heap range of the `heap: ready` line, a monotonic address axis,
# and in process.svg one box per `vm: region` line of pid 1 (make memmap boots init=layout with
# vmexit). tests/t/61-memmap.t covers the tool's details on recorded logs.
source "$(dirname "$0")/../lib.sh"
tap_plan 6

rm -f "$T_DIR"/*
if make -s -C "$ROOT" memmap MEMMAP_DIR="$T_DIR" >"$T_DIR/make.log" 2>&1; then
	tap_ok "make memmap: image built, QEMU booted, pictures drawn"
else
	tap_fail "make memmap"; tap_diag <"$T_DIR/make.log"
fi
n=$(grep -a -c '^BIOS-e820: ' "$T_DIR/boot.log" 2>/dev/null)
if [ "${n:-0}" -ge 3 ] && grep -q "physical.svg" "$T_DIR/make.log"; then
	tap_ok "boot log captured with $n BIOS-e820 lines"
else
	tap_fail "boot log has the kernel's map"; tap_diag <"$T_DIR/boot.log" 2>/dev/null
fi

python3 - "$T_DIR" <<'PY'
import collections, re, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
NS = "{http://www.w3.org/2000/svg}"
count = 2
def res(ok, desc, diag=""):
    global count
    count += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", count, desc))
    if not ok:
        for l in str(diag).splitlines(): print("# " + l)
try:
    log = open(d + "/boot.log", "rb").read().decode("utf-8", "replace").splitlines()
    boxes = [r for r in ET.parse(d + "/physical.svg").getroot().iter(NS + "rect") if r.get("data-start")]
    vboxes = [r for r in ET.parse(d + "/virtual.svg").getroot().iter(NS + "rect") if r.get("data-start")]
except (OSError, ET.ParseError) as e:
    res(False, "pictures readable", e); res(False, "virtual picture", ""); sys.exit(0)
log = [l.strip("\r") for l in log]
sane = [l for l in log if re.match(r"sanitised: \[mem ", l)]
lines = sane or [l for l in log if l.startswith("BIOS-e820: [mem ") and "(zero length)" not in l]
want = collections.Counter(re.sub(r".*\] ", "", l).replace(" ", "-") for l in lines)
got = collections.Counter(r.get("class")[5:] for r in boxes if r.get("class").startswith("e820 "))
nres = sum(1 for l in log if l.startswith("pmm: reserved "))
gotres = sum(1 for r in boxes if r.get("class") == "pmm-reserved")
mono = sorted((int(r.get("data-start"), 16), float(r.get("y"))) for r in boxes
              if r.get("class").startswith("e820 ") or r.get("class") == "hole")
ok_mono = all(b[1] < a[1] for a, b in zip(mono, mono[1:]))
res(want == got and nres == gotres and ok_mono and len(lines) > 0,
    "physical.svg: %d map boxes by type as in the log %s, %d reservations, monotonic" % (len(lines), dict(want), nres),
    "log %s / svg %s; reservations log %d svg %d; monotonic %s" % (dict(want), dict(got), nres, gotres, ok_mono))
pg = [re.search(r"direct=\[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] at (0x[0-9a-f]+)-(0x[0-9a-f]+) ", l) for l in log if l.startswith("paging: on ")]
ident = [(int(r.get("data-start"), 16), int(r.get("data-end"), 16)) for r in vboxes if r.get("class") == "mapped-direct"]
if pg and pg[0]:
    s, e = int(pg[0][3], 16), int(pg[0][4], 16) + 1
    ok = s == int(pg[0][1], 16) + 0xC0000000 and e == int(pg[0][2], 16) + 1 + 0xC0000000
    res(ident == [(s, e)] and ok, "virtual.svg: direct map [0x%x, 0x%x) = 0xc0000000 + the physical range, as in the paging line" % (s, e), ident)
else:
    res(len([r for r in vboxes if r.get("class") == "vm-region"]) >= 5 and not ident,
        "virtual.svg: layout regions drawn; no paging line in this kernel's log, nothing marked mapped")
hp = [re.match(r"heap: ready \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]", l) for l in log if l.startswith("heap: ready ")]
hbox = [(int(r.get("data-start"), 16), int(r.get("data-end"), 16)) for r in vboxes if r.get("class") == "mapped-heap"]
if hp and hp[0]:
    s, e = int(hp[0][1], 16), int(hp[0][2], 16) + 1
    res(hbox == [(s, e)], "virtual.svg: heap [0x%x, 0x%x) as in the heap line" % (s, e), hbox)
else:
    res(not hbox, "virtual.svg: no heap line in this kernel's log, no heap box", hbox)
pid1 = next((i for i, l in enumerate(log) if l.startswith("vm: pid 1 ")), len(log))
want = sorted((int(m[1], 16), int(m[2], 16) + 1) for m in
              (re.match(r"vm: region \[(0x[0-9a-f]+)-(0x[0-9a-f]+)\]", l) for l in log[pid1:]) if m)
try:
    pboxes = [r for r in ET.parse(d + "/process.svg").getroot().iter(NS + "rect")
              if (r.get("class") or "").startswith("proc-region ")]
except (OSError, ET.ParseError) as e:
    pboxes = []
got = sorted((int(r.get("data-start"), 16), int(r.get("data-end"), 16)) for r in pboxes)
res(len(want) >= 5 and got == want, "process.svg: one box per region pid 1 printed at exit (%d)" % len(want),
    "log %s / svg %s" % (want, got))
PY
T_COUNT=6
tap_done
