#!/usr/bin/env python3
"""crc32_fold.py - derive the PCLMULQDQ folding constants of the loader's CRC-32, and prove them.

boot/crc32_update.inc computes the CRC-32 of include/crc32.h (reflected polynomial, zlib's CRC) by
carry-less multiplication when the CPU has PCLMULQDQ: Gopal et al., "Fast CRC Computation for
Generic Polynomials Using PCLMULQDQ Instruction" (Intel, 2009), sections 3-4. Its constants are
powers of x modulo the polynomial P, and Barrett's quotient floor(x^64 / P). This script computes
them from the polynomial in include/crc32.h, then runs a bit-exact model of the routine's
instruction sequence (PCLMULQDQ, PSRLDQ, PSLLDQ, PXOR and MOVD on 128-bit values, step for step
as boot/crc32_update.inc does them) over random data of random lengths and compares every result with
zlib.crc32. Only when all agree does it write the NASM include; otherwise it exits 1 and the
build stops.

    crc32_fold.py include/crc32.h OUT.inc

Bit order (the paper's "bit-reflected" case). A 128-bit register loaded from memory holds the
data with its first bit in bit 0: bit k stands for x^(127-k), so the low quadword is the high-
degree half. PCLMULQDQ of two such quadwords gives the product times x (the reflected product
is one bit short of 128). A constant K of degree <= 32 is stored with x^(32-j) in bit j (33 bits,
below bit 33: QEMU's software PCLMULQDQ loops over the source operand's bits, so constants go in
the source operand); multiplying the quadword at bits 0-63 by it multiplies its polynomial by
K / x^32, the quadword at bits 64-127 by K * x^32. So folding a register D bits forward uses
x^(D+32) mod P for the low quadword and x^(D-32) mod P for the high one.
"""
import random
import re
import sys
import zlib

MASK64 = (1 << 64) - 1
MASK128 = (1 << 128) - 1


def read_poly(header):
    """The reflected polynomial of include/crc32.h."""
    text = open(header).read()
    m = re.search(r'#define\s+CRC32_POLY_REFLECTED\s+(0x[0-9A-Fa-f]+)', text)
    if not m:
        sys.exit('crc32_fold.py: no CRC32_POLY_REFLECTED in %s' % header)
    return int(m.group(1), 16)


def reflect(v, bits):
    return int(format(v, '0%db' % bits)[::-1], 2)


def gf2_mod(a, p):
    """a mod p, polynomials over GF(2) with bit m = coefficient of x^m."""
    dp = p.bit_length() - 1
    while a.bit_length() - 1 >= dp:
        a ^= p << (a.bit_length() - 1 - dp)
    return a


def gf2_div(a, p):
    q = 0
    dp = p.bit_length() - 1
    while a.bit_length() - 1 >= dp:
        s = a.bit_length() - 1 - dp
        q |= 1 << s
        a ^= p << s
    return q


def stored(k):
    """A polynomial of degree <= 32 as the routine stores it: x^(32-j) in bit j."""
    assert k.bit_length() <= 33
    return reflect(k, 33)


def constants(poly_reflected):
    p = (1 << 32) | reflect(poly_reflected, 32)    # P with x^32, bit m = x^m
    xmod = lambda n: stored(gf2_mod(1 << n, p))
    return {
        'CRC_FOLD512_LO': xmod(512 + 32),   # 4 x 128 bits ahead: the low quadword
        'CRC_FOLD512_HI': xmod(512 - 32),   # and the high one
        'CRC_FOLD128_LO': xmod(128 + 32),   # 128 bits ahead
        'CRC_FOLD128_HI': xmod(128 - 32),
        'CRC_REDUCE96': xmod(96),           # 128 -> 96 bits (then x^32 appended)
        'CRC_REDUCE64': xmod(64),           # 96 -> 64 bits
        'CRC_BARRETT_MU': stored(gf2_div(1 << 64, p)),
        'CRC_BARRETT_POLY': stored(p),
    }


# --- the model: one function per instruction, registers as 128-bit integers ------------------
def clmul(a, b, imm):
    """PCLMULQDQ a, b, imm (Intel SDM Vol. 2B): a's quadword imm[0] times b's imm[4]."""
    x = (a >> (64 * (imm & 1))) & MASK64
    y = (b >> (64 * ((imm >> 4) & 1))) & MASK64
    r = 0
    while y:
        if y & 1:
            r ^= x
        x <<= 1
        y >>= 1
    return r & MASK128


def psrldq(a, n):
    return a >> (8 * n)


def pslldq(a, n):
    return (a << (8 * n)) & MASK128


def low32(a):
    """PSLLDQ 12, PSRLDQ 12: only bits 0-31 kept."""
    return psrldq(pslldq(a, 12), 12)


def pair(lo, hi):
    return lo | (hi << 64)


def load(data, off):
    return int.from_bytes(data[off:off + 16], 'little')


def model_fold(k, crc, data):
    """The register (not inverted) after the 16-byte blocks of data; len(data) >= 64.
    Returns (register, bytes consumed): the caller goes on bytewise with the rest."""
    k512 = pair(k['CRC_FOLD512_LO'], k['CRC_FOLD512_HI'])
    k128 = pair(k['CRC_FOLD128_LO'], k['CRC_FOLD128_HI'])
    kred = pair(k['CRC_REDUCE96'], k['CRC_REDUCE64'])
    kbar = pair(k['CRC_BARRETT_MU'], k['CRC_BARRETT_POLY'])
    end = len(data) & ~15
    x = [load(data, 16 * i) for i in range(4)]
    x[0] ^= crc                                     # MOVD, PXOR: the register on the first bytes
    p = 64
    while end - p >= 64:
        for i in range(4):
            x[i] = clmul(x[i], k512, 0x00) ^ clmul(x[i], k512, 0x11) ^ load(data, p + 16 * i)
        p += 64
    acc = x[0]
    for i in range(1, 4):
        acc = clmul(acc, k128, 0x00) ^ clmul(acc, k128, 0x11) ^ x[i]
    while end - p >= 16:
        acc = clmul(acc, k128, 0x00) ^ clmul(acc, k128, 0x11) ^ load(data, p)
        p += 16
    z = clmul(acc, kred, 0x00) ^ psrldq(acc, 8)     # 128 -> 96 bits, times x^32
    z = clmul(low32(z), kred, 0x10) ^ psrldq(z, 4)  # 96 -> 64: quadword 0
    q = low32(clmul(low32(z), kbar, 0x00))          # Barrett: quotient
    r = clmul(q, kbar, 0x10) ^ z                    # remainder in bits 32-63
    return (psrldq(r, 4) & 0xFFFFFFFF), p


def model_bytewise(poly, crc, data):
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (poly if crc & 1 else 0)
    return crc


def model_crc(poly, k, data):
    crc = 0xFFFFFFFF
    if len(data) >= 64:
        crc, used = model_fold(k, crc, data)
        data = data[used:]
    return model_bytewise(poly, crc, data) ^ 0xFFFFFFFF


def prove(poly, k):
    rng = random.Random(1)
    lengths = list(range(0, 200)) + [rng.randrange(200, 5000) for _ in range(300)]
    for n in lengths:
        data = bytes(rng.randrange(256) for _ in range(n))
        got, want = model_crc(poly, k, data), zlib.crc32(data)
        if got != want:
            sys.exit('crc32_fold.py: the folding model gives 0x%08x for %d bytes, zlib 0x%08x: '
                     'constants or model wrong, include not written' % (got, n, want))


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: crc32_fold.py include/crc32.h OUT.inc')
    poly = read_poly(sys.argv[1])
    k = constants(poly)
    prove(poly, k)
    with open(sys.argv[2], 'w') as out:
        out.write('; %s - generated by tools/crc32_fold.py from %s: do not edit.\n'
                  '; PCLMULQDQ constants of the CRC-32 (boot/crc32_update.inc), x^(32-j) in bit j;\n'
                  '; checked against zlib.crc32 through a model of the routine before writing.\n'
                  % (sys.argv[2].split('/')[-1], sys.argv[1]))
        for name, value in k.items():
            out.write('%-20s equ 0x%09X\n' % (name, value))


if __name__ == '__main__':
    main()
