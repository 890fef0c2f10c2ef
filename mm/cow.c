/*
 * cow.c - the per-frame reference counts of mm/cow.h: a uint16_t per frame in frames of the
 * PMM's own, checked against the PMM on every change.
 *
 * The counts are what Linux's do_wp_page (mm/memory.c) asks before it copies: a write fault on a
 * read-only private page copies it when others map the frame and reuses it when the count is one.
 * The check against pmm_frame_state costs a bitmap read per operation; it turns a count on a free
 * or reserved frame (a use after free in the making) into a panic at the first wrong step instead
 * of a corrupted page somewhere else later.
 */
#include "mm/cow.h"

#include "mm/pmm.h"
#include "mmu.h"

static struct {
	uint16_t *count;
	uint32_t nframes; /* frames the table covers */
	uint32_t table_pa;
	size_t table_frames;
	size_t counted; /* frames with a count above zero */
} cow;

/* Panic for misuse: "<fn>: <what> 0x<pa> (count <n>) (caller 0x<addr> <symbol>+0x<off>)". */
static void __attribute__((noreturn))
cow_misuse(const char *fn, void *caller, const char *what, uint32_t pa)
{
	uintptr_t off = 0;
	const char *sym = mm_symbol_name((uintptr_t)caller, &off);
	unsigned n = cow.count && PG_ALIGNED(pa) && (pa >> PG_SHIFT) < cow.nframes ?
			     cow.count[pa >> PG_SHIFT] :
			     0;
	mm_panic("%s: %s 0x%08x (count %u) (caller 0x%08llx %s+0x%llx)", fn, what, (unsigned)pa, n,
		 (unsigned long long)(uintptr_t)caller, sym ? sym : "?", (unsigned long long)off);
}

bool cow_init(uint32_t reach_limit)
{
	uint32_t nframes = pmm_frames_covered();
	size_t frames = ((size_t)nframes * sizeof(uint16_t) + PG_SIZE - 1) / PG_SIZE;
	uint32_t pa = pmm_alloc_frames(frames, 0, reach_limit);
	cow.count = NULL;
	cow.nframes = 0;
	cow.counted = 0;
	cow.table_pa = 0;
	cow.table_frames = 0;
	if (pa == 0)
		return false;
	cow.count = (uint16_t *)mm_phys_to_virt(pa);
	/* volatile: no memset call in the freestanding kernel build. */
	volatile uint16_t *c = cow.count;
	for (uint32_t i = 0; i < frames * (PG_SIZE / sizeof(uint16_t)); i++)
		c[i] = 0;
	cow.nframes = nframes;
	cow.table_pa = pa;
	cow.table_frames = frames;
	return true;
}

/* The slot of pa, after the checks every operation shares. */
static uint16_t *cow_slot(const char *fn, void *caller, uint32_t pa)
{
	if (!cow.count)
		cow_misuse(fn, caller, "no count table (cow_init first) for frame", pa);
	if (!PG_ALIGNED(pa))
		cow_misuse(fn, caller, "unaligned frame address", pa);
	if ((pa >> PG_SHIFT) >= cow.nframes)
		cow_misuse(fn, caller, "frame beyond the count table", pa);
	return &cow.count[pa >> PG_SHIFT];
}

/* The slot of a frame whose count changes: it must be one the PMM has handed out. */
static uint16_t *cow_slot_allocated(const char *fn, void *caller, uint32_t pa)
{
	uint16_t *c = cow_slot(fn, caller, pa);
	enum pmm_frame_state s = pmm_frame_state(pa);
	if (s == PMM_FRAME_FREE)
		cow_misuse(fn, caller, "count on a free frame", pa);
	if (s != PMM_FRAME_ALLOCATED)
		cow_misuse(fn, caller, "count on a frame the PMM did not hand out", pa);
	return c;
}

void cow_ref_new(uint32_t pa)
{
	void *caller = __builtin_return_address(0);
	uint16_t *c = cow_slot_allocated("cow_ref_new", caller, pa);
	if (*c != 0)
		cow_misuse("cow_ref_new", caller, "frame already counted", pa);
	*c = 1;
	cow.counted++;
}

bool cow_ref_get(uint32_t pa)
{
	void *caller = __builtin_return_address(0);
	uint16_t *c = cow_slot_allocated("cow_ref_get", caller, pa);
	if (*c == 0)
		cow_misuse("cow_ref_get", caller, "reference to an uncounted frame", pa);
	if (*c == COW_REF_MAX)
		return false;
	(*c)++;
	return true;
}

unsigned cow_ref_put(uint32_t pa)
{
	void *caller = __builtin_return_address(0);
	uint16_t *c = cow_slot_allocated("cow_ref_put", caller, pa);
	if (*c == 0)
		cow_misuse("cow_ref_put", caller, "count underflow on frame", pa);
	if (--*c == 0) {
		cow.counted--;
		pmm_free_frame(pa);
	}
	return *c;
}

unsigned cow_ref_count(uint32_t pa)
{
	return *cow_slot("cow_ref_count", __builtin_return_address(0), pa);
}

size_t cow_counted_frames(void)
{
	return cow.counted;
}
uint32_t cow_table_phys(void)
{
	return cow.table_pa;
}
size_t cow_table_frames(void)
{
	return cow.table_frames;
}
