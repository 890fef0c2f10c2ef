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
#include "tests/host/pmm_ref.h"

static struct memmap map;
static struct memmap_scratch scratch;
static uint64_t rng;
static unsigned st_single, st_runs, st_frees, st_refused, st_misuse, st_empty, st_full;

void pmm_ref_fail(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fail_msg("%s", msg);
	abort(); /* fail_msg does not return; this tells the compiler so */
}

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17; /* xorshift64 */
	return (uint32_t)(rng >> 16);
}

static void model_init(const struct memmap_range *raw, size_t n, const struct pmm_region *reg,
		       size_t nreg)
{
	memmap_sanitise(&map, raw, n, &scratch);
	host_log_quiet = true;
	pmm_init(&map, reg, nreg);
	host_log_quiet = false;
	pmm_ref_init(&map, reg, nreg);
	assert_int_equal(pmm_ref.alloc, 0);
	pmm_ref_check_counts();
}

static void misuse(void)
{
	uint32_t f = rnd() % (pmm_ref.nframes + 16);
	if (pmm_ref_misuse_free(f << PG_SHIFT))
		st_misuse++;
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
			if (target < 0)
				target = (rnd() % 1001) / 1000.0;
		}
		uint32_t usable = pmm_ref.free + pmm_ref.reserved + pmm_ref.alloc;
		double fill = (double)(pmm_ref.alloc + pmm_ref.reserved) / usable;
		uint32_t op = rnd() % 100;
		bool want_alloc = fill < target ? op < 75 : op < 25;
		if (op == 99 && rnd() % 4 == 0) {
			misuse();
		} else if (op == 98 && late_reservations < 20 && rnd() % 8 == 0) {
			/* reserve a small range of frames that are free or reserved (never allocated) */
			uint32_t f = rnd() % pmm_ref.nframes, n = 1 + rnd() % 8;
			bool ok = f + n <= pmm_ref.nframes;
			for (uint32_t i = 0; ok && i < n; i++)
				ok = pmm_ref_state(f + i) != REF_ALLOC;
			if (!ok)
				continue;
			host_log_quiet = true;
			pmm_reserve_range("late", (phys_addr_t)f << PG_SHIFT,
					  (phys_addr_t)(f + n) << PG_SHIFT);
			host_log_quiet = false;
			pmm_ref_reserve((phys_addr_t)f << PG_SHIFT, (phys_addr_t)(f + n)
									    << PG_SHIFT);
			late_reservations++;
		} else if (want_alloc) {
			if (rnd() % 3) {
				uint32_t pa = pmm_alloc_frame();
				st_single++;
				if (pa)
					pmm_ref_take(pa, 1, PG_SIZE, 0);
				else if (pmm_ref.free)
					fail_msg("single allocation refused with %u frames free",
						 pmm_ref.free);
			} else {
				uint32_t n = 1 + rnd() % (rnd() % 4 ? 8 : max_run);
				uint32_t align = (uint32_t)PG_SIZE << (rnd() % 8);
				uint32_t limits[] = { 0, 0, PMM_DMA_LIMIT,
						      (rnd() % pmm_ref.nframes) << PG_SHIFT };
				uint32_t limit = limits[rnd() % 4];
				uint32_t pa = pmm_alloc_frames(n, align, limit);
				st_runs++;
				if (pa)
					pmm_ref_take(pa, n, align, limit);
				else if (st_refused++, (refused_checks++ % 16) == 0 &&
							       pmm_ref_has_run(n, align, limit))
					fail_msg("run of %u aligned 0x%x below 0x%x refused but one exists",
						 n, align, limit);
			}
		} else if (pmm_ref.nruns) {
			st_frees++;
			size_t idx = rnd() % pmm_ref.nruns;
			uint32_t n = pmm_ref.runs[idx].n, first = 0, count = n;
			if (n != 1 && !(rnd() % 2)) {
				first = rnd() % n;
				count = 1 + rnd() % (n - first);
			}
			pmm_ref_free_run(idx, first, count, count == 1 && rnd() % 2);
		}
		pmm_ref_check_counts();
		st_empty += pmm_ref.alloc == 0;
		st_full += pmm_ref.free == 0;
		if (step % 20000 == 19999)
			pmm_ref_check_frames(pmm_ref.nframes + 64);
	}
	pmm_ref_check_frames(pmm_ref.nframes + 64);
	print_message("model: %u ops: %u single allocs, %u run allocs (%u refused), %u frees, %u misuse "
		      "panics, %u late reservations; steps at empty %u, at exhaustion %u\n",
		      ops, st_single, st_runs, st_refused, st_frees, st_misuse, late_reservations,
		      st_empty, st_full);
	st_single = st_runs = st_frees = st_refused = st_misuse = st_empty = st_full = 0;
}

/* 16 MiB, a PC map with an ACPI hole and a kernel: small, so exhaustion comes often. */
static void test_model_16m(void **state)
{
	(void)state;
	struct memmap_range raw[] = { { 0, 0x9FC00, 1 },
				      { 0x9FC00, 0xA0000, 2 },
				      { 0xF0000, 0x100000, 2 },
				      { 0x100000, 0xFE0000, 1 },
				      { 0xFE0000, 0x1000000, 3 } };
	struct pmm_region reg[] = { { "kernel", 0x100000, 0x180000 },
				    { "module", 0x300000, 0x312345 } };
	model_init(raw, 5, reg, 2);
	run_model(0x9E3779B97F4A7C15ull, 500000, 64);
}

/* 96 MiB split by holes and odd pieces (unaligned usable edges, a reserved frame in the middle). */
static void test_model_fragmented(void **state)
{
	(void)state;
	struct memmap_range raw[] = { { 0, 0x9F000, 1 },           { 0x100000, 0x2000800, 1 },
				      { 0x1FFF000, 0x2001000, 2 }, { 0x2400000, 0x4000000, 1 },
				      { 0x3000100, 0x3000200, 4 }, { 0x4000000, 0x6000000, 1 },
				      { 0x5000000, 0x5001000, 5 } };
	struct pmm_region reg[] = { { "kernel", 0x100000, 0x140000 },
				    { "mmap", 0x2001000, 0x2002000 },
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
