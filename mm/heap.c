/*
 * heap.c - the TLSF core: free lists and bitmaps, allocation, free with immediate coalescing,
 * in-place realloc, aligned allocation, and growth/shrink of the range through the backend.
 *
 * Written from Masmano et al., "TLSF: a New Dynamic Memory Allocator for Real-Time Systems"
 * (ECRTS 2004): a first-level bitmap over powers of two and second-level bitmaps that split each
 * power of two into HEAP_SL_COUNT lists; a request is rounded up to the next list boundary so
 * that any block in the first non-empty list found by find-first-set fits ("good fit", section
 * 3), which makes malloc and free O(1). In front of it, a small-block cache (per-size LIFO
 * lists of freed blocks up to 1 KiB, with a GC); above the last block, a headerless wilderness
 * that allocations are carved from and frees at the top return to (docs/heap.md, "Design"). The
 * block layout is in heap_block.h; heap_check, the statistics and the leak report are in
 * heap_debug.c.
 */
#include "mm/heap.h"
#include "mm/heap_block.h"
#include "mm/mm_env.h"

bool heap_debug_enabled(void) { return HEAP_DEBUG != 0; }

/* --- free lists ------------------------------------------------------------------------------ */

static inline void list_insert(struct heap *h, uintptr_t b, size_t size)
{
	int fl, sl;
	heap_mapping(size, &fl, &sl);
	uintptr_t head = h->lists[fl][sl];
	*blk_next_free(b) = head;
	*blk_prev_free(b) = 0;
	if (head)
		*blk_prev_free(head) = b;
	h->lists[fl][sl] = b;
	h->fl_bitmap |= 1u << fl;
	h->sl_bitmap[fl] |= 1u << sl;
	h->free_bytes += size;
	h->free_blocks++;
}

static inline void list_remove(struct heap *h, uintptr_t b, size_t size)
{
	int fl, sl;
	heap_mapping(size, &fl, &sl);
	uintptr_t next = *blk_next_free(b), prev = *blk_prev_free(b);
	if (next)
		*blk_prev_free(next) = prev;
	if (prev) {
		*blk_next_free(prev) = next;
	} else {
		h->lists[fl][sl] = next;
		if (!next) {
			h->sl_bitmap[fl] &= ~(1u << sl);
			if (!h->sl_bitmap[fl])
				h->fl_bitmap &= ~(1u << fl);
		}
	}
	h->free_bytes -= size;
	h->free_blocks--;
}

/* Mark b free with this size (header and footer), keep its BLK_PREV_FREE, and tell its
 * successor unless it knows already: when b has just absorbed a free successor, the block after
 * that has BLK_PREV_FREE set (free blocks are coalesced, so its predecessor was free), and
 * leaving it alone spares a read of a line nobody else needs, one that depends on the absorbed
 * block's size (a second cache miss in a row on bench-heap's small traces). */
static inline void blk_set_free(uintptr_t b, size_t size, bool next_knows)
{
	*blk_sizew(b) = size | BLK_FREE | (*blk_sizew(b) & BLK_PREV_FREE);
	*blk_footer(b, size) = size;
	if (!next_knows)
		*blk_sizew(b + size) |= BLK_PREV_FREE;
}

/* Debug builds: mark a free block made by cutting another as free, with no sites recorded. */
static inline void blk_stamp_free(uintptr_t b)
{
	if (HEAP_DEBUG) {
		*blk_caller(b) = 0;
		*blk_req(b) = 0;
		*blk_magic(b) = HEAP_MAGIC_FREE ^ blk_payload(b);
	}
}

/* Size of the block that serves a request of n bytes, or 0 when n is too big. */
static inline size_t adjust_request(size_t n)
{
	if (n > HEAP_MAX_SPAN / 2)
		return 0;
	size_t s = (n + BLK_HDR + BLK_REDZONE + HEAP_ALIGN - 1) & ~(size_t)(HEAP_ALIGN - 1);
	return s < BLK_MIN ? BLK_MIN : s;
}

/* The smallest block size the rounded-up search of `size` accepts (TLSF mapping_search). */
static inline size_t search_size(size_t size)
{
	if (size >= ((size_t)1 << HEAP_FL_SHIFT)) {
		size_t gran = (size_t)1 << (heap_fls_size(size) - HEAP_SL_LOG2);
		size = (size + gran - 1) & ~(gran - 1);
	}
	return size;
}

/* The first non-empty list whose blocks all hold `size` bytes (TLSF mapping_search and
 * find_suitable_block); false when there is none. */
static inline bool find_list(const struct heap *h, size_t size, int *flp, int *slp)
{
	int fl, sl;
	heap_mapping(search_size(size), &fl, &sl);
	if (fl >= HEAP_FL_COUNT)
		return false;
	uint32_t slmap = h->sl_bitmap[fl] & (~0u << sl);
	if (!slmap) {
		uint32_t flmap = fl + 1 < 32 ? h->fl_bitmap & (~0u << (fl + 1)) : 0;
		if (!flmap)
			return false;
		fl = heap_ffs32(flmap);
		slmap = h->sl_bitmap[fl];
	}
	*flp = fl;
	*slp = heap_ffs32(slmap);
	return true;
}

/* Remove and return the head of list (fl, sl), its size in *bsize. */
static inline uintptr_t take_head(struct heap *h, int fl, int sl, size_t *bsize)
{
	uintptr_t b = h->lists[fl][sl];
	list_remove(h, b, *bsize = blk_size(b));
	return b;
}

/* Remove and return a free block of at least `size` bytes (its size in *bsize), or 0. */
static inline uintptr_t find_block(struct heap *h, size_t size, size_t *bsize)
{
	int fl, sl;
	return find_list(h, size, &fl, &sl) ? take_head(h, fl, sl, bsize) : 0;
}

/* A block from the request's own list that fits, looking at no more than HEAP_EXACT_TRIES
 * entries (so still O(1)). The rounded-up search skips this list entirely, so without this
 * a request could not use the last 1/32 of the heap (e.g. the block just grown for it, which
 * list_insert put at the head), and blocks that fit would sit unused while the heap grows. */
#define HEAP_EXACT_TRIES 8
static inline uintptr_t find_block_exact(struct heap *h, size_t size, size_t *bsize)
{
	int fl, sl;
	heap_mapping(size, &fl, &sl);
	if (fl >= HEAP_FL_COUNT)
		return 0;
	uintptr_t b = h->lists[fl][sl];
	if (fl == 0) {
		/* A list of first level 0 holds blocks of one size, so its head fits, and its size
		 * is known without reading its header: the caller's access to the successor's
		 * header does not wait for that line. */
		if (b)
			list_remove(h, b, *bsize = size);
		return b;
	}
	for (int i = 0; b && i < HEAP_EXACT_TRIES; i++, b = *blk_next_free(b))
		if (blk_size(b) >= size) {
			list_remove(h, b, *bsize = blk_size(b));
			return b;
		}
	return 0;
}

/* Cut a block of exactly `size` bytes from the start of the wilderness, or 0 when it is
 * smaller. The only word written is the new block's header, at the old top: the end of the
 * block carved before, which its caller has just written, not a page nobody touched for a
 * while (as splitting a free tail block would: its remainder's header lies `size` bytes on). */
static inline uintptr_t carve(struct heap *h, size_t size, size_t *bsize)
{
	if (h->sentinel - h->top < size)
		return 0;
	uintptr_t b = h->top;
	h->top = b + size;
	*bsize = size;
	*blk_sizew(b) = size | BLK_FREE; /* the block below the wilderness is never free */
	return b;
}

/* A free block of at least `size` bytes (out of the lists, its size in *bsize; its successor
 * is a used block or the wilderness), growing the heap when there is none; 0 when out of
 * memory. The wilderness takes part in the good-fit search as if it were a free block of its
 * size in its list: it serves a request when no list below its own has a fitting block (using
 * it only when the lists are empty - Wilson et al.'s wilderness preservation - split larger
 * list blocks instead and cost 4% of footprint on bench-heap mixed-random). */
static bool heap_grow(struct heap *h, size_t size);
static void cache_flush(struct heap *h);
static void cache_gc_step(struct heap *h);
static inline uintptr_t take_block(struct heap *h, size_t size, size_t *bsize)
{
	/* The head of the request's own list first: when it fits it is a closer fit than
	 * anything the rounded-up search finds (less fragmentation, measured in bench-heap). */
	uintptr_t b = find_block_exact(h, size, bsize);
	if (b)
		return b;
	int fl, sl;
	bool listed = find_list(h, size, &fl, &sl);
	size_t wild = h->sentinel - h->top;
	if (wild >= size) {
		int wfl, wsl;
		heap_mapping(wild, &wfl, &wsl);
		if (!listed || wfl < fl || (wfl == fl && wsl <= sl))
			return carve(h, size, bsize);
	}
	if (listed)
		return take_head(h, fl, sl, bsize);
	if (!heap_grow(h, size)) {
		/* Out of memory: as a last resort (O(cache), so not on the normal path) let the
		 * cached blocks coalesce into what is needed. */
		if (!h->cache_bytes)
			return 0;
		cache_flush(h);
		if ((b = find_block(h, size, bsize)) || (b = find_block_exact(h, size, bsize)) ||
		    (b = carve(h, size, bsize)))
			return b;
		if (!heap_grow(h, size))
			return 0;
	}
	return carve(h, size, bsize);
}

/* --- growth and shrink ----------------------------------------------------------------------- */

static void write_sentinel(struct heap *h, uintptr_t s)
{
	*blk_sizew(s) = 0; /* the wilderness before it has no header and is never "a free block" */
	if (HEAP_DEBUG) {
		*blk_caller(s) = 0;
		*blk_req(s) = 0;
		*blk_magic(s) = HEAP_MAGIC_END ^ blk_payload(s);
	}
	h->sentinel = s;
}

/* Merge free block b (not in a list, flags set) with a free predecessor; returns the result. */
static inline uintptr_t merge_prev(struct heap *h, uintptr_t b, size_t *size)
{
	if (!blk_prev_is_free(b))
		return b;
	uintptr_t p = blk_prev(b);
	size_t psize = blk_size(p);
	list_remove(h, p, psize);
	if (HEAP_DEBUG) /* p's footer and b's header become the inside of one free block */
		heap_fill(b - BLK_W, HEAP_POISON_FREE, BLK_W + BLK_HDR + 2 * BLK_W);
	*size += psize;
	return p;
}

/* Merge free block b with a free successor; the successor is a real block (b does not border
 * the wilderness; the sentinel is never free). True when it merged. */
static inline bool merge_next(struct heap *h, uintptr_t b, size_t *size)
{
	uintptr_t n = b + *size;
	if (!blk_is_free(n))
		return false;
	size_t nsize = blk_size(n);
	list_remove(h, n, nsize);
	if (HEAP_DEBUG)
		heap_fill(n - BLK_W, HEAP_POISON_FREE, BLK_W + BLK_HDR + 2 * BLK_W);
	*size += nsize;
	return true;
}

/* Make the heap's last free block at least `size` bytes by mapping more pages at its end. */
static bool heap_grow(struct heap *h, size_t size)
{
	size_t have = h->sentinel - h->top;
	size_t need = size > have ? size - have : 0;
	/* Grow by at least grow_min and 1/64 of what is held: geometric growth keeps the
	 * number of backend calls logarithmic in the heap size, the overshoot under 2% (with
	 * 1/32 and 64 KiB, bench-heap's mixed-lifo footprint was 1.24 x peak live, now 1.14:
	 * the last grow's overshoot is part of the peak). Growing is cheap: the new pages join
	 * the wilderness and only the sentinel is written. */
	size_t held = h->end - h->start, chunk = held / 64;
	if (chunk < h->grow_min)
		chunk = h->grow_min;
	/* Below the recent high-water mark (pages given back by a shrink since the last
	 * heap_trim) grow back in one step of up to half the heap's size, never above that
	 * mark: a heap that shrank and fills again then costs one backend call, not one per
	 * 1/32. Half, not more: a full heap of U bytes grown to 1.5 U has the spare a shrink
	 * keeps (U / 2), while growing to 2 U would meet the shrink rule (a free tail as large
	 * as what is used) at the next free at the top, and the heap would oscillate. */
	if (h->end < h->recent_end) {
		size_t back = h->recent_end - h->end;
		if (back > held / 2)
			back = held / 2;
		if (chunk < back)
			chunk = back;
	}
	if (need < chunk)
		need = chunk;
	need = PG_ROUND_UP(need);
	if (need > h->max - h->end) {
		/* Not enough range for the chunk: the exact size may still fit. */
		need = size > have ? size - have : 0;
		need = PG_ROUND_UP(need);
		if (need > h->max - h->end)
			return false;
	}
	if (need == 0 || h->backend.grow(h->backend.ctx, h->end, need) != 0)
		return false;
	uintptr_t s = h->sentinel;
	h->end += need;
	if (h->end > h->recent_end)
		h->recent_end = h->end;
	h->pages_held += need / PG_SIZE;
	if (h->pages_held > h->peak_pages)
		h->peak_pages = h->pages_held;
	h->grows++;
	h->shrink_armed = 0;
	/* The old sentinel and the new pages join the wilderness. */
	if (HEAP_DEBUG)
		heap_fill(s, HEAP_POISON_FREE, need);
	write_sentinel(h, h->end - BLK_HDR);
	return true;
}

/* Give back the wholly free pages at the end, keeping about `keep` bytes of wilderness mapped
 * (so that a heap oscillating around its end does not map and unmap on every call). */
static size_t heap_shrink(struct heap *h, size_t keep)
{
	uintptr_t new_end = PG_ROUND_UP(h->top + BLK_HDR + keep);
	if (new_end < h->min_end)
		new_end = h->min_end;
	if (new_end >= h->end)
		return 0;
	write_sentinel(h, new_end - BLK_HDR);
	size_t bytes = h->end - new_end;
	h->end = new_end;
	h->pages_held -= bytes / PG_SIZE;
	h->shrinks++;
	h->backend.shrink(h->backend.ctx, new_end, bytes);
	return bytes;
}

static void cache_flush(struct heap *h);
static size_t trim(struct heap *h)
{
	cache_flush(h);
	size_t bytes = heap_shrink(h, 0);
	h->recent_end = h->end; /* an explicit trim forgets the high-water mark */
	return bytes;
}

size_t heap_trim(struct heap *h)
{
	mm_irqflags_t fl = mm_irq_save();
	size_t bytes = trim(h);
	mm_irq_restore(fl);
	return bytes;
}

int heap_init(struct heap *h, uintptr_t start, uintptr_t max, size_t initial,
	      const struct heap_backend *backend)
{
	heap_fill((uintptr_t)h, 0, sizeof(*h));
	if (start % PG_SIZE || max % PG_SIZE || max <= start || max - start > HEAP_MAX_SPAN) {
		mm_log("heap: bad range [0x%lx-0x%lx): need page-aligned start < max, at most 2 GiB\n",
		       (unsigned long)start, (unsigned long)max);
		return -1;
	}
	if (!backend || !backend->grow || !backend->shrink) {
		mm_log("heap: no backend\n");
		return -1;
	}
	initial = PG_ROUND_UP(initial);
	if (initial < PG_SIZE)
		initial = PG_SIZE;
	if (initial > max - start) {
		mm_log("heap: initial size 0x%lx larger than the range\n", (unsigned long)initial);
		return -1;
	}
	h->backend = *backend;
	h->start = start;
	h->max = max;
	h->grow_min = 4 * PG_SIZE;
	h->shrink_threshold = 256 * PG_SIZE;
	h->shrink_keep = 128 * PG_SIZE;
	h->shrink_delay = 8192;
	h->cache_limit = 32 << 10;
	if (h->backend.grow(h->backend.ctx, start, initial) != 0) {
		mm_log("heap: backend could not provide the initial 0x%lx bytes\n",
		       (unsigned long)initial);
		return -1;
	}
	h->end = h->min_end = h->recent_end = start + initial;
	h->pages_held = h->peak_pages = initial / PG_SIZE;
	/* The first payload is the first 16-aligned address with room for a header before it. */
	h->first = ((start + BLK_HDR + HEAP_ALIGN - 1) & ~(uintptr_t)(HEAP_ALIGN - 1)) - BLK_HDR;
	/* Everything is wilderness at first. */
	h->top = h->first;
	uintptr_t s = h->end - BLK_HDR;
	if (HEAP_DEBUG)
		heap_fill(h->first, HEAP_POISON_FREE, s - h->first);
	write_sentinel(h, s);
	return 0;
}

/* --- allocation ------------------------------------------------------------------------------ */

/* Cut b (used, `size` bytes now) down to `keep` bytes when the rest can form a free block; the
 * rest merges with a free successor. */
static inline void trim_used(struct heap *h, uintptr_t b, size_t size, size_t keep, bool dirty)
{
	if (size - keep < BLK_MIN)
		return;
	uintptr_t r = b + keep;
	size_t rsize = size - keep;
	*blk_sizew(b) = keep | (*blk_sizew(b) & BLK_PREV_FREE);
	if (r + rsize == h->top) {
		/* The rest borders the wilderness: it becomes wilderness (poison in debug). */
		if (HEAP_DEBUG)
			heap_fill(r, HEAP_POISON_FREE, dirty ? rsize : BLK_HDR + 2 * BLK_W);
		h->top = r;
		return;
	}
	*blk_sizew(r) = 0; /* predecessor b is used */
	/* A tail cut from a free block is poisoned already; one cut from user data is not. */
	if (HEAP_DEBUG && dirty)
		heap_fill(blk_poison_start(r), HEAP_POISON_FREE, rsize - BLK_HDR - 2 * BLK_W);
	bool merged = merge_next(h, r, &rsize);
	blk_set_free(r, rsize, merged);
	blk_stamp_free(r);
	list_insert(h, r, rsize);
}

/* The used block b (bsize bytes) goes to a caller: count it, and in debug builds record the
 * allocation site and requested size, stamp the live magic and fill the red zone after the
 * request. Returns the payload address. */
static inline uintptr_t mark_live(struct heap *h, uintptr_t b, size_t bsize, size_t req,
				  uintptr_t caller)
{
	h->in_use += bsize;
	if (h->in_use > h->peak_in_use)
		h->peak_in_use = h->in_use;
	h->allocs++;
	uintptr_t p = blk_payload(b);
	if (HEAP_DEBUG) {
		*blk_caller(b) = caller;
		*blk_req(b) = req;
		*blk_magic(b) = HEAP_MAGIC_LIVE ^ p;
		h->requested += req;
		heap_fill(p + req, HEAP_POISON_REDZONE, b + bsize - (p + req));
	}
	(void)req;
	(void)caller;
	return p;
}

/* Turn the free block b of bsize bytes (out of its list, or just carved) into a used block of
 * at least `size` bytes. */
static inline uintptr_t use_block(struct heap *h, uintptr_t b, size_t bsize, size_t size,
				  size_t req, uintptr_t caller)
{
	if (b + bsize == h->top) {
		/* Carved: exactly `size` bytes, or more for an aligned request, whose rest
		 * trim_used gives back to the wilderness. */
		*blk_sizew(b) &= ~BLK_FREE;
		trim_used(h, b, bsize, size, false);
		return mark_live(h, b, blk_size(b), req, caller);
	}
	if (bsize - size < BLK_MIN) {
		*blk_sizew(b) &= ~BLK_FREE;
		*blk_sizew(b + bsize) &= ~BLK_PREV_FREE;
		return mark_live(h, b, bsize, req, caller);
	}
	/* Split a listed block: the rest r goes to its list. Its successor keeps BLK_PREV_FREE (r
	 * is its free predecessor now) and is not touched at all, only r's footer next to it is
	 * written; it is not free either (immediate coalescing), so r merges with nothing. */
	uintptr_t r = b + size;
	size_t rsize = bsize - size;
	*blk_sizew(b) = size | (*blk_sizew(b) & BLK_PREV_FREE);
	*blk_sizew(r) = rsize | BLK_FREE;
	*blk_footer(r, rsize) = rsize;
	blk_stamp_free(r); /* its inside was poisoned as part of b */
	list_insert(h, r, rsize);
	return mark_live(h, b, size, req, caller);
}

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
	 * ago whenever it shrinks, and without this about 60% of the calls slower than p99.9 on
	 * bench-heap small-fifo and small-random were cache hits waiting for such a block's line;
	 * with it p99.9 / ns-per-op fell from 9.5-10.9 to 7.4-8.2 there (docs/heap.md). A prefetch of
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
		 * a TLSF search and split. On small-fifo the allocations that reach TLSF were 3.5%
		 * of all operations without this, 2.0% with the next size and are 1.9% with both
		 * (and the frees 1.8%, were 1.9%); fewer split blocks took mixed-fifo's peak
		 * footprint from 1.23x to 1.17x peak live (docs/heap.md). */
		if (size < HEAP_CACHE_MAX_BLOCK && (c = h->cache[size / HEAP_ALIGN + 1]))
			return cache_take(h, c, size + HEAP_ALIGN, n, caller);
		if (size + HEAP_ALIGN < HEAP_CACHE_MAX_BLOCK && (c = h->cache[size / HEAP_ALIGN + 2]))
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

static void *alloc_aligned(struct heap *h, size_t n, size_t align, uintptr_t caller)
{
	if (align == 0 || (align & (align - 1)) || align > HEAP_MAX_ALIGN) {
		mm_log("heap: alignment %lu is not a power of two up to %u\n", (unsigned long)align,
		       HEAP_MAX_ALIGN);
		return NULL;
	}
	if (align <= HEAP_ALIGN)
		return heap_alloc(h, n, caller);
	size_t size = adjust_request(n);
	if (!size)
		return NULL;
	/* Room for the block plus a leading gap that is either 0 or a whole free block. */
	size_t want = size + align + BLK_MIN, bsize;
	uintptr_t b = take_block(h, want, &bsize);
	if (!b)
		return NULL;
	uintptr_t p = blk_payload(b);
	uintptr_t ap = (p + align - 1) & ~(uintptr_t)(align - 1);
	while (ap != p && ap - p < BLK_MIN)
		ap += align;
	if (ap != p) {
		/* Split off the gap as a free block; b's predecessor is used (b was coalesced). */
		size_t gap = ap - p;
		uintptr_t nb = b + gap;
		*blk_sizew(nb) = (bsize - gap) | BLK_FREE | BLK_PREV_FREE;
		*blk_sizew(b) &= BLK_PREV_FREE;
		blk_set_free(b, gap, true);
		blk_stamp_free(b);
		list_insert(h, b, gap); /* its inside was poisoned as part of b */
		b = nb;
		bsize -= gap;
	}
	return (void *)use_block(h, b, bsize, size, n, caller);
}

void *heap_alloc_aligned(struct heap *h, size_t n, size_t align, uintptr_t caller)
{
	mm_irqflags_t fl = mm_irq_save();
	void *p = alloc_aligned(h, n, align, caller);
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

/* --- free and realloc ------------------------------------------------------------------------ */

/* The block of a pointer given to free/realloc, after every check this build can afford. */
static inline uintptr_t checked_block(struct heap *h, void *ptr, uintptr_t caller)
{
	uintptr_t p = (uintptr_t)ptr, b = blk_from_payload(p);
	if (p < h->first + BLK_HDR || p >= h->sentinel)
		heap_panic_block("invalid free (not a heap pointer)", p, 0, caller);
	if (p >= h->top) /* no block there: a block freed into the wilderness, or garbage */
		heap_panic_pointer(h, p, caller);
	if (p & (HEAP_ALIGN - 1))
		heap_panic_block("invalid free (misaligned, not a block start)", p, 0, caller);
	if (HEAP_DEBUG) {
		uintptr_t magic = *blk_magic(b) ^ p;
		if (magic == HEAP_MAGIC_LIVE && !blk_is_free(b)) {
			size_t req = *blk_req(b);
			uintptr_t end = b + blk_size(b);
			if (blk_size(b) < BLK_MIN || end > h->sentinel || p + req > end)
				heap_panic_block("corrupt block header", p, b, caller);
			if (heap_find_not(p + req, HEAP_POISON_REDZONE, end - (p + req)))
				heap_panic_block("red zone overwritten", p, b, caller);
			return b;
		}
		if (magic == HEAP_MAGIC_FREE && (blk_is_free(b) || blk_is_cached(b)))
			heap_panic_block("double free", p, b, caller);
		heap_panic_pointer(h, p, caller);
	}
	if (*blk_sizew(b) & (BLK_FREE | BLK_CACHED))
		heap_panic_block("double free", p, 0, caller);
	return b;
}

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
	 * stack of 4-64 KiB blocks whose depth is a random walk - otherwise shrank and grew back
	 * 64 times in 80,000 operations, a third of its calls slower than p99.9. */
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

static void cache_flush(struct heap *h)
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
 * last turn. Without it, blocks cached by one phase of work
 * stay for good once the sizes change, pinning the free memory around them into pieces: on
 * bench-heap large-lifo after the mixed traces, 42% of the allocations came from such pieces
 * instead of the wilderness, and those were 50 of the 80 calls slower than p99.9. */
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

static inline __attribute__((always_inline)) void free_block(struct heap *h, void *ptr, uintptr_t caller)
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

static void *realloc_block(struct heap *h, void *ptr, size_t n, uintptr_t caller)
{
	if (!ptr)
		return heap_alloc(h, n, caller);
	if (n == 0) {
		heap_free(h, ptr, caller);
		return NULL;
	}
	uintptr_t b = checked_block(h, ptr, caller);
	size_t size = adjust_request(n);
	if (!size)
		return NULL;
	size_t cur = blk_size(b);
	uintptr_t nb = b + cur;
	bool grown = false;
	if (size > cur && nb == h->top && cur + (h->sentinel - nb) >= size) {
		/* Grow in place into the wilderness, by what is needed. */
		*blk_sizew(b) = size | (*blk_sizew(b) & BLK_PREV_FREE);
		h->top = b + size;
		h->in_use += size - cur;
		cur = size;
		grown = true;
	} else if (size > cur && nb != h->top && blk_is_free(nb) && cur + blk_size(nb) >= size) {
		/* Grow in place into the free successor. */
		size_t nsize = blk_size(nb);
		list_remove(h, nb, nsize);
		*blk_sizew(nb + nsize) &= ~BLK_PREV_FREE;
		*blk_sizew(b) = (cur + nsize) | (*blk_sizew(b) & BLK_PREV_FREE);
		cur += nsize;
		h->in_use += nsize;
		grown = true;
	}
	if (size <= cur) {
		/* Shrink (or keep) in place; a tail of BLK_MIN or more goes back as a free block. */
		size_t before = cur;
		trim_used(h, b, cur, size, !grown);
		h->in_use -= before - blk_size(b);
		if (h->in_use > h->peak_in_use)
			h->peak_in_use = h->in_use;
		if (HEAP_DEBUG) {
			uintptr_t p = blk_payload(b);
			h->requested += n - *blk_req(b);
			*blk_req(b) = n;
			heap_fill(p + n, HEAP_POISON_REDZONE, b + blk_size(b) - (p + n));
		}
		return ptr;
	}
	void *q = heap_alloc(h, n, HEAP_DEBUG ? *blk_caller(b) : caller);
	if (!q)
		return NULL;
	size_t old = HEAP_DEBUG ? *blk_req(b) : cur - BLK_HDR;
	size_t copy = old < n ? old : n;
#if __STDC_HOSTED__
	__builtin_memcpy(q, ptr, copy);
#else
	for (size_t i = 0; i < copy; i++)
		((uint8_t *)q)[i] = ((const uint8_t *)ptr)[i];
#endif
	heap_free(h, ptr, caller);
	return q;
}

void *heap_realloc(struct heap *h, void *ptr, size_t n, uintptr_t caller)
{
	mm_irqflags_t fl = mm_irq_save();
	void *q = realloc_block(h, ptr, n, caller);
	mm_irq_restore(fl);
	return q;
}
