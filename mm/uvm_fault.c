/*
 * uvm_fault.c - what a page fault in the user range means and doing it: demand-zero fill,
 * copy-on-write copy, reuse by the last sharer, stack growth, or SIGSEGV with the reason.
 *
 * The decision (uvm_fault_decide) is a pure function of the regions, the error code the CPU
 * pushed (Intel SDM Vol. 3A 4.7: P, W/R, U/S, RSVD, I/D), the page's PTE and its frame's count,
 * so tests can enumerate it. It follows Linux: arch/x86/mm/fault.c do_user_addr_fault and
 * access_error (a write needs VM_WRITE, any other access needs the region to be accessible at
 * all; without NX a fetch is a read), mm/memory.c handle_pte_fault (no PTE: do_anonymous_page,
 * a write to a present read-only PTE: do_wp_page, which reuses the page when its count is one
 * and copies it otherwise), mm/mmap.c expand_downwards (stack growth within the stack limit and
 * outside the guard gap of the region below).
 *
 * Frames are zeroed and copied through kmap (mm/kmap.h): the direct map for frames below it, a
 * temporary window for frames above it (RAM past the direct map's limit is handed out to user
 * pages like any other).
 */
#include "mm/uvm.h"

#include "mm/cow.h"
#include "mm/kmap.h"
#include "mm/pmm.h"

const char *uvm_segv_reason_name(enum uvm_segv_reason reason)
{
	switch (reason) {
	case UVM_SEGV_NONE:
		return "none";
	case UVM_SEGV_NULL:
		return "NULL page";
	case UVM_SEGV_KERNEL:
		return "kernel address";
	case UVM_SEGV_UNMAPPED:
		return "not mapped";
	case UVM_SEGV_WRITE:
		return "write to a read-only region";
	case UVM_SEGV_PROT_NONE:
		return "access to a PROT_NONE region";
	case UVM_SEGV_STACK_LIMIT:
		return "stack limit reached";
	case UVM_SEGV_GUARD_GAP:
		return "stack guard gap";
	case UVM_SEGV_RESERVED_BIT:
		return "reserved bit in a paging entry";
	}
	return "?";
}

enum uvm_segv_reason uvm_stack_growth_check(const struct uvm_space *as,
					    const struct uvm_region *stack, uint32_t page)
{
	if (stack->end - page > UVM_STACK_MAX)
		return stack->end - page > UVM_STACK_MAX + UVM_STACK_GUARD_GAP ?
			       UVM_SEGV_UNMAPPED :
			       UVM_SEGV_STACK_LIMIT;
	unsigned i = (unsigned)(stack - as->regions);
	if (i > 0 && as->regions[i - 1].end + UVM_STACK_GUARD_GAP > page)
		return UVM_SEGV_GUARD_GAP;
	if (page < UVM_MIN_ADDR)
		return UVM_SEGV_NULL;
	return UVM_SEGV_NONE;
}

static void fault_segv(struct uvm_fault *out, enum uvm_segv_reason reason, int si_code)
{
	out->action = UVM_FAULT_SIGSEGV;
	out->reason = reason;
	out->si_code = si_code;
}

void uvm_fault_decide(const struct uvm_space *as, uint32_t addr, uint32_t err, pte_t pte,
		      unsigned refs, struct uvm_fault *out)
{
	out->page = PG_ROUND_DOWN(addr);
	out->reason = UVM_SEGV_NONE;
	out->si_code = 0;
	if (err & PFE_RSVD)
		return fault_segv(out, UVM_SEGV_RESERVED_BIT, UVM_SEGV_ACCERR);
	if (!VM_IS_USER(addr))
		return fault_segv(out, UVM_SEGV_KERNEL, UVM_SEGV_MAPERR);
	const struct uvm_region *r = uvm_region_find(as, addr);
	if (!r) {
		if (addr < UVM_MIN_ADDR)
			return fault_segv(out, UVM_SEGV_NULL, UVM_SEGV_MAPERR);
		const struct uvm_region *next = uvm_region_next(as, addr);
		if (!next || next->kind != UVM_KIND_STACK)
			return fault_segv(out, UVM_SEGV_UNMAPPED, UVM_SEGV_MAPERR);
		enum uvm_segv_reason why = uvm_stack_growth_check(as, next, out->page);
		if (why != UVM_SEGV_NONE)
			return fault_segv(out, why, UVM_SEGV_MAPERR);
		out->action = UVM_FAULT_GROW_STACK;
		return;
	}
	bool write = err & PFE_W;
	if (r->prot == UVM_PROT_NONE)
		return fault_segv(out, UVM_SEGV_PROT_NONE, UVM_SEGV_ACCERR);
	if (write && !(r->prot & UVM_PROT_WRITE))
		return fault_segv(out, UVM_SEGV_WRITE, UVM_SEGV_ACCERR);
	if (!(pte & PTE_P))
		out->action = UVM_FAULT_ZERO_FILL;
	else if ((pte & PTE_U) && (!write || (pte & PTE_W)))
		out->action = UVM_FAULT_SPURIOUS; /* e.g. a stale TLB entry already refreshed */
	else if (write && refs > 1)
		out->action = UVM_FAULT_COW_COPY;
	else
		out->action = UVM_FAULT_REUSE;
}

/* The PTE flags a page of a region gets: user-accessible unless PROT_NONE, writable only when
 * the region is and no other page table maps the frame. */
static uint32_t fault_pte_flags(unsigned prot, bool exclusive)
{
	if (prot == UVM_PROT_NONE)
		return 0;
	return PTE_U | ((prot & UVM_PROT_WRITE) && exclusive ? PTE_W : 0);
}

/* Zero frame, or copy frame src into it: false when no window could be had for it. */
static bool fault_fill_frame(uint32_t frame, uint32_t src)
{
	uint8_t *d = kmap(frame);
	if (!d)
		return false;
	const uint8_t *s = src ? kmap(src) : NULL;
	if (src && !s) {
		kunmap(d);
		return false;
	}
	if (s)
		__builtin_memcpy(d, s, PG_SIZE);
	else
		__builtin_memset(d, 0, PG_SIZE);
	if (s)
		kunmap((void *)(uintptr_t)s);
	kunmap(d);
	return true;
}

/* A frame from the PMM, zeroed or holding a copy of src (0: zeroed); 0 when there is none
 * (no free frame, or no window to fill it through: either way the fault cannot be served). */
static uint32_t fault_new_frame(uint32_t src)
{
	uint32_t frame = pmm_alloc_frame();
	if (frame && !fault_fill_frame(frame, src)) {
		pmm_free_frame(frame);
		frame = 0;
	}
	return frame;
}

static int fault_map_zeroed(struct uvm_space *as, uint32_t page, unsigned prot, uint32_t *pa)
{
	uint32_t frame = fault_new_frame(0);
	if (frame == 0)
		return UVM_ENOMEM;
	cow_ref_new(frame);
	int err = vmspace_map(as->pd, page, frame, fault_pte_flags(prot, true));
	if (err) {
		cow_ref_put(frame); /* frees it */
		return err == PAGING_ENOMEM ? UVM_ENOMEM : UVM_EEXIST;
	}
	if (pa)
		*pa = frame;
	return 0;
}

int uvm_page_populate(struct uvm_space *as, uint32_t va, uint32_t *pa)
{
	const struct uvm_region *r = uvm_region_find(as, va);
	if (!PG_ALIGNED(va) || !r)
		return UVM_EINVAL;
	return fault_map_zeroed(as, va, r->prot, pa);
}

/* Do_wp_page's copy: a frame of our own with the shared one's bytes, mapped writable in place
 * of it; the shared frame loses one reference. */
static int fault_copy(struct uvm_space *as, uint32_t page, pte_t pte, unsigned prot)
{
	uint32_t old = PTE_ADDR(pte);
	uint32_t frame = fault_new_frame(old);
	if (frame == 0)
		return UVM_ENOMEM;
	cow_ref_new(frame);
	int err = vmspace_unmap(as->pd, page);
	if (!err)
		err = vmspace_map(as->pd, page, frame, fault_pte_flags(prot, true));
	if (err)
		mm_panic("uvm: copy-on-write of 0x%08x in space 0x%08x: %s", (unsigned)page,
			 (unsigned)as->pd, paging_strerror(err));
	cow_ref_put(old);
	return 0;
}

enum uvm_fault_result uvm_fault_handle(struct uvm_space *as, uint32_t addr, uint32_t err,
				       struct uvm_fault *out)
{
	pte_t pte = 0;
	unsigned refs = 0;
	uint32_t page = PG_ROUND_DOWN(addr);
	if (VM_IS_USER(addr) && paging_get_pte(as->pd, page, &pte) && (pte & PTE_P))
		refs = cow_ref_count(PTE_ADDR(pte));
	else
		pte = 0;
	uvm_fault_decide(as, addr, err, pte, refs, out);
	const struct uvm_region *r = uvm_region_find(as, addr);
	int rc = 0;
	switch (out->action) {
	case UVM_FAULT_SIGSEGV:
		return UVM_FAULT_SEGV;
	case UVM_FAULT_SPURIOUS:
		return UVM_FAULT_RESOLVED;
	case UVM_FAULT_GROW_STACK:
		r = uvm_region_next(as, addr);
		uvm_region_grow_stack(as, r, page);
		rc = fault_map_zeroed(as, page, r->prot, NULL);
		break;
	case UVM_FAULT_ZERO_FILL:
		rc = fault_map_zeroed(as, page, r->prot, NULL);
		break;
	case UVM_FAULT_COW_COPY:
		rc = fault_copy(as, page, pte, r->prot);
		break;
	case UVM_FAULT_REUSE:
		rc = vmspace_protect(as->pd, page, fault_pte_flags(r->prot, refs <= 1));
		break;
	}
	if (rc == UVM_ENOMEM)
		return UVM_FAULT_OOM;
	if (rc)
		mm_panic("uvm: fault at 0x%08x in space 0x%08x: action %d failed (%d)",
			 (unsigned)addr, (unsigned)as->pd, (int)out->action, rc);
	return UVM_FAULT_RESOLVED;
}
