/*
 * mm_glue.c - mm/mm_env.h for the kernel: how the generic memory code reaches the machine.
 *
 * Logging goes to kprintf, fatal errors to panic with the mm caller's address, physical memory
 * is reached through the direct map at KERNEL_VIRT_BASE + pa (include/vmlayout.h): the boot
 * map's 16 MiB until paging_init has built the kernel's own tables, DIRECT_MAP_PHYS_END after;
 * an address beyond panics (it would fault, or worse, read another mapping), naming the caller's
 * address.
 * The CPU hooks are the real instructions.
 */
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/tss.h"
#include "kernel/core/panic.h"
#include "kernel/debug/ksyms.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/paging_setup.h"
#include "vmlayout.h"
#include "mm/mm_env.h"

void mm_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

void mm_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_at((uintptr_t)__builtin_return_address(0), fmt, ap);
	va_end(ap); /* not reached; keeps va_start/va_end paired for readers and checkers */
}

static uint32_t direct_limit = BOOT_MAP_PHYS_END;

void mm_glue_set_direct_limit(uint32_t end)
{
	direct_limit = end;
}

uint32_t mm_direct_limit(void)
{
	return direct_limit;
}

void *mm_phys_to_virt(uint32_t pa)
{
	if (pa >= direct_limit)
		panic_at_pc((uintptr_t)__builtin_return_address(0),
			    "mm_phys_to_virt: physical 0x%08x "
			    "is outside the direct map (below 0x%08x): use kmap",
			    (unsigned)pa, (unsigned)direct_limit);
	return (void *)(uintptr_t)(KERNEL_VIRT_BASE + pa);
}

void mm_load_cr3(uint32_t pa)
{
	cpu_write_cr3(pa);
	tss_sync_cr3(); /* the double-fault task must run on the same page directory */
}

void mm_invlpg(uint32_t va)
{
	cpu_invlpg(va);
}

const char *mm_symbol_name(uintptr_t addr, uintptr_t *offset)
{
	return ksym_lookup(addr, offset);
}
