/*
 * string.h - the few C library string functions the kernel has (string.c).
 *
 * GCC may emit calls to memcpy, memmove, memset and memcmp even with -ffreestanding (GCC manual,
 * "Standards": "GCC requires the freestanding environment provide memcpy, memmove, memset and
 * memcmp"), e.g. for struct copies and __builtin_memset with a variable size; these are they.
 */
#ifndef KERNEL_LIB_STRING_H
#define KERNEL_LIB_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
