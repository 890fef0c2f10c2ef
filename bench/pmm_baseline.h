/*
 * pmm_baseline.h - the benchmark's baseline frame allocator: the tutorial bitmap (one bit per
 * frame, 1 = used, first-fit scan from frame 0 a 32-bit word at a time, no summary, no hint).
 * Same map, same reservations and the same API shape as mm/pmm.h, so bench_pmm.c can run both
 * over one trace. Counts the bitmap words it reads, as mm/pmm.c does.
 */
#ifndef BENCH_PMM_BASELINE_H
#define BENCH_PMM_BASELINE_H

#include <stddef.h>
#include <stdint.h>

#include "mm/memmap.h"

void base_init(const struct memmap *map, uint32_t *bitmap_storage, uint32_t bitmap_words,
	       uint32_t reserve_start, uint32_t reserve_end);
uint32_t base_alloc_frame(void);
uint32_t base_alloc_frames(uint32_t n, uint32_t align, uint32_t limit);
void base_free_frame(uint32_t pa);
void base_free_frames(uint32_t pa, uint32_t n);
uint32_t base_free_count(void);
void base_alloc_all(void); /* benchmark set-up: every frame taken (O(words), not O(frames^2)) */
uint64_t base_words_touched(void);
uint32_t base_bitmap_words(const struct memmap *map); /* words base_init needs for this map */

#endif
