/*
 * test_memmap.c - host tests (cmocka, ASan, UBSan) of the memory map sanitiser (mm/memmap.c) on
 * hand-made maps: one entry, unsorted, overlapping, zero length, above 4 GiB, reserved inside
 * usable, adjacent pieces to merge, odd types, 128 entries, over capacity; the Multiboot parser and
 * the printed lines. Random maps are compared with a brute-force reference (type_at below).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/memmap.h"
#include "tests/host/host_env.h"

static struct memmap map;
static struct memmap_scratch scratch;

static void sanitise(const struct memmap_range *raw, size_t n)
{
	memmap_sanitise(&map, raw, n, &scratch);
}

static void expect_range(size_t i, phys_addr_t start, phys_addr_t end, uint32_t type)
{
	assert_true(i < map.count);
	assert_int_equal(map.range[i].start, start);
	assert_int_equal(map.range[i].end, end);
	assert_int_equal(map.range[i].type, type);
}

/* The result's general promises: sorted, disjoint, non-empty, below 4 GiB, usable frame aligned,
 * no two touching neighbours of one type. */
static void check_invariants(void)
{
	for (size_t i = 0; i < map.count; i++) {
		const struct memmap_range *r = &map.range[i];
		assert_true(r->start < r->end);
		assert_true(r->end <= MEMMAP_LIMIT);
		if (r->type == MEMMAP_USABLE) {
			assert_int_equal(r->start % PG_SIZE, 0);
			assert_int_equal(r->end % PG_SIZE, 0);
		}
		if (i) {
			assert_true(map.range[i - 1].end <= r->start);
			if (map.range[i - 1].end == r->start)
				assert_int_not_equal(map.range[i - 1].type, r->type);
		}
	}
}

/* Brute force: the type at address a by the overlap rule, or 0 when nothing covers it. */
static uint32_t ref_type_at(const struct memmap_range *raw, size_t n, phys_addr_t a)
{
	uint32_t best = 0;
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (a < raw[i].start || a >= raw[i].end)
			continue;
		uint32_t t = raw[i].type;
		if (!any || memmap_type_rank(t) > memmap_type_rank(best) ||
		    (memmap_type_rank(t) == memmap_type_rank(best) && t > best))
			best = t;
		any = true;
	}
	return best;
}

static uint32_t out_type_at(phys_addr_t a)
{
	for (size_t i = 0; i < map.count; i++)
		if (a >= map.range[i].start && a < map.range[i].end)
			return map.range[i].type;
	return 0;
}

/* Compare the output with the reference at every raw boundary (and one byte either side). A usable
 * answer from the reference may be missing in the output only within a partial frame at a usable
 * range's edge (rounded inward) or at or above 4 GiB. */
static void check_against_reference(const struct memmap_range *raw, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		phys_addr_t pts[6] = { raw[i].start, raw[i].start - 1, raw[i].start + 1,
				       raw[i].end,   raw[i].end - 1,   raw[i].end + 1 };
		for (int j = 0; j < 6; j++) {
			phys_addr_t a = pts[j];
			uint32_t want = ref_type_at(raw, n, a), got = out_type_at(a);
			if (a >= MEMMAP_LIMIT) {
				assert_int_equal(got, 0);
				continue;
			}
			if (want == got)
				continue;
			assert_int_equal(want, MEMMAP_USABLE);
			assert_int_equal(got, 0);
			/* Trimmed: some non-usable or uncovered byte must share a's frame. */
			phys_addr_t f = a & ~(phys_addr_t)(PG_SIZE - 1);
			bool partial = false;
			for (phys_addr_t b = f; b < f + PG_SIZE && !partial; b += 1)
				partial = ref_type_at(raw, n, b) != MEMMAP_USABLE;
			assert_true(partial);
		}
	}
}

static void test_one_entry(void **state)
{
	(void)state;
	struct memmap_range raw[] = { { 0, 640 * KiB, MEMMAP_USABLE } };
	sanitise(raw, 1);
	assert_int_equal(map.count, 1);
	expect_range(0, 0, 640 * KiB, MEMMAP_USABLE);
	assert_int_equal(memmap_usable_frames(&map), 160);
	assert_int_equal(map.usable_above_4g, 0);
}

static void test_empty_and_zero_length(void **state)
{
	(void)state;
	sanitise(NULL, 0);
	assert_int_equal(map.count, 0);
	struct memmap_range raw[] = {
		{ 1 * MiB, 1 * MiB, MEMMAP_USABLE },   /* zero length */
		{ 5 * MiB, 2 * MiB, MEMMAP_RESERVED }, /* end before start: empty */
		{ 2 * MiB, 3 * MiB, MEMMAP_USABLE },
		{ 3 * MiB, 3 * MiB, MEMMAP_RESERVED }, /* zero length between: must not split */
		{ 3 * MiB, 4 * MiB, MEMMAP_USABLE },
	};
	sanitise(raw, 5);
	assert_int_equal(map.count, 1);
	expect_range(0, 2 * MiB, 4 * MiB, MEMMAP_USABLE);
}

static void test_unsorted(void **state)
{
	(void)state;
	struct memmap_range raw[] = {
		{ 1 * MiB, 128 * MiB, MEMMAP_USABLE },
		{ 0xF0000, 1 * MiB, MEMMAP_RESERVED },
		{ 0, 0x9FC00, MEMMAP_USABLE },
		{ 0x9FC00, 0xA0000, MEMMAP_RESERVED },
	};
	sanitise(raw, 4);
	check_invariants();
	assert_int_equal(map.count, 4);
	expect_range(0, 0, 0x9F000, MEMMAP_USABLE); /* rounded down from 0x9FC00 */
	expect_range(1, 0x9FC00, 0xA0000, MEMMAP_RESERVED);
	expect_range(2, 0xF0000, 1 * MiB, MEMMAP_RESERVED);
	expect_range(3, 1 * MiB, 128 * MiB, MEMMAP_USABLE);
	assert_int_equal(map.usable_trimmed, 0xC00);
}

static void test_reserved_inside_usable(void **state)
{
	(void)state;
	struct memmap_range raw[] = {
		{ 0, 64 * MiB, MEMMAP_USABLE },
		{ 8 * MiB, 8 * MiB + 0x800, MEMMAP_RESERVED }, /* half a frame */
	};
	sanitise(raw, 2);
	check_invariants();
	assert_int_equal(map.count, 3);
	expect_range(0, 0, 8 * MiB, MEMMAP_USABLE);
	expect_range(1, 8 * MiB, 8 * MiB + 0x800, MEMMAP_RESERVED);
	expect_range(2, 8 * MiB + 0x1000, 64 * MiB,
		     MEMMAP_USABLE); /* the rest of that frame is lost */
	assert_int_equal(memmap_usable_frames(&map), 16384 - 1);
}

static void test_overlaps_most_restrictive_wins(void **state)
{
	(void)state;
	struct memmap_range raw[] = {
		{ 0, 16 * MiB, MEMMAP_USABLE },
		{ 4 * MiB, 12 * MiB, MEMMAP_ACPI_DATA },
		{ 6 * MiB, 10 * MiB, MEMMAP_ACPI_NVS },
		{ 7 * MiB, 9 * MiB, MEMMAP_RESERVED },
		{ 8 * MiB, 20 * MiB, MEMMAP_USABLE }, /* usable over reserved loses */
		{ 7 * MiB + PG_SIZE, 7 * MiB + 2 * PG_SIZE, MEMMAP_UNUSABLE },
	};
	sanitise(raw, 6);
	check_invariants();
	check_against_reference(raw, 6);
	size_t i = 0;
	expect_range(i++, 0, 4 * MiB, MEMMAP_USABLE);
	expect_range(i++, 4 * MiB, 6 * MiB, MEMMAP_ACPI_DATA);
	expect_range(i++, 6 * MiB, 7 * MiB, MEMMAP_ACPI_NVS);
	expect_range(i++, 7 * MiB, 7 * MiB + PG_SIZE, MEMMAP_RESERVED);
	expect_range(i++, 7 * MiB + PG_SIZE, 7 * MiB + 2 * PG_SIZE, MEMMAP_UNUSABLE);
	expect_range(i++, 7 * MiB + 2 * PG_SIZE, 9 * MiB, MEMMAP_RESERVED);
	expect_range(i++, 9 * MiB, 10 * MiB, MEMMAP_ACPI_NVS);
	expect_range(i++, 10 * MiB, 12 * MiB, MEMMAP_ACPI_DATA);
	expect_range(i++, 12 * MiB, 20 * MiB, MEMMAP_USABLE);
	assert_int_equal(map.count, i);
}

static void test_unknown_types(void **state)
{
	(void)state;
	/* Unknown types rank with reserved; between equals the larger number wins, in any order. */
	struct memmap_range a[] = { { 0, 2 * MiB, 7 },
				    { 1 * MiB, 3 * MiB, MEMMAP_RESERVED },
				    { 0, 4 * MiB, MEMMAP_USABLE },
				    { 5 * MiB, 6 * MiB, 0 } };
	struct memmap_range b[] = { a[3], a[2], a[1], a[0] };
	sanitise(a, 4);
	check_invariants();
	expect_range(0, 0, 2 * MiB, 7);
	expect_range(1, 2 * MiB, 3 * MiB, MEMMAP_RESERVED);
	expect_range(2, 3 * MiB, 4 * MiB, MEMMAP_USABLE);
	expect_range(3, 5 * MiB, 6 * MiB, 0);
	struct memmap first = map;
	sanitise(b, 4);
	assert_memory_equal(first.range, map.range, sizeof(map.range[0]) * map.count);
	char buf[16];
	assert_string_equal(memmap_type_name(7, buf), "type 7");
	assert_string_equal(memmap_type_name(0, buf), "type 0");
	assert_string_equal(memmap_type_name(4294967295u, buf), "type 4294967295");
	assert_string_equal(memmap_type_name(MEMMAP_USABLE, buf), "usable");
	assert_string_equal(memmap_type_name(MEMMAP_RESERVED, buf), "reserved");
	assert_string_equal(memmap_type_name(MEMMAP_ACPI_DATA, buf), "ACPI data");
	assert_string_equal(memmap_type_name(MEMMAP_ACPI_NVS, buf), "ACPI NVS");
	assert_string_equal(memmap_type_name(MEMMAP_UNUSABLE, buf), "unusable");
}

static void test_adjacent_merge(void **state)
{
	(void)state;
	struct memmap_range raw[] = {
		{ 1 * MiB, 2 * MiB + 0x800, MEMMAP_USABLE }, /* meet inside a frame */
		{ 2 * MiB + 0x800, 3 * MiB, MEMMAP_USABLE },
		{ 3 * MiB, 4 * MiB, MEMMAP_USABLE },
		{ 4 * MiB, 5 * MiB, MEMMAP_RESERVED },
		{ 5 * MiB, 6 * MiB, MEMMAP_RESERVED },
		{ 2 * MiB, 2 * MiB + PG_SIZE, MEMMAP_USABLE }, /* duplicate piece */
	};
	sanitise(raw, 6);
	check_invariants();
	assert_int_equal(map.count, 2);
	expect_range(0, 1 * MiB, 4 * MiB, MEMMAP_USABLE); /* merged before rounding: nothing lost */
	expect_range(1, 4 * MiB, 6 * MiB, MEMMAP_RESERVED);
	assert_int_equal(map.usable_trimmed, 0);
}

static void test_above_4g(void **state)
{
	(void)state;
	struct memmap_range raw[] = {
		{ 0, 640 * KiB, MEMMAP_USABLE },
		{ 1 * MiB, 3 * GiB, MEMMAP_USABLE },
		{ 3 * GiB, 4 * GiB, MEMMAP_RESERVED }, /* PCI hole */
		{ 4 * GiB, 6 * GiB, MEMMAP_USABLE },   /* remapped RAM above 4 GiB */
		{ 6 * GiB - PG_SIZE, 6 * GiB + PG_SIZE, MEMMAP_RESERVED },
		{ 0xFFFFFFFFFFFFF000ull, 0xFFFFFFFFFFFFFFFFull, MEMMAP_USABLE },
	};
	sanitise(raw, 6);
	check_invariants();
	assert_int_equal(map.count, 3);
	expect_range(2, 3 * GiB, 4 * GiB, MEMMAP_RESERVED);
	assert_int_equal(map.usable_above_4g, 2 * GiB - PG_SIZE + 0xFFF);

	/* A usable range straddling 4 GiB is cut there. */
	struct memmap_range cross[] = { { 1 * MiB, 5 * GiB, MEMMAP_USABLE } };
	sanitise(cross, 1);
	expect_range(0, 1 * MiB, 4 * GiB, MEMMAP_USABLE);
	assert_int_equal(map.usable_above_4g, 1 * GiB);
	assert_int_equal(memmap_usable_frames(&map), (4 * GiB - 1 * MiB) / PG_SIZE);

	host_log_quiet = true;
	host_log_clear();
	memmap_print(&map, "sanitised");
	host_log_quiet = false;
	assert_non_null(strstr(host_log_text(),
			       "sanitised: [mem 0x0000000000100000-0x00000000ffffffff] usable\n"));
	assert_non_null(strstr(host_log_text(),
			       "sanitised: 1048576 KiB of usable RAM at or above 4 GiB left out"));
}

static void test_rounding_drops_tiny_usable(void **state)
{
	(void)state;
	struct memmap_range raw[] = {
		{ 0x1001, 0x1FFF, MEMMAP_USABLE }, /* no whole frame */
		{ 0x3001, 0x6FFF, MEMMAP_USABLE }, /* whole frames 0x4000-0x6000 */
	};
	sanitise(raw, 2);
	check_invariants();
	assert_int_equal(map.count, 1);
	expect_range(0, 0x4000, 0x6000, MEMMAP_USABLE);
	assert_int_equal(map.usable_trimmed, (0x1FFF - 0x1001) + 0xFFF + 0xFFF);
}

/* 128 entries: alternating usable / ACPI / reserved pieces, shuffled; every piece survives. */
static void test_128_entries(void **state)
{
	(void)state;
	struct memmap_range raw[128];
	static const uint32_t types[] = { MEMMAP_USABLE, MEMMAP_ACPI_DATA, MEMMAP_USABLE,
					  MEMMAP_RESERVED };
	for (int i = 0; i < 128; i++)
		raw[i] = (struct memmap_range){ (phys_addr_t)i * 8 * MiB,
						(phys_addr_t)(i + 1) * 8 * MiB, types[i % 4] };
	srand(3);
	for (int i = 127; i > 0; i--) {
		int j = rand() % (i + 1);
		struct memmap_range t = raw[i];
		raw[i] = raw[j];
		raw[j] = t;
	}
	sanitise(raw, 128);
	check_invariants();
	assert_int_equal(map.count, 128);
	for (size_t i = 0; i < 128; i++)
		expect_range(i, i * 8 * MiB, (i + 1) * 8 * MiB, types[i % 4]);
	assert_int_equal(memmap_usable_frames(&map), 64 * 2048);
}

/* Random maps of up to 128 entries, checked against the brute-force reference. */
static void test_random_maps_against_reference(void **state)
{
	(void)state;
	static struct memmap_range raw[128];
	srand(12345);
	for (int round = 0; round < 2000; round++) {
		size_t n = 1 + (size_t)rand() % 128;
		for (size_t i = 0; i < n; i++) {
			phys_addr_t s =
				((phys_addr_t)rand() << 20 | (phys_addr_t)rand()) % (5 * GiB);
			if (rand() % 3 == 0)
				s &= ~0xFFFull;
			phys_addr_t len = (phys_addr_t)rand() % (rand() % 2 ? 64 * MiB : 0x3000);
			uint32_t t = (uint32_t)(rand() % 7);
			raw[i] = (struct memmap_range){ s, s + len, t == 6 ? 0xABCD : (t ? t : 1) };
		}
		sanitise(raw, n);
		check_invariants();
		check_against_reference(raw, n);
	}
}

static void test_over_capacity(void **state)
{
	(void)state;
	static struct memmap_range raw[MEMMAP_MAX_RAW + 50];
	size_t n = 0;
	/* 100 reservations, then more usable entries than fit. */
	for (int i = 0; i < 100; i++)
		raw[n++] = (struct memmap_range){ (phys_addr_t)i * 2 * MiB,
						  (phys_addr_t)i * 2 * MiB + PG_SIZE,
						  MEMMAP_RESERVED };
	for (int i = 0; i < MEMMAP_MAX_RAW + 50 - 100; i++)
		raw[n++] = (struct memmap_range){ (phys_addr_t)i * MiB, (phys_addr_t)(i + 1) * MiB,
						  MEMMAP_USABLE };
	sanitise(raw, n);
	check_invariants();
	assert_int_equal(map.raw_dropped, 50);
	/* Every reservation survived: none of them is usable in the result. */
	for (int i = 0; i < 100; i++)
		assert_int_equal(out_type_at((phys_addr_t)i * 2 * MiB), MEMMAP_RESERVED);

	/* More reservations than fit: no usable RAM at all rather than RAM over firmware. */
	for (size_t i = 0; i < MEMMAP_MAX_RAW + 1; i++)
		raw[i] = (struct memmap_range){ i * PG_SIZE, i * PG_SIZE + 1, MEMMAP_RESERVED };
	raw[MEMMAP_MAX_RAW + 1] = (struct memmap_range){ 0, 64 * MiB, MEMMAP_USABLE };
	sanitise(raw, MEMMAP_MAX_RAW + 2);
	assert_int_equal(memmap_usable_frames(&map), 0);
	assert_int_equal(map.raw_dropped, MEMMAP_MAX_RAW + 2);
}

static size_t put_entry(uint8_t *buf, size_t off, uint32_t size, uint64_t base, uint64_t len,
			uint32_t type)
{
	memcpy(buf + off, &size, 4);
	memcpy(buf + off + 4, &base, 8);
	memcpy(buf + off + 12, &len, 8);
	memcpy(buf + off + 20, &type, 4);
	return off + 4 + size;
}

static void test_parse_multiboot(void **state)
{
	(void)state;
	uint8_t buf[256] = { 0 };
	size_t off = 0;
	off = put_entry(buf, off, 20, 0, 0x9FC00, 1);
	off = put_entry(buf, off, 24, 0x9FC00, 0x400, 2); /* a longer entry: skip by its size */
	off = put_entry(buf, off, 20, 0x100000, 0x7EE0000, 1);
	off = put_entry(buf, off, 20, 0xFFFFFFFFFFFFF000ull, 0x2000, 2); /* wraps: clamped */
	struct memmap_range out[8];
	size_t bad = 99;
	size_t n = memmap_parse_multiboot(buf, (uint32_t)off, out, 8, &bad);
	assert_int_equal(n, 4);
	assert_int_equal(bad, 0);
	assert_int_equal(out[1].start, 0x9FC00);
	assert_int_equal(out[1].end, 0xA0000);
	assert_int_equal(out[1].type, 2);
	assert_int_equal(out[2].end, 0x7FE0000);
	assert_int_equal(out[3].end, 0xFFFFFFFFFFFFFFFFull);
	/* Fewer slots than entries: the count still says how many there were. */
	assert_int_equal(memmap_parse_multiboot(buf, (uint32_t)off, out, 2, NULL), 4);
	/* A truncated last entry and a too-small size field are refused and counted. */
	n = memmap_parse_multiboot(buf, (uint32_t)off - 3, out, 8, &bad);
	assert_int_equal(n, 3);
	assert_int_equal(bad, 1);
	put_entry(buf, 0, 8, 0, 0, 1);
	assert_int_equal(memmap_parse_multiboot(buf, (uint32_t)off, out, 8, &bad), 0);
	assert_int_equal(bad, 1);
}

static void test_print_format(void **state)
{
	(void)state;
	struct memmap_range raw[] = { { 0, 0x9FC00, 1 },
				      { 0x9FC00, 0xA0000, 2 },
				      { 0xF0000, 0x100000, 2 },
				      { 0x100000, 0x7FE0000, 1 },
				      { 0x7FE0000, 0x8000000, 3 },
				      { 0xFFFC0000, 0x100000000ull, 2 },
				      { 0xFED00000, 0xFED01000, 4 },
				      { 0xE0000000, 0xE0001000, 9 },
				      { 0xE1000000, 0xE1001000, 5 } };
	sanitise(raw, 9);
	host_log_quiet = true;
	host_log_clear();
	memmap_print(&map, "sanitised");
	host_log_quiet = false;
	const char *want = "sanitised: [mem 0x0000000000000000-0x000000000009efff] usable\n"
			   "sanitised: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
			   "sanitised: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
			   "sanitised: [mem 0x0000000000100000-0x0000000007fdffff] usable\n"
			   "sanitised: [mem 0x0000000007fe0000-0x0000000007ffffff] ACPI data\n"
			   "sanitised: [mem 0x00000000e0000000-0x00000000e0000fff] type 9\n"
			   "sanitised: [mem 0x00000000e1000000-0x00000000e1000fff] unusable\n"
			   "sanitised: [mem 0x00000000fed00000-0x00000000fed00fff] ACPI NVS\n"
			   "sanitised: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n";
	assert_string_equal(host_log_text(), want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_entry),
		cmocka_unit_test(test_empty_and_zero_length),
		cmocka_unit_test(test_unsorted),
		cmocka_unit_test(test_reserved_inside_usable),
		cmocka_unit_test(test_overlaps_most_restrictive_wins),
		cmocka_unit_test(test_unknown_types),
		cmocka_unit_test(test_adjacent_merge),
		cmocka_unit_test(test_above_4g),
		cmocka_unit_test(test_rounding_drops_tiny_usable),
		cmocka_unit_test(test_128_entries),
		cmocka_unit_test(test_random_maps_against_reference),
		cmocka_unit_test(test_over_capacity),
		cmocka_unit_test(test_parse_multiboot),
		cmocka_unit_test(test_print_format),
	};
	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
