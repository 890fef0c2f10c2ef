#!/usr/bin/env python3
# 75-monitor-disk.t - the monitor once through our own loader: disk.img (stage 1, stage 2, the
# kernel; built by the project's image recipe) booted from IDE, the kernel started by our loader
# (not QEMU's -kernel), then the prompt answering on COM1 and the PS/2 keyboard, the loader's
# memory map shown by `mmap` exactly as the boot log printed it, and `halt` leaving QEMU (33).
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from monitor_session import MonitorSession, MonitorError, Tap, build_dir, test_dir  # noqa: E402

t = Tap()
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
kernel = os.path.join(build_dir(), "kernel", "kernel.elf")
tdir = test_dir("75-monitor-disk")
image = os.path.join(tdir, "disk.img")


def run():
    log = image + ".make.log"
    with open(log, "w") as f:
        rc = subprocess.call(["make", "-s", "-C", root, "image", "IMAGE=" + image,
                              "KERNEL=" + kernel, "CMDLINE=qemu-exit"], stdout=f, stderr=f)
    if not t.ok(rc == 0 and os.path.exists(image), "disk.img built by the image recipe",
                open(log).read()[-1500:]):
        return
    with MonitorSession(image=image, log=os.path.join(tdir, "serial.log")) as m:
        boot = m.boot_text
        name = re.search(r'multiboot: loader "([^"]*)"', boot)
        t.ok(name and name.group(1) != "qemu" and "monitor: ready" in boot,
             "our loader started the kernel (loader \"%s\") and the monitor is up"
             % (name.group(1) if name else "?"), boot[-800:])
        out = m.cmd("mmap")
        raw_boot = re.findall(r"^BIOS-e820: .*$", boot, re.M)
        raw_mon = re.findall(r"^BIOS-e820: .*$", out, re.M)
        t.ok(raw_mon and raw_mon == raw_boot, "mmap: the loader's E820 map as the boot log shows it",
             out)
        out = m.cmd("pmm")
        c = re.search(r"pmm: usable=(\d+) free=(\d+) reserved=(\d+) allocated=(\d+)", out)
        t.ok(c and int(c.group(1)) == sum(int(c.group(i)) for i in (2, 3, 4)),
             "pmm: usable = free + reserved + allocated", out)
        m.sendkeys("walk 0xc0100000\n")
        out = m.wait_for("\nmon> ", 15)
        t.ok("-> physical 0x00100000" in out, "keyboard: walk typed on PS/2", out)
        m.write("halt\r")
        t.ok(m.finish(15) == 33, "halt: QEMU status 33")


try:
    run()
except Exception as e:  # a crash of the script or a hung kernel is a failed check, not a hang
    t.ok(False, "session ran to the end", "%s: %s" % (type(e).__name__, e))
sys.exit(t.done())
