/* trap_raise.h - raise the exception named by `trap=` on the command line (trap_raise.c). */
#ifndef KERNEL_ARCH_X86_TRAP_RAISE_H
#define KERNEL_ARCH_X86_TRAP_RAISE_H
void trap_raise_from_cmdline(void);
#endif
