#!/usr/bin/env python3
# 71-monitor-commands.t - every monitor command with good arguments, in one QEMU boot driven
# through COM1 (tests/tools/monitor_session.py), each answer checked against something
# independent of the monitor: the boot log, the kernel ELF's bytes, the PMM's own counts before
# and after, the page tables as walk decodes them. Then the keyboard: lines typed with QEMU's
# sendkey on the PS/2 keyboard, with Shift and Backspace. Ends with `halt` (QEMU status 33).
import os
import re
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from monitor_session import MonitorSession, MonitorError, Tap, build_dir, test_dir  # noqa: E402

COMMANDS = ["help", "history", "reboot", "halt", "mmap", "pmm", "alloc", "free", "walk", "map",
            "unmap", "fault", "x", "xp", "heap", "kmalloc", "kfree", "leaks", "check"]
WINDOW = 0xF4800000  # KWIN_START (include/vmlayout.h)
KVB = 0xC0000000     # KERNEL_VIRT_BASE: the direct map of RAM starts here

t = Tap()
kernel = os.path.join(build_dir(), "kernel", "kernel.elf")
tdir = test_dir("71-monitor-commands")


def elf_bytes(path, addr, n):
    """n bytes the ELF loads at physical address addr (from its program headers)."""
    with open(path, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<I", data, 28)
    phentsize, phnum = struct.unpack_from("<HH", data, 42)
    for i in range(phnum):
        p_type, p_off, _vaddr, p_paddr, p_filesz = struct.unpack_from("<5I", data, phoff + i * phentsize)
        if p_type == 1 and p_paddr <= addr and addr + n <= p_paddr + p_filesz:
            return data[p_off + addr - p_paddr: p_off + addr - p_paddr + n]
    return None


def dump_bytes(out):
    """The bytes of an x/xp hexdump, in order."""
    b = bytearray()
    for m in re.finditer(r"^[0-9a-f]{8}: ((?:[0-9a-f]{2} )+)", out, re.M):
        b += bytes(int(h, 16) for h in m.group(1).split())
    return bytes(b)


def pmm_counts(out):
    m = re.search(r"pmm: usable=(\d+) free=(\d+) reserved=(\d+) allocated=(\d+)", out)
    return tuple(int(v) for v in m.groups()) if m else None


def heap_counts(out):
    d = {}
    for k, v in re.findall(r"(\w+)=(\d+)", out):
        d[k] = int(v)
    return d


def run():
    with MonitorSession(kernel, log=os.path.join(tdir, "serial.log")) as m:
        boot = m.boot_text
        t.ok("monitor: ready (input: serial IRQ 4, keyboard IRQ 1)" in boot,
             "boot ends at the prompt with both inputs interrupt-driven", boot[-300:])

        out = m.cmd("help")
        missing = [c for c in COMMANDS if not re.search(r"^  %s( |$)" % re.escape(c), out, re.M)]
        t.ok(not missing, "help lists every command with its one-line help", "missing: %s" % missing)
        out = m.cmd("help walk")
        t.ok("usage: walk <va>" in out, "help walk shows its usage", out)

        # mmap: the raw lines are the loader's map as the boot log printed it; the sanitised lines
        # are the map the kernel built its PMM from (boot log), and their usable frames are the
        # PMM's usable count.
        out = m.cmd("mmap")
        raw_boot = re.findall(r"^BIOS-e820: .*$", boot, re.M)
        raw_mon = re.findall(r"^BIOS-e820: .*$", out, re.M)
        t.ok(raw_mon and raw_mon == raw_boot, "mmap: raw map = the boot log's BIOS-e820 lines",
             "boot:\n%s\nmonitor:\n%s" % ("\n".join(raw_boot), "\n".join(raw_mon)))
        san_boot = re.findall(r"^sanitised: .*$", boot, re.M)
        san_mon = re.findall(r"^sanitised: .*$", out, re.M)
        t.ok(san_mon and san_mon == san_boot, "mmap: sanitised map = the boot log's sanitised lines",
             "boot:\n%s\nmonitor:\n%s" % ("\n".join(san_boot), "\n".join(san_mon)))
        usable_map = re.search(r"usable frames: (\d+)", out)

        out = m.cmd("pmm")
        c0 = pmm_counts(out)
        t.ok(c0 and c0[0] == c0[1] + c0[2] + c0[3],
             "pmm: usable = free + reserved + allocated", out)
        boot_sum = re.search(r"pmm: usable=(\d+) free=(\d+) reserved=(\d+)", boot)
        t.ok(c0 and boot_sum and int(boot_sum.group(1)) == c0[0] and int(boot_sum.group(3)) == c0[2],
             "pmm: usable and reserved agree with the boot log's pmm summary",
             "boot: %s / monitor: %s" % (boot_sum and boot_sum.group(0), c0))
        t.ok(c0 and usable_map and int(usable_map.group(1)) == c0[0],
             "mmap's usable frames = the PMM's usable count",
             "%s vs %s" % (usable_map and usable_map.group(0), c0))
        names = re.findall(r"^  (\S+)\s+\[mem 0x[0-9a-f]{8}-0x[0-9a-f]{8}\] \d+ frames$", out, re.M)
        t.ok("low-1mib" in names and "pmm-bitmap" in names,
             "pmm lists the reservations (low-1mib, pmm-bitmap, ...)", out)

        # alloc 3: three frames leave the free count, and the monitor holds them.
        out = m.cmd("alloc 3")
        a = re.search(r"alloc: \[mem 0x([0-9a-f]{8})-0x([0-9a-f]{8})\] 3 frames; free=(\d+)", out)
        pa = int(a.group(1), 16) if a else 0
        ok = a and int(a.group(2), 16) == pa + 3 * 4096 - 1 and pa % 4096 == 0
        c1 = pmm_counts(m.cmd("pmm"))
        t.ok(ok and c1 and c1[1] == c0[1] - 3 and c1[3] == c0[3] + 3 and int(a.group(3)) == c1[1],
             "alloc 3: a run of 3 frames, free count down by exactly 3", "%s %s %s" % (out, c0, c1))

        # walk: the frame is in the direct map at KVB + pa, and the walk ends at it.
        out = m.cmd("walk 0x%x" % (KVB + pa))
        t.ok(re.search(r"^walk 0x%08x \(direct map\)" % (KVB + pa), out, re.M) is not None and
             re.search(r"-> physical 0x%08x \(frame allocated\)" % pa, out) is not None,
             "walk <KERNEL_VIRT_BASE + frame>: direct-map translation, PMM state allocated", out)

        # map it in the kernel window, then read it through both addresses.
        out = m.cmd("map 0x%x 0x%x w" % (WINDOW, pa))
        t.ok(re.search(r"map: 0x%08x -> 0x%08x present writable supervisor" % (WINDOW, pa), out),
             "map <window> <frame> w", out)
        out = m.cmd("walk 0x%x" % WINDOW)
        t.ok(re.search(r"PTE\[0\] = 0x%08x  present writable supervisor" % (pa | 3), out) and
             "-> physical 0x%08x" % pa in out, "walk <window>: PTE decoded, physical = the frame", out)
        xv = m.cmd("x 0x%x 48" % WINDOW)
        xp = m.cmd("xp 0x%x 48" % pa)
        t.ok("virtual 0x%08x (kernel window, physical 0x%08x), 48 bytes" % (WINDOW, pa) in xv and
             "physical 0x%08x (frame allocated), 48 bytes" % pa in xp and
             len(dump_bytes(xv)) == 48 and dump_bytes(xv) == dump_bytes(xp),
             "x <window> and xp <frame> show the same 48 bytes", xv + xp)
        out = m.cmd("unmap 0x%x" % WINDOW)
        t.ok("unmap: 0x%08x (was -> 0x%08x)" % (WINDOW, pa) in out, "unmap <window>", out)
        out = m.cmd("walk 0x%x" % WINDOW)
        t.ok("PTE[0] = 0x00000000  not-present" in out, "walk after unmap: not present", out)

        out = m.cmd("free 0x%x 3" % pa)
        c2 = pmm_counts(m.cmd("pmm"))
        t.ok("free: [mem 0x%08x-0x%08x] 3 frames" % (pa, pa + 3 * 4096 - 1) in out and c2 == c0,
             "free <addr> 3: every count back to its value before alloc", "%s %s %s" % (out, c0, c2))
        out = m.cmd("alloc")
        a1 = re.search(r"alloc: \[mem 0x([0-9a-f]{8})-0x[0-9a-f]{8}\] 1 frames", out)
        out2 = m.cmd("free 0x%s" % a1.group(1)) if a1 else ""
        t.ok(a1 and "free: [mem 0x%s" % a1.group(1) in out2 and pmm_counts(m.cmd("pmm")) == c0,
             "alloc (default 1 frame) and free <addr> (default 1)", out + out2)

        # x/xp of the kernel image: the bytes the ELF file loads at 1 MiB, seen at its high address.
        want = elf_bytes(kernel, 0x100000, 64)
        xv = m.cmd("x 0xc0100000 64")
        xp = m.cmd("xp 0x100000 64")
        t.ok(want is not None and dump_bytes(xv) == want and dump_bytes(xp) == want,
             "x 0xc0100000 64 / xp 0x100000 64: the kernel ELF's first 64 loaded bytes", xv + xp)

        # The higher half: nothing of the kernel below 0xc0000000 after boot, all of it above.
        out = m.cmd("walk 0x00100000")
        t.ok(out.startswith("walk 0x00100000 (user range): PDX=0 PTX=256 offset=0x000, CR3=0x") and
             "PDE[0] = 0x00000000  not-present" in out and "0x00100000 is not mapped" in out and
             "-> physical" not in out, "walk 0x00100000: not present (the boot identity map is gone)", out)
        out = m.cmd("walk 0xc0100000")
        t.ok(out.startswith("walk 0xc0100000 (direct map): PDX=768 PTX=256 offset=0x000, CR3=0x") and
             re.search(r"-> physical 0x00100000 \(frame reserved\)", out) is not None,
             "walk 0xc0100000: -> physical 0x00100000 (the kernel, reserved)", out)
        out = m.cmd("x 0x100000 16")
        t.ok(out.startswith("error: x: virtual 0x00100000 (user range) is not mapped; nothing read"),
             "x 0x100000: the low address is not mapped, nothing read", out)

        # Output reaches the VGA console too: the screen (80x25 cells of character + attribute at
        # physical 0xb8000) holds the echo of the very line that dumps it.
        out = m.cmd("xp 0xb8000 4000")
        cells = dump_bytes(out)
        rows = [bytes(cells[r * 160:(r + 1) * 160:2]).decode("latin-1") for r in range(25)]
        t.ok(len(cells) == 4000 and any(r.startswith("mon> xp 0xb8000 4000") for r in rows),
             "VGA text memory shows the prompt and the echoed line", "\n".join(rows))

        # fault on a mapped address does not fault: it reads the byte (the ELF's first byte).
        out = m.cmd("fault 0xc0100000")
        t.ok(want and "read 0x%02x, no fault" % want[0] in out, "fault <mapped>: read, no fault", out)

        # heap: kmalloc, its block in leaks with the allocation site, kfree, counts back.
        h0 = heap_counts(m.cmd("heap"))
        out = m.cmd("kmalloc 100")
        k = re.search(r"kmalloc: 0x([0-9a-f]{8}) \(100 bytes\)", out)
        ptr = int(k.group(1), 16) if k else 0
        h1 = heap_counts(m.cmd("heap"))
        t.ok(k and ptr % 16 == 0 and 0xF0400000 <= ptr < 0xF4400000 and
             h1.get("live_blocks") == h0.get("live_blocks", -9) + 1 and
             h1.get("requested") == h0.get("requested", -9) + 100,
             "kmalloc 100: 16-aligned pointer in the heap, live blocks +1, requested +100",
             "%s %s %s" % (out, h0, h1))
        out = m.cmd("leaks")
        t.ok(re.search(r"live 0x%08x 100 bytes allocated at 0x[0-9a-f]+ <cmd_kmalloc\+0x" % ptr, out)
             and "1 of them held by the monitor" in out,
             "leaks lists the block with its allocation site", out)
        out = m.cmd("kfree 0x%x" % ptr)
        h2 = heap_counts(m.cmd("heap"))
        t.ok("kfree: 0x%08x (100 bytes)" % ptr in out and h2.get("live_blocks") == h0.get("live_blocks")
             and h2.get("in_use") == h0.get("in_use"), "kfree: live blocks and bytes in use back",
             "%s %s %s" % (out, h0, h2))
        out = m.cmd("check")
        t.ok("check: heap consistent" in out and "check: pmm consistent" in out,
             "check: heap_check and pmm_check pass", out)

        out = m.cmd("history")
        t.ok(re.search(r"^\s+\d+  kmalloc 100$", out, re.M) and "input: serial" in out,
             "history lists the lines typed", out)

        # The PS/2 keyboard: QEMU sendkey presses real keys; the echo and answer show on COM1.
        m.sendkeys("pmm\n")
        out = m.wait_for("\nmon> ", 15)
        t.ok(out.startswith("pmm\n") and "pmm: usable=" in out, "keyboard: 'pmm' typed on PS/2 runs",
             out)
        m.sendkeys("hepx\b\blp walk\n")
        out = m.wait_for("\nmon> ", 15)
        t.ok("usage: walk <va>" in out, "keyboard: Backspace edits the line ('hepx<BS><BS>lp walk')",
             out)
        m.sendkeys("HELP\n")
        out = m.wait_for("\nmon> ", 15)
        t.ok("unknown command 'HELP'" in out, "keyboard: Shift gives capitals", out)

        m.write("halt\r")
        status = m.finish(15)
        t.ok(status == 33 and "monitor: halting" in m.rest() + m.buf[-200:],
             "halt: QEMU exits with status 33 (isa-debug-exit)", "status %s" % status)


try:
    run()
except Exception as e:  # a crash of the script or a hung kernel is a failed check, not a hang
    t.ok(False, "session ran to the end", "%s: %s" % (type(e).__name__, e))
sys.exit(t.done())
