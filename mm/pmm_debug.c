/*
 * pmm_debug.c - the frame allocator's reports, off its allocation and free paths: the counters
 * and other non-panicking queries (for the monitor and tests), the state names, the summary line,
 * the misuse panic, and pmm_check, the full O(frames) consistency check.
 */
#include "mm/pmm_internal.h"

/* Panic for misuse: "<fn>: <what> 0x<addr> (<owner>) (caller 0x<addr> <symbol>+0x<off>)". */
void pmm_misuse(const char *fn, void *caller, const char *what, uint32_t pa, const char *owner)
{
	uintptr_t off = 0;
	const char *sym = mm_symbol_name((uintptr_t)caller, &off);
	mm_panic("%s: %s 0x%08x%s%s%s (caller 0x%08llx %s+0x%llx)", fn, what, pa, owner ? " (" : "",
		 owner ? owner : "", owner ? ")" : "", (unsigned long long)(uintptr_t)caller,
		 sym ? sym : "?", (unsigned long long)off);
}

size_t pmm_free_count(void)
{
	return pmm.free;
}
size_t pmm_usable_count(void)
{
	return pmm.usable;
}
size_t pmm_reserved_count(void)
{
	return pmm.reserved;
}
size_t pmm_allocated_count(void)
{
	return pmm.usable - pmm.free - pmm.reserved;
}
uint32_t pmm_bitmap_phys(void)
{
	return pmm.bitmap_pa;
}
uint32_t pmm_bitmap_bytes(void)
{
	return pmm.bitmap_bytes;
}
uint32_t pmm_frames_covered(void)
{
	return pmm.nframes;
}
uint64_t pmm_words_touched(void)
{
	return pmm.touched;
}
size_t pmm_reservation_count(void)
{
	return pmm.nres;
}

bool pmm_reservation_get(size_t i, struct pmm_reservation *out)
{
	if (i >= pmm.nres)
		return false;
	*out = pmm.res[i];
	return true;
}

enum pmm_frame_state pmm_frame_state(uint32_t pa)
{
	if (pa & (PG_SIZE - 1))
		return PMM_FRAME_UNALIGNED;
	uint32_t f = pa >> PG_SHIFT;
	if (f >= pmm.nframes || !ram_find(f))
		return PMM_FRAME_NOT_RAM;
	if (pmm.lvl[0][f >> 5] & (1u << (f & 31)))
		return PMM_FRAME_FREE;
	return res_find(f) ? PMM_FRAME_RESERVED : PMM_FRAME_ALLOCATED;
}

const char *pmm_frame_state_name(enum pmm_frame_state s)
{
	switch (s) {
	case PMM_FRAME_FREE:
		return "free";
	case PMM_FRAME_ALLOCATED:
		return "allocated";
	case PMM_FRAME_RESERVED:
		return "reserved";
	case PMM_FRAME_NOT_RAM:
		return "not RAM";
	case PMM_FRAME_UNALIGNED:
		return "unaligned";
	}
	return "?";
}

const char *pmm_frame_owner(uint32_t pa)
{
	uint32_t f = pa >> PG_SHIFT;
	if (f >= pmm.nframes || !ram_find(f))
		return NULL;
	const struct pmm_reservation *r = res_find(f);
	return r ? r->name : NULL;
}

void pmm_print_summary(void)
{
	uint32_t allocated = pmm.usable - pmm.free - pmm.reserved;
	if (allocated)
		mm_log("pmm: usable=%u free=%u reserved=%u allocated=%u\n", pmm.usable, pmm.free,
		       pmm.reserved, allocated);
	else
		mm_log("pmm: usable=%u free=%u reserved=%u\n", pmm.usable, pmm.free, pmm.reserved);
}

static size_t check(void)
{
	size_t bad = 0;
#define PMM_BAD(...)                                       \
	do {                                               \
		if (bad++ < 8)                             \
			mm_log("pmm_check: " __VA_ARGS__); \
	} while (0)
	uint32_t popcount = 0;
	for (uint32_t w = 0; w < pmm.nwords[0]; w++) {
		uint32_t word = pmm.lvl[0][w];
		popcount += (uint32_t)__builtin_popcount(word);
		for (; word; word &= word - 1) {
			uint32_t f = (w << 5) | ctz32(word);
			if (f >= pmm.nframes || !ram_find(f))
				PMM_BAD("frame 0x%08x free but not RAM\n", f << PG_SHIFT);
			else if (res_find(f))
				PMM_BAD("frame 0x%08x free but reserved\n", f << PG_SHIFT);
		}
	}
	if (popcount != pmm.free)
		PMM_BAD("free counter %u, bitmap says %u\n", pmm.free, popcount);
	for (unsigned k = 1; k < pmm.nlevels; k++)
		for (uint32_t i = 0; i < pmm.nwords[k] * 32; i++) {
			bool want = i < pmm.nwords[k - 1] && pmm.lvl[k - 1][i] != 0;
			bool have = (pmm.lvl[k][i >> 5] >> (i & 31)) & 1;
			if (want != have)
				PMM_BAD("summary level %u bit %u is %d, want %d\n", k, i, have,
					want);
		}
	uint32_t reserved = 0;
	for (size_t i = 0; i < pmm.nres; i++)
		reserved += pmm.res[i].frames;
	if (reserved != pmm.reserved)
		PMM_BAD("reserved counter %u, reservations sum %u\n", pmm.reserved, reserved);
	if (pmm.free + pmm.reserved > pmm.usable)
		PMM_BAD("free %u + reserved %u > usable %u\n", pmm.free, pmm.reserved, pmm.usable);
#undef PMM_BAD
	return bad;
}

size_t pmm_check(void)
{
	mm_irqflags_t fl = mm_irq_save();
	size_t bad = check();
	mm_irq_restore(fl);
	return bad;
}
