/*
 * pagefault.h - the page-fault report (vector 14), called by trap_dispatch (traps.c) after the
 * exception name and the registers: CR2 and the error code in words, the PDE and PTE for the
 * address, what lives there; then panic.
 */
#ifndef KERNEL_MM_PAGEFAULT_H
#define KERNEL_MM_PAGEFAULT_H

#include "kernel/arch/x86/trap_frame.h"

/* cr2: the faulting address, read before anything else could fault and change CR2. */
void pagefault_report(struct trap_frame *tf, uint32_t cr2) __attribute__((noreturn));

#endif
