/*
 * multiboot2.h - the Multiboot2 facts, named once for the loader (NASM), the kernel and the
 * test kernels.
 *
 * Source: "Multiboot2 Specification version 2.0" (GNU, 2016): section 3.1 (the OS image's
 * header and its tags), 3.3 (i386 machine state) and 3.6 (the boot information's tags). Where
 * the specification and GRUB 2.06 (the reference implementation) disagree on a layout, the
 * layout GRUB writes is the one kernels read, and is noted here. Same rules as multiboot.h: the
 * build turns every object-like #define into a NASM %define, so plain numbers only.
 */
#ifndef INCLUDE_MULTIBOOT2_H
#define INCLUDE_MULTIBOOT2_H

/* 3.1.1: the header lives 8-byte aligned within the first 32768 bytes of the image; magic +
 * architecture + header_length + checksum = 0 mod 2^32; header_length counts the tags too. */
#define MB2_HEADER_MAGIC        0xE85250D6
#define MB2_HEADER_SEARCH_LIMIT 32768
#define MB2_HEADER_ALIGN        8
#define MB2_ARCH_I386           0
#define MB2_HDR_MAGIC           0
#define MB2_HDR_ARCH            4
#define MB2_HDR_LENGTH          8
#define MB2_HDR_CHECKSUM        12
#define MB2_HDR_SIZE            16 /* the fixed part; the tags follow, 8-byte aligned */

/* 3.1.3: every header tag: u16 type, u16 flags (bit 0: optional), u32 size (without padding). */
#define MB2_HTAG_TYPE     0
#define MB2_HTAG_FLAGS    2
#define MB2_HTAG_SIZE     4
#define MB2_HTAG_MIN_SIZE 8
#define MB2_HTAG_OPTIONAL 1
#define MB2_TAG_ALIGN     8 /* header tags and boot information tags alike */

/* 3.1.3-3.1.13: header tag types and their fields (offsets from the tag's start). */
#define MB2_HTAG_END           0
#define MB2_HTAG_INFO_REQUEST  1 /* u32 mbi_tag_types[] from offset 8 */
#define MB2_HTAG_ADDRESS       2
#define MB2_HTAG_ENTRY         3
#define MB2_HTAG_CONSOLE       4
#define MB2_HTAG_FRAMEBUFFER   5 /* u32 width, height, depth: a wish, not an order */
#define MB2_HTAG_MODULE_ALIGN  6
#define MB2_HTAG_EFI_BS        7
#define MB2_HTAG_ENTRY_EFI32   8
#define MB2_HTAG_ENTRY_EFI64   9
#define MB2_HTAG_RELOCATABLE   10
#define MB2_HTAG_REQUESTS      8
#define MB2_HTAG_HEADER_ADDR   8  /* address tag: the header's address when loaded */
#define MB2_HTAG_LOAD_ADDR     12 /*   first byte to load; 0xFFFFFFFF: the file's start */
#define MB2_HTAG_LOAD_END_ADDR 16 /*   0: to the file's end */
#define MB2_HTAG_BSS_END_ADDR  20 /*   0: no bss */
#define MB2_HTAG_ADDRESS_SIZE  24
#define MB2_HTAG_ENTRY_ADDR    8 /* entry tag */
#define MB2_HTAG_ENTRY_SIZE    12
#define MB2_HTAG_CONSOLE_FLAGS 8  /* console flags tag */
#define MB2_CONSOLE_REQUIRED   1  /*   bit 0: the console the kernel names must exist */
#define MB2_CONSOLE_EGA_TEXT   2  /*   bit 1: the kernel can use EGA text mode */
#define MB2_HTAG_RELOC_MIN     8  /* relocatable tag: lowest load address */
#define MB2_HTAG_RELOC_MAX     12 /*   highest address the image may reach */
#define MB2_HTAG_RELOC_ALIGN   16
#define MB2_HTAG_RELOC_PREF    20 /*   0 none, 1 lowest, 2 highest */
#define MB2_HTAG_RELOC_SIZE    24
#define MB2_RELOC_PREF_HIGH    2
#define MB2_LOAD_ADDR_FILE     0xFFFFFFFF

/* 3.3: EAX at the kernel's entry (EBX = the boot information's physical address). */
#define MB2_BOOTLOADER_MAGIC 0x36D76289

/* 3.6.1: the boot information: u32 total_size, u32 reserved, then the tags, each u32 type,
 * u32 size (without padding) and 8-byte aligned, ended by a tag of type 0 and size 8. */
#define MB2_INFO_TOTAL_SIZE 0
#define MB2_INFO_RESERVED   4
#define MB2_INFO_TAGS       8
#define MB2_TAG_TYPE        0
#define MB2_TAG_SIZE        4
#define MB2_TAG_HDR_SIZE    8

/* 3.6: information tag types. */
#define MB2_TAG_END           0
#define MB2_TAG_CMDLINE       1
#define MB2_TAG_LOADER_NAME   2
#define MB2_TAG_MODULE        3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_BOOTDEV       5
#define MB2_TAG_MMAP          6
#define MB2_TAG_VBE           7
#define MB2_TAG_FRAMEBUFFER   8
#define MB2_TAG_ELF_SECTIONS  9
#define MB2_TAG_APM           10
#define MB2_TAG_EFI32         11
#define MB2_TAG_EFI64         12
#define MB2_TAG_SMBIOS        13
#define MB2_TAG_ACPI_OLD      14
#define MB2_TAG_ACPI_NEW      15
#define MB2_TAG_NETWORK       16
#define MB2_TAG_EFI_MMAP      17
#define MB2_TAG_EFI_BS        18
#define MB2_TAG_EFI32_IH      19
#define MB2_TAG_EFI64_IH      20
#define MB2_TAG_LOAD_BASE     21

/* Tag fields (offsets from the tag's start). */
#define MB2_TAG_STRING          8 /* cmdline, loader name: NUL-terminated */
#define MB2_MOD_START           8 /* module: u32 start, u32 end (exclusive), string */
#define MB2_MOD_END             12
#define MB2_MOD_STRING          16
#define MB2_MEMINFO_LOWER       8 /* basic meminfo: KiB, as Multiboot's mem_lower/upper */
#define MB2_MEMINFO_UPPER       12
#define MB2_MEMINFO_SIZE        16
#define MB2_BOOTDEV_BIOSDEV     8 /* BIOS boot device: u32 biosdev, partition, sub-part. */
#define MB2_BOOTDEV_PART        12
#define MB2_BOOTDEV_SUBPART     16
#define MB2_BOOTDEV_SIZE        20
#define MB2_BOOTDEV_NONE        0xFFFFFFFF /* "no partition" */
#define MB2_MMAP_ENTRY_SIZE_OFF 8          /* memory map: u32 entry_size, u32 entry_version */
#define MB2_MMAP_VERSION_OFF    12
#define MB2_MMAP_ENTRIES        16
#define MB2_MMAP_ENTRY_SIZE     24 /* u64 base, u64 length, u32 type, u32 reserved (0) */
#define MB2_MMAP_VERSION        0
#define MB2_MMAP_E_BASE         0
#define MB2_MMAP_E_LENGTH       8
#define MB2_MMAP_E_TYPE         16
#define MB2_FB_ADDR             8 /* framebuffer info: u64 address */
#define MB2_FB_PITCH            16
#define MB2_FB_WIDTH            20 /* characters in EGA text mode */
#define MB2_FB_HEIGHT           24
#define MB2_FB_BPP              28 /* u8: 16 in EGA text mode (character + attribute) */
#define MB2_FB_TYPE             29 /* u8 */
#define MB2_FB_SIZE             32 /* the common part, as GRUB writes it (u16 reserved) */
#define MB2_FB_TYPE_EGA_TEXT    2
#define MB2_FB_EGA_BPP          16
/* ELF sections: the specification draws u16 num, entsize, shndx, reserved; GRUB 2.06 writes
 * u32 num, entsize, shndx (its include/multiboot2.h), and kernels read what GRUB writes. */
#define MB2_ELF_NUM             8
#define MB2_ELF_ENTSIZE         12
#define MB2_ELF_SHNDX           16
#define MB2_ELF_HEADERS         20
#define MB2_ACPI_RSDP           8 /* ACPI old/new: a copy of the RSDP */
#define MB2_LOAD_BASE_ADDR      8 /* load base address: u32 */
#define MB2_LOAD_BASE_SIZE      12

#ifndef __ASSEMBLER__
#include <stdint.h>

struct mb2_header {
	uint32_t magic, architecture, header_length, checksum;
};

struct mb2_tag {
	uint32_t type, size;
};

struct mb2_mmap_entry {
	uint64_t base, length;
	uint32_t type, reserved;
};

#define MB2_CHECK_OFFSET(type, field, off) \
	_Static_assert(__builtin_offsetof(struct type, field) == (off), #type "." #field " offset")
MB2_CHECK_OFFSET(mb2_header, header_length, MB2_HDR_LENGTH);
MB2_CHECK_OFFSET(mb2_header, checksum, MB2_HDR_CHECKSUM);
MB2_CHECK_OFFSET(mb2_tag, size, MB2_TAG_SIZE);
MB2_CHECK_OFFSET(mb2_mmap_entry, length, MB2_MMAP_E_LENGTH);
MB2_CHECK_OFFSET(mb2_mmap_entry, type, MB2_MMAP_E_TYPE);
_Static_assert(sizeof(struct mb2_mmap_entry) == MB2_MMAP_ENTRY_SIZE, "mmap entry size");
#endif /* __ASSEMBLER__ */

#endif
