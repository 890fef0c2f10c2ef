/* main.h - the kernel's C entry point, called by entry.asm (mbi_pa: the physical address of the
 * Multiboot information, as EBX held it). */
#ifndef KERNEL_MAIN_H
#define KERNEL_MAIN_H
#include <stdint.h>
void kmain(uint32_t magic, uint32_t mbi_pa) __attribute__((noreturn));
#endif
