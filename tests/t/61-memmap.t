#!/usr/bin/env python3
"""61-memmap.t - tools/memmap.py draws what the recorded boot logs say, and only that.

Runs the tool on the logs in tests/tools/logs/ (qemu-128m: QEMU's map with PMM, paging and heap
lines; realhw-4g: a real-PC-like map with ACPI, unusable, an unknown type, holes, a zero-length
entry and RAM above 4 GiB; raw-only: a kernel that printed only the raw map; no-map: a loader
error, no kernel output) and reads the SVGs back with xml.etree: the number of boxes of each E820
type, the reservations by name and range, the free runs and their frame count (worked out by hand
for each log below, not taken from the tool), the virtual regions, and that the address axis is
monotonic and gap-free. TAP on stdout; artefacts in $BUILD/t/61-memmap/.
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", "build")
BUILD = BUILD if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD)
T_DIR = os.path.join(BUILD, "t", "61-memmap")
TOOL = os.path.join(ROOT, "tools", "memmap.py")
LOGS = os.path.join(ROOT, "tests", "tools", "logs")
VMLAYOUT = os.path.join(ROOT, "include", "vmlayout.h")
NS = "{http://www.w3.org/2000/svg}"

count = 0
failed = 0


def check(desc, ok, diag=""):
    global count, failed
    count += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", count, desc))
    if not ok:
        failed += 1
        for line in str(diag).splitlines():
            print("# " + line)


def run(log, out, *extra, env=None):
    return subprocess.run([sys.executable, TOOL, os.path.join(LOGS, log), "-o", out, *extra],
                          capture_output=True, text=True, env=env)


def load(path):
    root = ET.parse(path).getroot()
    rects = []
    for r in root.iter(NS + "rect"):
        if r.get("data-start") is None:
            continue
        y, h = float(r.get("y")), float(r.get("height"))
        rects.append(dict(cls=r.get("class"), x=float(r.get("x")), start=int(r.get("data-start"), 16),
                          end=int(r.get("data-end"), 16), top=y, bottom=y + h))
    texts = ["".join(t.itertext()) for t in root.iter(NS + "text")]
    return rects, texts


def of_class(rects, cls):
    return [r for r in rects if r["cls"] == cls]


def monotonic(rects):
    """Higher addresses strictly higher up; boxes of adjacent ranges share their edge."""
    problems = []
    rs = sorted(rects, key=lambda r: r["start"])
    for a, b in zip(rs, rs[1:]):
        if not b["bottom"] <= a["top"] + 0.01:
            problems.append("0x%x box not above 0x%x box" % (b["start"], a["start"]))
        if a["end"] == b["start"] and abs(a["top"] - b["bottom"]) > 0.01:
            problems.append("gap/overlap between 0x%x and 0x%x" % (a["start"], b["start"]))
    for r in rs:
        if not (r["start"] < r["end"] and r["top"] < r["bottom"]):
            problems.append("empty or inverted box at 0x%x" % r["start"])
    return problems


def inside(inner, outer):
    return outer["top"] - 0.01 <= inner["top"] and inner["bottom"] <= outer["bottom"] + 0.01


def type_counts(rects):
    counts = {}
    for r in rects:
        if r["cls"].startswith("e820 "):
            counts[r["cls"][5:]] = counts.get(r["cls"][5:], 0) + 1
    return counts


print("1..33")

# --- qemu-128m: the full log -----------------------------------------------------------------------
out = os.path.join(T_DIR, "qemu-128m")
p = run("qemu-128m.log", out, "--vmlayout", VMLAYOUT, "--png", "no")
phys, virt = os.path.join(out, "physical.svg"), os.path.join(out, "virtual.svg")
check("qemu-128m: exit 0, both SVGs written", p.returncode == 0 and os.path.isfile(phys) and os.path.isfile(virt),
      p.stdout + p.stderr)
try:
    rects, texts = load(phys)
    vrects, vtexts = load(virt)
    parsed = True
except (OSError, ET.ParseError) as e:
    rects, texts, vrects, vtexts, parsed = [], [], [], [], False
    print("# " + str(e))
check("qemu-128m: both SVGs are well-formed XML", parsed)
tc = type_counts(rects)
check("qemu-128m: 2 usable and 4 reserved boxes, nothing else", tc == {"usable": 2, "reserved": 4}, tc)
holes = sorted((r["start"], r["end"]) for r in of_class(rects, "hole"))
check("qemu-128m: the 2 holes no E820 entry covers (0xa0000-0xeffff, 128 MiB-0xfffbffff)",
      holes == [(0xA0000, 0xF0000), (0x8000000, 0xFFFC0000)], holes)
map_boxes = [r for r in rects if r["cls"].startswith("e820 ") or r["cls"] == "hole"]
pr = monotonic(map_boxes)
check("qemu-128m: map column monotonic and gap-free from 0 to 4 GiB",
      not pr and min(r["start"] for r in map_boxes) == 0 and max(r["end"] for r in map_boxes) == 1 << 32, pr)
res = {(r["start"], r["end"]) for r in of_class(rects, "pmm-reserved")}
want = {(0, 0x100000), (0x100000, 0x120000), (0x120000, 0x121000), (0x20000, 0x21000)}
labels = [t for t in texts if "frames)" in t]
check("qemu-128m: the 4 reservations at their ranges, labelled by name and frame count",
      res == want and sorted(labels) == ["bitmap (1 frames)", "kernel (32 frames)", "low-memory (159 frames)",
                                         "multiboot-info (0 frames)"], "%s\n%s" % (res, labels))
xs = {r["start"]: r for r in of_class(rects, "pmm-reserved")}
check("qemu-128m: a reservation inside another is drawn in its own lane, within the outer box",
      0x20000 in xs and 0 in xs and xs[0x20000]["x"] > xs[0]["x"] + 100 and inside(xs[0x20000], xs[0]),
      xs)
free = [(r["start"], r["end"]) for r in of_class(rects, "pmm-free")]
# By hand: usable [0x100000, 0x7fe0000) minus kernel and bitmap up to 0x121000 = 32447 frames;
# the 159 frames below 640 KiB are all inside the low-memory reservation.
check("qemu-128m: one free run [0x121000, 0x7fe0000)", free == [(0x121000, 0x7FE0000)], free)
cap = [t for t in texts if t.startswith("free frames:")]
check("qemu-128m: caption: 32447 free frames drawn, kernel's own counts quoted",
      cap == ["free frames: 32447 drawn (usable minus reservations); kernel says usable=32639 free=32447 reserved=192"], cap)
usable_hi = [r for r in of_class(rects, "e820 usable") if r["start"] == 0x100000]
kern = [r for r in of_class(rects, "pmm-reserved") if r["start"] == 0x100000]
check("qemu-128m: PMM column shares the scale (kernel box within the usable box at 1 MiB)",
      len(usable_hi) == 1 and len(kern) == 1 and inside(kern[0], usable_hi[0]))
pmm_boxes = of_class(rects, "pmm-reserved") + of_class(rects, "pmm-free")
pr = [p for x in sorted({r["x"] for r in pmm_boxes}) for p in monotonic([r for r in pmm_boxes if r["x"] == x])]
check("qemu-128m: PMM column monotonic in each lane", not pr and len({r["x"] for r in pmm_boxes}) == 2, pr)

regions = sorted((r["start"], r["end"]) for r in of_class(vrects, "vm-region"))
check("qemu-128m: 9 virtual regions from vmlayout.h (NULL, user, direct map, heap, windows, window, kernel stacks, growth, recursive)",
      regions == [(0, 0x1000), (0x1000, 0xC0000000), (0xC0000000, 0xF0000000), (0xF0400000, 0xF4400000),
                  (0xF4400000, 0xF4800000), (0xF4800000, 0xF4C00000), (0xF5000000, 0xF5400000), (0xF5400000, 0xFFC00000),
                  (0xFFC00000, 1 << 32)], regions)
gaps = [(r["start"], r["end"]) for r in of_class(vrects, "vm-gap")]
check("qemu-128m: the two guard PDEs (after the direct map, after the window) drawn unmapped",
      gaps == [(0xF0000000, 0xF0400000), (0xF4C00000, 0xF5000000)], gaps)
direct = [(r["start"], r["end"]) for r in of_class(vrects, "mapped-direct")]
heap = of_class(vrects, "mapped-heap")
kheap = [r for r in of_class(vrects, "vm-region") if r["start"] == 0xF0400000]
dmap = [r for r in of_class(vrects, "vm-region") if r["start"] == 0xC0000000]
check("qemu-128m: RAM direct-mapped [0xc0001000, 0xc8000000) inside the direct-map region, the heap's 64 KiB "
      "inside the heap region",
      direct == [(0xC0001000, 0xC8000000)] and len(dmap) == 1 and inside(of_class(vrects, "mapped-direct")[0], dmap[0])
      and len(heap) == 1 and (heap[0]["start"], heap[0]["end"]) == (0xF0400000, 0xF0410000)
      and len(kheap) == 1 and inside(heap[0], kheap[0]), "%s %s" % (direct, heap))
ro = [(r["start"], r["end"]) for r in of_class(vrects, "mapped-ro")]
guard = [(r["start"], r["end"]) for r in of_class(vrects, "unmapped-guard")]
dbox = of_class(vrects, "mapped-direct")
check("qemu-128m: read-only kernel text and the stack guard page marked at their high addresses",
      ro == [(0xC0100000, 0xC010A000)] and guard == [(0xC011B000, 0xC011C000)] and len(dbox) == 1
      and all(inside(r, dbox[0]) for r in of_class(vrects, "mapped-ro") + of_class(vrects, "unmapped-guard")),
      "%s %s" % (ro, guard))
boot = [(r["start"], r["end"]) for r in of_class(vrects, "boot-identity-dropped")]
check("qemu-128m: paging caption (cr3, direct map, tables), the boot identity map (dropped) and region names",
      "paging: cr3=0x00121000, direct map [0xc0001000-0xc7ffffff] = [mem 0x00001000-0x07ffffff], 32 page tables" in vtexts
      and boot == [(0, 0x400000)] and any(t.startswith("boot: directory 0x00118000") for t in vtexts)
      and any(t.startswith("kernel heap 64 MiB") for t in vtexts)
      and any(t.startswith("direct map (va = 0xc0000000 + pa)") for t in vtexts)
      and any(t.startswith("recursive slot") for t in vtexts), vtexts)
pr = monotonic(of_class(vrects, "vm-region") + of_class(vrects, "vm-gap"))
check("qemu-128m: virtual column monotonic and gap-free", not pr, pr)

# --- realhw-4g: every E820 type, holes, above 4 GiB ----------------------------------------------
out = os.path.join(T_DIR, "realhw-4g")
p = run("realhw-4g.log", out, "--png", "no")
try:
    rects, texts = load(os.path.join(out, "physical.svg"))
except (OSError, ET.ParseError) as e:
    rects, texts = [], [str(e)]
tc = type_counts(rects)
check("realhw-4g: boxes per type: 4 usable, 9 reserved, 1 each ACPI NVS, ACPI data, unusable, type 12",
      p.returncode == 0 and tc == {"usable": 4, "reserved": 9, "ACPI-NVS": 1, "ACPI-data": 1, "unusable": 1, "type-12": 1},
      "%s\n%s" % (tc, p.stderr))
check("realhw-4g: 5 holes; whole column monotonic",
      len(of_class(rects, "hole")) == 5
      and not monotonic([r for r in rects if r["cls"].startswith("e820 ") or r["cls"] == "hole"]))
free = sorted((r["start"], r["end"]) for r in of_class(rects, "pmm-free"))
# By hand: [0x127000,0x20000000) 130777 + [0x20200000,0xb9000000) 626176 + [0xb9100000,0xb9a60000) 2400.
check("realhw-4g: 3 free runs, 759353 frames, the reserved 1 MiB at 0xb9000000 splits them",
      free == [(0x127000, 0x20000000), (0x20200000, 0xB9000000), (0xB9100000, 0xB9A60000)]
      and any(t.startswith("free frames: 759353 drawn") for t in texts), "%s\n%s" % (free, texts[-3:]))
check("realhw-4g: 17 raw entries counted (zero-length one dropped), 1 GiB above 4 GiB noted",
      any("17 raw BIOS-e820 entries" in t and "1 GiB usable at or above 4 GiB left out" in t for t in texts), texts[-3:])

# --- raw-only: a kernel that printed only the loader's map ---------------------------------------
out = os.path.join(T_DIR, "raw-only")
p = run("raw-only.log", out, "--png", "no")
try:
    rects, texts = load(os.path.join(out, "physical.svg"))
    vrects, vtexts = load(os.path.join(out, "virtual.svg"))
except (OSError, ET.ParseError) as e:
    rects, texts, vrects, vtexts = [], [str(e)], [], []
check("raw-only: raw map drawn (2 usable, 4 reserved), says it is not sanitised, no PMM boxes",
      p.returncode == 0 and type_counts(rects) == {"usable": 2, "reserved": 4}
      and any("raw, not sanitised" in t for t in texts)
      and not of_class(rects, "pmm-reserved") and not of_class(rects, "pmm-free")
      and any(t.startswith("no pmm lines") for t in texts), p.stderr + "\n".join(texts))
check("raw-only: without paging line or layout header the virtual picture says so and draws nothing",
      not vrects and any("nothing to draw" in t for t in vtexts), vtexts)

# --- no-map: not a kernel log --------------------------------------------------------------------
out = os.path.join(T_DIR, "no-map")
p = run("no-map.log", out)
check("no-map: exit 2 with a reason, no picture",
      p.returncode == 2 and "no 'BIOS-e820:' or 'sanitised:' lines" in p.stderr
      and not os.path.exists(os.path.join(out, "physical.svg")), p.stdout + p.stderr)

# --- qemu-recorded: a log the real kernel printed (make memmap), whatever it contains ---------------
out = os.path.join(T_DIR, "qemu-recorded")
p = run("qemu-recorded.log", out, "--vmlayout", VMLAYOUT, "--png", "no")
with open(os.path.join(LOGS, "qemu-recorded.log"), encoding="utf-8", errors="replace") as f:
    log = [l.rstrip("\r\n") for l in f]
sane = [l for l in log if l.startswith("sanitised: [mem ")]
lines = sane or [l for l in log if l.startswith("BIOS-e820: [mem ") and "(zero length)" not in l]
want = {}
for l in lines:
    t = l.split("] ", 1)[1].replace(" ", "-")
    want[t] = want.get(t, 0) + 1
nres = len([l for l in log if l.startswith("pmm: reserved ") and "[mem 0x" in l])
try:
    rects, texts = load(os.path.join(out, "physical.svg"))
except (OSError, ET.ParseError) as e:
    rects, texts = [], [str(e)]
check("qemu-recorded: one box per map line of each type (%s), one per reservation (%d), monotonic"
      % (want, nres), p.returncode == 0 and lines and type_counts(rects) == want
      and len(of_class(rects, "pmm-reserved")) == nres
      and all(a["x"] != b["x"] for a in of_class(rects, "pmm-reserved") for b in of_class(rects, "pmm-reserved")
              if a is not b and a["start"] < b["end"] and b["start"] < a["end"])
      and not monotonic([r for r in rects if r["cls"].startswith("e820 ") or r["cls"] == "hole"]),
      "%s\n%s" % (type_counts(rects), p.stderr))

# --- qemu-identity: a log of the kernel from before the higher half (identity=[mem ...], va == pa) --
out = os.path.join(T_DIR, "qemu-identity")
p = run("qemu-identity.log", out, "--vmlayout", VMLAYOUT, "--png", "no")
vr, vt = [], []
try:
    vr, vt = load(os.path.join(out, "virtual.svg"))
except (OSError, ET.ParseError) as e:
    vt = [str(e)]
check("qemu-identity: an old log (identity=...) still reads: identity box [0x1000, 0x7fe0000), no direct box",
      p.returncode == 0 and [(r["start"], r["end"]) for r in of_class(vr, "mapped-identity")] == [(0x1000, 0x7FE0000)]
      and not of_class(vr, "mapped-direct"), p.stderr + "\n".join(vt[-4:]))

# --- qemu-process: make memmap's boot with init=layout and vmexit: the regions of pid 1 ------------
out = os.path.join(T_DIR, "qemu-process")
p = run("qemu-process.log", out, "--vmlayout", VMLAYOUT, "--png", "no")
with open(os.path.join(LOGS, "qemu-process.log"), encoding="utf-8", errors="replace") as f:
    log = [l.rstrip("\r\n") for l in f]
want = []  # (start, end, kind) of every region line after pid 1's summary line
for l in log[next((i for i, l in enumerate(log) if l.startswith("vm: pid 1 ")), len(log)):]:
    if l.startswith("vm: region ["):
        a, b = l[len("vm: region ["):].split("]")[0].split("-")
        want.append((int(a, 16), int(b, 16) + 1, l.split()[4]))
try:
    prects, ptexts = load(os.path.join(out, "process.svg"))
except (OSError, ET.ParseError) as e:
    prects, ptexts = [], [str(e)]
got = sorted((r["start"], r["end"], r["cls"].split()[1]) for r in prects if r["cls"].startswith("proc-region "))
check("qemu-process: one box per region line of pid 1 (%d), at its range, classed by kind" % len(want),
      p.returncode == 0 and len(want) >= 5 and got == sorted(want), "%s\n%s\n%s" % (got, want, p.stderr))
kinds = {r["cls"].split()[1] for r in prects if r["cls"].startswith("proc-region ")}
check("qemu-process: text, data, brk, anon and stack regions each labelled with protection and resident pages",
      kinds == {"text", "data", "brk", "anon", "stack"}
      and all(any(t.startswith(k + " r") and "resident" in t for t in ptexts) for k in kinds), ptexts)
lay = {r["cls"].split()[1]: (r["start"], r["end"]) for r in prects if r["cls"].startswith("proc-layout ")}
# By hand from mm/uvm.h: the stack's 8 MiB below USER_END, the 256-page guard gap below that.
check("qemu-process: NULL page, guard gap [0xbf700000, 0xbf800000), 8 MiB stack limit, kernel half from USER_END",
      lay.get("proc-null") == (0, 0x1000) and lay.get("proc-guard") == (0xBF700000, 0xBF800000)
      and lay.get("proc-stack-limit") == (0xBF800000, 0xC0000000) and lay.get("proc-kernel") == (0xC0000000, 1 << 32)
      and any(t.startswith("stack limit 8 MiB") for t in ptexts), lay)
col = [r for r in prects if r["cls"].startswith("proc-region ") or r["cls"] == "proc-gap"]
stk = [r for r in prects if r["cls"] == "proc-region stack"]
limit = [r for r in prects if r["cls"] == "proc-layout proc-stack-limit"]
pr = monotonic(col) + monotonic([r for r in prects if r["cls"].startswith("proc-layout ")])
check("qemu-process: regions and unmapped gaps cover [0x1000, 0xc0000000) monotonic; the stack inside its limit",
      not pr and col and min(r["start"] for r in col) == 0x1000 and max(r["end"] for r in col) == 0xC0000000
      and len(stk) == 1 and len(limit) == 1 and inside(stk[0], limit[0]), pr)
check("a log without vm: lines (qemu-128m) draws no process picture",
      not os.path.exists(os.path.join(T_DIR, "qemu-128m", "process.svg")))

# --- PNG conversion ------------------------------------------------------------------------------
fakebin = os.path.join(T_DIR, "fakebin")
os.makedirs(fakebin, exist_ok=True)
calls = os.path.join(T_DIR, "rsvg-calls.txt")
with open(os.path.join(fakebin, "rsvg-convert"), "w") as f:
    f.write('#!/bin/sh\n# stands in for rsvg-convert: records its arguments, writes a PNG signature\n'
            'echo "$@" >>"%s"\n[ "$1" = -o ] && printf "\\211PNG\\r\\n\\032\\n" >"$2"\n' % calls)
os.chmod(os.path.join(fakebin, "rsvg-convert"), 0o755)
if os.path.exists(calls):
    os.remove(calls)
out = os.path.join(T_DIR, "png")
env = dict(os.environ, PATH=fakebin + os.pathsep + os.environ.get("PATH", ""))
p = run("qemu-128m.log", out, env=env)
try:
    with open(calls) as f:
        got = f.read().split("\n")
except OSError:
    got = []
check("with rsvg-convert on PATH: each SVG converted to a PNG beside it",
      p.returncode == 0 and got[:2] == ["-o %s/physical.png %s/physical.svg" % (out, out),
                                         "-o %s/virtual.png %s/virtual.svg" % (out, out)]
      and os.path.isfile(os.path.join(out, "physical.png")), p.stdout + p.stderr + "\n".join(got))
emptybin = os.path.join(T_DIR, "emptybin")
os.makedirs(emptybin, exist_ok=True)
env = dict(os.environ, PATH=emptybin)
p = run("qemu-128m.log", os.path.join(T_DIR, "nopng"), "--png", "yes", env=env)
p2 = run("qemu-128m.log", os.path.join(T_DIR, "nopng-auto"), env=env)
check("without a converter: --png yes fails naming librsvg2-bin, the default just skips the PNG",
      p.returncode == 2 and "librsvg2-bin" in p.stderr and p2.returncode == 0
      and not os.path.exists(os.path.join(T_DIR, "nopng-auto", "physical.png")), p.stderr + p2.stderr)
sys.exit(0)
