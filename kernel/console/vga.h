/* vga.h - VGA text-mode console (vga.c). */
#ifndef KERNEL_CONSOLE_VGA_H
#define KERNEL_CONSOLE_VGA_H
#include <stddef.h>
void vga_init(void);
void vga_write(const char *s, size_t len);
#endif
