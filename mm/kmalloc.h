/*
 * kmalloc.h - the kernel's malloc family: thin wrappers over one global heap instance
 * (kernel_heap), which kernel/mm/heap_setup.c initialises over the heap's virtual range after
 * paging is up (host tests initialise it over an mmap'd arena).
 *
 * Every pointer is KMALLOC_MIN_ALIGN (16) byte aligned. kmalloc(0) returns a unique pointer
 * that kfree accepts; kfree(NULL) does nothing; krealloc(NULL, n) is kmalloc(n);
 * krealloc(p, 0) frees p and returns NULL; kcalloc returns NULL when n * size overflows;
 * kmalloc_aligned takes powers of two up to 4096 (others: NULL and a log line). Misuse (double
 * free, invalid or interior pointer, red zone overflow) panics naming the pointer, the cause
 * and the allocation site; see mm/heap.h and docs/heap.md.
 */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H

#include <stddef.h>
#include "mm/heap.h"

#define KMALLOC_MIN_ALIGN HEAP_ALIGN

extern struct heap kernel_heap;

void *kmalloc(size_t size) __attribute__((malloc));
void *kmalloc_aligned(size_t size, size_t align) __attribute__((malloc));
void *kcalloc(size_t n, size_t size) __attribute__((malloc));
void *krealloc(void *p, size_t size);
void kfree(void *p);

#endif
