/*
 * mon_mem.c - readiness checks and address classification for the monitor's memory commands
 * (see mon_mem.h).
 */
#include "kernel/monitor/mon_mem.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/monitor/out.h"
#include "mm/kmalloc.h"
#include "mm/paging.h"
#include "mm/pmm.h"
#include "x86.h"

bool mon_paging_enabled(void)
{
	return (cpu_read_cr0() & CR0_PG) != 0;
}

bool mon_need_pmm(const char *cmd)
{
	if (pmm_usable_count() != 0)
		return true;
	mon_printf("error: %s: the PMM is not initialised in this kernel\n", cmd);
	return false;
}

bool mon_need_paging(const char *cmd)
{
	if (mon_paging_enabled() && paging_kernel_space() != 0)
		return true;
	mon_printf("error: %s: paging is not on in this kernel\n", cmd);
	return false;
}

bool mon_need_heap(const char *cmd)
{
	if (kernel_heap.end > kernel_heap.start)
		return true;
	mon_printf("error: %s: the kernel heap is not initialised in this kernel\n", cmd);
	return false;
}

const char *mon_va_region(uint32_t va)
{
	if (va < NULL_PAGE_END)
		return "NULL page";
	if (va < USER_END)
		return "user range";
	if (va < DIRECT_MAP_END)
		return "direct map";
	if (va < KHEAP_START)
		return "guard";
	if (va < KHEAP_END)
		return "kernel heap";
	if (va < KMAP_END)
		return "temporary windows";
	if (va >= MON_SCRATCH_VA && va < KWIN_END)
		return "monitor scratch page";
	if (va < KWIN_END)
		return "kernel window";
	if (va < RECURSIVE_BASE)
		return "reserved kernel growth";
	return "recursive page tables";
}

bool mon_va_protected(uint32_t va)
{
	return va < NULL_PAGE_END || (va >= DIRECT_MAP_START && va < KMAP_END) ||
	       (va >= MON_SCRATCH_VA && va < KWIN_END) || va >= RECURSIVE_BASE;
}

void mon_mem_init(void)
{
	if (mon_paging_enabled() && paging_kernel_space() != 0) {
		int err = paging_prealloc_tables(KWIN_START, KWIN_END);
		if (err)
			mon_printf("monitor: no page table for the kernel window: %s\n",
				   paging_strerror(err));
	}
}
