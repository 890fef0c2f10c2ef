#!/usr/bin/env python3
"""monitor_session.py - drive the kernel monitor in QEMU through its serial port (and keyboard).

Used by tests/t/7x-monitor-*.t and handy by hand:

    tests/tools/monitor_session.py build/kernel/kernel.elf 'help' 'pmm' 'alloc 4'

boots the kernel headless, waits for the prompt, types each line on COM1 and prints what the
monitor answered. The test scripts import MonitorSession:

    with MonitorSession(kernel, log=path) as m:
        out = m.cmd("alloc 2")          # the output after the echoed line, up to the next prompt
        m.sendkeys("help")              # typed on the PS/2 keyboard through QEMU's monitor
        status = m.finish()             # QEMU's exit status (33 after `halt`)

QEMU runs with -serial stdio (this process holds both ends), its human monitor on a unix socket
(for sendkey), isa-debug-exit on port 0xf4 and -no-reboot. Every wait has a timeout, so a hung
kernel fails a test instead of hanging it. The whole serial output is written to the log.
"""
import os
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time

PROMPT = "mon> "
QEMU = os.environ.get("QEMU", "qemu-system-i386")


class MonitorError(Exception):
    pass


class MonitorSession:
    def __init__(self, kernel=None, image=None, append="qemu-exit", mem=128, log=None,
                 boot_timeout=30, extra=()):
        self.log_path = log
        self.buf = ""            # everything read from the serial port so far
        self.pos = 0             # how far the caller has consumed buf
        self.status = None
        self.sockdir = tempfile.mkdtemp(prefix="mon-")
        self.hmp_path = os.path.join(self.sockdir, "hmp.sock")
        args = [QEMU, "-display", "none", "-no-reboot", "-m", str(mem),
                "-serial", "stdio", "-monitor", "unix:%s,server=on,wait=off" % self.hmp_path,
                "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
        if image:
            args += ["-drive", "file=%s,format=raw,if=ide" % image]
        else:
            args += ["-kernel", kernel, "-append", append]
        # Port 0xE9 as a second record of the kernel's output: if COM1 ever goes quiet, the .e9
        # file still shows what the kernel printed (kprintf writes to every console).
        self.e9_path = (log + ".e9") if log else os.path.join(self.sockdir, "e9.log")
        args += ["-debugcon", "file:" + self.e9_path]
        args += list(extra)
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, bufsize=0)
        self.hmp = None
        self.boot_text = self.wait_for("\n" + PROMPT, boot_timeout)

    # --- reading -------------------------------------------------------------------------
    def _read_some(self, timeout):
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not r:
            return False
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            raise MonitorError("QEMU closed the serial port (exit status %s)" % self._poll())
        self.buf += data.decode("latin-1")
        return True

    def _poll(self):
        return self.proc.poll()

    def wait_for(self, text, timeout=10):
        """Wait until text appears after pos; return what came before it and move past it."""
        deadline = time.monotonic() + timeout
        while True:
            i = self.buf.find(text, self.pos)
            if i >= 0:
                out = self.buf[self.pos:i]
                self.pos = i + len(text)
                return out
            left = deadline - time.monotonic()
            if left <= 0:
                raise MonitorError("timeout waiting for %r; last output: %r; port 0xE9 ends: %r%s"
                                   % (text, self.buf[self.pos:][-400:], self._e9_tail(),
                                      self._machine_state()))
            self._read_some(min(left, 0.5))

    def _machine_state(self):
        """For a hung kernel: where the CPU is, the PIC, and COM1's LSR/IER/IIR (QEMU monitor)."""
        if self.proc.poll() is not None:
            return ""
        try:
            regs = self.hmp_command("info registers")
            eip = re.search(r"EIP=\S+ EFL=\S+", regs)
            hlt = re.search(r"HLT=\d", regs)
            parts = [eip.group(0) if eip else "?", hlt.group(0) if hlt else "?"]
            for port, name in ((0x3FD, "LSR"), (0x3F9, "IER"), (0x3FA, "IIR")):
                out = self.hmp_command("i /b 0x%x" % port)
                parts.append("%s=%s" % (name, out.split("=")[-1].split()[0] if "=" in out else "?"))
            try:
                import fcntl
                import termios
                import struct as _struct
                n = _struct.unpack("i", fcntl.ioctl(self.proc.stdin.fileno(), termios.FIONREAD,
                                                    b"\0\0\0\0"))[0]
                parts.append("unread-in-pipe=%d" % n)
            except OSError as e:
                parts.append("unread-in-pipe=? (%s)" % e)
            pic = self.hmp_command("info pic")
            parts.append(" ".join(pic.split()[:40]))
            return "; machine: " + " ".join(parts)
        except Exception as e:  # the diagnosis must never hide the original failure
            return "; machine: (%s)" % e

    def _e9_tail(self):
        try:
            with open(self.e9_path, "rb") as f:
                return f.read()[-300:].decode("latin-1")
        except OSError:
            return ""

    def wait_regex(self, pattern, timeout=10):
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.buf, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise MonitorError("timeout waiting for /%s/; last output: %r"
                                   % (pattern, self.buf[self.pos:][-400:]))
            self._read_some(min(left, 0.5))

    # --- typing --------------------------------------------------------------------------
    def write(self, data):
        self.proc.stdin.write(data.encode("latin-1"))
        self.proc.stdin.flush()

    def cmd(self, line, timeout=10):
        """Type line + CR on COM1; return the monitor's output (echo line removed)."""
        self.write(line + "\r")
        out = self.wait_for("\n" + PROMPT, timeout)
        echo, _, rest = out.partition("\n")
        if echo != line[:127]:
            raise MonitorError("echo %r does not match the line typed %r" % (echo, line))
        return rest + "\n" if rest or out.endswith("\n") else rest

    def cmd_raw(self, data, timeout=10):
        """Type raw bytes (which should end a line); return everything up to the next prompt."""
        self.write(data)
        return self.wait_for("\n" + PROMPT, timeout)

    def hmp_command(self, command):
        if self.hmp is None:
            self.hmp = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.hmp.connect(self.hmp_path)
            self.hmp.settimeout(5)
            self._hmp_read()  # banner and first (qemu) prompt
        self.hmp.sendall((command + "\n").encode())
        return self._hmp_read()

    def _hmp_read(self):
        data = b""
        while not data.endswith(b"(qemu) "):
            chunk = self.hmp.recv(4096)
            if not chunk:
                break
            data += chunk
        # The monitor echoes with readline escapes (cursor moves); keep the text only.
        return re.sub(r"\x1b\[[0-9;]*[A-Za-z]|\r", "", data.decode("latin-1"))

    def sendkeys(self, text):
        """Type text on the emulated PS/2 keyboard (QEMU sendkey), one key per character."""
        names = {" ": "spc", "\r": "ret", "\n": "ret", "\b": "backspace", "-": "minus",
                 "=": "equal", ".": "dot", ",": "comma", "/": "slash", ";": "semicolon",
                 "'": "apostrophe", "[": "bracket_left", "]": "bracket_right",
                 "\\": "backslash", "`": "grave_accent", "*": "asterisk"}
        shifted = {"_": "minus", "+": "equal", "?": "slash", ":": "semicolon", '"': "apostrophe",
                   "<": "comma", ">": "dot", "!": "1", "@": "2", "#": "3", "$": "4", "%": "5",
                   "^": "6", "&": "7", "(": "9", ")": "0", "{": "bracket_left",
                   "}": "bracket_right", "|": "backslash", "~": "grave_accent"}
        for ch in text:
            if ch in names:
                key = names[ch]
            elif ch in shifted:
                key = "shift-" + shifted[ch]
            elif ch.isupper():
                key = "shift-" + ch.lower()
            else:
                key = ch
            self.hmp_command("sendkey " + key)

    # --- ending --------------------------------------------------------------------------
    def finish(self, timeout=10):
        """Wait for QEMU to exit (after halt, reboot or a panic); return its exit status."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            try:
                self._read_some(0.2)
            except MonitorError:
                break
        try:
            self.status = self.proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.kill()
            raise MonitorError("QEMU did not exit within %ss" % timeout)
        while True:
            try:
                if not self._read_some(0.1):
                    break
            except MonitorError:
                break
        return self.status

    def rest(self):
        """Output not yet consumed."""
        out = self.buf[self.pos:]
        self.pos = len(self.buf)
        return out

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def close(self):
        self.kill()
        if self.hmp:
            self.hmp.close()
        if self.log_path:
            with open(self.log_path, "w", encoding="latin-1") as f:
                f.write(self.buf)
        for path in (self.hmp_path, os.path.join(self.sockdir, "e9.log")):
            try:
                os.unlink(path)
            except OSError:
                pass
        os.rmdir(self.sockdir)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class Tap:
    """TAP for the .t scripts written in Python (the same conventions as tests/lib.sh)."""

    def __init__(self):
        self.count = 0
        self.failed = 0

    def ok(self, cond, desc, diag=None):
        self.count += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.count, desc), flush=True)
        if not cond:
            self.failed += 1
            if diag:
                for line in str(diag).rstrip("\n").split("\n"):
                    print("# " + line)
        return bool(cond)

    def diag(self, text):
        for line in str(text).rstrip("\n").split("\n"):
            print("# " + line)

    def done(self):
        print("1..%d" % self.count)
        return 0 if self.count else 1


def build_dir():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    build = os.environ.get("BUILD", "build")
    return build if os.path.isabs(build) else os.path.join(root, build)


def test_dir(name):
    d = os.path.join(build_dir(), "t", name)
    os.makedirs(d, exist_ok=True)
    return d


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().split("\n\n")[1])
        return 2
    with MonitorSession(argv[1]) as m:
        for line in argv[2:]:
            sys.stdout.write(PROMPT + line + "\n")
            try:
                sys.stdout.write(m.cmd(line))
            except MonitorError:
                # The kernel stopped (fault, halt, reboot, panic): show how, and its status.
                status = m.finish(10) if m.proc.poll() is None else m.proc.poll()
                out = m.rest()
                sys.stdout.write(out.split("\n", 1)[1] if out.startswith(line) else out)
                sys.stdout.write("[QEMU exited with status %s]\n" % status)
                return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
