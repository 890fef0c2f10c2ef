/*
 * paging_setup.h - the kernel's paging steps (kmain: consoles -> boot report ... PMM ->
 * interrupts -> paging -> heap).
 *
 * paging_boot_report() prints what kernel/core/entry.asm did before kmain (the first directory,
 * CR3/CR0, the jump high, the identity entries dropped). paging_init() builds the kernel space
 * with mm/paging.c (the direct map of RAM below DIRECT_MAP_PHYS_END at KERNEL_VIRT_BASE + pa minus
 * page 0, kernel text/rodata read-only, the boot-stack guard page unmapped, heap and window
 * tables preallocated), moves CR3 onto it (kernel/arch/x86/paging_enable.asm), prints
 *   paging: on cr3=0x<addr> direct=[mem 0x<start>-0x<end>] at 0x<vstart>-0x<vend> tables=<n>
 * and then fires the expected fault asked for by `fault=null|ktext|guard|unmapped`, if any.
 * Everything else goes through mm/paging.h.
 */
#ifndef KERNEL_PAGING_SETUP_H
#define KERNEL_PAGING_SETUP_H

#include <stdbool.h>
#include <stdint.h>

void paging_init(void);

void paging_boot_report(void);

/* Virtual [start, end) of the direct map (KERNEL_VIRT_BASE + 4 KiB: physical page 0 is never
 * mapped, up to KERNEL_VIRT_BASE + the top it covers); 0/0 before paging_init. */
uint32_t paging_direct_start(void);
uint32_t paging_direct_end(void);
/* True once paging_init has loaded the kernel's own directory; whether 4 MiB pages (CR4.PSE)
 * are in use. */
bool paging_enabled(void);
bool paging_uses_pse(void);

/* The asm switch (paging_enable.asm): CR4 |= cr4_set if non-zero, CR3 = pd_phys, CR0 |= PG|WP
 * (already set by entry.asm; kept so the function's contract does not depend on it). */
void paging_enable(uint32_t pd_phys, uint32_t cr4_set);

/* kernel/debug/pagefault_trigger.c: the `fault=` expected faults (nothing without the word). */
void pagefault_trigger_from_cmdline(void);

/* kernel/mm/mm_glue.c: the physical end mm_phys_to_virt may reach from now on (the boot map's
 * until paging_init moves onto the full direct map). */
void mm_glue_set_direct_limit(uint32_t end);

#endif
