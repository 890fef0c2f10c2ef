/*
 * memmap.h - the physical memory map: parsing the firmware's list, sanitising it, printing it.
 *
 * The BIOS (E820, passed on by the loader as the Multiboot memory map, spec 0.6.96 section 3.3)
 * may hand us ranges that are unsorted, overlapping, of zero length, adjacent pieces of one range,
 * above 4 GiB, or of types nobody defined. memmap_sanitise() turns any such list into a clean one:
 *   1. change-point sweep (as Linux's e820__update_table does): every range start and end is a
 *      change point; between two consecutive points the most restrictive type of all ranges that
 *      cover the piece wins (ranking below), so overlaps are split and never lose a reservation;
 *   2. neighbours of the same type are merged, empty pieces dropped;
 *   3. everything at or above 4 GiB is cut off (32-bit paging without PAE cannot reach it) and the
 *      usable bytes lost that way are recorded in usable_above_4g so the kernel can say so;
 *   4. usable ranges are rounded inward to whole 4 KiB frames (partial frames are not RAM we own).
 * The result is sorted, non-overlapping, and every usable range is frame aligned and non-empty.
 *
 * Restrictiveness, least to most (decides overlaps): usable < ACPI data (reclaimable once the
 * tables are read) < ACPI NVS (firmware keeps state there across sleep) < reserved and unknown
 * types (the spec says treat unknown types as reserved) < unusable (bad RAM, ACPI 3.0 type 5).
 * Two different types of equal rank (reserved 2 vs an unknown 7): the larger number wins, so the
 * result never depends on input order.
 */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H

#include "mm/mm_env.h"

#define MEMMAP_USABLE    1 /* Multiboot "available RAM" (MB_MEMORY_AVAILABLE) */
#define MEMMAP_RESERVED  2
#define MEMMAP_ACPI_DATA 3 /* ACPI reclaimable */
#define MEMMAP_ACPI_NVS  4
#define MEMMAP_UNUSABLE  5 /* ACPI 3.0: bad memory */

#define MEMMAP_LIMIT 0x100000000ull /* 4 GiB: what 32-bit paging can address */

/* Capacities: the sanitiser needs no heap, so its buffers are fixed. Real E820 maps have a few
 * dozen entries (Linux's E820_MAX_ENTRIES_ZEROPAGE is 128); a longer raw map is still handled
 * safely (see memmap_sanitise). */
#define MEMMAP_MAX_RAW    256
#define MEMMAP_MAX_RANGES (2 * MEMMAP_MAX_RAW)

/* One range, [start, end): end is exclusive so that empty ranges are visible as start == end. */
struct memmap_range {
	phys_addr_t start, end;
	uint32_t type;
};

struct memmap {
	size_t count; /* ranges in range[], sorted, disjoint */
	struct memmap_range range[MEMMAP_MAX_RANGES];
	phys_addr_t usable_above_4g; /* usable bytes cut off at 4 GiB (after overlap rules) */
	phys_addr_t usable_trimmed;  /* usable bytes lost rounding inward to whole frames */
	size_t raw_count;            /* entries offered to the sanitiser */
	size_t raw_dropped;          /* entries ignored over MEMMAP_MAX_RAW (usable ones first) */
};

/* Scratch space for the sweep; the kernel keeps one static instance, tests one on the heap. */
struct memmap_scratch {
	struct memmap_range raw[MEMMAP_MAX_RAW];
	struct memmap_point {
		phys_addr_t addr;
		uint32_t idx;
		uint32_t is_end;
	} point[2 * MEMMAP_MAX_RAW];
	uint32_t active[MEMMAP_MAX_RAW];
};

/*
 * Sanitise n raw ranges (any order, any overlap, any length, end exclusive, end < start treated as
 * empty) into out. Never fails. When n exceeds MEMMAP_MAX_RAW, usable entries are dropped first
 * (losing RAM is safe, losing a reservation is not); if even the non-usable ones do not fit the
 * result holds no usable RAM at all. Both cases are counted in out->raw_dropped.
 */
void memmap_sanitise(struct memmap *out, const struct memmap_range *raw, size_t n,
		     struct memmap_scratch *scratch);

/*
 * Parse a Multiboot memory map buffer (spec 3.3: each entry starts with a 4-byte size that does not
 * count itself; the next entry is size + 4 bytes further). Writes at most max ranges, returns the
 * number of entries found (which may exceed max: the caller decides what to do). Stops at an entry
 * whose size field is smaller than 20 bytes or that runs past the buffer (counted in *bad if given).
 */
size_t memmap_parse_multiboot(const void *buf, uint32_t length, struct memmap_range *out,
			      size_t max, size_t *bad);

/* The name the boot log uses: usable, reserved, ACPI data, ACPI NVS, unusable, or "type N"
 * (written into buf, which must hold 16 bytes). */
const char *memmap_type_name(uint32_t type, char buf[16]);

/* Rank of a type in the overlap rule above (0 = usable ... 4 = unusable). */
unsigned memmap_type_rank(uint32_t type);

/* Log one `<prefix>: [mem 0x%016llx-0x%016llx] <type>` line per range (end printed inclusive,
 * as Linux and our raw BIOS-e820 lines do) and, when RAM was cut off at 4 GiB, a line saying how
 * much. */
void memmap_print(const struct memmap *m, const char *prefix);

/* Frames wholly inside usable ranges (the ranges are already frame aligned and below 4 GiB). */
uint32_t memmap_usable_frames(const struct memmap *m);

#endif
