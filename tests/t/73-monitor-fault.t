#!/usr/bin/env python3
# 73-monitor-fault.t - the commands that end the kernel, one QEMU boot each: `fault` on the NULL
# page and a write to kernel text (the page-fault report names cause and address, then PANIC and
# QEMU status 35 under qemu-exit), deliberate misuse with `force` (the heap's double-free and the
# PMM's free-of-a-free-frame detection panic), `reboot` (QEMU with -no-reboot exits with status 0
# on the reset), and a boot without `qemu-exit` where `halt` still leaves QEMU with status 33.
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from monitor_session import MonitorSession, MonitorError, Tap, build_dir, test_dir  # noqa: E402

t = Tap()
kernel = os.path.join(build_dir(), "kernel", "kernel.elf")
tdir = test_dir("73-monitor-fault")


def boot(name, setup, last, append="qemu-exit"):
    """Boot, run the setup lines, type the last line; return (setup outputs, tail, status)."""
    with MonitorSession(kernel, append=append, log=os.path.join(tdir, name + ".log")) as m:
        outs = [m.cmd(line) for line in setup(m)] if setup else []
        m.write(last(outs) + "\r")
        status = m.finish(20)
        return outs, m.buf[m.pos:], status


def case(name, desc, fn):
    try:
        fn(name, desc)
    except Exception as e:  # an unexpected answer (no match) or a hung kernel: a failed check
        t.ok(False, desc, "%s: %s" % (type(e).__name__, e))


def null_read(name, desc):
    _, tail, st = boot(name, None, lambda o: "fault 0")
    t.ok("fault: reading 0x00000000 (NULL page) on purpose" in tail and
         re.search(r"page fault: address 0x00000000: page not present, read", tail) and
         re.search(r"^PANIC: page fault at 0x00000000", tail, re.M) and st == 35,
         desc + " (status %s)" % st, tail[-1500:])


def text_write(name, desc):
    _, tail, st = boot(name, None, lambda o: "fault 0xc0100000 write")
    t.ok(re.search(r"page fault: address 0xc0100000: protection violation, write", tail) and
         re.search(r"^PANIC: page fault at 0xc0100000 in kernel text", tail, re.M) and st == 35,
         desc + " (status %s)" % st, tail[-1500:])


def double_kfree(name, desc):
    with MonitorSession(kernel, log=os.path.join(tdir, name + ".log")) as m:
        ptr = re.search(r"kmalloc: (0x[0-9a-f]{8})", m.cmd("kmalloc 40")).group(1)
        m.cmd("kfree " + ptr)
        m.write("kfree %s force\r" % ptr)
        st = m.finish(20)
        tail = m.buf[m.pos:]
    t.ok("kfree: forced: passing %s to kfree as asked" % ptr in tail and
         re.search(r"^PANIC: .*double free", tail, re.M | re.I) and st == 35,
         desc + " (status %s)" % st, tail[-1500:])


def free_free_frame(name, desc):
    with MonitorSession(kernel, log=os.path.join(tdir, name + ".log")) as m:
        pa = re.search(r"alloc: \[mem (0x[0-9a-f]{8})", m.cmd("alloc")).group(1)
        m.cmd("free " + pa)
        m.write("free %s force\r" % pa)
        st = m.finish(20)
        tail = m.buf[m.pos:]
    t.ok("free: forced: passing %s" % pa in tail and
         re.search(r"^PANIC: .*free.*%s" % pa, tail, re.M) and st == 35,
         desc + " (status %s)" % st, tail[-1500:])


def reboot(name, desc):
    _, tail, st = boot(name, None, lambda o: "reboot")
    t.ok("monitor: rebooting" in tail and "PANIC" not in tail and st == 0,
         desc + " (status %s)" % st, tail[-800:])


def halt_plain(name, desc):
    _, tail, st = boot(name, None, lambda o: "halt", append="")
    t.ok("monitor: halting (QEMU exit status 33" in tail and st == 33, desc + " (status %s)" % st,
         tail[-800:])


case("null", "fault 0: page-fault report for the NULL page, PANIC, status 35", null_read)
case("ktext", "fault 0xc0100000 write: protection violation in kernel text, PANIC, status 35",
     text_write)
case("kfree-force", "kfree <freed ptr> force: the heap detects the double free and panics",
     double_kfree)
case("free-force", "free <free frame> force: the PMM detects it and panics naming the frame",
     free_free_frame)
case("reboot", "reboot: the machine resets (QEMU -no-reboot exits with status 0)", reboot)
case("halt", "halt without qemu-exit on the command line: QEMU still exits with status 33",
     halt_plain)
sys.exit(t.done())
