/*
 * pmm_init.c - setting the frame allocator up from a sanitised memory map: the bitmap's size and
 * place, every usable frame free, then the reservations (low-1mib, the caller's regions,
 * pmm-bitmap); and reservations taken later (pmm_reserve_range). docs/pmm.md sections 2 and 3.
 */
#include "mm/pmm_internal.h"

/* Every summary level from the level below it, after pmm_init has written level 0. */
static void summary_rebuild(void)
{
	for (unsigned k = 1; k < pmm.nlevels; k++) {
		const uint32_t *child = pmm.lvl[k - 1];
		uint32_t nchild = pmm.nwords[k - 1];
		for (uint32_t i = 0; i < pmm.nwords[k]; i++) {
			uint32_t v = 0, base = i << 5;
			uint32_t n = nchild - base < 32 ? nchild - base : 32;
			for (uint32_t b = 0; b < n; b++)
				v |= (uint32_t)(child[base + b] != 0) << b;
			pmm.lvl[k][i] = v;
		}
	}
}

/* ---- reservations ---------------------------------------------------------------------------- */

/* Count free frames in [from, to) and mark them used. */
static uint32_t take_free(uint32_t from, uint32_t to)
{
	uint32_t taken = 0;
	for (uint32_t w = from >> 5; from < to && w <= (to - 1) >> 5; w++)
		taken += (uint32_t)__builtin_popcount(pmm.lvl[0][w] & range_mask(w, from, to));
	pmm_mark_range(from, to, false);
	return taken;
}

void pmm_reserve(const char *name, phys_addr_t start, phys_addr_t end, void *caller)
{
	if (pmm.nres == PMM_MAX_RESERVATIONS)
		mm_panic("pmm_reserve_range: reservation table full (%d entries) reserving %s "
			 "[mem 0x%08llx-0x%08llx]",
			 PMM_MAX_RESERVATIONS, name, (unsigned long long)start,
			 (unsigned long long)end);
	if (end <= start) {
		mm_log("pmm: reservation %s is empty, nothing reserved\n", name);
		return;
	}
	phys_addr_t s = PG_ROUND_DOWN(start);
	phys_addr_t e = PG_ROUND_UP(end);
	if (e < end || e > MEMMAP_LIMIT)
		e = MEMMAP_LIMIT; /* wrapped or beyond 4 GiB */
	if (s > e)
		s = e;
	uint32_t fs = (uint32_t)(s >> PG_SHIFT), fe = (uint32_t)(e >> PG_SHIFT);
	if (fe > pmm.nframes)
		fe = pmm.nframes;
	if (fs > fe)
		fs = fe;
	/* Reservations take only free frames; an allocated one belongs to somebody: refuse loudly. */
	if (pmm.usable != pmm.free + pmm.reserved) {
		for (uint32_t f = fs; f < fe; f++) {
			if (pmm.lvl[0][f >> 5] & (1u << (f & 31)))
				continue;
			if (ram_find(f) && !res_find(f))
				pmm_misuse("pmm_reserve_range", caller,
					   "cannot reserve allocated frame", f << PG_SHIFT, name);
		}
	}
	uint32_t taken = take_free(fs, fe);
	pmm.free -= taken;
	pmm.reserved += taken;
	pmm.res_frames[pmm.nres] =
		(struct frame_range){ (uint32_t)(s >> PG_SHIFT), (uint32_t)(e >> PG_SHIFT) };
	if (pmm.nres == 0 || pmm.res_frames[pmm.nres].start < pmm.res_span.start)
		pmm.res_span.start = pmm.res_frames[pmm.nres].start;
	if (pmm.res_frames[pmm.nres].end > pmm.res_span.end)
		pmm.res_span.end = pmm.res_frames[pmm.nres].end;
	pmm.res[pmm.nres++] = (struct pmm_reservation){ name, s, e, taken };
	if (e > s)
		mm_log("pmm: reserved %s [mem 0x%08llx-0x%08llx] %u frames\n", name,
		       (unsigned long long)s, (unsigned long long)(e - 1), taken);
	else
		mm_log("pmm: reserved %s [mem beyond RAM] 0 frames\n", name);
}

void __attribute__((noinline))
pmm_reserve_range(const char *name, phys_addr_t start, phys_addr_t end)
{
	mm_irqflags_t fl = mm_irq_save();
	pmm_reserve(name, start, end, __builtin_return_address(0));
	mm_irq_restore(fl);
}

/* ---- init ---------------------------------------------------------------------------------- */

static bool region_overlaps(const struct pmm_region *r, size_t n, uint64_t s, uint64_t e,
			    uint64_t *after)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t rs = PG_ROUND_DOWN(r[i].start);
		uint64_t re = PG_ROUND_UP(r[i].end);
		if (r[i].end <= r[i].start)
			continue;
		if (re < r[i].end)
			re = PG_ROUND_DOWN(~(uint64_t)0);
		if (rs < e && s < re) {
			*after = re;
			return true;
		}
	}
	return false;
}

/* Lowest frame-aligned address >= 1 MiB inside one usable range, clear of every region. */
static uint64_t place_bitmap(const struct pmm_region *regions, size_t n, uint32_t bytes)
{
	uint64_t size = PG_ROUND_UP((uint64_t)bytes);
	for (size_t i = 0; i < pmm.nram; i++) {
		uint64_t cand = (uint64_t)pmm.ram[i].start << PG_SHIFT;
		uint64_t end = (uint64_t)pmm.ram[i].end << PG_SHIFT;
		if (cand < BIOS_LOW_END)
			cand = BIOS_LOW_END;
		uint64_t after;
		while (cand + size <= end) {
			if (!region_overlaps(regions, n, cand, cand + size, &after))
				return cand;
			cand = after;
		}
	}
	return MEMMAP_LIMIT; /* none */
}

void pmm_init(const struct memmap *map, const struct pmm_region *regions, size_t nregions)
{
	__builtin_memset(&pmm, 0, sizeof(pmm));
	for (size_t i = 0; i < map->count; i++) {
		const struct memmap_range *r = &map->range[i];
		if (r->type != MEMMAP_USABLE || r->end <= r->start || r->end > MEMMAP_LIMIT)
			continue;
		struct frame_range fr = { (uint32_t)(r->start >> PG_SHIFT),
					  (uint32_t)(r->end >> PG_SHIFT) };
		pmm.ram[pmm.nram++] = fr;
		pmm.usable += fr.end - fr.start;
		if (fr.end > pmm.nframes)
			pmm.nframes = fr.end;
	}
	if (!pmm.usable)
		mm_panic("pmm: no usable RAM in the memory map");

	/* Level sizes: each level has one bit per word of the level below, up to a single word. */
	uint32_t total = 0, bits = pmm.nframes;
	do {
		pmm.nwords[pmm.nlevels] = (bits + 31) / 32;
		total += pmm.nwords[pmm.nlevels];
		bits = pmm.nwords[pmm.nlevels++];
	} while (bits > 1);
	pmm.bitmap_bytes = total * 4;

	uint64_t at = place_bitmap(regions, nregions, pmm.bitmap_bytes);
	if (at >= MEMMAP_LIMIT)
		mm_panic("pmm: no usable RAM above 1 MiB can hold the %u-byte bitmap clear of the "
			 "kernel and boot data",
			 pmm.bitmap_bytes);
	pmm.bitmap_pa = (uint32_t)at;
	uint32_t *words = mm_phys_to_virt(pmm.bitmap_pa);
	for (unsigned k = 0; k < pmm.nlevels; k++) {
		pmm.lvl[k] = words;
		words += pmm.nwords[k];
	}

	/* Everything used, then the usable frames free, then the reservations; summaries last. */
	__builtin_memset(pmm.lvl[0], 0, pmm.bitmap_bytes);
	for (size_t i = 0; i < pmm.nram; i++) {
		uint32_t f = pmm.ram[i].start, to = pmm.ram[i].end;
		for (; f < to && (f & 31); f++)
			pmm.lvl[0][f >> 5] |= 1u << (f & 31);
		for (; f + 32 <= to; f += 32)
			pmm.lvl[0][f >> 5] = ~0u;
		for (; f < to; f++)
			pmm.lvl[0][f >> 5] |= 1u << (f & 31);
	}
	summary_rebuild();
	pmm.free = pmm.usable;
	pmm.normal_start = pmm.nframes > (PMM_DMA_LIMIT >> PG_SHIFT) ? PMM_DMA_LIMIT >> PG_SHIFT :
								       0;
	pmm.hint = pmm.normal_start >> 5;

	void *caller = __builtin_return_address(0);
	pmm_reserve("low-1mib", 0, BIOS_LOW_END, caller);
	for (size_t i = 0; i < nregions; i++)
		pmm_reserve(regions[i].name, regions[i].start, regions[i].end, caller);
	pmm_reserve("pmm-bitmap", pmm.bitmap_pa, (phys_addr_t)pmm.bitmap_pa + pmm.bitmap_bytes,
		    caller);
	pmm.touched = 0;
	pmm_print_summary();
}
