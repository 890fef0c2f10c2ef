/* e9.h - the Bochs/QEMU debug console on port 0xE9 (e9.c). */
#ifndef KERNEL_CONSOLE_E9_H
#define KERNEL_CONSOLE_E9_H
#include <stddef.h>
void e9_init(void);
void e9_write(const char *s, size_t len);
#endif
