/*
 * paging_setup.h - the kernel's paging step (kmain: PMM -> interrupts -> paging -> heap).
 *
 * paging_init() builds the kernel space with mm/paging.c (identity map of RAM minus page 0, kernel
 * .text/.rodata read-only, the boot-stack guard page unmapped, heap and window tables
 * preallocated), switches paging on (kernel/arch/x86/paging_enable.asm), prints
 *   paging: on cr3=0x<addr> identity=[mem 0x<start>-0x<end>] tables=<n>
 * and then fires the expected fault asked for by `fault=null|ktext|guard|unmapped`, if any.
 * Everything else goes through mm/paging.h.
 */
#ifndef KERNEL_PAGING_SETUP_H
#define KERNEL_PAGING_SETUP_H

#include <stdbool.h>
#include <stdint.h>

void paging_init(void);

/* [start, end) of the identity map (start = 4 KiB: page 0 is never mapped); 0/0 before init. */
uint32_t paging_identity_start(void);
uint32_t paging_identity_end(void);
/* True once CR0.PG is set by paging_init; whether 4 MiB pages (CR4.PSE) are in use. */
bool paging_enabled(void);
bool paging_uses_pse(void);

/* The asm switch (paging_enable.asm): CR4 |= cr4_set if non-zero, CR3 = pd_phys, CR0 |= PG|WP. */
void paging_enable(uint32_t pd_phys, uint32_t cr4_set);

/* kernel/debug/pagefault_trigger.c: the `fault=` expected faults (nothing without the word). */
void pagefault_trigger_from_cmdline(void);

#endif
