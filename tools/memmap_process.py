"""memmap_process.py - draw the address space of one process from the kernel's `vm:` lines.

tools/memmap.py calls it; it reads the lines the kernel prints with `vmexit` on its command line
(kernel/proc/vm_report.c) as a process ends:

  vm: pid <n> (<name>) exit: <n> regions, resident <n> shared <n>, brk 0x<addr>,
      mmap-top 0x<addr>, stack-top 0x<addr>, stack-max 0x<size>          (one line)
  vm: region [0x<start>-0x<end>] <rwx> <kind> resident <n> shared <n>

and draws process.svg: on the left the fixed parts of the layout (the user range
[USER_START, USER_END) and the NULL page from include/vmlayout.h; the mmap top, the stack guard
gap and the stack's limit from the summary line, i.e. mm/uvm.h as the kernel was built; the kernel
half above USER_END, the same in every address space), on the right the process's regions (text,
data, brk, anonymous mmap, stack) with their protection and resident/shared page counts, and the
unmapped space between them. The address axis is the piecewise logarithmic one of memmap.py.
"""
import re

from memmap import FOUR_GIB, PAGE, RE_DEFINE, Scale, Svg, human, rng

HEX = r"(0x[0-9a-fA-F]+)"
RE_HEAD = re.compile(r"^vm: pid (\d+) \((.*)\) exit: (\d+) regions?, resident (\d+) shared (\d+), brk " + HEX +
                     r", mmap-top " + HEX + r", stack-top " + HEX + r", stack-max " + HEX)
RE_REGION = re.compile(r"^vm: region \[" + HEX + "-" + HEX + r"\] ([r-][w-][x-]) (\w+) resident (\d+) shared (\d+)")

KIND_COLOUR = {"text": "#bebada", "data": "#80b1d3", "brk": "#fdb462", "anon": "#b3de69", "stack": "#fb8072"}


def parse_process(lines, pid=1):
    """The last `vm:` dump of pid in the log, or None: dict with the summary and the regions."""
    found, cur = None, None
    for line in lines:
        m = RE_HEAD.match(line)
        if m:
            cur = None
            if int(m[1]) == pid:
                cur = dict(pid=pid, name=m[2], nregions=int(m[3]), resident=int(m[4]), shared=int(m[5]),
                           brk=int(m[6], 16), mmap_top=int(m[7], 16), stack_top=int(m[8], 16),
                           stack_max=int(m[9], 16), regions=[])
                found = cur
            continue
        m = RE_REGION.match(line)
        if m and cur is not None:
            cur["regions"].append(dict(start=int(m[1], 16), end=int(m[2], 16) + 1, prot=m[3], kind=m[4],
                                       resident=int(m[5]), shared=int(m[6])))
            continue
        cur = None
    return found


def user_range(vmlayout):
    """USER_START, USER_END and NULL_PAGE_END from include/vmlayout.h."""
    with open(vmlayout, encoding="utf-8") as f:
        defs = {k: int(v, 0) for k, v in RE_DEFINE.findall(f.read())}
    return defs["USER_START"], defs["USER_END"], defs.get("NULL_PAGE_END", defs["USER_START"])


def draw_process(proc, vmlayout, path):
    """Write process.svg; returns the counts drawn."""
    ustart, uend, null_end = user_range(vmlayout)
    stack_low = proc["stack_top"] - proc["stack_max"]
    layout = [(ustart, null_end, "NULL page (never mapped)", "proc-null"),
              (null_end, proc["mmap_top"], "program: text, data, brk up; mmap down from the top", "proc-area"),
              (proc["mmap_top"], stack_low, "stack guard gap", "proc-guard"),
              (stack_low, proc["stack_top"], "stack limit", "proc-stack-limit")]
    if proc["stack_top"] < uend:
        layout.append((proc["stack_top"], uend, "above the stack", "proc-area"))
    layout.append((uend, FOUR_GIB, "kernel half: shared by every address space", "proc-kernel"))
    regions = sorted(proc["regions"], key=lambda r: r["start"])
    gaps, cursor = [], null_end
    for r in regions:
        if r["start"] > cursor:
            gaps.append((cursor, r["start"]))
        cursor = max(cursor, r["end"])
    if cursor < uend:
        gaps.append((cursor, uend))
    points = {ustart, FOUR_GIB, proc["brk"]}
    for s, e, _, _ in layout:
        points.update((s, e))
    for r in regions:
        points.update((r["start"], r["end"]))
    title_h = 58
    scale = Scale(points, title_h, min_h=22, per_octave=6)
    xl, wl, xr, wr = 150, 330, 500, 450
    svg = Svg(980, "Address space of a process")
    svg.text(10, 22, "Address space of pid %d (%s) as it exits" % (proc["pid"], proc["name"]), size=15,
             weight="bold")
    svg.text(10, 40, "left: the layout (include/vmlayout.h, mm/uvm.h); right: the regions the kernel printed "
             "(vmexit); piecewise address scale", size=10)
    svg.text(xl, title_h - 4, "layout", weight="bold")
    svg.text(xr, title_h - 4, "regions", weight="bold")
    for p in scale.points:
        y = scale.y(p)
        svg.line(xl - 8, y, xr + wr, y, "#e0e0e0")
        svg.text(xl - 10, y + 4, "0x%08x" % p if p < FOUR_GIB else "0xffffffff", size=9, cls="tick", anchor="end")
    fills = {"proc-null": "#f0f0f0", "proc-area": "#ffffcc", "proc-guard": "#ffffff", "proc-stack-limit": "#fed9a6",
             "proc-kernel": "#d9d9d9"}
    for s, e, label, cls in layout:
        svg.rect(xl, scale.y(s), scale.y(e), wl, fills[cls], "proc-layout " + cls, s, e, "%s %s" % (label, human(e - s)),
                 "%s [%s]" % (label, rng(s, e)))
    for r in regions:
        s, e = r["start"], r["end"]
        label = "%s %s %s, %d resident%s" % (r["kind"], r["prot"], human(e - s), r["resident"],
                                             ", %d shared" % r["shared"] if r["shared"] else "")
        svg.rect(xr, scale.y(s), scale.y(e), wr, KIND_COLOUR.get(r["kind"], "#e5d8bd"), "proc-region " + r["kind"],
                 s, e, label, "%s %s [%s] resident %d shared %d" % (r["kind"], r["prot"], rng(s, e), r["resident"],
                                                                    r["shared"]))
    for s, e in gaps:
        svg.rect(xr, scale.y(s), scale.y(e), wr, "#ffffff", "proc-gap", s, e, "unmapped %s" % human(e - s),
                 "no region [%s]" % rng(s, e), stroke="#bbb")
    y = scale.y(proc["brk"])
    svg.line(xr - 20, y, xr + wr, y, "#d95f02")
    svg.text(xr + wr - 4, y - 3, "brk 0x%08x" % proc["brk"], size=9, cls="brk", anchor="end")
    y = title_h + scale.total + 24
    svg.text(10, y, "pid %d (%s): %d regions, %d pages resident, %d shared; brk 0x%08x; mmap below 0x%08x, "
             "stack guard gap %s, stack up to %s below 0x%08x" % (
                 proc["pid"], proc["name"], len(regions), proc["resident"], proc["shared"], proc["brk"],
                 proc["mmap_top"], human(stack_low - proc["mmap_top"]), human(proc["stack_max"]), proc["stack_top"]),
             cls="summary process")
    y += 16
    if len(regions) != proc["nregions"]:
        svg.text(10, y, "the log lists %d of the %d regions the kernel counted" % (len(regions), proc["nregions"]),
                 cls="summary")
        y += 16
    svg.write(path, int(y + 12))
    return dict(regions=len(regions), gaps=len(gaps))
