/* main.h - the kernel's C entry point, called by entry.asm. */
#ifndef KERNEL_MAIN_H
#define KERNEL_MAIN_H
#include <stdint.h>
#include "multiboot.h"
void kmain(uint32_t magic, struct multiboot_info *mbi) __attribute__((noreturn));
#endif
