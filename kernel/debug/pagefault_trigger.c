/*
 * pagefault_trigger.c - the expected faults of the boot tests: `fault=null|ktext|guard|unmapped`
 * on the command line makes the kernel, right after paging is on, do one access that must fault:
 *   null      read  0x00000000                      (page 0 is never mapped)
 *   ktext     write the first word of this function  (.text is read-only, CR0.WP binds ring 0)
 *   guard     write the top word of the guard page   (below the boot stack, never mapped)
 *   unmapped  read  the first byte past the direct map (no RAM mapped there)
 * The page-fault report (pagefault.c) must then name the cause and the address and panic;
 * tests/t/53-paging-faults.t checks it. Surviving the access is itself a panic.
 */
#include "kernel/core/cmdline.h"
#include "kernel/core/panic.h"
#include "kernel/layout.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/mm/paging_setup.h"
#include "mmu.h"

/* The compiler must not see a constant address (it may treat a NULL access as unreachable). */
static uintptr_t opaque(uintptr_t addr)
{
	__asm__ volatile("" : "+r"(addr));
	return addr;
}

void pagefault_trigger_from_cmdline(void)
{
	const char *kind = cmdline_get("fault");
	uintptr_t addr;
	bool write;

	if (!kind)
		return;
	if (strcmp(kind, "null") == 0) {
		addr = 0;
		write = false;
	} else if (strcmp(kind, "ktext") == 0) {
		addr = (uintptr_t)pagefault_trigger_from_cmdline;
		write = true;
	} else if (strcmp(kind, "guard") == 0) {
		addr = (uintptr_t)__stack_guard + PG_SIZE - 4;
		write = true;
	} else if (strcmp(kind, "unmapped") == 0) {
		addr = paging_direct_end();
		write = false;
	} else {
		panic("fault=%s: unknown expected fault (null, ktext, guard or unmapped)", kind);
	}
	kprintf("paging: fault=%s: %s 0x%08x, expecting a page fault\n", kind,
		write ? "writing" : "reading", (unsigned)addr);
	volatile uint32_t *p = (volatile uint32_t *)opaque(addr);
	if (write)
		*p = 0xDEADBEEF;
	else
		(void)*p;
	panic("fault=%s: the %s of 0x%08x did not fault", kind, write ? "write" : "read",
	      (unsigned)addr);
}
