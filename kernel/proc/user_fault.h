/*
 * user_fault.h - a CPU exception raised by a user program: a page fault the address-space policy
 * resolves (demand zero, copy-on-write, stack growth) is retried; anything else ends the process
 * with the signal Linux would send (arch/x86/kernel/traps.c, arch/x86/mm/fault.c): #PF and #GP
 * SIGSEGV, #UD SIGILL, #DE SIGFPE, after a report in the kernel's exception format plus the
 * process's pid and name. The kernel goes on.
 */
#ifndef KERNEL_PROC_USER_FAULT_H
#define KERNEL_PROC_USER_FAULT_H

#include <stdint.h>

#include "kernel/arch/x86/trap_frame.h"

/* Exception vector tf->vector from ring 3; returns only when the program may go on. */
void user_fault_handle(struct trap_frame *tf, uint32_t cr2);

#endif
