/*
 * pmm.c - in-kernel suite `pmm`: the frame allocator on the real machine (QEMU at -m 16 ... 4096).
 *
 * Every check compares the PMM with something computed here independently of mm/memmap.c and
 * mm/pmm.c: the raw Multiboot map walked with bootinfo_mmap_walk, a frame-by-frame "is this
 * frame wholly usable RAM" rule evaluated against the raw entries, and the boot structures'
 * addresses read from the Multiboot information and the linker symbols.
 *   - the summary holds: usable equals the independent count, usable = free + reserved + allocated,
 *     the reservations' frames add up to reserved, and no frame of any boot structure is free;
 *   - allocation until exhaustion: each frame distinct (a bitmap of our own), usable RAM, outside
 *     every boot structure, reported allocated, and writable: a pattern is written into each
 *     frame as it is handed out and all are read back once everything is allocated (so a frame
 *     handed out twice or aliased would show). Above 512 MiB of RAM only every 64th frame gets
 *     the whole pattern and the others one tag word, to stay within test time (said in a diag);
 *   - everything freed: the free count returns to its value before;
 *   - contiguous runs, alignments, the 16 MiB limit, single frames preferring memory above it;
 *   - the non-panicking queries (frame states and owners), pmm_check() before and after.
 * Reaches frames through kmap: the direct map below DIRECT_MAP_PHYS_END, a temporary window
 * above it (every usable frame below 4 GiB is handed out and written, at every memory size).
 */
#include "mm/pmm.h"
#include "kernel/core/bootinfo.h"
#include "kernel/debug/ktest.h"
#include "kernel/layout.h"
#include "kernel/lib/string.h"
#include "mm/kmap.h"
#include "mm/mm_env.h"
#include "multiboot.h"
#include "x86.h"

#include <stddef.h>

#define KT_MAX_RAW             128
#define KT_MAX_AREAS           48
#define KT_FULL_PATTERN_FRAMES (512u * 256u) /* 512 MiB: write every frame whole below this */

static struct {
	uint64_t start, end;
	uint32_t type;
} kt_raw[KT_MAX_RAW];
static int kt_nraw;
static struct {
	uint64_t start, end;
	const char *what;
} kt_area[KT_MAX_AREAS];
static int kt_narea;
/* One bit per frame below 4 GiB: handed out by this run. */
static uint32_t kt_seen[(1u << 20) / 32];

static void kt_collect(const struct multiboot_mmap_entry *e, void *ctx)
{
	(void)ctx;
	if (kt_nraw == KT_MAX_RAW)
		return;
	uint64_t end = e->base_addr + e->length;
	if (end < e->base_addr)
		end = ~0ull;
	kt_raw[kt_nraw].start = e->base_addr;
	kt_raw[kt_nraw].end = end;
	kt_raw[kt_nraw++].type = e->type;
}

/* Is [a, a + 4096) entirely covered by usable entries and touched by no other entry? */
static bool kt_frame_is_ram(uint64_t a)
{
	uint64_t e = a + PG_SIZE, p = a;
	for (int i = 0; i < kt_nraw; i++)
		if (kt_raw[i].type != MB_MEMORY_AVAILABLE && kt_raw[i].start < e &&
		    a < kt_raw[i].end)
			return false;
	bool grew = true;
	while (p < e && grew) {
		grew = false;
		for (int i = 0; i < kt_nraw; i++)
			if (kt_raw[i].type == MB_MEMORY_AVAILABLE && kt_raw[i].start <= p &&
			    kt_raw[i].end > p) {
				p = kt_raw[i].end;
				grew = true;
			}
	}
	return p >= e;
}

static void kt_area_add(const char *what, uint64_t start, uint64_t end)
{
	if (kt_narea < KT_MAX_AREAS && end > start) {
		kt_area[kt_narea].start = start & ~(uint64_t)(PG_SIZE - 1);
		kt_area[kt_narea].end = end;
		kt_area[kt_narea++].what = what;
	}
}

static size_t kt_strsize(uint32_t pa)
{
	return strlen((const char *)mm_phys_to_virt(pa)) + 1;
}

/* Every structure the PMM must keep, from the sources (not from the PMM's records). */
static void kt_collect_areas(void)
{
	const struct multiboot_info *mbi = bootinfo_info();
	kt_narea = 0;
	kt_area_add("first MiB", 0, BIOS_LOW_END);
	kt_area_add("kernel", KERNEL_PHYS(__kernel_start), KERNEL_PHYS(__kernel_end));
	kt_area_add("multiboot info", bootinfo_loader_address(),
		    bootinfo_loader_address() + (uint64_t)bootinfo_loader_size());
	kt_area_add("bitmap", pmm_bitmap_phys(), (uint64_t)pmm_bitmap_phys() + pmm_bitmap_bytes());
	if (mbi->flags & MB_INFO_MEM_MAP)
		kt_area_add("mmap", mbi->mmap_addr, (uint64_t)mbi->mmap_addr + mbi->mmap_length);
	if ((mbi->flags & MB_INFO_CMDLINE) && mbi->cmdline)
		kt_area_add("cmdline", mbi->cmdline,
			    mbi->cmdline + (uint64_t)kt_strsize(mbi->cmdline));
	if ((mbi->flags & MB_INFO_LOADER_NAME) && mbi->boot_loader_name)
		kt_area_add("loader name", mbi->boot_loader_name,
			    mbi->boot_loader_name + (uint64_t)kt_strsize(mbi->boot_loader_name));
	if ((mbi->flags & MB_INFO_MODS) && mbi->mods_count) {
		const struct multiboot_module *m = (const void *)mm_phys_to_virt(mbi->mods_addr);
		kt_area_add("module table", mbi->mods_addr,
			    mbi->mods_addr + (uint64_t)mbi->mods_count * sizeof *m);
		for (uint32_t i = 0; i < mbi->mods_count; i++) {
			kt_area_add("module", m[i].mod_start, m[i].mod_end);
			if (m[i].string)
				kt_area_add("module string", m[i].string,
					    m[i].string + (uint64_t)kt_strsize(m[i].string));
		}
	}
}

static const char *kt_in_area(uint64_t a)
{
	for (int i = 0; i < kt_narea; i++)
		if (a + PG_SIZE > kt_area[i].start && a < kt_area[i].end)
			return kt_area[i].what;
	return NULL;
}

static bool kt_seen_test_and_set(uint32_t f)
{
	bool was = (kt_seen[f >> 5] >> (f & 31)) & 1;
	kt_seen[f >> 5] |= 1u << (f & 31);
	return was;
}

static uint32_t kt_pattern(uint32_t pa, uint32_t i)
{
	return (pa ^ 0x5A5AA5A5u) + i * 0x9E3779B9u;
}

/* ---- the checks ---------------------------------------------------------------------------- */

static void pmm_suite_summary(void)
{
	uint32_t independent = 0, top = 0;
	for (int i = 0; i < kt_nraw; i++)
		if (kt_raw[i].type == MB_MEMORY_AVAILABLE) {
			uint64_t e = kt_raw[i].end > MEMMAP_LIMIT ? MEMMAP_LIMIT : kt_raw[i].end;
			if ((e >> PG_SHIFT) > top)
				top = (uint32_t)(e >> PG_SHIFT);
		}
	for (uint32_t f = 0; f < top; f++)
		independent += kt_frame_is_ram((uint64_t)f << PG_SHIFT);
	ktap_ok(pmm_usable_count() == independent,
		"usable=%u equals the whole usable frames below 4 GiB counted from the raw map "
		"(%u)",
		(unsigned)pmm_usable_count(), (unsigned)independent);
	ktap_ok(pmm_free_count() + pmm_reserved_count() + pmm_allocated_count() ==
			pmm_usable_count(),
		"free %u + reserved %u + allocated %u == usable %u", (unsigned)pmm_free_count(),
		(unsigned)pmm_reserved_count(), (unsigned)pmm_allocated_count(),
		(unsigned)pmm_usable_count());
	uint32_t sum = 0;
	struct pmm_reservation r;
	for (size_t i = 0; pmm_reservation_get(i, &r); i++)
		sum += r.frames;
	ktap_ok(sum == pmm_reserved_count(), "reservations' frames add up to reserved (%u)",
		(unsigned)sum);

	/* No frame of any boot structure is free; the usable ones are reserved. */
	uint32_t bad = 0, checked = 0;
	for (int i = 0; i < kt_narea; i++)
		for (uint64_t a = kt_area[i].start; a < kt_area[i].end && a < MEMMAP_LIMIT;
		     a += PG_SIZE) {
			enum pmm_frame_state s = pmm_frame_state((uint32_t)a);
			checked++;
			if (s == PMM_FRAME_FREE || s == PMM_FRAME_ALLOCATED ||
			    (kt_frame_is_ram(a) && s != PMM_FRAME_RESERVED)) {
				if (bad++ < 4)
					ktap_diag("frame 0x%08x of %s is %s", (unsigned)a,
						  kt_area[i].what, pmm_frame_state_name(s));
			}
		}
	ktap_ok(bad == 0,
		"every frame of the kernel, first MiB, bitmap and Multiboot structures is "
		"reserved or not RAM (%u frames, %u bad)",
		(unsigned)checked, (unsigned)bad);
	ktap_ok(pmm_frame_state(KERNEL_PHYS(__kernel_start)) == PMM_FRAME_RESERVED &&
			pmm_frame_owner(KERNEL_PHYS(__kernel_start)) &&
			strcmp(pmm_frame_owner(KERNEL_PHYS(__kernel_start)), "kernel") == 0,
		"the kernel's first frame is reserved, owner \"kernel\"");
	ktap_ok(pmm_frame_state(0xA0000) == PMM_FRAME_NOT_RAM &&
			pmm_frame_state(0x1001) == PMM_FRAME_UNALIGNED &&
			pmm_frame_state(0) == PMM_FRAME_RESERVED,
		"queries without panicking: VGA hole not RAM, unaligned, frame 0 reserved");
	ktap_ok(pmm_check() == 0, "pmm_check: bitmap, summaries and counters consistent");
}

static void pmm_suite_exhaust(void)
{
	size_t free0 = pmm_free_count();
	bool full = pmm_usable_count() <= KT_FULL_PATTERN_FRAMES;
	uint32_t n = 0, dup = 0, zero = 0, notram = 0, inres = 0, state = 0, pa;
	if (!full)
		ktap_diag("RAM above 512 MiB: whole-frame pattern in every 64th frame, "
			  "a tag word in the others");
	memset(kt_seen, 0, sizeof kt_seen);
	while ((pa = pmm_alloc_frame()) != 0) {
		n++;
		if (pa & (PG_SIZE - 1)) {
			zero++;
			continue;
		}
		if (kt_seen_test_and_set(pa >> PG_SHIFT)) {
			if (dup++ < 4)
				ktap_diag("frame 0x%08x handed out twice", (unsigned)pa);
			continue;
		}
		if (!kt_frame_is_ram(pa)) {
			if (notram++ < 4)
				ktap_diag("frame 0x%08x is not usable RAM", (unsigned)pa);
			continue;
		}
		const char *area = kt_in_area(pa);
		if (area) {
			if (inres++ < 4)
				ktap_diag("frame 0x%08x lies in %s", (unsigned)pa, area);
			continue;
		}
		if (pmm_frame_state(pa) != PMM_FRAME_ALLOCATED)
			state++;
		uint32_t *w = kmap(pa); /* the direct map, or a window above it */
		if (full || (pa >> PG_SHIFT) % 64 == 0)
			for (uint32_t i = 0; i < PG_SIZE / 4; i++)
				w[i] = kt_pattern(pa, i);
		else
			w[0] = kt_pattern(pa, 0);
		kunmap(w);
	}
	ktap_ok(n == free0 && pmm_free_count() == 0,
		"allocated until exhaustion: %u frames, %u were free", (unsigned)n,
		(unsigned)free0);
	ktap_ok(zero == 0 && dup == 0,
		"every frame aligned and distinct (%u unaligned, %u duplicates)", (unsigned)zero,
		(unsigned)dup);
	ktap_ok(notram == 0, "every frame wholly inside usable RAM of the raw map (%u outside)",
		(unsigned)notram);
	ktap_ok(inres == 0,
		"no frame inside the kernel, first MiB, bitmap or Multiboot structures (%u inside)",
		(unsigned)inres);
	ktap_ok(state == 0, "pmm_frame_state says allocated for each (%u disagree)",
		(unsigned)state);
	ktap_ok(pmm_alloc_frame() == 0 && pmm_alloc_frames(1, 0, 0) == 0,
		"exhausted: further requests return 0");

	/* Read every pattern back only now: a frame given out twice would have been overwritten. */
	uint32_t badwords = 0, frames_checked = 0;
	for (uint32_t wi = 0; wi < sizeof kt_seen / 4; wi++)
		for (uint32_t bits = kt_seen[wi]; bits; bits &= bits - 1) {
			uint32_t f = (wi << 5) | (uint32_t)__builtin_ctz(bits), fpa = f << PG_SHIFT;
			const uint32_t *w = kmap(fpa);
			uint32_t words = (full || f % 64 == 0) ? PG_SIZE / 4 : 1;
			frames_checked++;
			for (uint32_t i = 0; i < words; i++)
				if (w[i] != kt_pattern(fpa, i) && badwords++ < 4)
					ktap_diag("frame 0x%08x word %u: 0x%08x, wrote 0x%08x",
						  (unsigned)fpa, (unsigned)i, (unsigned)w[i],
						  (unsigned)kt_pattern(fpa, i));
			kunmap((void *)w);
		}
	ktap_ok(badwords == 0, "patterns read back from %u frames (%s)", (unsigned)frames_checked,
		full ? "every word of every frame" :
		       "whole frames: every 64th, tag word: the rest");

	for (uint32_t wi = 0; wi < sizeof kt_seen / 4; wi++)
		for (uint32_t bits = kt_seen[wi]; bits; bits &= bits - 1)
			pmm_free_frame(((wi << 5) | (uint32_t)__builtin_ctz(bits)) << PG_SHIFT);
	ktap_ok(pmm_free_count() == free0, "all freed: free count back to %u (is %u)",
		(unsigned)free0, (unsigned)pmm_free_count());
	ktap_ok(pmm_check() == 0, "pmm_check after exhaustion and refill");
}

/* All n frames from pa: allocated, usable RAM, outside every structure. */
static bool kt_run_ok(uint32_t pa, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t a = pa + i * PG_SIZE;
		if (pmm_frame_state(a) != PMM_FRAME_ALLOCATED || !kt_frame_is_ram(a) ||
		    kt_in_area(a))
			return false;
	}
	return true;
}

static void pmm_suite_constraints(void)
{
	size_t free0 = pmm_free_count();
	uint32_t a = pmm_alloc_frames(16, 64 * 1024, 0);
	ktap_ok(a && a % (64 * 1024) == 0 && kt_run_ok(a, 16),
		"16 frames aligned to 64 KiB at 0x%08x", (unsigned)a);
	uint32_t b = pmm_alloc_frames(1024, 4u << 20, 0);
	ktap_ok(b && b % (4u << 20) == 0 && kt_run_ok(b, 1024),
		"1024 frames aligned to 4 MiB at 0x%08x", (unsigned)b);
	uint32_t d = pmm_alloc_frames(8, 0, PMM_DMA_LIMIT);
	ktap_ok(d && d + 8 * PG_SIZE <= PMM_DMA_LIMIT && kt_run_ok(d, 8),
		"8 frames below 16 MiB at 0x%08x", (unsigned)d);
	uint32_t s = pmm_alloc_frame();
	bool above = pmm_usable_count() > (PMM_DMA_LIMIT >> PG_SHIFT) + 1024;
	ktap_ok(s && kt_run_ok(s, 1) && (!above || s >= PMM_DMA_LIMIT),
		"a single frame at 0x%08x%s", (unsigned)s,
		above ? " (above 16 MiB while there is RAM there)" : "");
	if (a)
		pmm_free_frames(a, 16);
	if (b)
		pmm_free_frames(b, 1024);
	if (d)
		pmm_free_frames(d, 8);
	if (s)
		pmm_free_frame(s);

	/* Every free frame below 16 MiB, through the limited request, and nothing else. */
	uint32_t below = 0;
	for (uint32_t f = 0; f < (PMM_DMA_LIMIT >> PG_SHIFT); f++)
		below += pmm_frame_state(f << PG_SHIFT) == PMM_FRAME_FREE;
	uint32_t got = 0, outside = 0, pa;
	memset(kt_seen, 0, sizeof kt_seen);
	while ((pa = pmm_alloc_frames(1, 0, PMM_DMA_LIMIT)) != 0) {
		got++;
		if (pa >= PMM_DMA_LIMIT || !kt_run_ok(pa, 1) ||
		    kt_seen_test_and_set(pa >> PG_SHIFT))
			outside++;
	}
	ktap_ok(got == below && outside == 0,
		"below-16-MiB requests: %u frames, all below the limit (%u free there, %u bad)",
		(unsigned)got, (unsigned)below, (unsigned)outside);
	ktap_ok(pmm_alloc_frames(2, 0, PMM_DMA_LIMIT) == 0,
		"then a 2-frame request below 16 MiB is refused");
	for (uint32_t wi = 0; wi < (PMM_DMA_LIMIT >> PG_SHIFT) / 32; wi++)
		for (uint32_t bits = kt_seen[wi]; bits; bits &= bits - 1)
			pmm_free_frame(((wi << 5) | (uint32_t)__builtin_ctz(bits)) << PG_SHIFT);
	ktap_ok(pmm_free_count() == free0, "free count back to %u after the constraint tests",
		(unsigned)free0);
}

static void pmm_suite(void)
{
	const char *error;
	kt_nraw = 0;
	bootinfo_mmap_walk(kt_collect, NULL, &error);
	kt_collect_areas();
	ktap_diag("raw map: %d entries; %u usable frames; %d boot structures", kt_nraw,
		  (unsigned)pmm_usable_count(), kt_narea);
	if (!ktap_ok(kt_nraw > 0 && kt_nraw < KT_MAX_RAW && pmm_usable_count() > 0,
		     "the loader gave a memory map and the PMM is initialised"))
		return;
	pmm_suite_summary();
	pmm_suite_exhaust();
	pmm_suite_constraints();
}

KTEST_SUITE("pmm", pmm_suite);
