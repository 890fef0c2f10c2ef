#!/usr/bin/env python3
# 76-monitor-proc.t - the monitor's process commands (ps, vm, kill, run) in one QEMU boot with
# user programs as Multiboot modules and no init=, driven through COM1:
#   - ps before anything ran: the header and no process;
#   - run args (the module string's arguments) prints what the same file printed under Linux
#     (user/tests/args.out), run args a b gets the typed arguments instead, run faults prints
#     user/tests/faults.out with each child's `killed by signal` line; each ends with the
#     `user: pid N (name) exited with status 0` line and returns to the prompt;
#   - run input reads standard input: a line typed on COM1, then one on the PS/2 keyboard, and
#     prints what the same file printed under Linux with user/tests/input.in as its input;
#   - run family (user/monitor/family.c) leaves a parent waiting, a zombie and a stopped child:
#     ps shows each with its parent and state, vm shows the regions of the live ones with their
#     resident and shared (copy-on-write) pages adding up to the totals, a zombie has none;
#   - run forkbomb while those three are left: fork fails with EAGAIN at the table's end and the
#     output is the one recorded under Linux (user/tests/forkbomb.out); the three are untouched;
#   - errors: vm and kill of a pid that does not exist, of a zombie, a signal the kernel cannot
#     deliver, a pid that is not a number, run of a missing module, run without a module;
#   - kill <pid> (SIGKILL) of the stopped child, and kill <pid> CONT in a second family: the
#     parent wakes, reports how the child ended, collects the zombie and exits 0;
#   - the PMM's free count after every process has ended is the count before the first run,
#     and `check` passes;
#   - a second boot with init=family qemu-exit: pid 1 has not ended when the scheduler returns
#     (it waits for its stopped child), so QEMU does not exit with a made-up status: the prompt
#     comes, ps shows pid 1 and its stopped child, and kill <child> CONT lets pid 1 end.
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from monitor_session import (PROMPT, MonitorError, MonitorSession, Tap,  # noqa: E402
                             build_dir, test_dir)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
t = Tap()
kernel = os.path.join(build_dir(), "kernel", "kernel.elf")
user = os.path.join(build_dir(), "user")
tdir = test_dir("76-monitor-proc")
PS_HEADER = "  PID  PPID STATE     RESIDENT NAME"
PS_ROW = re.compile(r"^ *(\d+) +(\d+) (\S+) +(\d+) (\S+)$", re.M)
with open(os.path.join(ROOT, "kernel", "proc", "proc.h")) as f:
    PROC_MAX = int(re.search(r"^#define PROC_MAX\s+(\d+)", f.read(), re.M).group(1))
KERNEL_LINE = re.compile(r"^(user: |EXCEPTION: |page fault: |  |run: |kill: )")


def recorded(name):
    with open(os.path.join(ROOT, "user", "tests", name + ".out")) as f:
        return f.read()


def program_output(out):
    """What the programs printed: the answer less the kernel's and the monitor's own lines."""
    return "".join(l + "\n" for l in out.split("\n") if l and not KERNEL_LINE.match(l))


def free_frames(m):
    r = re.search(r"pmm: usable=\d+ free=(\d+)", m.cmd("pmm"))
    return int(r.group(1)) if r else None


def ps_rows(out):
    return {int(r[0]): (int(r[1]), r[2], int(r[3]), r[4]) for r in PS_ROW.findall(out)}


def exit_line(out, name, how):
    """The pid of the `user: pid N (name) <how>` line, or None."""
    r = re.search(r"^user: pid (\d+) \(%s\) %s$" % (name, re.escape(how)), out, re.M)
    return int(r.group(1)) if r else None


def family(m, label):
    """run family; returns (parent, zombie, stopped) pids from ps, checked."""
    out = m.cmd("run family", 60)
    zombie = exit_line(out, "family", "exited with status 7")
    t.ok(re.search(r"^user: starting pid \d+ \(family\)$", out, re.M) and zombie and
         "family: waiting for the stopped child\n" in out and
         "run: 3 processes left" in out, "%s: run family returns with 3 processes left" % label,
         out)
    out = m.cmd("ps")
    rows = ps_rows(out)
    parent = [p for p, r in rows.items() if r[0] == 0 and r[1] == "waiting"]
    stopped = [p for p, r in rows.items() if r[1] == "stopped"]
    parent = parent[0] if len(parent) == 1 else None
    stopped = stopped[0] if len(stopped) == 1 else None
    ok = (out.startswith(PS_HEADER + "\n") and "ps: 3 processes" in out and len(rows) == 3 and
          parent and stopped and zombie in rows and rows[zombie][:3] == (parent, "zombie", 0) and
          rows[stopped][0] == parent and rows[parent][2] > 0 and rows[stopped][2] > 0 and
          all(r[3] == "family" for r in rows.values()))
    t.ok(ok, "%s: ps: parent waiting (ppid 0), zombie and stopped child (ppid = parent), "
         "resident pages only for the live ones" % label, out)
    return parent, zombie, stopped


def check_vm(m, pid, rows_ps):
    out = m.cmd("vm %d" % pid)
    head = re.search(r"^vm: pid %d \(family\) (\S+), (\d+) regions, resident (\d+) pages, "
                     r"shared (\d+), brk 0x[0-9a-f]{8}$" % pid, out, re.M)
    regs = re.findall(r"^  0x([0-9a-f]{8}) 0x([0-9a-f]{8}) ([r-][w-][x-])  (\w+) +(\d+) +(\d+)$",
                      out, re.M)
    kinds = [r[3] for r in regs]
    ok = (head and int(head.group(2)) == len(regs) and
          int(head.group(3)) == sum(int(r[4]) for r in regs) == rows_ps[pid][2] and
          int(head.group(4)) == sum(int(r[5]) for r in regs) and int(head.group(4)) > 0 and
          head.group(1) == rows_ps[pid][1] and "text" in kinds and "data" in kinds and
          kinds[-1] == "stack" and regs[-1][1] == "c0000000" and
          all(int(r[0], 16) < int(r[1], 16) for r in regs) and
          all(int(a[1], 16) <= int(b[0], 16) for a, b in zip(regs, regs[1:])) and
          all(int(r[5]) <= int(r[4]) <= (int(r[1], 16) - int(r[0], 16)) // 4096 for r in regs) and
          any(r[3] == "text" and r[2] == "r-x" for r in regs))
    t.ok(ok, "vm %d (%s): sorted regions, text r-x, data, stack at the top; the per-region "
         "resident and shared pages add up to the totals and to ps; shared > 0 after fork"
         % (pid, rows_ps[pid][1]), out)


def run():
    mods = ",".join(["%s/args one two three" % user, "%s/faults" % user, "%s/family" % user,
                     "%s/forkbomb" % user, "%s/input" % user])
    with MonitorSession(kernel, append="qemu-exit", mem=64, log=os.path.join(tdir, "serial.log"),
                        extra=("-initrd", mods)) as m:
        out = m.cmd("help")
        missing = [c for c in ("ps", "vm", "kill", "run")
                   if not re.search(r"^  %s( |$)" % c, out, re.M)]
        t.ok(not missing, "help lists ps, vm, kill, run", "missing %s" % missing)
        out = m.cmd("ps")
        t.ok(out == PS_HEADER + "\nps: 0 processes\n", "ps before any run: the header, no process",
             out)
        free0 = free_frames(m)

        out = m.cmd("run args", 60)
        t.ok(program_output(out) == recorded("args") and exit_line(out, "args",
             "exited with status 0") and "run: no process left\n" in out,
             "run args: the module string's arguments, output as under Linux, exit status 0",
             out)
        out = m.cmd("run args a b", 60)
        t.ok(program_output(out).startswith('argc 3\nargv[1] = "a"\nargv[2] = "b"\nok - ') and
             exit_line(out, "args", "exited with status 0"),
             "run args a b: the typed arguments replace the module's", out)
        out = m.cmd("run faults", 60)
        kills = re.findall(r"^user: pid \d+ \(faults\) killed by signal (\d+)$", out, re.M)
        t.ok(program_output(out) == recorded("faults") and
             sorted(kills) == sorted(["11", "11", "11", "11", "4", "8", "9", "15"]) and
             exit_line(out, "faults", "exited with status 0") and "run: no process left\n" in out,
             "run faults: output as under Linux, each child's signal, pid exits 0, back to the "
             "prompt", out)

        # run input: read(2) of fd 0. The first line of user/tests/input.in typed on COM1 with
        # CR for its end (the console turns it into LF), once the argument checks are printed;
        # the second on the PS/2 keyboard once the first is printed back.
        with open(os.path.join(ROOT, "user", "tests", "input.in")) as f:
            first, second = f.read().splitlines(True)
        try:
            m.write("run input\r")
            out = m.wait_for("ok - read of 0 bytes: 0\n", 30)
            m.write(first.rstrip("\n") + "\r")
            out += "ok - read of 0 bytes: 0\n" + m.wait_for("first line, ", 30)
            m.sendkeys(second)
            out += "first line, " + m.wait_for("\n" + PROMPT, 60) + "\n"
            out = out.partition("\n")[2]  # the echo of the command line
        except MonitorError as e:
            out = str(e)
        t.ok(program_output(out) == recorded("input") and
             exit_line(out, "input", "exited with status 0") and "run: no process left\n" in out,
             "run input: a line typed on COM1, then one on the keyboard, read as under Linux "
             "from user/tests/input.in, exit status 0", out)
        t.ok(free_frames(m) == free0, "pmm: free frames after the runs = before (%s)" % free0)

        parent, zombie, stopped = family(m, "family 1")
        rows = ps_rows(m.cmd("ps"))
        if parent and stopped:
            check_vm(m, parent, rows)
            check_vm(m, stopped, rows)
        out = m.cmd("run forkbomb", 60)
        killed = re.findall(r"^user: pid \d+ \(forkbomb\) killed by signal 9$", out, re.M)
        t.ok(program_output(out) == recorded("forkbomb") and len(killed) == PROC_MAX - 3 - 1 and
             exit_line(out, "forkbomb", "exited with status 0") and "run: 3 processes left" in out
             and ps_rows(m.cmd("ps")) == rows,
             "run forkbomb beside them: EAGAIN once the table is full (%d children), output "
             "as under Linux, the family untouched" % (PROC_MAX - 4), out[-600:])
        bad = [
            ("vm 999", r"^error: vm: no process with pid 999 \(ps lists them\)$"),
            ("vm %s" % zombie, r"^error: vm: pid %s \(family\) is a zombie" % zombie),
            ("vm x1", r"^error: pid 'x1': "),
            ("kill 999", r"^error: kill: no process with pid 999 \(ps lists them\)$"),
            ("kill 0", r"^error: pid 0 out of range"),
            ("kill %s" % zombie, r"^error: kill: pid %s \(family\) has ended already" % zombie),
            ("kill %s HUP" % stopped, r"^error: kill: signal 'HUP' is not one the kernel delivers"),
            ("kill %s 1" % stopped, r"^error: kill: signal '1' is not one"),
            ("run nosuch", r"^error: run: cannot start 'nosuch': no module of that name"),
            ("run", r"^error: run: missing argument\nusage: run <module> \[args\]$"),
            ("vm", r"^error: vm: missing argument$"),
        ]
        for line, rx in bad:
            out = m.cmd(line)
            t.ok(re.search(rx, out, re.M), "%s: refused with its reason" % line, out)
        t.ok(ps_rows(m.cmd("ps")) == rows, "ps: the refused commands changed nothing")

        out = m.cmd("kill %s" % stopped, 60)
        t.ok(("kill: SIGKILL to pid %s (family)\n" % stopped) in out and
             exit_line(out, "family", "killed by signal 9") == stopped and
             "family: stopped child: killed by signal 9\nfamily: zombie child: exited with "
             "status 7\n" in out and exit_line(out, "family", "exited with status 0") == parent
             and "kill: no process left\n" in out,
             "kill <stopped> (SIGKILL): it ends, the parent wakes, collects both and exits 0", out)
        out = m.cmd("ps")
        t.ok(out == PS_HEADER + "\nps: 0 processes\n", "ps afterwards: no process", out)

        parent, zombie, stopped = family(m, "family 2")
        out = m.cmd("kill %s STOP" % parent)
        t.ok("kill: SIGSTOP to pid %s" % parent in out and
             ps_rows(m.cmd("ps")).get(parent, (0, ""))[1] == "stopped",
             "kill <waiting parent> STOP: ps shows it stopped", out)
        out = m.cmd("kill %s CONT" % stopped, 60)
        t.ok("family: the stopped child was continued\n" in out and
             exit_line(out, "family", "exited with status 3") == stopped and
             "family: stopped child" not in out and "run: " not in out and
             "kill: 3 processes left" in out,
             "kill <child> CONT: it carries on and exits; the stopped parent does not wake", out)
        out = m.cmd("kill %s SIGCONT" % parent, 60)
        t.ok("family: stopped child: exited with status 3\nfamily: zombie child: exited with "
             "status 7\n" in out and exit_line(out, "family", "exited with status 0") == parent
             and "kill: no process left\n" in out,
             "kill <parent> SIGCONT: it collects both children and exits 0", out)

        free1 = free_frames(m)
        t.ok(free1 == free0, "pmm: free frames after every process ended = before the first "
             "run (%s, %s)" % (free0, free1))
        out = m.cmd("check")
        t.ok("check: heap consistent" in out and "check: pmm consistent" in out, "check passes",
             out)
        m.write("halt\r")
        t.ok(m.finish(15) == 33, "halt: QEMU exits with status 33")


def run_init():
    with MonitorSession(kernel, append="init=family qemu-exit", mem=64,
                        log=os.path.join(tdir, "init.log"),
                        extra=("-initrd", "%s/family" % user)) as m:
        boot = m.boot_text
        t.ok("user: pid 1 (family) has not ended (stopped, or waiting for a stopped process)\n"
             in boot and "monitor: ready" in boot,
             "init=family: pid 1 has not ended; no QEMU exit, the monitor starts", boot[-500:])
        rows = ps_rows(m.cmd("ps"))
        t.ok(rows.get(1, (None, ""))[:2] == (0, "waiting") and
             rows.get(3, (None, ""))[:2] == (1, "stopped") and rows.get(2, (None, ""))[1] == "zombie",
             "ps: pid 1 waiting, its zombie and its stopped child", rows)
        out = m.cmd("kill 3 CONT", 60)
        t.ok("user: pid 1 (family) exited with status 0\n" in out and
             "family: stopped child: exited with status 3\n" in out and
             "kill: no process left\n" in out, "kill 3 CONT: pid 1 collects both and exits 0", out)
        m.write("halt\r")
        t.ok(m.finish(15) == 33, "halt: QEMU exits with status 33")


try:
    run()
    run_init()
except Exception as e:  # a crash of the script or a hung kernel is a failed check, not a hang
    t.ok(False, "session ran to the end", "%s: %s" % (type(e).__name__, e))
sys.exit(t.done())
