/*
 * fuzz_memmap.c - libFuzzer harness for the memory map parser and sanitiser (mm/memmap.c).
 *
 * Input: first byte picks the encoding of the rest:
 *   even: a raw Multiboot memory map buffer (size/base/length/type records) -> memmap_parse_multiboot;
 *   odd:  compact 7-byte entries (16-bit start and length in 4 KiB units plus a 12-bit sub-frame
 *         offset, and a type byte) so that overlaps, touching ranges and partial frames are common;
 *         a start unit of 0xFFFF means "far above 4 GiB".
 * Checks (abort on failure): the result is sorted, disjoint, non-empty, below 4 GiB, usable ranges
 * frame aligned, touching neighbours differ in type; at every raw boundary (and one byte either
 * side) the output type equals a brute-force evaluation of the overlap rule (usable may only be
 * missing where its frame is partial, or at/above 4 GiB); and usable bytes are conserved:
 * kept + trimmed + above-4-GiB == the usable measure of the reference.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/memmap.h"
#include "tests/host/host_env.h"

static struct memmap map;
static struct memmap_scratch scratch;
static struct memmap_range raw[MEMMAP_MAX_RAW + 64];
static phys_addr_t pts[2 * (MEMMAP_MAX_RAW + 64)];

#define CHECK(c)                                                                         \
	do {                                                                             \
		if (!(c)) {                                                              \
			fprintf(stderr, "fuzz_memmap: check failed: %s (line %d)\n", #c, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

static uint32_t ref_type_at(size_t n, phys_addr_t a, bool *covered)
{
	uint32_t best = 0;
	*covered = false;
	for (size_t i = 0; i < n; i++) {
		if (a < raw[i].start || a >= raw[i].end)
			continue;
		uint32_t t = raw[i].type;
		if (!*covered || memmap_type_rank(t) > memmap_type_rank(best) ||
		    (memmap_type_rank(t) == memmap_type_rank(best) && t > best))
			best = t;
		*covered = true;
	}
	return best;
}

static bool out_type_at(phys_addr_t a, uint32_t *type)
{
	for (size_t i = 0; i < map.count; i++)
		if (a >= map.range[i].start && a < map.range[i].end) {
			*type = map.range[i].type;
			return true;
		}
	return false;
}

static bool ref_usable(size_t n, phys_addr_t a)
{
	bool c;
	uint32_t t = ref_type_at(n, a, &c);
	return c && t == MEMMAP_USABLE;
}

/* Is every byte of the frame holding a usable in the reference? (Types only change at raw
 * boundaries, so checking the frame start and each boundary inside it is enough.) */
static bool ref_frame_wholly_usable(size_t n, phys_addr_t a)
{
	phys_addr_t f = a & ~(phys_addr_t)(PG_SIZE - 1);
	if (f + PG_SIZE < f || !ref_usable(n, f))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (raw[i].start > f && raw[i].start < f + PG_SIZE && !ref_usable(n, raw[i].start))
			return false;
		if (raw[i].end > f && raw[i].end < f + PG_SIZE && !ref_usable(n, raw[i].end))
			return false;
	}
	return true;
}

static int cmp_addr(const void *a, const void *b)
{
	phys_addr_t x = *(const phys_addr_t *)a, y = *(const phys_addr_t *)b;
	return x < y ? -1 : x > y;
}

static void check(size_t n)
{
	for (size_t i = 0; i < map.count; i++) {
		const struct memmap_range *r = &map.range[i];
		CHECK(r->start < r->end && r->end <= MEMMAP_LIMIT);
		if (r->type == MEMMAP_USABLE)
			CHECK(r->start % PG_SIZE == 0 && r->end % PG_SIZE == 0);
		if (i)
			CHECK(map.range[i - 1].end < r->start ||
			      (map.range[i - 1].end == r->start &&
			       map.range[i - 1].type != r->type));
	}
	if (map.raw_dropped)
		return; /* the reference below assumes every entry was used */
	size_t np = 0;
	for (size_t i = 0; i < n; i++) {
		if (raw[i].end <= raw[i].start)
			continue;
		pts[np++] = raw[i].start;
		pts[np++] = raw[i].end;
	}
	for (size_t i = 0; i < np; i++) {
		for (int d = -1; d <= 1; d++) {
			phys_addr_t a = pts[i] + (phys_addr_t)(int64_t)d;
			bool covered, has;
			uint32_t want = ref_type_at(n, a, &covered), got = 0;
			has = out_type_at(a, &got);
			if (a >= MEMMAP_LIMIT) {
				CHECK(!has);
				continue;
			}
			if (covered && has && want == got)
				continue;
			if (!covered) {
				CHECK(!has);
				continue;
			}
			CHECK(want == MEMMAP_USABLE && !has && !ref_frame_wholly_usable(n, a));
		}
	}
	/* Conservation of usable bytes. */
	qsort(pts, np, sizeof pts[0], cmp_addr);
	phys_addr_t ref_total = 0, kept = 0;
	for (size_t i = 0; i + 1 < np; i++)
		if (pts[i] != pts[i + 1] && ref_usable(n, pts[i]))
			ref_total += pts[i + 1] - pts[i];
	for (size_t i = 0; i < map.count; i++)
		if (map.range[i].type == MEMMAP_USABLE)
			kept += map.range[i].end - map.range[i].start;
	CHECK(kept + map.usable_trimmed + map.usable_above_4g == ref_total);
	CHECK((phys_addr_t)memmap_usable_frames(&map) * PG_SIZE == kept);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	host_log_quiet = true;
	if (size < 1)
		return 0;
	size_t n;
	if (!(data[0] & 1)) {
		size_t bad;
		n = memmap_parse_multiboot(data + 1, (uint32_t)(size - 1), raw, MEMMAP_MAX_RAW + 64,
					   &bad);
		if (n > MEMMAP_MAX_RAW + 64)
			n = MEMMAP_MAX_RAW + 64;
	} else {
		n = 0;
		for (size_t o = 1; o + 7 <= size && n < MEMMAP_MAX_RAW + 64; o += 7) {
			uint16_t s, l;
			memcpy(&s, data + o, 2);
			memcpy(&l, data + o + 2, 2);
			uint16_t sub = (uint16_t)((data[o + 4] | data[o + 5] << 8) & 0xFFF);
			phys_addr_t start = s == 0xFFFF ? 0x100000000ull + sub :
							  (phys_addr_t)s * PG_SIZE * 16 + sub;
			phys_addr_t len = (phys_addr_t)l * PG_SIZE + ((data[o + 5] >> 4) ? sub : 0);
			uint8_t t = data[o + 6];
			raw[n++] = (struct memmap_range){ start, start + len,
							  t < 8 ? t : (t < 250 ? 1 : t) };
		}
	}
	memmap_sanitise(&map, raw, n, &scratch);
	check(n);
	host_log_clear();
	memmap_print(&map, "sanitised");
	return 0;
}
