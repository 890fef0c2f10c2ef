/*
 * pmm_ref.c - the frame allocator's reference model (pmm_ref.h), shared by the model test and
 * the fuzzer. Deliberately the slowest obvious thing: a byte per frame and linear scans.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/host_env.h"
#include "tests/host/pmm_ref.h"

struct pmm_ref pmm_ref;

static void push_run(uint32_t pa, uint32_t n)
{
	if (pmm_ref.nruns == pmm_ref.runs_cap) {
		pmm_ref.runs_cap = pmm_ref.runs_cap ? pmm_ref.runs_cap * 2 : 1024;
		struct pmm_ref_run *grown = realloc(pmm_ref.runs, pmm_ref.runs_cap * sizeof *grown);
		if (!grown)
			pmm_ref_fail("out of memory for the reference's runs");
		pmm_ref.runs = grown;
	}
	pmm_ref.runs[pmm_ref.nruns++] = (struct pmm_ref_run){ pa, n };
}

void pmm_ref_init(const struct memmap *map, const struct pmm_region *reg, size_t nreg)
{
	uint32_t nframes = 0;
	for (size_t i = 0; i < map->count; i++)
		if (map->range[i].type == MEMMAP_USABLE && map->range[i].end / PG_SIZE > nframes)
			nframes = (uint32_t)(map->range[i].end / PG_SIZE);
	free(pmm_ref.frame);
	pmm_ref.frame = calloc(nframes + 1, 1);
	if (!pmm_ref.frame)
		pmm_ref_fail("out of memory for the reference");
	pmm_ref.nframes = nframes;
	pmm_ref.free = pmm_ref.reserved = pmm_ref.alloc = 0;
	pmm_ref.nruns = 0;
	for (size_t i = 0; i < map->count; i++)
		if (map->range[i].type == MEMMAP_USABLE)
			for (phys_addr_t f = map->range[i].start / PG_SIZE;
			     f < map->range[i].end / PG_SIZE; f++) {
				pmm_ref.frame[f] = REF_FREE;
				pmm_ref.free++;
			}
	/* The reservations pmm_init makes, in its order: the first MiB, the regions, the bitmap. */
	pmm_ref_reserve(0, BIOS_LOW_END);
	for (size_t i = 0; i < nreg; i++)
		pmm_ref_reserve(reg[i].start, reg[i].end);
	pmm_ref_reserve(pmm_bitmap_phys(), (phys_addr_t)pmm_bitmap_phys() + pmm_bitmap_bytes());
}

enum pmm_ref_state pmm_ref_state(uint32_t f)
{
	return f < pmm_ref.nframes ? (enum pmm_ref_state)pmm_ref.frame[f] : REF_NOT_RAM;
}

void pmm_ref_reserve(phys_addr_t s, phys_addr_t e)
{
	if (e <= s)
		return;
	for (phys_addr_t f = s / PG_SIZE; f < PG_ROUND_UP(e) / PG_SIZE && f < pmm_ref.nframes; f++)
		if (pmm_ref.frame[f] == REF_FREE) {
			pmm_ref.frame[f] = REF_RESERVED;
			pmm_ref.reserved++;
			pmm_ref.free--;
		}
}

void pmm_ref_take(uint32_t pa, uint32_t n, uint32_t align, uint32_t limit)
{
	if (pa % align)
		pmm_ref_fail("0x%08x not aligned to 0x%x", pa, align);
	if (limit && (uint64_t)pa + (uint64_t)n * PG_SIZE > limit)
		pmm_ref_fail("0x%08x+%u frames beyond limit 0x%x", pa, n, limit);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t f = (pa >> PG_SHIFT) + i;
		if (pmm_ref_state(f) != REF_FREE)
			pmm_ref_fail("frame 0x%08x handed out but the reference says %d",
				     f << PG_SHIFT, pmm_ref_state(f));
		pmm_ref.frame[f] = REF_ALLOC;
	}
	pmm_ref.free -= n;
	pmm_ref.alloc += n;
	push_run(pa, n);
}

bool pmm_ref_has_run(uint32_t n, uint32_t align, uint32_t limit)
{
	uint32_t a = align / PG_SIZE, hi = pmm_ref.nframes;
	if (limit && limit / PG_SIZE < hi)
		hi = limit / PG_SIZE;
	for (uint32_t s = 0; s + n <= hi; s += a) {
		uint32_t i = 0;
		while (i < n && pmm_ref.frame[s + i] == REF_FREE)
			i++;
		if (i == n)
			return true;
	}
	return false;
}

void pmm_ref_free_run(size_t idx, uint32_t first, uint32_t count, bool single)
{
	struct pmm_ref_run r = pmm_ref.runs[idx];
	uint32_t pa = r.pa + first * PG_SIZE;
	if (single)
		pmm_free_frame(pa);
	else
		pmm_free_frames(pa, count);
	for (uint32_t i = 0; i < count; i++)
		pmm_ref.frame[(pa >> PG_SHIFT) + i] = REF_FREE;
	pmm_ref.free += count;
	pmm_ref.alloc -= count;
	/* Keep the rest of the run: the part before and the part after. */
	pmm_ref.runs[idx] = pmm_ref.runs[--pmm_ref.nruns];
	if (first)
		push_run(r.pa, first);
	if (first + count < r.n)
		push_run(pa + count * PG_SIZE, r.n - first - count);
}

bool pmm_ref_misuse_free(uint32_t pa)
{
	if (pa % PG_SIZE == 0 && pmm_ref_state(pa >> PG_SHIFT) == REF_ALLOC)
		return false; /* legal */
	if (!HOST_EXPECT_PANIC(pmm_free_frame(pa)))
		pmm_ref_fail("freeing frame 0x%08x (reference state %d) did not panic", pa,
			     pmm_ref_state(pa >> PG_SHIFT));
	char want[16];
	snprintf(want, sizeof want, "0x%08x", pa);
	if (!strstr(host_panic_msg, want))
		pmm_ref_fail("panic '%s' does not name 0x%08x", host_panic_msg, pa);
	return true;
}

void pmm_ref_check_counts(void)
{
	if (pmm_free_count() != pmm_ref.free || pmm_reserved_count() != pmm_ref.reserved ||
	    pmm_allocated_count() != pmm_ref.alloc ||
	    pmm_usable_count() != pmm_ref.free + pmm_ref.reserved + pmm_ref.alloc)
		pmm_ref_fail("counts: pmm free=%zu reserved=%zu allocated=%zu usable=%zu, reference %u %u %u",
			     pmm_free_count(), pmm_reserved_count(), pmm_allocated_count(),
			     pmm_usable_count(), pmm_ref.free, pmm_ref.reserved, pmm_ref.alloc);
}

void pmm_ref_check_frames(uint32_t upto)
{
	static const enum pmm_frame_state want[] = { PMM_FRAME_NOT_RAM, PMM_FRAME_FREE,
						     PMM_FRAME_ALLOCATED, PMM_FRAME_RESERVED };
	for (uint32_t f = 0; f < upto; f++) {
		enum pmm_frame_state s = pmm_frame_state(f << PG_SHIFT);
		if (s != want[pmm_ref_state(f)])
			pmm_ref_fail("frame 0x%08x: pmm says %s, reference %d", f << PG_SHIFT,
				     pmm_frame_state_name(s), pmm_ref_state(f));
	}
	size_t bad = pmm_check();
	if (bad)
		pmm_ref_fail("pmm_check found %zu problems", bad);
}
