#!/usr/bin/env python3
# 74-monitor-random.t - a long random monitor session (seeded; MONITOR_SEED=<n> to replay one,
# MONITOR_OPS=<n> for its length): frames allocated and freed in runs and parts of runs, heap
# blocks of random sizes, pages mapped and unmapped in the kernel window, walks, dumps, checks,
# and garbage lines mixed in. A model of what the monitor holds checks every answer (addresses
# never overlap, walk ends at the frame mapped, x and xp agree, counts move by what was asked).
# At the end everything is given back: the prompt must still answer, `check` must pass, and the
# PMM counts and heap statistics must be back at their starting values.
import os
import random
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from monitor_session import MonitorSession, MonitorError, Tap, build_dir, test_dir  # noqa: E402

WINDOW = 0xF4800000  # KWIN_START (include/vmlayout.h)
WINDOW_PAGES = 64           # the part of the window this test uses
PAGE = 4096
t = Tap()
kernel = os.path.join(build_dir(), "kernel", "kernel.elf")
tdir = test_dir("74-monitor-random")
seed = int(os.environ.get("MONITOR_SEED", "20261125"))
nops = int(os.environ.get("MONITOR_OPS", "400"))
rng = random.Random(seed)


def pmm_counts(out):
    m = re.search(r"pmm: usable=(\d+) free=(\d+) reserved=(\d+) allocated=(\d+)", out)
    return tuple(int(v) for v in m.groups()) if m else None


def heap_state(out):
    d = dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", out))
    return (d.get("in_use"), d.get("requested"), d.get("live_blocks"))


def dump_bytes(out):
    b = bytearray()
    for m in re.finditer(r"^[0-9a-f]{8}: ((?:[0-9a-f]{2} )+)", out, re.M):
        b += bytes(int(h, 16) for h in m.group(1).split())
    return bytes(b)


class Model:
    def __init__(self):
        self.runs = []      # [pa, frames]
        self.blocks = {}    # ptr -> size
        self.maps = {}      # va -> pa
        self.free = None    # the PMM free count, when known (heap growth changes it behind us)
        self.problems = []

    def frames(self):
        return [pa + i * PAGE for pa, n in self.runs for i in range(n)]


def session(m, model):
    def bad(msg, line, out):
        model.problems.append("%s\n  line: %s\n  out: %s" % (msg, line, out.strip()[:600]))

    def run(line):
        out = m.cmd(line)
        if "PANIC" in out:
            bad("panic", line, out)
            raise MonitorError("panic on: " + line)
        return out

    ops = ["alloc", "free", "kmalloc", "kfree", "map", "unmap", "walk", "x", "xp", "pmm", "heap",
           "check", "garbage", "history"]
    weights = [12, 10, 14, 10, 8, 6, 6, 5, 4, 3, 3, 2, 14, 1]
    for _ in range(nops):
        op = rng.choices(ops, weights)[0]
        if op == "alloc" and len(model.runs) < 60:
            n = rng.choice([1, 1, 2, 3, 4, 8, 16])
            line = "alloc %d" % n if n > 1 or rng.random() < 0.5 else "alloc"
            out = run(line)
            a = re.search(r"alloc: \[mem 0x([0-9a-f]{8})-0x([0-9a-f]{8})\] (\d+) frames; free=(\d+)", out)
            if not a:
                bad("alloc failed", line, out)
                continue
            pa, end, got, free = int(a.group(1), 16), int(a.group(2), 16), int(a.group(3)), int(a.group(4))
            held = set(model.frames())
            mine = set(pa + i * PAGE for i in range(n))
            if got != n or end != pa + n * PAGE - 1 or held & mine or pa % PAGE:
                bad("alloc gave a bad or overlapping run", line, out)
            if model.free is not None and free != model.free - n:
                bad("free count did not drop by %d (was %d)" % (n, model.free), line, out)
            model.free = free
            model.runs.append([pa, n])
        elif op == "free" and model.runs:
            r = rng.choice(model.runs)
            # a whole run, its head, its tail, or one frame inside it
            pa, n = r
            start, k = rng.choice([(0, n), (0, max(1, n // 2)), (n - 1, 1), (rng.randrange(n), 1)])
            addr = pa + start * PAGE
            if any(addr <= va_pa < addr + k * PAGE for va_pa in model.maps.values()):
                continue  # keep mapped frames allocated
            line = "free 0x%x %d" % (addr, k) if k > 1 or rng.random() < 0.5 else "free 0x%x" % addr
            out = run(line)
            f = re.search(r"free: \[mem 0x%08x-0x%08x\] %d frames; free=(\d+)" % (addr, addr + k * PAGE - 1, k), out)
            if not f:
                bad("free failed", line, out)
                continue
            if model.free is not None and int(f.group(1)) != model.free + k:
                bad("free count did not rise by %d (was %d)" % (k, model.free), line, out)
            model.free = int(f.group(1))
            model.runs.remove(r)
            if start > 0:
                model.runs.append([pa, start])
            if start + k < n:
                model.runs.append([addr + k * PAGE, n - start - k])
        elif op == "kmalloc" and len(model.blocks) < 60:
            size = rng.choice([0, 1, 16, 24, 100, 500, 4096, rng.randrange(1, 9000), rng.randrange(1, 70000)])
            out = run("kmalloc %d" % size)
            k = re.search(r"kmalloc: 0x([0-9a-f]{8}) \((\d+) bytes\)", out)
            if not k or int(k.group(2)) != size:
                bad("kmalloc failed", "kmalloc %d" % size, out)
                continue
            ptr = int(k.group(1), 16)
            overlap = [p for p, s in model.blocks.items() if p < ptr + max(size, 1) and ptr < p + max(s, 1)]
            if ptr % 16 or not 0xF0400000 <= ptr < 0xF4400000 or overlap:
                bad("kmalloc pointer misaligned, outside the heap or overlapping", "kmalloc %d" % size, out)
            model.blocks[ptr] = size
            model.free = None
        elif op == "kfree" and model.blocks:
            ptr = rng.choice(sorted(model.blocks))
            out = run("kfree 0x%x" % ptr)
            if "kfree: 0x%08x (%d bytes)" % (ptr, model.blocks[ptr]) not in out:
                bad("kfree failed", "kfree 0x%x" % ptr, out)
            del model.blocks[ptr]
            model.free = None
        elif op == "map":
            frames = [f for f in model.frames() if f not in model.maps.values()]
            slots = [WINDOW + i * PAGE for i in range(WINDOW_PAGES) if WINDOW + i * PAGE not in model.maps]
            if not frames or not slots:
                continue
            va, pa = rng.choice(slots), rng.choice(frames)
            flags = rng.choice(["", " w", " r", " wc", " t"])
            out = run("map 0x%x 0x%x%s" % (va, pa, flags))
            want = "writable" if flags in ("", " w", " wc") else "read-only"
            if not re.search(r"map: 0x%08x -> 0x%08x present %s" % (va, pa, want), out):
                bad("map failed", "map 0x%x 0x%x%s" % (va, pa, flags), out)
                continue
            model.maps[va] = pa
        elif op == "unmap" and model.maps:
            va = rng.choice(sorted(model.maps))
            out = run("unmap 0x%x" % va)
            if "unmap: 0x%08x (was -> 0x%08x)" % (va, model.maps[va]) not in out:
                bad("unmap failed", "unmap 0x%x" % va, out)
            del model.maps[va]
        elif op == "walk":
            va = WINDOW + rng.randrange(WINDOW_PAGES) * PAGE + rng.randrange(PAGE)
            out = run("walk 0x%x" % va)
            page = va & ~(PAGE - 1)
            if page in model.maps:
                ok = "-> physical 0x%08x" % (model.maps[page] + (va & (PAGE - 1))) in out
            else:
                ok = "0x%08x is not mapped" % va in out
            if not ok:
                bad("walk disagrees with the model", "walk 0x%x" % va, out)
        elif op in ("x", "xp") and model.maps:
            va = rng.choice(sorted(model.maps))
            off = rng.randrange(0, PAGE - 64)
            n = rng.randrange(1, 64)
            xv = run("x 0x%x %d" % (va + off, n))
            xp = run("xp 0x%x %d" % (model.maps[va] + off, n))
            if len(dump_bytes(xv)) != n or dump_bytes(xv) != dump_bytes(xp):
                bad("x and xp disagree", "x 0x%x %d / xp 0x%x %d" % (va + off, n, model.maps[va] + off, n), xv + xp)
        elif op == "pmm":
            out = run("pmm")
            c = pmm_counts(out)
            held = re.search(r"monitor holds (\d+) frames in (\d+) runs", out)
            if not c or c[0] != c[1] + c[2] + c[3] or not held or int(held.group(1)) != len(model.frames()):
                bad("pmm counts inconsistent or monitor's frames differ from the model", "pmm", out)
            elif model.free is not None and c[1] != model.free:
                bad("pmm free count differs from the last alloc/free", "pmm", out)
            if c:
                model.free = c[1]
        elif op == "heap":
            out = run("heap")
            held = re.search(r"monitor holds (\d+) blocks, (\d+) bytes", out)
            if not held or int(held.group(1)) != len(model.blocks) or int(held.group(2)) != sum(model.blocks.values()):
                bad("heap: monitor's blocks differ from the model", "heap", out)
        elif op == "check":
            out = run("check")
            if "check: heap consistent" not in out or "check: pmm consistent" not in out:
                bad("check failed", "check", out)
        elif op == "garbage":
            line = rng.choice([
                "".join(rng.choice("abcxyz019 -_") for _ in range(rng.randrange(1, 30))),
                "alloc %s" % rng.choice(["0", "-3", "1025", "0x", "1e3", "99999999999"]),
                "free 0x%x" % (rng.randrange(0, 1 << 32) & ~0xFFF),
                "kfree 0x%x" % rng.randrange(0, 1 << 32),
                "x 0x%x %d" % (rng.randrange(0, 1 << 32), rng.randrange(1, 256)),
                "map 0x%x 0x%x" % (rng.randrange(0, WINDOW) & ~0xFFF, rng.randrange(0, 1 << 32) & ~0xFFF),
                "unmap 0x%x" % (rng.randrange(0, WINDOW) & ~0xFFF),
                "walk %s" % rng.choice(["", "zz", "0x", "1 2"]),
            ])
            if line.split() and line.split()[0] in ("help", "history", "halt", "reboot", "fault"):
                continue
            out = run(line)
            # Random frees and kfrees must never hit what the monitor holds: the model decides.
            w = line.split()
            if w and w[0] == "free" and len(w) == 2 and int(w[1], 16) in model.frames():
                continue
            if w and w[0] == "kfree" and len(w) == 2 and int(w[1], 16) in model.blocks:
                continue
            if w and w[0] == "x" and "virtual" in out:
                continue  # a random address that happened to be mapped: a dump, fine
            if w and w[0] == "walk" and len(w) == 2 and "walk 0x" in out:
                continue
            if line.strip() and "error:" not in out:
                bad("garbage line got no error", line, out)
        elif op == "history":
            run("history")


def run_all():
    with MonitorSession(kernel, log=os.path.join(tdir, "serial.log")) as m:
        model = Model()
        pmm0 = pmm_counts(m.cmd("pmm"))
        heap0 = heap_state(m.cmd("heap"))
        t.ok(pmm0 is not None and None not in heap0, "starting counts", "%s %s" % (pmm0, heap0))
        try:
            session(m, model)
        finally:
            t.ok(not model.problems, "%d random commands (seed %d): every answer agrees with the model"
                 % (nops, seed), "\n".join(model.problems[:10]))
        # Give everything back.
        for va in sorted(model.maps):
            m.cmd("unmap 0x%x" % va)
        for pa, n in list(model.runs):
            m.cmd("free 0x%x %d" % (pa, n))
        for ptr in sorted(model.blocks):
            m.cmd("kfree 0x%x" % ptr)
        out = m.cmd("check")
        t.ok("check: heap consistent" in out and "check: pmm consistent" in out,
             "after the session: check passes", out)
        # The heap keeps pages it grew into until told: give them back, then compare exactly.
        out = m.cmd("heap trim")
        t.ok(re.search(r"heap: trim gave \d+ bytes \(\d+ pages\) back", out), "heap trim", out)
        pmm1 = pmm_counts(m.cmd("pmm"))
        t.ok(pmm1 == pmm0, "PMM counts back to their starting values", "%s -> %s" % (pmm0, pmm1))
        heap1 = heap_state(m.cmd("heap"))
        t.ok(heap1 == heap0, "heap in use, requested and live blocks back to their starting values",
             "%s -> %s" % (heap0, heap1))
        out = m.cmd("help")
        t.ok("kmalloc <size>" in out, "the prompt still answers")
        m.write("halt\r")
        t.ok(m.finish(15) == 33, "halt: QEMU status 33")


try:
    run_all()
except Exception as e:  # a crash of the script or a hung kernel is a failed check, not a hang
    t.ok(False, "session ran to the end", "%s: %s" % (type(e).__name__, e))
sys.exit(t.done())
