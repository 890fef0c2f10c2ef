/*
 * heap_block.h - the heap's block layout (internal to mm/heap*.c; nothing else includes it).
 *
 * A block is a header followed by its payload; payloads are 16-byte aligned and block sizes
 * are multiples of 16, so the header sits just below an aligned address. The last header word
 * is the size of the whole block (header included) with two flags in its low bits, as in the
 * TLSF paper (section 4.2): BLK_FREE (this block is free) and BLK_PREV_FREE (the block before
 * it in memory is free). Only free blocks carry a footer (their size, in their last word),
 * which is what lets a freed block find and merge with a free predecessor (Knuth's boundary
 * tags); a used block needs no footer because its successor's BLK_PREV_FREE is clear.
 *
 *   release (HEAP_DEBUG=0), header = 1 word:   [size|flags][payload ...]
 *   debug   (HEAP_DEBUG=1), header = 4 words:  [caller][requested][magic][size|flags][payload ...]
 *   free block:  [header][next free][prev free][poison (debug) ...][footer = size]
 *   the heap:    [first block] ... [last block][wilderness][sentinel]  (the wilderness, from
 *                h->top to the sentinel, has no header and is in no list: heap_tlsf.h, carve)
 *   cached block (BLK_CACHED, used for TLSF): [header][next cached][poison (debug) ...]
 *
 * In debug builds magic is HEAP_MAGIC_LIVE or HEAP_MAGIC_FREE xor'ed with the payload address
 * (so a stale copy elsewhere does not look valid), `requested` places the red zone, and in a
 * free block the `requested` word holds the address of the code that freed it.
 */
#ifndef MM_HEAP_BLOCK_H
#define MM_HEAP_BLOCK_H

#include "mm/heap.h"

#define BLK_W         ((uintptr_t)sizeof(uintptr_t))
#define BLK_HDR       ((HEAP_DEBUG ? 4 : 1) * BLK_W)
#define BLK_FREE      ((uintptr_t)1)
#define BLK_PREV_FREE ((uintptr_t)2)
#define BLK_CACHED    ((uintptr_t)4) /* freed, held by the small-block cache (used for TLSF) */
#define BLK_FLAGS     ((uintptr_t)(HEAP_ALIGN - 1))
/* A free block must hold its header, two links and a footer. */
#define BLK_MIN       ((BLK_HDR + 3 * BLK_W + HEAP_ALIGN - 1) & ~(uintptr_t)(HEAP_ALIGN - 1))
/* Bytes of red zone every debug block has at least. */
#define BLK_REDZONE   (HEAP_DEBUG ? BLK_W : 0)

#define HEAP_MAGIC_LIVE ((uintptr_t)0x4c1fe7a5u)
#define HEAP_MAGIC_FREE ((uintptr_t)0xf4eeb10cu)
#define HEAP_MAGIC_END  ((uintptr_t)0xe9d5e971u)

/* Header fields of the block at b. */
static inline uintptr_t *blk_sizew(uintptr_t b)
{
	return (uintptr_t *)(b + BLK_HDR - BLK_W);
}
static inline uintptr_t *blk_caller(uintptr_t b)
{
	return (uintptr_t *)b;
}
static inline uintptr_t *blk_req(uintptr_t b)
{
	return (uintptr_t *)(b + BLK_W);
}
static inline uintptr_t *blk_magic(uintptr_t b)
{
	return (uintptr_t *)(b + 2 * BLK_W);
}

static inline uintptr_t blk_size(uintptr_t b)
{
	return *blk_sizew(b) & ~BLK_FLAGS;
}
static inline bool blk_is_free(uintptr_t b)
{
	return (*blk_sizew(b) & BLK_FREE) != 0;
}
static inline bool blk_is_cached(uintptr_t b)
{
	return (*blk_sizew(b) & BLK_CACHED) != 0;
}
static inline bool blk_prev_is_free(uintptr_t b)
{
	return (*blk_sizew(b) & BLK_PREV_FREE) != 0;
}
static inline uintptr_t blk_payload(uintptr_t b)
{
	return b + BLK_HDR;
}
static inline uintptr_t blk_from_payload(uintptr_t p)
{
	return p - BLK_HDR;
}
/* Valid only when blk_prev_is_free(b): the predecessor's footer is the word before b. */
static inline uintptr_t blk_prev(uintptr_t b)
{
	return b - ((uintptr_t *)b)[-1];
}

/* Free-list links, in the first two payload words of a free block. */
static inline uintptr_t *blk_next_free(uintptr_t b)
{
	return (uintptr_t *)(b + BLK_HDR);
}
static inline uintptr_t *blk_prev_free(uintptr_t b)
{
	return (uintptr_t *)(b + BLK_HDR + BLK_W);
}
static inline uintptr_t *blk_footer(uintptr_t b, uintptr_t size)
{
	return (uintptr_t *)(b + size - BLK_W);
}

/* The poisoned part of a free block: after the links, before the footer. */
static inline uintptr_t blk_poison_start(uintptr_t b)
{
	return b + BLK_HDR + 2 * BLK_W;
}
static inline uintptr_t blk_poison_end(uintptr_t b)
{
	return b + blk_size(b) - BLK_W;
}

static inline int heap_fls32(uint32_t x)
{
	return 31 - __builtin_clz(x);
}
static inline int heap_ffs32(uint32_t x)
{
	return __builtin_ctz(x);
}
static inline int heap_fls_size(size_t x)
{
	return (int)(sizeof(unsigned long) * 8 - 1) - __builtin_clzl((unsigned long)x);
}

/* TLSF mapping_insert (paper, figure 3): the (fl, sl) list a block of this size lives in. */
static inline void heap_mapping(size_t size, int *fl, int *sl)
{
	if (size < ((size_t)1 << HEAP_FL_SHIFT)) {
		*fl = 0;
		*sl = (int)(size / HEAP_ALIGN);
	} else {
		int f = heap_fls_size(size);
		*sl = (int)((size >> (f - HEAP_SL_LOG2)) ^ HEAP_SL_COUNT);
		*fl = f - HEAP_FL_SHIFT + 1;
	}
}

/* Byte fill and compare without libc (the kernel is freestanding). */
static inline void heap_fill(uintptr_t at, int byte, size_t n)
{
#if __STDC_HOSTED__
	__builtin_memset((void *)at, byte, n);
#else
	uint8_t *d = (uint8_t *)at;
	while (n--)
		*d++ = (uint8_t)byte;
#endif
}

/* Address of the first byte in [at, at+n) that is not `byte`, or 0. */
uintptr_t heap_find_not(uintptr_t at, int byte, size_t n);

/* Debug builds: the poison of the free or cached block b ([from, to), size bytes) must be intact;
 * a modified byte is a use after free, and the panic names the block, the byte and the last
 * free site (heap_debug.c). */
void heap_check_poison(uintptr_t b, size_t size, uintptr_t from, uintptr_t to);

/* Report helpers shared by the heap's files (heap_debug.c). */
const char *heap_site_name(uintptr_t addr, uintptr_t *off);
void heap_panic_block(const char *what, uintptr_t p, uintptr_t b, uintptr_t caller)
	__attribute__((noreturn));
/* Find what p points into (a walk: this is already the panic path) and panic accordingly. */
void heap_panic_pointer(const struct heap *h, uintptr_t p, uintptr_t caller)
	__attribute__((noreturn));

#endif
