/*
 * paging.h - page tables (i386, two levels, 4 KiB pages; 4 MiB pages for the direct map) and
 * address spaces.
 *
 * Generic C: builds into the kernel and on the host (tests against simulated RAM). Page tables are
 * PMM frames taken below mm_direct_limit() and reached through mm_phys_to_virt: in the kernel that
 * is the direct map (KERNEL_VIRT_BASE + pa, include/vmlayout.h); on the host an offset into
 * simulated RAM. The CPU is touched only through mm_load_cr3 and mm_invlpg. The layout (user
 * range, direct map, heap, windows, recursive slot) is in include/vmlayout.h; docs/paging.md
 * tells the story.
 *
 * Bring-up: paging_boot_build (mm/paging_boot.c, run by kernel/core/entry.asm with paging off)
 * makes the first directory, mapping the kernel at its physical address and at KERNEL_VIRT_BASE;
 * once running high, paging_boot_drop_identity removes the low half of it. The kernel space
 * proper is then built by paging_kernel_create and the direct-map/prealloc calls below.
 *
 * Address spaces: one kernel space, plus any number created with vmspace_create. Every space
 * shares the kernel's page tables (PDEs from KERNEL_VIRT_BASE up are copied at creation), so a
 * kernel page table may only be created while no other space exists;
 * kernel mappings made later (heap growth) go into the shared tables and are seen everywhere.
 * PDE 1023 of every directory points at the directory itself (the recursive slot).
 *
 * Functions return 0 or a negative PAGING_E* code (paging_strerror names it); corruption and misuse
 * that cannot be reported (destroying the current space) go to mm_panic.
 *
 * Typical use (the heap's growth, kernel/mm/heap_setup.c):
 *     uint32_t pa = pmm_alloc_frame();
 *     int err = paging_map(va, pa, PTE_W);          // va in [KHEAP_START, KHEAP_END)
 *     if (err) ... paging_strerror(err) ...
 */
#ifndef MM_PAGING_H
#define MM_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/mm_env.h"
#include "mmu.h"
#include "vmlayout.h"

/* An address space is named by the physical address of its page directory (what CR3 holds). */
typedef uint32_t vmspace_t;

enum {
	PAGING_OK = 0,
	PAGING_ENOMEM = -1,  /* the PMM had no frame for a page table or a page */
	PAGING_EEXIST = -2,  /* map: the page is already mapped */
	PAGING_ENOENT = -3,  /* unmap/translate/protect: the page is not mapped */
	PAGING_EINVAL = -4,  /* unaligned address, unknown flag, PTE_U outside the user range,
	                         page 0, an address in the recursive slot */
	PAGING_ELARGE = -5,  /* the address lies in a 4 MiB page (only translate handles those) */
	PAGING_ESHARED = -6, /* would create a kernel page table while other spaces exist */
	PAGING_ERANGE = -7,  /* vmspace_*: a kernel-range address given to a non-kernel space, or
	                         a user-range address given to the kernel space */
};
const char *paging_strerror(int err);

/* Flags map/protect accept (PTE_P is implied). PTE_U only in [USER_START, USER_END). PTE_OWNED
 * marks the frame as the space's own: unmap and vmspace_destroy return it to the PMM. */
#define PAGING_MAP_FLAGS (PTE_W | PTE_U | PTE_PWT | PTE_PCD | PTE_OWNED)

/* --- the bring-up (kernel/core/entry.asm; host tests) -------------------------------------- */

/* The first directory (pd, at physical pd_pa) over ntables consecutive page tables (tables, at
 * physical tables_pa): physical [4 KiB, ntables * 4 MiB) mapped writable at KERNEL_VIRT_BASE + pa,
 * and the first ident_pdes of those 4 MiB chunks also at va == pa; PDE 1023 -> pd. Runs with
 * paging off at physical addresses (see mm/paging_boot.c for what that forbids). */
void paging_boot_build(pde_t *pd, uint32_t pd_pa, pte_t *tables, uint32_t tables_pa,
		       unsigned ntables, unsigned ident_pdes);
/* Clear every PDE of pd below KERNEL_VIRT_BASE (the identity entries); returns how many were
 * present. The caller flushes the TLB (a CR3 reload: the entries covered many pages). */
unsigned paging_boot_drop_identity(pde_t *pd);

/* --- the kernel space (kernel/mm/paging_setup.c; host tests) --------------------------------- */

/* Allocate and clear the kernel's page directory, install the recursive PDE; it becomes the
 * kernel space and the current one (the caller loads CR3). Returns 0 or PAGING_ENOMEM. */
int paging_kernel_create(void);
vmspace_t paging_kernel_space(void);
/* The space whose directory is in CR3 (the kernel space until vmspace_switch). */
vmspace_t paging_current_space(void);

/* Map physical [start, end) (page aligned, page 0 excluded, end <= DIRECT_MAP_PHYS_END) at
 * KERNEL_VIRT_BASE + pa in the kernel space with flags (PTE_W or 0, PTE_PWT/PTE_PCD). With
 * large_ok, every 4 MiB-aligned 4 MiB chunk wholly inside the range whose PDE is still empty
 * becomes one 4 MiB page (the caller checked CPUID.PSE and sets CR4.PSE). */
int paging_map_direct(uint32_t start, uint32_t end, uint32_t flags, bool large_ok);
/* Create the empty kernel page tables covering [start, end) (e.g. the heap), so that later
 * mappings there need no new table and are shared by every space. */
int paging_prealloc_tables(uint32_t start, uint32_t end);

/* --- 4 KiB pages in the current space (kernel addresses: shared by every space) ------------- */
int paging_map(uint32_t va, uint32_t pa, uint32_t flags);
int paging_unmap(uint32_t va); /* invlpg; frees the frame if PTE_OWNED */
/* *pa = the physical address va translates to (offset included); *flags = the leaf entry's flags
 * (PTE_PS set for a 4 MiB page). Either pointer may be NULL. */
int paging_translate(uint32_t va, uint32_t *pa, uint32_t *flags);
int paging_protect(uint32_t va, uint32_t flags); /* new flags for a mapped page; invlpg */

/* --- address spaces ------------------------------------------------------------------------ */
/* A new directory: kernel PDEs copied from the kernel space, user range empty, recursive PDE. */
int vmspace_create(vmspace_t *out);
void vmspace_switch(vmspace_t space); /* CR3 := space (mm_load_cr3) */
/* Return every frame of the space to the PMM: its page tables of the user range, every frame
 * mapped there with PTE_OWNED, and its directory. Panics for the kernel or the current space. */
void vmspace_destroy(vmspace_t space);
/* The same operations on any space. For a non-kernel space va must lie in the user range. */
int vmspace_map(vmspace_t space, uint32_t va, uint32_t pa, uint32_t flags);
int vmspace_unmap(vmspace_t space, uint32_t va);
int vmspace_translate(vmspace_t space, uint32_t va, uint32_t *pa, uint32_t *flags);
int vmspace_protect(vmspace_t space, uint32_t va, uint32_t flags);
/* Allocate a zeroed frame and map it at va with flags | PTE_OWNED. */
int vmspace_alloc(vmspace_t space, uint32_t va, uint32_t flags);
/* Free the page tables of a non-kernel space's user range that cover [start, end) and hold no
 * entry at all (after munmap); returns how many went back to the PMM. */
unsigned vmspace_free_empty_tables(vmspace_t space, uint32_t start, uint32_t end);
/* Spaces created and not yet destroyed (the kernel space not counted). */
unsigned vmspace_live_count(void);

/* --- inspection (fault reports, tests, the boot log) --------------------------------------- */
pde_t paging_get_pde(vmspace_t space, uint32_t va);
/* The PTE for va; false when va's PDE is empty or maps a 4 MiB page (no table). */
bool paging_get_pte(vmspace_t space, uint32_t va, pte_t *pte);
/* Page tables referenced by the space's directory (the recursive slot and 4 MiB PDEs not
 * counted). */
unsigned paging_table_count(vmspace_t space);
/* 4 MiB PDEs in the space. */
unsigned paging_large_count(vmspace_t space);
/* Describe an entry's flags in words, e.g. "P W S A" -> "present writable supervisor accessed";
 * writes at most size bytes (NUL included) and returns buf. */
char *paging_describe_flags(uint32_t entry, bool is_pde, char *buf, unsigned size);

#endif
