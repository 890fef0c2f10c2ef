/*
 * cow.h - per-frame reference counts for copy-on-write: how many page tables map each user
 * frame, so that fork can share frames read-only and the last sharer can take a frame back
 * (Linux keeps the same count in struct page's _mapcount/_refcount; the xv6 copy-on-write lab
 * keeps an array of counts beside its allocator, as we do).
 *
 * One 16-bit count per frame the PMM covers (pmm_frames_covered()), in contiguous frames taken
 * from the PMM by cow_init: 2 bytes per 4 KiB frame, 2 MiB for 4 GiB of RAM. A count is 0 for a
 * frame no user page maps. Every operation checks the frame against the PMM: misuse (an unaligned
 * address, a frame beyond the table, a count on a frame the PMM does not hold as allocated, a
 * put or get on a count of 0, a new count on a counted frame) panics with the frame and the
 * caller, like the PMM's own misuse checks. A count that would pass 65535 is refused
 * (cow_ref_get returns false) and fork fails instead.
 */
#ifndef MM_COW_H
#define MM_COW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/mm_env.h"

#define COW_REF_MAX 0xFFFFu

/* Take the table from the PMM, below reach_limit (exclusive, 0 for no limit: the frames must be
 * reachable through mm_phys_to_virt, so the kernel passes mm_direct_limit()), and clear it. Returns false when the PMM has no such run.
 * Called after pmm_init (again after each pmm_init: the old table went with the old PMM). */
bool cow_init(uint32_t reach_limit);

/* A frame the caller just took from the PMM is now mapped once: its count goes 0 -> 1. */
void cow_ref_new(uint32_t pa);
/* One more mapping of a counted frame; false (count unchanged) when it is at COW_REF_MAX. */
bool cow_ref_get(uint32_t pa);
/* One mapping fewer; at 0 the frame goes back to the PMM. Returns the new count. */
unsigned cow_ref_put(uint32_t pa);
/* The current count (0 for a frame no page maps); panics only for an address it cannot hold. */
unsigned cow_ref_count(uint32_t pa);

/* Frames counted above zero, and the table's place and size (for the boot log and tests). */
size_t cow_counted_frames(void);
uint32_t cow_table_phys(void);
size_t cow_table_frames(void);

#endif
