/*
 * layout.h - the kernel image's layout as the linker script kernel/kernel.ld exports it.
 *
 * Declared as arrays so that taking an address is the only thing one can do with them; all are
 * page aligned except __ktest_*. Ranges are [start, end).
 */
#ifndef KERNEL_LAYOUT_H
#define KERNEL_LAYOUT_H

extern char __kernel_start[], __kernel_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];
extern char __bss_start[], __bss_end[];
extern char __stack_guard[], __stack_bottom[], __stack_top[];

#define KERNEL_PAGE_SIZE 4096

#endif
