/*
 * paging_internal.h - what mm/paging.c and mm/vmspace.c share and nobody else should use: the
 * way to reach a directory or a table (mm_phys_to_virt: the direct map in the kernel, simulated
 * RAM on the host), a cleared frame for a new table, the argument check and TLB flush of a
 * change, and the bookkeeping of spaces.
 */
#ifndef MM_PAGING_INTERNAL_H
#define MM_PAGING_INTERNAL_H

#include "mm/paging.h"

/* First PDE of the kernel's gigabyte: PDEs below it are private to each space, PDEs from it up
 * to the recursive slot are the kernel's and shared. */
#define PAGING_KERNEL_PDX          (KERNEL_VIRT_BASE >> PDX_SHIFT)
/* Kernel addresses live in the kernel's shared tables whatever space is current. */
#define PAGING_IS_KERNEL_VA(va)    ((uint32_t)(va) >= KERNEL_VIRT_BASE)
/* PDE flags of a page table: present and writable, so the PTE alone decides (SDM 3A 4.6: the
 * effective right is the most restrictive of PDE and PTE); user only in the user range. */
#define PAGING_TABLE_PDE_FLAGS(va) (PTE_P | PTE_W | (PAGING_IS_KERNEL_VA(va) ? 0 : PTE_U))

static inline pde_t *paging_dir(vmspace_t space)
{
	return (pde_t *)mm_phys_to_virt(space);
}

static inline pte_t *paging_table(uint32_t table_pa)
{
	return (pte_t *)mm_phys_to_virt(table_pa);
}

/* A frame from the PMM below mm_direct_limit() (so that it can be reached), cleared; 0 when
 * there is none. */
uint32_t paging_alloc_zeroed_frame(void);

/* Argument checks common to map/unmap/protect: 0 or a PAGING_E* code. */
int paging_check_va(vmspace_t space, uint32_t va);

/* invlpg when the change can be in the TLB: the space is current or va is a shared kernel page. */
void paging_flush(vmspace_t space, uint32_t va);

/* Kept by vmspace.c, read by paging.c (kernel tables may only appear while it is 0). */
extern unsigned paging_live_spaces;
extern vmspace_t paging_kernel_pd;
extern vmspace_t paging_current_pd;

#endif
