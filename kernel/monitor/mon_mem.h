/*
 * mon_mem.h - what the monitor's memory commands share: is each subsystem up yet, which region
 * of the virtual layout (include/vmlayout.h) an address is in, and the monitor's scratch page.
 *
 * The monitor may run on a kernel whose bring-up skipped a step (an early boot, a test kernel):
 * every command checks that its subsystem is initialised and says so instead of touching
 * uninitialised state.
 */
#ifndef KERNEL_MONITOR_MON_MEM_H
#define KERNEL_MONITOR_MON_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu.h"
#include "vmlayout.h"

/* The last page of the kernel window: xp maps a physical page here for a moment to read it. */
#define MON_SCRATCH_VA (KWIN_END - PG_SIZE)

/* Each prints "error: <cmd>: <subsystem> is not initialised ..." and returns false when not. */
bool mon_need_pmm(const char *cmd);
bool mon_need_paging(const char *cmd);
bool mon_need_heap(const char *cmd);

bool mon_paging_enabled(void);

/* "NULL page", "user range", "direct map", "guard", "kernel heap", "temporary windows",
 * "kernel window", "monitor scratch page", "reserved kernel growth", "recursive page tables"
 * (include/vmlayout.h). */
const char *mon_va_region(uint32_t va);
/* True for the ranges a user command must not remap or unmap without `force`: the NULL page,
 * the direct map (the kernel's code, data, stacks, page tables), the heap, the temporary
 * windows, the scratch page and the recursive slot. */
bool mon_va_protected(uint32_t va);

/* Called once by monitor_run: create the kernel window's page table now (if paging is on), so
 * that map/xp in the window never allocate a table later and the PMM counts the user sees stay
 * put across map/unmap. */
void mon_mem_init(void);

#endif
