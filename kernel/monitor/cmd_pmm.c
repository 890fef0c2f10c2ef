/*
 * cmd_pmm.c - monitor commands for physical memory: mmap, pmm, alloc, free.
 *
 * alloc hands out frames through the PMM and remembers each run it got (a fixed table, no heap),
 * and free only gives back frames from that table: the frames the kernel itself holds (page
 * tables, the heap's pages) are not the monitor's to free. Anything else is explained with the
 * PMM's non-panicking pmm_frame_state() - free, reserved (and by whom), not RAM - instead of
 * being passed to pmm_free_frames, which would panic. A trailing `force` passes the request on
 * anyway: deliberate misuse, and the PMM's panic is the expected result.
 */
#include "kernel/core/bootinfo.h"
#include "kernel/monitor/cmd.h"
#include "kernel/monitor/cmd_groups.h"
#include "kernel/monitor/mon_mem.h"
#include "kernel/monitor/out.h"
#include "kernel/monitor/parse.h"
#include "mm/memmap.h"
#include "mm/pmm.h"

#define MON_MAX_RUNS  64   /* runs of frames the monitor holds at once */
#define MON_ALLOC_MAX 1024 /* frames per alloc or free (4 MiB) */

struct mon_run {
	uint32_t start; /* physical address of the first frame; 0 = slot unused */
	uint32_t frames;
};

static struct mon_run mon_runs[MON_MAX_RUNS];

/* --- mmap ---------------------------------------------------------------------------------- */

static void mmap_print_raw(const struct multiboot_mmap_entry *e, void *ctx)
{
	char name[16];
	(void)ctx;
	mon_printf("BIOS-e820: [mem 0x%016llx-0x%016llx] %s%s\n", (unsigned long long)e->base_addr,
		   (unsigned long long)(e->base_addr + e->length - 1),
		   memmap_type_name(e->type, name), e->length == 0 ? " (zero length)" : "");
}

/* The sanitiser's buffers are large (struct memmap_scratch): static, not on the kernel stack. */
static struct memmap mmap_clean;
static struct memmap_scratch mmap_scratch;
static struct memmap_range mmap_raw[MEMMAP_MAX_RAW];

static int cmd_mmap(int argc, char **argv)
{
	const struct multiboot_info *mbi = bootinfo_info();
	const char *error = NULL;
	(void)argc;
	(void)argv;

	if (!(mbi->flags & MB_INFO_MEM_MAP)) {
		mon_printf(
			"error: mmap: the loader passed no memory map (Multiboot flag 6 clear)\n");
		return -1;
	}
	mon_printf("raw map from the loader (%u bytes at 0x%08x):\n", (unsigned)mbi->mmap_length,
		   (unsigned)mbi->mmap_addr);
	int n = bootinfo_mmap_walk(mmap_print_raw, NULL, &error);
	if (error)
		mon_printf("error: mmap: raw map malformed after %d entries: %s\n", n, error);

	/* Sanitised again from the same bytes: memmap_sanitise is a pure function of its input,
	 * so this is exactly the map the PMM was built from. */
	size_t bad = 0;
	size_t found = memmap_parse_multiboot((const void *)mm_phys_to_virt(mbi->mmap_addr),
					      mbi->mmap_length, mmap_raw, MEMMAP_MAX_RAW, &bad);
	size_t used = found < MEMMAP_MAX_RAW ? found : MEMMAP_MAX_RAW;
	memmap_sanitise(&mmap_clean, mmap_raw, used, &mmap_scratch);
	mon_printf(
		"sanitised (sorted, overlaps split, merged, clipped at 4 GiB, frame aligned):\n");
	memmap_print(&mmap_clean, "sanitised");
	mon_printf("usable frames: %u (%u KiB)\n", (unsigned)memmap_usable_frames(&mmap_clean),
		   (unsigned)memmap_usable_frames(&mmap_clean) * (PG_SIZE / 1024));
	return 0;
}

/* --- pmm ----------------------------------------------------------------------------------- */

static void pmm_held(unsigned *runs, unsigned *frames)
{
	*runs = *frames = 0;
	for (unsigned i = 0; i < MON_MAX_RUNS; i++)
		if (mon_runs[i].start) {
			(*runs)++;
			*frames += mon_runs[i].frames;
		}
}

static int cmd_pmm(int argc, char **argv)
{
	struct pmm_reservation r;
	unsigned runs, frames;
	(void)argc;
	(void)argv;

	if (!mon_need_pmm("pmm"))
		return -1;
	mon_printf("pmm: usable=%u free=%u reserved=%u allocated=%u (frames of %u bytes)\n",
		   (unsigned)pmm_usable_count(), (unsigned)pmm_free_count(),
		   (unsigned)pmm_reserved_count(), (unsigned)pmm_allocated_count(),
		   (unsigned)PG_SIZE);
	mon_printf("pmm: bitmap at 0x%08x, %u bytes, covering %u frames\n",
		   (unsigned)pmm_bitmap_phys(), (unsigned)pmm_bitmap_bytes(),
		   (unsigned)pmm_frames_covered());
	mon_printf("reservations (%u):\n", (unsigned)pmm_reservation_count());
	for (size_t i = 0; pmm_reservation_get(i, &r); i++)
		mon_printf("  %-14s [mem 0x%08llx-0x%08llx] %u frames\n", r.name,
			   (unsigned long long)r.start, (unsigned long long)(r.end - 1),
			   (unsigned)r.frames);
	pmm_held(&runs, &frames);
	mon_printf("monitor holds %u frames in %u runs\n", frames, runs);
	for (unsigned i = 0; i < MON_MAX_RUNS; i++)
		if (mon_runs[i].start)
			mon_printf("  [mem 0x%08x-0x%08x] %u frames\n", (unsigned)mon_runs[i].start,
				   (unsigned)(mon_runs[i].start + mon_runs[i].frames * PG_SIZE - 1),
				   (unsigned)mon_runs[i].frames);
	return 0;
}

/* --- alloc / free -------------------------------------------------------------------------- */

static struct mon_run *run_slot_free(void)
{
	for (unsigned i = 0; i < MON_MAX_RUNS; i++)
		if (!mon_runs[i].start)
			return &mon_runs[i];
	return NULL;
}

/* The held run containing the frames [pa, pa + n frames), or NULL. */
static struct mon_run *run_containing(uint32_t pa, uint32_t n)
{
	uint64_t end = (uint64_t)pa + (uint64_t)n * PG_SIZE;
	for (unsigned i = 0; i < MON_MAX_RUNS; i++) {
		struct mon_run *r = &mon_runs[i];
		uint64_t rend = (uint64_t)r->start + (uint64_t)r->frames * PG_SIZE;
		if (r->start && pa >= r->start && end <= rend)
			return r;
	}
	return NULL;
}

static int cmd_alloc(int argc, char **argv)
{
	uint32_t n = 1;

	if (!mon_need_pmm("alloc"))
		return -1;
	if (argc > 1 && !parse_arg_u32("n", argv[1], 1, MON_ALLOC_MAX, &n))
		return -1;
	struct mon_run *slot = run_slot_free();
	if (!slot) {
		mon_printf("error: alloc: the monitor already holds %u runs; free one first\n",
			   MON_MAX_RUNS);
		return -1;
	}
	uint32_t pa = n == 1 ? pmm_alloc_frame() : pmm_alloc_frames(n, 0, 0);
	if (!pa) {
		mon_printf("error: alloc: no run of %u free frames (free=%u)\n", (unsigned)n,
			   (unsigned)pmm_free_count());
		return -1;
	}
	slot->start = pa;
	slot->frames = n;
	mon_printf("alloc: [mem 0x%08x-0x%08x] %u frames; free=%u\n", (unsigned)pa,
		   (unsigned)(pa + n * PG_SIZE - 1), (unsigned)n, (unsigned)pmm_free_count());
	return 0;
}

/* Why frame pa cannot be freed by the monitor (it is not in a held run). */
static void free_explain(uint32_t pa)
{
	enum pmm_frame_state s = pmm_frame_state(pa);
	const char *owner = pmm_frame_owner(pa);

	switch (s) {
	case PMM_FRAME_FREE:
		mon_printf("error: free: frame 0x%08x is free (not allocated): nothing to free\n",
			   (unsigned)pa);
		break;
	case PMM_FRAME_RESERVED:
		mon_printf("error: free: frame 0x%08x is reserved (%s): reservations are never "
			   "freed\n",
			   (unsigned)pa, owner ? owner : "?");
		break;
	case PMM_FRAME_NOT_RAM:
		mon_printf("error: free: 0x%08x is not a usable RAM frame\n", (unsigned)pa);
		break;
	case PMM_FRAME_ALLOCATED:
		mon_printf("error: free: frame 0x%08x is allocated, but not by alloc (the kernel "
			   "holds it); refusing (add 'force' to free it anyway)\n",
			   (unsigned)pa);
		break;
	case PMM_FRAME_UNALIGNED:
		mon_printf("error: free: 0x%08x is not frame aligned (4 KiB)\n", (unsigned)pa);
		break;
	}
}

static int cmd_free(int argc, char **argv)
{
	uint32_t pa, n = 1;
	bool force = parse_take_last(&argc, argv, "force");

	if (!mon_need_pmm("free"))
		return -1;
	if (argc < 2 || argc > 3) {
		mon_printf("error: free: expected <addr> [n] [force]\n");
		return -1;
	}
	if (!parse_arg_u32("addr", argv[1], 0, 0xFFFFFFFF, &pa))
		return -1;
	if (argc > 2 && !parse_arg_u32("n", argv[2], 1, MON_ALLOC_MAX, &n))
		return -1;
	if (pa % PG_SIZE) {
		mon_printf("error: free: 0x%08x is not frame aligned (4 KiB)\n", (unsigned)pa);
		return -1;
	}
	if ((uint64_t)pa + (uint64_t)n * PG_SIZE > 0x100000000ull) {
		mon_printf("error: free: %u frames from 0x%08x run past 4 GiB\n", (unsigned)n,
			   (unsigned)pa);
		return -1;
	}
	struct mon_run *r = run_containing(pa, n);
	if (!r && !force) {
		/* Explain the first frame that is not the monitor's. */
		for (uint32_t i = 0; i < n; i++) {
			uint32_t f = pa + i * PG_SIZE;
			if (!run_containing(f, 1)) {
				free_explain(f);
				return -1;
			}
		}
		mon_printf("error: free: [0x%08x, %u frames) spans several alloc runs; free each "
			   "run separately\n",
			   (unsigned)pa, (unsigned)n);
		return -1;
	}
	uint32_t head_frames = 0, tail_frames = 0;
	if (r) {
		/* The held run keeps [start, pa) and [pa + n, end): check there is a slot for a
		 * tail before freeing anything, so the monitor never loses track of a frame. */
		uint32_t end = r->start + r->frames * PG_SIZE;
		head_frames = (pa - r->start) / PG_SIZE;
		tail_frames = (end - (pa + n * PG_SIZE)) / PG_SIZE;
		if (head_frames && tail_frames && !run_slot_free()) {
			mon_printf("error: free: splitting this run needs a slot and all %u "
				   "are used; free a whole run first\n",
				   MON_MAX_RUNS);
			return -1;
		}
	} else {
		mon_printf("free: forced: passing 0x%08x (%u frames) to the PMM as asked\n",
			   (unsigned)pa, (unsigned)n);
	}
	pmm_free_frames(pa, n);
	if (r) {
		struct mon_run *tail = r;
		if (head_frames) {
			r->frames = head_frames;
			tail = run_slot_free();
		} else {
			r->start = 0;
		}
		if (tail_frames && tail) {
			tail->start = pa + n * PG_SIZE;
			tail->frames = tail_frames;
		}
	}
	mon_printf("free: [mem 0x%08x-0x%08x] %u frames; free=%u\n", (unsigned)pa,
		   (unsigned)(pa + n * PG_SIZE - 1), (unsigned)n, (unsigned)pmm_free_count());
	return 0;
}

static const struct mon_cmd mon_cmds_pmm[] = {
	{ "mmap", "", "memory map: raw from the loader, sanitised", 0, 0, cmd_mmap },
	{ "pmm", "", "frame counts, reservations, frames alloc holds", 0, 0, cmd_pmm },
	{ "alloc", "[n]", "allocate n contiguous frames (1-1024; 1)", 0, 1, cmd_alloc },
	{ "free", "<addr> [n] [force]", "free n frames (default 1) got from alloc", 1, 3,
	  cmd_free },
};
const struct mon_cmd_group mon_group_pmm = { "physical memory", mon_cmds_pmm,
					     MON_ARRAY_SIZE(mon_cmds_pmm) };
