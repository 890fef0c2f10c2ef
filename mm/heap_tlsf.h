/*
 * heap_tlsf.h - the heap's block operations (internal to mm/heap*.c): the TLSF free lists and
 * their good-fit search, the wilderness, splitting and merging, handing a block out and checking
 * a pointer that comes back. Static inline, so that heap.c's allocation and free paths and
 * heap_realloc.c's aligned allocation and realloc each compile them into their own code with no
 * call in between, as when they were one file.
 *
 * Written from Masmano et al., "TLSF: a New Dynamic Memory Allocator for Real-Time Systems"
 * (ECRTS 2004): a first-level bitmap over powers of two and second-level bitmaps that split each
 * power of two into HEAP_SL_COUNT lists; a request is rounded up to the next list boundary so
 * that any block in the first non-empty list found by find-first-set fits ("good fit", section
 * 3), which makes malloc and free O(1). Above the last block, a headerless wilderness that
 * allocations are carved from and frees at the top return to (docs/heap.md, "Design").
 */
#ifndef MM_HEAP_TLSF_H
#define MM_HEAP_TLSF_H

#include "mm/heap.h"
#include "mm/heap_block.h"
#include "mm/mm_env.h"

/* The slow paths (heap_grow.c): map more pages at the end so that the wilderness holds `size`
 * bytes (false when the range or the backend says no); give back the free pages at the end
 * above a spare of `keep` bytes (returns the bytes given back). */
bool heap_grow(struct heap *h, size_t size);
size_t heap_shrink(struct heap *h, size_t keep);

/* Return every block of the small-block cache to TLSF (heap.c). */
void heap_cache_flush(struct heap *h);

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

/* A free block of at least `size` bytes (out of the lists, its size in *bsize; its successor
 * is a used block or the wilderness), growing the heap when there is none; 0 when out of
 * memory. The wilderness takes part in the good-fit search as if it were a free block of its
 * size in its list: it serves a request when no list below its own has a fitting block (using
 * it only when the lists are empty - Wilson et al.'s wilderness preservation - split larger
 * list blocks instead and cost footprint: docs/heap.md). */
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
		heap_cache_flush(h);
		if ((b = find_block(h, size, bsize)) || (b = find_block_exact(h, size, bsize)) ||
		    (b = carve(h, size, bsize)))
			return b;
		if (!heap_grow(h, size))
			return 0;
	}
	return carve(h, size, bsize);
}

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

#endif
