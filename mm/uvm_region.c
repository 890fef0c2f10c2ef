/*
 * uvm_region.c - the region list of a process (Linux's VMAs): a sorted array of [start, end)
 * spans with a protection and a kind, and the operations the memory system calls need: find,
 * insert, remove a range (munmap: a region cut in the middle becomes two), change the protection
 * of a range (mprotect: split at both ends), grow the stack down, find a free gap top-down.
 *
 * Bookkeeping only: page tables are mm/uvm_space.c's business. Every operation checks that it
 * fits before it changes anything, so a failure (UVM_ENOMEM when the list would overflow, as
 * Linux fails past vm.max_map_count) leaves the list as it was. After each change, neighbours
 * that touch and have the same kind and protection are merged (Linux mm/mmap.c vma_merge), so a
 * split undone by a second mprotect costs no slot.
 */
#include "mm/uvm.h"

const char *uvm_kind_name(enum uvm_kind kind)
{
	switch (kind) {
	case UVM_KIND_TEXT:
		return "text";
	case UVM_KIND_DATA:
		return "data";
	case UVM_KIND_BRK:
		return "brk";
	case UVM_KIND_ANON:
		return "anon";
	case UVM_KIND_STACK:
		return "stack";
	}
	return "?";
}

/* The lowest address a region may be preceded by: the stack keeps a guard gap free below it
 * (Linux vm_start_gap). */
static uint32_t region_gap_start(const struct uvm_region *r)
{
	if (r->kind != UVM_KIND_STACK)
		return r->start;
	return r->start > UVM_STACK_GUARD_GAP ? r->start - UVM_STACK_GUARD_GAP : 0;
}

/* Index of the first region whose end is above addr (nregions when there is none). */
static unsigned region_index_after(const struct uvm_space *as, uint32_t addr)
{
	unsigned lo = 0, hi = as->nregions;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (as->regions[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct uvm_region *uvm_region_next(const struct uvm_space *as, uint32_t addr)
{
	unsigned i = region_index_after(as, addr);
	return i < as->nregions ? &as->regions[i] : NULL;
}

const struct uvm_region *uvm_region_find(const struct uvm_space *as, uint32_t addr)
{
	const struct uvm_region *r = uvm_region_next(as, addr);
	return r && r->start <= addr ? r : NULL;
}

static void region_open_slot(struct uvm_space *as, unsigned i)
{
	for (unsigned j = as->nregions; j > i; j--)
		as->regions[j] = as->regions[j - 1];
	as->nregions++;
}

static void region_close_slot(struct uvm_space *as, unsigned i)
{
	for (unsigned j = i; j + 1 < as->nregions; j++)
		as->regions[j] = as->regions[j + 1];
	as->nregions--;
}

static bool region_mergeable(const struct uvm_region *a, const struct uvm_region *b)
{
	return a->end == b->start && a->kind == b->kind && a->prot == b->prot;
}

/* Merge every pair of touching neighbours with the same kind and protection. */
static void region_coalesce(struct uvm_space *as)
{
	unsigned i = 0;
	while (i + 1 < as->nregions) {
		if (region_mergeable(&as->regions[i], &as->regions[i + 1])) {
			as->regions[i].end = as->regions[i + 1].end;
			region_close_slot(as, i + 1);
		} else {
			i++;
		}
	}
}

/* A span the list can hold: aligned, non-empty, inside [UVM_MIN_ADDR, USER_END). */
static bool region_span_valid(uint32_t start, uint32_t end)
{
	return PG_ALIGNED(start) && PG_ALIGNED(end) && start < end && start >= UVM_MIN_ADDR &&
	       end <= USER_END;
}

int uvm_region_insert(struct uvm_space *as, uint32_t start, uint32_t end, unsigned prot,
		      enum uvm_kind kind)
{
	if (!region_span_valid(start, end) || (prot & ~UVM_PROT_MASK) || kind > UVM_KIND_STACK)
		return UVM_EINVAL;
	unsigned i = region_index_after(as, start);
	if (i < as->nregions && as->regions[i].start < end)
		return UVM_EEXIST;
	struct uvm_region r = { start, end, (uint8_t)prot, (uint8_t)kind };
	bool merges = (i > 0 && region_mergeable(&as->regions[i - 1], &r)) ||
		      (i < as->nregions && region_mergeable(&r, &as->regions[i]));
	if (!merges && as->nregions == UVM_MAX_REGIONS)
		return UVM_ENOMEM;
	if (i > 0 && region_mergeable(&as->regions[i - 1], &r)) {
		as->regions[i - 1].end = end; /* grows into the neighbour below, */
	} else {
		region_open_slot(as, i);
		as->regions[i] = r;
	}
	region_coalesce(as); /* and may now touch the one above */
	return 0;
}

/* Split the region strictly containing addr (start < addr < end) in two; the caller made room. */
static void region_split_at(struct uvm_space *as, uint32_t addr)
{
	unsigned i = region_index_after(as, addr);
	if (i == as->nregions || as->regions[i].start >= addr)
		return;
	region_open_slot(as, i);
	as->regions[i].end = addr;
	as->regions[i + 1].start = addr;
}

/* Slots a split at addr needs: 1 when a region strictly contains addr. */
static unsigned region_splits_at(const struct uvm_space *as, uint32_t addr)
{
	const struct uvm_region *r = uvm_region_find(as, addr);
	return r && r->start < addr ? 1 : 0;
}

int uvm_region_remove(struct uvm_space *as, uint32_t start, uint32_t end)
{
	if (!PG_ALIGNED(start) || !PG_ALIGNED(end) || start >= end)
		return UVM_EINVAL;
	/* Only a region cut on both sides needs a new slot (Linux __split_vma); one cut on one side
	 * is trimmed in place. */
	const struct uvm_region *c = uvm_region_find(as, start);
	if (c && c->start < start && c->end > end && as->nregions == UVM_MAX_REGIONS)
		return UVM_ENOMEM;
	unsigned i = region_index_after(as, start);
	while (i < as->nregions && as->regions[i].start < end) {
		struct uvm_region *r = &as->regions[i];
		if (r->start < start && r->end > end) {
			region_open_slot(as, i + 1);
			as->regions[i + 1] = *r;
			as->regions[i + 1].start = end;
			r->end = start;
			break;
		}
		if (r->start < start) {
			r->end = start;
			i++;
		} else if (r->end > end) {
			r->start = end;
			break;
		} else {
			region_close_slot(as, i);
		}
	}
	return 0;
}

int uvm_region_protect(struct uvm_space *as, uint32_t start, uint32_t end, unsigned prot)
{
	if (!PG_ALIGNED(start) || !PG_ALIGNED(end) || start >= end || (prot & ~UVM_PROT_MASK))
		return UVM_EINVAL;
	/* Linux mprotect: every page of the span must be in some region, else ENOMEM. */
	uint32_t covered = start;
	for (unsigned i = region_index_after(as, start); i < as->nregions && covered < end; i++) {
		if (as->regions[i].start > covered)
			break;
		covered = as->regions[i].end;
	}
	if (covered < end)
		return UVM_ENOMEM;
	if (as->nregions + region_splits_at(as, start) + region_splits_at(as, end) >
	    UVM_MAX_REGIONS)
		return UVM_ENOMEM;
	region_split_at(as, start);
	region_split_at(as, end);
	for (unsigned i = region_index_after(as, start);
	     i < as->nregions && as->regions[i].start < end; i++)
		as->regions[i].prot = (uint8_t)prot;
	region_coalesce(as);
	return 0;
}

void uvm_region_grow_stack(struct uvm_space *as, const struct uvm_region *stack, uint32_t new_start)
{
	unsigned i = (unsigned)(stack - as->regions);
	if (i >= as->nregions || stack->kind != UVM_KIND_STACK || !PG_ALIGNED(new_start) ||
	    new_start > stack->start || new_start < UVM_MIN_ADDR ||
	    (i > 0 && as->regions[i - 1].end > new_start))
		mm_panic("uvm_region_grow_stack: cannot move region %u [0x%08x-0x%08x) down to "
			 "0x%08x",
			 i, (unsigned)stack->start, (unsigned)stack->end, (unsigned)new_start);
	as->regions[i].start = new_start;
}

/* True when [start, end) touches no region and no stack guard gap. */
static bool region_span_free(const struct uvm_space *as, uint32_t start, uint32_t end)
{
	for (unsigned i = region_index_after(as, start); i < as->nregions; i++) {
		if (region_gap_start(&as->regions[i]) >= end)
			return true;
		if (as->regions[i].end > start)
			return false;
	}
	return true;
}

uint32_t uvm_region_find_gap(const struct uvm_space *as, uint32_t len, uint32_t hint, uint32_t lo,
			     uint32_t hi)
{
	if (len == 0 || !PG_ALIGNED(len) || lo >= hi || hi - lo < len)
		return 0;
	if (hint && PG_ALIGNED(hint) && hint >= lo && hint <= hi - len &&
	    region_span_free(as, hint, hint + len))
		return hint;
	/* Top down: the gap above region i-1 and below region i, for i from the last down. */
	for (unsigned i = as->nregions + 1; i-- > 0;) {
		uint32_t ceil = i < as->nregions ? region_gap_start(&as->regions[i]) : hi;
		uint32_t floor = i > 0 ? as->regions[i - 1].end : lo;
		if (ceil > hi)
			ceil = hi;
		if (floor < lo)
			floor = lo;
		if (ceil > floor && ceil - floor >= len)
			return ceil - len;
		if (floor == lo && i > 0 && as->regions[i - 1].end <= lo)
			break; /* everything further down is below lo */
	}
	return 0;
}

unsigned uvm_region_check(const struct uvm_space *as)
{
	unsigned bad = 0;
	if (as->nregions > UVM_MAX_REGIONS) {
		mm_log("uvm: %u regions, more than %u\n", as->nregions, UVM_MAX_REGIONS);
		return 1;
	}
	for (unsigned i = 0; i < as->nregions; i++) {
		const struct uvm_region *r = &as->regions[i];
		const char *why = NULL;
		if (!region_span_valid(r->start, r->end))
			why = "unaligned, empty or outside the user range";
		else if (r->prot & ~UVM_PROT_MASK)
			why = "bad protection";
		else if (r->kind > UVM_KIND_STACK)
			why = "bad kind";
		else if (i > 0 && as->regions[i - 1].end > r->start)
			why = "overlaps or is out of order with the one before";
		else if (i > 0 && region_mergeable(&as->regions[i - 1], r))
			why = "not merged with the one before";
		if (why && bad++ < 4)
			mm_log("uvm: region %u [0x%08x-0x%08x) %s prot %u: %s\n", i,
			       (unsigned)r->start, (unsigned)r->end, uvm_kind_name(r->kind),
			       r->prot, why);
	}
	return bad;
}
