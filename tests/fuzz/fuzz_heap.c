/*
 * fuzz_heap.c - libFuzzer harness for the heap: the input is a sequence of 4-byte operations
 * (alloc, aligned alloc, calloc, realloc, free, heap_check, trim) on 64 slots of a fresh heap
 * built with HEAP_DEBUG=1 over a small mmap'd arena (so growth, shrink and out-of-memory all
 * happen). Every block is filled with a per-block pattern that is verified before it is freed
 * or reallocated; heap_check runs after the sequence, and freeing everything must give every
 * page above the initial size back. ASan and UBSan watch the heap's own accesses.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mm/heap.h"
#include "tests/host/test_heap_arena.h"

#define SLOTS   64
#define SPAN    (32u << 20)
#define INITIAL (16u << 10)

struct slot {
	uint8_t *p;
	size_t n;
	uint8_t tag;
};

/* The pattern covers the first and last 256 bytes and every 256th byte between: enough to
 * see blocks overlap or move wrongly while keeping megabyte blocks cheap under ASan (the
 * model test in tests/host/test_heap_model.c checks every byte). */
/* Pattern loops are not what the fuzzer should learn from: keep coverage hooks out of them. */
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))

static NO_COVERAGE size_t next_index(size_t i, size_t n)
{
	return (i < 256 || i + 256 >= n) ? i + 1 : (i + 256 < n - 256 ? i + 256 : n - 256);
}

static NO_COVERAGE void fill(struct slot *s)
{
	for (size_t i = 0; i < s->n; i = next_index(i, s->n))
		s->p[i] = (uint8_t)(s->tag ^ i ^ (i >> 8));
}

static NO_COVERAGE void verify(const struct slot *s, size_t n)
{
	/* n may be a prefix of the filled size (realloc): only indices the fill wrote count. */
	for (size_t i = 0; i < n; i = next_index(i, s->n))
		if (s->p[i] != (uint8_t)(s->tag ^ i ^ (i >> 8)))
			abort();
}

static NO_COVERAGE void check_zero(const uint8_t *p, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (p[k])
			abort();
}

/* Sizes: mostly small, sometimes pages, up to 2 MiB (the arena is 32 MiB). */
static size_t decode_size(uint8_t a, uint8_t b)
{
	size_t v = (size_t)a << 8 | b;
	switch (v >> 14) {
	case 0:
		return v & 0x1ff;
	case 1:
		return v & 0xfff;
	case 2:
		return (v & 0x3fff) * 4;
	default:
		return (v & 0x3fff) * 128;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct heap_arena arena;
	static struct heap heap;
	static struct slot slot[SLOTS];
	if (!arena.base && heap_arena_open(&arena, SPAN) != 0)
		abort();
	arena.mapped_pages = 0;
	arena.fail_after = -1;
	if (heap_init(&heap, arena.base, arena.base + SPAN, INITIAL, &arena.backend) != 0)
		abort();
	/* The shrink decay's delay (8192 operations by default) would keep short sequences from
	 * ever shrinking: 0 or 16, by the input's length. */
	heap.shrink_delay = len % 2 ? 0 : 16;
	memset(slot, 0, sizeof(slot));
	for (size_t i = 0; i + 4 <= len; i += 4) {
		struct slot *s = &slot[data[i + 1] % SLOTS];
		size_t n = decode_size(data[i + 2], data[i + 3]);
		switch (data[i] % 8) {
		case 0:
		case 1:
		case 2: /* alloc, aligned or zeroed */
			if (s->p)
				break;
			if (data[i] % 8 == 1) {
				size_t align = (size_t)1 << (data[i + 3] % 13);
				s->p = heap_alloc_aligned(&heap, n, align, 1);
				if (s->p && (uintptr_t)s->p % align)
					abort();
			} else if (data[i] % 8 == 2) {
				s->p = heap_calloc(&heap, n, 1, 2);
				if (s->p)
					check_zero(s->p, n);
			} else {
				s->p = heap_alloc(&heap, n, 3);
			}
			if (s->p) {
				if ((uintptr_t)s->p % HEAP_ALIGN)
					abort();
				s->n = n;
				s->tag = data[i + 1];
				fill(s);
			}
			break;
		case 3:
		case 4: /* free */
			if (s->p) {
				verify(s, s->n);
				heap_free(&heap, s->p, 4);
				s->p = NULL;
			}
			break;
		case 5:
		case 6: { /* realloc (also from NULL and to 0) */
			uint8_t *q = heap_realloc(&heap, s->p, n, 5);
			if (n == 0 && s->p) { /* realloc(p, 0) frees */
				if (q)
					abort();
				s->p = NULL;
			} else if (q) {
				if (s->p)
					verify(&(struct slot){ q, s->n, s->tag },
					       s->n < n ? s->n : n);
				s->p = q;
				s->n = n;
				s->tag = data[i + 2];
				fill(s);
			} else if (s->p) {
				verify(s, s->n); /* a failed realloc keeps the old block */
			}
			break;
		}
		default:
			if (data[i + 1] & 1)
				heap_check(&heap);
			else
				heap_trim(&heap);
			break;
		}
	}
	heap_check(&heap);
	for (int k = 0; k < SLOTS; k++)
		if (slot[k].p) {
			verify(&slot[k], slot[k].n);
			heap_free(&heap, slot[k].p, 6);
		}
	heap_check(&heap);
	struct heap_stats st;
	heap_stats(&heap, &st);
	if (st.live_blocks || st.in_use)
		abort();
	heap_trim(&heap);
	heap_check(&heap);
	heap_stats(&heap, &st);
	if (st.free_blocks != 1 || st.cached_blocks)
		abort();
	if (arena.mapped_pages != INITIAL / PG_SIZE)
		abort();
	return 0;
}
