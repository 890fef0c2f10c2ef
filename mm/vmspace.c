/*
 * vmspace.c - address spaces: create (sharing the kernel's page tables), switch (CR3), destroy
 * (every frame back to the PMM), and allocate-and-map for a space's own frames.
 *
 * A space is named by its directory's physical address. Its PDEs from KERNEL_VIRT_BASE up to the
 * recursive slot are copies of the kernel's, made at creation: they point at the kernel's tables,
 * which therefore must all exist before the first space is created (paging.c refuses new kernel
 * tables while spaces are alive, PAGING_ESHARED). The user range [USER_START, USER_END) is
 * private: its tables and every frame mapped there with PTE_OWNED belong to the space and are
 * freed with it.
 */
#include "mm/paging.h"
#include "mm/paging_internal.h"
#include "mm/pmm.h"

unsigned paging_live_spaces;

/* A directory we built has the recursive PDE pointing at itself: cheap proof it is one. */
static void check_directory(vmspace_t space, const char *what)
{
	if (space == 0 || !PG_ALIGNED(space) ||
	    PTE_ADDR(paging_dir(space)[RECURSIVE_SLOT]) != space)
		mm_panic("%s: 0x%08x is not a page directory (PDE 1023 = 0x%08x)", what,
			 (unsigned)space,
			 space && PG_ALIGNED(space) ? (unsigned)paging_dir(space)[RECURSIVE_SLOT] :
						      0u);
}

int vmspace_create(vmspace_t *out)
{
	if (paging_kernel_pd == 0)
		mm_panic("vmspace_create: no kernel space yet (paging_kernel_create first)");
	uint32_t pd = paging_alloc_zeroed_frame();
	if (pd == 0)
		return PAGING_ENOMEM;
	const pde_t *kpd = paging_dir(paging_kernel_pd);
	pde_t *npd = paging_dir(pd);
	for (unsigned i = PAGING_KERNEL_PDX; i < RECURSIVE_SLOT; i++)
		npd[i] = kpd[i];
	npd[RECURSIVE_SLOT] = pd | PTE_P | PTE_W;
	paging_live_spaces++;
	*out = pd;
	return PAGING_OK;
}

void vmspace_switch(vmspace_t space)
{
	check_directory(space, "vmspace_switch");
	paging_current_pd = space;
	mm_load_cr3(space);
}

void vmspace_destroy(vmspace_t space)
{
	check_directory(space, "vmspace_destroy");
	if (space == paging_kernel_pd)
		mm_panic("vmspace_destroy: 0x%08x is the kernel space", (unsigned)space);
	if (space == paging_current_pd)
		mm_panic("vmspace_destroy: 0x%08x is the current space (switch away first)",
			 (unsigned)space);
	pde_t *pd = paging_dir(space);
	for (unsigned i = 0; i < PAGING_KERNEL_PDX; i++) {
		pde_t pde = pd[i];
		if (!(pde & PTE_P))
			continue;
		if (pde & PTE_PS)
			mm_panic("vmspace_destroy: 4 MiB PDE %u (0x%08x) in the user range of 0x%08x",
				 i, (unsigned)pde, (unsigned)space);
		pte_t *pt = paging_table(PTE_ADDR(pde));
		for (unsigned j = 0; j < PT_ENTRIES; j++)
			if ((pt[j] & PTE_P) && (pt[j] & PTE_OWNED))
				pmm_free_frame(PTE_ADDR(pt[j]));
		pmm_free_frame(PTE_ADDR(pde));
		pd[i] = 0;
	}
	pd[RECURSIVE_SLOT] = 0; /* a stale handle now fails check_directory */
	pmm_free_frame(space);
	paging_live_spaces--;
}

int vmspace_alloc(vmspace_t space, uint32_t va, uint32_t flags)
{
	uint32_t pa = paging_alloc_zeroed_frame();
	if (pa == 0)
		return PAGING_ENOMEM;
	int err = vmspace_map(space, va, pa, flags | PTE_OWNED);
	if (err)
		pmm_free_frame(pa);
	return err;
}

unsigned vmspace_live_count(void)
{
	return paging_live_spaces;
}

unsigned vmspace_free_empty_tables(vmspace_t space, uint32_t start, uint32_t end)
{
	check_directory(space, "vmspace_free_empty_tables");
	pde_t *pd = paging_dir(space);
	unsigned freed = 0;
	for (uint64_t va = LG_ROUND_DOWN(start); va < end; va += LG_SIZE) {
		/* Checked at the table's second page: the first page of all may never be mapped. */
		if (paging_check_va(space, (uint32_t)va + PG_SIZE) != PAGING_OK)
			continue;
		pde_t pde = pd[PDX(va)];
		if (!(pde & PTE_P) || (pde & PTE_PS))
			continue;
		const pte_t *pt = paging_table(PTE_ADDR(pde));
		unsigned j = 0;
		while (j < PT_ENTRIES && pt[j] == 0)
			j++;
		if (j < PT_ENTRIES)
			continue;
		pd[PDX(va)] = 0;
		/* INVLPG also drops the paging-structure cache entries (SDM 3A 4.10.4.1). */
		paging_flush(space, (uint32_t)va);
		pmm_free_frame(PTE_ADDR(pde));
		freed++;
	}
	return freed;
}
