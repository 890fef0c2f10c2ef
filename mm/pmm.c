/*
 * pmm.c - the bitmap frame allocator: one bit per 4 KiB frame (1 = free), summary levels above it,
 * a hint, a free counter and named reservations. Design notes: docs/pmm.md.
 * This file is the allocator proper (search, allocation, free); pmm_init.c sets the state up and
 * takes reservations, pmm_debug.c holds the queries, the names, the misuse report and pmm_check.
 *
 * Search structure (a hierarchy of summary bitmaps, the idea behind LLFree's trees, Wrenger et al.,
 * USENIX ATC 2023, and mimalloc's arena bitmaps):
 *   level 0: bit f is set when frame f is free;
 *   level k: bit i is set when word i of level k-1 is non-zero (has a free frame somewhere).
 * 4 GiB = 2^20 frames -> 32768 words -> 1024 -> 32 -> 1, so the first free frame at or after any
 * position is found by reading at most about two words per level, whatever the fill. A single-frame
 * allocation first tries the word of the hint (where the last allocation or free happened: one word
 * read in the common case), then walks the summary from 16 MiB, then from 0. Each word read counts
 * in pmm.touched, which tests assert on (machine-independent cost) and the benchmark reports.
 *
 * Which state a frame is in is decided without a second bitmap: free <=> its bit is set; otherwise
 * it is reserved if a reservation covers it, not RAM if no usable range holds it, else allocated.
 * That holds because reservations only ever take free frames (reserving an allocated one panics).
 */
#include "mm/pmm_internal.h"

#define NONE     0xFFFFFFFFu
#define TOUCH(n) (pmm.touched += (n))

struct pmm_state pmm;

/* ---- summary maintenance ----------------------------------------------------------------- */

/* Word i of level k-1 may have changed between empty and non-empty: fix level k and above.
 * Stops as soon as a level's word keeps its emptiness (nothing changes further up). */
static void __attribute__((noinline)) summary_fix(unsigned k, uint32_t i)
{
	for (; k < pmm.nlevels; k++) {
		bool child_free = pmm.lvl[k - 1][i] != 0;
		uint32_t pw = i >> 5, bit = 1u << (i & 31);
		TOUCH(1);
		uint32_t old = pmm.lvl[k][pw];
		uint32_t now = child_free ? (old | bit) : (old & ~bit);
		if (now == old)
			return;
		pmm.lvl[k][pw] = now;
		if ((old != 0) == (now != 0))
			return;
		i = pw;
	}
}

static void summary_update(uint32_t w)
{
	summary_fix(1, w);
}

/* Level-0 word w is now empty (nonempty false) or not: write its level-1 bit and the level-2 bit
 * above that unconditionally, then carry a change of the level-2 word's emptiness up (rare: it
 * covers 1024 words). For the single-frame alloc and free, whose word flips between empty and
 * not at random (an alloc+free that takes the frame just freed flips it twice), a mispredicted
 * branch per flip costs more than two stores into words that stay in L1 (level 1 is 4 KiB at
 * 4 GiB); docs/pmm.md section 6 has the measurements. The cost in words is fixed instead: one
 * per summary level up to level 2 (test_single_frame_fixed_cost). */
static inline void summary_write_low(uint32_t w, bool nonempty)
{
	if (pmm.nlevels < 2)
		return;
	uint32_t *p = &pmm.lvl[1][w >> 5], sh = w & 31;
	TOUCH(1);
	uint32_t old = *p, now = (old & ~(1u << sh)) | ((uint32_t)nonempty << sh);
	*p = now;
	if (pmm.nlevels < 3)
		return;
	uint32_t *p2 = &pmm.lvl[2][w >> 10], sh2 = (w >> 5) & 31;
	TOUCH(1);
	uint32_t old2 = *p2, now2 = (old2 & ~(1u << sh2)) | ((uint32_t)(now != 0) << sh2);
	*p2 = now2;
	if (__builtin_expect((old2 != 0) != (now2 != 0), 0))
		summary_fix(3, w >> 10);
}

/* ---- searching --------------------------------------------------------------------------- */

/* Index of the first set bit at or after p in level k, or NONE. Climbs while the word in hand
 * has nothing at or after the position (at most one word per level), then descends taking the
 * lowest set bit (one word per level): at most about two words per level in all. */
static inline __attribute__((always_inline)) uint32_t find_next_set(unsigned k, uint32_t p)
{
	uint32_t idx = p, t = 0;
	if (p == NONE)
		return NONE;
	for (;;) {
		uint32_t w = idx >> 5;
		if (w >= pmm.nwords[k]) {
			pmm.touched += t;
			return NONE;
		}
		t++;
		uint32_t word = pmm.lvl[k][w] & (~0u << (idx & 31));
		if (word) {
			idx = (w << 5) | ctz32(word);
			break;
		}
		if (k + 1 == pmm.nlevels) { /* the top level is one word (or a few): scan it */
			for (w++; w < pmm.nwords[k] && (t++, !pmm.lvl[k][w]); w++) {
			}
			if (w >= pmm.nwords[k]) {
				pmm.touched += t;
				return NONE;
			}
			idx = (w << 5) | ctz32(pmm.lvl[k][w]);
			break;
		}
		idx = w + 1;
		k++;
	}
	while (k > 0) {
		k--;
		t++;
		idx = (idx << 5) | ctz32(pmm.lvl[k][idx]);
	}
	pmm.touched += t;
	return idx;
}

/* The first free frame at or after p. The low hint says every level-0 word below it is empty,
 * so searches from low addresses (ISA DMA requests, fallbacks) start there; it moves up when a
 * search proves more words empty and down when a frame below it is freed. */
static inline __attribute__((always_inline)) uint32_t find_free(uint32_t p)
{
	bool from_hint = p <= (pmm.low_hint << 5);
	if (from_hint)
		p = pmm.low_hint << 5;
	uint32_t f = find_next_set(0, p);
	if (from_hint)
		pmm.low_hint = f == NONE ? pmm.nwords[0] : f >> 5;
	return f;
}

/* First frame in [from, to) whose bit is clear (not free), or to if all are free. */
static uint32_t find_first_used(uint32_t from, uint32_t to)
{
	if (from >= to)
		return to;
	const uint32_t *bm = pmm.lvl[0];
	uint32_t w = from >> 5, last = (to - 1) >> 5, t = 1, used;
	used = ~bm[w] & range_mask(w, from, to);
	if (!used && w < last) {
		for (w++; w < last && bm[w] == ~0u; w++)
			t++; /* whole words in the middle */
		t++;
		used = ~bm[w] & range_mask(w, from, to);
	}
	pmm.touched += t;
	return used ? (w << 5) | ctz32(used) : to;
}

/* Windows of n frames aligned to a, with n <= a <= 32, never cross a word: test every candidate of
 * a word at once. ones = positions i where bits i..i+n-1 are all set (shift-and doubling), kept
 * only at multiples of a. One word read per 32 frames; the summary skips words with nothing free. */
static uint32_t search_in_words(uint32_t n, uint32_t a, uint32_t lo, uint32_t hi)
{
	uint32_t at_a = 0;
	for (uint32_t i = 0; i < 32; i += a)
		at_a |= 1u << i;
	const uint32_t *bm = pmm.lvl[0];
	uint32_t p = lo;
	for (;;) {
		uint32_t f = find_free(p);
		if (f == NONE || f >= hi)
			return NONE;
		uint32_t w = f >> 5, t = 0;
		uint32_t word = bm[w] & (~0u << (f & 31));
		/* Test this word, then walk on while the following words have free frames; an empty
		 * word sends us back to the summary (find_free) to skip the empty stretch. */
		for (;;) {
			uint32_t base = w << 5;
			if (hi - base < 32)
				word &= (1u << (hi - base)) - 1;
			uint32_t ones = word;
			for (uint32_t len = 1; len < n;) {
				uint32_t step = len < n - len ? len : n - len;
				ones &= ones >> step;
				len += step;
			}
			ones &= at_a;
			if (ones) {
				pmm.touched += t;
				return base | ctz32(ones);
			}
			if (++w >= pmm.nwords[0] || (w << 5) >= hi) {
				pmm.touched += t;
				return NONE;
			}
			t++;
			word = bm[w];
			if (!word)
				break;
		}
		pmm.touched += t;
		p = (w + 1) << 5;
	}
}

/* First frame s in [lo, hi - n] with s % a == 0 and frames [s, s+n) all free, or NONE.
 * Each round skips to the next free frame (summary walk), aligns up, and checks the window; on an
 * obstacle z the next round starts at the next aligned position after z, so rounds <= obstacles
 * and <= (hi - lo) / a. */
static uint32_t search_run(uint32_t n, uint32_t a, uint32_t lo, uint32_t hi)
{
	if (n <= a && a <= 32)
		return search_in_words(n, a, lo, hi);
	uint32_t p = lo;
	for (;;) {
		uint32_t f = find_free(p);
		if (f == NONE || f >= hi)
			return NONE;
		uint64_t s = ((uint64_t)f + a - 1) & ~(uint64_t)(a - 1);
		if (s + n > hi)
			return NONE;
		uint32_t z = find_first_used((uint32_t)s, (uint32_t)s + n);
		if (z == (uint32_t)s + n)
			return (uint32_t)s;
		uint64_t next = ((uint64_t)z + a) &
				~(uint64_t)(a - 1); /* next aligned start after z */
		if (next >= hi)
			return NONE;
		p = (uint32_t)next;
	}
}

/* ---- bit updates (level 0 plus summaries) -------------------------------------------------- */

/* Set level-1 bits [c0, c1] (children known non-empty) or clear them (children known empty),
 * one read-modify-write per level-1 word, and carry emptiness changes further up. */
static void summary_mark(uint32_t c0, uint32_t c1, bool nonempty)
{
	if (pmm.nlevels < 2 || c0 > c1)
		return;
	for (uint32_t pw = c0 >> 5, last = c1 >> 5; pw <= last; pw++) {
		uint32_t m = range_mask(pw, c0, c1 + 1);
		TOUCH(1);
		uint32_t old = pmm.lvl[1][pw], now = nonempty ? (old | m) : (old & ~m);
		if (now == old)
			continue;
		pmm.lvl[1][pw] = now;
		if ((old != 0) != (now != 0))
			summary_fix(2, pw);
	}
}

/* One level-0 word: apply mask m (set when free, clear when used), fix summaries if it flipped. */
static void mark_word(uint32_t w, uint32_t m, bool free)
{
	uint32_t old = pmm.lvl[0][w], now = free ? (old | m) : (old & ~m);
	pmm.lvl[0][w] = now;
	if ((old != 0) != (now != 0))
		summary_update(w);
}

/* Clear (used) or set (free) the bits of frames [from, to): the edge words bit by mask, the whole
 * words between them by plain stores, with their level-1 bits set or cleared in bulk. */
void pmm_mark_range(uint32_t from, uint32_t to, bool free)
{
	if (from >= to)
		return;
	uint32_t w0 = from >> 5, w1 = (to - 1) >> 5;
	mark_word(w0, range_mask(w0, from, to), free);
	if (w1 > w0 + 1) {
		uint32_t *bm = pmm.lvl[0], v = free ? ~0u : 0;
		for (uint32_t w = w0 + 1; w < w1; w++)
			bm[w] = v;
		summary_mark(w0 + 1, w1 - 1, free);
	}
	if (w1 > w0)
		mark_word(w1, range_mask(w1, from, to), free);
	if (free && w0 < pmm.low_hint)
		pmm.low_hint = w0;
}

/* ---- allocation ---------------------------------------------------------------------------- */

/* The hint word is empty: the summary walk from 16 MiB, then from 0. The new hint word, or NONE.
 * Out of line, so that pmm_alloc_frame's common path (one word: the hint's) saves no registers:
 * inlined, the walk cost six pushes and pops on every call. */
static uint32_t __attribute__((noinline)) alloc_move_hint(void)
{
	uint32_t f = pmm.normal_start ? find_free(pmm.normal_start) : NONE;
	if (f == NONE)
		f = find_free(0);
	if (f == NONE)
		return NONE; /* unreachable while the counter is right; pmm_check says so */
	pmm.hint = f >> 5;
	return f >> 5;
}

static inline __attribute__((always_inline)) uint32_t alloc_frame(void)
{
	if (!pmm.free)
		return 0;
	uint32_t w = pmm.hint;
	TOUCH(1);
	uint32_t word = pmm.lvl[0][w];
	if (__builtin_expect(!word, 0)) {
		w = alloc_move_hint();
		if (w == NONE)
			return 0;
		word = pmm.lvl[0][w];
	}
	uint32_t f = (w << 5) | ctz32(word);
	word &= word - 1;
	pmm.lvl[0][w] = word;
	summary_write_low(w, word != 0);
	pmm.free--;
	return f << PG_SHIFT;
}

uint32_t pmm_alloc_frame(void)
{
	mm_irqflags_t fl = mm_irq_save();
	uint32_t pa = alloc_frame();
	mm_irq_restore(fl);
	return pa;
}

static inline __attribute__((always_inline)) uint32_t alloc_frames(size_t n, uint32_t align,
								   uint32_t limit)
{
	if (align == 0)
		align = PG_SIZE;
	if (align < PG_SIZE || (align & (align - 1)))
		pmm_misuse("pmm_alloc_frames", __builtin_return_address(0),
			   "alignment is not a power of two >= 4096:", align, NULL);
	if (n == 0 || n > pmm.free)
		return 0;
	uint32_t a = align >> PG_SHIFT, nn = (uint32_t)n;
	uint32_t hi = pmm.nframes;
	if (limit && (limit >> PG_SHIFT) < hi)
		hi = limit >> PG_SHIFT;
	if (nn == 1 && a == 1) {
		/* One frame (below a limit: ISA DMA): above 16 MiB if allowed and possible, else the
		 * lowest free frame, if it is below the limit. */
		uint32_t f = pmm.normal_start && hi > pmm.normal_start ?
				     find_free(pmm.normal_start) :
				     NONE;
		if (f == NONE || f >= hi)
			f = find_free(0);
		if (f == NONE || f >= hi)
			return 0;
		uint32_t w = f >> 5, word = pmm.lvl[0][w] & ~(1u << (f & 31));
		pmm.lvl[0][w] = word;
		if (!word)
			summary_update(w);
		pmm.free--;
		return f << PG_SHIFT;
	}
	uint32_t s = NONE;
	if (pmm.normal_start && hi > pmm.normal_start) {
		/* Above 16 MiB first, so ISA DMA memory stays for the requests that need it; there,
		 * from where the last run was found (next fit: a freed run is found again at once, and
		 * a full region below it is not walked every time), then from 16 MiB. */
		uint32_t h = pmm.run_hint & ~(a - 1), upto = hi;
		if (h > pmm.normal_start && h < hi) {
			s = search_run(nn, a, h, hi);
			if ((uint64_t)h + nn - 1 < hi)
				upto = h + nn - 1; /* windows starting below h */
		}
		if (s == NONE)
			s = search_run(nn, a, pmm.normal_start, upto);
		if (s != NONE)
			pmm.run_hint = s;
		if (s == NONE) {
			uint64_t lowhi = (uint64_t)pmm.normal_start + nn - 1;
			s = search_run(nn, a, 0, lowhi < hi ? (uint32_t)lowhi : hi);
		}
	} else {
		s = search_run(nn, a, 0, hi);
	}
	if (s == NONE)
		return 0;
	pmm_mark_range(s, s + nn, false);
	pmm.free -= nn;
	return s << PG_SHIFT;
}

/* noinline, and the body inlined into it: __builtin_return_address(0) there is our caller. */
uint32_t __attribute__((noinline)) pmm_alloc_frames(size_t n, uint32_t align, uint32_t limit)
{
	mm_irqflags_t fl = mm_irq_save();
	uint32_t pa = alloc_frames(n, align, limit);
	mm_irq_restore(fl);
	return pa;
}

/* ---- freeing ------------------------------------------------------------------------------- */

static void free_run(const char *fn, void *caller, uint32_t pa, size_t n)
{
	if (pa & (PG_SIZE - 1))
		pmm_misuse(fn, caller, "unaligned frame address", pa, NULL);
	if (n == 0)
		return;
	uint32_t f = pa >> PG_SHIFT;
	const struct frame_range *r = ram_find(f);
	if (!r)
		pmm_misuse(fn, caller, "frame is not usable RAM:", pa, NULL);
	if (n > r->end - f)
		pmm_misuse(fn, caller, "frame is not usable RAM:", r->end << PG_SHIFT, NULL);
	uint32_t to = f + (uint32_t)n;
	for (size_t i = 0; i < pmm.nres; i++) {
		uint32_t vs = pmm.res_frames[i].start, ve = pmm.res_frames[i].end;
		if (vs < to && f < ve)
			pmm_misuse(fn, caller,
				   "frame belongs to a reservation:", (vs > f ? vs : f) << PG_SHIFT,
				   pmm.res[i].name);
	}
	const uint32_t *bm = pmm.lvl[0];
	uint32_t any = 0, w0 = f >> 5, w1 = (to - 1) >> 5;
	for (uint32_t w = w0 + 1; w < w1; w++)
		any |= bm[w]; /* middle words: one OR, then look */
	any |= bm[w0] & range_mask(w0, f, to);
	if (w1 > w0)
		any |= bm[w1] & range_mask(w1, f, to);
	for (uint32_t w = w0; any && w <= w1; w++) {
		uint32_t already = bm[w] & range_mask(w, f, to);
		if (already) {
			TOUCH(w - (f >> 5) + 1);
			pmm_misuse(fn, caller, "double free of frame",
				   ((w << 5) | ctz32(already)) << PG_SHIFT, NULL);
		}
	}
	TOUCH(((to - 1) >> 5) - (f >> 5) + 1);
	pmm_mark_range(f, to, true);
	pmm.free += (uint32_t)n;
	if (f >= pmm.normal_start)
		pmm.hint = f >> 5;
}

static inline __attribute__((always_inline)) void free_frame(uint32_t pa)
{
	/* Fast path: a frame inside RAM, not free, in no reservation. Anything else goes through
	 * free_run, which names the misuse. */
	uint32_t f = pa >> PG_SHIFT, w = f >> 5, bit = 1u << (f & 31);
	if ((pa & (PG_SIZE - 1)) == 0 && f < pmm.nframes) {
		TOUCH(1);
		uint32_t old = pmm.lvl[0][w];
		if (!(old & bit) && ram_find(f) && !res_find(f)) {
			pmm.lvl[0][w] = old | bit;
			summary_write_low(w, true);
			pmm.free++;
			if (f >= pmm.normal_start)
				pmm.hint = w;
			if (w < pmm.low_hint)
				pmm.low_hint = w;
			return;
		}
	}
	free_run("pmm_free_frame", __builtin_return_address(0), pa, 1);
}

void __attribute__((noinline)) pmm_free_frame(uint32_t pa)
{
	mm_irqflags_t fl = mm_irq_save();
	free_frame(pa);
	mm_irq_restore(fl);
}

void __attribute__((noinline)) pmm_free_frames(uint32_t pa, size_t n)
{
	mm_irqflags_t fl = mm_irq_save();
	free_run("pmm_free_frames", __builtin_return_address(0), pa, n);
	mm_irq_restore(fl);
}
