#!/usr/bin/env python3
"""mbcheck.py - check a kernel file the way our loader's stage 2 does, before it goes on a disk.

Like `grub-file --is-x86-multiboot`, but it says what is wrong, in the words stage 2 would print
at boot: the messages come from include/loader_msg.h, which stage 2 assembles too. The checks
follow boot/mbheader.inc, boot/elf.inc, boot/aout.inc and boot/seg.inc in their order: the
Multiboot v1 header (Multiboot 0.6.96 3.1.1-3.1.3), the ELF32 header and program headers (System V
gABI), each segment (inside the file, no wrap past 4 GiB, at or above 1 MiB), the segments against
each other and the entry point. Only the check against the machine's memory map (usable RAM) is
left to stage 2: the map is the BIOS's.

    mbcheck.py KERNEL            check; print one line about the kernel, or the error (exit 1)
    mbcheck.py --fields KERNEL   check, then print "BYTES CRC": the bytes stage 2 reads and
                                 checks (headers and every segment's file bytes) and their CRC-32
    mbcheck.py --crc FILE        print the CRC-32 of the whole file (for the modules)

The CRC is IEEE 802.3's, as zlib computes it (boot/crc.inc). A protocol is a function that finds
its header in the file's head and returns the kernel's layout or raises CheckError; PROTOCOLS
lists them in the order they are tried, so a second protocol (Multiboot 2) adds its own.
"""
import os
import re
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def read_defines(name):
    """The #defines of include/NAME: numbers as ints, strings as str."""
    out = {}
    with open(os.path.join(HERE, '..', 'include', name)) as f:
        for line in f:
            m = re.match(r'#define\s+(\w+)\s+(".*"|0x[0-9A-Fa-f]+|\d+)(?:\s|$)', line)
            if m:
                v = m.group(2)
                out[m.group(1)] = v[1:-1] if v.startswith('"') else int(v, 0)
    return out


MSG = read_defines('loader_msg.h')
MB = read_defines('multiboot.h')
LD = read_defines('loader.h')
SEG_MAX = 32                       # boot/seg.inc SEG_MAX
HEAD_SMALL = MB['MB_HEADER_SEARCH_LIMIT']
HEAD_LARGE = LD['LOADER_HEAD_SECTORS'] * LD['SECTOR_SIZE']


class CheckError(Exception):
    """A failed check: the message as stage 2 prints it after 'boot: error: '."""


class Segment:
    def __init__(self, offset, addr, filesz, memsz, vaddr):
        self.offset, self.addr, self.filesz, self.memsz, self.vaddr = offset, addr, filesz, memsz, vaddr


class Kernel:
    """What a protocol found: its name, the segments, the entry point, how it was read."""
    def __init__(self, kind, head_bytes):
        self.kind = kind
        self.head_bytes = head_bytes          # bytes of the file stage 2 holds in its head buffer
        self.segs = []
        self.entry = None
        self.entry_virtual = None


def hex8(v):
    return '%08X' % (v & 0xFFFFFFFF)


def seg_range(n, first, last):
    return ': segment %d at 0x%s-0x%s' % (n, hex8(first), hex8(last))


def seg_add(k, size, offset, filesz, memsz, addr, vaddr=None):
    """boot/seg.inc seg_add: one segment checked and recorded."""
    n = len(k.segs)
    if n >= SEG_MAX:
        raise CheckError(MSG['MSG_SEG_MANY'])
    if filesz and offset + filesz > size:
        raise CheckError(MSG['MSG_SEG_TRUNC'] + str(n) + MSG['MSG_SEG_TRUNC_TAIL'] + hex8(size))
    end = addr + memsz
    if end > 0xFFFFFFFF:
        raise CheckError(MSG['MSG_SEG_WRAP'] + seg_range(n, addr, end - 1))
    if addr < LD['LOADER_LOW_END']:
        raise CheckError(MSG['MSG_SEG_LOW'] + seg_range(n, addr, end - 1))
    k.segs.append(Segment(offset, addr, filesz, memsz, addr if vaddr is None else vaddr))


def seg_check_overlap(k):
    for j, b in enumerate(k.segs):
        for i, a in enumerate(k.segs[:j]):
            if a.addr <= b.addr + b.memsz - 1 and b.addr <= a.addr + a.memsz - 1:
                raise CheckError(MSG['MSG_SEG_OVERLAP'] + seg_range(j, b.addr, b.addr + b.memsz - 1)
                                 + MSG['MSG_SEG_OVERLAP_TAIL'] + str(i))


def seg_find_entry(k, entry):
    """Physical first (a p_paddr range), else virtual (a p_vaddr range), translated."""
    for s in k.segs:
        if s.addr <= entry < s.addr + s.memsz:
            k.entry = entry
            return
    for s in k.segs:
        if s.vaddr <= entry < s.vaddr + s.memsz:
            k.entry, k.entry_virtual = entry - s.vaddr + s.addr, entry
            return
    raise CheckError(MSG['MSG_ELF_ENTRY'] + hex8(entry) + MSG['MSG_ELF_ENTRY_TAIL'])


def u32(b, off):
    return struct.unpack_from('<I', b, off)[0]


def mb1_find(data):
    """boot/mbheader.inc: the header's offset, or CheckError."""
    head = data[:HEAD_SMALL]
    bad_sum = False
    for off in range(0, len(head) - 12 + 1, MB['MB_HEADER_ALIGN']):
        if u32(head, off) != MB['MB_HEADER_MAGIC']:
            continue
        if (u32(head, off) + u32(head, off + 4) + u32(head, off + 8)) & 0xFFFFFFFF == 0:
            flags = u32(head, off + MB['MB_HDR_FLAGS'])
            bad = flags & MB['MB_HFLAG_REQUIRED_MASK'] & ~(MB['MB_HFLAG_PAGE_ALIGN'] | MB['MB_HFLAG_MEMORY_INFO'])
            if bad:
                raise CheckError(MSG['MSG_MBH_FLAGS'] + '%04X' % bad + MSG['MSG_MBH_FLAGS_TAIL'])
            return off
        bad_sum = True
    raise CheckError(MSG['MSG_MBH_CHECKSUM'] if bad_sum else MSG['MSG_MBH_NONE'])


def elf_check(data, k):
    """boot/elf.inc."""
    size = len(data)
    head = k.head_bytes
    if head < 52 or data[:4] != b'\x7fELF':
        raise CheckError(MSG['MSG_ELF_NOT_ELF'])
    if data[4] != 1:
        raise CheckError(MSG['MSG_ELF_CLASS'])
    if data[5] != 1:
        raise CheckError(MSG['MSG_ELF_ENDIAN'])
    e_type, e_machine, _, e_entry, e_phoff = struct.unpack_from('<HHIII', data, 16)
    e_phentsize, e_phnum = struct.unpack_from('<HH', data, 42)
    if e_type != 2:
        raise CheckError(MSG['MSG_ELF_TYPE'])
    if e_machine != 3:
        raise CheckError(MSG['MSG_ELF_MACHINE'])
    if e_phentsize < 32 or e_phnum == 0:
        raise CheckError(MSG['MSG_ELF_PHDRS'])
    table_end = e_phoff + e_phnum * e_phentsize
    if table_end > 0xFFFFFFFF:
        raise CheckError(MSG['MSG_ELF_PHDRS'])
    if table_end > head:
        k.head_bytes = head = min(size, HEAD_LARGE)
        if table_end > head:
            raise CheckError(MSG['MSG_ELF_PHDRS'])
    for i in range(e_phnum):
        p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz = \
            struct.unpack_from('<IIIIII', data, e_phoff + i * e_phentsize)
        if p_type != 1:
            continue
        if p_filesz > p_memsz:
            raise CheckError(MSG['MSG_ELF_FILESZ'])
        if p_memsz == 0:
            continue
        seg_add(k, size, p_offset, p_filesz, p_memsz, p_paddr, p_vaddr)
    if not k.segs:
        raise CheckError(MSG['MSG_ELF_NO_LOAD'])
    seg_check_overlap(k)
    seg_find_entry(k, e_entry)


def aout_check(data, k, mb):
    """boot/aout.inc."""
    header_addr, load_addr, load_end, bss_end, entry = struct.unpack_from('<IIIII', data, mb + 12)
    bad = CheckError(MSG['MSG_AOUT_ADDR'])
    if header_addr < load_addr or mb < header_addr - load_addr:
        raise bad
    offset = mb - (header_addr - load_addr)
    if load_end == 0:
        filesz = (len(data) - offset) & 0xFFFFFFFF
    elif load_end < load_addr:
        raise bad
    else:
        filesz = load_end - load_addr
    memsz = filesz
    if bss_end:
        if bss_end < load_addr or bss_end - load_addr < filesz:
            raise bad
        memsz = bss_end - load_addr
    if memsz == 0:
        raise bad
    seg_add(k, len(data), offset, filesz, memsz, load_addr)
    if not load_addr <= entry < load_addr + filesz:
        raise CheckError(MSG['MSG_AOUT_ENTRY'] + hex8(entry) + MSG['MSG_AOUT_ENTRY_MID'] + hex8(load_addr)
                         + '-0x' + hex8(load_addr + filesz - 1))
    k.entry = entry


def multiboot1(data):
    """Multiboot v1: the header, then the a.out-kludge fields (flag 16) or the ELF headers."""
    mb = mb1_find(data)
    if u32(data, mb + MB['MB_HDR_FLAGS']) & MB['MB_HFLAG_AOUT_KLUDGE']:
        k = Kernel('Multiboot v1 a.out kludge', min(len(data), HEAD_SMALL))
        aout_check(data, k, mb)
    else:
        k = Kernel('Multiboot v1 ELF', min(len(data), HEAD_SMALL))
        elf_check(data, k)
    return k


PROTOCOLS = [multiboot1]


def check(data):
    if not data:
        raise CheckError(MSG['MSG_NO_KERNEL'])
    error = None
    for protocol in PROTOCOLS:
        try:
            return protocol(data)
        except CheckError as e:
            error = error or e
    raise error


def read_bytes(k):
    """The bytes stage 2 reads from the file's start: its head buffer and every segment's file
    bytes (boot/load.inc), so that a damaged byte there is caught and nothing after is read."""
    return max([k.head_bytes] + [s.offset + s.filesz for s in k.segs if s.filesz])


def main(argv):
    if len(argv) == 3 and argv[1] == '--crc':
        with open(argv[2], 'rb') as f:
            print(zlib.crc32(f.read()))
        return 0
    fields = len(argv) == 3 and argv[1] == '--fields'
    if len(argv) != 2 + fields or argv[-1].startswith('-'):
        sys.stderr.write(__doc__.split('\n\n')[1] + '\n')
        return 2
    path = argv[-1]
    with open(path, 'rb') as f:
        data = f.read()
    try:
        k = check(data)
    except CheckError as e:
        sys.stderr.write('mbcheck: %s: error: %s\n' % (path, e))
        return 1
    n = read_bytes(k)
    if fields:
        print(n, zlib.crc32(data[:n]))
        return 0
    entry = 'entry 0x%s' % hex8(k.entry)
    entry += ' (virtual 0x%s)' % hex8(k.entry_virtual) if k.entry_virtual is not None else ' (physical)'
    print('%s: %s, %d segments, %s, %d KiB in memory; the loader reads and checks its first %d bytes'
          % (path, k.kind, len(k.segs), entry, sum(s.memsz for s in k.segs) >> 10, n))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
