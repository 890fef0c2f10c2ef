#!/usr/bin/env python3
"""fuzz_loader.py - boot mutated Multiboot kernels through the loader; each must boot or be refused.

Usage: fuzz_loader.py --build BUILD [--count N | --seconds S | --cases I,J,...] [--seed N]
                      [--jobs N] [--out DIR] [--checker tools/mbcheck.py]

The probe kernel (tests/boot/entry.asm, as ELF and as a flat a.out-kludge image) is mutated:
targeted fields of the ELF header (e_entry, e_phoff, e_phnum, e_phentsize), of a program header
(p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, or a second program header), of the
Multiboot header (flags, checksum, the a.out-kludge addresses), or a few random bytes in the first
8 KiB. Every third case (number % 3 == 2) mutates the Multiboot2 probe instead
(tests/boot/mb2probe.asm, booted as make image records it: through Multiboot2): its header
(architecture, header_length, checksum), a tag's type, flags or size, an information
request, the console flags, ELF fields as above, or random bytes in the header. Case i uses random.Random(seed * 1000003 + i), so a case is reproduced by its seed and
number alone. Each mutant is written into a copy of an image that `make image` built from the
unmutated kernel (the same layout; only the kernel's bytes, the same size, change; the config
block's kernel CRC-32 and the word balancing stage 1's sum are rewritten as make image would
write them) and booted in QEMU with -no-reboot (a reset ends QEMU).

A model below (model_kernel; model_kernel_mb2 for Multiboot2, from the Multiboot2
Specification 2.0 section 3.1 and the loader's documented refusals) says what a loader must
do with the mutant, from Multiboot 0.6.96 section 3.1 and the ELF32 gABI, plus the loader's own documented limits (docs/boot.md): refuse it
(no header, bad checksum, unsupported required flag, not a loadable ELF, segment outside the file
or outside usable RAM or below 1 MiB, overlapping segments, p_filesz > p_memsz, an entry point
outside every loaded segment) or hand it over. The verdict for each case:
  - refused:  "boot: error: ..." on COM1, stage 2 started once, QEMU still running (halted);
  - booted:   the probe passed its entry-state checks (isa-debug-exit status 33);
  - kernel-failed: "boot: starting kernel", then the mutated kernel itself failed (status 35, a
    reset, or no end): allowed only when its loaded bytes or entry differ from the original's;
  - anything else (a hang or a reset before the hand-off, a second stage 2 start) fails, and so
    does a refusal of a kernel the model accepts, a hand-over of one it refuses, and a kernel
    whose loaded image equals the original's but that did not boot.
It prints the count of each outcome and every failing case (seed, number, mutation, what
happened, the serial log's last lines); failing kernels are kept in --out. Exit status 1 when any
case failed.

With --checker (tools/mbcheck.py, the host-side check `make image` runs) each mutant is also given
to the checker, which must agree with stage 2: it accepts what stage 2 handed over, and refuses
with stage 2's words what stage 2 refused (except the usable-RAM check, which needs the BIOS map
and is stage 2's alone).
"""
import argparse
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

MB_MAGIC = 0x1BADB002
MB_SEARCH = 8192                 # Multiboot 3.1.1: the header lies in the first 8192 bytes
MB_KLUDGE = 0x10000              # flag 16: the a.out-kludge address fields are valid
MB_SUPPORTED_REQUIRED = 0x3      # bits 0-1; any other of bits 0-15 must be refused (3.1.2)
ELF_HEAD_LIMIT = 65536           # the loader reads program headers from the first 64 KiB
LOW_END = 0x100000               # kernels load at or above 1 MiB
SEG_MAX = 32
MEM_MB = 32                      # QEMU -m 32: SeaBIOS's E820 gives usable RAM up to RAM_END
RAM_END = 0x1FE0000
BOOT_SECS = 8                    # no error, no hand-off by then: a hang
AFTER_ERROR_SECS = 0.3           # QEMU must still run this long after the error line
HANDOFF_SECS_MUST_BOOT = 10      # after the hand-off: the probe's checks end in milliseconds, so
HANDOFF_SECS_MAY_FAIL = 1        # no exit by then means it failed (longer where it must boot)


def model_kernel(k):
    """What a loader must do with kernel bytes k: ('refuse', why) or ('load', segments, entry).

    segments: [(file offset, physical address, file bytes, memory bytes)]; entry physical."""
    n = len(k)
    hdr = None
    for o in range(0, min(n, MB_SEARCH) - 11, 4):
        magic, flags, csum = struct.unpack_from('<III', k, o)
        if magic == MB_MAGIC and (magic + flags + csum) & 0xFFFFFFFF == 0:
            hdr = o
            break
    if hdr is None:
        return ('refuse', 'no Multiboot header with a good checksum')
    flags = struct.unpack_from('<I', k, hdr + 4)[0]
    if flags & 0xFFFF & ~MB_SUPPORTED_REQUIRED:
        return ('refuse', 'unsupported required flags 0x%x' % (flags & 0xFFFF))
    kludge = None
    if flags & MB_KLUDGE:
        if hdr + 32 > n:
            return ('refuse', 'a.out-kludge fields beyond the file')
        kludge = struct.unpack_from('<5I', k, hdr + 12)
    return model_layout(k, hdr, kludge)


def model_layout(k, hdr, kludge):
    """The load after the header: the a.out-kludge style fields kludge = (header_addr, load_addr,
    load_end_addr, bss_end_addr, entry_addr) of a header at offset hdr, or (None) the ELF program
    headers. Returns the verdict as model_kernel does."""
    n = len(k)
    segs = []
    if kludge:
        h_addr, l_addr, l_end, b_end, entry = kludge
        if h_addr < l_addr or hdr - (h_addr - l_addr) < 0:
            return ('refuse', 'kludge header_addr/load_addr inconsistent')
        off = hdr - (h_addr - l_addr)
        if l_end:
            if l_end < l_addr:
                return ('refuse', 'kludge load_end_addr < load_addr')
            filesz = l_end - l_addr
        else:
            filesz = n - off
        memsz = filesz
        if b_end:
            if b_end < l_addr or b_end - l_addr < filesz:
                return ('refuse', 'kludge bss_end_addr below load_end_addr')
            memsz = b_end - l_addr
        if memsz == 0:
            return ('refuse', 'kludge image empty')
        segs.append((off, l_addr, filesz, memsz, l_addr))
        if not l_addr <= entry < l_addr + filesz:
            return ('refuse', 'kludge entry_addr 0x%x outside the loaded image' % entry)
        entry_phys = entry
    else:
        if n < 52 or k[:4] != b'\x7fELF':
            return ('refuse', 'not ELF, no kludge')
        if k[4] != 1 or k[5] != 1 or struct.unpack_from('<H', k, 16)[0] != 2 or \
                struct.unpack_from('<H', k, 18)[0] != 3:
            return ('refuse', 'not an ELF32 LSB i386 executable')
        entry, phoff = struct.unpack_from('<II', k, 24)
        phentsize, phnum = struct.unpack_from('<HH', k, 42)
        if phentsize < 32 or phnum == 0 or phoff + phnum * phentsize > min(n, ELF_HEAD_LIMIT):
            return ('refuse', 'program header table bad')
        for i in range(phnum):
            p_type, p_off, p_vaddr, p_paddr, p_filesz, p_memsz = \
                struct.unpack_from('<6I', k, phoff + i * phentsize)
            if p_type != 1:
                continue
            if p_filesz > p_memsz:
                return ('refuse', 'PT_LOAD %d: p_filesz > p_memsz' % i)
            if p_memsz:
                segs.append((p_off, p_paddr, p_filesz, p_memsz, p_vaddr))
        if not segs:
            return ('refuse', 'no PT_LOAD segment')
        if len(segs) > SEG_MAX:
            return ('refuse', 'too many segments')
        entry_phys = None
        for off, addr, filesz, memsz, vaddr in segs:
            if addr <= entry < addr + memsz:
                entry_phys = entry
                break
        if entry_phys is None:
            for off, addr, filesz, memsz, vaddr in segs:
                if vaddr <= entry < vaddr + memsz:
                    entry_phys = entry - vaddr + addr
                    break
        if entry_phys is None:
            return ('refuse', 'e_entry 0x%x outside every loaded segment' % entry)
    for i, (off, addr, filesz, memsz, _) in enumerate(segs):
        if filesz and off + filesz > n:
            return ('refuse', 'segment %d beyond the file' % i)
        if addr + memsz > 1 << 32:
            return ('refuse', 'segment %d wraps past 4 GiB' % i)
        if addr < LOW_END:
            return ('refuse', 'segment %d below 1 MiB' % i)
        if addr + memsz > RAM_END:
            return ('refuse', 'segment %d outside usable RAM' % i)
    ordered = sorted(segs, key=lambda s: s[1])
    for a, b in zip(ordered, ordered[1:]):
        if a[1] + a[3] > b[1]:
            return ('refuse', 'segments at 0x%x and 0x%x overlap' % (a[1], b[1]))
    return ('load', [s[:4] for s in segs], entry_phys)


def loaded_image(k, segs, entry):
    """The memory the loader leaves, as a comparable value."""
    mem = []
    for off, addr, filesz, memsz in sorted(segs, key=lambda s: s[1]):
        mem.append((addr, bytes(k[off:off + filesz]) + bytes(memsz - filesz)))
    return entry, mem


MB2_MAGIC = 0xE85250D6
MB2_SEARCH = 32768               # Multiboot2 3.1.1: 8-byte aligned in the first 32768 bytes
MB2_PROVIDED = {0, 1, 2, 3, 4, 5, 6, 8, 9, 14, 15, 21}   # the information tags the loader gives
MB2_MIN_SIZE = {0: 8, 1: 8, 2: 24, 3: 12, 4: 12, 5: 20, 6: 8, 7: 8, 8: 12, 9: 12, 10: 24}


def model_kernel_mb2(k):
    """model_kernel for an image booted through Multiboot2: ('refuse', why), ('load', segments,
    entry), or ('any', why) for a relocatable image (its place depends on the map: either)."""
    n = len(k)
    hdr = None
    bad_sum = False
    for o in range(0, min(n, MB2_SEARCH) - 15, 8):
        if struct.unpack_from('<I', k, o)[0] != MB2_MAGIC:
            continue
        if sum(struct.unpack_from('<4I', k, o)) & 0xFFFFFFFF == 0:
            hdr = o
            break
        bad_sum = True
    if hdr is None:
        return ('refuse', 'Multiboot2 checksum wrong' if bad_sum else 'no Multiboot2 header')
    arch, length = struct.unpack_from('<II', k, hdr + 4)
    if arch != 0:
        return ('refuse', 'architecture %d' % arch)
    if length % 8 or length < 24:
        return ('refuse', 'header_length %d' % length)
    end = hdr + length
    if end > min(n, MB2_SEARCH):
        return ('refuse', 'header_length past the window')
    t = hdr + 16
    addr = entry = None
    reloc = False
    while True:
        if t + 8 > end:
            return ('refuse', 'no end tag inside header_length')
        typ, flags, size = struct.unpack_from('<HHI', k, t)
        optional = flags & 1
        if t + size > end:
            return ('refuse', 'tag %d runs past the header' % typ)
        if typ not in MB2_MIN_SIZE:
            if not optional:
                return ('refuse', 'unknown required tag %d' % typ)
        elif size < MB2_MIN_SIZE[typ]:
            return ('refuse', 'tag %d shorter than its fields' % typ)
        elif typ == 0:
            break
        elif typ == 1 and not optional:
            for r in struct.unpack_from('<%dI' % ((size - 8) // 4), k, t + 8):
                if r not in MB2_PROVIDED:
                    return ('refuse', 'required information %d not provided' % r)
        elif typ in (7, 8, 9) and not optional:
            return ('refuse', 'required EFI tag %d' % typ)
        elif typ == 4 and struct.unpack_from('<I', k, t + 8)[0] & 3 == 1:
            return ('refuse', 'a console other than EGA text required')
        elif typ == 2:
            addr = struct.unpack_from('<4I', k, t + 8)
        elif typ == 3:
            entry = struct.unpack_from('<I', k, t + 8)[0]
        elif typ == 10:
            reloc = True
        t += (size + 7) & ~7
    if addr is not None and entry is None:
        return ('refuse', 'address tag without an entry tag')
    if addr is not None:
        h_addr, l_addr, l_end, b_end = addr
        if l_addr == 0xFFFFFFFF:
            l_addr = (h_addr - hdr) & 0xFFFFFFFF
        verdict = model_layout(k, hdr, (h_addr, l_addr, l_end, b_end, entry))
    else:
        verdict = model_layout(k, hdr, None)
    placed = 'RAM' in verdict[1] or 'below 1 MiB' in verdict[1]
    if reloc and verdict[0] == 'refuse' and not placed:
        return verdict
    if reloc:
        return ('any', 'relocatable: placed by the memory map')
    if verdict[0] == 'load' and entry is not None and addr is None:
        verdict = ('load', verdict[1], entry)
    return verdict


# --- mutations -----------------------------------------------------------------------------

def interesting(rng, orig):
    return rng.choice([0, 1, 0xFFFFFFFF, 0xFFFFFFF0, 0x80000000, 0x7C00, LOW_END - 4, LOW_END,
                       RAM_END - 0x100, RAM_END, 0x40000000, orig, orig + 1, orig - 1,
                       orig + rng.randrange(1, 0x4000), orig - rng.randrange(1, 0x4000),
                       orig ^ (1 << rng.randrange(32)), rng.getrandbits(32)]) & 0xFFFFFFFF


def fix_checksum(k, hdr):
    flags = struct.unpack_from('<I', k, hdr + 4)[0]
    struct.pack_into('<I', k, hdr + 8, -(MB_MAGIC + flags) & 0xFFFFFFFF)


def mutate(rng, base, kludge):
    """Returns (mutated bytes, description)."""
    k = bytearray(base)
    hdr = k.find(struct.pack('<I', MB_MAGIC))
    if kludge:
        kinds = ['header_addr', 'load_addr', 'load_end_addr', 'bss_end_addr', 'entry_addr',
                 'flags', 'checksum', 'random']
    else:
        kinds = ['e_entry', 'e_phoff', 'e_phnum', 'e_phentsize', 'p_type', 'p_offset', 'p_vaddr',
                 'p_paddr', 'p_filesz', 'p_memsz', 'second_phdr', 'flags', 'checksum', 'random']
    kind = rng.choice(kinds)
    fields16 = {'e_phentsize': 42, 'e_phnum': 44}
    fields32 = {'e_entry': 24, 'e_phoff': 28}
    pfields = {'p_type': 0, 'p_offset': 4, 'p_vaddr': 8, 'p_paddr': 12, 'p_filesz': 16, 'p_memsz': 20}
    kfields = {'header_addr': 12, 'load_addr': 16, 'load_end_addr': 20, 'bss_end_addr': 24,
               'entry_addr': 28}
    if kind in fields32:
        o = fields32[kind]
        v = interesting(rng, struct.unpack_from('<I', k, o)[0])
        struct.pack_into('<I', k, o, v)
        desc = '%s=0x%x' % (kind, v)
    elif kind in fields16:
        o = fields16[kind]
        v = rng.choice([0, 1, 2, 3, 16, 31, 33, 40, 64, 255, 0x7FF, 0xFFFF, rng.getrandbits(16)])
        struct.pack_into('<H', k, o, v)
        desc = '%s=%d' % (kind, v)
    elif kind in pfields:
        phoff = struct.unpack_from('<I', k, 28)[0]
        o = phoff + pfields[kind]
        old = struct.unpack_from('<I', k, o)[0]
        if kind == 'p_type':
            v = rng.choice([0, 2, 3, 4, 6, 0x6474E551, rng.getrandbits(32)])
        elif kind in ('p_filesz', 'p_memsz'):
            v = rng.choice([0, old // 2, old - 1, old + 1, old * 2, 0x10000, 0x2000000,
                            0xFFFFFFFF, rng.getrandbits(32), interesting(rng, old)]) & 0xFFFFFFFF
        else:
            v = interesting(rng, old)
        struct.pack_into('<I', k, o, v)
        desc = '%s=0x%x' % (kind, v)
    elif kind == 'second_phdr':
        phoff, = struct.unpack_from('<I', k, 28)
        first = bytearray(k[phoff:phoff + 32])
        _, p_off, p_vaddr, p_paddr, p_filesz, p_memsz = struct.unpack_from('<6I', first)
        addr = rng.choice([p_paddr, p_paddr + p_memsz - 1, p_paddr + p_memsz, p_paddr - 0x1000,
                           p_paddr + 0x10000, interesting(rng, p_paddr)]) & 0xFFFFFFFF
        memsz = rng.choice([p_memsz, 0x1000, 1, 0]) if rng.random() < 0.8 else rng.getrandbits(32)
        filesz = rng.choice([0, p_filesz, 0x100])
        if rng.random() < 0.8:
            filesz = min(memsz, filesz)
        struct.pack_into('<6I', first, 0, 1, p_off, addr, addr, filesz, memsz)
        k[phoff + 32:phoff + 64] = first
        struct.pack_into('<H', k, 44, 2)
        desc = 'second PT_LOAD at 0x%x, filesz 0x%x, memsz 0x%x' % (addr, filesz, memsz)
    elif kind in kfields:
        o = hdr + kfields[kind]
        v = interesting(rng, struct.unpack_from('<I', k, o)[0])
        struct.pack_into('<I', k, o, v)
        desc = '%s=0x%x' % (kind, v)
    elif kind == 'flags':
        old = struct.unpack_from('<I', k, hdr + 4)[0]
        v = old ^ rng.choice([1, 2, 4, 8, 0x8000, MB_KLUDGE, 1 << rng.randrange(32)])
        struct.pack_into('<I', k, hdr + 4, v)
        fix_checksum(k, hdr)
        desc = 'flags=0x%x (checksum fixed)' % v
    elif kind == 'checksum':
        o = hdr + 8
        v = struct.unpack_from('<I', k, o)[0] ^ (1 << rng.randrange(32))
        struct.pack_into('<I', k, o, v)
        desc = 'checksum=0x%x' % v
    else:
        n = rng.randrange(1, 17)
        offs = sorted(rng.randrange(0, min(len(k), MB_SEARCH)) for _ in range(n))
        for o in offs:
            k[o] = rng.getrandbits(8)
        if rng.random() < 0.5 and hdr >= 0:
            fix_checksum(k, hdr) if k[hdr:hdr + 4] == struct.pack('<I', MB_MAGIC) else None
        desc = 'random bytes at %s' % ','.join('0x%x' % o for o in offs)
    return bytes(k), kind + ': ' + desc


def mutate_mb2(rng, base):
    """A Multiboot2 mutation of the Multiboot2 probe: (mutated bytes, description)."""
    k = bytearray(base)
    hdr = k.find(struct.pack('<I', MB2_MAGIC))
    tags = []
    t = hdr + 16
    while True:
        typ, _, size = struct.unpack_from('<HHI', k, t)
        if typ == 0:
            break
        tags.append(t)
        t += (size + 7) & ~7
    kind = rng.choice(['arch', 'length', 'checksum', 'tag_type', 'tag_flags', 'tag_size', 'request',
                       'console', 'e_entry', 'p_paddr', 'p_memsz', 'random'])
    fix = True
    if kind == 'arch':
        v = rng.choice([1, 2, 4, 0xFFFFFFFF, rng.getrandbits(32)])
        struct.pack_into('<I', k, hdr + 4, v)
    elif kind == 'length':
        old = struct.unpack_from('<I', k, hdr + 8)[0]
        v = rng.choice([0, 8, 16, 24, old - 8, old - 4, old + 4, old + 8, 0x8000, 0x7FF8,
                        rng.getrandbits(32)]) & 0xFFFFFFFF
        struct.pack_into('<I', k, hdr + 8, v)
    elif kind == 'checksum':
        v = struct.unpack_from('<I', k, hdr + 12)[0] ^ (1 << rng.randrange(32))
        struct.pack_into('<I', k, hdr + 12, v)
        fix = False
    elif kind == 'tag_type':
        t = rng.choice(tags)
        v = rng.choice(list(range(0, 12)) + [21, 0x8000, 0xFFFF])
        struct.pack_into('<H', k, t, v)
    elif kind == 'tag_flags':
        t = rng.choice(tags)
        v = struct.unpack_from('<H', k, t + 2)[0] ^ rng.choice([1, 2, 0x8000])
        struct.pack_into('<H', k, t + 2, v)
    elif kind == 'tag_size':
        t = rng.choice(tags)
        v = rng.choice([0, 4, 7, 8, 9, 12, 16, 24, 64, 0x1000, 0xFFFFFFFF, rng.getrandbits(32)])
        struct.pack_into('<I', k, t + 4, v)
    elif kind == 'request':
        t = next(t for t in tags if struct.unpack_from('<H', k, t)[0] == 1)
        size = struct.unpack_from('<I', k, t + 4)[0]
        o = t + 8 + 4 * rng.randrange((size - 8) // 4)
        v = rng.choice(list(range(0, 23)) + [0xFFFFFFFF])
        struct.pack_into('<I', k, o, v)
    elif kind == 'console':
        t = next(t for t in tags if struct.unpack_from('<H', k, t)[0] == 4)
        v = rng.choice([0, 1, 2, 3, 0xFFFFFFFF])
        struct.pack_into('<I', k, t + 8, v)
    elif kind in ('e_entry', 'p_paddr', 'p_memsz'):
        phoff = struct.unpack_from('<I', k, 28)[0]
        o = {'e_entry': 24, 'p_paddr': phoff + 12, 'p_memsz': phoff + 20}[kind]
        v = interesting(rng, struct.unpack_from('<I', k, o)[0])
        struct.pack_into('<I', k, o, v)
        fix = False
    else:
        n = rng.randrange(1, 9)
        length = struct.unpack_from('<I', k, hdr + 8)[0]
        offs = sorted(rng.randrange(hdr, hdr + length) for _ in range(n))
        for o in offs:
            k[o] = rng.getrandbits(8)
        v = ','.join('0x%x' % o for o in offs)
        fix = rng.random() < 0.7
    if fix and struct.unpack_from('<I', k, hdr)[0] == MB2_MAGIC:
        m, a, l = struct.unpack_from('<III', k, hdr)
        struct.pack_into('<I', k, hdr + 12, -(m + a + l) & 0xFFFFFFFF)
    return bytes(k), 'mb2 %s: %s%s' % (kind, v if isinstance(v, str) else '0x%x' % v,
                                       ' (checksum fixed)' if fix else '')


# --- booting -------------------------------------------------------------------------------

def loader_defs(build):
    defs = {}
    for line in open(os.path.join(build, 'inc', 'loader.inc')):
        m = re.match(r'%define (\w+) (\S+)', line)
        if m:
            try:
                defs[m.group(1)] = int(m.group(2), 0)
            except ValueError:
                pass
    return defs


def boot(qemu, img, log, handoff_secs):
    """Boot img; returns (outcome, rc, serial text)."""
    if os.path.exists(log):
        os.remove(log)
    p = subprocess.Popen([qemu, '-display', 'none', '-no-reboot', '-monitor', 'none', '-net', 'none',
                          '-m', str(MEM_MB), '-serial', 'file:' + log,
                          '-device', 'isa-debug-exit,iobase=0xf4,iosize=4',
                          '-drive', 'file=%s,format=raw,if=ide' % img],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.time()
    handoff = err = None
    text = ''
    while True:
        rc = p.poll()
        try:
            text = open(log, 'rb').read().decode('latin-1')
        except OSError:
            text = ''
        now = time.time()
        if rc is not None:
            break
        if err is None and re.search(r'^boot: error: .*\n', text, re.M):
            err = now
        if handoff is None and 'boot: starting kernel' in text:
            handoff = now
        if err is not None and now - err > AFTER_ERROR_SECS:
            break
        if handoff is not None and now - handoff > handoff_secs:
            break
        if handoff is None and err is None and now - start > BOOT_SECS:
            break
        time.sleep(0.02)
    if rc is None:
        p.kill()
        p.wait()
    starts = text.count('boot: stage2')
    if starts > 1:
        return 'restarted', rc, text
    if rc == 33:
        return 'booted', rc, text
    if err is not None and rc is None and 'boot: starting kernel' not in text:
        return 'refused', rc, text
    if 'boot: starting kernel' in text:
        return 'kernel-failed', rc, text
    return ('reset' if rc is not None else 'hang'), rc, text


def cross_check(checker, k, path, outcome, text, protocol=''):
    """The host checker's verdict on k against stage 2's outcome: (agrees, what it said)."""
    open(path, 'wb').write(k)
    r = subprocess.run([sys.executable, checker, '--protocol', protocol, path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    said = r.stdout.decode(errors='replace').strip().replace(path, 'KERNEL')
    if outcome != 'refused':
        return r.returncode == 0, 'the checker accepts it (it said: %s)' % said
    m = re.search(r'^boot: error: (.*?)\r?$', text, re.M)
    why = m.group(1) if m else ''
    if 'usable RAM' in why or 'no room for the image' in why:
        return True, ''
    head = re.split(r'[0-9:]', why)[0].strip()
    return r.returncode != 0 and head in said, 'the checker refuses it as stage 2 did (%r; it said: %s)' % (why, said)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--count', type=int, default=0)
    ap.add_argument('--seconds', type=float, default=0)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--cases', default='', help='only these case numbers (a failure reproduced)')
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--out', default=None)
    ap.add_argument('--qemu', default=os.environ.get('QEMU', 'qemu-system-i386'))
    ap.add_argument('--checker', default=None, help='host checker to cross-check (tools/mbcheck.py)')
    args = ap.parse_args()
    only = [int(c) for c in args.cases.split(',') if c]
    if only:
        args.count = len(only)
    if not args.count and not args.seconds:
        args.count = 100
    out = args.out or os.path.join(args.build, 'fuzz-loader')
    os.makedirs(out, exist_ok=True)
    tk = os.path.join(args.build, 'boot', 'tk')
    bases = {'elf': open(os.path.join(tk, 'entry.elf'), 'rb').read(),
             'kludge': open(os.path.join(tk, 'kludge.bin'), 'rb').read(),
             'mb2': open(os.path.join(tk, 'mb2probe.elf'), 'rb').read()}
    protocols = {'elf': 'multiboot', 'kludge': 'multiboot', 'mb2': 'multiboot2'}
    models = {'elf': model_kernel, 'kludge': model_kernel, 'mb2': model_kernel_mb2}
    defs = loader_defs(args.build)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    templates = {}
    for kl, base in bases.items():
        kfile = os.path.join(out, 'base-%s.kernel' % kl)
        open(kfile, 'wb').write(base)
        img = kfile + '.img'
        subprocess.run(['make', '-s', '-C', root, 'image', 'IMAGE=' + img, 'KERNEL=' + kfile,
                        'BUILD=' + args.build], check=True, stdout=subprocess.DEVNULL)
        d = bytearray(open(img, 'rb').read())
        cfg = defs['LOADER_PART_START'] * 512
        klba, kbytes = struct.unpack_from('<II', d, cfg + defs['CFG_KERNEL_LBA_OFF'])
        assert bytes(d[klba * 512:klba * 512 + kbytes]) == base, 'kernel not where the config says'
        templates[kl] = (d, cfg, klba)
        if 'CFG_KERNEL_CRC_OFF' in defs:
            assert struct.unpack_from('<I', d, cfg + defs['CFG_KERNEL_CRC_OFF'])[0] == \
                zlib.crc32(base), 'the recipe\'s kernel CRC-32'
    originals = {}
    for kl, base in bases.items():
        verdict = models[kl](base)
        assert verdict[0] == 'load', 'the unmutated probe kernel must be loadable: %r' % (verdict,)
        originals[kl] = loaded_image(base, verdict[1], verdict[2])

    counts = {}
    failures = []
    lock = threading.Lock()
    deadline = time.time() + args.seconds if args.seconds else None

    def run_case(i, worker):
        rng = random.Random(args.seed * 1000003 + i)
        if i % 3 == 2:
            kl = 'mb2'
            k, desc = mutate_mb2(rng, bases[kl])
        else:
            kl = 'kludge' if rng.random() < 0.3 else 'elf'
            k, desc = mutate(rng, bases[kl], kl == 'kludge')
        verdict = models[kl](k)
        d, cfg, klba = templates[kl]
        img = os.path.join(out, 'w%d.img' % worker)
        d = bytearray(d)
        d[klba * 512:klba * 512 + len(k)] = k
        if 'CFG_KERNEL_CRC_OFF' in defs:   # what make image records: the whole file's CRC-32
            struct.pack_into('<I', d, cfg + defs['CFG_KERNEL_CRC_OFF'], zlib.crc32(k))
        if 'CFG_S1_SUM_OFF' in defs:   # the config block changed: rebalance stage 1's sum
            n, = struct.unpack_from('<H', d, defs['LOADER_S1_COUNT_OFF'])
            struct.pack_into('<H', d, cfg + defs['CFG_S1_SUM_OFF'], 0)
            s1sum = sum(struct.unpack_from('<%dH' % (n * 256), d, cfg))
            struct.pack_into('<H', d, cfg + defs['CFG_S1_SUM_OFF'], (defs['LOADER_S1_SUM'] - s1sum) & 0xFFFF)
        open(img, 'wb').write(d)
        same = verdict[0] == 'load' and loaded_image(k, verdict[1], verdict[2]) == originals[kl]
        outcome, rc, text = boot(args.qemu, img, img + '.log',
                                 HANDOFF_SECS_MUST_BOOT if same else HANDOFF_SECS_MAY_FAIL)
        if verdict[0] == 'refuse':
            ok = outcome == 'refused'
            want = 'refused (%s)' % verdict[1]
        elif verdict[0] == 'any':
            ok = outcome in ('refused', 'booted', 'kernel-failed')
            want = 'refused or handed over (%s)' % verdict[1]
        else:
            if same:
                ok, want = outcome == 'booted', 'booted (loaded image = the original)'
            else:
                ok, want = outcome in ('booted', 'kernel-failed'), 'handed over (image differs)'
        if ok and args.checker:
            ok, want = cross_check(args.checker, k, img + '.kernel', outcome, text, protocols[kl])
        with lock:
            counts[outcome] = counts.get(outcome, 0) + 1
            if not ok:
                keep = os.path.join(out, 'fail-%d-%d.kernel' % (args.seed, i))
                open(keep, 'wb').write(k)
                tail = [l for l in text.replace('\r', '').split('\n') if l][-3:]
                failures.append('seed %d case %d (%s, %s): %s, want %s; QEMU status %s; %s'
                                % (args.seed, i, kl, desc, outcome, want,
                                   rc, ' | '.join(tail)))

    def worker(w):
        while True:
            with lock:
                i = state['next']
                if (args.count and i >= args.count) or (deadline and time.time() > deadline):
                    return
                state['next'] += 1
            run_case(only[i] if only else i, w)

    state = {'next': 0}
    with ThreadPoolExecutor(args.jobs) as ex:
        for f in [ex.submit(worker, w) for w in range(args.jobs)]:
            f.result()
    total = sum(counts.values())
    print('fuzz_loader: seed %d, %d kernels: %s' % (args.seed, total, ', '.join(
        '%s %d' % (k, v) for k, v in sorted(counts.items()))))
    for f in failures:
        print('FAIL ' + f)
    print('fuzz_loader: %d passed, %d failed' % (total - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
