/*
 * vmlayout.h - the kernel's virtual address layout (32-bit paging, no PAE), named once.
 *
 * The kernel is loaded and runs at 1 MiB with virtual == physical, so the bottom of every address
 * space is an identity map of RAM (the "direct map": any frame the PMM hands out is reachable at
 * its own physical address, which is how mm/ code edits page tables after paging is on, through
 * mm_phys_to_virt). Above it: the kernel heap, a small kernel window for temporary mappings, the
 * private range of each address space, and the recursive slot. docs/paging.md explains it all.
 *
 *  0xFFFFFFFF +----------------------------------+
 *             | recursive slot (PDE 1023 -> PD)   | RECURSIVE_BASE: the current space's page
 *             |  tables at 0xFFC00000 + 4K*PDX,   | tables; its directory at RECURSIVE_PD
 *             |  directory at 0xFFFFF000          |
 *  0xFFC00000 +----------------------------------+ USER_END
 *             | address-space private range       | per space: its own page tables, the frames
 *             | (user range)                      | it owns (PTE_OWNED); PTE_U only where asked
 *  0xD0000000 +----------------------------------+ USER_START = KERNEL_SHARED_END
 *             | reserved kernel growth (unmapped)  |
 *  0xC4400000 +----------------------------------+ KWIN_END
 *             | kernel window (one page table)     | temporary mappings: tests, quick maps
 *  0xC4000000 +----------------------------------+ KWIN_START = KHEAP_END
 *             | kernel heap (mm/heap.c), 64 MiB    | tables preallocated at paging_init,
 *             |                                    | frames mapped on demand
 *  0xC0000000 +----------------------------------+ KHEAP_START = KIDENT_END
 *             | identity region: va == pa          | RAM from 4 KiB to the top of RAM (never
 *             | kernel image at 1 MiB (.text and   | above KIDENT_END), VGA, BIOS area, boot
 *             | .rodata read-only, boot-stack      | info, PMM bitmap; supervisor only; 4 MiB
 *             | guard page unmapped), VGA 0xB8000  | pages where CPUID has PSE
 *  0x00001000 +----------------------------------+ KIDENT_START
 *             | NULL page (never mapped)           |
 *  0x00000000 +----------------------------------+
 *
 * Every PDE below KERNEL_SHARED_END belongs to the kernel: its page tables are created once, in the
 * kernel's directory, before any other address space exists, and each new space copies those PDEs,
 * so a kernel mapping made later (e.g. heap growth) shows up in every space at once.
 */
#ifndef INCLUDE_VMLAYOUT_H
#define INCLUDE_VMLAYOUT_H

#define KERNEL_LOAD_ADDR    0x00100000  /* the kernel image, physical = virtual (BIOS_LOW_END) */
#define KIDENT_START        0x00001000  /* page 0 stays unmapped: NULL dereferences fault */
#define KIDENT_END          0xC0000000  /* the identity map never reaches this (3 GiB) */
#define KHEAP_START         0xC0000000  /* kernel heap range [KHEAP_START, KHEAP_END) */
#define KHEAP_END           0xC4000000  /* 64 MiB: 16 page tables preallocated */
#define KWIN_START          0xC4000000  /* kernel window: one page table of temporary mappings */
#define KWIN_END            0xC4400000
#define KERNEL_SHARED_END   0xD0000000  /* PDEs below this are the kernel's, shared by all spaces */
#define USER_START          0xD0000000  /* private range of each address space */
#define USER_END            0xFFC00000
#define RECURSIVE_SLOT      1023        /* PDE 1023 points at the directory itself */
#define RECURSIVE_BASE      0xFFC00000  /* page table of PDE i at RECURSIVE_BASE + i * 4096 */
#define RECURSIVE_PD        0xFFFFF000  /* the current page directory */

#ifndef __ASSEMBLER__
#include "mmu.h"

/* va lies in the user range [USER_START, USER_END). One unsigned comparison, so it stays correct
 * (and free of always-true halves) whatever USER_START is, 0 included. */
#define VM_IS_USER(va) ((uint32_t)(va) - USER_START < (uint32_t)(USER_END - USER_START))
_Static_assert(KHEAP_START % LG_SIZE == 0 && KHEAP_END % LG_SIZE == 0, "heap is whole PDEs");
_Static_assert(KWIN_END - KWIN_START == LG_SIZE, "the kernel window is one page table");
_Static_assert(USER_START == KERNEL_SHARED_END && USER_START % LG_SIZE == 0, "user range PDE-aligned");
_Static_assert(USER_END == RECURSIVE_BASE && RECURSIVE_BASE == (uint32_t)RECURSIVE_SLOT << PDX_SHIFT,
               "the recursive slot is the last PDE");
_Static_assert(RECURSIVE_PD == RECURSIVE_BASE + RECURSIVE_SLOT * PG_SIZE, "directory view");
#endif

#endif
