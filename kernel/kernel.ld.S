/*
 * kernel.ld.S - the kernel's memory layout: loaded at 1 MiB physical, linked in the higher half
 * (KERNEL_VIRT_BASE + physical, include/vmlayout.h), Multiboot header first.
 *
 * The build runs this file through the C preprocessor (mk/kernel.mk: cpp -P -undef
 * -D__ASSEMBLER__, as Linux makes vmlinux.lds from vmlinux.lds.S) into build/kernel/kernel.ld, so
 * the addresses and sizes below come from the headers that name them for C and NASM too:
 * KERNEL_LOAD_ADDR, KERNEL_VIRT_BASE, BOOT_MAP_PHYS_END (include/vmlayout.h), PG_SIZE
 * (include/mmu.h), MB_HEADER_SEARCH_LIMIT (include/multiboot.h), MB2_HEADER_SEARCH_LIMIT and
 * MB2_HEADER_ALIGN (include/multiboot2.h), KERNEL_STACK_SIZE
 * (kernel/layout.h).
 *
 * Two kinds of section. .boot holds the two Multiboot headers (version 1, then Multiboot2) and the code that runs before paging
 * (kernel/core/entry.asm's .boot.text and mm/paging_boot.c): it is linked at its load address,
 * so its symbols are physical (gdb and Bochs show _start at 0x001xxxxx). Everything after it is
 * linked at KERNEL_VIRT_BASE + load address (AT() gives the load address): its ELF program header
 * has p_vaddr high and p_paddr physical. Loaders (ours, QEMU -kernel, GRUB 2) load at p_paddr and
 * enter at e_entry = _start, physical and inside the first PT_LOAD.
 *
 * Every section is page aligned so paging can give each its own protection (.boot's high alias,
 * .text and .rodata read-only, the rest read/write, the stack guard page unmapped). Symbols
 * exported for C (declared in kernel/layout.h), all virtual (high) except __boot_*:
 *   __boot_start/__boot_end        the .boot section, physical
 *   __kernel_start/__kernel_end    the whole image including .boot's high alias, .bss and the
 *                                  boot stack (physical: minus KERNEL_VIRT_BASE)
 *   __text_*, __rodata_*, __data_*, __bss_*   each section's bounds ([start, end)); __text_start
 *                                  is __kernel_start: .boot's alias is read-only text too
 *   __stack_guard                  one guard page directly below the stack (never touched)
 *   __stack_bottom/__stack_top     the boot stack (ESP starts at __stack_top)
 *   __ktest_start/__ktest_end      the in-kernel test suites (KTEST_SUITE, kernel/debug/ktest.h)
 *   boot_page_directory/tables     the first page directory and its tables (entry.asm, .bss)
 *   __ksym_* are not here: the embedded symbol table is plain C data (build/kernel/ksyms_table.c).
 */
#include "mmu.h"
#include "multiboot.h"
#include "multiboot2.h"
#include "vmlayout.h"
#include "x86.h"
#include "kernel/layout.h"

OUTPUT_FORMAT("elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(_start)

SECTIONS
{
	. = KERNEL_LOAD_ADDR;

	/* Run before paging, at physical addresses: linked where it is loaded. */
	.boot : {
		__boot_start = .;
		KEEP(*(.multiboot))            /* first: the loader searches the start of the file */
		*(.boot.text)
		*paging_boot.o(.text .text.* .rodata .rodata.*)
		. = ALIGN(PG_SIZE);
		__boot_end = .;
	}

	/* The rest: virtual = KERNEL_VIRT_BASE + physical. */
	. += KERNEL_VIRT_BASE;
	__kernel_start = __boot_start + KERNEL_VIRT_BASE;
	__text_start = __kernel_start;

	.text : AT(ADDR(.text) - KERNEL_VIRT_BASE) ALIGN(PG_SIZE) {
		*(.text .text.*)
		. = ALIGN(PG_SIZE);
		__text_end = .;
	}

	.rodata : AT(ADDR(.rodata) - KERNEL_VIRT_BASE) ALIGN(PG_SIZE) {
		__rodata_start = .;
		*(.rodata .rodata.*)
		. = ALIGN(4);
		__ktest_start = .;
		KEEP(*(.ktest_suites))
		__ktest_end = .;
		. = ALIGN(PG_SIZE);
		__rodata_end = .;
	}

	.data : AT(ADDR(.data) - KERNEL_VIRT_BASE) ALIGN(PG_SIZE) {
		__data_start = .;
		*(.data .data.*)
		. = ALIGN(PG_SIZE);
		__data_end = .;
	}

	.bss (NOLOAD) : AT(ADDR(.bss) - KERNEL_VIRT_BASE) ALIGN(PG_SIZE) {
		__bss_start = .;
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(PG_SIZE);
		__bss_end = .;
	}

	/* The boot stack: a guard page nothing uses (paging leaves it unmapped), then the stack. */
	.stack (NOLOAD) : AT(ADDR(.stack) - KERNEL_VIRT_BASE) ALIGN(PG_SIZE) {
		__stack_guard = .;
		. += PG_SIZE;
		__stack_bottom = .;
		. += KERNEL_STACK_SIZE;
		__stack_top = .;
	}

	__kernel_end = .;

	/DISCARD/ : { *(.comment) *(.note .note.*) *(.eh_frame) }
}

/*
 * Layout facts the rest of the kernel relies on. The Multiboot header's three mandatory fields end
 * at MB_HDR_HEADER_ADDR (spec 3.1.1); the Multiboot2 header must lie whole, tags included, in the
 * first 32 KiB (Multiboot2 3.1.1: multiboot2_header_end is its end); the ELF headers fill the
 * file's first page (max-page-size is PG_SIZE, mk/kernel.mk), so .boot starts one page into the
 * file.
 */
ASSERT(__boot_start == KERNEL_LOAD_ADDR, "kernel must start at KERNEL_LOAD_ADDR")
ASSERT(KERNEL_LOAD_ADDR >= BIOS_LOW_END, "kernel must load above the BIOS area (1 MiB)")
ASSERT(multiboot_header == __boot_start, "Multiboot header must be the first thing in .boot")
ASSERT(multiboot_header % MB_HEADER_ALIGN == 0, "Multiboot header must be 4-byte aligned (spec 3.1.1)")
ASSERT(multiboot_header - __boot_start + PG_SIZE + MB_HDR_HEADER_ADDR <= MB_HEADER_SEARCH_LIMIT,
       "Multiboot header must lie within the first 8 KiB of the file (spec 3.1.1)")
ASSERT(multiboot2_header % MB2_HEADER_ALIGN == 0,
       "Multiboot2 header must be 8-byte aligned (Multiboot2 3.1.1)")
ASSERT(multiboot2_header_end - __boot_start + PG_SIZE <= MB2_HEADER_SEARCH_LIMIT,
       "Multiboot2 header must lie within the first 32 KiB of the file (Multiboot2 3.1.1)")
ASSERT(_start >= __boot_start && _start < __boot_end,
       "the entry point must be physical, inside .boot (the first PT_LOAD)")
ASSERT(ADDR(.text) == __boot_end + KERNEL_VIRT_BASE, ".text follows .boot, in the higher half")
ASSERT(__kernel_end - KERNEL_VIRT_BASE <= BOOT_MAP_PHYS_END,
       "the whole image must lie inside the boot map (BOOT_MAP_PHYS_END)")
ASSERT(boot_page_directory % PG_SIZE == 0 && boot_page_tables % PG_SIZE == 0,
       "boot page directory and tables page aligned")
ASSERT(__text_start % PG_SIZE == 0 && __rodata_start % PG_SIZE == 0 &&
       __data_start % PG_SIZE == 0 && __bss_start % PG_SIZE == 0, "sections must be page aligned")
ASSERT(__text_end <= __rodata_start && __rodata_end <= __data_start && __data_end <= __bss_start &&
       __bss_end <= __stack_guard, "sections must not overlap")
ASSERT(__stack_bottom == __stack_guard + PG_SIZE, "guard page directly below the stack")
ASSERT(__stack_top - __stack_bottom == KERNEL_STACK_SIZE, "boot stack is KERNEL_STACK_SIZE")
ASSERT(__stack_top % PG_SIZE == 0, "stack top page aligned")
ASSERT((__ktest_end - __ktest_start) % 8 == 0, ".ktest_suites holds 8-byte records (struct ktest_suite)")
