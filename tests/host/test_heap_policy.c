/*
 * test_heap_policy.c - host tests of the heap's policies (mm/heap*.c), built with and without
 * HEAP_DEBUG: growth and shrink through the backend (the spare kept, the decay, one grow back to
 * the former end), what the allocation and free paths leave untouched (a carve writes nothing
 * past its block, a split leaves the successor alone, a merge the block after), and the
 * small-block cache (hand-outs, the next sizes, its GC).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tests/host/test_heap_fixture.h"

static void test_grows_and_shrinks_through_backend(void **state)
{
	enum { N = 400 };
	void *p[N];
	size_t initial = A->mapped_pages;
	H->shrink_delay = 0; /* the decay has its own test */
	for (int i = 0; i < N; i++) {
		p[i] = heap_alloc(H, 3000, SITE);
		assert_non_null(p[i]);
		memset(p[i], 0x11, 3000);
	}
	struct heap_stats st;
	heap_stats(H, &st);
	assert_true(st.pages_held >= N * 3000 / PG_SIZE);
	assert_int_equal(st.pages_held, A->mapped_pages);
	assert_true(A->grow_calls > 1);
	assert_true(st.grows > 0);
	heap_check(H);
	for (int i = 0; i < N; i++)
		heap_free(H, p[i], SITE);
	/* The free tail is far above the threshold: freeing gave pages back by itself, keeping
	 * shrink_keep bytes of it mapped. */
	assert_true(A->mapped_pages <= initial + H->shrink_keep / PG_SIZE + 1);
	heap_stats(H, &st);
	assert_true(st.shrinks > 0);
	assert_int_equal(st.pages_held, A->mapped_pages);
	heap_trim(H);
	assert_int_equal(A->mapped_pages, initial);
	heap_check(H);
	/* heap_trim gives back even a small free tail. */
	void *q = heap_alloc(H, INITIAL + 10000, SITE);
	heap_free(H, q, SITE);
	heap_trim(H);
	assert_int_equal(A->mapped_pages, initial);
	heap_check(H);
}

/* A block cut from the wilderness writes its own header and nothing after it: the bytes past its
 * end, where splitting a free tail block would write the remainder's header, stay as they
 * were (heap_tlsf.h, carve). */
static void test_carve_writes_nothing_past_the_block(void **state)
{
	struct heap_stats st;
	heap_stats(H, &st);
	assert_int_equal(st.free_blocks, 1); /* a fresh heap: one wilderness */
	/* Within the initial 64 KiB: a grow would poison (debug) what it maps. */
	for (size_t n = 100; H->top + n + 256 < H->sentinel; n = n * 3 + 1) {
		uint8_t *end = (uint8_t *)H->top + (n + 64); /* past any block for n bytes */
		uint8_t before[256];
		memcpy(before, end - 128, sizeof(before));
		uintptr_t top = H->top;
		void *p = heap_alloc(H, n, SITE);
		/* carved at the top: the payload follows the header (1 word, 4 in debug builds) */
		assert_true((uintptr_t)p - (HEAP_DEBUG ? 4 : 1) * sizeof(uintptr_t) == top);
		uint8_t *stop = (uint8_t *)H->top;
		/* Everything from the new top on is as it was. */
		for (uint8_t *q = stop; q < end + 128; q++)
			assert_int_equal(*q, before[q - (end - 128)]);
		heap_check(H);
	}
	heap_stats(H, &st);
	assert_int_equal(st.free_blocks, 1);
	assert_int_equal(st.largest_free, H->sentinel - H->top);
}

/* Splitting a listed free block leaves its successor's header alone (heap_tlsf.h, use_block): the
 * successor keeps BLK_PREV_FREE because the rest of the split block is free, so the old clear
 * and set again only cost a cache miss. Planted: the successor's flag cleared; a write of the
 * header (as the old clear-then-set did) would set it again. */
static void test_split_leaves_the_successor_alone(void **state)
{
	H->cache_limit = 0; /* every free goes to TLSF */
	void *a = heap_alloc(H, 200, SITE), *f = heap_alloc(H, 400, SITE);
	void *s = heap_alloc(H, 100, SITE), *g = heap_alloc(H, 50, SITE);
	heap_free(H, f, SITE); /* a free block between two used ones, in a list */
	uintptr_t *sh = blk_sizew(blk_from_payload((uintptr_t)s));
	assert_true(*sh & BLK_PREV_FREE);
	uintptr_t planted = *sh & ~BLK_PREV_FREE;
	*sh = planted;
	void *q = heap_alloc(H, 100, SITE); /* from f, split */
	assert_ptr_equal(q, f);
	assert_int_equal(*sh, planted);
	*sh = planted | BLK_PREV_FREE;
	heap_check(H);
	heap_free(H, q, SITE);
	heap_free(H, a, SITE);
	heap_free(H, s, SITE);
	heap_free(H, g, SITE);
	heap_check(H);
}

/* A free that absorbs a free successor leaves the block after that one alone (heap_tlsf.h,
 * blk_set_free): it has BLK_PREV_FREE already. Planted as above. */
static void test_merge_leaves_the_next_but_one_alone(void **state)
{
	H->cache_limit = 0;
	void *a = heap_alloc(H, 200, SITE), *b = heap_alloc(H, 100, SITE);
	void *n = heap_alloc(H, 300, SITE), *n2 = heap_alloc(H, 100, SITE);
	void *g = heap_alloc(H, 50, SITE);
	heap_free(H, n, SITE);
	uintptr_t *n2h = blk_sizew(blk_from_payload((uintptr_t)n2));
	assert_true(*n2h & BLK_PREV_FREE);
	uintptr_t planted = *n2h & ~BLK_PREV_FREE;
	*n2h = planted;
	heap_free(H, b, SITE); /* merges with n */
	assert_int_equal(*n2h, planted);
	*n2h = planted | BLK_PREV_FREE;
	heap_check(H);
	struct heap_stats st;
	heap_stats(H, &st);
	assert_int_equal(st.free_blocks, 2); /* b+n, and the wilderness */
	heap_free(H, a, SITE);
	heap_free(H, n2, SITE);
	heap_free(H, g, SITE);
	heap_check(H);
}

/* The shrink decay (heap.c, release_block): pages go back only once the wilderness has been
 * over the threshold for shrink_delay operations, counted at the frees that reach it; a grow
 * in between starts the count again. Counts, not times. */
static void test_shrink_waits_for_the_delay(void **state)
{
	enum { N = 64, BLOCK = 64 << 10, DELAY = 100 };
	void *p[N];
	struct heap_stats st;
	H->cache_limit = 0;
	H->shrink_delay = DELAY;
	for (int i = 0; i < N; i++)
		assert_non_null(p[i] = heap_alloc(H, BLOCK, SITE));
	size_t high = A->mapped_pages;
	for (int i = N - 1; i >= 0; i--)
		heap_free(H, p[i], SITE);
	heap_stats(H, &st);
	uint64_t shrinks0 = st.shrinks, ops0 = st.allocs + st.frees;
	/* 64 frees: the shrink rule has held for fewer than DELAY operations. */
	assert_int_equal(A->mapped_pages, high);
	/* A block from the wilderness and back: two operations each, the rule holds all along. */
	uint64_t ops;
	do {
		void *q = heap_alloc(H, BLOCK, SITE);
		assert_non_null(q);
		heap_free(H, q, SITE);
		heap_stats(H, &st);
		ops = st.allocs + st.frees;
	} while (st.shrinks == shrinks0 && ops - ops0 < 4 * DELAY);
	assert_int_equal(st.shrinks, shrinks0 + 1);
	assert_true(A->mapped_pages < high);
	/* It held since the first free that reached the wilderness with the rule true (the
	 * free of p[N/2 - 1] or so), so it shrank after DELAY operations from then: more than
	 * the frees alone, not more than DELAY after the last free of p[]. */
	assert_true(ops - ops0 <= DELAY);
	assert_true(ops - ops0 + N / 2 >= DELAY);
	heap_check(H);
	/* With the delay at 0 the same frees shrink at once. */
	heap_trim(H);
	for (int i = 0; i < N; i++)
		assert_non_null(p[i] = heap_alloc(H, BLOCK, SITE));
	H->shrink_delay = 0;
	heap_stats(H, &st);
	shrinks0 = st.shrinks;
	for (int i = N - 1; i >= 0; i--)
		heap_free(H, p[i], SITE);
	heap_stats(H, &st);
	assert_true(st.shrinks > shrinks0);
	heap_check(H);
}

/* The shrink policy (heap.c's release_block, heap_grow.c): a shrink keeps a spare free tail of
 * at least shrink_keep bytes mapped, allocations use that spare without calling the backend,
 * and growing again below the recent high-water mark takes ONE backend call that maps back up to
 * that mark and not above it; heap_trim forgets the mark. Counts, not times. */
static void test_shrink_keeps_spare_and_regrows_once(void **state)
{
	enum { N = 64, BLOCK = 64 << 10 };
	void *p[N];
	H->cache_limit = 0;  /* TLSF alone: the freed blocks coalesce into one free tail */
	H->shrink_delay = 0; /* the decay has its own test */
	for (int i = 0; i < N; i++)
		assert_non_null(p[i] = heap_alloc(H, BLOCK, SITE));
	size_t high = A->mapped_pages;
	uintptr_t high_end = A->base + high * PG_SIZE;
	struct heap_stats st;
	heap_stats(H, &st);
	uint64_t shrinks0 = st.shrinks;
	/* Free from the top, newest first, until the free tail triggers the first shrink: it
	 * must come once the tail is as large as what lies below it, not before. */
	int top = N;
	do {
		heap_free(H, p[--top], SITE);
		heap_stats(H, &st);
	} while (st.shrinks == shrinks0 && top > 0);
	assert_int_equal(st.shrinks, shrinks0 + 1);
	uintptr_t tail = (uintptr_t)p[top] - 64; /* the tail block's header is below p[top] */
	size_t below = tail - A->base;
	assert_true(high_end - tail >= below);
	assert_true(high_end - tail >= H->shrink_threshold);
	/* ... and not later: one free earlier the tail was smaller than what lay below it. */
	assert_true(high_end - tail - (BLOCK + 64) < below + (BLOCK + 64));
	assert_int_equal(st.pages_held, A->mapped_pages);
	assert_true(A->mapped_pages < high);
	/* The spare left mapped: max(shrink_keep, half of what lies below), to a page. */
	uintptr_t end = A->base + A->mapped_pages * PG_SIZE;
	size_t keep = below / 2 > H->shrink_keep ? below / 2 : H->shrink_keep;
	assert_true(end - tail >= keep);
	assert_true(end - tail < keep + 2 * PG_SIZE);
	assert_true(st.largest_free >= keep);
	heap_check(H);
	/* Allocations that fit in the spare take no backend call. */
	size_t grows = A->grow_calls;
	int fit = (int)((end - tail) / (BLOCK + 64)) - 1, i = top;
	assert_true(fit >= 1);
	for (; i < top + fit; i++)
		assert_non_null(p[i] = heap_alloc(H, BLOCK, SITE));
	assert_int_equal(A->grow_calls, grows);
	/* Filling up to the former size again: one grow maps back exactly to the former end
	 * (it is at most half the heap's size away, the most one grow maps back). */
	assert_true(high_end - end <= (end - A->base) / 2);
	for (; i < N; i++)
		assert_non_null(p[i] = heap_alloc(H, BLOCK, SITE));
	assert_int_equal(A->grow_calls, grows + 1);
	assert_int_equal(A->mapped_pages, high);
	heap_check(H);
	/* After heap_trim the mark is gone: growing from the initial size takes several steps. */
	for (i = 0; i < N; i++)
		heap_free(H, p[i], SITE);
	heap_trim(H);
	grows = A->grow_calls;
	for (i = 0; i < N; i++)
		assert_non_null(p[i] = heap_alloc(H, BLOCK, SITE));
	assert_true(A->grow_calls > grows + 1);
	assert_true(A->mapped_pages <= high);
	for (i = 0; i < N; i++)
		heap_free(H, p[i], SITE);
	heap_check(H);
}

static void test_small_block_cache(void **state)
{
	struct heap_stats st;
	void *a = heap_alloc(H, 100, SITE);
	void *b = heap_alloc(H, 100, SITE);
	heap_free(H, a, SITE);
	heap_stats(H, &st);
	assert_int_equal(st.cached_blocks, 1);
	assert_true(st.cached > 0);
	assert_int_equal(st.live_blocks, 1);
	assert_ptr_equal(heap_alloc(H, 100, SITE), a);     /* the same size comes from the cache */
	assert_ptr_not_equal(heap_alloc(H, 200, SITE), a); /* other sizes do not */
	heap_check(H);
	/* Each size's list holds at most cache_limit / HEAP_CACHE_SHARE bytes; the rest goes to
	 * TLSF, and other sizes still find room. */
	H->cache_limit = 1024 * HEAP_CACHE_SHARE;
	void *p[64], *q = heap_alloc(H, 300, SITE);
	for (int i = 0; i < 64; i++)
		p[i] = heap_alloc(H, 48, SITE);
	for (int i = 0; i < 64; i++)
		heap_free(H, p[i], SITE);
	heap_stats(H, &st);
	assert_true(st.cached <= 1024);
	assert_true(st.cached_blocks > 0);
	assert_true(st.cached_blocks < 64);
	size_t before = st.cached_blocks;
	heap_free(H, q, SITE);
	heap_stats(H, &st);
	assert_int_equal(st.cached_blocks, before + 1); /* a full list does not block others */
	heap_check(H);
	/* heap_trim flushes it. */
	heap_trim(H);
	heap_stats(H, &st);
	assert_int_equal(st.cached_blocks, 0);
	heap_free(H, b, SITE);
	heap_report_leaks(H);
	heap_check(H);
}

/* The cache's GC (heap.c, cache_gc_step): blocks of a size nobody takes any more go back to
 * TLSF, one per visit of that size, a visit every HEAP_CACHE_GC_EVERY calls that reach TLSF
 * (here two per round: the 3000-byte block); a size in use keeps its blocks. Counts, not
 * times. */
static void test_cache_gc_returns_stale_blocks(void **state)
{
	struct heap_stats st;
	void *p[8], *q[8];
	for (int i = 0; i < 8; i++) {
		p[i] = heap_alloc(H, 100, SITE);
		q[i] = heap_alloc(H, 200, SITE);
	}
	for (int i = 0; i < 8; i++) {
		heap_free(H, p[i], SITE);
		heap_free(H, q[i], SITE);
	}
	heap_stats(H, &st);
	assert_int_equal(st.cached_blocks, 16);
	/* Every size visited 12 times: the 100-byte list (8 blocks) empties, the 200-byte one,
	 * taken from every round, stays. */
	for (unsigned k = 0; k < 12 * HEAP_CACHE_CLASSES * HEAP_CACHE_GC_EVERY / 2; k++) {
		void *x = heap_alloc(H, 3000, SITE); /* too big for the cache */
		void *y = heap_alloc(H, 200, SITE);
		assert_non_null(x);
		assert_non_null(y);
		heap_free(H, y, SITE);
		heap_free(H, x, SITE);
	}
	heap_stats(H, &st);
	assert_int_equal(st.cached_blocks, 8);
	assert_int_equal(st.live_blocks, 0);
	heap_check(H);
	/* With nothing cached below them, the freed blocks coalesced: one free block (the
	 * wilderness) is left. */
	heap_trim(H);
	heap_stats(H, &st);
	assert_int_equal(st.free_blocks, 1);
}

/* An allocation whose own cache list is empty takes a cached block of the next size up or the
 * one after (16 or 32 bytes more), not one three sizes up, and not a TLSF block. */
static void test_cache_next_size(void **state)
{
	struct heap_stats st;
	void *keep = heap_alloc(H, 32, SITE); /* keeps x from being the last block */
	void *x = heap_alloc(H, 100 + HEAP_ALIGN, SITE);
	void *guard = heap_alloc(H, 32, SITE);
	heap_free(H, x, SITE);
	heap_stats(H, &st);
	assert_int_equal(st.cached_blocks, 1);
	uint64_t allocs = st.allocs;
	assert_ptr_equal(heap_alloc(H, 100, SITE), x);
	heap_stats(H, &st);
	assert_int_equal(st.cached_blocks, 0);
	assert_int_equal(st.allocs, allocs + 1);
	assert_true(heap_usable_size(H, x) >= 100);
	heap_check(H);
	/* Two sizes down: x again. */
	heap_free(H, x, SITE);
	assert_ptr_equal(heap_alloc(H, 100 - HEAP_ALIGN, SITE), x);
	heap_stats(H, &st);
	assert_int_equal(st.cached_blocks, 0);
	heap_check(H);
	/* Three sizes down: x stays cached. */
	heap_free(H, x, SITE);
	void *y = heap_alloc(H, 100 - 2 * HEAP_ALIGN, SITE);
	assert_ptr_not_equal(y, x);
	heap_stats(H, &st);
	assert_int_equal(st.cached_blocks, 1);
	heap_check(H);
	heap_free(H, y, SITE);
	heap_free(H, guard, SITE);
	heap_free(H, keep, SITE);
	heap_check(H);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_small_block_cache, heap_test_setup,
						heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_cache_next_size, heap_test_setup,
						heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_grows_and_shrinks_through_backend,
						heap_test_setup, heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_cache_gc_returns_stale_blocks, heap_test_setup,
						heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_carve_writes_nothing_past_the_block,
						heap_test_setup, heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_split_leaves_the_successor_alone,
						heap_test_setup, heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_merge_leaves_the_next_but_one_alone,
						heap_test_setup, heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_shrink_waits_for_the_delay, heap_test_setup,
						heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_shrink_keeps_spare_and_regrows_once,
						heap_test_setup, heap_test_teardown),
	};
	return cmocka_run_group_tests_name("heap_policy", tests, NULL, NULL);
}
