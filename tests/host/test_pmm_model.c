/*
 * test_pmm_model.c - model-based random test of mm/pmm.c: 1,200,000 seeded operations (single and
 * contiguous allocations with random alignment and limits, frees of whole runs, of single frames
 * and of pieces of runs, late reservations, deliberate misuse) against a trivial reference: one
 * byte per frame. After EVERY operation: every frame handed out was free in the reference (so
 * never handed out twice), is usable RAM, lies outside every reservation, meets the request's
 * alignment and limit; a refused request is checked against the reference (no fitting run
 * existed: always for single frames, every 16th time for runs, which costs a scan); and the
 * counters (free, reserved, allocated, usable) equal the reference's. Every 20,000 operations the
 * whole bitmap is compared frame by frame with the reference and pmm_check() runs.
 * The fill level wanders between empty and full so that exhaustion and the dense cases happen.
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

#define MiB 0x100000ull

enum { R_NOT_RAM, R_FREE, R_ALLOC, R_RESERVED };

struct run { uint32_t pa, n; };

static struct memmap map;
static struct memmap_scratch scratch;
static uint8_t *ref;          /* one byte per frame */
static uint32_t nframes;      /* frames the reference covers */
static uint32_t ref_free, ref_reserved, ref_alloc;
static struct run *runs;
static size_t nruns, runs_cap;
static uint64_t rng;
static unsigned st_single, st_runs, st_frees, st_refused, st_misuse, st_empty, st_full;

static uint32_t rnd(void)
{
	rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; /* xorshift64 */
	return (uint32_t)(rng >> 16);
}

static void model_init(const struct memmap_range *raw, size_t n, const struct pmm_region *reg, size_t nreg)
{
	memmap_sanitise(&map, raw, n, &scratch);
	host_log_quiet = true;
	pmm_init(&map, reg, nreg);
	host_log_quiet = false;
	nframes = 0;
	for (size_t i = 0; i < map.count; i++)
		if (map.range[i].type == MEMMAP_USABLE && map.range[i].end / PG_SIZE > nframes)
			nframes = (uint32_t)(map.range[i].end / PG_SIZE);
	free(ref);
	ref = calloc(nframes + 1, 1);
	for (size_t i = 0; i < map.count; i++)
		if (map.range[i].type == MEMMAP_USABLE)
			for (phys_addr_t f = map.range[i].start / PG_SIZE; f < map.range[i].end / PG_SIZE; f++) ref[f] = R_FREE;
	/* The reference learns the reservations from the definition (first MiB, the regions, the
	 * bitmap), not from the allocator's own records. */
	ref_reserved = 0;
	struct { phys_addr_t s, e; } rr[16];
	size_t nrr = 0;
	rr[nrr].s = 0; rr[nrr++].e = MiB;
	for (size_t i = 0; i < nreg; i++) { rr[nrr].s = reg[i].start; rr[nrr++].e = reg[i].end; }
	rr[nrr].s = pmm_bitmap_phys(); rr[nrr++].e = (phys_addr_t)pmm_bitmap_phys() + pmm_bitmap_bytes();
	for (size_t i = 0; i < nrr; i++)
		for (phys_addr_t f = rr[i].s / PG_SIZE; f < PG_ROUND_UP(rr[i].e) / PG_SIZE && f < nframes; f++)
			if (ref[f] == R_FREE) { ref[f] = R_RESERVED; ref_reserved++; }
	ref_free = 0;
	for (uint32_t f = 0; f < nframes; f++) ref_free += ref[f] == R_FREE;
	ref_alloc = 0;
	nruns = 0;
	assert_int_equal(pmm_free_count(), ref_free);
	assert_int_equal(pmm_reserved_count(), ref_reserved);
	assert_int_equal(pmm_usable_count(), ref_free + ref_reserved);
}

static void push_run(uint32_t pa, uint32_t n)
{
	if (nruns == runs_cap) {
		runs_cap = runs_cap ? runs_cap * 2 : 1024;
		struct run *grown = realloc(runs, runs_cap * sizeof *runs);
		assert_non_null(grown);
		runs = grown;
	}
	runs[nruns++] = (struct run){ pa, n };
}

static void check_counts(void)
{
	if (pmm_free_count() != ref_free || pmm_reserved_count() != ref_reserved ||
	    pmm_allocated_count() != ref_alloc || pmm_usable_count() != ref_free + ref_reserved + ref_alloc)
		fail_msg("counts: pmm free=%zu reserved=%zu allocated=%zu usable=%zu, reference %u %u %u",
		         pmm_free_count(), pmm_reserved_count(), pmm_allocated_count(), pmm_usable_count(),
		         ref_free, ref_reserved, ref_alloc);
}

static void check_full(void)
{
	for (uint32_t f = 0; f < nframes + 64; f++) {
		enum pmm_frame_state s = pmm_frame_state(f << PG_SHIFT);
		uint8_t r = f < nframes ? ref[f] : R_NOT_RAM;
		static const enum pmm_frame_state want[] = { PMM_FRAME_NOT_RAM, PMM_FRAME_FREE,
		                                             PMM_FRAME_ALLOCATED, PMM_FRAME_RESERVED };
		if (s != want[r]) fail_msg("frame 0x%08x: pmm says %s, reference %d", f << PG_SHIFT, pmm_frame_state_name(s), r);
	}
	assert_int_equal(pmm_check(), 0);
}

/* Take frames [pa, pa + n * PG_SIZE) from the reference, checking the allocator was allowed to give them. */
static void take(uint32_t pa, uint32_t n, uint32_t align, uint32_t limit)
{
	if (pa % align) fail_msg("0x%08x not aligned to 0x%x", pa, align);
	if (limit && (uint64_t)pa + (uint64_t)n * PG_SIZE > limit) fail_msg("0x%08x+%u frames beyond limit 0x%x", pa, n, limit);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t f = (pa >> PG_SHIFT) + i;
		if (f >= nframes || ref[f] != R_FREE)
			fail_msg("frame 0x%08x handed out but the reference says %d", f << PG_SHIFT, f < nframes ? ref[f] : -1);
		ref[f] = R_ALLOC;
	}
	ref_free -= n;
	ref_alloc += n;
	push_run(pa, n);
}

/* Does the reference hold n free frames at an aligned start, ending at or below the limit? */
static bool ref_has_run(uint32_t n, uint32_t align, uint32_t limit)
{
	uint32_t a = align / PG_SIZE, hi = nframes;
	if (limit && limit / PG_SIZE < hi) hi = limit / PG_SIZE;
	for (uint32_t s = 0; s + n <= hi; s += a) {
		uint32_t i = 0;
		while (i < n && ref[s + i] == R_FREE) i++;
		if (i == n) return true;
	}
	return false;
}

static void give_back(size_t idx, uint32_t first, uint32_t count)
{
	struct run *r = &runs[idx];
	uint32_t pa = r->pa + first * PG_SIZE;
	if (count == 1 && rnd() % 2) pmm_free_frame(pa);
	else pmm_free_frames(pa, count);
	for (uint32_t i = 0; i < count; i++) ref[(pa >> PG_SHIFT) + i] = R_FREE;
	ref_free += count;
	ref_alloc -= count;
	/* Keep the rest of the run: the part before and the part after. */
	struct run before = { r->pa, first }, after = { pa + count * PG_SIZE, r->n - first - count };
	runs[idx] = runs[--nruns];
	if (before.n) push_run(before.pa, before.n);
	if (after.n) push_run(after.pa, after.n);
}

static void misuse(void)
{
	uint32_t f = rnd() % (nframes + 16);
	uint32_t pa = f << PG_SHIFT;
	uint8_t r = f < nframes ? ref[f] : R_NOT_RAM;
	if (r == R_ALLOC) return; /* freeing it would be legal */
	st_misuse++;
	bool got = HOST_EXPECT_PANIC(pmm_free_frame(pa));
	if (!got) fail_msg("freeing frame 0x%08x (reference state %d) did not panic", pa, r);
	char want[16];
	snprintf(want, sizeof want, "0x%08x", pa);
	if (!strstr(host_panic_msg, want)) fail_msg("panic '%s' does not name 0x%08x", host_panic_msg, pa);
}

static void run_model(uint64_t seed, unsigned ops, unsigned max_run)
{
	rng = seed;
	double target = 0.5;
	unsigned refused_checks = 0;
	unsigned late_reservations = 0;
	for (unsigned step = 0; step < ops; step++) {
		if (step % 25000 == 0) {
			/* empty, the benchmark's fill levels, full (exhaustion), or anything */
			static const double targets[] = { 0.0, 0.5, 0.9, 0.99, 0.999, 1.01, -1 };
			target = targets[rnd() % 7];
			if (target < 0) target = (rnd() % 1001) / 1000.0;
		}
		uint32_t usable = ref_free + ref_reserved + ref_alloc;
		double fill = (double)(ref_alloc + ref_reserved) / usable;
		uint32_t op = rnd() % 100;
		bool want_alloc = fill < target ? op < 75 : op < 25;
		if (op == 99 && rnd() % 4 == 0) {
			misuse();
		} else if (op == 98 && late_reservations < 20 && rnd() % 8 == 0) {
			/* reserve a small range of frames that are free or reserved (never allocated) */
			uint32_t f = rnd() % nframes, n = 1 + rnd() % 8, taken = 0;
			bool ok = f + n <= nframes;
			for (uint32_t i = 0; ok && i < n; i++) ok = ref[f + i] != R_ALLOC;
			if (!ok) continue;
			for (uint32_t i = 0; i < n; i++)
				if (ref[f + i] == R_FREE) {
					ref[f + i] = R_RESERVED;
					taken++;
				}
			host_log_quiet = true;
			pmm_reserve_range("late", (phys_addr_t)f << PG_SHIFT, (phys_addr_t)(f + n) << PG_SHIFT);
			host_log_quiet = false;
			ref_free -= taken;
			ref_reserved += taken;
			late_reservations++;
		} else if (want_alloc) {
			if (rnd() % 3) {
				uint32_t pa = pmm_alloc_frame();
				st_single++;
				if (pa) take(pa, 1, PG_SIZE, 0);
				else if (ref_free) fail_msg("single allocation refused with %u frames free", ref_free);
			} else {
				uint32_t n = 1 + rnd() % (rnd() % 4 ? 8 : max_run);
				uint32_t align = (uint32_t)PG_SIZE << (rnd() % 8);
				uint32_t limits[] = { 0, 0, PMM_DMA_LIMIT, (rnd() % nframes) << PG_SHIFT };
				uint32_t limit = limits[rnd() % 4];
				uint32_t pa = pmm_alloc_frames(n, align, limit);
				st_runs++;
				if (pa) take(pa, n, align, limit);
				else if (st_refused++, (refused_checks++ % 16) == 0 && ref_has_run(n, align, limit))
					fail_msg("run of %u aligned 0x%x below 0x%x refused but one exists", n, align, limit);
			}
		} else if (nruns) {
			st_frees++;
			size_t idx = rnd() % nruns;
			uint32_t n = runs[idx].n;
			if (n == 1 || rnd() % 2) give_back(idx, 0, n);
			else {
				uint32_t first = rnd() % n;
				give_back(idx, first, 1 + rnd() % (n - first));
			}
		}
		check_counts();
		st_empty += ref_alloc == 0;
		st_full += ref_free == 0;
		if (step % 20000 == 19999) check_full();
	}
	check_full();
	print_message("model: %u ops: %u single allocs, %u run allocs (%u refused), %u frees, %u misuse "
	              "panics, %u late reservations; steps at empty %u, at exhaustion %u\n", ops, st_single,
	              st_runs, st_refused, st_frees, st_misuse, late_reservations, st_empty, st_full);
	st_single = st_runs = st_frees = st_refused = st_misuse = st_empty = st_full = 0;
}

/* 16 MiB, a PC map with an ACPI hole and a kernel: small, so exhaustion comes often. */
static void test_model_16m(void **state)
{
	(void)state;
	struct memmap_range raw[] = { { 0, 0x9FC00, 1 }, { 0x9FC00, 0xA0000, 2 }, { 0xF0000, 0x100000, 2 },
	                              { 0x100000, 0xFE0000, 1 }, { 0xFE0000, 0x1000000, 3 } };
	struct pmm_region reg[] = { { "kernel", 0x100000, 0x180000 }, { "module", 0x300000, 0x312345 } };
	model_init(raw, 5, reg, 2);
	run_model(0x9E3779B97F4A7C15ull, 500000, 64);
}

/* 96 MiB split by holes and odd pieces (unaligned usable edges, a reserved frame in the middle). */
static void test_model_fragmented(void **state)
{
	(void)state;
	struct memmap_range raw[] = { { 0, 0x9F000, 1 }, { 0x100000, 0x2000800, 1 }, { 0x1FFF000, 0x2001000, 2 },
	                              { 0x2400000, 0x4000000, 1 }, { 0x3000100, 0x3000200, 4 },
	                              { 0x4000000, 0x6000000, 1 }, { 0x5000000, 0x5001000, 5 } };
	struct pmm_region reg[] = { { "kernel", 0x100000, 0x140000 }, { "mmap", 0x2001000, 0x2002000 },
	                            { "initrd", 0x3ff0000, 0x4010000 } };
	model_init(raw, 7, reg, 3);
	run_model(0xD1B54A32D192ED03ull, 700000, 600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_16m),
		cmocka_unit_test(test_model_fragmented),
	};
	return cmocka_run_group_tests_name("pmm_model", tests, NULL, NULL);
}
