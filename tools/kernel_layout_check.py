#!/usr/bin/env python3
"""kernel_layout_check.py - the higher-half kernel's ELF file is what Multiboot loaders can boot.

Usage: tools/kernel_layout_check.py KERNEL.elf PAGING_BOOT.o VIRT_BASE

Checks, with exit status 1 and a reason on stderr when one fails (mk/kernel.mk runs it after the
final link):
  - the first PT_LOAD is linked where it is loaded (p_vaddr == p_paddr: the .boot section, run
    before paging) and e_entry lies inside it (Multiboot loaders jump to e_entry with paging off,
    GNU Multiboot 0.6.96 3.2);
  - every other PT_LOAD has p_vaddr == p_paddr + VIRT_BASE (the higher half; loaders copy to
    p_paddr, ELF gABI program header);
  - PAGING_BOOT.o (mm/paging_boot.c, linked into .boot) has no relocation in its code: a call or
    a data reference would point at a high address, not mapped when it runs.
Standard library only; reads the ELF32 headers itself.
"""
import struct
import sys

PT_LOAD = 1
SHT_REL, SHT_RELA = 9, 4


def fail(msg):
    sys.exit("kernel_layout_check: " + msg)


def loads(path):
    d = open(path, "rb").read()
    if d[:4] != b"\x7fELF" or d[4] != 1:
        fail("%s: not an ELF32 file" % path)
    entry, phoff = struct.unpack_from("<II", d, 24)
    phentsize, phnum = struct.unpack_from("<HH", d, 42)
    segs = []
    for i in range(phnum):
        p_type, _, vaddr, paddr, _, memsz = struct.unpack_from("<6I", d, phoff + i * phentsize)
        if p_type == PT_LOAD:
            segs.append((vaddr, paddr, memsz))
    return entry, segs


def code_relocations(path):
    d = open(path, "rb").read()
    shoff, = struct.unpack_from("<I", d, 32)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", d, 46)
    secs = [struct.unpack_from("<10I", d, shoff + i * shentsize) for i in range(shnum)]
    strtab = secs[shstrndx]
    name = lambda s: d[strtab[4] + s[0]:d.index(b"\0", strtab[4] + s[0])].decode()
    return [name(s) for s in secs
            if s[1] in (SHT_REL, SHT_RELA) and not name(s).startswith((".rel.debug", ".rela.debug"))]


def main(elf, boot_obj, base):
    base = int(base, 0)
    entry, segs = loads(elf)
    if not segs:
        fail("%s: no PT_LOAD" % elf)
    v0, p0, m0 = segs[0]
    if v0 != p0:
        fail("first PT_LOAD at 0x%08x is not linked where it loads (0x%08x)" % (v0, p0))
    if not p0 <= entry < p0 + m0:
        fail("e_entry 0x%08x is not inside the first PT_LOAD [0x%08x, 0x%08x)"
             % (entry, p0, p0 + m0))
    for v, p, _ in segs[1:]:
        if v != p + base:
            fail("PT_LOAD p_vaddr 0x%08x != p_paddr 0x%08x + 0x%08x" % (v, p, base))
    rel = code_relocations(boot_obj)
    if rel:
        fail("%s has relocations (%s): code run before paging may not reach anything linked high"
             % (boot_obj, ", ".join(rel)))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    main(*sys.argv[1:])
