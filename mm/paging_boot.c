/*
 * paging_boot.c - the first page directory, built before paging is on: the kernel mapped twice,
 * at its physical address (identity) and at KERNEL_VIRT_BASE + physical (include/vmlayout.h).
 *
 * kernel/core/entry.asm calls paging_boot_build at physical addresses with paging off, so this file
 * must run anywhere: kernel/kernel.ld.S links its code into the .boot section (linked at its
 * physical address) and it touches nothing but its arguments: no global variable, no call, no
 * constant table (those would be at high addresses, not mapped yet). The host tests call it on
 * simulated RAM. Why two mappings: the instruction after the CR0 write is fetched through the
 * new tables at the address the CPU was already running at (physical), so that address must be
 * mapped (Intel SDM Vol. 3A 9.9.1); once the code has jumped to its high address nothing runs
 * from the low one, and paging_boot_drop_identity (mm/paging.c) removes it.
 */
#include "mm/paging.h"

void paging_boot_build(pde_t *pd, uint32_t pd_pa, pte_t *tables, uint32_t tables_pa,
		       unsigned ntables, unsigned ident_pdes)
{
	/* volatile: no memset call may replace the loops (it would be linked high). */
	volatile pde_t *d = pd;
	volatile pte_t *t = tables;

	for (unsigned i = 0; i < PT_ENTRIES; i++)
		d[i] = 0;
	for (unsigned i = 0; i < ntables * PT_ENTRIES; i++) {
		uint32_t pa = (uint32_t)i << PG_SHIFT;
		/* Physical page 0 stays unmapped at both addresses (a NULL guard from the start). */
		t[i] = pa < NULL_PAGE_END ? 0 : pa | PTE_P | PTE_W;
	}
	for (unsigned i = 0; i < ntables; i++) {
		pde_t pde = (tables_pa + i * PG_SIZE) | PTE_P | PTE_W;
		d[(KERNEL_VIRT_BASE >> PDX_SHIFT) + i] = pde;
		if (i < ident_pdes)
			d[i] = pde; /* the same table: va == pa for the kernel's first 4 MiB chunks */
	}
	d[RECURSIVE_SLOT] = pd_pa | PTE_P | PTE_W;
}
