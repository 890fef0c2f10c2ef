/*
 * multiboot.h - the Multiboot v1 facts, named once for the loader (NASM) and the kernel (C).
 *
 * Source: GNU Multiboot Specification 0.6.96, section 3.1 (header), 3.2 (machine state) and
 * 3.3 (boot information format). The build turns every object-like #define below into a NASM
 * %define (see mk/common.mk, rule for build/inc/%.inc), so keep the values in syntax both
 * languages read: plain decimal or hex, no U/L suffixes, no casts. C-only declarations sit
 * inside #ifndef __ASSEMBLER__ and are skipped by the generator.
 */
#ifndef INCLUDE_MULTIBOOT_H
#define INCLUDE_MULTIBOOT_H

/* 3.1.1: the header lives 4-byte aligned within the first 8192 bytes of the image. */
#define MB_HEADER_MAGIC        0x1BADB002
#define MB_HEADER_SEARCH_LIMIT 8192
#define MB_HEADER_ALIGN        4

/* 3.1.2: header flags. Bits 0-15 are requirements a loader must refuse if it does not know them. */
#define MB_HFLAG_PAGE_ALIGN    0x00000001 /* bit 0: modules page aligned */
#define MB_HFLAG_MEMORY_INFO   0x00000002 /* bit 1: mem_* and mmap_* wanted */
#define MB_HFLAG_VIDEO_MODE    0x00000004 /* bit 2: video mode table wanted */
#define MB_HFLAG_AOUT_KLUDGE   0x00010000 /* bit 16: the address fields below are valid */
#define MB_HFLAG_REQUIRED_MASK 0x0000FFFF

/* 3.1.1: header field offsets. */
#define MB_HDR_MAGIC         0
#define MB_HDR_FLAGS         4
#define MB_HDR_CHECKSUM      8
#define MB_HDR_HEADER_ADDR   12
#define MB_HDR_LOAD_ADDR     16
#define MB_HDR_LOAD_END_ADDR 20
#define MB_HDR_BSS_END_ADDR  24
#define MB_HDR_ENTRY_ADDR    28
#define MB_HDR_MODE_TYPE     32
#define MB_HDR_WIDTH         36
#define MB_HDR_HEIGHT        40
#define MB_HDR_DEPTH         44

/* 3.2: EAX at kernel entry. */
#define MB_BOOTLOADER_MAGIC 0x2BADB002

/* 3.3: information structure flags. */
#define MB_INFO_MEMORY       0x00000001 /* bit 0: mem_lower, mem_upper */
#define MB_INFO_BOOTDEV      0x00000002 /* bit 1: boot_device */
#define MB_INFO_CMDLINE      0x00000004 /* bit 2: cmdline */
#define MB_INFO_MODS         0x00000008 /* bit 3: mods_count, mods_addr */
#define MB_INFO_AOUT_SYMS    0x00000010 /* bit 4 */
#define MB_INFO_ELF_SHDR     0x00000020 /* bit 5 */
#define MB_INFO_MEM_MAP      0x00000040 /* bit 6: mmap_length, mmap_addr */
#define MB_INFO_DRIVE_INFO   0x00000080 /* bit 7 */
#define MB_INFO_CONFIG_TABLE 0x00000100 /* bit 8 */
#define MB_INFO_LOADER_NAME  0x00000200 /* bit 9: boot_loader_name */
#define MB_INFO_APM_TABLE    0x00000400 /* bit 10 */
#define MB_INFO_VBE          0x00000800 /* bit 11 */
#define MB_INFO_FRAMEBUFFER  0x00001000 /* bit 12 */

/* 3.3: information structure field offsets (checked against the C struct below). */
#define MBI_FLAGS            0
#define MBI_MEM_LOWER        4
#define MBI_MEM_UPPER        8
#define MBI_BOOT_DEVICE      12
#define MBI_CMDLINE          16
#define MBI_MODS_COUNT       20
#define MBI_MODS_ADDR        24
#define MBI_SYMS             28
#define MBI_MMAP_LENGTH      44
#define MBI_MMAP_ADDR        48
#define MBI_DRIVES_LENGTH    52
#define MBI_DRIVES_ADDR      56
#define MBI_CONFIG_TABLE     60
#define MBI_BOOT_LOADER_NAME 64
#define MBI_APM_TABLE        68
#define MBI_VBE_CONTROL_INFO 72
#define MBI_FRAMEBUFFER_ADDR 88
#define MBI_SIZE             116

/* 3.3: boot_device holds the BIOS drive in its top byte; an unused partition byte is 0xFF. */
#define MB_BOOTDEV_NO_PART 0xFF

/* 3.3: memory map entries: size (not counting itself), base_addr, length, type. */
#define MB_MMAP_SIZE       0
#define MB_MMAP_BASE       4
#define MB_MMAP_LENGTH     12
#define MB_MMAP_TYPE       20
#define MB_MMAP_ENTRY_SIZE 24 /* 4-byte size field + a 20-byte E820 entry */

/* Memory types (3.3, the same numbers as ACPI's E820 types). Anything else is reserved. */
#define MB_MEMORY_AVAILABLE    1
#define MB_MEMORY_RESERVED     2
#define MB_MEMORY_ACPI_RECLAIM 3
#define MB_MEMORY_NVS          4
#define MB_MEMORY_BADRAM       5

#ifndef __ASSEMBLER__
#include <stdint.h>

struct multiboot_header {
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
	uint32_t mode_type, width, height, depth;
};

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info, vbe_mode_info;
	uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
	uint64_t framebuffer_addr;
	uint32_t framebuffer_pitch, framebuffer_width, framebuffer_height;
	uint8_t framebuffer_bpp, framebuffer_type;
	uint8_t color_info[6];
} __attribute__((packed));

struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
} __attribute__((packed));

struct multiboot_module {
	uint32_t mod_start, mod_end, string, reserved;
};

#define MB_CHECK_OFFSET(type, field, off) \
	_Static_assert(__builtin_offsetof(struct type, field) == (off), #type "." #field " offset")
MB_CHECK_OFFSET(multiboot_header, entry_addr, MB_HDR_ENTRY_ADDR);
MB_CHECK_OFFSET(multiboot_info, mem_lower, MBI_MEM_LOWER);
MB_CHECK_OFFSET(multiboot_info, mem_upper, MBI_MEM_UPPER);
MB_CHECK_OFFSET(multiboot_info, boot_device, MBI_BOOT_DEVICE);
MB_CHECK_OFFSET(multiboot_info, cmdline, MBI_CMDLINE);
MB_CHECK_OFFSET(multiboot_info, mods_count, MBI_MODS_COUNT);
MB_CHECK_OFFSET(multiboot_info, mods_addr, MBI_MODS_ADDR);
MB_CHECK_OFFSET(multiboot_info, syms, MBI_SYMS);
MB_CHECK_OFFSET(multiboot_info, mmap_length, MBI_MMAP_LENGTH);
MB_CHECK_OFFSET(multiboot_info, mmap_addr, MBI_MMAP_ADDR);
MB_CHECK_OFFSET(multiboot_info, drives_length, MBI_DRIVES_LENGTH);
MB_CHECK_OFFSET(multiboot_info, config_table, MBI_CONFIG_TABLE);
MB_CHECK_OFFSET(multiboot_info, boot_loader_name, MBI_BOOT_LOADER_NAME);
MB_CHECK_OFFSET(multiboot_info, apm_table, MBI_APM_TABLE);
MB_CHECK_OFFSET(multiboot_info, vbe_control_info, MBI_VBE_CONTROL_INFO);
MB_CHECK_OFFSET(multiboot_info, framebuffer_addr, MBI_FRAMEBUFFER_ADDR);
_Static_assert(sizeof(struct multiboot_info) == MBI_SIZE, "multiboot_info size");
MB_CHECK_OFFSET(multiboot_mmap_entry, base_addr, MB_MMAP_BASE);
MB_CHECK_OFFSET(multiboot_mmap_entry, length, MB_MMAP_LENGTH);
MB_CHECK_OFFSET(multiboot_mmap_entry, type, MB_MMAP_TYPE);
_Static_assert(sizeof(struct multiboot_mmap_entry) == MB_MMAP_ENTRY_SIZE, "mmap entry size");
#endif /* __ASSEMBLER__ */

#endif
