/*
 * crc32.h - the CRC-32 the loader checks the kernel and modules with.
 *
 * IEEE 802.3's CRC-32, the one zlib's crc32, Python's zlib.crc32 and `cksum -a crc32b` compute:
 * generator polynomial 0x04C11DB7 (x^32 + x^26 + x^23 + ... + x + 1) processed least significant
 * bit first, so its 32 low coefficients bit-reversed, register preset to all ones, result
 * inverted (IEEE 802.3 3.2.9, the FCS field; zlib's crc32.c). boot/crc.inc builds its tables from the
 * reflected polynomial; tools/crc32_fold.py derives from it the PCLMULQDQ folding constants of
 * boot/crc32_update.inc.
 */
#ifndef INCLUDE_CRC32_H
#define INCLUDE_CRC32_H

#define CRC32_POLY_REFLECTED 0xEDB88320 /* x^0 coefficient in bit 31 ... x^31 in bit 0 */
#define CRC32_PRESET         0xFFFFFFFF /* initial register, and the final XOR */

#endif
