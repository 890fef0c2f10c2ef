/*
 * pmm.c - the bitmap frame allocator: one bit per 4 KiB frame (1 = free), summary levels above it,
 * a hint, a free counter and named reservations. Design notes: docs/pmm.md.
 *
 * Search structure (the summary-bitmap idea of shared/notes/memory.md, as LLFree and mimalloc use):
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
#include "mm/pmm.h"

#define NONE 0xFFFFFFFFu
#define TOUCH(n) (pmm.touched += (n))

struct frame_range { uint32_t start, end; }; /* frame numbers, [start, end) */

static struct {
	uint32_t *lvl[PMM_MAX_LEVELS];
	uint32_t nwords[PMM_MAX_LEVELS];
	unsigned nlevels;
	uint32_t nframes;                 /* bits in level 0 */
	uint32_t usable, free, reserved;
	uint32_t hint;                    /* a level-0 word index: where the last alloc/free happened */
	uint32_t low_hint;                /* every level-0 word below this one is empty */
	uint32_t run_hint;                /* frame where the last run above 16 MiB was found */
	uint32_t normal_start;            /* first frame above the ISA DMA limit, or 0 if none */
	struct frame_range ram[MEMMAP_MAX_RANGES];
	size_t nram;
	struct pmm_reservation res[PMM_MAX_RESERVATIONS];
	struct frame_range res_frames[PMM_MAX_RESERVATIONS]; /* the same ranges in frame numbers */
	struct frame_range res_span;      /* all reservations lie inside it: most frees skip the list */
	size_t nres;
	size_t ram_last;                  /* the usable range the last lookup found (frees cluster) */
	uint32_t bitmap_pa, bitmap_bytes;
	uint64_t touched;
} pmm;

static inline unsigned ctz32(uint32_t x) { return (unsigned)__builtin_ctz(x); }

/* Mask of bits [lo, hi) within one word, 0 <= lo < hi <= 32. */
static inline uint32_t bits_mask(unsigned lo, unsigned hi)
{
	uint32_t m = hi == 32 ? ~0u : (1u << hi) - 1;
	return m & ~((1u << lo) - 1);
}

/* ---- callers and panics ------------------------------------------------------------------ */

/* Panic for misuse: "<fn>: <what> 0x<addr> (<owner>) (caller 0x<addr> <symbol>+0x<off>)". */
static void __attribute__((noreturn))
pmm_misuse(const char *fn, void *caller, const char *what, uint32_t pa, const char *owner)
{
	uintptr_t off = 0;
	const char *sym = mm_symbol_name((uintptr_t)caller, &off);
	mm_panic("%s: %s 0x%08x%s%s%s (caller 0x%08llx %s+0x%llx)", fn, what, pa, owner ? " (" : "",
	         owner ? owner : "", owner ? ")" : "", (unsigned long long)(uintptr_t)caller,
	         sym ? sym : "?", (unsigned long long)off);
}

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
		if (now == old) return;
		pmm.lvl[k][pw] = now;
		if ((old != 0) == (now != 0)) return;
		i = pw;
	}
}

static void summary_update(uint32_t w) { summary_fix(1, w); }

static void summary_rebuild(void)
{
	for (unsigned k = 1; k < pmm.nlevels; k++) {
		const uint32_t *child = pmm.lvl[k - 1];
		uint32_t nchild = pmm.nwords[k - 1];
		for (uint32_t i = 0; i < pmm.nwords[k]; i++) {
			uint32_t v = 0, base = i << 5;
			uint32_t n = nchild - base < 32 ? nchild - base : 32;
			for (uint32_t b = 0; b < n; b++) v |= (uint32_t)(child[base + b] != 0) << b;
			pmm.lvl[k][i] = v;
		}
	}
}

/* Level-0 word w is now empty (nonempty false) or not: write its level-1 bit and the level-2 bit
 * above that unconditionally, then carry a change of the level-2 word's emptiness up (rare: it
 * covers 1024 words). For the single-frame alloc and free, whose word flips between empty and
 * not at random (an alloc+free that takes the frame just freed flips it twice), a mispredicted
 * branch per flip cost more than two stores into words that stay in L1 (level 1 is 4 KiB at
 * 4 GiB). Ours alone, per alloc+free: pmm-4g-90-clustered-single-pool 13.7 -> 8.5 ns,
 * pmm-16m-99-clustered-single-pool 9.7 -> 8.4 ns; where the word never flips (0% fill) 5.1 ->
 * 6.8 ns, against 10.5 ns for the baseline. Writing level 1 only was 6.9 and 11.0 ns on the
 * first two. The cost in words is fixed instead: one per summary level up to level 2
 * (test_single_frame_fixed_cost). */
static inline void summary_write_low(uint32_t w, bool nonempty)
{
	if (pmm.nlevels < 2) return;
	uint32_t *p = &pmm.lvl[1][w >> 5], sh = w & 31;
	TOUCH(1);
	uint32_t old = *p, now = (old & ~(1u << sh)) | ((uint32_t)nonempty << sh);
	*p = now;
	if (pmm.nlevels < 3) return;
	uint32_t *p2 = &pmm.lvl[2][w >> 10], sh2 = (w >> 5) & 31;
	TOUCH(1);
	uint32_t old2 = *p2, now2 = (old2 & ~(1u << sh2)) | ((uint32_t)(now != 0) << sh2);
	*p2 = now2;
	if (__builtin_expect((old2 != 0) != (now2 != 0), 0)) summary_fix(3, w >> 10);
}

/* ---- searching --------------------------------------------------------------------------- */

/* Index of the first set bit at or after p in level k, or NONE. Climbs while the word in hand
 * has nothing at or after the position (at most one word per level), then descends taking the
 * lowest set bit (one word per level): at most about two words per level in all. */
static inline __attribute__((always_inline)) uint32_t find_next_set(unsigned k, uint32_t p)
{
	uint32_t idx = p, t = 0;
	if (p == NONE) return NONE;
	for (;;) {
		uint32_t w = idx >> 5;
		if (w >= pmm.nwords[k]) { pmm.touched += t; return NONE; }
		t++;
		uint32_t word = pmm.lvl[k][w] & (~0u << (idx & 31));
		if (word) { idx = (w << 5) | ctz32(word); break; }
		if (k + 1 == pmm.nlevels) { /* the top level is one word (or a few): scan it */
			for (w++; w < pmm.nwords[k] && (t++, !pmm.lvl[k][w]); w++) {}
			if (w >= pmm.nwords[k]) { pmm.touched += t; return NONE; }
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
	if (from_hint) p = pmm.low_hint << 5;
	uint32_t f = find_next_set(0, p);
	if (from_hint) pmm.low_hint = f == NONE ? pmm.nwords[0] : f >> 5;
	return f;
}

/* Bits of word w that lie in [from, to) (from < to, w between their words). */
static inline uint32_t range_mask(uint32_t w, uint32_t from, uint32_t to)
{
	uint32_t lo = w == (from >> 5) ? (from & 31) : 0;
	uint32_t hi = w == ((to - 1) >> 5) ? ((to - 1) & 31) + 1 : 32;
	return bits_mask(lo, hi);
}

/* First frame in [from, to) whose bit is clear (not free), or to if all are free. */
static uint32_t find_first_used(uint32_t from, uint32_t to)
{
	if (from >= to) return to;
	const uint32_t *bm = pmm.lvl[0];
	uint32_t w = from >> 5, last = (to - 1) >> 5, t = 1, used;
	used = ~bm[w] & range_mask(w, from, to);
	if (!used && w < last) {
		for (w++; w < last && bm[w] == ~0u; w++) t++;  /* whole words in the middle */
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
	for (uint32_t i = 0; i < 32; i += a) at_a |= 1u << i;
	const uint32_t *bm = pmm.lvl[0];
	uint32_t p = lo;
	for (;;) {
		uint32_t f = find_free(p);
		if (f == NONE || f >= hi) return NONE;
		uint32_t w = f >> 5, t = 0;
		uint32_t word = bm[w] & (~0u << (f & 31));
		/* Test this word, then walk on while the following words have free frames; an empty
		 * word sends us back to the summary (find_free) to skip the empty stretch. */
		for (;;) {
			uint32_t base = w << 5;
			if (hi - base < 32) word &= (1u << (hi - base)) - 1;
			uint32_t ones = word;
			for (uint32_t len = 1; len < n;) {
				uint32_t step = len < n - len ? len : n - len;
				ones &= ones >> step;
				len += step;
			}
			ones &= at_a;
			if (ones) { pmm.touched += t; return base | ctz32(ones); }
			if (++w >= pmm.nwords[0] || (w << 5) >= hi) { pmm.touched += t; return NONE; }
			t++;
			word = bm[w];
			if (!word) break;
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
	if (n <= a && a <= 32) return search_in_words(n, a, lo, hi);
	uint32_t p = lo;
	for (;;) {
		uint32_t f = find_free(p);
		if (f == NONE || f >= hi) return NONE;
		uint64_t s = ((uint64_t)f + a - 1) & ~(uint64_t)(a - 1);
		if (s + n > hi) return NONE;
		uint32_t z = find_first_used((uint32_t)s, (uint32_t)s + n);
		if (z == (uint32_t)s + n) return (uint32_t)s;
		uint64_t next = ((uint64_t)z + a) & ~(uint64_t)(a - 1); /* next aligned start after z */
		if (next >= hi) return NONE;
		p = (uint32_t)next;
	}
}

/* ---- bit updates (level 0 plus summaries) -------------------------------------------------- */

/* Set level-1 bits [c0, c1] (children known non-empty) or clear them (children known empty),
 * one read-modify-write per level-1 word, and carry emptiness changes further up. */
static void summary_mark(uint32_t c0, uint32_t c1, bool nonempty)
{
	if (pmm.nlevels < 2 || c0 > c1) return;
	for (uint32_t pw = c0 >> 5, last = c1 >> 5; pw <= last; pw++) {
		uint32_t m = range_mask(pw, c0, c1 + 1);
		TOUCH(1);
		uint32_t old = pmm.lvl[1][pw], now = nonempty ? (old | m) : (old & ~m);
		if (now == old) continue;
		pmm.lvl[1][pw] = now;
		if ((old != 0) != (now != 0)) summary_fix(2, pw);
	}
}

/* One level-0 word: apply mask m (set when free, clear when used), fix summaries if it flipped. */
static void mark_word(uint32_t w, uint32_t m, bool free)
{
	uint32_t old = pmm.lvl[0][w], now = free ? (old | m) : (old & ~m);
	pmm.lvl[0][w] = now;
	if ((old != 0) != (now != 0)) summary_update(w);
}

/* Clear (used) or set (free) the bits of frames [from, to): the edge words bit by mask, the whole
 * words between them by plain stores, with their level-1 bits set or cleared in bulk. */
static void mark_range(uint32_t from, uint32_t to, bool free)
{
	if (from >= to) return;
	uint32_t w0 = from >> 5, w1 = (to - 1) >> 5;
	mark_word(w0, range_mask(w0, from, to), free);
	if (w1 > w0 + 1) {
		uint32_t *bm = pmm.lvl[0], v = free ? ~0u : 0;
		for (uint32_t w = w0 + 1; w < w1; w++) bm[w] = v;
		summary_mark(w0 + 1, w1 - 1, free);
	}
	if (w1 > w0) mark_word(w1, range_mask(w1, from, to), free);
	if (free && w0 < pmm.low_hint) pmm.low_hint = w0;
}

/* ---- RAM ranges and reservations ------------------------------------------------------------ */

/* The usable range holding frame f, or NULL (binary search: ranges are sorted and disjoint). */
static const struct frame_range *ram_find(uint32_t f)
{
	if (pmm.ram_last < pmm.nram && f >= pmm.ram[pmm.ram_last].start && f < pmm.ram[pmm.ram_last].end)
		return &pmm.ram[pmm.ram_last];
	size_t lo = 0, hi = pmm.nram;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f < pmm.ram[mid].start) hi = mid;
		else if (f >= pmm.ram[mid].end) lo = mid + 1;
		else {
			pmm.ram_last = mid;
			return &pmm.ram[mid];
		}
	}
	return NULL;
}

/* The first reservation whose range holds frame f, or NULL. */
static const struct pmm_reservation *res_find(uint32_t f)
{
	if (f < pmm.res_span.start || f >= pmm.res_span.end) return NULL;
	for (size_t i = 0; i < pmm.nres; i++)
		if (f >= pmm.res_frames[i].start && f < pmm.res_frames[i].end) return &pmm.res[i];
	return NULL;
}

/* Count free frames in [from, to) and mark them used. */
static uint32_t take_free(uint32_t from, uint32_t to)
{
	uint32_t taken = 0;
	for (uint32_t w = from >> 5; from < to && w <= (to - 1) >> 5; w++)
		taken += (uint32_t)__builtin_popcount(pmm.lvl[0][w] & range_mask(w, from, to));
	mark_range(from, to, false);
	return taken;
}

static void reserve(const char *name, phys_addr_t start, phys_addr_t end, void *caller)
{
	if (pmm.nres == PMM_MAX_RESERVATIONS)
		mm_panic("pmm_reserve_range: reservation table full (%d entries) reserving %s "
		         "[mem 0x%08llx-0x%08llx]", PMM_MAX_RESERVATIONS, name, (unsigned long long)start,
		         (unsigned long long)end);
	if (end <= start) {
		mm_log("pmm: reservation %s is empty, nothing reserved\n", name);
		return;
	}
	phys_addr_t s = PG_ROUND_DOWN(start);
	phys_addr_t e = PG_ROUND_UP(end);
	if (e < end || e > MEMMAP_LIMIT) e = MEMMAP_LIMIT;              /* wrapped or beyond 4 GiB */
	if (s > e) s = e;
	uint32_t fs = (uint32_t)(s >> PG_SHIFT), fe = (uint32_t)(e >> PG_SHIFT);
	if (fe > pmm.nframes) fe = pmm.nframes;
	if (fs > fe) fs = fe;
	/* Reservations take only free frames; an allocated one belongs to somebody: refuse loudly. */
	if (pmm.usable != pmm.free + pmm.reserved) {
		for (uint32_t f = fs; f < fe; f++) {
			if (pmm.lvl[0][f >> 5] & (1u << (f & 31))) continue;
			if (ram_find(f) && !res_find(f))
				pmm_misuse("pmm_reserve_range", caller, "cannot reserve allocated frame", f << PG_SHIFT, name);
		}
	}
	uint32_t taken = take_free(fs, fe);
	pmm.free -= taken;
	pmm.reserved += taken;
	pmm.res_frames[pmm.nres] = (struct frame_range){ (uint32_t)(s >> PG_SHIFT),
	                                                 (uint32_t)(e >> PG_SHIFT) };
	if (pmm.nres == 0 || pmm.res_frames[pmm.nres].start < pmm.res_span.start)
		pmm.res_span.start = pmm.res_frames[pmm.nres].start;
	if (pmm.res_frames[pmm.nres].end > pmm.res_span.end) pmm.res_span.end = pmm.res_frames[pmm.nres].end;
	pmm.res[pmm.nres++] = (struct pmm_reservation){ name, s, e, taken };
	if (e > s)
		mm_log("pmm: reserved %s [mem 0x%08llx-0x%08llx] %u frames\n", name, (unsigned long long)s,
		       (unsigned long long)(e - 1), taken);
	else
		mm_log("pmm: reserved %s [mem beyond RAM] 0 frames\n", name);
}

/* ---- init ---------------------------------------------------------------------------------- */

static bool region_overlaps(const struct pmm_region *r, size_t n, uint64_t s, uint64_t e, uint64_t *after)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t rs = PG_ROUND_DOWN(r[i].start);
		uint64_t re = PG_ROUND_UP(r[i].end);
		if (r[i].end <= r[i].start) continue;
		if (re < r[i].end) re = PG_ROUND_DOWN(~(uint64_t)0);
		if (rs < e && s < re) { *after = re; return true; }
	}
	return false;
}

/* Lowest frame-aligned address >= 1 MiB inside one usable range, clear of every region. */
static uint64_t place_bitmap(const struct pmm_region *regions, size_t n, uint32_t bytes)
{
	uint64_t size = PG_ROUND_UP((uint64_t)bytes);
	for (size_t i = 0; i < pmm.nram; i++) {
		uint64_t cand = (uint64_t)pmm.ram[i].start << PG_SHIFT;
		uint64_t end = (uint64_t)pmm.ram[i].end << PG_SHIFT;
		if (cand < BIOS_LOW_END) cand = BIOS_LOW_END;
		uint64_t after;
		while (cand + size <= end) {
			if (!region_overlaps(regions, n, cand, cand + size, &after)) return cand;
			cand = after;
		}
	}
	return MEMMAP_LIMIT; /* none */
}

void pmm_init(const struct memmap *map, const struct pmm_region *regions, size_t nregions)
{
	__builtin_memset(&pmm, 0, sizeof(pmm));
	for (size_t i = 0; i < map->count; i++) {
		const struct memmap_range *r = &map->range[i];
		if (r->type != MEMMAP_USABLE || r->end <= r->start || r->end > MEMMAP_LIMIT) continue;
		struct frame_range fr = { (uint32_t)(r->start >> PG_SHIFT),
		                          (uint32_t)(r->end >> PG_SHIFT) };
		pmm.ram[pmm.nram++] = fr;
		pmm.usable += fr.end - fr.start;
		if (fr.end > pmm.nframes) pmm.nframes = fr.end;
	}
	if (!pmm.usable) mm_panic("pmm: no usable RAM in the memory map");

	/* Level sizes: each level has one bit per word of the level below, up to a single word. */
	uint32_t total = 0, bits = pmm.nframes;
	do {
		pmm.nwords[pmm.nlevels] = (bits + 31) / 32;
		total += pmm.nwords[pmm.nlevels];
		bits = pmm.nwords[pmm.nlevels++];
	} while (bits > 1);
	pmm.bitmap_bytes = total * 4;

	uint64_t at = place_bitmap(regions, nregions, pmm.bitmap_bytes);
	if (at >= MEMMAP_LIMIT)
		mm_panic("pmm: no usable RAM above 1 MiB can hold the %u-byte bitmap clear of the "
		         "kernel and boot data", pmm.bitmap_bytes);
	pmm.bitmap_pa = (uint32_t)at;
	uint32_t *words = mm_phys_to_virt(pmm.bitmap_pa);
	for (unsigned k = 0; k < pmm.nlevels; k++) {
		pmm.lvl[k] = words;
		words += pmm.nwords[k];
	}

	/* Everything used, then the usable frames free, then the reservations; summaries last. */
	__builtin_memset(pmm.lvl[0], 0, pmm.bitmap_bytes);
	for (size_t i = 0; i < pmm.nram; i++) {
		uint32_t f = pmm.ram[i].start, to = pmm.ram[i].end;
		for (; f < to && (f & 31); f++) pmm.lvl[0][f >> 5] |= 1u << (f & 31);
		for (; f + 32 <= to; f += 32) pmm.lvl[0][f >> 5] = ~0u;
		for (; f < to; f++) pmm.lvl[0][f >> 5] |= 1u << (f & 31);
	}
	summary_rebuild();
	pmm.free = pmm.usable;
	pmm.normal_start = pmm.nframes > (PMM_DMA_LIMIT >> PG_SHIFT) ? PMM_DMA_LIMIT >> PG_SHIFT : 0;
	pmm.hint = pmm.normal_start >> 5;

	void *caller = __builtin_return_address(0);
	reserve("low-1mib", 0, BIOS_LOW_END, caller);
	for (size_t i = 0; i < nregions; i++)
		reserve(regions[i].name, regions[i].start, regions[i].end, caller);
	reserve("pmm-bitmap", pmm.bitmap_pa, (phys_addr_t)pmm.bitmap_pa + pmm.bitmap_bytes, caller);
	pmm.touched = 0;
	pmm_print_summary();
}

/* ---- allocation ---------------------------------------------------------------------------- */

/* The hint word is empty: the summary walk from 16 MiB, then from 0. The new hint word, or NONE.
 * Out of line, so that pmm_alloc_frame's common path (one word: the hint's) saves no registers:
 * inlined, the walk cost six pushes and pops on every call. */
static uint32_t __attribute__((noinline)) alloc_move_hint(void)
{
	uint32_t f = pmm.normal_start ? find_free(pmm.normal_start) : NONE;
	if (f == NONE) f = find_free(0);
	if (f == NONE) return NONE; /* unreachable while the counter is right; pmm_check says so */
	pmm.hint = f >> 5;
	return f >> 5;
}

static inline __attribute__((always_inline)) uint32_t alloc_frame(void)
{
	if (!pmm.free) return 0;
	uint32_t w = pmm.hint;
	TOUCH(1);
	uint32_t word = pmm.lvl[0][w];
	if (__builtin_expect(!word, 0)) {
		w = alloc_move_hint();
		if (w == NONE) return 0;
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

static inline __attribute__((always_inline)) uint32_t alloc_frames(size_t n, uint32_t align, uint32_t limit)
{
	if (align == 0) align = PG_SIZE;
	if (align < PG_SIZE || (align & (align - 1)))
		pmm_misuse("pmm_alloc_frames", __builtin_return_address(0),
		           "alignment is not a power of two >= 4096:", align, NULL);
	if (n == 0 || n > pmm.free) return 0;
	uint32_t a = align >> PG_SHIFT, nn = (uint32_t)n;
	uint32_t hi = pmm.nframes;
	if (limit && (limit >> PG_SHIFT) < hi) hi = limit >> PG_SHIFT;
	if (nn == 1 && a == 1) {
		/* One frame (below a limit: ISA DMA): above 16 MiB if allowed and possible, else the
		 * lowest free frame, if it is below the limit. */
		uint32_t f = pmm.normal_start && hi > pmm.normal_start ? find_free(pmm.normal_start) : NONE;
		if (f == NONE || f >= hi) f = find_free(0);
		if (f == NONE || f >= hi) return 0;
		uint32_t w = f >> 5, word = pmm.lvl[0][w] & ~(1u << (f & 31));
		pmm.lvl[0][w] = word;
		if (!word) summary_update(w);
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
			if ((uint64_t)h + nn - 1 < hi) upto = h + nn - 1; /* windows starting below h */
		}
		if (s == NONE) s = search_run(nn, a, pmm.normal_start, upto);
		if (s != NONE) pmm.run_hint = s;
		if (s == NONE) {
			uint64_t lowhi = (uint64_t)pmm.normal_start + nn - 1;
			s = search_run(nn, a, 0, lowhi < hi ? (uint32_t)lowhi : hi);
		}
	} else {
		s = search_run(nn, a, 0, hi);
	}
	if (s == NONE) return 0;
	mark_range(s, s + nn, false);
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
	if (pa & (PG_SIZE - 1)) pmm_misuse(fn, caller, "unaligned frame address", pa, NULL);
	if (n == 0) return;
	uint32_t f = pa >> PG_SHIFT;
	const struct frame_range *r = ram_find(f);
	if (!r) pmm_misuse(fn, caller, "frame is not usable RAM:", pa, NULL);
	if (n > r->end - f) pmm_misuse(fn, caller, "frame is not usable RAM:", r->end << PG_SHIFT, NULL);
	uint32_t to = f + (uint32_t)n;
	for (size_t i = 0; i < pmm.nres; i++) {
		uint32_t vs = pmm.res_frames[i].start, ve = pmm.res_frames[i].end;
		if (vs < to && f < ve)
			pmm_misuse(fn, caller, "frame belongs to a reservation:",
			           (vs > f ? vs : f) << PG_SHIFT, pmm.res[i].name);
	}
	const uint32_t *bm = pmm.lvl[0];
	uint32_t any = 0, w0 = f >> 5, w1 = (to - 1) >> 5;
	for (uint32_t w = w0 + 1; w < w1; w++) any |= bm[w]; /* middle words: one OR, then look */
	any |= bm[w0] & range_mask(w0, f, to);
	if (w1 > w0) any |= bm[w1] & range_mask(w1, f, to);
	for (uint32_t w = w0; any && w <= w1; w++) {
		uint32_t already = bm[w] & range_mask(w, f, to);
		if (already) {
			TOUCH(w - (f >> 5) + 1);
			pmm_misuse(fn, caller, "double free of frame", ((w << 5) | ctz32(already)) << PG_SHIFT, NULL);
		}
	}
	TOUCH(((to - 1) >> 5) - (f >> 5) + 1);
	mark_range(f, to, true);
	pmm.free += (uint32_t)n;
	if (f >= pmm.normal_start) pmm.hint = f >> 5;
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
			if (f >= pmm.normal_start) pmm.hint = w;
			if (w < pmm.low_hint) pmm.low_hint = w;
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

void __attribute__((noinline)) pmm_reserve_range(const char *name, phys_addr_t start, phys_addr_t end)
{
	mm_irqflags_t fl = mm_irq_save();
	reserve(name, start, end, __builtin_return_address(0));
	mm_irq_restore(fl);
}

/* ---- queries ------------------------------------------------------------------------------- */

size_t pmm_free_count(void) { return pmm.free; }
size_t pmm_usable_count(void) { return pmm.usable; }
size_t pmm_reserved_count(void) { return pmm.reserved; }
size_t pmm_allocated_count(void) { return pmm.usable - pmm.free - pmm.reserved; }
uint32_t pmm_bitmap_phys(void) { return pmm.bitmap_pa; }
uint32_t pmm_bitmap_bytes(void) { return pmm.bitmap_bytes; }
uint32_t pmm_frames_covered(void) { return pmm.nframes; }
uint64_t pmm_words_touched(void) { return pmm.touched; }
size_t pmm_reservation_count(void) { return pmm.nres; }

bool pmm_reservation_get(size_t i, struct pmm_reservation *out)
{
	if (i >= pmm.nres) return false;
	*out = pmm.res[i];
	return true;
}

enum pmm_frame_state pmm_frame_state(uint32_t pa)
{
	if (pa & (PG_SIZE - 1)) return PMM_FRAME_UNALIGNED;
	uint32_t f = pa >> PG_SHIFT;
	if (f >= pmm.nframes || !ram_find(f)) return PMM_FRAME_NOT_RAM;
	if (pmm.lvl[0][f >> 5] & (1u << (f & 31))) return PMM_FRAME_FREE;
	return res_find(f) ? PMM_FRAME_RESERVED : PMM_FRAME_ALLOCATED;
}

const char *pmm_frame_state_name(enum pmm_frame_state s)
{
	switch (s) {
	case PMM_FRAME_FREE:      return "free";
	case PMM_FRAME_ALLOCATED: return "allocated";
	case PMM_FRAME_RESERVED:  return "reserved";
	case PMM_FRAME_NOT_RAM:   return "not RAM";
	case PMM_FRAME_UNALIGNED: return "unaligned";
	}
	return "?";
}

const char *pmm_frame_owner(uint32_t pa)
{
	uint32_t f = pa >> PG_SHIFT;
	if (f >= pmm.nframes || !ram_find(f)) return NULL;
	const struct pmm_reservation *r = res_find(f);
	return r ? r->name : NULL;
}

void pmm_print_summary(void)
{
	uint32_t allocated = pmm.usable - pmm.free - pmm.reserved;
	if (allocated)
		mm_log("pmm: usable=%u free=%u reserved=%u allocated=%u\n", pmm.usable, pmm.free,
		       pmm.reserved, allocated);
	else
		mm_log("pmm: usable=%u free=%u reserved=%u\n", pmm.usable, pmm.free, pmm.reserved);
}

static size_t check(void)
{
	size_t bad = 0;
#define PMM_BAD(...) do { if (bad++ < 8) mm_log("pmm_check: " __VA_ARGS__); } while (0)
	uint32_t popcount = 0;
	for (uint32_t w = 0; w < pmm.nwords[0]; w++) {
		uint32_t word = pmm.lvl[0][w];
		popcount += (uint32_t)__builtin_popcount(word);
		for (; word; word &= word - 1) {
			uint32_t f = (w << 5) | ctz32(word);
			if (f >= pmm.nframes || !ram_find(f)) PMM_BAD("frame 0x%08x free but not RAM\n", f << PG_SHIFT);
			else if (res_find(f)) PMM_BAD("frame 0x%08x free but reserved\n", f << PG_SHIFT);
		}
	}
	if (popcount != pmm.free) PMM_BAD("free counter %u, bitmap says %u\n", pmm.free, popcount);
	for (unsigned k = 1; k < pmm.nlevels; k++)
		for (uint32_t i = 0; i < pmm.nwords[k] * 32; i++) {
			bool want = i < pmm.nwords[k - 1] && pmm.lvl[k - 1][i] != 0;
			bool have = (pmm.lvl[k][i >> 5] >> (i & 31)) & 1;
			if (want != have) PMM_BAD("summary level %u bit %u is %d, want %d\n", k, i, have, want);
		}
	uint32_t reserved = 0;
	for (size_t i = 0; i < pmm.nres; i++) reserved += pmm.res[i].frames;
	if (reserved != pmm.reserved) PMM_BAD("reserved counter %u, reservations sum %u\n", pmm.reserved, reserved);
	if (pmm.free + pmm.reserved > pmm.usable)
		PMM_BAD("free %u + reserved %u > usable %u\n", pmm.free, pmm.reserved, pmm.usable);
#undef PMM_BAD
	return bad;
}

size_t pmm_check(void)
{
	mm_irqflags_t fl = mm_irq_save();
	size_t bad = check();
	mm_irq_restore(fl);
	return bad;
}
