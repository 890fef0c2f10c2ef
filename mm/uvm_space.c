/*
 * uvm_space.c - a process's address space over its life: create, fork (copy-on-write), exit
 * (every frame and every page table back), and the memory system calls as Linux defines them
 * (brk(2), mmap2(2) for anonymous private memory, munmap(2), mprotect(2)).
 *
 * Nothing is allocated before it is touched: brk and mmap only add regions, the frames come on
 * the first fault (mm/uvm_fault.c). Fork follows Linux's copy_page_range (mm/memory.c): for each
 * region, every present page is mapped in the child read-only and write-protected in the parent,
 * and its frame gains a reference (mm/cow.h); the first write on either side copies or reuses.
 * Exit and munmap drop one reference per page; the frame goes back to the PMM with its last one.
 */
#include "mm/uvm.h"

#include "mm/cow.h"
#include "mm/pmm.h"

int uvm_space_init(struct uvm_space *as)
{
	as->nregions = 0;
	as->brk_start = as->brk = 0;
	return vmspace_create(&as->pd) == PAGING_OK ? 0 : UVM_ENOMEM;
}

/* Drop the pages of [start, end) (page aligned): each PTE cleared, its frame's count down. */
static void space_drop_pages(struct uvm_space *as, uint32_t start, uint32_t end)
{
	for (uint64_t va = start; va < end;) {
		if (!(paging_get_pde(as->pd, (uint32_t)va) & PTE_P)) {
			va = LG_ROUND_DOWN(va) + LG_SIZE; /* no table: skip its 4 MiB */
			continue;
		}
		pte_t pte;
		if (paging_get_pte(as->pd, (uint32_t)va, &pte) && (pte & PTE_P)) {
			if (pte & PTE_OWNED)
				mm_panic("uvm: page 0x%08x of space 0x%08x is PTE_OWNED, not counted",
					 (unsigned)va, (unsigned)as->pd);
			int err = vmspace_unmap(as->pd, (uint32_t)va);
			if (err)
				mm_panic("uvm: unmap 0x%08x: %s", (unsigned)va,
					 paging_strerror(err));
			cow_ref_put(PTE_ADDR(pte));
		}
		va += PG_SIZE;
	}
}

void uvm_space_release(struct uvm_space *as)
{
	/* Only the regions' pages, as Linux's exit_mmap walks the VMAs (unmap_vmas): a page is
	 * mapped only inside a region (the fault handler, fork and exec map there, munmap drops
	 * pages with their region), so the page tables' other entries need no look. */
	for (unsigned i = 0; i < as->nregions; i++)
		space_drop_pages(as, as->regions[i].start, as->regions[i].end);
	vmspace_destroy(as->pd);
	as->pd = 0;
	as->nregions = 0;
}

/* Share the present pages of [start, end) of parent with child, read-only in both. */
static int space_share_pages(struct uvm_space *parent, struct uvm_space *child, uint32_t start,
			     uint32_t end)
{
	for (uint64_t va = start; va < end;) {
		if (!(paging_get_pde(parent->pd, (uint32_t)va) & PTE_P)) {
			va = LG_ROUND_DOWN(va) + LG_SIZE;
			continue;
		}
		pte_t pte;
		if (paging_get_pte(parent->pd, (uint32_t)va, &pte) && (pte & PTE_P)) {
			uint32_t frame = PTE_ADDR(pte), flags = pte & PTE_U;
			if (!cow_ref_get(frame))
				return UVM_EAGAIN;
			int err = vmspace_map(child->pd, (uint32_t)va, frame, flags);
			if (err) {
				cow_ref_put(frame);
				return UVM_ENOMEM;
			}
			if (pte & PTE_W) {
				err = vmspace_protect(parent->pd, (uint32_t)va, flags);
				if (err)
					mm_panic("uvm: write-protect 0x%08x: %s", (unsigned)va,
						 paging_strerror(err));
			}
		}
		va += PG_SIZE;
	}
	return 0;
}

int uvm_space_fork(struct uvm_space *parent, struct uvm_space *child)
{
	int err = uvm_space_init(child);
	if (err)
		return err;
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	child->nregions = parent->nregions;
	for (unsigned i = 0; i < parent->nregions; i++)
		child->regions[i] = parent->regions[i];
	for (unsigned i = 0; i < parent->nregions && !err; i++)
		err = space_share_pages(parent, child, parent->regions[i].start,
					parent->regions[i].end);
	if (err)
		uvm_space_release(child);
	return err;
}

int uvm_stack_setup(struct uvm_space *as, uint32_t size)
{
	if (!PG_ALIGNED(size) || size == 0 || size > UVM_STACK_MAX)
		return UVM_EINVAL;
	return uvm_region_insert(as, UVM_STACK_TOP - size, UVM_STACK_TOP,
				 UVM_PROT_READ | UVM_PROT_WRITE, UVM_KIND_STACK);
}

void uvm_brk_setup(struct uvm_space *as, uint32_t start)
{
	as->brk_start = as->brk = start;
}

/* [addr, addr + len) rounded up to pages, inside the user range: its end, or 0 when it is not. */
static uint32_t space_span_end(uint32_t addr, uint32_t len)
{
	uint32_t rlen = (uint32_t)PG_ROUND_UP((uint64_t)len);
	if (len == 0 || rlen < len || !VM_IS_USER(addr) || rlen > USER_END - addr)
		return 0;
	return addr + rlen;
}

int uvm_munmap(struct uvm_space *as, uint32_t addr, uint32_t len)
{
	uint32_t end = space_span_end(addr, len);
	if (!PG_ALIGNED(addr) || end == 0)
		return UVM_EINVAL;
	int err = uvm_region_remove(as, addr, end);
	if (err)
		return err;
	space_drop_pages(as, addr, end);
	vmspace_free_empty_tables(as->pd, addr, end);
	return 0;
}

int uvm_mprotect(struct uvm_space *as, uint32_t addr, uint32_t len, unsigned prot)
{
	uint32_t end = space_span_end(addr, len);
	if (!PG_ALIGNED(addr) || end == 0 || (prot & ~UVM_PROT_MASK))
		return UVM_EINVAL;
	int err = uvm_region_protect(as, addr, end, prot);
	if (err)
		return err;
	for (uint32_t va = addr; va < end; va += PG_SIZE) {
		pte_t pte;
		if (!paging_get_pte(as->pd, va, &pte) || !(pte & PTE_P))
			continue;
		uint32_t flags = prot == UVM_PROT_NONE ? 0 : PTE_U;
		if ((prot & UVM_PROT_WRITE) && (pte & PTE_W))
			flags |= PTE_W;
		err = vmspace_protect(as->pd, va, flags);
		if (err)
			mm_panic("uvm: mprotect 0x%08x: %s", (unsigned)va, paging_strerror(err));
	}
	return 0;
}

uint32_t uvm_brk(struct uvm_space *as, uint32_t new_brk)
{
	if (new_brk < as->brk_start || new_brk >= UVM_MMAP_TOP)
		return as->brk;
	uint32_t old_end = PG_ROUND_UP(as->brk), new_end = PG_ROUND_UP(new_brk);
	if (new_end > old_end) {
		/* Linux sys_brk: the new pages must not touch another mapping (nor the stack's gap). */
		if (uvm_region_find_gap(as, new_end - old_end, old_end, old_end, new_end) !=
			    old_end ||
		    uvm_region_insert(as, old_end, new_end, UVM_PROT_READ | UVM_PROT_WRITE,
				      UVM_KIND_BRK) != 0)
			return as->brk;
	} else if (new_end < old_end) {
		if (uvm_munmap(as, new_end, old_end - new_end) != 0)
			return as->brk;
	}
	as->brk = new_brk;
	return as->brk;
}

int uvm_mmap_anon(struct uvm_space *as, uint32_t addr, uint32_t len, unsigned prot, unsigned flags,
		  uint32_t *out)
{
	if (len == 0 || (prot & ~UVM_PROT_MASK) || !(flags & UVM_MAP_ANONYMOUS) ||
	    (flags & UVM_MAP_SHARED) || !(flags & UVM_MAP_PRIVATE))
		return UVM_EINVAL;
	uint32_t rlen = (uint32_t)PG_ROUND_UP((uint64_t)len);
	if (rlen < len || rlen > UVM_MMAP_TOP - UVM_MIN_ADDR)
		return UVM_ENOMEM;
	if (flags & UVM_MAP_FIXED) {
		if (!PG_ALIGNED(addr))
			return UVM_EINVAL;
		if (addr < UVM_MIN_ADDR)
			return UVM_EPERM; /* Linux: below mmap_min_addr */
		if (addr >= USER_END || rlen > USER_END - addr)
			return UVM_ENOMEM;
		/* The old mappings go first (Linux replaces them); room for the worst case of a
		 * region cut in two plus the new one is checked before anything changes. */
		if (as->nregions + 2 > UVM_MAX_REGIONS)
			return UVM_ENOMEM;
		int err = uvm_munmap(as, addr, rlen);
		if (!err)
			err = uvm_region_insert(as, addr, addr + rlen, prot, UVM_KIND_ANON);
		if (err)
			return err;
		*out = addr;
		return 0;
	}
	uint32_t at =
		uvm_region_find_gap(as, rlen, PG_ROUND_DOWN(addr), UVM_MIN_ADDR, UVM_MMAP_TOP);
	if (at == 0)
		return UVM_ENOMEM;
	int err = uvm_region_insert(as, at, at + rlen, prot, UVM_KIND_ANON);
	if (err)
		return err;
	*out = at;
	return 0;
}

void uvm_space_count_range(const struct uvm_space *as, uint32_t start, uint32_t end,
			   unsigned *resident, unsigned *shared)
{
	unsigned res = 0, sh = 0;
	for (uint64_t va = start; va < end;) {
		if (!(paging_get_pde(as->pd, (uint32_t)va) & PTE_P)) {
			va = LG_ROUND_DOWN(va) + LG_SIZE; /* no table: skip its 4 MiB */
			continue;
		}
		pte_t pte;
		if (paging_get_pte(as->pd, (uint32_t)va, &pte) && (pte & PTE_P)) {
			res++;
			if (cow_ref_count(PTE_ADDR(pte)) > 1)
				sh++;
		}
		va += PG_SIZE;
	}
	*resident = res;
	*shared = sh;
}

void uvm_space_count_pages(const struct uvm_space *as, unsigned *resident, unsigned *shared)
{
	uvm_space_count_range(as, USER_START, USER_END, resident, shared);
}
