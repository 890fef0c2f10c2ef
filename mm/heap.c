/*
 * heap.c - the heap's fast paths: kmalloc and kfree land here. An allocation first tries the
 * small-block cache (per-size LIFO lists of freed blocks up to 1 KiB, with a GC), then TLSF out
 * of line; a free checks the pointer, then caches the block or returns it to TLSF with immediate
 * coalescing. The block operations are in heap_tlsf.h, the block layout in heap_block.h; growth,
 * shrink, trim and init (the slow paths) in heap_grow.c; aligned allocation and realloc in
 * heap_realloc.c; heap_check, the statistics and the leak report in heap_debug.c.
 * docs/heap.md, "Design", says why each piece is the way it is.
 */
#include "mm/heap_tlsf.h"

bool heap_debug_enabled(void)
{
	return HEAP_DEBUG != 0;
}

static void cache_gc_step(struct heap *h);

/* Take the head b (size bytes) off its cache list and out of the cache's counts; returns the
 * new head. b is then an ordinary used block. */
static inline uintptr_t cache_unlink(struct heap *h, uintptr_t b, size_t size)
{
	uintptr_t next = *blk_next_free(b);
	h->cache[size / HEAP_ALIGN] = next;
	h->cache_class_bytes[size / HEAP_ALIGN] -= size;
	h->cache_bytes -= size;
	*blk_sizew(b) &= ~BLK_CACHED;
	return next;
}

/* Hand out a block from the small-block cache (it is still "used" for TLSF). */
static inline void *cache_take(struct heap *h, uintptr_t b, size_t size, size_t req,
			       uintptr_t caller)
{
	uintptr_t next = cache_unlink(h, b, size);
	/* The next hand-out of this size reads next's header and link: start those misses now,
	 * as SLUB's prefetch_freepointer does (mm/slub.c). A LIFO list exposes blocks freed long
	 * ago whenever it shrinks, and without this most of the slowest hand-outs were waiting
	 * for such a block's line (docs/heap.md, "Design", has the figures). A prefetch of
	 * an empty list's 0 is harmless: PREFETCHh never faults (Intel SDM vol. 2B); a kernel
	 * built for a CPU without SSE gets no instruction at all. */
	__builtin_prefetch((void *)next);
	__builtin_prefetch((void *)blk_payload(next));
	h->cache_taken[size / HEAP_ALIGN] = 1;
	if (HEAP_DEBUG)
		heap_check_poison(b, size, blk_payload(b) + BLK_W, b + size);
	return (void *)mark_live(h, b, size, req, caller);
}

/* An allocation the cache cannot serve: TLSF. Out of line, so that the cache's hand-out, which
 * is most calls, needs no stack frame and saves no registers. */
static __attribute__((noinline)) void *alloc_tlsf(struct heap *h, size_t size, size_t n,
						  uintptr_t caller)
{
	cache_gc_step(h);
	size_t bsize;
	uintptr_t b = take_block(h, size, &bsize);
	if (!b)
		return NULL;
	return (void *)use_block(h, b, bsize, size, n, caller);
}

static inline __attribute__((always_inline)) void *alloc(struct heap *h, size_t n, uintptr_t caller)
{
	size_t size = adjust_request(n);
	if (!size)
		return NULL;
	if (size <= HEAP_CACHE_MAX_BLOCK) {
		uintptr_t c = h->cache[size / HEAP_ALIGN];
		if (c)
			return cache_take(h, c, size, n, caller);
		/* The next size up, or the one after, wastes at most 2 * HEAP_ALIGN bytes and spares
		 * a TLSF search and split: fewer allocations reach TLSF, and fewer list blocks are
		 * split for a small request, which lowers the peak footprint (docs/heap.md). */
		if (size < HEAP_CACHE_MAX_BLOCK && (c = h->cache[size / HEAP_ALIGN + 1]))
			return cache_take(h, c, size + HEAP_ALIGN, n, caller);
		if (size + HEAP_ALIGN < HEAP_CACHE_MAX_BLOCK &&
		    (c = h->cache[size / HEAP_ALIGN + 2]))
			return cache_take(h, c, size + 2 * HEAP_ALIGN, n, caller);
	}
	return alloc_tlsf(h, size, n, caller);
}

/* The public entry points: interrupts kept off around the work (mm_irq_save in mm_env.h). */
void *heap_alloc(struct heap *h, size_t n, uintptr_t caller)
{
	mm_irqflags_t fl = mm_irq_save();
	void *p = alloc(h, n, caller);
	mm_irq_restore(fl);
	return p;
}

void *heap_calloc(struct heap *h, size_t n, size_t size, uintptr_t caller)
{
	size_t total;
	if (__builtin_mul_overflow(n, size, &total))
		return NULL;
	void *p = heap_alloc(h, total, caller);
	if (p)
		heap_fill((uintptr_t)p, 0, total);
	return p;
}

/* --- free ----------------------------------------------------------------------------------- */

/* Return used block b to TLSF: coalesce with free neighbours, list it, maybe shrink. Its
 * payload is poisoned already in debug builds. */
static inline void release_block(struct heap *h, uintptr_t b)
{
	size_t size = blk_size(b);
	bool tail = b + size == h->top, merged = false;
	if (!tail)
		merged = merge_next(h, b, &size);
	b = merge_prev(h, b, &size);
	if (!tail) {
		blk_set_free(b, size, merged);
		list_insert(h, b, size);
		return;
	}
	/* b borders the wilderness: it joins it (its payload is poisoned already, a merged
	 * predecessor's junction by merge_prev; the header and links at b remain). */
	if (HEAP_DEBUG)
		heap_fill(b, HEAP_POISON_FREE, BLK_HDR + 2 * BLK_W);
	h->top = b;
	/* Shrink when the wilderness is at least shrink_threshold and at least the U bytes below
	 * it (so the heap is twice what it uses), down to a spare of max(shrink_keep, U/2). The
	 * next grow is then at 1.5 U in use, the next shrink at 0.75 U: a factor 2 of
	 * hysteresis. And only once that has held at every free reaching the wilderness for
	 * shrink_delay operations (a decay, as jemalloc purges dirty pages after a delay, counted
	 * in operations: mm/ has no clock): a heap whose use wanders - bench-heap large-lifo, a
	 * stack of 4-64 KiB blocks whose depth is a random walk - otherwise shrinks and grows
	 * back over and over, and each of those calls is among the slowest (docs/heap.md). */
	size_t wild = h->sentinel - b;
	if (wild >= h->shrink_threshold && wild >= b - h->start) {
		uint64_t now = h->allocs + h->frees;
		if (!h->shrink_armed)
			h->shrink_armed = now;
		if (now - h->shrink_armed >= h->shrink_delay) {
			size_t keep = (b - h->start) / 2;
			heap_shrink(h, keep > h->shrink_keep ? keep : h->shrink_keep);
			h->shrink_armed = 0;
		}
	} else {
		h->shrink_armed = 0;
	}
}

void heap_cache_flush(struct heap *h)
{
	for (int c = 0; c < (int)HEAP_CACHE_CLASSES; c++) {
		uintptr_t b = h->cache[c];
		while (b) {
			uintptr_t next = *blk_next_free(b);
			*blk_sizew(b) &= ~BLK_CACHED;
			release_block(h, b);
			b = next;
		}
		h->cache[c] = 0;
		h->cache_class_bytes[c] = 0;
	}
	h->cache_bytes = 0;
}

/* One step of the cache's garbage collection, at every HEAP_CACHE_GC_EVERY-th call that goes
 * to TLSF anyway (as jemalloc's incremental tcache GC, but off the cache's own fast paths): the
 * next size in turn gives one block back to TLSF if nothing was taken from its list since its
 * last turn. Without it, blocks cached by one phase of work stay for good once the sizes
 * change, pinning the free memory around them into pieces that later allocations are cut from
 * instead of the wilderness, slowly (docs/heap.md, "Design"). */
static void cache_gc_step(struct heap *h)
{
	if (++h->cache_gc_tick % HEAP_CACHE_GC_EVERY)
		return;
	unsigned c = h->cache_gc_next;
	h->cache_gc_next = c + 1 < HEAP_CACHE_CLASSES ? c + 1 : 0;
	uintptr_t b = h->cache[c];
	if (b && !h->cache_taken[c]) {
		cache_unlink(h, b, (size_t)c * HEAP_ALIGN);
		release_block(h, b);
	}
	h->cache_taken[c] = 0;
}

/* A free the cache does not take: TLSF, out of line (as alloc_tlsf). */
static __attribute__((noinline)) void free_tlsf(struct heap *h, uintptr_t b)
{
	release_block(h, b);
	cache_gc_step(h);
}

static inline __attribute__((always_inline)) void free_block(struct heap *h, void *ptr,
							     uintptr_t caller)
{
	if (!ptr)
		return;
	uintptr_t b = checked_block(h, ptr, caller);
	size_t size = blk_size(b);
	h->in_use -= size;
	h->frees++;
	if (HEAP_DEBUG) {
		h->requested -= *blk_req(b);
		*blk_req(b) = caller; /* the free site, for a later double free report */
		*blk_magic(b) = HEAP_MAGIC_FREE ^ blk_payload(b);
		heap_fill(blk_payload(b), HEAP_POISON_FREE, size - BLK_HDR);
	}
	if (size <= HEAP_CACHE_MAX_BLOCK && h->cache_bytes + size <= h->cache_limit &&
	    h->cache_class_bytes[size / HEAP_ALIGN] + size <= h->cache_limit / HEAP_CACHE_SHARE) {
		*blk_sizew(b) |= BLK_CACHED;
		*blk_next_free(b) = h->cache[size / HEAP_ALIGN];
		h->cache[size / HEAP_ALIGN] = b;
		h->cache_class_bytes[size / HEAP_ALIGN] += size;
		h->cache_bytes += size;
		return;
	}
	free_tlsf(h, b);
}

void heap_free(struct heap *h, void *ptr, uintptr_t caller)
{
	mm_irqflags_t fl = mm_irq_save();
	free_block(h, ptr, caller);
	mm_irq_restore(fl);
}

static size_t usable_size(struct heap *h, void *ptr)
{
	uintptr_t b = checked_block(h, ptr, HEAP_CALLER);
	return HEAP_DEBUG ? *blk_req(b) : blk_size(b) - BLK_HDR;
}

size_t heap_usable_size(struct heap *h, void *ptr)
{
	mm_irqflags_t fl = mm_irq_save();
	size_t n = usable_size(h, ptr);
	mm_irq_restore(fl);
	return n;
}
