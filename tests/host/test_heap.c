/*
 * test_heap.c - host unit tests of the kernel heap's API (mm/heap*.c) under ASan and UBSan, built
 * twice by mk/heap.mk: with HEAP_DEBUG=1 (test_heap_debug) and HEAP_DEBUG=0 (test_heap_release).
 *
 * Every entry point and edge case: bad init arguments, alignment and disjointness, size 0, huge
 * sizes, every alignment, calloc overflow, realloc in place and by moving, coalescing, running
 * out of memory, the statistics and leak report, the kmalloc wrappers. The policies (growth,
 * shrink, the cache) are in test_heap_policy.c, the random model test in test_heap_model.c,
 * misuse in test_heap_misuse.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tests/host/test_heap_fixture.h"

static void test_init_rejects_bad_arguments(void **state)
{
	(void)state;
	struct heap h;
	struct heap_arena a;
	assert_int_equal(heap_arena_open(&a, 1 << 20), 0);
	assert_int_equal(heap_init(&h, a.base + 1, a.base + (1 << 20), PG_SIZE, &a.backend), -1);
	assert_int_equal(heap_init(&h, a.base, a.base, PG_SIZE, &a.backend), -1);
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
	heap_free(H, NULL, SITE);                  /* no-op */
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
	assert_null(heap_alloc(H, SPAN, SITE)); /* bigger than the range */
	assert_null(heap_alloc_aligned(H, SIZE_MAX - HEAP_MAX_ALIGN, HEAP_MAX_ALIGN, SITE));
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
	for (size_t align = 1; align <= HEAP_MAX_ALIGN; align <<= 1) {
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

static void test_kmalloc_wrappers(void **state)
{
	(void)state;
	struct heap_arena a;
	assert_int_equal(heap_arena_open(&a, 16 << 20), 0);
	assert_int_equal(heap_init(&kernel_heap, a.base, a.base + (16 << 20), PG_SIZE, &a.backend),
			 0);
	char *p = kmalloc(10);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % KMALLOC_MIN_ALIGN, 0);
	char *q = kcalloc(4, 8);
	assert_int_equal(q[31], 0);
	assert_null(kcalloc(SIZE_MAX, 2));
	char *r = kmalloc_aligned(100, HEAP_MAX_ALIGN);
	assert_int_equal((uintptr_t)r % HEAP_MAX_ALIGN, 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_bad_arguments),
		cmocka_unit_test(test_kmalloc_wrappers),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test_setup_teardown(test_alloc_is_aligned_and_disjoint, heap_test_setup,
						heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_size_zero_and_null, heap_test_setup,
						heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_huge_sizes_fail_cleanly, heap_test_setup,
						heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_every_alignment, heap_test_setup,
						heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_calloc_zeroes, heap_test_setup,
						heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_realloc_in_place_and_moving, heap_test_setup,
						heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_free_coalesces_both_sides, heap_test_setup,
						heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_stats_and_leak_report, heap_test_setup,
						heap_test_teardown),
	};
	return cmocka_run_group_tests_name("heap", tests, NULL, NULL);
}
