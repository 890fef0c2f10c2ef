/*
 * test_heap_arena.c - the mmap'd host backend for the heap (see test_heap_arena.h).
 */
#include "tests/host/test_heap_arena.h"

#include <string.h>
#include <sys/mman.h>

static int arena_grow(void *ctx, uintptr_t va, size_t bytes)
{
	struct heap_arena *a = ctx;
	if (va < a->base || va + bytes > a->base + a->span || (va | bytes) % PG_SIZE)
		return -1;
	if (a->fail_after == 0)
		return -1;
	if (a->fail_after > 0)
		a->fail_after--;
	if (!a->premapped && mprotect((void *)va, bytes, PROT_READ | PROT_WRITE) != 0)
		return -1;
	a->grow_calls++;
	a->mapped_pages += bytes / PG_SIZE;
	return 0;
}

static void arena_shrink(void *ctx, uintptr_t va, size_t bytes)
{
	struct heap_arena *a = ctx;
	/* PROT_NONE alone: the pages stay resident, so growing again costs no page faults. */
	if (!a->premapped)
		mprotect((void *)va, bytes, PROT_NONE);
	a->shrink_calls++;
	a->mapped_pages -= bytes / PG_SIZE;
}

int heap_arena_open(struct heap_arena *a, size_t span)
{
	void *m = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return -1;
	*a = (struct heap_arena){ .base = (uintptr_t)m, .span = span, .fail_after = -1 };
	a->backend = (struct heap_backend){ arena_grow, arena_shrink, a };
	return 0;
}

void heap_arena_close(struct heap_arena *a)
{
	munmap((void *)a->base, a->span);
	a->base = 0;
}

int heap_arena_open_premapped(struct heap_arena *a, size_t span)
{
	void *m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -1;
	memset(m, 0, span); /* fault every page in now, not during the measurement */
	*a = (struct heap_arena){
		.base = (uintptr_t)m, .span = span, .fail_after = -1, .premapped = 1
	};
	a->backend = (struct heap_backend){ arena_grow, arena_shrink, a };
	return 0;
}
