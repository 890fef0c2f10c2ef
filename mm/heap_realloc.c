/*
 * heap_realloc.c - the heap's less frequent entry points: aligned allocation (a block with room
 * for the alignment, the gap in front split off as a free block) and realloc (in place into the
 * wilderness or a free successor when possible, else allocate, copy, free).
 */
#include "mm/heap_tlsf.h"

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
