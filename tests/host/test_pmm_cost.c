/*
 * test_pmm_cost.c - the frame allocator's search cost in bitmap words touched (machine
 * independent, read through pmm_words_touched): a single allocation at 4 GiB and 99% full reads
 * a handful of words, with the free frames at the top or anywhere; at 16 MiB empty too; runs are
 * found again next fit; single-frame alloc and free read a fixed number of words.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/pmm.h"
#include "tests/host/host_env.h"
#include "tests/host/pmm_test_maps.h"

/* ---- search cost (bitmap words touched) ------------------------------------------------------ */

/* A 4 GiB PC machine filled to 99%: its free frames are the highest 1% (top_only) or 1% chosen
 * at random. */
static void fill_4g(bool top_only)
{
	pmm_test_pc_map(4 * GiB);
	pmm_test_init_quiet(NULL, 0);
	static uint32_t frames[1u << 20];
	size_t n = 0;
	uint32_t pa;
	while ((pa = pmm_alloc_frame()) != 0)
		frames[n++] = pa;
	srand(7);
	size_t keep = n / 100; /* 99% full */
	if (top_only) {
		/* free only the highest 1% */
		uint32_t hi = 0;
		for (size_t i = 0; i < n; i++)
			if (frames[i] > hi)
				hi = frames[i];
		for (size_t i = 0; i < n && keep; i++)
			if (frames[i] > hi - (uint32_t)keep * PG_SIZE) {
				pmm_free_frame(frames[i]);
				keep--;
			}
	} else {
		for (size_t i = n - 1; i > 0; i--) {
			size_t j = (size_t)rand() % (i + 1);
			uint32_t t = frames[i];
			frames[i] = frames[j];
			frames[j] = t;
		}
		for (size_t i = 0; i < keep; i++)
			pmm_free_frame(frames[i]);
	}
	assert_int_equal(pmm_check(), 0);
}

static void check_single_alloc_cost(void)
{
	/* Worst case without the hint: the hint word empty -> summary walk from 16 MiB: at most two
	 * words per level (4 levels) plus the hint word; the summary update on a word becoming full
	 * reads one word per level. Bound: 1 + 8 + 4 = 13. Measure 2000 allocations, each one. */
	for (int i = 0; i < 2000; i++) {
		uint64_t before = pmm_words_touched();
		uint32_t pa = pmm_alloc_frame();
		assert_int_not_equal(pa, 0);
		uint64_t cost = pmm_words_touched() - before;
		if (cost > 13)
			fail_msg("allocation %d touched %llu words", i, (unsigned long long)cost);
	}
	/* alloc+free pairs at steady state: the hint makes them one word each (plus summaries). */
	uint64_t before = pmm_words_touched();
	for (int i = 0; i < 1000; i++)
		pmm_free_frame(pmm_alloc_frame());
	assert_true(pmm_words_touched() - before <= 1000 * 8);
}

static void test_cost_4g_99_top(void **state)
{
	(void)state;
	fill_4g(true);
	check_single_alloc_cost();
	/* Contiguous, aligned: first window found after a few summary steps, not a scan of 32768 words. */
	uint64_t before = pmm_words_touched();
	uint32_t r = pmm_alloc_frames(16, 64 * KiB, 0);
	assert_int_not_equal(r, 0);
	assert_true(pmm_words_touched() - before <= 64);
	/* Below 16 MiB there is nothing: refusing must not scan the whole bitmap either. */
	before = pmm_words_touched();
	assert_int_equal(pmm_alloc_frames(1, 0, PMM_DMA_LIMIT), 0);
	assert_true(pmm_words_touched() - before <= 16);
}

static void test_cost_4g_99_random(void **state)
{
	(void)state;
	fill_4g(false);
	check_single_alloc_cost();
}

static void test_cost_16m_empty(void **state)
{
	(void)state;
	pmm_test_pc_map(16 * MiB);
	pmm_test_init_quiet(NULL, 0);
	check_single_alloc_cost();
}

/* Runs above 16 MiB are next fit: the search starts where the last run was found. A run that is
 * freed and asked for again is found again at once, instead of walking every crowded word between
 * 16 MiB and it (bench case pmm-1g-99-clustered-run16 was slower than first fit before this). */
static void test_run_next_fit(void **state)
{
	(void)state;
	pmm_test_pc_map(1 * GiB);
	pmm_test_init_quiet(NULL, 0);
	while (pmm_alloc_frame() != 0) {
	}
	/* One free frame in every word from 16 MiB to 512 MiB (no 16-frame window there: every
	 * word looks promising to the summaries), and two free 64 KiB windows at 768 MiB. */
	for (uint32_t pa = 16 * MiB; pa < 512 * MiB; pa += 32 * PG_SIZE)
		pmm_free_frame(pa);
	pmm_free_frames(768 * MiB, 32);
	uint64_t before = pmm_words_touched();
	uint32_t r1 = pmm_alloc_frames(16, 64 * KiB, 0);
	uint64_t first = pmm_words_touched() - before;
	assert_int_equal(r1, 768 * MiB);
	pmm_free_frames(r1, 16);
	before = pmm_words_touched();
	assert_int_equal(pmm_alloc_frames(16, 64 * KiB, 0), r1);
	uint64_t again = pmm_words_touched() - before;
	print_message("run of 16 behind 3968 crowded words: first search %llu words, again %llu\n",
		      (unsigned long long)first, (unsigned long long)again);
	assert_true(first > 1000);
	assert_true(again <= 16);
	/* Not freed: the next run lies above it (next fit), and the accounting still holds. */
	assert_int_equal(pmm_alloc_frames(16, 64 * KiB, 0), r1 + 64 * KiB);
	assert_int_equal(pmm_check(), 0);
}

/* Single-frame alloc and free write the level-1 and level-2 summary bits of their word whether
 * or not the word went empty or non-empty (no branch on it to mispredict: summary_write_low), so
 * at 4 GiB and 99% full (random) every free and every alloc through the hint reads exactly three
 * words: the frame's word, its level-1 word and its level-2 word (not 1 or 2 depending on the
 * word's state: docs/pmm.md section 6 says why). */
static void test_single_frame_fixed_cost(void **state)
{
	(void)state;
	fill_4g(false);
	static uint32_t held[1u << 20];
	uint32_t n = 0;
	for (uint32_t f = (uint32_t)(16 * MiB / PG_SIZE); f < pmm_frames_covered(); f++)
		if (pmm_frame_state(f << PG_SHIFT) == PMM_FRAME_ALLOCATED)
			held[n++] = f << PG_SHIFT;
	assert_true(n > 700000);
	srand(5);
	for (int i = 0; i < 2000; i++) {
		uint32_t k = (uint32_t)rand() % n;
		uint64_t before = pmm_words_touched();
		pmm_free_frame(held[k]);
		uint64_t free_cost = pmm_words_touched() - before;
		before = pmm_words_touched();
		held[k] = pmm_alloc_frame(); /* the hint: the word just freed into */
		uint64_t alloc_cost = pmm_words_touched() - before;
		if (free_cost != 3 || alloc_cost != 3)
			fail_msg("op %d: free touched %llu words, alloc %llu (want 3 and 3)", i,
				 (unsigned long long)free_cost, (unsigned long long)alloc_cost);
	}
	assert_int_equal(pmm_check(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cost_4g_99_top),
		cmocka_unit_test(test_cost_4g_99_random),
		cmocka_unit_test(test_cost_16m_empty),
		cmocka_unit_test(test_run_next_fit),
		cmocka_unit_test(test_single_frame_fixed_cost),
	};
	return cmocka_run_group_tests_name("pmm_cost", tests, NULL, NULL);
}
