#!/usr/bin/env python3
"""mbcheck.py - check a kernel file the way our loader's stage 2 does, before it goes on a disk.

Like `grub-file --is-x86-multiboot`, but it says what is wrong, in the words stage 2 would print
at boot: the messages come from include/loader_msg.h, which stage 2 assembles too. The checks
follow boot/mbheader.inc, boot/elf.inc, boot/aout.inc and boot/seg.inc in their order: the
Multiboot v1 header (Multiboot 0.6.96 3.1.1-3.1.3), the ELF32 header and program headers (System V
gABI), each segment (inside the file, no wrap past 4 GiB, at or above 1 MiB), the segments against
each other and the entry point. Only the check against the machine's memory map (usable RAM) is
left to stage 2: the map is the BIOS's.

    mbcheck.py [--protocol P] KERNEL           check; print one line about the kernel, or the
                                               error (exit 1)
    mbcheck.py [--protocol P] --fields KERNEL  check, then print "CRC PROTOCOL": the CRC-32 of
                                               the whole file (stage 2 checks it) and the
                                               protocol it boots (multiboot or multiboot2)
    mbcheck.py --crc FILE                      print the CRC-32 of the whole file (for the modules)

P is multiboot, multiboot2 or empty. Empty: Multiboot2 when the kernel has a Multiboot2 header
(magic and checksum right), else Multiboot v1 (docs/boot.md says why). The Multiboot2 header is
checked as boot/mb2header.inc does (Multiboot2 Specification 2.0, 3.1).

The CRC is IEEE 802.3's, as zlib computes it (boot/crc.inc). A protocol is a function that finds
its header in the file's head and returns the kernel's layout or raises CheckError; PROTOCOLS
names them.
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
MB2 = read_defines('multiboot2.h')
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
    """boot/aout.inc, from a version 1 header."""
    header_addr, load_addr, load_end, bss_end, entry = struct.unpack_from('<IIIII', data, mb + 12)
    aout_fields(data, k, mb, header_addr, load_addr, load_end, bss_end, entry, MSG['MSG_AOUT_ADDR'])


def aout_fields(data, k, mb, header_addr, load_addr, load_end, bss_end, entry, message):
    """boot/aout.inc aout_check: the address fields as one segment, and the entry point."""
    bad = CheckError(message)
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


# Multiboot2 (boot/mb2header.inc): the information tags this loader provides, each header tag
# type's minimum size, the EFI tags.
MB2_PROVIDED = {MB2['MB2_TAG_' + n] for n in ('END', 'CMDLINE', 'LOADER_NAME', 'MODULE', 'BASIC_MEMINFO',
                                               'BOOTDEV', 'MMAP', 'FRAMEBUFFER', 'ELF_SECTIONS', 'ACPI_OLD',
                                               'ACPI_NEW', 'LOAD_BASE')}
MB2_HTAG_MIN = {MB2['MB2_HTAG_END']: 8, MB2['MB2_HTAG_INFO_REQUEST']: 8,
                MB2['MB2_HTAG_ADDRESS']: MB2['MB2_HTAG_ADDRESS_SIZE'],
                MB2['MB2_HTAG_ENTRY']: MB2['MB2_HTAG_ENTRY_SIZE'], MB2['MB2_HTAG_CONSOLE']: 12,
                MB2['MB2_HTAG_FRAMEBUFFER']: 20, MB2['MB2_HTAG_MODULE_ALIGN']: 8, MB2['MB2_HTAG_EFI_BS']: 8,
                MB2['MB2_HTAG_ENTRY_EFI32']: 12, MB2['MB2_HTAG_ENTRY_EFI64']: 12,
                MB2['MB2_HTAG_RELOCATABLE']: MB2['MB2_HTAG_RELOC_SIZE']}
MB2_EFI = {MB2['MB2_HTAG_EFI_BS'], MB2['MB2_HTAG_ENTRY_EFI32'], MB2['MB2_HTAG_ENTRY_EFI64']}
HEAD_MB2 = MB2['MB2_HEADER_SEARCH_LIMIT']


def mb2_find(data):
    """The Multiboot2 header's offset (8-byte aligned, first 32 KiB, checksum), None if absent."""
    head = data[:HEAD_MB2]
    bad_sum = False
    for off in range(0, len(head) - MB2['MB2_HDR_SIZE'] + 1, MB2['MB2_HEADER_ALIGN']):
        if u32(head, off) != MB2['MB2_HEADER_MAGIC']:
            continue
        if sum(struct.unpack_from('<4I', head, off)) & 0xFFFFFFFF == 0:
            return off
        bad_sum = True
    if bad_sum:
        raise CheckError(MSG['MSG_MB2_CKSUM'])
    return None


def mb2_tags(data, off):
    """boot/mb2header.inc mb2h_find: the header's fields and tags. Returns the address tag's
    fields (or None), the entry tag's address (or None), whether it is relocatable."""
    window = min(len(data), HEAD_MB2)
    if u32(data, off + MB2['MB2_HDR_ARCH']) != MB2['MB2_ARCH_I386']:
        raise CheckError(MSG['MSG_MB2_ARCH'])
    length = u32(data, off + MB2['MB2_HDR_LENGTH'])
    if length % MB2['MB2_TAG_ALIGN']:
        raise CheckError(MSG['MSG_MB2_LEN8'])
    if length < MB2['MB2_HDR_SIZE'] + 8:
        raise CheckError(MSG['MSG_MB2_PAST'])
    end = off + length
    if end > window:
        raise CheckError(MSG['MSG_MB2_WINDOW'])
    t = off + MB2['MB2_HDR_SIZE']
    addr = entry = None
    reloc = False
    while True:
        if t + 8 > end:
            raise CheckError(MSG['MSG_MB2_PAST'])
        typ, flags, size = struct.unpack_from('<HHI', data, t)
        if t + size > end:
            raise CheckError(MSG['MSG_MB2_PAST'])
        optional = flags & MB2['MB2_HTAG_OPTIONAL']
        if typ not in MB2_HTAG_MIN:
            if not optional:
                raise CheckError(MSG['MSG_MB2_UNKNOWN'] + str(typ))
        elif size < MB2_HTAG_MIN[typ]:
            raise CheckError(MSG['MSG_MB2_SHORT'] + str(typ))
        elif typ == MB2['MB2_HTAG_END']:
            break
        elif typ == MB2['MB2_HTAG_INFO_REQUEST'] and not optional:
            for r in struct.unpack_from('<%dI' % ((size - 8) // 4), data, t + 8):
                if r not in MB2_PROVIDED:
                    raise CheckError(MSG['MSG_MB2_REQUEST'] + str(r))
        elif typ in MB2_EFI and not optional:
            raise CheckError(MSG['MSG_MB2_EFI'])
        elif typ == MB2['MB2_HTAG_CONSOLE']:
            cf = u32(data, t + 8) & (MB2['MB2_CONSOLE_REQUIRED'] | MB2['MB2_CONSOLE_EGA_TEXT'])
            if cf == MB2['MB2_CONSOLE_REQUIRED']:
                raise CheckError(MSG['MSG_MB2_CONSOLE'])
        elif typ == MB2['MB2_HTAG_ADDRESS']:
            addr = struct.unpack_from('<4I', data, t + 8)
        elif typ == MB2['MB2_HTAG_ENTRY']:
            entry = u32(data, t + 8)
        elif typ == MB2['MB2_HTAG_RELOCATABLE']:
            reloc = True
        t += (size + 7) & ~7
    if addr is not None and entry is None:
        raise CheckError(MSG['MSG_MB2_ADDR_ENTRY'])
    return addr, entry, reloc


def multiboot2(data):
    """Multiboot2: the header and its tags, then the address tag (as the a.out kludge) or the ELF
    headers; the entry tag overrides the entry. A relocatable image's place is chosen at boot
    from the memory map, so its segments are not checked against 1 MiB here (nor by stage 2
    before it places them)."""
    off = mb2_find(data)
    if off is None:
        raise CheckError(MSG['MSG_MB2_NONE'])
    addr, entry, reloc = mb2_tags(data, off)
    low = LD['LOADER_LOW_END']
    if reloc:
        LD['LOADER_LOW_END'] = 0
    try:
        if addr is not None:
            header_addr, load_addr, load_end, bss_end = addr
            if load_addr == MB2['MB2_LOAD_ADDR_FILE']:
                load_addr = (header_addr - off) & 0xFFFFFFFF
            k = Kernel('Multiboot2 address tag', min(len(data), HEAD_MB2))
            aout_fields(data, k, off, header_addr, load_addr, load_end, bss_end, entry,
                        MSG['MSG_MB2_ADDR'])
        else:
            k = Kernel('Multiboot2 ELF', min(len(data), HEAD_MB2))
            elf_check(data, k)
            if entry is not None:
                k.entry, k.entry_virtual = entry, None
    finally:
        LD['LOADER_LOW_END'] = low
    return k


PROTOCOLS = {'multiboot': multiboot1, 'multiboot2': multiboot2}


def choose(data, protocol):
    """The protocol the image records: as asked, else Multiboot2 when that header is there."""
    if protocol:
        if protocol not in PROTOCOLS:
            raise CheckError("PROTOCOL must be multiboot or multiboot2, not '%s'" % protocol)
        return protocol
    try:
        return 'multiboot2' if mb2_find(data) is not None else 'multiboot'
    except CheckError:
        return 'multiboot2'           # a damaged Multiboot2 header: say so


def check(data, protocol=''):
    if not data:
        raise CheckError(MSG['MSG_NO_KERNEL'])
    return PROTOCOLS[protocol](data)


def main(argv):
    args = argv[1:]
    if len(args) == 2 and args[0] == '--crc':
        with open(args[1], 'rb') as f:
            print(zlib.crc32(f.read()))
        return 0
    protocol = ''
    if len(args) >= 2 and args[0] == '--protocol':
        protocol, args = args[1], args[2:]
    fields = len(args) == 2 and args[0] == '--fields'
    if len(args) != 1 + fields or args[-1].startswith('-'):
        sys.stderr.write(__doc__.split('\n\n')[1] + '\n')
        return 2
    path = args[-1]
    with open(path, 'rb') as f:
        data = f.read()
    try:
        protocol = choose(data, protocol)
        k = check(data, protocol)
    except CheckError as e:
        sys.stderr.write('mbcheck: %s: error: %s\n' % (path, e))
        return 1
    if fields:
        print(zlib.crc32(data), protocol)
        return 0
    entry = 'entry 0x%s' % hex8(k.entry)
    entry += ' (virtual 0x%s)' % hex8(k.entry_virtual) if k.entry_virtual is not None else ' (physical)'
    print('%s: %s, %d segments, %s, %d KiB in memory; CRC-32 of the file 0x%08X'
          % (path, k.kind, len(k.segs), entry, sum(s.memsz for s in k.segs) >> 10,
             zlib.crc32(data)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
