#!/usr/bin/env python3
# 72-monitor-errors.t - bad input of every kind, in one QEMU boot: each line must get its own
# specific error (checked word for word where it matters), nothing may crash or hang, and at the
# end the prompt still answers, `check` passes and the PMM and heap counts are what they were
# before the first bad line. Also the line editor over serial: Backspace/DEL, Ctrl-U, Ctrl-C,
# history recall with ESC [ A, overlong lines (truncated and refused).
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from monitor_session import MonitorSession, MonitorError, Tap, build_dir, test_dir  # noqa: E402

WINDOW = 0xF4800000  # KWIN_START (include/vmlayout.h)
t = Tap()
kernel = os.path.join(build_dir(), "kernel", "kernel.elf")
tdir = test_dir("72-monitor-errors")

# (line, regex the answer must match, what kind of bad input it is)
STATIC = [
    ("frobnicate", r"^error: unknown command 'frobnicate' \(type help for the list\)$", "unknown command"),
    ("Help", r"^error: unknown command 'Help'", "commands are case-sensitive"),
    ("alloc 1 2", r"^error: alloc: too many arguments\nusage: alloc \[n\]$", "too many arguments"),
    ("walk", r"^error: walk: missing argument\nusage: walk <va>$", "missing argument"),
    ("map 1 2 3 4 5 6 7 8", r"^error: too many words on the line \(at most 8\)$", "too many words"),
    ("help nosuch", r"^error: help: no command 'nosuch'$", "help for a missing command"),
    ("alloc zz", r"^error: n 'zz': not a number \(bad character 'z'; use decimal or 0x hex\)$", "not a number"),
    ("alloc 12abc", r"^error: n '12abc': not a number \(bad character 'a'", "trailing garbage"),
    ("alloc -1", r"^error: n '-1': negative numbers are not allowed$", "negative number"),
    ("alloc 0x", r"^error: n '0x': no digits$", "bare 0x"),
    ("walk 0x1ffffffff", r"^error: va '0x1ffffffff': does not fit in 32 bits$", "33-bit number"),
    ("walk 99999999999", r"^error: va '99999999999': does not fit in 32 bits$", "decimal overflow"),
    ("alloc 0", r"^error: n 0 out of range: must be 0x1-0x400 \(1-1024\)$", "zero frames"),
    ("alloc 5000", r"^error: n 5000 out of range: must be 0x1-0x400 \(1-1024\)$", "too many frames"),
    ("x 0x100000 0", r"^error: len 0 out of range", "length 0"),
    ("x 0x100000 5000", r"^error: len 5000 out of range: must be 0x1-0x1000", "length too big"),
    ("x 0xfffffff0 32", r"^error: x: 0xfffffff0 \+ 32 runs past 4 GiB$", "range past 4 GiB"),
    ("kmalloc 0x2000000", r"^error: size 0x2000000 out of range", "kmalloc too big"),
    ("halt 256", r"^error: code 256 out of range", "halt code out of range"),
    ("free 0x1234", r"^error: free: 0x00001234 is not frame aligned \(4 KiB\)$", "unaligned free"),
    ("free 0x1000", r"^error: free: frame 0x00001000 is reserved \(low-1mib\): reservations are never freed$", "free a reserved frame"),
    ("free 0x100000", r"^error: free: frame 0x00100000 is reserved \(kernel", "free a kernel-image frame"),
    ("free 0xfffff000 2", r"^error: free: 2 frames from 0xfffff000 run past 4 GiB$", "free past 4 GiB"),
    ("free 0xf0000000", r"^error: free: 0xf0000000 is not a usable RAM frame$", "free a non-RAM frame"),
    ("kfree 0x1000", r"^error: kfree: 0x00001000 is not in the heap \[0xf0400000-0x[0-9a-f]{8}\]; refusing", "kfree outside the heap"),
    ("x 0", r"^error: x: virtual 0x00000000 \(NULL page\) is not mapped; nothing read", "x of the NULL page"),
    ("x 0x%x" % WINDOW, r"^error: x: virtual 0xf4800000 \(kernel window\) is not mapped; nothing read", "x of an unmapped page"),
    ("map 0xc0100000 0x200000", r"^error: map: 0xc0100000 is in the direct map, which the kernel owns; refusing", "map over the kernel"),
    ("map 0xf0400000 0x200000", r"^error: map: 0xf0400000 is in the kernel heap, which the kernel owns; refusing", "map over the heap"),
    ("map 0xf4400000 0x200000", r"^error: map: 0xf4400000 is in the temporary windows, which the kernel owns; refusing", "map over the temporary windows"),
    ("map 0x100000 0x200000", r"^error: map: 0x00100000 -> 0x00200000: address outside the range this address space owns$", "map in the user range: not the kernel's"),
    ("map 0 0x200000", r"^error: map: 0x00000000 is in the NULL page", "map the NULL page"),
    ("map 0x%x 0x200000" % (WINDOW + 0x3FF000), r"^error: map: 0xf4bff000 is in the monitor scratch page", "map over the scratch page"),
    ("map 0x%x 0x200000" % (WINDOW + 4), r"^error: map: va 0xf4800004 is not page aligned \(4 KiB\)$", "unaligned va"),
    ("map 0x%x 0x200004" % WINDOW, r"^error: map: pa 0x00200004 is not page aligned \(4 KiB\)$", "unaligned pa"),
    ("map 0x%x 0x200000 wq" % WINDOW, r"^error: map: flags 'wq': unknown letter 'q' \(use r w u t c\)$", "unknown flag letter"),
    ("map 0x%x 0x200000 0x200" % WINDOW, r"^error: map: flags 0x200: only P W U PWT PCD", "numeric flags out of set"),
    ("unmap 0xc0100000", r"^error: unmap: 0xc0100000 is in the direct map, which the kernel owns; refusing \(add 'force'", "unmap the kernel"),
    ("unmap 0xf0400000", r"^error: unmap: 0xf0400000 is in the kernel heap, which the kernel owns", "unmap the heap"),
    ("unmap 0x%x" % WINDOW, r"^error: unmap: 0xf4800000: ", "unmap an unmapped page"),
    ("fault 0xc0200000 write", r"^error: fault: 0xc0200000 is mapped writable \(-> 0x00200000\): a write would not fault", "fault write to writable memory refused"),
    ("walk 0x%x" % WINDOW, r"0xf4800000 is not mapped", "walk of an unmapped page is an answer, not an error"),
]


def pmm_counts(out):
    m = re.search(r"pmm: usable=(\d+) free=(\d+) reserved=(\d+) allocated=(\d+)", out)
    return tuple(int(v) for v in m.groups()) if m else None


def heap_state(out):
    m = re.search(r"in_use=(\d+) requested=(\d+)", out)
    n = re.search(r"live_blocks=(\d+)", out)
    return (m.groups(), n.group(1)) if m and n else None


def run():
    with MonitorSession(kernel, log=os.path.join(tdir, "serial.log")) as m:
        pmm0 = pmm_counts(m.cmd("pmm"))
        heap0 = heap_state(m.cmd("heap"))
        t.ok(pmm0 and heap0, "starting counts read", "%s %s" % (pmm0, heap0))

        for line, rx, kind in STATIC:
            out = m.cmd(line).rstrip("\n")
            t.ok(re.search(rx, out, re.M) is not None, "%s: %s" % (kind, line), out)

        # Freeing what is not allocated, found out through the PMM's state query.
        a = re.search(r"alloc: \[mem 0x([0-9a-f]{8})", m.cmd("alloc 2"))
        pa = int(a.group(1), 16)
        out = m.cmd("free 0x%x 2" % pa)
        out2 = m.cmd("free 0x%x" % pa).rstrip("\n")
        t.ok(out.startswith("free:") and
             out2 == "error: free: frame 0x%08x is free (not allocated): nothing to free" % pa,
             "free twice: the second is refused (frame is free)", out + out2)
        # A frame the kernel allocated (the page directory, CR3): not the monitor's to free.
        cr3 = int(re.search(r"CR3=0x([0-9a-f]{8})", m.cmd("walk 0xc0100000")).group(1), 16)
        out = m.cmd("free 0x%x" % cr3).rstrip("\n")
        t.ok("error: free: frame 0x%08x is allocated, but not by alloc (the kernel holds it); "
             "refusing (add 'force' to free it anyway)" % cr3 == out,
             "free of a kernel-held frame (the page directory) is refused", out)
        # Partly the monitor's: the first frame that is not is named.
        a = re.search(r"alloc: \[mem 0x([0-9a-f]{8})", m.cmd("alloc 1"))
        pa = int(a.group(1), 16)
        out = m.cmd("free 0x%x 2" % pa).rstrip("\n")
        t.ok(re.match(r"error: free: (frame )?0x%08x " % (pa + 4096), out) is not None,
             "free of n frames running past an alloc run names the first foreign frame", out)
        m.cmd("free 0x%x" % pa)

        # kfree: double free, interior pointer - the ownership check answers, kfree is not called.
        k = re.search(r"kmalloc: 0x([0-9a-f]{8})", m.cmd("kmalloc 64"))
        ptr = int(k.group(1), 16)
        out = m.cmd("kfree 0x%x" % (ptr + 16)).rstrip("\n")
        t.ok(out.startswith("error: kfree: 0x%08x is not a block the monitor holds" % (ptr + 16)),
             "kfree of an interior pointer is refused", out)
        m.cmd("kfree 0x%x" % ptr)
        out = m.cmd("kfree 0x%x" % ptr).rstrip("\n")
        t.ok(out.startswith("error: kfree: 0x%08x is not a block the monitor holds (freed already" % ptr),
             "kfree twice: the second is refused", out)

        # map over an existing mapping: paging's own error.
        a = re.search(r"alloc: \[mem 0x([0-9a-f]{8})", m.cmd("alloc"))
        pa = int(a.group(1), 16)
        m.cmd("map 0x%x 0x%x" % (WINDOW, pa))
        out = m.cmd("map 0x%x 0x%x" % (WINDOW, pa)).rstrip("\n")
        t.ok(out.startswith("error: map: 0xf4800000 -> 0x%08x: " % pa),
             "map over a mapped page: paging's error", out)
        out = m.cmd("map 0x%x 0x%x r" % (WINDOW + 4096, pa))
        t.ok("present read-only supervisor" in out, "map with flags r: read-only", out)
        # x over the end of a mapping: the next page is unmapped, nothing is read at all.
        out = m.cmd("x 0x%x 32" % (WINDOW + 0x1ff0)).rstrip("\n")
        t.ok(out == "error: x: virtual 0xf4802000 (kernel window) is not mapped; nothing read "
             "(xp reads physical addresses)", "x running from a mapped into an unmapped page", out)
        m.cmd("unmap 0x%x" % WINDOW)
        m.cmd("unmap 0x%x" % (WINDOW + 4096))
        m.cmd("free 0x%x" % pa)

        # Line editing over serial.
        out = m.cmd_raw("hepx\b\x7flp alloc\r")
        t.ok("usage: alloc [n]" in out, "Backspace and DEL edit the line", out)
        out = m.cmd_raw("garbage\x15help free\r")
        t.ok("usage: free <addr> [n] [force]" in out, "Ctrl-U erases the line", out)
        out = m.cmd_raw("alloc 99\x03")
        t.ok("^C" in out and "alloc:" not in out, "Ctrl-C abandons the line", out)
        out = m.cmd_raw("\x1b[A\r")
        t.ok("usage: free <addr> [n] [force]" in out, "ESC [ A recalls the previous line", out)
        out = m.cmd_raw("\r")
        t.ok(out.strip() == "", "an empty line: just a new prompt", repr(out))
        out = m.cmd_raw("   \t  \r")
        t.ok(out.strip() == "", "a blank line: just a new prompt", repr(out))
        out = m.cmd_raw("he\x01\x02\x7f\x7fhelp walk\r")
        t.ok("usage: walk <va>" in out, "control bytes are ignored", out)
        long_line = "alloc " + "1" * 300
        out = m.cmd_raw(long_line + "\r")
        t.ok("error: line longer than 127 characters: truncated, not run" in out and "alloc:" not in out,
             "a 306-character line is truncated and refused", out[-200:])
        out = m.cmd_raw("x" * 2000 + "\r", timeout=30)
        t.ok("error: line longer than 127 characters" in out, "a 2000-character line likewise", out[-200:])

        out = m.cmd("history")
        t.ok(re.search(r"input: serial \d+ bytes \(0 dropped\)", out),
             "no input byte was lost (the UART's FIFO holds back while the queue is full)", out)

        # After all of that: still answering, consistent, counts as before.
        out = m.cmd("check")
        t.ok("check: heap consistent" in out and "check: pmm consistent" in out,
             "check passes after every bad line", out)
        pmm1 = pmm_counts(m.cmd("pmm"))
        heap1 = heap_state(m.cmd("heap"))
        t.ok(pmm1 == pmm0 and heap1 == heap0, "PMM and heap counts back to their starting values",
             "%s %s / %s %s" % (pmm0, heap0, pmm1, heap1))
        m.write("halt\r")
        t.ok(m.finish(15) == 33, "halt: QEMU status 33")


try:
    run()
except Exception as e:  # a crash of the script or a hung kernel is a failed check, not a hang
    t.ok(False, "session ran to the end", "%s: %s" % (type(e).__name__, e))
sys.exit(t.done())
