/*
 * pagefault.c - the page-fault report (vector 14): what was accessed, how, what the page tables
 * say about it and what lives there; then panic. trap_dispatch (traps.c) calls it after printing
 * the exception name and the registers.
 *
 *   page fault: address 0x00000000: page not present, read, supervisor mode
 *     PDE[0] = 0x0012f003 (present writable supervisor) -> page table at 0x0012f000
 *     PTE[0] = 0x00000000 (not-present)
 *     what: NULL page (page 0 is never mapped: a NULL pointer dereference)
 *   PANIC: page fault at 0x00000000 in NULL page: page not present, read, supervisor mode ...
 *
 * Error code bits: SDM 3A 4.7 (P, W/R, U/S, RSVD, I/D). The PDE and PTE are read from the
 * directory in CR3 (the space that faulted), through the direct map like all page-table access.
 */
#include "kernel/mm/pagefault.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/trap_frame.h"
#include "kernel/core/panic.h"
#include "kernel/layout.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/paging_setup.h"
#include "mm/paging.h"
#include "x86.h"

/* The region an address belongs to, in words (include/vmlayout.h, kernel/kernel.ld.S). */
static const char *describe_region(uint32_t va)
{
	uintptr_t guard = (uintptr_t)__stack_guard;

	if (va < NULL_PAGE_END)
		return "NULL page (page 0 is never mapped: a NULL pointer dereference)";
	if (va < USER_END)
		return "user range (below 0xc0000000: nothing of the kernel is mapped there)";
	if (va >= guard && va < guard + PG_SIZE)
		return "guard page below the boot stack (never mapped: a kernel stack overflow)";
	if (va >= (uintptr_t)__text_start && va < (uintptr_t)__text_end)
		return "kernel text (read-only)";
	if (va >= (uintptr_t)__rodata_start && va < (uintptr_t)__rodata_end)
		return "kernel rodata (read-only)";
	if (va >= (uintptr_t)__stack_bottom && va < (uintptr_t)__stack_top)
		return "boot stack";
	if (va >= (uintptr_t)__kernel_start && va < (uintptr_t)__kernel_end)
		return "kernel data or bss";
	if (va < DIRECT_MAP_START + NULL_PAGE_END)
		return "direct-map guard page (physical page 0 is never mapped)";
	if (va >= paging_direct_start() && va < paging_direct_end())
		return "direct map of RAM";
	if (va < DIRECT_MAP_END)
		return "unmapped (direct map above the top of RAM: no RAM the kernel maps here)";
	if (va >= KHEAP_START && va < KHEAP_END)
		return "kernel heap";
	if (va >= KMAP_START && va < KMAP_END)
		return "temporary windows (kmap)";
	if (va >= KWIN_START && va < KWIN_END)
		return "kernel window (temporary mappings)";
	if (va >= RECURSIVE_BASE)
		return "recursive page-table window (PDE 1023)";
	return "unmapped (guard or reserved kernel range: nothing is mapped here)";
}

static int in_report;

void pagefault_report(struct trap_frame *tf, uint32_t cr2)
{
	uint32_t err = tf->error_code;
	char cause[128], words[96];

	if (in_report++)
		panic_at_pc(tf->eip, "page fault at 0x%08x inside the page-fault report",
			    (unsigned)cr2);

	ksnprintf(cause, sizeof cause, "%s, %s, %s mode%s%s",
		  (err & PFE_P) ? "protection violation" : "page not present",
		  (err & PFE_W) ? "write" : "read", (err & PFE_U) ? "user" : "supervisor",
		  (err & PFE_RSVD) ? ", reserved bit set in a paging entry" : "",
		  (err & PFE_I) ? ", instruction fetch" : "");
	kprintf("page fault: address 0x%08x: %s\n", (unsigned)cr2, cause);

	if (!(cpu_read_cr0() & CR0_PG)) {
		kprintf("  paging is off (CR0.PG=0): no page tables to show\n");
	} else {
		vmspace_t space = PTE_ADDR(cpu_read_cr3());
		pde_t pde = paging_get_pde(space, cr2);
		pte_t pte;
		kprintf("  PDE[%u] = 0x%08x (%s)", (unsigned)PDX(cr2), (unsigned)pde,
			paging_describe_flags(pde, true, words, sizeof words));
		if ((pde & PTE_P) && (pde & PTE_PS))
			kprintf(" -> 4 MiB page at 0x%08x, no PTE\n",
				(unsigned)(pde & PDE_LG_ADDR_MASK));
		else if (pde & PTE_P)
			kprintf(" -> page table at 0x%08x\n", (unsigned)PTE_ADDR(pde));
		else
			kprintf(" -> no page table for this 4 MiB\n");
		if (paging_get_pte(space, cr2, &pte))
			kprintf("  PTE[%u] = 0x%08x (%s)%s\n", (unsigned)PTX(cr2), (unsigned)pte,
				paging_describe_flags(pte, false, words, sizeof words),
				(pte & PTE_P) ? "" : " -> page not mapped");
		if (space != paging_kernel_space())
			kprintf("  in address space cr3=0x%08x (not the kernel's)\n",
				(unsigned)space);
	}
	const char *what = describe_region(cr2);
	kprintf("  what: %s\n", what);
	panic_at_pc(tf->eip, "page fault at 0x%08x in %s: %s", (unsigned)cr2, what, cause);
}
