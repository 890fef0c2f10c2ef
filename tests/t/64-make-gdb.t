#!/usr/bin/env python3
"""64-make-gdb.t - `make gdb` itself, driven through a pseudo-terminal as a person would use it.

62-gdb.t checks the gdb files in batch mode; this runs the interactive target: make gdb (with
IMAGE, GDB_DIR under $BUILD/t/64-make-gdb and a free GDB_PORT, so nothing outside this test's
directory is touched) in a pty, waits for gdb's prompt, breaks at kmain and reads magic, lets the
kernel run on, presses Ctrl-C (gdb must get the prompt back with the target alive: QEMU runs in its
own session and must not die of the SIGINT), reads CR0, quits, and checks that QEMU is gone.
Every wait has a timeout; on any failure the whole process group is killed.
"""
import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", "build")
BUILD = BUILD if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD)
T_DIR = os.path.join(BUILD, "t", "64-make-gdb")
os.makedirs(T_DIR, exist_ok=True)

count = 0


def check(desc, ok, diag=""):
    global count
    count += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", count, desc))
    if not ok:
        for line in str(diag)[-2500:].splitlines():
            print("# " + line)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qemu_pids(port):
    """The QEMU this test started: the only process with our private port on its command line."""
    r = subprocess.run(["pgrep", "-f", "tcp::%d " % port], capture_output=True, text=True)
    return [int(p) for p in r.stdout.split()]


qemu_seen = set()


def qemu_alive(port):
    pids = qemu_pids(port)
    qemu_seen.update(pids)
    return bool(pids)


print("1..5")
port = free_port()
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
pid, fd = pty.fork()
if pid == 0:
    os.chdir(ROOT)
    os.execvp("make", ["make", "-s", "gdb", "IMAGE=%s/disk.img" % T_DIR, "GDB_DIR=%s" % T_DIR,
                       "GDB_PORT=%d" % port])

out = b""


def expect(pattern, secs):
    """Read until the (ANSI-stripped) output since the last call contains pattern."""
    global out
    seen = b""
    end = time.time() + secs
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        seen += data
        if pattern.encode() in ANSI.sub(b"", seen):
            out += seen
            return ANSI.sub(b"", seen).decode(errors="replace")
    out += seen
    return None


def send(text):
    os.write(fd, text.encode())


try:
    first = expect("(gdb) ", 120)
    check("make gdb: QEMU paused, gdb prompt, hook chose i8086 at the reset vector",
          first is not None and "decoding as i8086" in first and qemu_alive(port), out.decode(errors="replace"))
    send("break kmain\n")
    expect("(gdb) ", 10)
    send("continue\n")
    r = expect("(gdb) ", 60)
    send("p/x magic\n")
    m = expect("(gdb) ", 10)
    check("break kmain, continue: stopped in kmain, magic = 0x36d76289 (Multiboot2, make image's default)",
          r is not None and "kmain (magic=" in r and m is not None and "= 0x36d76289" in m, out.decode(errors="replace"))
    send("delete\n")
    expect("(gdb) ", 10)
    send("continue\n")
    expect("Continuing.", 10)
    time.sleep(3)  # the kernel boots on into the monitor and waits for input
    send("\x03")
    r = expect("(gdb) ", 20)
    alive = qemu_alive(port)
    send("cpu-state\n")
    c = expect("(gdb) ", 10)
    check("Ctrl-C interrupts the target and gives the prompt back; QEMU survives it",
          r is not None and alive and "terminating on signal 2" not in r, out.decode(errors="replace"))
    check("after Ctrl-C the registers read: protected mode with paging on (PE=1 PG=1)",
          c is not None and "(PE=1 PG=1" in c, out.decode(errors="replace"))
    send("quit\n")
    end = time.time() + 30
    status = None
    while time.time() < end:
        expect("\x00never", 0.5)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
    time.sleep(0.5)
    check("quit leaves make gdb and stops QEMU", status is not None and not qemu_alive(port),
          "status %s\n%s" % (status, out.decode(errors="replace")))
finally:
    # Clean up by process id only: make's process group (the pty child leads it), then the QEMU
    # processes seen above.
    try:
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    except (OSError, ChildProcessError):
        pass
    for q in qemu_seen:
        try:
            os.kill(q, signal.SIGKILL)
        except OSError:
            pass
sys.exit(0)
