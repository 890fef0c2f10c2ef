/*
 * loader.h - the boot loader's real-mode memory layout and its on-disk layout, named once.
 *
 * Read by boot/stage1.asm and boot/stage2.asm (through build/inc/loader.inc, see mk/common.mk),
 * by disk.img.mk (which patches the MBR fields and writes the config block at build time) and by
 * any C test that wants to look at an image. Plain #defines only.
 *
 * Disk image (LBA = 512-byte sectors):
 *   LBA 0                   MBR: boot/stage1.asm, with the patch fields below and the partition table
 *   LBA 1 .. PART_START-1   empty (1 MiB alignment of the partition, as partitioning tools do)
 *   PART_START              config block (struct below): kernel position, size, CRC-32, command
 *                           line, the image's end, the word that balances stage 1's sum
 *   PART_START+1 ..         stage 2 (boot/stage2.asm), STAGE2 sectors
 *   then                    the kernel file exactly as given (any Multiboot v1 kernel), padded to a sector
 *   then (MODULES given)    the module block (LOADER_MODBLK_SECTORS: a table of LBA, size, string
 *                           offset and CRC-32 per module, then the strings), then each module file,
 *                           padded to a sector
 *   the image is padded to a whole MiB; partition 1 (active) runs from PART_START to the end.
 *
 * Real-mode memory (physical; all of it below 1 MiB, where no kernel we accept is loaded):
 *   0x00000-0x004FF  IVT and BIOS data area (never touched)
 *   0x00500-0x005FF  stage 1 variables: the boot drive (LOADER_BOOT_DRIVE), CHS geometry
 *   0x00600-0x05FFF  stack (grows down from 0x6000)
 *   0x06000-0x06FFF  stage 2's variables (its .bss, zeroed by stage 2 at entry)
 *   0x07C00-0x07DFF  stage 1 (the MBR as the BIOS loaded it)
 *   0x07E00-0x07FFF  config block (read by stage 1 together with stage 2)
 *   0x08000-0x0FFFF  stage 2 code and data (at most 32 KiB: the build checks it)
 *   0x10000-0x1FFFF  bounce buffer: 127 sectors per read, never crossing a 64 KiB boundary
 *   0x20000-0x20FFF  Multiboot information structure (handed to the kernel in EBX)
 *   0x21000-0x21FFF  Multiboot memory map (up to 170 entries of 24 bytes)
 *   0x22000-0x221FF  kernel command line (copied from the config block)
 *   0x22200-0x222FF  boot loader name
 *   0x22300-0x2231F  the one fixed E820 buffer (every INT 15h E820h call uses it)
 *   0x22400-0x224FF  Multiboot module list (up to 16 entries of 16 bytes; mods_addr)
 *   0x23000-0x237FF  module block as read from the disk: its table, and the module strings the
 *                    module list points at
 *   0x24000-0x2BFFF  Multiboot2 boot information (handed to a Multiboot2 kernel in EBX; built from
 *                    the version 1 structure above, which such a kernel is not told about)
 *   0x30000-0x3FFFF  kernel head: the first 128 sectors of the kernel file (Multiboot header, ELF
 *                    header and program headers are read from here)
 *   0x40000-0x4A3FF  CRC-32 lookup tables (41 KiB: six of 11- or 10-bit fields, one byte-wise;
 *                    built by stage 2 at run time, layout in boot/crc32_update.inc)
 * Stack and variables live in pages that hold no code: a store into a 4 KiB page that holds code
 * costs a self-modifying-code check (Intel 64 and IA-32 Optimization Reference Manual, "Mixing
 * Code and Data": keep writable data off code pages), and under QEMU's TCG every such store takes
 * the slow path that looks for translated blocks to throw away (docs/boot.md has the
 * measurements).
 */
#ifndef INCLUDE_LOADER_H
#define INCLUDE_LOADER_H

#define SECTOR_SIZE  512
#define SECTOR_SHIFT 9

/* --- memory -------------------------------------------------------------------------------- */
#define LOADER_BOOT_DRIVE     0x0500 /* byte: stage 1 leaves the BIOS boot drive here */
#define LOADER_STACK_TOP      0x6000 /* below every page that holds loader code */
#define LOADER_VARS_ADDR      0x6000 /* stage 2's .bss: one page, no code in it */
#define LOADER_VARS_MAX       0x1000
#define LOADER_MBR_ADDR       0x7C00
#define LOADER_CONFIG_ADDR    0x7E00
#define LOADER_STAGE2_ADDR    0x8000
#define LOADER_STAGE2_MAX     0x8000 /* bytes: stage 2 must end below the bounce buffer */
#define LOADER_BOUNCE_ADDR    0x10000
#define LOADER_BOUNCE_SEG     0x1000
#define LOADER_BOUNCE_SECTORS 127    /* Phoenix EDD 3.0 limit per AH=42h call */
#define LOADER_INFO_SEG       0x2000 /* segment of everything handed to the kernel (below) */
#define LOADER_INFO_BASE      0x20000
#define LOADER_MBI_ADDR       0x20000
#define LOADER_MMAP_ADDR      0x21000
#define LOADER_MMAP_MAX       170 /* entries that fit in 0x21000-0x21FFF */
#define LOADER_CMDLINE_ADDR   0x22000
#define LOADER_CMDLINE_MAX    256 /* bytes including the terminating NUL */
#define LOADER_NAME_ADDR      0x22200
#define LOADER_E820_BUF       0x22300
#define LOADER_MODS_ADDR      0x22400 /* struct multiboot_module[LOADER_MODS_MAX] */
#define LOADER_MODS_MAX       16
#define LOADER_MODBLK_ADDR    0x23000 /* the module block, LOADER_MODBLK_SECTORS long */
#define LOADER_MODBLK_SEG     0x2300
#define LOADER_MODBLK_SECTORS 4
#define MODBLK_ENTRY_SIZE     16 /* per module: dword LBA, bytes, string offset, CRC-32 */
#define MODBLK_E_LBA          0
#define MODBLK_E_BYTES        4
#define MODBLK_E_STRING       8
#define MODBLK_E_CRC          12
#define MODBLK_STRINGS_OFF    256     /* the strings start here: after LOADER_MODS_MAX entries */
#define LOADER_MB2_ADDR       0x24000 /* Multiboot2 boot information, 8-byte aligned */
#define LOADER_MB2_MAX        0x8000  /* bytes, up to 0x2BFFF */
#define LOADER_HEAD_ADDR      0x30000
#define LOADER_HEAD_SEG       0x3000
#define LOADER_HEAD_SECTORS   128
#define LOADER_CRC_TABLE      0x40000 /* CRC-32 tables (boot/crc.inc builds them) */
#define LOADER_CRC_SEG        0x4000
#define LOADER_CRC_TABLE_MAX  0x10000  /* bytes: one real-mode segment, below LOADER_LOW_END */
#define LOADER_LOW_END        0x100000 /* kernels must load at or above 1 MiB */
#define LOADER_A20_PROBE      0x0510   /* word compared with its alias 1 MiB higher (A20 test) */
#define LOADER_NAME           "ourboot 0.1" /* Multiboot boot_loader_name */

/* --- MBR patch fields (stage 1), written by disk.img.mk ------------------------------------- */
/* Stage 1's code must end before LOADER_S1_FIELDS; 0x1B8-0x1FF is the disk signature, the
 * partition table and 0x55AA: many BIOSes boot a USB stick only when it carries an MBR partition
 * table with one active entry (docs/boot.md names the reports). */
/* The config block is the first sector of partition 1; stage 2 follows it. */
#define LOADER_S1_FIELDS    0x1B4
#define LOADER_S1_COUNT_OFF 0x1B4 /* word: sectors to read: config block + stage 2 */
#define LOADER_S1_FLAGS_OFF 0x1B6 /* byte: LOADER_S1_FORCE_CHS (testing the CHS path) */
#define LOADER_S1_FORCE_CHS 0x01
/* Stage 1 checks that the 16-bit words of the sectors it reads (config block and stage 2) add
 * up to this; not 0, so a read that gave zeros fails. disk.img.mk writes CFG_S1_SUM_OFF. */
#define LOADER_S1_SUM       0x3153 /* "S1" little endian */
#define MBR_DISK_SIG_OFF    0x1B8
#define MBR_PART_TABLE_OFF  0x1BE
#define MBR_PART_ENTRY_SIZE 16
#define MBR_SIG_OFF         0x1FE
#define MBR_BPB_END         0x3E /* a FAT12/16 BPB (with EBPB) fills 0x03-0x3D; kept zero */
#define MBR_PART_ACTIVE     0x80
#define MBR_PART_TYPE       0xDA /* "non-FS data": nothing mounts it by accident */
#define LOADER_PART_START   2048 /* 1 MiB aligned */
#define LOADER_IMAGE_ALIGN  2048 /* sectors: the image is a whole number of MiB */

/* --- config block (one sector at LOADER_CONFIG_ADDR), written by disk.img.mk ---------------- */
#define CFG_MAGIC            0x3143424F /* "OBC1" little endian */
#define CFG_MAGIC_OFF        0
#define CFG_KERNEL_LBA_OFF   4    /* dword: absolute LBA of the kernel file */
#define CFG_KERNEL_BYTES_OFF 8    /* dword: size of the kernel file; 0 = no kernel */
#define CFG_FLAGS_OFF        12   /* dword: CFG_FORCE_* testing knobs */
#define CFG_CMDLINE_OFF      16   /* NUL-terminated, at most LOADER_CMDLINE_MAX bytes */
#define CFG_MODS_LBA_OFF     272  /* dword: LBA of the module block (0: no modules) */
#define CFG_MODS_COUNT_OFF   276  /* dword: number of modules (at most LOADER_MODS_MAX) */
#define CFG_IMAGE_END_OFF    280  /* dword: LBA after the last sector the boot reads */
#define CFG_KERNEL_CRC_OFF   284  /* dword: CRC-32 of the whole kernel file */
#define CFG_S1_SUM_OFF       288  /* word: balances stage 1's sum (LOADER_S1_SUM); even offset */
#define CFG_FORCE_E801       0x01 /* skip E820 (tests the E801 fallback) */
#define CFG_FORCE_88         0x02 /* skip E820 and E801 (tests the AH=88h fallback) */
#define CFG_POISON \
	0x04 /* fill each segment with 0xCC before loading it (tests
                                           that bss is zeroed: an emulator's RAM starts zeroed) */
#define LOADER_POISON_BYTE 0xCC
#define CFG_A20_START_OFF  0x08 /* turn A20 off first (port 92h), then enable it: tests */
#define CFG_A20_NO_BIOS    0x10 /*   ... without INT 15h 2401h */
#define CFG_A20_NO_PORT92  0x20 /*   ... without port 92h (leaves the KBC) */
#define CFG_SIZE_BY_READ   0x40 /* skip INT 13h AH=48h: tests the disk-size read probe */
#define CFG_MULTIBOOT2 \
	0x80 /* boot through the kernel's Multiboot2 header, not its
                                           version 1 header (make image PROTOCOL=, docs/boot.md) */

/* --- the Multiboot information we hand over ------------------------------------------------- */
#define LOADER_MBI_FLAGS \
	0x24F                     /* MB_INFO_MEMORY|BOOTDEV|CMDLINE|MODS|MEM_MAP|LOADER_NAME
                                           (QEMU's -kernel sets the same; MODS with mods_count 0
                                           when there are none) */
#define LOADER_MMAP_ENTRY_SIZE 20 /* the size field: a 20-byte E820 entry, as QEMU and GRUB */
#define LOADER_BOOTDEV_LOW     0x0000FFFF /* part1 = 0 (our partition), part2 = part3 = unused */

/* --- ELF32 facts (System V gABI, i386 supplement) ------------------------------------------- */
#define ELF_MAGIC       0x464C457F /* 0x7F 'E' 'L' 'F' little endian */
#define ELF_CLASS32     1
#define ELF_DATA2LSB    1
#define ELF_ET_EXEC     2
#define ELF_EM_386      3
#define ELF_PT_LOAD     1
#define ELF_EI_CLASS    4
#define ELF_EI_DATA     5
#define ELF_E_TYPE      16
#define ELF_E_MACHINE   18
#define ELF_E_ENTRY     24
#define ELF_E_PHOFF     28
#define ELF_E_SHOFF     32
#define ELF_E_PHENTSIZE 42
#define ELF_E_PHNUM     44
#define ELF_E_SHENTSIZE 46
#define ELF_E_SHNUM     48
#define ELF_E_SHSTRNDX  50
#define ELF_EHDR_SIZE   52
#define ELF_PHDR_SIZE   32
#define ELF_P_TYPE      0
#define ELF_P_OFFSET    4
#define ELF_P_VADDR     8
#define ELF_P_PADDR     12
#define ELF_P_FILESZ    16
#define ELF_P_MEMSZ     20

#endif
