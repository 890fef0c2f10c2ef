/*
 * mmu.h - the i386 two-level page-table format (32-bit paging without PAE), named once.
 *
 * Shared by C and NASM (the build turns the object-like #defines into build/inc/mmu.inc), so the
 * values are plain numbers; the function-like helpers (PDX, PTX, ...) are C only and NASM never
 * sees them. Source: Intel SDM Vol. 3A 4.3 "32-bit paging", tables 4-4 to 4-6 (PDE/PTE formats),
 * 4.7 (page-fault error code); the helper names follow xv6's mmu.h.
 *
 * A linear address is split 10/10/12:
 *
 *   31                   22 21                   12 11                       0
 *  +-----------------------+-----------------------+--------------------------+
 *  | page directory index  |   page table index    |   offset within page     |
 *  |       PDX(va)         |       PTX(va)         |       PGOFF(va)          |
 *  +-----------------------+-----------------------+--------------------------+
 *            |                        |
 *   CR3 -> directory[PDX] --> table[PTX] --> frame + PGOFF
 *
 * With CR4.PSE=1 a directory entry with PTE_PS set maps a 4 MiB page directly: the top 10 bits
 * select the entry, the low 22 bits (LGOFF(va)) are the offset inside the large page.
 */
#ifndef INCLUDE_MMU_H
#define INCLUDE_MMU_H

#define PG_SIZE    4096 /* bytes mapped by one page-table entry */
#define PG_SHIFT   12
#define LG_SIZE    0x400000 /* bytes mapped by one directory entry (4 MiB) */
#define LG_SHIFT   22
#define PT_ENTRIES 1024 /* entries in a page directory or a page table */
#define PDX_SHIFT  22
#define PTX_SHIFT  12

/* Flags common to PDEs and PTEs (SDM 3A tables 4-5, 4-6). */
#define PTE_P   0x001 /* present */
#define PTE_W   0x002 /* writable (binds ring 0 too when CR0.WP=1) */
#define PTE_U   0x004 /* user accessible (ring 3) */
#define PTE_PWT 0x008 /* write-through */
#define PTE_PCD 0x010 /* cache disable */
#define PTE_A   0x020 /* accessed (set by the CPU) */
#define PTE_D   0x040 /* dirty (set by the CPU, PTEs and 4 MiB PDEs only) */
#define PTE_PS  0x080 /* in a PDE: maps a 4 MiB page (needs CR4.PSE) */
#define PTE_G   0x100 /* global (needs CR4.PGE; not used by this kernel) */
/* Bits 9-11 are ignored by the CPU and free for the OS (SDM 3A 4.3). */
#define PTE_OWNED \
	0x200 /* ours: the frame belongs to the address space and goes back
                                       to the PMM when the space is destroyed */
#define PTE_FLAGS_MASK   0x00000FFF
#define PTE_ADDR_MASK    0xFFFFF000 /* frame address in a PTE or a PDE pointing at a table */
#define PDE_LG_ADDR_MASK 0xFFC00000 /* frame address in a 4 MiB PDE (bits 13-21 are PAT/reserved) */

/* Page-fault error code, pushed by the CPU for vector 14 (SDM 3A 4.7, figure 4-12). */
#define PFE_P    0x01 /* 0: page not present, 1: protection violation */
#define PFE_W    0x02 /* 0: read, 1: write */
#define PFE_U    0x04 /* 0: supervisor mode, 1: user mode */
#define PFE_RSVD 0x08 /* a reserved bit was set in a paging entry */
#define PFE_I    0x10 /* instruction fetch */

#ifndef __ASSEMBLER__
#include <stdint.h>

#define PDX(va)   (((uint32_t)(va) >> PDX_SHIFT) & 0x3FF)
#define PTX(va)   (((uint32_t)(va) >> PTX_SHIFT) & 0x3FF)
#define PGOFF(va) ((uint32_t)(va) & (PG_SIZE - 1))
#define LGOFF(va) ((uint32_t)(va) & (LG_SIZE - 1))
/* The address whose indexes are d, t and offset o (the inverse of PDX/PTX/PGOFF). */
#define PGADDR(d, t, o) \
	((uint32_t)(((uint32_t)(d) << PDX_SHIFT) | ((uint32_t)(t) << PTX_SHIFT) | (uint32_t)(o)))
#define PTE_ADDR(e)  ((uint32_t)(e)&PTE_ADDR_MASK)
#define PTE_FLAGS(e) ((uint32_t)(e)&PTE_FLAGS_MASK)

/* Rounding to page boundaries; 64-bit safe for physical-map arithmetic (argument type kept). */
#define PG_ROUND_UP(a)   (((a) + (PG_SIZE - 1)) & ~((__typeof__(a))PG_SIZE - 1))
#define PG_ROUND_DOWN(a) ((a) & ~((__typeof__(a))PG_SIZE - 1))
#define LG_ROUND_UP(a)   (((a) + (LG_SIZE - 1)) & ~((__typeof__(a))LG_SIZE - 1))
#define LG_ROUND_DOWN(a) ((a) & ~((__typeof__(a))LG_SIZE - 1))
#define PG_ALIGNED(a)    (((a) & (PG_SIZE - 1)) == 0)

typedef uint32_t pde_t;
typedef uint32_t pte_t;

_Static_assert(PT_ENTRIES * sizeof(pte_t) == PG_SIZE, "a page table fills exactly one frame");
_Static_assert((1u << PG_SHIFT) == PG_SIZE && (1u << LG_SHIFT) == LG_SIZE, "page sizes");
#endif

#endif
