/*
 * paging.c - 4 KiB page mappings in i386 two-level page tables: map, unmap, translate, protect,
 * the kernel space's direct map (with 4 MiB pages when the caller allows), the removal of the
 * boot identity map, and inspection.
 *
 * Tables are PMM frames from below mm_direct_limit(), reached through mm_phys_to_virt (the direct
 * map in the kernel, see include/vmlayout.h; simulated RAM on the host). After changing
 * or removing a present entry that may be cached in the TLB, the page is invalidated with invlpg
 * (SDM 3A 4.10.4.1: one INVLPG also covers a 4 MiB page); CR3 reloads flush everything else, as
 * the kernel uses no global pages. Address-space lifetimes are in vmspace.c.
 */
#include "mm/paging.h"
#include "mm/paging_internal.h"
#include "mm/pmm.h"

vmspace_t paging_kernel_pd;
vmspace_t paging_current_pd;

const char *paging_strerror(int err)
{
	switch (err) {
	case PAGING_OK:
		return "success";
	case PAGING_ENOMEM:
		return "out of physical frames";
	case PAGING_EEXIST:
		return "page already mapped";
	case PAGING_ENOENT:
		return "page not mapped";
	case PAGING_EINVAL:
		return "invalid argument (alignment, flags, page 0 or recursive slot)";
	case PAGING_ELARGE:
		return "address inside a 4 MiB page";
	case PAGING_ESHARED:
		return "new kernel page table while other address spaces exist";
	case PAGING_ERANGE:
		return "address outside the range this address space owns";
	default:
		return "unknown paging error";
	}
}

uint32_t paging_alloc_zeroed_frame(void)
{
	uint32_t pa = pmm_alloc_frames(1, 0, mm_direct_limit());
	if (pa == 0)
		return 0;
	/* volatile: keeps the compiler from turning the loop into a memset call (freestanding). */
	volatile uint32_t *w = (volatile uint32_t *)mm_phys_to_virt(pa);
	for (unsigned i = 0; i < PG_SIZE / sizeof(uint32_t); i++)
		w[i] = 0;
	return pa;
}

int paging_kernel_create(void)
{
	uint32_t pd = paging_alloc_zeroed_frame();
	if (pd == 0)
		return PAGING_ENOMEM;
	/* The recursive slot: PDE 1023 uses the directory as a page table, so the current space's
	 * tables appear at RECURSIVE_BASE and the directory at RECURSIVE_PD. Supervisor only. */
	paging_dir(pd)[RECURSIVE_SLOT] = pd | PTE_P | PTE_W;
	paging_kernel_pd = pd;
	paging_current_pd = pd;
	return PAGING_OK;
}

vmspace_t paging_kernel_space(void)
{
	return paging_kernel_pd;
}

vmspace_t paging_current_space(void)
{
	return paging_current_pd;
}

/* The PTE slot for va in space. With create, a missing table is allocated (subject to the
 * shared-kernel-table rule). On failure returns NULL and sets *err. */
static pte_t *paging_walk(vmspace_t space, uint32_t va, bool create, int *err)
{
	pde_t *pd = paging_dir(space);
	pde_t pde = pd[PDX(va)];
	if (pde & PTE_P) {
		if (pde & PTE_PS) {
			*err = PAGING_ELARGE;
			return NULL;
		}
		return &paging_table(PTE_ADDR(pde))[PTX(va)];
	}
	if (!create) {
		*err = PAGING_ENOENT;
		return NULL;
	}
	/* A kernel table created now would be missing from the spaces that copied the kernel PDEs
	 * already: refuse (the heap's tables are preallocated by paging_prealloc_tables). */
	if (PAGING_IS_KERNEL_VA(va) && paging_live_spaces > 0) {
		*err = PAGING_ESHARED;
		return NULL;
	}
	uint32_t table = paging_alloc_zeroed_frame();
	if (table == 0) {
		*err = PAGING_ENOMEM;
		return NULL;
	}
	pd[PDX(va)] = table | PAGING_TABLE_PDE_FLAGS(va);
	return &paging_table(table)[PTX(va)];
}

int paging_check_va(vmspace_t space, uint32_t va)
{
	if (!PG_ALIGNED(va) || va < NULL_PAGE_END || va >= RECURSIVE_BASE)
		return PAGING_EINVAL;
	if (PAGING_IS_KERNEL_VA(va) != (space == paging_kernel_pd))
		return PAGING_ERANGE;
	return PAGING_OK;
}

void paging_flush(vmspace_t space, uint32_t va)
{
	if (space == paging_current_pd || PAGING_IS_KERNEL_VA(va))
		mm_invlpg(va);
}

/* Kernel addresses always live in the kernel's (shared) tables, whatever space is current. */
static vmspace_t space_for(uint32_t va)
{
	return PAGING_IS_KERNEL_VA(va) ? paging_kernel_pd : paging_current_pd;
}

int vmspace_map(vmspace_t space, uint32_t va, uint32_t pa, uint32_t flags)
{
	int err = paging_check_va(space, va);
	if (err)
		return err;
	if (!PG_ALIGNED(pa) || (flags & ~PAGING_MAP_FLAGS) || ((flags & PTE_U) && va >= USER_END))
		return PAGING_EINVAL;
	pte_t *pte = paging_walk(space, va, true, &err);
	if (!pte)
		return err;
	if (*pte & PTE_P)
		return PAGING_EEXIST;
	*pte = pa | flags | PTE_P;
	/* Not-present entries are never cached (SDM 3A 4.10.2.3), so no invlpg is needed here. */
	return PAGING_OK;
}

int vmspace_unmap(vmspace_t space, uint32_t va)
{
	int err = paging_check_va(space, va);
	if (err)
		return err;
	pte_t *pte = paging_walk(space, va, false, &err);
	if (!pte)
		return err;
	pte_t old = *pte;
	if (!(old & PTE_P))
		return PAGING_ENOENT;
	*pte = 0;
	paging_flush(space, va);
	if (old & PTE_OWNED)
		pmm_free_frame(PTE_ADDR(old));
	return PAGING_OK;
}

int vmspace_translate(vmspace_t space, uint32_t va, uint32_t *pa, uint32_t *flags)
{
	pde_t pde = paging_dir(space)[PDX(va)];
	if (!(pde & PTE_P))
		return PAGING_ENOENT;
	uint32_t phys, fl;
	if (pde & PTE_PS) {
		phys = (pde & PDE_LG_ADDR_MASK) | LGOFF(va);
		fl = PTE_FLAGS(pde);
	} else {
		pte_t pte = paging_table(PTE_ADDR(pde))[PTX(va)];
		if (!(pte & PTE_P))
			return PAGING_ENOENT;
		phys = PTE_ADDR(pte) | PGOFF(va);
		fl = PTE_FLAGS(pte);
	}
	if (pa)
		*pa = phys;
	if (flags)
		*flags = fl;
	return PAGING_OK;
}

int vmspace_protect(vmspace_t space, uint32_t va, uint32_t flags)
{
	int err = paging_check_va(space, va);
	if (err)
		return err;
	if ((flags & ~(PAGING_MAP_FLAGS & ~PTE_OWNED)) || ((flags & PTE_U) && va >= USER_END))
		return PAGING_EINVAL;
	pte_t *pte = paging_walk(space, va, false, &err);
	if (!pte)
		return err;
	if (!(*pte & PTE_P))
		return PAGING_ENOENT;
	/* Ownership is not a protection: keep PTE_OWNED and the frame, replace the rest. */
	*pte = PTE_ADDR(*pte) | (*pte & PTE_OWNED) | flags | PTE_P;
	paging_flush(space, va);
	return PAGING_OK;
}

int paging_map(uint32_t va, uint32_t pa, uint32_t flags)
{
	return vmspace_map(space_for(va), va, pa, flags);
}

int paging_unmap(uint32_t va)
{
	return vmspace_unmap(space_for(va), va);
}

int paging_translate(uint32_t va, uint32_t *pa, uint32_t *flags)
{
	return vmspace_translate(paging_current_pd, va, pa, flags);
}

int paging_protect(uint32_t va, uint32_t flags)
{
	return vmspace_protect(space_for(va), va, flags);
}

int paging_map_direct(uint32_t start, uint32_t end, uint32_t flags, bool large_ok)
{
	if (!PG_ALIGNED(start) || !PG_ALIGNED(end) || start < NULL_PAGE_END ||
	    end > DIRECT_MAP_PHYS_END || start >= end ||
	    (flags & ~(uint32_t)(PTE_W | PTE_PWT | PTE_PCD)))
		return PAGING_EINVAL;
	pde_t *pd = paging_dir(paging_kernel_pd);
	uint32_t pa = start;
	while (pa < end) {
		uint32_t va = DIRECT_MAP_START + pa;
		if (large_ok && pa % LG_SIZE == 0 && end - pa >= LG_SIZE && pd[PDX(va)] == 0) {
			if (paging_live_spaces > 0)
				return PAGING_ESHARED;
			/* A 4 MiB page: the PDE holds the frame itself (SDM 3A table 4-4). */
			pd[PDX(va)] = pa | flags | PTE_PS | PTE_P;
			pa += LG_SIZE;
			continue;
		}
		int err = vmspace_map(paging_kernel_pd, va, pa, flags);
		if (err)
			return err;
		pa += PG_SIZE;
	}
	return PAGING_OK;
}

unsigned paging_boot_drop_identity(pde_t *pd)
{
	unsigned n = 0;
	for (unsigned i = 0; i < PAGING_KERNEL_PDX; i++) {
		if (pd[i] & PTE_P)
			n++;
		pd[i] = 0;
	}
	return n;
}

int paging_prealloc_tables(uint32_t start, uint32_t end)
{
	if (start % LG_SIZE || end % LG_SIZE || start >= end || start < KERNEL_VIRT_BASE ||
	    end > RECURSIVE_BASE)
		return PAGING_EINVAL;
	for (uint32_t va = start; va < end; va += LG_SIZE) {
		int err;
		if (!paging_walk(paging_kernel_pd, va, true, &err))
			return err;
	}
	return PAGING_OK;
}

pde_t paging_get_pde(vmspace_t space, uint32_t va)
{
	return paging_dir(space)[PDX(va)];
}

bool paging_get_pte(vmspace_t space, uint32_t va, pte_t *pte)
{
	pde_t pde = paging_dir(space)[PDX(va)];
	if (!(pde & PTE_P) || (pde & PTE_PS))
		return false;
	*pte = paging_table(PTE_ADDR(pde))[PTX(va)];
	return true;
}

unsigned paging_table_count(vmspace_t space)
{
	const pde_t *pd = paging_dir(space);
	unsigned n = 0;
	for (unsigned i = 0; i < RECURSIVE_SLOT; i++)
		if ((pd[i] & PTE_P) && !(pd[i] & PTE_PS))
			n++;
	return n;
}

unsigned paging_large_count(vmspace_t space)
{
	const pde_t *pd = paging_dir(space);
	unsigned n = 0;
	for (unsigned i = 0; i < RECURSIVE_SLOT; i++)
		if ((pd[i] & PTE_P) && (pd[i] & PTE_PS))
			n++;
	return n;
}
