/*
 * layout.h - the kernel image's layout: the sizes kernel/kernel.ld.S builds it with, and the
 * symbols that linker script exports.
 *
 * kernel.ld.S includes this file through the C preprocessor with __ASSEMBLER__ defined, so only
 * the plain numbers are visible to it. The symbols are declared as arrays so that taking an
 * address is the only thing one can do with them; all are page aligned except __ktest_*. Ranges
 * are [start, end). All are virtual (KERNEL_VIRT_BASE + physical) except __boot_*.
 */
#ifndef KERNEL_LAYOUT_H
#define KERNEL_LAYOUT_H

#define KERNEL_STACK_SIZE 16384 /* the boot stack, above one unmapped guard page */

#ifndef __ASSEMBLER__
#include <stdint.h>

#include "vmlayout.h"

/* The physical address of a kernel symbol linked high (everything but .boot). */
#define KERNEL_PHYS(sym) ((uint32_t)(uintptr_t)(sym)-KERNEL_VIRT_BASE)

extern char __boot_start[], __boot_end[]; /* physical: the code that runs before paging */
extern char __kernel_start[], __kernel_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];
extern char __bss_start[], __bss_end[];
extern char __stack_guard[], __stack_bottom[], __stack_top[];
#endif

#endif
