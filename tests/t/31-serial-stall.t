#!/usr/bin/env bash
# 31-serial-stall.t - COM1 output survives a transmitter that stops taking bytes, and serial input
# keeps working meanwhile (kernel/console/serial.c).
#
# QEMU's COM1 is a pipe chardev whose output FIFO we do not read, shrunk to one page: once it is
# full QEMU's UART keeps the byte it holds and THRE stays clear, as a real UART does when nobody
# takes its bytes. Port 0xE9 (QEMU -debugcon) gets a full copy of the console. The test drives our
# kernel's monitor over the serial input:
#   1. `xp 0x100000 4096` (about 20 KB of hexdump) fills the pipe: the serial copy loses characters
#      (fewer bytes arrive than the 0xE9 copy holds), the kernel neither hangs nor crawls: the next
#      prompt comes;
#   2. `pmm`, typed while the transmitter is still stuck, is read and answered (serial input does not
#      depend on the transmitter);
#   3. after the pipe is drained, `help` is answered on the serial line again (output resumes);
#   4. `halt` leaves QEMU with status 33.
source "$(dirname "$0")/../lib.sh"
KERNEL=${KERNEL:-$BUILD/kernel/kernel.elf}
tap_plan 4

rm -f "$T_DIR"/ser.in "$T_DIR"/ser.out "$T_DIR"/e9.log
mkfifo "$T_DIR/ser.in" "$T_DIR/ser.out"
python3 - "$QEMU" "$KERNEL" "$T_DIR" <<'PY'
import errno, fcntl, os, subprocess, sys, time
qemu, kernel, tdir = sys.argv[1:]
F_SETPIPE_SZ = 1031
# our ends first: the output FIFO read end (never read until step 3), shrunk to a page
out_fd = os.open(tdir + '/ser.out', os.O_RDONLY | os.O_NONBLOCK)
fcntl.fcntl(out_fd, F_SETPIPE_SZ, 4096)
e9 = tdir + '/e9.log'
q = subprocess.Popen([qemu, '-display', 'none', '-no-reboot', '-monitor', 'none', '-m', '128',
                      '-kernel', kernel, '-append', '',
                      '-chardev', 'pipe,id=s0,path=' + tdir + '/ser', '-serial', 'chardev:s0',
                      '-debugcon', 'file:' + e9, '-device', 'isa-debug-exit,iobase=0xf4,iosize=4'],
                     stdin=subprocess.DEVNULL, stdout=open(tdir + '/qemu.out', 'w'), stderr=subprocess.STDOUT)
in_fd = None
for _ in range(100):
    try:
        in_fd = os.open(tdir + '/ser.in', os.O_WRONLY | os.O_NONBLOCK); break
    except OSError:
        time.sleep(0.1)
def e9_text():
    try: return open(e9, errors='replace').read()
    except OSError: return ''
def wait_prompts(n, secs=30):
    end = time.time() + secs
    while time.time() < end:
        if e9_text().count('mon> ') >= n: return True
        if q.poll() is not None: return False
        time.sleep(0.05)
    return False
serial = bytearray()
def drain():
    while True:
        try:
            b = os.read(out_fd, 65536)
        except OSError as e:
            if e.errno == errno.EAGAIN: return
            raise
        if not b: return
        serial.extend(b)
def say(line):
    os.write(in_fd, line.encode() + b'\r')
res = []
ok1 = wait_prompts(1)
say('xp 0x100000 4096')
ok2 = ok1 and wait_prompts(2)
e9_len = len(e9_text().encode())
drain()                                   # what got through before and during the stall
before = len(serial)
res.append((ok2 and before < e9_len * 0.9,
            'a 20 KB hexdump into a stuck COM1: the kernel came back to its prompt; serial got %d of %d bytes'
            % (before, e9_len)))
say('pmm')
ok3 = ok2 and wait_prompts(3)
res.append((ok3 and 'frames' in e9_text().split('mon> ')[2],
            'serial input read and answered while the transmitter was stuck (pmm)'))
time.sleep(0.5)
drain()                                   # now unstuck: QEMU sends what it held
mark = len(serial)
say('help')
ok4 = ok3 and wait_prompts(4)
time.sleep(0.5)
drain()
after = serial[mark:].decode(errors='replace')
res.append((ok4 and 'list the commands' in after, 'after the pipe drained, help is answered on COM1 again'))
say('halt')
try: rc = q.wait(30)
except subprocess.TimeoutExpired:
    q.kill(); rc = 'timeout'
res.append((rc == 33, 'halt: QEMU status 33 (got %s)' % rc))
for i, (ok, desc) in enumerate(res, 1):
    print('%s %d - %s' % ('ok' if ok else 'not ok', i, desc))
if not all(ok for ok, _ in res):
    print('# serial after drain: ' + repr(after[-300:]))
    print('# e9 tail: ' + repr(e9_text()[-300:]))
PY
