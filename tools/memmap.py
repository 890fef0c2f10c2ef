#!/usr/bin/env python3
"""memmap.py - draw the physical memory map and the virtual layout from a kernel boot log.

Usage: tools/memmap.py LOG [-o OUTDIR] [--vmlayout include/vmlayout.h] [--png auto|no|yes]

Reads the serial log of one boot (make memmap captures it) and writes OUTDIR/physical.svg and
OUTDIR/virtual.svg (default OUTDIR: build/memmap), plus a .png of each when rsvg-convert is on
PATH. Standard library only. The lines it understands are the ones the kernel prints:

  BIOS-e820: [mem 0x<start>-0x<end>] <type>       the map as the loader handed it over
  sanitised: [mem 0x<start>-0x<end>] <type>       the map after sorting and splitting overlaps
  pmm: reserved <name> [mem 0x<start>-0x<end>] <n> frames
  pmm: usable=<n> free=<n> reserved=<n>           frame counts
  paging: boot directory at 0x<addr>: [mem ...] mapped at 0x<va>, the kernel also at 0x<pa>
          (identity, <n> PDEs)                     the switch to the higher half (dropped after it)
  paging: ... kernel text+rodata read-only [mem 0x<start>-0x<end>] at 0x<va>, stack guard page ...
  paging: on cr3=0x<addr> direct=[mem 0x<start>-0x<end>] at 0x<vstart>-0x<vend> tables=<n>
  heap: ready [mem 0x<start>-0x<end>] ...
(Logs of kernels from before the higher half, `identity=[mem ...]` with va == pa, are read too.)

Ranges are inclusive ([mem a-b] as Linux prints them). The physical picture draws the sanitised
map (the raw one when the log has no sanitised lines), beside it the PMM's view: each reservation
by name and the free frames (usable frames rounded inward, minus the reservations; the caption
compares their count with the kernel's own free= figure). The virtual picture draws the fixed
regions named in include/vmlayout.h (NAME_START/NAME_END pairs, the NULL page and the recursive
slot) and marks what the log says is actually mapped: the direct map of RAM (with the read-only
kernel text and the stack guard page inside it), the heap, and the boot identity map that existed
only during the switch to the higher half.

Address scale: a linear scale would make a 4 KiB reservation invisible next to the 4 GiB hole,
so the axis is piecewise linear: every boundary of every drawn range is a breakpoint, and each
piece between two breakpoints gets a height growing with the logarithm of its size. The scale is
monotonic (higher address, higher on the page) but not proportional; every box is labelled with
its exact range. Each box carries data-start/data-end attributes (exclusive end) so that tests and
other tools can read the picture back.

With --vmlayout, a log that holds the regions of pid 1 as it ended (`vm:` lines, printed with
`vmexit` on the kernel command line) also gives OUTDIR/process.svg, the address space of that
process (tools/memmap_process.py).
"""
import argparse
import math
import os
import re
import shutil
import subprocess
import sys
from xml.sax.saxutils import escape

PAGE = 4096
FOUR_GIB = 1 << 32

MEM = r"\[mem (0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)\]"
RE_E820 = re.compile(r"^BIOS-e820: " + MEM + r" (.+?)(?: \((?:zero length|wraps past 2\^64)\))?$")
RE_SANE = re.compile(r"^sanitised: " + MEM + r" (.+)$")
RE_RES = re.compile(r"^pmm: reserved (.+?) " + MEM + r" (\d+) frames")
RE_COUNTS = re.compile(r"^pmm: usable=(\d+) free=(\d+) reserved=(\d+)")
HEX = r"(0x[0-9a-fA-F]+)"
RE_PAGING = re.compile(r"^paging: on cr3=" + HEX + r" identity=" + MEM + r" tables=(\d+)")
RE_DIRECT = re.compile(r"^paging: on cr3=" + HEX + r" direct=" + MEM + r" at " + HEX + "-" + HEX +
                       r" tables=(\d+)")
RE_BOOT = re.compile(r"^paging: boot directory at " + HEX + r": .* the kernel also at " + HEX +
                     r" \(identity, (\d+) PDEs?\)")
RE_HEAP = re.compile(r"^heap: ready " + MEM)
RE_PROTECT = re.compile(r"^paging: .*kernel text\+rodata read-only " + MEM + r"(?: at " + HEX + r")?"
                        r", stack guard page (0x[0-9a-fA-F]+) unmapped")
RE_ABOVE4G = re.compile(r"^sanitised: (\d+) KiB of usable RAM at or above 4 GiB left out")
RE_DEFINE = re.compile(r"^#define\s+(\w+)\s+(0x[0-9a-fA-F]+|\d+)\b", re.M)

# Fill colours per E820 type; anything else ("type 12") is drawn as reserved-like grey-blue.
TYPE_COLOUR = {
    "usable": "#7fc97f",
    "reserved": "#bdbdbd",
    "ACPI data": "#80b1d3",
    "ACPI NVS": "#bebada",
    "unusable": "#fb8072",
    "hole": "#ffffff",
}
OTHER_COLOUR = "#d9d9d9"
RESERVED_COLOUR = "#fdb462"
LANE = 175  # px between lanes of overlapping reservations
FREE_COLOUR = "#b3de69"

VM_NAMES = {
    "NULL": "NULL page (never mapped)",
    "USER": "user range (per address space)",
    "DIRECT_MAP": "direct map (va = 0xc0000000 + pa)",
    "KIDENT": "identity region (va == pa)",
    "KHEAP": "kernel heap",
    "KMAP": "temporary windows (kmap)",
    "KWIN": "kernel window (experiments)",
    "KSTACK": "process kernel stacks",
    "KGROWTH": "reserved kernel growth",
    "RECURSIVE": "recursive slot: page tables",
}
LG = 1 << 22  # bytes one page-directory entry maps


class LogError(Exception):
    pass


def clean_lines(text):
    """The log's lines without CR, NULs and terminal escape codes."""
    return [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line).strip("\r\n\0 ") for line in text.splitlines()]


def parse_log(text):
    """Collect the facts from a serial log; tolerant of CR, escape codes and other lines."""
    facts = {"raw": [], "sane": [], "reserved": [], "counts": None, "paging": None, "heap": None, "protect": None,
             "above4g_kib": 0, "boot": None}
    for line in clean_lines(text):
        m = RE_E820.match(line)
        if m:
            start, end = int(m[1], 16), int(m[2], 16)
            if "(zero length)" not in line:
                facts["raw"].append((start, end + 1, m[3]))
            continue
        m = RE_ABOVE4G.match(line)
        if m:
            facts["above4g_kib"] = int(m[1])
            continue
        m = RE_SANE.match(line)
        if m:
            facts["sane"].append((int(m[1], 16), int(m[2], 16) + 1, m[3]))
            continue
        m = RE_RES.match(line)
        if m:
            facts["reserved"].append((int(m[2], 16), int(m[3], 16) + 1, m[1], int(m[4])))
            continue
        m = RE_COUNTS.match(line)
        if m:
            facts["counts"] = dict(usable=int(m[1]), free=int(m[2]), reserved=int(m[3]))
            continue
        m = RE_PAGING.match(line)
        if m:  # before the higher half: va == pa
            facts["paging"] = dict(cr3=int(m[1], 16), start=int(m[2], 16), end=int(m[3], 16) + 1,
                                   tables=int(m[4]), pa=int(m[2], 16), direct=False)
            continue
        m = RE_DIRECT.match(line)
        if m:  # the direct map: virtual [vstart, vend] shows physical [start, end]
            facts["paging"] = dict(cr3=int(m[1], 16), start=int(m[4], 16), end=int(m[5], 16) + 1,
                                   tables=int(m[6]), pa=int(m[2], 16), pa_end=int(m[3], 16) + 1, direct=True)
            continue
        m = RE_BOOT.match(line)
        if m:
            facts["boot"] = dict(pd=int(m[1], 16), ident_end=int(m[3]) * LG)
            continue
        m = RE_PROTECT.match(line)
        if m:  # [mem a-b] physical; "at <va>" gives its virtual address (absent: va == pa)
            va = int(m[3], 16) if m[3] else int(m[1], 16)
            facts["protect"] = (va, va + int(m[2], 16) + 1 - int(m[1], 16), int(m[4], 16))
            continue
        m = RE_HEAP.match(line)
        if m:
            facts["heap"] = (int(m[1], 16), int(m[2], 16) + 1)
    if not facts["raw"] and not facts["sane"]:
        raise LogError("no 'BIOS-e820:' or 'sanitised:' lines: is this a serial log of our kernel?")
    return facts


def parse_vmlayout(path):
    """Regions [start, end) named by NAME_START/NAME_END pairs in a header, plus the recursive slot."""
    with open(path, encoding="utf-8") as f:
        defs = {k: int(v, 0) for k, v in RE_DEFINE.findall(f.read())}
    regions = []
    for key, start in defs.items():
        if key.endswith("_START") and key[:-6] + "_END" in defs:
            regions.append((start, defs[key[:-6] + "_END"], key[:-6]))
    if "RECURSIVE_BASE" in defs:
        regions.append((defs["RECURSIVE_BASE"], FOUR_GIB, "RECURSIVE"))
    regions.sort()
    null_end = defs.get("NULL_PAGE_END", 0)
    if null_end and regions and regions[0][0] == 0:  # the NULL page is the user range's first page
        regions[0] = (null_end, regions[0][1], regions[0][2])
    if regions and regions[0][0] > 0:
        regions.insert(0, (0, regions[0][0], "NULL"))
    return regions


def human(n):
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            v = "%.3f" % (n / size)
            return "%s %s" % (v.rstrip("0").rstrip("."), unit)
    return "%d B" % n


def rng(start, end):
    """Inclusive hex range as the kernel prints it, 8 digits below 4 GiB."""
    width = 8 if end <= FOUR_GIB else 16
    return "0x%0*x-0x%0*x" % (width, start, width, end - 1)


def subtract(ranges, cuts):
    """ranges minus the union of cuts; both lists of (start, end)."""
    out = []
    for s, e in ranges:
        pieces = [(s, e)]
        for cs, ce in cuts:
            nxt = []
            for ps, pe in pieces:
                if ce <= ps or cs >= pe:
                    nxt.append((ps, pe))
                    continue
                if ps < cs:
                    nxt.append((ps, cs))
                if ce < pe:
                    nxt.append((ce, pe))
            pieces = nxt
        out.extend(pieces)
    return sorted(out)


class Scale:
    """Piecewise-linear address axis: address -> y, higher addresses nearer the top."""

    def __init__(self, points, top_y, min_h=18, per_octave=5.5, max_h=130):
        self.points = sorted(set(points))
        self.heights = []
        for a, b in zip(self.points, self.points[1:]):
            h = min_h + per_octave * max(0.0, math.log2((b - a) / PAGE))
            self.heights.append(min(max_h, h))
        self.top_y = top_y
        self.total = sum(self.heights)

    def y(self, addr):
        """y of an address (the bottom of the picture is the lowest breakpoint)."""
        y = self.top_y + self.total
        for (a, b), h in zip(zip(self.points, self.points[1:]), self.heights):
            if addr >= b:
                y -= h
                continue
            if addr > a:
                y -= h * (addr - a) / (b - a)
            break
        return y


class Svg:
    def __init__(self, width, title):
        self.width, self.items, self.title = width, [], title

    def rect(self, x, y0, y1, w, fill, cls, start, end, label=None, tip=None, stroke="#333"):
        # Round both edges, not edge and height, so that neighbours share their edge exactly.
        top, bottom = round(min(y0, y1), 2), round(max(y0, y1), 2)
        h = bottom - top
        self.items.append(
            '<rect class="%s" x="%.1f" y="%.2f" width="%.1f" height="%.2f" fill="%s" stroke="%s" '
            'stroke-width="0.8" data-start="0x%x" data-end="0x%x"><title>%s</title></rect>'
            % (cls, x, top, w, h, fill, stroke, start, end, escape(tip or label or cls)))
        if label:
            self.text(x + 5, top + h / 2 + 4, label, cls="label " + cls.split()[0])

    def text(self, x, y, s, size=11, cls="note", anchor="start", weight="normal"):
        self.items.append('<text class="%s" x="%.1f" y="%.2f" font-size="%d" text-anchor="%s" '
                          'font-weight="%s">%s</text>' % (cls, x, y, size, anchor, weight, escape(s)))

    def line(self, x0, y0, x1, y1, colour="#999"):
        self.items.append('<line x1="%.1f" y1="%.2f" x2="%.1f" y2="%.2f" stroke="%s" '
                          'stroke-width="0.6"/>' % (x0, y0, x1, y1, colour))

    def write(self, path, height):
        with open(path, "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
            f.write('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
                    'viewBox="0 0 %d %d" font-family="DejaVu Sans Mono, monospace">\n'
                    % (self.width, height, self.width, height))
            f.write('<title>%s</title>\n' % escape(self.title))
            f.write('<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>\n' % (self.width, height))
            for item in self.items:
                f.write(item + "\n")
            f.write("</svg>\n")


def draw_physical(facts, path):
    regions = facts["sane"] or facts["raw"]
    source = "sanitised" if facts["sane"] else "BIOS-e820 (raw, not sanitised)"
    regions = sorted(regions)
    reserved = sorted(facts["reserved"])
    top = max(e for _, e, _ in regions)
    # Holes: address ranges below the top that no entry covers (the map says nothing of them).
    holes, cursor = [], 0
    for s, e, _ in regions:
        if s > cursor:
            holes.append((cursor, s))
        cursor = max(cursor, e)
    # Free frames: usable ranges below 4 GiB rounded inward to whole frames, minus reservations.
    usable = []
    for s, e, t in regions:
        if t == "usable":
            fs, fe = -(-s // PAGE) * PAGE, min(e, FOUR_GIB) // PAGE * PAGE
            if fs < fe:
                usable.append((fs, fe))
    free = subtract(usable, [(s, e) for s, e, _, _ in reserved]) if reserved or facts["counts"] else []
    free_frames = sum((e - s) // PAGE for s, e in free)

    points = {0, top}
    for s, e, _ in regions:
        points.update((s, e))
    for s, e, _, _ in reserved:
        points.update((s, e))
    for s, e in holes:
        points.update((s, e))
    title_h = 58
    scale = Scale(points, title_h)
    xmap, wmap, xpmm, wpmm = 150, 300, 470, 560
    svg = Svg(1050, "Physical memory map")
    svg.text(10, 22, "Physical memory: %s map and the PMM's view" % source, size=15, weight="bold")
    svg.text(10, 40, "piecewise address scale (boxes grow with log2 of their size); hover for details",
             size=10)
    svg.text(xmap, title_h - 4, "E820 %s" % ("sanitised" if facts["sane"] else "raw"), weight="bold")
    svg.text(xpmm, title_h - 4, "PMM: reservations and free frames", weight="bold")

    # Address ticks at every breakpoint.
    for p in scale.points:
        y = scale.y(p)
        svg.line(xmap - 8, y, xpmm + wpmm, y, "#e0e0e0")
        svg.text(xmap - 10, y + 4, "0x%08x" % p if p <= 0xFFFFFFFF else "0x%x" % p,
                 size=9, cls="tick", anchor="end")
    for s, e, t in regions:
        svg.rect(xmap, scale.y(s), scale.y(e), wmap, TYPE_COLOUR.get(t, OTHER_COLOUR),
                 "e820 " + t.replace(" ", "-"), s, e, "%s %s" % (t, human(e - s)),
                 "%s [mem %s] %s" % (t, rng(s, e), human(e - s)))
    for s, e in holes:
        svg.rect(xmap, scale.y(s), scale.y(e), wmap, TYPE_COLOUR["hole"], "hole", s, e,
                 "not in map %s" % human(e - s), "no E820 entry [mem %s]" % rng(s, e), stroke="#bbb")
    # Reservations may overlap (the multiboot info inside the reserved first MiB, two names for one
    # page): each goes to the first lane where it overlaps nothing; lane k is drawn LANE px further
    # right, on top, so the label at the left of an outer box stays visible.
    lanes = []
    for s, e, name, frames in reserved:
        k = next((i for i, lane in enumerate(lanes) if all(e <= ls or s >= le for ls, le in lane)), len(lanes))
        if k == len(lanes):
            lanes.append([])
        lanes[k].append((s, e))
        x = xpmm + min(k, 3) * LANE
        svg.rect(x, scale.y(s), scale.y(e), xpmm + wpmm - x, RESERVED_COLOUR, "pmm-reserved", s, e,
                 "%s (%d frames)" % (name, frames), "reserved %s [mem %s] %d frames" % (name, rng(s, e), frames))
    for s, e in free:
        svg.rect(xpmm, scale.y(s), scale.y(e), wpmm, FREE_COLOUR, "pmm-free", s, e,
                 "free %d frames" % ((e - s) // PAGE), "free [mem %s] %s" % (rng(s, e), human(e - s)))

    y = title_h + scale.total + 24
    legend = [(t, c) for t, c in TYPE_COLOUR.items() if t != "hole"] + [
        ("PMM reserved", RESERVED_COLOUR), ("PMM free", FREE_COLOUR)]
    for i, (name, colour) in enumerate(legend):
        x = 10 + i * 118
        svg.items.append('<rect class="legend" x="%d" y="%.1f" width="14" height="12" fill="%s" '
                         'stroke="#333" stroke-width="0.8"/>' % (x, y - 10, colour))
        svg.text(x + 18, y, name, size=10, cls="legend")
    y += 22
    usable_bytes = sum(e - s for s, e, t in regions if t == "usable")
    svg.text(10, y, "map: %d ranges (%d raw BIOS-e820 entries), usable %s%s" % (
        len(regions), len(facts["raw"]), human(usable_bytes),
        "; %s usable at or above 4 GiB left out (no PAE)" % human(facts["above4g_kib"] << 10)
        if facts["above4g_kib"] else ""), cls="summary")
    y += 16
    c = facts["counts"]
    if reserved or c:
        svg.text(10, y, "free frames: %d drawn (usable minus reservations)%s" % (
            free_frames, "; kernel says usable=%d free=%d reserved=%d" % (c["usable"], c["free"], c["reserved"])
            if c else ""), cls="summary free-count")
        y += 16
    else:
        svg.text(10, y, "no pmm lines in the log: reservations and free frames not drawn", cls="summary")
        y += 16
    svg.write(path, int(y + 12))
    return dict(regions=len(regions), holes=len(holes), reserved=len(reserved), free_runs=len(free),
                free_frames=free_frames, counts=c)


def draw_virtual(facts, layout, path):
    paging, heap = facts["paging"], facts["heap"]
    svg = Svg(980, "Virtual address layout")
    title_h = 58
    svg.text(10, 22, "Virtual address space (32-bit paging)", size=15, weight="bold")
    if not layout and not paging:
        svg.text(10, 44, "no paging line in the log and no layout header: nothing to draw", cls="summary")
        svg.write(path, 60)
        return dict(regions=0, mapped=0)
    regions = list(layout)
    if not regions:  # only the log: the mapped range and what lies around it
        regions = [(0, paging["start"], "NULL")] if paging["start"] else []
        regions.append((paging["start"], paging["end"], "DIRECT_MAP" if paging["direct"] else "KIDENT"))
    # Gaps between named regions (reserved growth, ...) are drawn as unmapped.
    gaps, cursor = [], 0
    for s, e, _ in regions:
        if s > cursor:
            gaps.append((cursor, s))
        cursor = max(cursor, e)
    mapped = []  # (start, end, label, class, lane): lane 1 boxes sit inside a lane 0 box
    if paging and paging["direct"]:
        mapped.append((paging["start"], paging["end"], "RAM direct-mapped", "mapped-direct", 0))
    elif paging:
        mapped.append((paging["start"], paging["end"], "identity mapped", "mapped-identity", 0))
    if facts["boot"]:
        mapped.append((0, facts["boot"]["ident_end"], "boot identity map (dropped after the jump high)",
                       "boot-identity-dropped", 0))
    if facts["protect"]:
        ro_s, ro_e, guard = facts["protect"]
        mapped.append((ro_s, ro_e, "kernel text+rodata read-only", "mapped-ro", 1))
        mapped.append((guard, guard + PAGE, "stack guard page unmapped", "unmapped-guard", 1))
    if heap:
        mapped.append((heap[0], heap[1], "heap ready", "mapped-heap", 0))
    points = {0, FOUR_GIB}
    for s, e, _ in regions:
        points.update((s, e))
    for s, e in gaps:
        points.update((s, e))
    for s, e, _, _, _ in mapped:
        points.update((s, e))
    scale = Scale(points, title_h, min_h=22, per_octave=6)
    xr, wr, xm, wm = 150, 360, 530, 420
    svg.text(10, 40, "regions from include/vmlayout.h; right: what the boot log says is mapped", size=10)
    svg.text(xr, title_h - 4, "layout", weight="bold")
    svg.text(xm, title_h - 4, "mapped at boot", weight="bold")
    for p in scale.points:
        y = scale.y(p)
        svg.line(xr - 8, y, xm + wm, y, "#e0e0e0")
        svg.text(xr - 10, y + 4, "0x%08x" % min(p, 0xFFFFFFFF) if p < FOUR_GIB else "0xffffffff",
                 size=9, cls="tick", anchor="end")
    palette = ["#fbb4ae", "#b3cde3", "#ccebc5", "#decbe4", "#fed9a6", "#ffffcc", "#e5d8bd"]
    for i, (s, e, name) in enumerate(regions):
        label = "%s %s" % (VM_NAMES.get(name, name), human(e - s))
        svg.rect(xr, scale.y(s), scale.y(e), wr, "#f0f0f0" if name == "NULL" else palette[i % len(palette)],
                 "vm-region", s, e, label, "%s [%s] %s" % (name, rng(s, e), human(e - s)))
    for s, e in gaps:
        svg.rect(xr, scale.y(s), scale.y(e), wr, "#ffffff", "vm-gap", s, e, "unmapped %s" % human(e - s),
                 "no region [%s]" % rng(s, e), stroke="#bbb")
    colours = {"mapped-identity": "#8dd3c7", "mapped-direct": "#8dd3c7", "mapped-heap": "#fdb462",
               "mapped-ro": "#bebada", "unmapped-guard": "#fb8072", "boot-identity-dropped": "#eeeeee"}
    for s, e, label, cls, lane in mapped:
        x = xm + lane * 150
        svg.rect(x, scale.y(s), scale.y(e), xm + wm - x, colours[cls], cls, s, e,
                 "%s %s" % (label, human(e - s)) if lane == 0 else label, "%s [%s]" % (label, rng(s, e)))
    y = title_h + scale.total + 24
    if paging and paging["direct"]:
        svg.text(10, y, "paging: cr3=0x%08x, direct map [%s] = [mem %s], %d page tables" % (
            paging["cr3"], rng(paging["start"], paging["end"]), rng(paging["pa"], paging["pa_end"]),
            paging["tables"]), cls="summary paging")
    elif paging:
        svg.text(10, y, "paging: cr3=0x%08x, identity [%s], %d page tables" % (
            paging["cr3"], rng(paging["start"], paging["end"]), paging["tables"]), cls="summary paging")
    else:
        svg.text(10, y, "no 'paging: on' line in the log: paging not shown as enabled", cls="summary")
    y += 16
    if facts["protect"]:
        svg.text(10, y, "kernel text+rodata read-only [%s], stack guard page 0x%08x unmapped" % (
            rng(facts["protect"][0], facts["protect"][1]), facts["protect"][2]), cls="summary protect")
        y += 16
    if heap:
        svg.text(10, y, "heap: ready [%s] %s" % (rng(*heap), human(heap[1] - heap[0])), cls="summary heap")
        y += 16
    if facts["boot"]:
        svg.text(10, y, "boot: directory 0x%08x mapped the kernel at [%s] too (identity) until the jump "
                 "to the higher half; then dropped" % (facts["boot"]["pd"], rng(0, facts["boot"]["ident_end"])),
                 cls="summary boot")
        y += 16
    svg.write(path, int(y + 12))
    return dict(regions=len(regions), mapped=len(mapped))


def to_png(svg_path, mode):
    conv = shutil.which("rsvg-convert")
    if not conv:
        if mode == "yes":
            raise LogError("--png yes but rsvg-convert is not installed (Debian: librsvg2-bin)")
        return None
    png = svg_path[:-4] + ".png"
    subprocess.run([conv, "-o", png, svg_path], check=True)
    return png


def main(argv):
    import memmap_process  # here: it imports this module's drawing helpers
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("log", help="serial log of one boot")
    ap.add_argument("-o", "--outdir", default="build/memmap")
    ap.add_argument("--vmlayout", help="include/vmlayout.h: the fixed virtual regions")
    ap.add_argument("--png", choices=("auto", "no", "yes"), default="auto")
    args = ap.parse_args(argv)
    try:
        with open(args.log, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        facts = parse_log(text)
        proc = memmap_process.parse_process(clean_lines(text))
        layout = parse_vmlayout(args.vmlayout) if args.vmlayout else []
        os.makedirs(args.outdir, exist_ok=True)
        phys = os.path.join(args.outdir, "physical.svg")
        virt = os.path.join(args.outdir, "virtual.svg")
        p = draw_physical(facts, phys)
        v = draw_virtual(facts, layout, virt)
        outs = [phys, virt]
        if proc and args.vmlayout:
            outs.append(os.path.join(args.outdir, "process.svg"))
            memmap_process.draw_process(proc, args.vmlayout, outs[-1])
        elif proc:
            print("memmap: the log has the regions of pid 1; --vmlayout is needed to draw them", file=sys.stderr)
        if args.png != "no":
            outs += [x for x in (to_png(o, args.png) for o in list(outs)) if x]
    except (OSError, KeyError, LogError, subprocess.CalledProcessError) as e:
        print("memmap: %s: %s" % (args.log, e), file=sys.stderr)
        return 2
    print("memmap: %d map ranges, %d holes, %d reservations, %d free runs (%d frames); "
          "%d virtual regions, %d mapped ranges%s" % (
              p["regions"], p["holes"], p["reserved"], p["free_runs"], p["free_frames"], v["regions"], v["mapped"],
              "; pid 1 (%s): %d regions" % (proc["name"], len(proc["regions"])) if proc else ""))
    if p["counts"] and p["counts"]["free"] != p["free_frames"]:
        print("memmap: note: the kernel counted free=%d frames, the drawn ranges hold %d "
              "(the log does not list every reservation)" % (p["counts"]["free"], p["free_frames"]))
    for o in outs:
        print("memmap: wrote %s" % o)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
