/*
 * heap.h - the kernel heap core: a TLSF allocator (two-level segregated fit, Masmano, Ripoll,
 * Crespo, Real: "TLSF: a New Dynamic Memory Allocator for Real-Time Systems", ECRTS 2004) over
 * one fixed virtual range [start, max) that grows and shrinks at its end through a backend.
 *
 * The core is plain C: it never touches paging. The backend makes [va, va+bytes) usable (kernel:
 * PMM frames mapped through paging; host: an mmap'd arena) and takes it back again. Everything
 * works on a struct heap so that tests can run many independent heaps; kmalloc & co. (kmalloc.h)
 * are thin wrappers over one global instance.
 *
 * Guarantees: every pointer returned is HEAP_ALIGN (16) byte aligned; heap_alloc_aligned gives
 * any power of two up to HEAP_MAX_ALIGN (4 KiB). Size 0 returns a unique freeable pointer, like
 * glibc malloc(0); freeing NULL does nothing; heap_realloc(NULL, n) allocates and
 * heap_realloc(p, 0) frees p and returns NULL (glibc's behaviour). Allocation, free and realloc
 * run in bounded time independent of the number of blocks (TLSF), except for the backend call
 * when the heap grows or shrinks, which is bounded by the number of pages moved.
 *
 * HEAP_DEBUG (compile time, default 1; build with -DHEAP_DEBUG=0 for release) adds: a per-block
 * header with the allocation site, the requested size and a magic word; freed memory poisoned
 * with HEAP_POISON_FREE; a red zone of at least one word after every block filled with
 * HEAP_POISON_REDZONE; double free / invalid free / red zone overflow detected at free and
 * realloc and by heap_check(). Every detection calls mm_panic() with the pointer, the cause in
 * fixed words ("double free", "invalid free", "red zone overwritten", ...) and the allocation
 * site with its symbol name. docs/heap.md describes the layout and what debug costs.
 */
#ifndef MM_HEAP_H
#define MM_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu.h" /* PG_SIZE: the backend's granularity */

#ifndef HEAP_DEBUG
#define HEAP_DEBUG 1
#endif

#define HEAP_ALIGN          16u         /* every block's payload */
#define HEAP_MAX_ALIGN      4096u       /* largest alignment heap_alloc_aligned accepts */
#define HEAP_MAX_SPAN       0x80000000u /* 2 GiB: keeps every block size below 2^31 (FL index) */
#define HEAP_POISON_FREE    0x6bu       /* Linux's POISON_FREE (include/linux/poison.h) */
#define HEAP_POISON_REDZONE 0xccu       /* red zone after each live block */

/* TLSF parameters (paper section 3): SL_LOG2 = 5 gives 32 second-level lists per power of two,
 * so a block found by the rounded-up search wastes at most 1/32 of its size. Sizes below
 * 2^(SL_LOG2 + 4) = 512 bytes are in first-level list 0, split linearly in steps of 16. */
#define HEAP_SL_LOG2  5
#define HEAP_SL_COUNT (1 << HEAP_SL_LOG2)
#define HEAP_FL_SHIFT (HEAP_SL_LOG2 + 4)
#define HEAP_FL_COUNT (31 - HEAP_FL_SHIFT + 2) /* sizes up to 2^32 - 1 */

/* Small-block cache in front of TLSF (like a slab or glibc's tcache): freed blocks of up to
 * HEAP_CACHE_MAX_BLOCK bytes go onto a LIFO list per exact block size, up to cache_limit
 * bytes in all and cache_limit / HEAP_CACHE_SHARE bytes per list, and are handed out again
 * without splitting or coalescing. They stay "used" for TLSF (flag BLK_CACHED), are flushed
 * back when TLSF runs out and by heap_trim, and sizes nobody takes from go back a block at a
 * time (heap.c, cache_gc_step). The per-list share keeps the cache fair: with
 * only a global limit, a full cache admits a small block more often than a large one (it
 * fits in the room one hit leaves), so under FIFO frees the large sizes' lists drained for
 * good and the cache served a fraction of the allocations it serves now. An
 * allocation whose own list is empty takes the head of the next size's list, or of the one
 * after (at most 2 * HEAP_ALIGN bytes wasted), before it falls back to TLSF. 1 KiB, not 512 B:
 * fewer operations on mixed sizes reach TLSF; larger limits pinned enough memory in cached
 * blocks to cost footprint (docs/heap.md, "Design", has the figures). */
#define HEAP_CACHE_MAX_BLOCK 1024u
#define HEAP_CACHE_CLASSES   (HEAP_CACHE_MAX_BLOCK / HEAP_ALIGN + 1)
#define HEAP_CACHE_SHARE     8u
#define HEAP_CACHE_GC_EVERY  4u /* TLSF calls per step of the cache's GC (heap.c) */

/* Backend: grow makes [va, va + bytes) readable and writable (returns 0, or -1 when out of
 * memory); shrink gives [va, va + bytes) back. Both get page-aligned va and bytes. Neither may
 * call into this heap. */
struct heap_backend {
	int (*grow)(void *ctx, uintptr_t va, size_t bytes);
	void (*shrink)(void *ctx, uintptr_t va, size_t bytes);
	void *ctx;
};

struct heap_stats {
	size_t in_use;       /* bytes of live blocks, headers and red zones included */
	size_t requested;    /* bytes asked for by live blocks (HEAP_DEBUG only, else 0) */
	size_t peak_in_use;  /* highest in_use seen */
	size_t free;         /* bytes in free blocks and the wilderness (one free block) */
	size_t cached;       /* bytes in freed blocks held by the small-block cache */
	size_t largest_free; /* largest free block (bytes, header included) */
	size_t pages_held;   /* pages currently obtained from the backend */
	size_t peak_pages;   /* highest pages_held seen */
	size_t live_blocks, free_blocks, cached_blocks;
	uint64_t allocs, frees, grows, shrinks;
};

struct heap {
	uintptr_t start, end, max, min_end; /* mapped range [start, end); never below min_end */
	uintptr_t recent_end;               /* highest end since heap_trim: a grow below it maps
					     * up to min(recent_end - end, (end - start) / 2) */
	uintptr_t first, sentinel;          /* first block; zero-size used block at end - header */
	uintptr_t top;                      /* [top, sentinel) is the wilderness: free, with no
					     * block header, not in the lists; the block below it
					     * is never free (heap_tlsf.h, carve) */
	struct heap_backend backend;
	size_t grow_min;         /* smallest growth in bytes (page multiple) */
	size_t shrink_threshold; /* give pages back when the free tail is at least this
					     * and at least the bytes below it, */
	size_t shrink_keep;      /* ... keeping max(this, half the bytes below it)
					     * mapped as a spare (hysteresis), */
	uint64_t shrink_delay;   /* ... once that has held for this many operations
					     * (decay; 0: at once) */
	uint64_t shrink_armed;   /* allocs + frees when it began to hold, or 0 */
	size_t cache_limit;      /* most bytes the small-block cache may hold (and
					     * cache_limit / HEAP_CACHE_SHARE per list) */
	size_t cache_bytes;      /* the sum of cache_class_bytes (the admission test) */
	uintptr_t cache[HEAP_CACHE_CLASSES];
	size_t cache_class_bytes[HEAP_CACHE_CLASSES];
	uint8_t cache_taken[HEAP_CACHE_CLASSES]; /* taken from since the GC's last visit */
	unsigned cache_gc_next, cache_gc_tick;   /* the size the GC visits next; TLSF calls */
	uint32_t fl_bitmap;
	uint32_t sl_bitmap[HEAP_FL_COUNT];
	uintptr_t lists[HEAP_FL_COUNT][HEAP_SL_COUNT];
	size_t in_use, requested, peak_in_use, free_bytes, free_blocks;
	size_t pages_held, peak_pages;
	uint64_t allocs, frees, grows, shrinks; /* live blocks: allocs - frees (no third counter
						 * on the fast paths) */
};

/* The caller address recorded as the allocation site. */
#define HEAP_CALLER ((uintptr_t)__builtin_return_address(0))

/* heap_init: a heap over [start, max) with the first `initial` bytes made usable at once.
 * start must be page aligned, max - start at most HEAP_MAX_SPAN. Returns 0, or -1 with a log
 * line naming the bad argument or the failed backend. */
int heap_init(struct heap *h, uintptr_t start, uintptr_t max, size_t initial,
	      const struct heap_backend *backend);

void *heap_alloc(struct heap *h, size_t size, uintptr_t caller);
void *heap_alloc_aligned(struct heap *h, size_t size, size_t align, uintptr_t caller);
void *heap_calloc(struct heap *h, size_t n, size_t size, uintptr_t caller);
void *heap_realloc(struct heap *h, void *p, size_t size, uintptr_t caller);
void heap_free(struct heap *h, void *p, uintptr_t caller);

/* Bytes the caller may use at p (the requested size with HEAP_DEBUG, else the capacity). */
size_t heap_usable_size(struct heap *h, void *p);

/* Flush the small-block cache and give every wholly free page at the end (above the initial
 * size) back to the backend now; returns the bytes given back. */
size_t heap_trim(struct heap *h);

/* Walk and validate every block, every free list and both bitmaps (and, with HEAP_DEBUG, every
 * red zone and the poison of every free block); mm_panic on the first problem. */
void heap_check(struct heap *h);

void heap_stats(const struct heap *h, struct heap_stats *out);
void heap_print_stats(const struct heap *h);

/* List every live block (pointer, size, allocation site) through mm_log; returns the count. */
size_t heap_report_leaks(const struct heap *h);

/* Whether this build of the heap has HEAP_DEBUG checks compiled in. */
bool heap_debug_enabled(void);

#endif
