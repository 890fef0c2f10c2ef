/*
 * vmlayout.h - the virtual address layout (32-bit paging, no PAE), named once: a higher-half
 * kernel in the top gigabyte, the bottom three gigabytes left to each address space.
 *
 * The kernel is loaded at 1 MiB physical and linked at KERNEL_VIRT_BASE + its physical address
 * (kernel/kernel.ld.S); only its first code (kernel/core/entry.asm, section .boot) runs at
 * physical addresses, before paging. RAM below DIRECT_MAP_PHYS_END is mapped once and for good at
 * KERNEL_VIRT_BASE + pa (the direct map, Linux's "lowmem"): that is how the kernel reaches the
 * Multiboot data, VGA memory, the PMM bitmap and every page table (mm_phys_to_virt). A frame above
 * it (possible with more than 768 MiB of RAM) is still handed out by the PMM and is reached
 * through a temporary window (kmap, mm/kmap.h) while in use. docs/paging.md tells the story.
 *
 *  0xFFFFFFFF +-----------------------------------+
 *             | recursive slot (PDE 1023 -> PD)   | the current space's page tables at
 *             |                                   | RECURSIVE_BASE + 4K*PDX, its directory at
 *  0xFFC00000 +-----------------------------------+ RECURSIVE_PD = 0xFFFFF000     RECURSIVE_BASE
 *             | reserved kernel growth (unmapped) |                               KGROWTH_*
 *  0xF5400000 +-----------------------------------+ KSTACK_END = KGROWTH_START
 *             | process kernel stacks (one table) | a slot of KSTACK_SLOT per process: its
 *             |                                   | lowest page never mapped (the guard)
 *  0xF5000000 +-----------------------------------+ KSTACK_START
 *             | guard (one PDE, never mapped)     |
 *  0xF4C00000 +-----------------------------------+ KWIN_END
 *             | kernel window (one page table)    | experiments: tests, the monitor's map and
 *             |                                   | its scratch page (last page)
 *  0xF4800000 +-----------------------------------+ KWIN_START = KMAP_END
 *             | temporary windows (one table)     | kmap: one page per frame in use, for frames
 *             |                                   | above the direct map
 *  0xF4400000 +-----------------------------------+ KMAP_START = KHEAP_END
 *             | kernel heap, 64 MiB               | tables made at boot, frames mapped on growth
 *  0xF0400000 +-----------------------------------+ KHEAP_START
 *             | guard (one PDE, never mapped)     | a run off the direct map's end faults
 *  0xF0000000 +-----------------------------------+ DIRECT_MAP_END
 *             | direct map: va = 0xC0000000 + pa  | RAM (and the first MiB) below 768 MiB; the
 *             |   kernel at 0xC0100000 (.text and | kernel image inside it at its physical
 *             |   .rodata read-only, the boot-    | address + KERNEL_VIRT_BASE; supervisor only;
 *             |   stack guard page unmapped)      | 4 MiB pages where CPUID has PSE
 *  0xC0001000 +-----------------------------------+
 *             | guard: physical page 0 unmapped   |
 *  0xC0000000 +-----------------------------------+ KERNEL_VIRT_BASE = DIRECT_MAP_START = USER_END
 *             | user range: private to each       | empty in the kernel's own space once the
 *             | address space (PTE_U where asked) | boot identity map is dropped; page 0 is
 *             |                                   | never mapped (NULL dereferences fault)
 *  0x00000000 +-----------------------------------+ USER_START
 *
 * Why 768 MiB of direct map (Linux i386 uses 896 MiB, leaving 128 MiB for vmalloc, kmap and
 * fixmap): what the kernel needs outside the direct map is the 64 MiB heap, two 4 MiB window
 * tables, the 4 MiB recursive slot, two guard PDEs, and room for what comes next (kernel stacks
 * with guard pages for processes): 256 MiB holds all of it with space to spare, and the limit is
 * a whole number of PDEs. RAM above the limit costs nothing but a window while it is touched.
 *
 * Every PDE from KERNEL_VIRT_BASE up (the recursive slot aside) belongs to the kernel: its page
 * tables are created once, in the kernel's directory, before any other address space exists, and
 * each new space copies those PDEs, so a kernel mapping made later (heap growth, a window) shows
 * up in every space at once.
 */
#ifndef INCLUDE_VMLAYOUT_H
#define INCLUDE_VMLAYOUT_H

#define KERNEL_VIRT_BASE    0xC0000000 /* the kernel's gigabyte: virtual = KERNEL_VIRT_BASE + pa */
#define KERNEL_LOAD_ADDR    0x00100000 /* where the loaders put the kernel (1 MiB, BIOS_LOW_END) */
#define NULL_PAGE_END       0x00001000 /* page 0 is never mapped: NULL dereferences fault */
#define USER_START          0x00000000 /* the range private to each address space */
#define USER_END            0xC0000000
#define DIRECT_MAP_START    0xC0000000 /* direct map of physical [0, DIRECT_MAP_PHYS_END) */
#define DIRECT_MAP_END      0xF0000000
#define DIRECT_MAP_PHYS_END 0x30000000 /* 768 MiB: frames at or above are reached through kmap */
#define KHEAP_START         0xF0400000 /* kernel heap range [KHEAP_START, KHEAP_END) */
#define KHEAP_END           0xF4400000 /* 64 MiB: 16 page tables preallocated */
#define KMAP_START          0xF4400000 /* temporary windows: one page table */
#define KMAP_END            0xF4800000
#define KWIN_START          0xF4800000 /* kernel window: one page table for experiments */
#define KWIN_END            0xF4C00000
#define KSTACK_START        0xF5000000 /* process kernel stacks: one page table */
#define KSTACK_END          0xF5400000
#define KSTACK_SLOT         0x4000     /* per process: a guard page, then a 12 KiB stack */
#define KGROWTH_START       0xF5400000 /* reserved kernel growth: nothing mapped yet */
#define KGROWTH_END         0xFFC00000
#define RECURSIVE_SLOT      1023       /* PDE 1023 points at the directory itself */
#define RECURSIVE_BASE      0xFFC00000 /* page table of PDE i at RECURSIVE_BASE + i * 4096 */
#define RECURSIVE_PD        0xFFFFF000 /* the current page directory */

/* The boot page tables kernel/core/entry.asm builds before paging (in the kernel's .bss): they map
 * physical [0, BOOT_MAP_PHYS_END) at KERNEL_VIRT_BASE (page 0 left out), and the kernel image
 * also at its physical address until the jump to the higher half. Enough for the kernel, the
 * Multiboot data the loaders leave low, the PMM bitmap and the page tables paging_init builds;
 * paging_init then switches to the full direct map. */
#define BOOT_MAP_PHYS_END 0x01000000 /* 16 MiB */
#define BOOT_MAP_TABLES   4          /* BOOT_MAP_PHYS_END / 4 MiB */

#ifndef __ASSEMBLER__
#include "mmu.h"

/* va lies in the user range [USER_START, USER_END). One unsigned comparison, so it stays correct
 * (and free of always-true halves) whatever USER_START is, 0 included. */
#define VM_IS_USER(va) ((uint32_t)(va)-USER_START < (uint32_t)(USER_END - USER_START))
_Static_assert(KERNEL_VIRT_BASE % LG_SIZE == 0 && USER_END == KERNEL_VIRT_BASE,
	       "the kernel's gigabyte starts on a PDE where the user range ends");
_Static_assert(USER_START == 0 && NULL_PAGE_END == PG_SIZE, "user range from 0, page 0 unmapped");
_Static_assert(DIRECT_MAP_START == KERNEL_VIRT_BASE &&
		       DIRECT_MAP_END - DIRECT_MAP_START == DIRECT_MAP_PHYS_END &&
		       DIRECT_MAP_END % LG_SIZE == 0,
	       "direct map: va = KERNEL_VIRT_BASE + pa, whole PDEs");
_Static_assert(KHEAP_START >= DIRECT_MAP_END + LG_SIZE, "a guard PDE after the direct map");
_Static_assert(KHEAP_START % LG_SIZE == 0 && KHEAP_END % LG_SIZE == 0, "heap is whole PDEs");
_Static_assert(KMAP_START == KHEAP_END && KMAP_END - KMAP_START == LG_SIZE,
	       "the temporary windows are one page table after the heap");
_Static_assert(KWIN_START == KMAP_END && KWIN_END - KWIN_START == LG_SIZE,
	       "the kernel window is one page table after the temporary windows");
_Static_assert(KSTACK_START >= KWIN_END + LG_SIZE, "a guard PDE after the kernel window");
_Static_assert(KSTACK_END - KSTACK_START == LG_SIZE && KSTACK_START % LG_SIZE == 0 &&
		       KSTACK_SLOT % PG_SIZE == 0 && KSTACK_SLOT > PG_SIZE,
	       "kernel stacks: one table");
_Static_assert(KGROWTH_START == KSTACK_END, "the growth range follows the kernel stacks");
_Static_assert(KGROWTH_END == RECURSIVE_BASE && KGROWTH_START % LG_SIZE == 0, "growth range PDEs");
_Static_assert(RECURSIVE_BASE == (uint32_t)RECURSIVE_SLOT << PDX_SHIFT,
	       "the recursive slot is the last PDE");
_Static_assert(RECURSIVE_PD == RECURSIVE_BASE + RECURSIVE_SLOT * PG_SIZE, "directory view");
_Static_assert(BOOT_MAP_TABLES *LG_SIZE == BOOT_MAP_PHYS_END &&
		       BOOT_MAP_PHYS_END <= DIRECT_MAP_PHYS_END,
	       "the boot map is a prefix of the direct map");
_Static_assert(KERNEL_LOAD_ADDR < BOOT_MAP_PHYS_END, "the kernel is loaded inside the boot map");
#endif

#endif
