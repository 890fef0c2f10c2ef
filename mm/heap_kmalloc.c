/*
 * heap_kmalloc.c - kmalloc & co. over the global kernel_heap. Each wrapper records its own
 * return address as the allocation (or free) site, so reports name the kernel function that
 * called kmalloc, not the wrapper.
 */
#include "mm/kmalloc.h"

struct heap kernel_heap;

void *kmalloc(size_t size)
{
	return heap_alloc(&kernel_heap, size, HEAP_CALLER);
}

void *kmalloc_aligned(size_t size, size_t align)
{
	return heap_alloc_aligned(&kernel_heap, size, align, HEAP_CALLER);
}

void *kcalloc(size_t n, size_t size)
{
	return heap_calloc(&kernel_heap, n, size, HEAP_CALLER);
}

void *krealloc(void *p, size_t size)
{
	return heap_realloc(&kernel_heap, p, size, HEAP_CALLER);
}

void kfree(void *p)
{
	heap_free(&kernel_heap, p, HEAP_CALLER);
}
