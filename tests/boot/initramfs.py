#!/usr/bin/env python3
"""initramfs.py - write a Linux initramfs (newc cpio) holding /dev/console and one /init.

Usage: initramfs.py OUT INIT

The kernel unpacks the archive into its rootfs and runs /init with /dev/console as its standard
streams; without a console node it has nowhere to send the program's output. Written here instead
of with cpio(1) because the device node needs no root rights this way. Format: the "new ASCII"
(070701) header of the Linux kernel's Documentation/driver-api/early-userspace/buffer-format.rst,
every field 8 hex digits, name and data each padded to 4 bytes, ended by TRAILER!!!.
"""
import sys

S_IFDIR, S_IFCHR, S_IFREG = 0o040000, 0o020000, 0o100000
TTY_MAJOR, CONSOLE_MINOR = 5, 1   # /dev/console (Documentation/admin-guide/devices.txt)


def entry(ino, name, mode, data=b'', rdev=(0, 0)):
    """One archive member: header, NUL-terminated name, data, each padded to 4 bytes."""
    fields = (ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name) + 1, 0)
    out = b'070701' + ''.join('%08X' % f for f in fields).encode() + name.encode() + b'\0'
    out += b'\0' * (-len(out) % 4) + data
    return out + b'\0' * (-len(out) % 4)


def main():
    out, init = sys.argv[1:3]
    with open(init, 'rb') as f:
        program = f.read()
    archive = (entry(1, 'dev', S_IFDIR | 0o755) +
               entry(2, 'dev/console', S_IFCHR | 0o600, rdev=(TTY_MAJOR, CONSOLE_MINOR)) +
               entry(3, 'init', S_IFREG | 0o755, program) +
               entry(0, 'TRAILER!!!', 0))
    with open(out, 'wb') as f:
        f.write(archive + b'\0' * (-len(archive) % 512))


if __name__ == '__main__':
    main()
