/*
 * heap_debug.c - the heap's reports: misuse panics with the allocation site, heap_check (a walk
 * that validates every block, list and bitmap bit, like tlsf_check in the TLSF reference
 * implementation's spirit), statistics and the leak report.
 *
 * None of this is on the allocation fast path except heap_panic_block, which only runs when
 * something is already wrong. The walks take time proportional to the heap; call them from
 * tests, the monitor or a debugging session, not from an interrupt handler.
 */
#include "mm/heap.h"
#include "mm/heap_block.h"
#include "mm/mm_env.h"

uintptr_t heap_find_not(uintptr_t at, int byte, size_t n)
{
	const uint8_t *q = (const uint8_t *)at;
	uint8_t v = (uint8_t)byte;
	/* Word at a time over the aligned middle: red zones and poison are checked often. */
	while (n && ((uintptr_t)q & (BLK_W - 1))) {
		if (*q != v)
			return (uintptr_t)q;
		q++, n--;
	}
	uintptr_t pattern = (uintptr_t)-1 / 0xff * v;
	while (n >= BLK_W) {
		if (*(const uintptr_t *)q != pattern)
			break;
		q += BLK_W, n -= BLK_W;
	}
	for (; n; q++, n--)
		if (*q != v)
			return (uintptr_t)q;
	return 0;
}

void heap_check_poison(uintptr_t b, size_t size, uintptr_t from, uintptr_t to)
{
	uintptr_t bad = heap_find_not(from, HEAP_POISON_FREE, to - from);
	if (bad)
		mm_panic("heap: use after free: freed block 0x%lx (%lu bytes) modified at 0x%lx; "
			 "last freed at 0x%lx",
			 (unsigned long)blk_payload(b), (unsigned long)size, (unsigned long)bad,
			 (unsigned long)*blk_req(b));
}

const char *heap_site_name(uintptr_t addr, uintptr_t *off)
{
	*off = 0;
	if (!addr)
		return "?";
	const char *name = mm_symbol_name(addr, off);
	if (!name) {
		*off = 0;
		return "?";
	}
	return name;
}

void heap_panic_block(const char *what, uintptr_t p, uintptr_t b, uintptr_t caller)
{
	uintptr_t coff, aoff, foff;
	const char *cname = heap_site_name(caller, &coff);
	const char *by = caller ? "detected in a call from" : "found by heap_check, caller";
	if (!HEAP_DEBUG || !b)
		mm_panic("heap: %s: pointer 0x%lx, %s 0x%lx <%s+0x%lx>", what, (unsigned long)p, by,
			 (unsigned long)caller, cname, (unsigned long)coff);
	uintptr_t site = *blk_caller(b);
	const char *aname = heap_site_name(site, &aoff);
	if (blk_is_free(b) || blk_is_cached(b)) {
		uintptr_t freer = *blk_req(b);
		const char *fname = heap_site_name(freer, &foff);
		mm_panic("heap: %s: pointer 0x%lx, allocated at 0x%lx <%s+0x%lx>, "
			 "freed at 0x%lx <%s+0x%lx>, %s 0x%lx <%s+0x%lx>",
			 what, (unsigned long)p, (unsigned long)site, aname, (unsigned long)aoff,
			 (unsigned long)freer, fname, (unsigned long)foff, by,
			 (unsigned long)caller, cname, (unsigned long)coff);
	}
	mm_panic("heap: %s: pointer 0x%lx, %lu bytes, allocated at 0x%lx <%s+0x%lx>, "
		 "%s 0x%lx <%s+0x%lx>",
		 what, (unsigned long)p, (unsigned long)*blk_req(b), (unsigned long)site, aname,
		 (unsigned long)aoff, by, (unsigned long)caller, cname, (unsigned long)coff);
}

void heap_panic_pointer(const struct heap *h, uintptr_t p, uintptr_t caller)
{
	if (p >= h->top && p < h->sentinel)
		heap_panic_block("double free (pointer into free memory)", p, 0, caller);
	for (uintptr_t b = h->first; b < h->top; b += blk_size(b)) {
		size_t size = blk_size(b);
		if (size < BLK_MIN || b + size > h->top)
			break; /* corrupt: heap_check will say where */
		if (p < b || p >= b + size)
			continue;
		if (blk_is_free(b) || blk_is_cached(b))
			heap_panic_block("double free (pointer into free memory)", p, 0, caller);
		uintptr_t off, site = HEAP_DEBUG ? *blk_caller(b) : 0;
		const char *name = heap_site_name(site, &off);
		uintptr_t coff;
		const char *cname = heap_site_name(caller, &coff);
		mm_panic("heap: invalid free (interior pointer): pointer 0x%lx is %lu bytes into live "
			 "block 0x%lx allocated at 0x%lx <%s+0x%lx>, detected in a call from 0x%lx "
			 "<%s+0x%lx>",
			 (unsigned long)p, (unsigned long)(p - blk_payload(b)),
			 (unsigned long)blk_payload(b), (unsigned long)site, name,
			 (unsigned long)off, (unsigned long)caller, cname, (unsigned long)coff);
	}
	heap_panic_block("invalid free (not the start of a live block)", p, 0, caller);
}

/* heap_check's complaint about the block at b (no allocation site unless its header is sane). */
static void __attribute__((noreturn)) check_fail(const char *what, uintptr_t b, bool header_ok)
{
	heap_panic_block(what, blk_payload(b), header_ok ? b : 0, 0);
}

static void check_lists(struct heap *h, size_t walked_free, size_t walked_bytes)
{
	size_t count = 0, bytes = 0;
	for (int fl = 0; fl < HEAP_FL_COUNT; fl++) {
		if (!(h->fl_bitmap & (1u << fl)) != !h->sl_bitmap[fl])
			mm_panic("heap: check: first-level bitmap bit %d disagrees with its lists",
				 fl);
		for (int sl = 0; sl < HEAP_SL_COUNT; sl++) {
			uintptr_t b = h->lists[fl][sl], prev = 0;
			if (!(h->sl_bitmap[fl] & (1u << sl)) != !b)
				mm_panic("heap: check: bitmap bit (%d,%d) disagrees with its list",
					 fl, sl);
			for (; b; prev = b, b = *blk_next_free(b)) {
				if (b < h->first || b >= h->top ||
				    (blk_payload(b) & (HEAP_ALIGN - 1)))
					mm_panic("heap: check: free list (%d,%d) links to 0x%lx, outside "
						 "the heap",
						 fl, sl, (unsigned long)b);
				int f, s;
				heap_mapping(blk_size(b), &f, &s);
				if (!blk_is_free(b) || f != fl || s != sl)
					check_fail("block in the wrong free list", b, false);
				if (*blk_prev_free(b) != prev)
					check_fail("broken free list back link", b, false);
				bytes += blk_size(b);
				if (++count > walked_free)
					mm_panic("heap: check: free lists hold more blocks than the heap "
						 "(%lu), a cycle?",
						 (unsigned long)walked_free);
			}
		}
	}
	if (count != walked_free || bytes != walked_bytes || count != h->free_blocks ||
	    bytes != h->free_bytes)
		mm_panic("heap: check: free lists hold %lu blocks / %lu bytes, the walk found %lu / "
			 "%lu, the counters say %lu / %lu",
			 (unsigned long)count, (unsigned long)bytes, (unsigned long)walked_free,
			 (unsigned long)walked_bytes, (unsigned long)h->free_blocks,
			 (unsigned long)h->free_bytes);
}

static void check(struct heap *h)
{
	if (h->sentinel != h->end - BLK_HDR || *blk_sizew(h->sentinel) != 0)
		mm_panic("heap: check: end sentinel at 0x%lx corrupt", (unsigned long)h->sentinel);
	if (h->top < h->first || h->top > h->sentinel)
		mm_panic("heap: check: wilderness start 0x%lx outside [0x%lx, 0x%lx]",
			 (unsigned long)h->top, (unsigned long)h->first,
			 (unsigned long)h->sentinel);
	if (HEAP_DEBUG && (*blk_magic(h->sentinel) ^ blk_payload(h->sentinel)) != HEAP_MAGIC_END)
		mm_panic("heap: check: end sentinel at 0x%lx overwritten",
			 (unsigned long)h->sentinel);
	size_t nfree = 0, free_bytes = 0, nlive = 0, live_bytes = 0, ncached = 0, cached_bytes = 0;
	bool prev_free = false;
	uintptr_t b = h->first;
	while (b != h->top) {
		size_t size = blk_size(b);
		if (size < BLK_MIN || b + size > h->top)
			check_fail("corrupt block size", b, false);
		if (blk_prev_is_free(b) != prev_free)
			check_fail("wrong prev-free flag", b, false);
		uintptr_t p = blk_payload(b);
		if (blk_is_free(b)) {
			if (prev_free)
				check_fail("two adjacent free blocks (missed coalescing)", b,
					   false);
			if (*blk_footer(b, size) != size)
				check_fail("free block footer does not match its header", b, false);
			if (HEAP_DEBUG) {
				if ((*blk_magic(b) ^ p) != HEAP_MAGIC_FREE)
					check_fail("corrupt free block header", b, false);
				heap_check_poison(b, size, blk_poison_start(b), blk_poison_end(b));
			}
			nfree++;
			free_bytes += size;
		} else if (blk_is_cached(b)) {
			if (size > HEAP_CACHE_MAX_BLOCK)
				check_fail("cached block too big for the cache", b, false);
			if (HEAP_DEBUG) {
				if ((*blk_magic(b) ^ p) != HEAP_MAGIC_FREE)
					check_fail("corrupt cached block header", b, false);
				heap_check_poison(b, size, p + BLK_W, b + size);
			}
			ncached++;
			cached_bytes += size;
		} else {
			if (HEAP_DEBUG) {
				if ((*blk_magic(b) ^ p) != HEAP_MAGIC_LIVE)
					check_fail("corrupt block header", b, false);
				size_t req = *blk_req(b);
				if (req > size - BLK_HDR)
					check_fail("corrupt block header", b, false);
				if (heap_find_not(p + req, HEAP_POISON_REDZONE,
						  b + size - (p + req)))
					check_fail("red zone overwritten", b, true);
			}
			nlive++;
			live_bytes += size;
		}
		prev_free = blk_is_free(b);
		b += size;
	}
	if (prev_free)
		check_fail("free block next to the wilderness (missed coalescing)",
			   b - ((uintptr_t *)b)[-1], false);
	if (HEAP_DEBUG) {
		uintptr_t bad = heap_find_not(h->top, HEAP_POISON_FREE, h->sentinel - h->top);
		if (bad)
			mm_panic("heap: use after free: the wilderness [0x%lx-0x%lx) modified at 0x%lx",
				 (unsigned long)h->top, (unsigned long)h->sentinel,
				 (unsigned long)bad);
	}
	if (nlive != h->allocs - h->frees || live_bytes != h->in_use)
		mm_panic("heap: check: the walk found %lu live blocks / %lu bytes, the counters say "
			 "%lu / %lu",
			 (unsigned long)nlive, (unsigned long)live_bytes,
			 (unsigned long)(h->allocs - h->frees), (unsigned long)h->in_use);
	check_lists(h, nfree, free_bytes);
	size_t count = 0, bytes = 0;
	for (int c = 0; c < (int)HEAP_CACHE_CLASSES; c++) {
		size_t class_bytes = bytes;
		for (uintptr_t cb = h->cache[c]; cb; cb = *blk_next_free(cb)) {
			if (cb < h->first || cb >= h->top || (blk_payload(cb) & (HEAP_ALIGN - 1)))
				mm_panic("heap: check: cache list %d links to 0x%lx, outside the heap",
					 c, (unsigned long)cb);
			if (!blk_is_cached(cb) || blk_size(cb) != (size_t)c * HEAP_ALIGN)
				check_fail("block in the wrong cache list", cb, false);
			bytes += blk_size(cb);
			if (++count > ncached)
				mm_panic("heap: check: cache lists hold more blocks than the heap");
		}
		if (bytes - class_bytes != h->cache_class_bytes[c])
			mm_panic("heap: check: cache list %d holds %lu bytes, its counter says %lu",
				 c, (unsigned long)(bytes - class_bytes),
				 (unsigned long)h->cache_class_bytes[c]);
	}
	if (count != ncached || bytes != cached_bytes || bytes != h->cache_bytes)
		mm_panic("heap: check: cache lists hold %lu blocks / %lu bytes, the walk found "
			 "%lu / %lu",
			 (unsigned long)count, (unsigned long)bytes, (unsigned long)ncached,
			 (unsigned long)cached_bytes);
}

void heap_check(struct heap *h)
{
	mm_irqflags_t fl = mm_irq_save(); /* a consistent heap: no handler allocates meanwhile */
	check(h);
	mm_irq_restore(fl);
}

static void stats(const struct heap *h, struct heap_stats *st)
{
	st->in_use = h->in_use;
	st->requested = h->requested;
	st->peak_in_use = h->peak_in_use;
	size_t wild = h->sentinel - h->top; /* counted as one free block */
	st->free = h->free_bytes + wild;
	st->pages_held = h->pages_held;
	st->peak_pages = h->peak_pages;
	st->live_blocks = h->allocs - h->frees; /* no counter of its own on the fast paths */
	st->free_blocks = h->free_blocks + (wild != 0);
	st->cached = h->cache_bytes;
	st->cached_blocks = 0; /* each list holds one size: its bytes give its count */
	for (unsigned c = 1; c < HEAP_CACHE_CLASSES; c++)
		st->cached_blocks += h->cache_class_bytes[c] / (c * HEAP_ALIGN);
	st->allocs = h->allocs;
	st->frees = h->frees;
	st->grows = h->grows;
	st->shrinks = h->shrinks;
	/* The largest free block is in the highest non-empty list; that one list is walked. */
	st->largest_free = wild;
	if (h->fl_bitmap) {
		int fl = heap_fls32(h->fl_bitmap);
		int sl = heap_fls32(h->sl_bitmap[fl]);
		for (uintptr_t b = h->lists[fl][sl]; b; b = *blk_next_free(b))
			if (blk_size(b) > st->largest_free)
				st->largest_free = blk_size(b);
	}
}

void heap_stats(const struct heap *h, struct heap_stats *st)
{
	mm_irqflags_t fl = mm_irq_save();
	stats(h, st);
	mm_irq_restore(fl);
}

void heap_print_stats(const struct heap *h)
{
	struct heap_stats st;
	heap_stats(h, &st);
	mm_log("heap: [mem 0x%lx-0x%lx] %lu pages held (peak %lu), in use %lu bytes in %lu blocks "
	       "(peak %lu), free %lu bytes in %lu blocks, largest free %lu, cached %lu bytes in %lu "
	       "blocks\n",
	       (unsigned long)h->start, (unsigned long)(h->end - 1), (unsigned long)st.pages_held,
	       (unsigned long)st.peak_pages, (unsigned long)st.in_use,
	       (unsigned long)st.live_blocks, (unsigned long)st.peak_in_use, (unsigned long)st.free,
	       (unsigned long)st.free_blocks, (unsigned long)st.largest_free,
	       (unsigned long)st.cached, (unsigned long)st.cached_blocks);
	if (HEAP_DEBUG)
		mm_log("heap: %lu bytes requested by live blocks; %lu allocs, %lu frees, %lu grows, "
		       "%lu shrinks\n",
		       (unsigned long)st.requested, (unsigned long)st.allocs,
		       (unsigned long)st.frees, (unsigned long)st.grows, (unsigned long)st.shrinks);
}

static size_t report_leaks(const struct heap *h)
{
	size_t n = 0, bytes = 0;
	for (uintptr_t b = h->first; b != h->top; b += blk_size(b)) {
		if (blk_is_free(b) || blk_is_cached(b))
			continue;
		uintptr_t p = blk_payload(b);
		if (HEAP_DEBUG) {
			uintptr_t off;
			const char *name = heap_site_name(*blk_caller(b), &off);
			mm_log("heap: live 0x%lx %lu bytes allocated at 0x%lx <%s+0x%lx>\n",
			       (unsigned long)p, (unsigned long)*blk_req(b),
			       (unsigned long)*blk_caller(b), name, (unsigned long)off);
			bytes += *blk_req(b);
		} else {
			mm_log("heap: live 0x%lx %lu bytes (build with HEAP_DEBUG=1 for the caller)\n",
			       (unsigned long)p, (unsigned long)(blk_size(b) - BLK_HDR));
			bytes += blk_size(b) - BLK_HDR;
		}
		n++;
	}
	mm_log("heap: %lu live blocks, %lu bytes\n", (unsigned long)n, (unsigned long)bytes);
	return n;
}

size_t heap_report_leaks(const struct heap *h)
{
	mm_irqflags_t fl = mm_irq_save();
	size_t n = report_leaks(h);
	mm_irq_restore(fl);
	return n;
}
