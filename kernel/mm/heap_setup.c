/*
 * heap_setup.c - the kernel heap: kernel_heap (mm/heap.c, TLSF) over the virtual range
 * [KHEAP_START, KHEAP_END) of include/vmlayout.h, grown and shrunk a page at a time by a
 * backend that takes frames from the PMM and maps them with paging_map.
 *
 * The backend never calls kmalloc: frames come from pmm_alloc_frame and the page tables of the
 * heap range were preallocated by paging_init (vmlayout.h), so growing never needs the heap.
 * Mapped with PTE_OWNED, so paging_unmap hands each frame back to the PMM when the heap shrinks.
 *
 * heapfault=<double|invalid|overflow> (with qemu-exit, tests/t/43-heap-faults.t) commits one
 * misuse right after the heap is up; the heap must panic naming the cause and the pointer,
 * which is printed first in a `heap: heapfault=...` line for the harness to compare.
 */
#include "kernel/mm/heap_setup.h"
#include "kernel/core/cmdline.h"
#include "kernel/core/panic.h"
#include "kernel/lib/printf.h"
#include "mm/kmalloc.h"
#include "mm/paging.h"
#include "mm/pmm.h"
#include "vmlayout.h"

_Static_assert(KHEAP_END - KHEAP_START <= HEAP_MAX_SPAN, "heap range fits the heap's size classes");

static size_t kheap_mapped;

static void kheap_unmap(uintptr_t va, size_t bytes)
{
	for (size_t off = 0; off < bytes; off += PG_SIZE) {
		int err = paging_unmap((uint32_t)(va + off)); /* PTE_OWNED: the frame goes back */
		if (err)
			panic("heap: unmapping 0x%08x: %s", (unsigned)(va + off),
			      paging_strerror(err));
	}
	kheap_mapped -= bytes;
}

static int kheap_grow(void *ctx, uintptr_t va, size_t bytes)
{
	(void)ctx;
	for (size_t off = 0; off < bytes; off += PG_SIZE) {
		uint32_t pa = pmm_alloc_frame();
		int err = pa ? paging_map((uint32_t)(va + off), pa, PTE_W | PTE_OWNED) :
			       PAGING_ENOMEM;
		if (err) {
			if (pa)
				pmm_free_frame(pa);
			kprintf("heap: cannot grow at 0x%08x: %s\n", (unsigned)(va + off),
				pa ? paging_strerror(err) : "no free frame");
			kheap_mapped += off;
			kheap_unmap(va, off);
			return -1;
		}
	}
	kheap_mapped += bytes;
	return 0;
}

static void kheap_shrink(void *ctx, uintptr_t va, size_t bytes)
{
	(void)ctx;
	kheap_unmap(va, bytes);
}

size_t heap_setup_mapped_bytes(void)
{
	return kheap_mapped;
}

/* heapfault=<kind>: one misuse of the heap on purpose. Not static, so that the panic report's
 * allocation site names this function. */
void heap_fault_from_cmdline(void);
void __attribute__((noinline)) heap_fault_from_cmdline(void)
{
	const char *kind = cmdline_get("heapfault");
	if (!kind)
		return;
	char *p = kmalloc(48);
	char *keep = kmalloc(48); /* a live neighbour, so p's block stays as it is */
	if (cmdline_has("heapfault=double")) {
		kprintf("heap: heapfault=double: pointer 0x%08x freed twice\n",
			(unsigned)(uintptr_t)p);
		kfree(p);
		kfree(p);
	} else if (cmdline_has("heapfault=invalid")) {
		kprintf("heap: heapfault=invalid: pointer 0x%08x (16 bytes into a block) freed\n",
			(unsigned)(uintptr_t)(p + 16));
		kfree(p + 16);
	} else if (cmdline_has("heapfault=overflow")) {
		kprintf("heap: heapfault=overflow: pointer 0x%08x, byte 48 of 48 written, freed\n",
			(unsigned)(uintptr_t)p);
		p[48] = 'X';
		kfree(p);
	} else {
		panic("heapfault=%s: unknown kind (expected double, invalid or overflow)", kind);
	}
	kfree(keep);
	panic("heapfault=%s: the heap did not detect the misuse%s", kind,
	      heap_debug_enabled() ? "" : " (built with HEAP_DEBUG=0)");
}

void heap_setup(void)
{
	static const struct heap_backend backend = { kheap_grow, kheap_shrink, NULL };
	if (heap_init(&kernel_heap, KHEAP_START, KHEAP_END, KHEAP_INITIAL, &backend) != 0)
		panic("heap: cannot set up the kernel heap over [0x%08x-0x%08x)", KHEAP_START,
		      KHEAP_END);
	kprintf("heap: ready [mem 0x%08x-0x%08x] initial=%u KiB max=%u MiB align=%u "
		"debug=%s (red zones, poison 0x%02x, misuse panics)\n",
		(unsigned)kernel_heap.start, (unsigned)(kernel_heap.end - 1),
		(unsigned)(KHEAP_INITIAL >> 10), (unsigned)((KHEAP_END - KHEAP_START) >> 20),
		HEAP_ALIGN, heap_debug_enabled() ? "on" : "off", HEAP_POISON_FREE);
	heap_fault_from_cmdline();
}
