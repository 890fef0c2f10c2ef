/*
 * heap_setup.h - the kernel heap's bring-up step (kmain, after paging): kernel_heap over
 * [KHEAP_START, KHEAP_END) backed by PMM frames mapped through paging, then heapfault=<kind>.
 */
#ifndef KERNEL_HEAP_SETUP_H
#define KERNEL_HEAP_SETUP_H

#include <stddef.h>

#define KHEAP_INITIAL (256u << 10) /* mapped at boot; the heap never shrinks below it */

void heap_setup(void);

/* Bytes currently mapped for the heap through the backend (for tests: pages = this / PG_SIZE). */
size_t heap_setup_mapped_bytes(void);

#endif
