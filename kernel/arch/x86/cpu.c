/*
 * cpu.c - CPU feature probing that does not fit in an inline.
 */
#include "kernel/arch/x86/cpu.h"
#include "x86.h"

/* SDM Vol. 1 3.4.3 / 2A CPUID: software can toggle EFLAGS.ID (bit 21) iff CPUID exists. */
int cpu_has_cpuid(void)
{
	uint32_t before = cpu_read_eflags();

	cpu_write_eflags(before ^ EFLAGS_ID);
	uint32_t after = cpu_read_eflags();
	cpu_write_eflags(before);
	return ((before ^ after) & EFLAGS_ID) != 0;
}

uint32_t cpu_read_cr4_if_present(void)
{
	return cpu_has_cpuid() ? cpu_read_cr4() : 0;
}
