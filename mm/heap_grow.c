/*
 * heap_grow.c - the heap's slow paths: setting a heap up over its range (heap_init), mapping
 * more of the range when nothing fits (heap_grow), giving free pages at the end back (heap_shrink,
 * heap_trim). Each runs once per many allocations, and each call of the backend maps or unmaps
 * pages; docs/heap.md, "Growth and shrink", gives the rules and why.
 */
#include "mm/heap_tlsf.h"

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

/* Make the heap's last free block at least `size` bytes by mapping more pages at its end. */
bool heap_grow(struct heap *h, size_t size)
{
	size_t have = h->sentinel - h->top;
	size_t need = size > have ? size - have : 0;
	/* Grow by at least grow_min and 1/64 of what is held: geometric growth keeps the
	 * number of backend calls logarithmic in the heap size, the overshoot under 2% (the
	 * last grow's overshoot is part of the peak footprint: docs/heap.md compares steps of
	 * 1/32 and 64 KiB). Growing is cheap: the new pages join
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
size_t heap_shrink(struct heap *h, size_t keep)
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

static size_t trim(struct heap *h)
{
	heap_cache_flush(h);
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
