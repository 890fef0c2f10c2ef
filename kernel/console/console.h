/*
 * console.h - one output path to every console: VGA text, COM1, port 0xE9 (when present).
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H
#include <stddef.h>
void console_init(void);
void console_write(const char *s, size_t len);
#endif
