/*
 * pmm_setup.h - the kernel's "memory map -> PMM" bring-up step (kernel/mm/pmm_setup.c).
 */
#ifndef KERNEL_PMM_SETUP_H
#define KERNEL_PMM_SETUP_H

/* Read the Multiboot map, sanitise and print it, reserve the kernel and every loader structure,
 * initialise the PMM (which prints the reservations and the summary). Call once, paging off. */
void pmm_setup(void);

#endif
