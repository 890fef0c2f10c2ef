/*
 * pmm_baseline.c - the tutorial bitmap frame allocator (see pmm_baseline.h), written as the
 * common tutorials describe it: find the first word that is not all ones, take its first zero
 * bit; for runs, find a zero bit, align up, check the window, restart after the obstacle.
 */
#include "bench/pmm_baseline.h"

#include <stdio.h>
#include <stdlib.h>

static uint32_t *bm;
static uint32_t nwords, nframes, nfree;
static uint64_t touched;

uint32_t base_bitmap_words(const struct memmap *map)
{
	uint64_t top = 0;
	for (size_t i = 0; i < map->count; i++)
		if (map->range[i].type == MEMMAP_USABLE && map->range[i].end > top)
			top = map->range[i].end;
	return (uint32_t)((top / PG_SIZE + 31) / 32);
}

static void set_bits(uint32_t from, uint32_t to, int used)
{
	for (uint32_t f = from; f < to; f++) {
		if ((f & 31) == 0 && f + 32 <= to) {
			bm[f >> 5] = used ? ~0u : 0;
			f += 31;
			continue;
		}
		if (used)
			bm[f >> 5] |= 1u << (f & 31);
		else
			bm[f >> 5] &= ~(1u << (f & 31));
	}
}

void base_init(const struct memmap *map, uint32_t *storage, uint32_t words, uint32_t rs,
	       uint32_t re)
{
	bm = storage;
	nwords = words;
	nframes = words * 32;
	for (uint32_t i = 0; i < nwords; i++)
		bm[i] = ~0u;
	nfree = 0;
	for (size_t i = 0; i < map->count; i++)
		if (map->range[i].type == MEMMAP_USABLE) {
			uint32_t s = (uint32_t)(map->range[i].start / PG_SIZE),
				 e = (uint32_t)(map->range[i].end / PG_SIZE);
			set_bits(s, e, 0);
			nfree += e - s;
		}
	/* first MiB and the given reservation (the kernel, the bitmap...) */
	for (uint32_t f = 0; f < 256; f++)
		if (!(bm[f >> 5] & (1u << (f & 31)))) {
			bm[f >> 5] |= 1u << (f & 31);
			nfree--;
		}
	for (uint32_t f = rs / PG_SIZE; f < PG_ROUND_UP(re) / PG_SIZE && f < nframes; f++)
		if (!(bm[f >> 5] & (1u << (f & 31)))) {
			bm[f >> 5] |= 1u << (f & 31);
			nfree--;
		}
	touched = 0;
}

uint32_t base_alloc_frame(void)
{
	for (uint32_t w = 0; w < nwords; w++) {
		touched++;
		if (bm[w] != ~0u) {
			uint32_t b = (uint32_t)__builtin_ctz(~bm[w]);
			bm[w] |= 1u << b;
			nfree--;
			return ((w << 5) | b) << PG_SHIFT;
		}
	}
	return 0;
}

/* first frame >= p with a zero bit, word at a time, or nframes */
static uint32_t next_free(uint32_t p)
{
	while (p < nframes) {
		uint32_t w = p >> 5;
		touched++;
		uint32_t z = ~bm[w] & (~0u << (p & 31));
		if (z)
			return (w << 5) | (uint32_t)__builtin_ctz(z);
		p = (w + 1) << 5;
	}
	return nframes;
}

/* first frame in [s, e) with a one bit, word at a time, or e */
static uint32_t next_used(uint32_t s, uint32_t e)
{
	while (s < e) {
		uint32_t w = s >> 5, lo = s & 31;
		uint32_t hi = e - (s - lo) >= 32 ? 32 : e - (s - lo);
		uint32_t mask = (hi == 32 ? ~0u : (1u << hi) - 1) & ~((1u << lo) - 1);
		touched++;
		uint32_t u = bm[w] & mask;
		if (u)
			return (w << 5) | (uint32_t)__builtin_ctz(u);
		s = (w + 1) << 5;
	}
	return e;
}

uint32_t base_alloc_frames(uint32_t n, uint32_t align, uint32_t limit)
{
	uint32_t a = align / PG_SIZE, hi = nframes;
	if (limit && limit / PG_SIZE < hi)
		hi = limit / PG_SIZE;
	uint32_t p = 0;
	for (;;) {
		uint32_t f = next_free(p);
		if (f >= hi)
			return 0;
		uint64_t s = ((uint64_t)f + a - 1) & ~(uint64_t)(a - 1);
		if (s + n > hi)
			return 0;
		uint32_t z = next_used((uint32_t)s, (uint32_t)s + n);
		if (z == s + n) {
			set_bits((uint32_t)s, (uint32_t)s + n, 1);
			nfree -= n;
			return (uint32_t)s << PG_SHIFT;
		}
		p = z + 1;
	}
}

void base_free_frame(uint32_t pa)
{
	uint32_t f = pa >> PG_SHIFT;
	if (!(bm[f >> 5] & (1u << (f & 31)))) {
		fprintf(stderr, "baseline: double free 0x%08x\n", pa);
		abort();
	}
	bm[f >> 5] &= ~(1u << (f & 31));
	nfree++;
}

void base_free_frames(uint32_t pa, uint32_t n)
{
	/* the same double-free check as the single free, a word at a time */
	for (uint32_t f = pa >> PG_SHIFT, e = f + n; f < e;) {
		uint32_t w = f >> 5, lo = f & 31, hi = e - (f - lo) >= 32 ? 32 : e - (f - lo);
		uint32_t mask = (hi == 32 ? ~0u : (1u << hi) - 1) & ~((1u << lo) - 1);
		if ((bm[w] & mask) != mask) {
			fprintf(stderr, "baseline: double free in 0x%08x+%u\n", pa, n);
			abort();
		}
		f = (w + 1) << 5;
	}
	set_bits(pa >> PG_SHIFT, (pa >> PG_SHIFT) + n, 0);
	nfree += n;
}

void base_alloc_all(void)
{
	for (uint32_t w = 0; w < nwords; w++)
		bm[w] = ~0u;
	nfree = 0;
}

uint32_t base_free_count(void)
{
	return nfree;
}
uint64_t base_words_touched(void)
{
	return touched;
}
