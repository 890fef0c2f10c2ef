/*
 * test_heap.c - host unit tests of the kernel heap (mm/heap*.c) under ASan and UBSan, built
 * twice by mk/heap.mk: with HEAP_DEBUG=1 (test_heap_debug) and HEAP_DEBUG=0 (test_heap_release).
 *
 * Covers every entry point and edge case (size 0, huge sizes, every alignment, calloc overflow,
 * realloc in place and by moving), coalescing, growth and shrink through the backend, the
 * statistics and leak report, a model-based random test of HEAP_MODEL_OPS operations that
 * fills every block with a pattern and checks it on free, and misuse (double free, invalid free,
 * interior pointer, red zone overflow, write after free): each misuse runs in a child process
 * whose panic message must name the cause and the pointer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mm/heap.h"
#include "mm/heap_block.h"
#include "mm/kmalloc.h"
#include "tests/host/test_heap_arena.h"

#ifndef HEAP_MODEL_OPS
#define HEAP_MODEL_OPS 1000000
#endif

#define SPAN    (256u << 20)
#define INITIAL (64u << 10)

struct fixture {
	struct heap_arena arena;
	struct heap heap;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(heap_arena_open(&f->arena, SPAN), 0);
	assert_int_equal(heap_init(&f->heap, f->arena.base, f->arena.base + SPAN, INITIAL,
				   &f->arena.backend), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	heap_arena_close(&f->arena);
	free(f);
	return 0;
}

#define H (&((struct fixture *)*state)->heap)
#define A (&((struct fixture *)*state)->arena)

static void __attribute__((noinline)) site_marker(void) { __asm__ volatile(""); }
#define SITE ((uintptr_t)&site_marker)

/* --- basic API ------------------------------------------------------------------------------ */

static void test_init_rejects_bad_arguments(void **state)
{
	(void)state;
	struct heap h;
	struct heap_arena a;
	assert_int_equal(heap_arena_open(&a, 1 << 20), 0);
	assert_int_equal(heap_init(&h, a.base + 1, a.base + (1 << 20), PG_SIZE, &a.backend), -1);
	assert_int_equal(heap_init(&h, a.base, a.base, 4096, &a.backend), -1);
	assert_int_equal(heap_init(&h, a.base, a.base + PG_SIZE, 2 * PG_SIZE, &a.backend), -1);
	assert_int_equal(heap_init(&h, a.base, a.base + (1 << 20), PG_SIZE, NULL), -1);
	a.fail_after = 0;
	assert_int_equal(heap_init(&h, a.base, a.base + (1 << 20), PG_SIZE, &a.backend), -1);
	a.fail_after = -1;
	assert_int_equal(heap_init(&h, a.base, a.base + (1 << 20), PG_SIZE, &a.backend), 0);
	assert_int_equal(a.mapped_pages, 1);
	heap_check(&h);
	heap_arena_close(&a);
}

static void test_alloc_is_aligned_and_disjoint(void **state)
{
	void *p[200];
	for (int i = 0; i < 200; i++) {
		p[i] = heap_alloc(H, (size_t)i * 7, SITE);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		assert_true(heap_usable_size(H, p[i]) >= (size_t)i * 7);
		memset(p[i], i, (size_t)i * 7);
	}
	for (int i = 0; i < 200; i++)
		for (size_t k = 0; k < (size_t)i * 7; k++)
			assert_int_equal(((unsigned char *)p[i])[k], i);
	heap_check(H);
	for (int i = 0; i < 200; i += 2)
		heap_free(H, p[i], SITE);
	heap_check(H);
	for (int i = 1; i < 200; i += 2)
		heap_free(H, p[i], SITE);
	heap_check(H);
	heap_trim(H); /* flush the small-block cache: its blocks do not coalesce */
	struct heap_stats st;
	heap_stats(H, &st);
	assert_int_equal(st.live_blocks, 0);
	assert_int_equal(st.in_use, 0);
	assert_int_equal(st.free_blocks, 1); /* everything coalesced again */
}

static void test_size_zero_and_null(void **state)
{
	void *a = heap_alloc(H, 0, SITE), *b = heap_alloc(H, 0, SITE);
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	heap_free(H, a, SITE);
	heap_free(H, b, SITE);
	heap_free(H, NULL, SITE);              /* no-op */
	void *c = heap_realloc(H, NULL, 40, SITE); /* = alloc */
	assert_non_null(c);
	assert_null(heap_realloc(H, c, 0, SITE)); /* = free */
	heap_check(H);
	struct heap_stats st;
	heap_stats(H, &st);
	assert_int_equal(st.live_blocks, 0);
}

static void test_huge_sizes_fail_cleanly(void **state)
{
	assert_null(heap_alloc(H, SIZE_MAX, SITE));
	assert_null(heap_alloc(H, SIZE_MAX - 8, SITE));
	assert_null(heap_alloc(H, HEAP_MAX_SPAN, SITE));
	assert_null(heap_alloc(H, SPAN, SITE));              /* bigger than the range */
	assert_null(heap_alloc_aligned(H, SIZE_MAX - 4096, 4096, SITE));
	assert_null(heap_calloc(H, SIZE_MAX / 2, 3, SITE)); /* n * size overflows */
	assert_null(heap_calloc(H, 3, SIZE_MAX / 2, SITE));
	assert_null(heap_calloc(H, (size_t)1 << 33, (size_t)1 << 33, SITE));
	void *p = heap_alloc(H, 100, SITE);
	assert_null(heap_realloc(H, p, SIZE_MAX, SITE)); /* fails, p untouched */
	assert_int_equal(heap_usable_size(H, p) >= 100, 1);
	heap_free(H, p, SITE);
	/* Almost the whole range works. */
	H->shrink_delay = 0; /* for the check below that the free gives pages back at once */
	void *big = heap_alloc(H, SPAN - (1 << 20), SITE);
	assert_non_null(big);
	memset(big, 1, SPAN - (1 << 20));
	heap_check(H);
	heap_free(H, big, SITE);
	heap_check(H);
	/* Given back by itself down to a kept tail of an eighth of the heap. */
	assert_true(A->mapped_pages <= (SPAN / 8 + INITIAL) / PG_SIZE + 1);
	heap_trim(H);
	assert_int_equal(A->mapped_pages, INITIAL / PG_SIZE);
}

static void test_every_alignment(void **state)
{
	for (size_t align = 1; align <= 4096; align <<= 1) {
		void *p[16];
		for (int i = 0; i < 16; i++) {
			size_t n = (size_t)i * 37 + (align & 7);
			p[i] = heap_alloc_aligned(H, n, align, SITE);
			assert_non_null(p[i]);
			assert_int_equal((uintptr_t)p[i] % align, 0);
			assert_int_equal((uintptr_t)p[i] % 16, 0);
			memset(p[i], 0x5a, n);
		}
		heap_check(H);
		for (int i = 0; i < 16; i++)
			heap_free(H, p[i], SITE);
		heap_check(H);
	}
	assert_null(heap_alloc_aligned(H, 10, 0, SITE));
	assert_null(heap_alloc_aligned(H, 10, 48, SITE));
	assert_null(heap_alloc_aligned(H, 10, 8192, SITE));
	heap_trim(H); /* flush the small-block cache: then everything is one free block */
	struct heap_stats st;
	heap_stats(H, &st);
	assert_int_equal(st.live_blocks, 0);
	assert_int_equal(st.free_blocks, 1);
}

static void test_calloc_zeroes(void **state)
{
	unsigned char *d = heap_alloc(H, 1000, SITE);
	memset(d, 0xff, 1000);
	heap_free(H, d, SITE);
	unsigned char *z = heap_calloc(H, 10, 100, SITE);
	assert_non_null(z);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(z[i], 0);
	heap_free(H, z, SITE);
	void *e = heap_calloc(H, 0, 100, SITE);
	assert_non_null(e);
	heap_free(H, e, SITE);
}

static void test_realloc_in_place_and_moving(void **state)
{
	unsigned char *a = heap_alloc(H, 1000, SITE);
	unsigned char *guard = heap_alloc(H, 16, SITE);
	for (int i = 0; i < 1000; i++)
		a[i] = (unsigned char)i;
	struct heap_stats before, after;
	heap_stats(H, &before);
	/* Shrink in place: same pointer, the tail goes back to the free pool. */
	unsigned char *s = heap_realloc(H, a, 200, SITE);
	assert_ptr_equal(s, a);
	heap_stats(H, &after);
	assert_true(after.in_use < before.in_use);
	assert_true(after.free > before.free);
	for (int i = 0; i < 200; i++)
		assert_int_equal(s[i], (unsigned char)i);
	heap_check(H);
	/* Grow in place into that free tail again. */
	unsigned char *g = heap_realloc(H, s, 900, SITE);
	assert_ptr_equal(g, a);
	for (int i = 0; i < 200; i++)
		assert_int_equal(g[i], (unsigned char)i);
	memset(g + 200, 7, 700);
	heap_check(H);
	/* Grow beyond the neighbour (guard is used): moves, contents kept. */
	unsigned char *m = heap_realloc(H, g, 5000, SITE);
	assert_non_null(m);
	assert_ptr_not_equal(m, a);
	for (int i = 0; i < 200; i++)
		assert_int_equal(m[i], (unsigned char)i);
	for (int i = 200; i < 900; i++)
		assert_int_equal(m[i], 7);
	heap_check(H);
	/* Growing the last block into the free space after it stays in place. */
	void *t = heap_realloc(H, m, 6000, SITE);
	assert_ptr_equal(t, m);
	heap_free(H, t, SITE);
	heap_free(H, guard, SITE);
	heap_check(H);
	heap_trim(H);
	struct heap_stats st;
	heap_stats(H, &st);
	assert_int_equal(st.live_blocks, 0);
	assert_int_equal(st.free_blocks, 1);
}

static void test_free_coalesces_both_sides(void **state)
{
	H->cache_limit = 0; /* TLSF alone */
	void *a = heap_alloc(H, 100, SITE), *b = heap_alloc(H, 100, SITE);
	void *c = heap_alloc(H, 100, SITE), *d = heap_alloc(H, 100, SITE);
	struct heap_stats st;
	heap_free(H, a, SITE);
	heap_free(H, c, SITE);
	heap_stats(H, &st);
	assert_int_equal(st.free_blocks, 3); /* a, c, the tail */
	heap_free(H, b, SITE);               /* a+b+c */
	heap_stats(H, &st);
	assert_int_equal(st.free_blocks, 2);
	heap_check(H);
	heap_free(H, d, SITE); /* everything */
	heap_stats(H, &st);
	assert_int_equal(st.free_blocks, 1);
	heap_check(H);
}

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
 * were (heap.c, carve). */
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

/* Splitting a listed free block leaves its successor's header alone (heap.c, use_block): the
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

/* A free that absorbs a free successor leaves the block after that one alone (heap.c,
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

/* The shrink policy (heap.c, release_block and heap_grow): a shrink keeps a spare free tail of
 * at least shrink_keep bytes mapped, allocations use that spare without calling the backend,
 * and growing again below the recent high-water mark takes ONE backend call that maps back up to
 * that mark and not above it; heap_trim forgets the mark. Counts, not times. */
static void test_shrink_keeps_spare_and_regrows_once(void **state)
{
	enum { N = 64, BLOCK = 64 << 10 };
	void *p[N];
	H->cache_limit = 0; /* TLSF alone: the freed blocks coalesce into one free tail */
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

static void test_out_of_memory(void **state)
{
	(void)state;
	struct heap h;
	struct heap_arena a;
	assert_int_equal(heap_arena_open(&a, 1 << 20), 0);
	assert_int_equal(heap_init(&h, a.base, a.base + (1 << 20), 8192, &a.backend), 0);
	void *p[1000];
	int n = 0;
	while (n < 1000 && (p[n] = heap_alloc(&h, 4000, SITE)))
		n++;
	assert_true(n > 200 && n < 262); /* about 1 MiB of 4 KiB blocks */
	heap_check(&h);
	/* The backend refusing works like the range ending. */
	for (int i = 0; i < n; i++)
		heap_free(&h, p[i], SITE);
	heap_trim(&h);
	a.fail_after = 0;
	assert_null(heap_alloc(&h, 100000, SITE));
	assert_non_null(p[0] = heap_alloc(&h, 1000, SITE));
	heap_free(&h, p[0], SITE);
	heap_check(&h);
	heap_arena_close(&a);
}

static void test_stats_and_leak_report(void **state)
{
	struct heap_stats st;
	void *a = heap_alloc(H, 1000, SITE);
	void *b = heap_alloc(H, 2000, SITE);
	heap_stats(H, &st);
	assert_int_equal(st.live_blocks, 2);
	assert_true(st.in_use >= 3000);
	assert_true(st.peak_in_use >= st.in_use);
	if (heap_debug_enabled())
		assert_int_equal(st.requested, 3000);
	assert_true(st.largest_free > 0 && st.largest_free <= st.free);
	assert_int_equal(st.largest_free, st.free); /* one free tail */
	size_t peak = st.peak_in_use;
	heap_free(H, b, SITE);
	heap_stats(H, &st);
	assert_int_equal(st.peak_in_use, peak);
	assert_true(st.in_use < peak);
	assert_int_equal(heap_report_leaks(H), 1);
	heap_print_stats(H);
	heap_free(H, a, SITE);
	assert_int_equal(heap_report_leaks(H), 0);
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
	assert_ptr_equal(heap_alloc(H, 100, SITE), a); /* the same size comes from the cache */
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

static void test_kmalloc_wrappers(void **state)
{
	(void)state;
	struct heap_arena a;
	assert_int_equal(heap_arena_open(&a, 16 << 20), 0);
	assert_int_equal(heap_init(&kernel_heap, a.base, a.base + (16 << 20), PG_SIZE, &a.backend), 0);
	char *p = kmalloc(10);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % KMALLOC_MIN_ALIGN, 0);
	char *q = kcalloc(4, 8);
	assert_int_equal(q[31], 0);
	assert_null(kcalloc(SIZE_MAX, 2));
	char *r = kmalloc_aligned(100, 4096);
	assert_int_equal((uintptr_t)r % PG_SIZE, 0);
	memcpy(p, "123456789", 10);
	p = krealloc(p, 100000);
	assert_string_equal(p, "123456789");
	kfree(p);
	kfree(q);
	kfree(r);
	kfree(NULL);
	heap_check(&kernel_heap);
	heap_arena_close(&a);
}

/* --- model-based random test ---------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static size_t random_size(void)
{
	uint64_t r = rng() % 1000;
	if (r < 700)
		return rng() % 257;
	if (r < 950)
		return rng() % 4097;
	if (r < 999)
		return rng() % 32769;
	return rng() % (256 << 10);
}

struct slot {
	unsigned char *p;
	size_t n;
	uint8_t tag;
};

static void fill(struct slot *s)
{
	for (size_t i = 0; i < s->n; i++)
		s->p[i] = (uint8_t)(s->tag + i * 131);
}

static void verify(const struct slot *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s->p[i] != (uint8_t)(s->tag + i * 131))
			fail_msg("block %p (%zu bytes) corrupt at %zu", (void *)s->p, s->n, i);
}

static void test_model_random(void **state)
{
	enum { SLOTS = 2048 };
	static struct slot slot[SLOTS];
	memset(slot, 0, sizeof(slot));
	size_t live = 0, live_bytes = 0, max_live = 0;
	for (long op = 0; op < HEAP_MODEL_OPS; op++) {
		struct slot *s = &slot[rng() % SLOTS];
		uint64_t what = rng() % 100;
		if (!s->p) {
			s->n = random_size();
			s->tag = (uint8_t)rng();
			if (what < 10) {
				size_t align = (size_t)1 << (rng() % 13);
				s->p = heap_alloc_aligned(H, s->n, align, SITE);
				assert_non_null(s->p);
				assert_int_equal((uintptr_t)s->p % align, 0);
			} else if (what < 15) {
				s->p = heap_calloc(H, 1, s->n, SITE);
				assert_non_null(s->p);
				for (size_t i = 0; i < s->n; i++)
					assert_int_equal(s->p[i], 0);
			} else {
				s->p = heap_alloc(H, s->n, SITE);
				assert_non_null(s->p);
			}
			assert_int_equal((uintptr_t)s->p % 16, 0);
			fill(s);
			live++;
			live_bytes += s->n;
		} else if (what < 70) {
			verify(s, s->n);
			heap_free(H, s->p, SITE);
			s->p = NULL;
			live--;
			live_bytes -= s->n;
		} else {
			size_t n = random_size();
			unsigned char *q = heap_realloc(H, s->p, n, SITE);
			if (n == 0) {
				assert_null(q);
				s->p = NULL;
				live--;
				live_bytes -= s->n;
				continue;
			}
			assert_non_null(q);
			s->p = q;
			verify(s, n < s->n ? n : s->n);
			live_bytes += n - s->n;
			s->n = n;
			s->tag = (uint8_t)rng();
			fill(s);
		}
		if (live > max_live)
			max_live = live;
		if (op % 8192 == 0) {
			heap_check(H);
			struct heap_stats st;
			heap_stats(H, &st);
			assert_int_equal(st.live_blocks, live);
			if (heap_debug_enabled())
				assert_int_equal(st.requested, live_bytes);
		}
	}
	for (int i = 0; i < SLOTS; i++)
		if (slot[i].p) {
			verify(&slot[i], slot[i].n);
			heap_free(H, slot[i].p, SITE);
		}
	heap_check(H);
	struct heap_stats st;
	heap_stats(H, &st);
	assert_int_equal(st.live_blocks, 0);
	heap_trim(H); /* flushes the cache: then one free block, and the initial pages only */
	heap_check(H);
	heap_stats(H, &st);
	assert_int_equal(st.free_blocks, 1);
	assert_int_equal(st.cached_blocks, 0);
	assert_int_equal(A->mapped_pages, INITIAL / PG_SIZE);
	assert_true(max_live > SLOTS / 4);
}

/* --- misuse: each runs in a child process; the parent reads its panic message --------------- */

static char panic_text[8192];

/* Run fn in a child; true when the child died (abort) after printing "PANIC"; its output is
 * left in panic_text. */
static bool child_panics(void (*fn)(struct heap *h), struct heap *h)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		fn(h);
		_exit(0);
	}
	close(fds[1]);
	size_t got = 0;
	ssize_t r;
	while ((r = read(fds[0], panic_text + got, sizeof(panic_text) - 1 - got)) > 0)
		got += (size_t)r;
	panic_text[got] = 0;
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0) && strstr(panic_text, "PANIC");
}

static char expect_ptr[32];
static void expect_panic(void (*fn)(struct heap *), struct heap *h, const char *cause,
			 bool with_site)
{
	if (!child_panics(fn, h))
		fail_msg("no panic; child said: %s", panic_text);
	if (!strstr(panic_text, cause))
		fail_msg("panic does not say \"%s\": %s", cause, panic_text);
	if (!strstr(panic_text, expect_ptr))
		fail_msg("panic does not name pointer %s: %s", expect_ptr, panic_text);
	if (with_site && heap_debug_enabled() && !strstr(panic_text, "allocated at 0x") )
		fail_msg("panic does not name the allocation site: %s", panic_text);
	if (with_site && heap_debug_enabled() && !strstr(panic_text, "misuse_site"))
		fail_msg("panic does not name the allocating function: %s", panic_text);
}

static void set_expect(const void *p) { snprintf(expect_ptr, sizeof(expect_ptr), "0x%lx", (unsigned long)(uintptr_t)p); }

/* The allocation site the reports must name (not static: dladdr sees exported symbols). */
void *misuse_site(struct heap *h, size_t n);
static void *__attribute__((noinline)) wrapper_alloc(struct heap *h, size_t n)
{
	return heap_alloc(h, n, HEAP_CALLER); /* like kmalloc: the site is our caller */
}

void *__attribute__((noinline)) misuse_site(struct heap *h, size_t n)
{
	void *p = wrapper_alloc(h, n);
	__asm__ volatile("" ::: "memory");
	return p;
}

static void *victim;

static void do_free(struct heap *h) { heap_free(h, victim, SITE); }
static void __attribute__((unused)) do_realloc(struct heap *h) { heap_realloc(h, victim, 10000, SITE); }
static void do_check(struct heap *h) { heap_check(h); }

static void test_misuse_double_free(void **state)
{
	void *keep = misuse_site(H, 64);
	victim = misuse_site(H, 64);
	void *after = misuse_site(H, 64);
	heap_free(H, victim, SITE);
	set_expect(victim);
	expect_panic(do_free, H, "double free", true);
	heap_free(H, keep, SITE);
	heap_free(H, after, SITE);
	/* Without the cache the block is coalesced; double free of one merged into its free
	 * neighbour (header gone) is still reported. */
	H->cache_limit = 0;
	keep = misuse_site(H, 1000);
	victim = misuse_site(H, 1000);
	after = misuse_site(H, 1000);
	heap_free(H, victim, SITE);
	set_expect(victim);
	expect_panic(do_free, H, "double free", true);
	heap_free(H, keep, SITE); /* victim's block now merged into keep's */
	expect_panic(do_free, H, "double free", false);
	heap_free(H, after, SITE);
	/* All three are wilderness now: no header is left at all, and a double free is still
	 * named (the release build's check is the pointer's place, above the wilderness start). */
	victim = after;
	set_expect(victim);
	expect_panic(do_free, H, "double free (pointer into free memory)", false);
	heap_check(H);
}

static void test_misuse_invalid_free(void **state)
{
	int on_stack[8];
	victim = &on_stack[2];
	set_expect(victim);
	expect_panic(do_free, H, "invalid free", false);
	char *p = misuse_site(H, 256);
	victim = p + 3; /* misaligned */
	set_expect(victim);
	expect_panic(do_free, H, "invalid free", false);
	heap_free(H, p, SITE);
	heap_check(H);
}

#if HEAP_DEBUG
/* Interior pointers need the debug header's magic word (release builds only check range,
 * alignment and the free bit). */
static void test_misuse_interior_pointer(void **state)
{
	char *p = misuse_site(H, 256);
	victim = p + 64;
	set_expect(victim);
	expect_panic(do_free, H, "invalid free (interior pointer)", false);
	if (heap_debug_enabled() && !strstr(panic_text, "misuse_site"))
		fail_msg("interior pointer report does not name the block's site: %s", panic_text);
	victim = p + 64;
	set_expect(victim);
	expect_panic(do_realloc, H, "invalid free", false);
	heap_free(H, p, SITE);
	heap_check(H);
}

static void test_misuse_overflow(void **state)
{
	char *p = misuse_site(H, 100);
	void *next = misuse_site(H, 100);
	victim = p;
	set_expect(p);
	p[100] = 'X'; /* one byte past the end */
	expect_panic(do_free, H, "red zone overwritten", true);
	expect_panic(do_realloc, H, "red zone overwritten", true);
	expect_panic(do_check, H, "red zone overwritten", true);
	p[100] = (char)HEAP_POISON_REDZONE; /* repaired: everything is fine again */
	heap_check(H);
	heap_free(H, p, SITE);
	heap_free(H, next, SITE);
}

static void test_misuse_write_after_free(void **state)
{
	void *keep = misuse_site(H, 100);
	char *p = misuse_site(H, 300);
	void *next = misuse_site(H, 100);
	heap_free(H, p, SITE);
	p[200] = 1;
	set_expect(p);
	expect_panic(do_check, H, "use after free", false);
	p[200] = (char)HEAP_POISON_FREE;
	heap_check(H);
	heap_free(H, keep, SITE);
	heap_free(H, next, SITE);
}

#endif

static void test_misuse_corrupt_header_found_by_check(void **state)
{
	char *p = misuse_site(H, 100);
	uintptr_t *sizew = (uintptr_t *)p - 1;
	uintptr_t saved = *sizew;
	*sizew = 0x30 | (saved & 15);
	expect_ptr[0] = 0; /* the complaint may be about the block after the short one */
	expect_panic(do_check, H, "heap", false);
	*sizew = saved;
	heap_check(H);
	heap_free(H, p, SITE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_bad_arguments),
		cmocka_unit_test(test_kmalloc_wrappers),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test_setup_teardown(test_alloc_is_aligned_and_disjoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_size_zero_and_null, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_sizes_fail_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_alignment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calloc_zeroes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_realloc_in_place_and_moving, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_coalesces_both_sides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_small_block_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_next_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grows_and_shrinks_through_backend, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cache_gc_returns_stale_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_carve_writes_nothing_past_the_block, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_split_leaves_the_successor_alone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_merge_leaves_the_next_but_one_alone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_shrink_waits_for_the_delay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shrink_keeps_spare_and_regrows_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stats_and_leak_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misuse_double_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misuse_invalid_free, setup, teardown),
#if HEAP_DEBUG
		cmocka_unit_test_setup_teardown(test_misuse_interior_pointer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misuse_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misuse_write_after_free, setup, teardown),
#endif
		cmocka_unit_test_setup_teardown(test_misuse_corrupt_header_found_by_check, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_model_random, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
