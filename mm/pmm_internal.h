/*
 * pmm_internal.h - what the frame allocator's files (mm/pmm.c, mm/pmm_init.c, mm/pmm_debug.c)
 * share and nobody else uses: the one instance of its state, and the small lookups that the
 * allocation and free paths inline (word masks, the RAM range and the reservation holding a frame).
 */
#ifndef MM_PMM_INTERNAL_H
#define MM_PMM_INTERNAL_H

#include "mm/pmm.h"

struct frame_range {
	uint32_t start, end;
}; /* frame numbers, [start, end) */

struct pmm_state {
	uint32_t *lvl[PMM_MAX_LEVELS];
	uint32_t nwords[PMM_MAX_LEVELS];
	unsigned nlevels;
	uint32_t nframes; /* bits in level 0 */
	uint32_t usable, free, reserved;
	uint32_t hint;         /* a level-0 word index: where the last alloc/free happened */
	uint32_t low_hint;     /* every level-0 word below this one is empty */
	uint32_t run_hint;     /* frame where the last run above 16 MiB was found */
	uint32_t normal_start; /* first frame above the ISA DMA limit, or 0 if none */
	struct frame_range ram[MEMMAP_MAX_RANGES];
	size_t nram;
	struct pmm_reservation res[PMM_MAX_RESERVATIONS];
	struct frame_range res_frames[PMM_MAX_RESERVATIONS]; /* the same ranges in frame numbers */
	struct frame_range res_span; /* all reservations lie inside it: most frees skip the list */
	size_t nres;
	size_t ram_last; /* the usable range the last lookup found (frees cluster) */
	uint32_t bitmap_pa, bitmap_bytes;
	uint64_t touched;
};

extern struct pmm_state pmm;

static inline unsigned ctz32(uint32_t x)
{
	return (unsigned)__builtin_ctz(x);
}

/* Mask of bits [lo, hi) within one word, 0 <= lo < hi <= 32. */
static inline uint32_t bits_mask(unsigned lo, unsigned hi)
{
	uint32_t m = hi == 32 ? ~0u : (1u << hi) - 1;
	return m & ~((1u << lo) - 1);
}

/* Bits of word w that lie in [from, to) (from < to, w between their words). */
static inline uint32_t range_mask(uint32_t w, uint32_t from, uint32_t to)
{
	uint32_t lo = w == (from >> 5) ? (from & 31) : 0;
	uint32_t hi = w == ((to - 1) >> 5) ? ((to - 1) & 31) + 1 : 32;
	return bits_mask(lo, hi);
}

/* ram_find and res_find are static but not marked inline: each of the three files uses both, and
 * the compiler inlines them or not by its own measure, as it did when the files were one. */

/* The usable range holding frame f, or NULL (binary search: ranges are sorted and disjoint). */
static const struct frame_range *ram_find(uint32_t f)
{
	if (pmm.ram_last < pmm.nram && f >= pmm.ram[pmm.ram_last].start &&
	    f < pmm.ram[pmm.ram_last].end)
		return &pmm.ram[pmm.ram_last];
	size_t lo = 0, hi = pmm.nram;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f < pmm.ram[mid].start)
			hi = mid;
		else if (f >= pmm.ram[mid].end)
			lo = mid + 1;
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
	if (f < pmm.res_span.start || f >= pmm.res_span.end)
		return NULL;
	for (size_t i = 0; i < pmm.nres; i++)
		if (f >= pmm.res_frames[i].start && f < pmm.res_frames[i].end)
			return &pmm.res[i];
	return NULL;
}

/* Panic for misuse: "<fn>: <what> 0x<addr> (<owner>) (caller 0x<addr> <symbol>+0x<off>)"
 * (pmm_debug.c). */
void pmm_misuse(const char *fn, void *caller, const char *what, uint32_t pa, const char *owner)
	__attribute__((noreturn));

/* Clear (used) or set (free) the bits of frames [from, to), summaries included (pmm.c). */
void pmm_mark_range(uint32_t from, uint32_t to, bool free);

/* Reserve [start, end) under name for pmm_init and pmm_reserve_range (pmm_init.c). */
void pmm_reserve(const char *name, phys_addr_t start, phys_addr_t end, void *caller);

#endif
