/*
 * printf.h - the kernel's printf family (printf.c).
 *
 * Conversions: %c %s %d %i %u %x %X %o %p %%; flags - + space # 0; width and precision (also
 * as *); length modifiers hh h l ll z (and j t). The same output as C99/glibc snprintf for these,
 * which tests/host/test_printf.c checks; %p prints like %#lx, "(nil)" for NULL, and %s of NULL
 * prints "(null)". ksnprintf/kvsnprintf return the length the full output would have had (C99).
 */
#ifndef KERNEL_PRINTF_H
#define KERNEL_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
