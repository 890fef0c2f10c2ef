/*
 * test_heap_model.c - a model-based random test of the heap (mm/heap*.c), built with and without
 * HEAP_DEBUG: HEAP_MODEL_OPS seeded operations (malloc, aligned, calloc, realloc, free) over 2048
 * slots; every block is filled with a pattern that is checked on realloc and free, heap_check
 * runs at regular intervals, and at the end everything is freed and the heap must be back to its
 * initial pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tests/host/test_heap_fixture.h"

#ifndef HEAP_MODEL_OPS
#define HEAP_MODEL_OPS 1000000
#endif

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_model_random, heap_test_setup,
						heap_test_teardown),
	};
	return cmocka_run_group_tests_name("heap_model", tests, NULL, NULL);
}
