/*
 * uaccess.c - checked access to a process's memory for the kernel (mm/uaccess.h).
 *
 * The check walks the region list once over the span (Linux access_ok checks only the range;
 * the region walk stands in for the fault that Linux's copy_to_user would take and fix up
 * through its exception table, which a kernel without such tables must not take). Spans are
 * handled as [ptr, end) with end computed only after len <= USER_END - ptr holds, so no sum
 * wraps.
 */
#include "mm/uaccess.h"

#include "mm/kmap.h"

static bool uaccess_region_allows(const struct uvm_region *r, bool write)
{
	return write ? (r->prot & UVM_PROT_WRITE) != 0 : r->prot != UVM_PROT_NONE;
}

int uaccess_check(const struct uvm_space *as, uint32_t ptr, uint32_t len, bool write)
{
	if (len == 0)
		return 0;
	if (!VM_IS_USER(ptr) || len > USER_END - ptr)
		return UVM_EFAULT;
	uint32_t cur = ptr, end = ptr + len;
	while (cur < end) {
		const struct uvm_region *r = uvm_region_find(as, cur);
		if (!r) {
			/* Below the stack: fine when the stack may grow down to here. */
			const struct uvm_region *next = uvm_region_next(as, cur);
			if (!next || next->kind != UVM_KIND_STACK ||
			    uvm_stack_growth_check(as, next, PG_ROUND_DOWN(cur)) != UVM_SEGV_NONE)
				return UVM_EFAULT;
			r = next;
		}
		if (!uaccess_region_allows(r, write))
			return UVM_EFAULT;
		cur = r->end;
	}
	return 0;
}

int uaccess_fault_in(struct uvm_space *as, uint32_t ptr, uint32_t len, bool write)
{
	int err = uaccess_check(as, ptr, len, write);
	if (err || len == 0)
		return err;
	uint32_t last = PG_ROUND_DOWN(ptr + len - 1);
	/* Top down, so that a span reaching below the stack grows it page by page in order. */
	for (uint32_t page = last;; page -= PG_SIZE) {
		pte_t pte = 0;
		if (!paging_get_pte(as->pd, page, &pte))
			pte = 0;
		bool ok = (pte & PTE_P) && (pte & PTE_U) && (!write || (pte & PTE_W));
		if (!ok) {
			struct uvm_fault f;
			uint32_t code = (pte & PTE_P ? PFE_P : 0) | (write ? PFE_W : 0);
			switch (uvm_fault_handle(as, page, code, &f)) {
			case UVM_FAULT_RESOLVED:
				break;
			case UVM_FAULT_SEGV:
				return UVM_EFAULT;
			case UVM_FAULT_OOM:
				return UVM_ENOMEM;
			}
		}
		if (page <= PG_ROUND_DOWN(ptr))
			break;
	}
	return 0;
}

/* The kernel's view of user address va's page, whose frame is present (after
 * uaccess_fault_in): kmap's, so a frame above the direct map gets a window (kunmap it after).
 * NULL when no window is free. */
static uint8_t *uaccess_map_page(const struct uvm_space *as, uint32_t va)
{
	uint32_t pa;
	int err = vmspace_translate(as->pd, va, &pa, NULL);
	if (err)
		mm_panic("uaccess: 0x%08x in space 0x%08x not present after fault-in: %s",
			 (unsigned)va, (unsigned)as->pd, paging_strerror(err));
	return kmap(PG_ROUND_DOWN(pa));
}

/* Copy len bytes between the process's uaddr and kbuf, page by page; to_user picks the way. */
static int uaccess_copy(struct uvm_space *as, uint32_t uaddr, uint8_t *kbuf, uint32_t len,
			bool to_user)
{
	int err = uaccess_fault_in(as, uaddr, len, to_user);
	if (err)
		return err;
	while (len > 0) {
		uint32_t chunk = PG_SIZE - PGOFF(uaddr);
		if (chunk > len)
			chunk = len;
		uint8_t *page = uaccess_map_page(as, uaddr);
		if (!page)
			return UVM_ENOMEM;
		if (to_user)
			__builtin_memcpy(page + PGOFF(uaddr), kbuf, chunk);
		else
			__builtin_memcpy(kbuf, page + PGOFF(uaddr), chunk);
		kunmap(page);
		uaddr += chunk;
		kbuf += chunk;
		len -= chunk;
	}
	return 0;
}

int uaccess_copy_from(struct uvm_space *as, void *dst, uint32_t usrc, uint32_t len)
{
	return uaccess_copy(as, usrc, (uint8_t *)dst, len, false);
}

int uaccess_copy_to(struct uvm_space *as, uint32_t udst, const void *src, uint32_t len)
{
	return uaccess_copy(as, udst, (uint8_t *)(uintptr_t)src, len, true);
}

int uaccess_copy_string(struct uvm_space *as, char *dst, uint32_t usrc, uint32_t size)
{
	uint32_t n = 0;
	while (n < size) {
		/* One page (or what is left of size) at a time: a string may end just before an
		 * unmapped page. */
		uint32_t va = usrc + n;
		if (va < usrc)
			return UVM_EFAULT;
		uint32_t chunk = PG_SIZE - PGOFF(va);
		if (chunk > size - n)
			chunk = size - n;
		int err = uaccess_fault_in(as, va, 1, false);
		if (err)
			return err;
		uint8_t *page = uaccess_map_page(as, va);
		if (!page)
			return UVM_ENOMEM;
		const char *k = (const char *)page + PGOFF(va);
		uint32_t i = 0;
		while (i < chunk && k[i] != '\0')
			dst[n++] = k[i++];
		bool ended = i < chunk;
		kunmap(page);
		if (ended) {
			dst[n] = '\0';
			return (int)n;
		}
	}
	if (size > 0)
		dst[size - 1] = '\0';
	return UVM_ENAMETOOLONG;
}
