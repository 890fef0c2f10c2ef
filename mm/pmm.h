/*
 * pmm.h - the physical memory manager: which 4 KiB frames of RAM below 4 GiB are free, which are
 * taken and by whom. docs/pmm.md explains the design and the boot log lines.
 *
 * Physical addresses are uint32_t (we only manage RAM below 4 GiB). The first MiB (BIOS_LOW_END,
 * include/x86.h) is always reserved, so 0 is never a valid frame to hand out: every allocator
 * returns 0 for "none".
 *
 * Accounting (exact, frame by frame): usable = frames wholly inside usable ranges of the sanitised
 * map; every usable frame is exactly one of free, allocated or reserved, so at any time
 *     usable == free + allocated + reserved      (allocated == 0 right after pmm_init)
 * A frame covered by several reservations counts once, under the FIRST reservation that took it
 * (pmm_init reserves in the order: low-1mib, the caller's regions in the order given, pmm-bitmap).
 *
 * Misuse panics (mm_panic) naming the frame and the caller: freeing a free frame, a frame that is
 * not usable RAM, a frame of a reservation, an unaligned address; reserving an allocated frame; an
 * alignment that is not a power of two. pmm_frame_state() answers the same questions without
 * panicking, for a monitor. The entry points that allocate, free, reserve or check keep
 * interrupts off while they work (mm_irq_save in mm_env.h), so an interrupt handler may allocate
 * and free; on one CPU that is the whole lock (a second CPU would need a real one).
 *
 * The state is one global instance; pmm_init() may be called again at any time (host tests do).
 */
#ifndef MM_PMM_H
#define MM_PMM_H

#include "mm/mm_env.h"
#include "mm/memmap.h"

#define PMM_DMA_LIMIT        0x1000000u /* 16 MiB: ISA DMA reach; single frames come from above it first */
#define PMM_MAX_RESERVATIONS 64
#define PMM_MAX_LEVELS       5 /* 2^20 frames -> 32768 words -> 1024 -> 32 -> 1 */

/* A region to reserve at init: name (a single word, kept by pointer: use a string literal or
 * static storage), [start, end) in bytes; rounded outward to whole frames. */
struct pmm_region {
	const char *name;
	phys_addr_t start, end;
};

/* A reservation as recorded: [start, end) rounded outward to frames and clipped to the bitmap,
 * frames = how many usable frames it took (not counting frames an earlier reservation took). */
struct pmm_reservation {
	const char *name;
	phys_addr_t start, end;
	uint32_t frames;
};

enum pmm_frame_state {
	PMM_FRAME_FREE,
	PMM_FRAME_ALLOCATED,
	PMM_FRAME_RESERVED,
	PMM_FRAME_NOT_RAM,   /* outside every usable range (hole, firmware, above the top of RAM) */
	PMM_FRAME_UNALIGNED, /* the address is not the start of a frame */
};

/*
 * Initialise from a sanitised map (memmap_sanitise). Places the bitmap (one bit per frame up to the
 * highest usable frame, plus the summary levels) at the lowest frame-aligned spot of usable RAM at
 * or above 1 MiB that overlaps none of the regions given, then reserves low-1mib, each region in
 * order, and pmm-bitmap, logging one `pmm: reserved ...` line each and the `pmm: usable=...` summary.
 * Panics with a clear message when the map has no usable RAM or no room for the bitmap.
 */
void pmm_init(const struct memmap *map, const struct pmm_region *regions, size_t nregions);

/* One frame (0 when none is free). Prefers frames above 16 MiB while there are any. */
uint32_t pmm_alloc_frame(void);

/* n contiguous frames whose first address is a multiple of align (bytes, a power of two >= PG_SIZE;
 * 0 means PG_SIZE) and whose end is <= limit (exclusive end address; 0 = no limit, e.g. PMM_DMA_LIMIT
 * for ISA DMA). Returns the first address, or 0 when no such run is free (or n == 0). */
uint32_t pmm_alloc_frames(size_t n, uint32_t align, uint32_t limit);

void pmm_free_frame(uint32_t pa);
void pmm_free_frames(uint32_t pa, size_t n);

/* Reserve [start, end) (rounded outward to frames) under name: free usable frames in it become
 * reserved; frames already reserved stay under their first owner; allocated frames: panic. */
void pmm_reserve_range(const char *name, phys_addr_t start, phys_addr_t end);

size_t pmm_free_count(void);
size_t pmm_usable_count(void);
size_t pmm_reserved_count(void);
size_t pmm_allocated_count(void);

/* Non-panicking queries (for a monitor or tests). */
enum pmm_frame_state pmm_frame_state(uint32_t pa);
const char *pmm_frame_state_name(enum pmm_frame_state s);
const char *pmm_frame_owner(uint32_t pa); /* name of the reservation holding pa, or NULL */

/* Reservations in the order made: fills *out and returns true while i < count. */
bool pmm_reservation_get(size_t i, struct pmm_reservation *out);
size_t pmm_reservation_count(void);

/* Where the bitmap lives (physical) and how big it is (bytes, all levels). */
uint32_t pmm_bitmap_phys(void);
uint32_t pmm_bitmap_bytes(void);
uint32_t pmm_frames_covered(void); /* bits in level 0: highest usable frame + 1 */

/* Print the `pmm: usable=<n> free=<n> reserved=<n>` line (plus allocated when non-zero). */
void pmm_print_summary(void);

/* Full consistency check of the bitmap against the map, reservations, summaries and counters;
 * logs the first few problems and returns how many it found (0 = consistent). O(frames). */
size_t pmm_check(void);

/* Bitmap words read so far (every level): a machine-independent cost measure for tests/benches. */
uint64_t pmm_words_touched(void);

#endif
