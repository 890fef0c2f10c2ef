/*
 * mm_glue.c - mm/mm_env.h for the kernel: how the generic memory code reaches the machine.
 *
 * Logging goes to kprintf, fatal errors to panic with the mm caller's address, physical memory
 * is identity mapped (the paging code keeps the identity map; if it ever stops doing so it
 * changes mm_phys_to_virt here), and the CPU hooks are the real instructions.
 */
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/tss.h"
#include "kernel/core/panic.h"
#include "kernel/debug/ksyms.h"
#include "kernel/lib/printf.h"
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

void *mm_phys_to_virt(uint32_t pa)
{
	return (void *)(uintptr_t)pa;
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
