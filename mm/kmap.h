/*
 * kmap.h - temporary kernel mappings of physical frames: how the kernel reaches a frame that
 * the direct map does not cover (at or above DIRECT_MAP_PHYS_END, include/vmlayout.h).
 *
 * A window is one page of [KMAP_START, KMAP_END) (one page table, made at boot) mapped to the
 * frame until kunmap. Frames below the limit need no window: kmap answers their direct-map
 * address and kunmap of it does nothing, so callers use kmap/kunmap for any frame and pay for
 * a window only when one is needed (Linux's kmap for HIGHMEM pages does the same).
 * kmap_window always takes a window, even for a low frame (tests: one frame seen through two
 * addresses). Windows are few (KMAP_SLOTS) and meant for short use; kmap returns NULL when all
 * are taken. Safe against interrupt handlers (mm_irq_save).
 *
 *     uint32_t *w = kmap(pa);   ... w[0] = 1; ...   kunmap(w);
 */
#ifndef MM_KMAP_H
#define MM_KMAP_H

#include <stdint.h>

#include "mm/mm_env.h"
#include "vmlayout.h"

#define KMAP_SLOTS ((KMAP_END - KMAP_START) / PG_SIZE)

/* pa: a frame address (4 KiB aligned; anything else panics). */
void *kmap(uint32_t pa);
void *kmap_window(uint32_t pa);
/* va: what kmap or kmap_window returned (a direct-map address is accepted and ignored). */
void kunmap(void *va);
/* Windows in use now. */
unsigned kmap_in_use(void);

#endif
