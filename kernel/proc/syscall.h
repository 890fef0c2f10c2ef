/*
 * syscall.h - the system calls: Linux's i386 numbers (arch/x86/entry/syscalls/syscall_32.tbl)
 * and convention (`int $0x80`, the number in eax, the arguments in ebx, ecx, edx, esi, edi, ebp,
 * the result or -errno back in eax).
 */
#ifndef KERNEL_PROC_SYSCALL_H
#define KERNEL_PROC_SYSCALL_H

#include "kernel/arch/x86/trap_frame.h"

/* The TRAP_SYSCALL vector from ring 3: run the call the frame names, answer in tf->eax. */
void syscall_dispatch(struct trap_frame *tf);

#endif
