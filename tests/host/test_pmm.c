/*
 * test_pmm.c - host unit tests (cmocka, ASan, UBSan) of the frame allocator mm/pmm*.c: init and
 * the exact accounting, bitmap placement, every API call, every misuse (the panic must name the
 * frame and the caller) and the non-panicking queries. The search cost is in test_pmm_cost.c,
 * the random model test in test_pmm_model.c. Simulated RAM comes from tests/host/host_env.c.
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

static const struct pmm_region kernel_regions[] = {
	{ "kernel", 0x100000, 0x100000 + 300 * KiB },
	{ "multiboot-info", 0x9000, 0x9000 + 116 },
	{ "cmdline", 0x120000, 0x120010 }, /* inside the kernel: counted there only */
	{ "module", 0x200000, 0x200000 + 40 * KiB + 1 },
};

static int setup_128m(void **state)
{
	(void)state;
	pmm_test_pc_map(128 * MiB);
	pmm_test_init_quiet(kernel_regions, 4);
	return 0;
}

/* ---- init and accounting ------------------------------------------------------------------- */

static void test_init_accounting(void **state)
{
	(void)state;
	uint32_t usable = 159 + (128 * MiB - 128 * KiB - 1 * MiB) / PG_SIZE;
	assert_int_equal(pmm_usable_count(), usable);
	assert_int_equal(memmap_usable_frames(&pmm_test_map), usable);
	/* low-1mib 159 usable frames, kernel 75, multiboot-info 0 (inside low-1mib), cmdline 0
	 * (inside the kernel), module 11, bitmap: 32736 frames -> 1023 + 32 + 1 words -> 2 frames. */
	assert_int_equal(pmm_bitmap_bytes(), (1023 + 32 + 1) * 4);
	assert_int_equal(pmm_reserved_count(), 159 + 75 + 0 + 0 + 11 + 2);
	assert_int_equal(pmm_free_count() + pmm_reserved_count(), pmm_usable_count());
	assert_int_equal(pmm_allocated_count(), 0);
	assert_int_equal(pmm_check(), 0);
	const char *log = host_log_text();
	assert_non_null(
		strstr(log, "pmm: reserved low-1mib [mem 0x00000000-0x000fffff] 159 frames\n"));
	assert_non_null(
		strstr(log, "pmm: reserved kernel [mem 0x00100000-0x0014afff] 75 frames\n"));
	assert_non_null(
		strstr(log, "pmm: reserved multiboot-info [mem 0x00009000-0x00009fff] 0 frames\n"));
	assert_non_null(
		strstr(log, "pmm: reserved cmdline [mem 0x00120000-0x00120fff] 0 frames\n"));
	assert_non_null(
		strstr(log, "pmm: reserved module [mem 0x00200000-0x0020afff] 11 frames\n"));
	char want[128];
	snprintf(want, sizeof want, "pmm: usable=%u free=%u reserved=%u\n", usable,
		 (unsigned)(usable - 247), 247u);
	assert_non_null(strstr(log, want));
	/* The iterator lists them in order. */
	struct pmm_reservation r;
	assert_int_equal(pmm_reservation_count(), 6);
	assert_true(pmm_reservation_get(0, &r));
	assert_string_equal(r.name, "low-1mib");
	assert_true(pmm_reservation_get(5, &r));
	assert_string_equal(r.name, "pmm-bitmap");
	assert_int_equal(r.start, pmm_bitmap_phys());
	assert_int_equal(r.frames, 2);
	assert_false(pmm_reservation_get(6, &r));
}

static void test_bitmap_placement_avoids_regions(void **state)
{
	(void)state;
	/* Kernel at 1 MiB (300 KiB), the module at 2 MiB: lowest fit is right after the kernel. */
	assert_int_equal(pmm_bitmap_phys(), 0x14B000);
	/* Regions filling 1-8 MiB except a one-frame gap: the 2-frame bitmap must skip the gap. */
	struct pmm_region r[] = { { "a", 1 * MiB, 4 * MiB }, { "b", 4 * MiB + 4096, 8 * MiB } };
	pmm_test_init_quiet(r, 2);
	assert_int_equal(pmm_bitmap_phys(), 8 * MiB);
	assert_int_equal(pmm_frame_state(4 * MiB), PMM_FRAME_FREE);
	assert_int_equal(pmm_check(), 0);
	/* Usable RAM only below 1 MiB: nowhere to put the bitmap. */
	struct memmap_range low[] = { { 0, 0x9F000, MEMMAP_USABLE } };
	pmm_test_set_map(low, 1);
	host_log_quiet = true;
	assert_true(HOST_EXPECT_PANIC(pmm_init(&pmm_test_map, NULL, 0)));
	assert_non_null(strstr(host_panic_msg, "bitmap"));
	/* No usable RAM at all. */
	struct memmap_range none[] = { { 0, 64 * MiB, MEMMAP_RESERVED } };
	pmm_test_set_map(none, 1);
	assert_true(HOST_EXPECT_PANIC(pmm_init(&pmm_test_map, NULL, 0)));
	assert_non_null(strstr(host_panic_msg, "no usable RAM"));
	host_log_quiet = false;
}

static void test_overlapping_reservations_count_once(void **state)
{
	(void)state;
	struct pmm_region r[] = {
		{ "a", 16 * MiB, 17 * MiB },
		{ "b", 16 * MiB + 512 * KiB, 18 * MiB }, /* half inside a */
		{ "c", 16 * MiB, 18 * MiB },             /* entirely inside a + b */
		{ "d", 127 * MiB, 200 * MiB },           /* crosses the ACPI range and the top */
	};
	pmm_test_init_quiet(r, 4);
	struct pmm_reservation v;
	assert_true(pmm_reservation_get(1, &v));
	assert_int_equal(v.frames, 256);
	assert_true(pmm_reservation_get(2, &v));
	assert_int_equal(v.frames, 256); /* 384 in its range, 128 of them already a's */
	assert_true(pmm_reservation_get(3, &v));
	assert_int_equal(v.frames, 0);
	assert_true(pmm_reservation_get(4, &v));
	assert_int_equal(v.frames, (128 * MiB - 128 * KiB - 127 * MiB) / PG_SIZE);
	assert_int_equal(pmm_free_count() + pmm_reserved_count(), pmm_usable_count());
	assert_string_equal(pmm_frame_owner(16 * MiB + 600 * KiB), "a");
	assert_string_equal(pmm_frame_owner(17 * MiB), "b");
	assert_int_equal(pmm_check(), 0);
}

/* ---- allocation ----------------------------------------------------------------------------- */

static void test_alloc_free_single(void **state)
{
	(void)state;
	size_t free0 = pmm_free_count();
	uint32_t a = pmm_alloc_frame(), b = pmm_alloc_frame();
	assert_int_not_equal(a, 0);
	assert_int_not_equal(b, 0);
	assert_int_not_equal(a, b);
	assert_int_equal(a % PG_SIZE, 0);
	assert_true(a >= 16 * MiB && b >= 16 * MiB); /* single frames prefer memory above ISA DMA */
	assert_int_equal(pmm_frame_state(a), PMM_FRAME_ALLOCATED);
	assert_int_equal(pmm_free_count(), free0 - 2);
	assert_int_equal(pmm_allocated_count(), 2);
	pmm_free_frame(a);
	assert_int_equal(pmm_frame_state(a), PMM_FRAME_FREE);
	pmm_free_frame(b);
	assert_int_equal(pmm_free_count(), free0);
	assert_int_equal(pmm_check(), 0);
	host_log_quiet = true;
	host_log_clear();
	pmm_alloc_frame();
	pmm_print_summary();
	host_log_quiet = false;
	assert_non_null(strstr(host_log_text(), " allocated=1\n"));
}

static void test_exhaust_and_refill(void **state)
{
	(void)state;
	size_t free0 = pmm_free_count();
	static uint8_t seen[32768];
	memset(seen, 0, sizeof seen);
	uint32_t pa;
	size_t n = 0, low = 0;
	while ((pa = pmm_alloc_frame()) != 0) {
		assert_int_equal(pmm_frame_state(pa), PMM_FRAME_ALLOCATED);
		assert_false(seen[pa >> PG_SHIFT]);
		seen[pa >> PG_SHIFT] = 1;
		if (pa < 16 * MiB)
			low++;
		else
			assert_int_equal(low, 0); /* DMA memory only once the rest is gone */
		n++;
	}
	assert_int_equal(n, free0);
	assert_int_equal(pmm_free_count(), 0);
	assert_int_equal(pmm_alloc_frames(1, 0, 0), 0);
	assert_int_equal(pmm_check(), 0);
	for (uint32_t f = 0; f < 32768; f++)
		if (seen[f])
			pmm_free_frame(f << PG_SHIFT);
	assert_int_equal(pmm_free_count(), free0);
	assert_int_equal(pmm_check(), 0);
}

static void test_alloc_frames_constraints(void **state)
{
	(void)state;
	size_t free0 = pmm_free_count();
	assert_int_equal(pmm_alloc_frames(0, 4096, 0), 0);
	uint32_t a = pmm_alloc_frames(16, 64 * KiB, 0);
	assert_int_not_equal(a, 0);
	assert_int_equal(a % (64 * KiB), 0);
	for (uint32_t i = 0; i < 16; i++)
		assert_int_equal(pmm_frame_state(a + i * PG_SIZE), PMM_FRAME_ALLOCATED);
	uint32_t b = pmm_alloc_frames(1024, 4 * MiB, 0);
	assert_int_not_equal(b, 0);
	assert_int_equal(b % (4 * MiB), 0);
	uint32_t d = pmm_alloc_frames(8, 0, PMM_DMA_LIMIT);
	assert_int_not_equal(d, 0);
	assert_true(d + 8 * PG_SIZE <= PMM_DMA_LIMIT);
	uint32_t e =
		pmm_alloc_frames(3, 8192, 2 * MiB + 12 * KiB); /* just room for one run below */
	assert_int_not_equal(e, 0);
	assert_true(e + 3 * PG_SIZE <= 2 * MiB + 12 * KiB);
	assert_int_equal(e % 8192, 0);
	assert_int_equal(pmm_alloc_frames(1, 0, 1 * MiB), 0);  /* nothing below 1 MiB is free */
	assert_int_equal(pmm_alloc_frames(32768, 4096, 0), 0); /* more than exists */
	assert_true(pmm_free_count() > 31000);
	assert_int_equal(pmm_alloc_frames(31000, 4096, 0),
			 0); /* fewer than free, but not contiguous */
	assert_int_equal(pmm_alloc_frames(64, 64 * MiB, 64 * MiB),
			 0); /* only window would end at 64 MiB+ */
	uint32_t big = pmm_alloc_frames(64, 64 * MiB, 0);
	assert_int_equal(big, 64 * MiB);
	assert_int_equal(pmm_free_count(), free0 - 16 - 1024 - 8 - 3 - 64);
	assert_int_equal(pmm_check(), 0);
	pmm_free_frames(a, 16);
	pmm_free_frames(b, 1024);
	pmm_free_frames(d, 8);
	pmm_free_frames(e, 3);
	pmm_free_frames(big + 4096, 63); /* frames of a run may be returned in pieces */
	pmm_free_frame(big);
	pmm_free_frames(big, 0); /* nothing */
	assert_int_equal(pmm_free_count(), free0);
	assert_int_equal(pmm_check(), 0);
}

static void test_reserve_range_after_init(void **state)
{
	(void)state;
	size_t free0 = pmm_free_count(), res0 = pmm_reserved_count();
	pmm_reserve_range("acpi-copy", 32 * MiB + 100,
			  32 * MiB + 9000); /* rounded outward: 3 frames */
	assert_int_equal(pmm_reserved_count(), res0 + 3);
	assert_int_equal(pmm_free_count(), free0 - 3);
	assert_int_equal(pmm_frame_state(32 * MiB + 8192), PMM_FRAME_RESERVED);
	assert_string_equal(pmm_frame_owner(32 * MiB), "acpi-copy");
	uint32_t a = pmm_alloc_frame();
	host_log_quiet = true;
	assert_true(HOST_EXPECT_PANIC(pmm_reserve_range("late", a, a + 4096)));
	host_log_quiet = false;
	char want[16];
	snprintf(want, sizeof want, "0x%08x", a);
	assert_non_null(strstr(host_panic_msg, want));
	assert_non_null(strstr(host_panic_msg, "allocated"));
	/* Reserving what is already reserved or not RAM takes nothing and counts nothing. */
	pmm_reserve_range("again", 32 * MiB, 32 * MiB + 4096);
	pmm_reserve_range("hole", 0xA0000, 0xF0000);
	pmm_reserve_range("empty", 5 * MiB, 5 * MiB);
	assert_int_equal(pmm_reserved_count(), res0 + 3);
	assert_int_equal(pmm_check(), 0);
}

static void test_reservation_table_full(void **state)
{
	(void)state;
	host_log_quiet = true;
	size_t i = pmm_reservation_count();
	for (; i < PMM_MAX_RESERVATIONS; i++)
		pmm_reserve_range("r", 40 * MiB + i * PG_SIZE, 40 * MiB + i * PG_SIZE + 1);
	assert_true(HOST_EXPECT_PANIC(pmm_reserve_range("one-too-many", 50 * MiB, 51 * MiB)));
	host_log_quiet = false;
	assert_non_null(strstr(host_panic_msg, "reservation table full"));
	assert_non_null(strstr(host_panic_msg, "one-too-many"));
}

/* ---- misuse: each panics naming the frame and the caller ------------------------------------ */

static void expect_misuse(bool panicked, uint32_t frame, const char *what)
{
	assert_true(panicked);
	char want[16];
	snprintf(want, sizeof want, "0x%08x", frame);
	if (!strstr(host_panic_msg, want) || !strstr(host_panic_msg, what) ||
	    !strstr(host_panic_msg, "caller 0x"))
		fail_msg("panic message '%s' lacks %s / %s / caller", host_panic_msg, want, what);
	/* The caller is this test file's code: dladdr names the function when it is exported. */
	assert_null(strstr(host_panic_msg, "caller 0x00000000 "));
	assert_int_equal(pmm_check(), 0); /* misuse is refused before anything changes */
}

static void test_misuse_double_free(void **state)
{
	(void)state;
	uint32_t a = pmm_alloc_frame();
	pmm_free_frame(a);
	size_t free0 = pmm_free_count();
	expect_misuse(HOST_EXPECT_PANIC(pmm_free_frame(a)), a, "double free");
	assert_non_null(strstr(host_panic_msg, "pmm_free_frame"));
	assert_int_equal(pmm_free_count(), free0);
	/* A run whose third frame is already free. */
	uint32_t r = pmm_alloc_frames(4, 0, 0);
	pmm_free_frame(r + 2 * PG_SIZE);
	expect_misuse(HOST_EXPECT_PANIC(pmm_free_frames(r, 4)), r + 2 * PG_SIZE, "double free");
	assert_int_equal(pmm_frame_state(r), PMM_FRAME_ALLOCATED); /* nothing was freed */
}

static void test_misuse_not_ram(void **state)
{
	(void)state;
	expect_misuse(HOST_EXPECT_PANIC(pmm_free_frame(0xA0000)), 0xA0000, "not usable RAM");
	expect_misuse(HOST_EXPECT_PANIC(pmm_free_frame(0xFEC00000)), 0xFEC00000, "not usable RAM");
	uint32_t top = (uint32_t)(128 * MiB - 128 * KiB); /* first frame of the ACPI range */
	expect_misuse(HOST_EXPECT_PANIC(pmm_free_frame(top)), top, "not usable RAM");
	/* A run that starts in RAM and runs into the ACPI range names the first frame outside. */
	expect_misuse(HOST_EXPECT_PANIC(pmm_free_frames(top - 2 * PG_SIZE, 3)), top,
		      "not usable RAM");
}

static void test_misuse_reserved(void **state)
{
	(void)state;
	expect_misuse(HOST_EXPECT_PANIC(pmm_free_frame(0x101000)), 0x101000, "reservation");
	assert_non_null(strstr(host_panic_msg, "(kernel)"));
	expect_misuse(HOST_EXPECT_PANIC(pmm_free_frame(0x1000)), 0x1000, "reservation");
	assert_non_null(strstr(host_panic_msg, "(low-1mib)"));
	uint32_t bm = pmm_bitmap_phys();
	expect_misuse(HOST_EXPECT_PANIC(pmm_free_frame(bm)), bm, "pmm-bitmap");
	/* A run ending inside the module reservation names the module's first frame. */
	expect_misuse(HOST_EXPECT_PANIC(pmm_free_frames(0x1FE000, 4)), 0x200000, "(module)");
}

static void test_misuse_unaligned(void **state)
{
	(void)state;
	uint32_t a = pmm_alloc_frame();
	expect_misuse(HOST_EXPECT_PANIC(pmm_free_frame(a + 0x10)), a + 0x10, "unaligned");
	expect_misuse(HOST_EXPECT_PANIC(pmm_free_frames(a + 1, 1)), a + 1, "unaligned");
	assert_int_equal(pmm_frame_state(a), PMM_FRAME_ALLOCATED);
	expect_misuse(HOST_EXPECT_PANIC(pmm_alloc_frames(1, 12288, 0)), 12288, "alignment");
	expect_misuse(HOST_EXPECT_PANIC(pmm_alloc_frames(1, 2048, 0)), 2048, "alignment");
}

static void test_frame_state_queries(void **state)
{
	(void)state;
	assert_int_equal(pmm_frame_state(0x1234), PMM_FRAME_UNALIGNED);
	assert_int_equal(pmm_frame_state(0), PMM_FRAME_RESERVED);
	assert_string_equal(pmm_frame_owner(0), "low-1mib");
	assert_int_equal(pmm_frame_state(0xA0000), PMM_FRAME_NOT_RAM);
	assert_null(pmm_frame_owner(0xA0000));
	assert_int_equal(pmm_frame_state(0xFFFFF000), PMM_FRAME_NOT_RAM);
	assert_int_equal(pmm_frame_state(64 * MiB), PMM_FRAME_FREE);
	assert_null(pmm_frame_owner(64 * MiB));
	assert_string_equal(pmm_frame_state_name(PMM_FRAME_FREE), "free");
	assert_string_equal(pmm_frame_state_name(PMM_FRAME_ALLOCATED), "allocated");
	assert_string_equal(pmm_frame_state_name(PMM_FRAME_RESERVED), "reserved");
	assert_string_equal(pmm_frame_state_name(PMM_FRAME_NOT_RAM), "not RAM");
	assert_string_equal(pmm_frame_state_name(PMM_FRAME_UNALIGNED), "unaligned");
	assert_int_equal(pmm_frames_covered(), (128 * MiB - 128 * KiB) / PG_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_accounting, setup_128m),
		cmocka_unit_test_setup(test_bitmap_placement_avoids_regions, setup_128m),
		cmocka_unit_test_setup(test_overlapping_reservations_count_once, setup_128m),
		cmocka_unit_test_setup(test_alloc_free_single, setup_128m),
		cmocka_unit_test_setup(test_exhaust_and_refill, setup_128m),
		cmocka_unit_test_setup(test_alloc_frames_constraints, setup_128m),
		cmocka_unit_test_setup(test_reserve_range_after_init, setup_128m),
		cmocka_unit_test_setup(test_reservation_table_full, setup_128m),
		cmocka_unit_test_setup(test_misuse_double_free, setup_128m),
		cmocka_unit_test_setup(test_misuse_not_ram, setup_128m),
		cmocka_unit_test_setup(test_misuse_reserved, setup_128m),
		cmocka_unit_test_setup(test_misuse_unaligned, setup_128m),
		cmocka_unit_test_setup(test_frame_state_queries, setup_128m),
	};
	return cmocka_run_group_tests_name("pmm", tests, NULL, NULL);
}
