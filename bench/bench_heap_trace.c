/*
 * bench_heap_trace.c - the heap benchmark's seeded trace generator. A trace is generated once
 * and replayed identically for every allocator: size profile small (16-256 B), kernel-like mix
 * (16 B-8 KiB, mostly small, as kmalloc sees in practice) or large (4-64 KiB); lifetimes LIFO
 * (free the newest), FIFO (free the oldest) or random (free a random live block) around a
 * target live set. Every trace ends with all blocks freed.
 */
#include "bench/bench_heap.h"

#include <stdio.h>
#include <stdlib.h>

static uint64_t rng_next(uint64_t *s)
{
	/* splitmix64 (Steele, Lea, Flood: "Fast splittable pseudorandom number generators"). */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t pick_size(enum bench_sizes sizes, uint64_t *s)
{
	uint64_t r = rng_next(s);
	switch (sizes) {
	case SIZES_SMALL:
		return 16 + (uint32_t)(r % 241);
	case SIZES_LARGE:
		return 4096 + (uint32_t)(r % (60 * 1024 + 1));
	default: {
		/* Kernel-like: 60% 16-128 B (list nodes, small structs), 25% 128 B-1 KiB, 12%
		 * 1-4 KiB (buffers), 3% 4-8 KiB. */
		uint32_t p = (uint32_t)(r % 100), v = (uint32_t)(r >> 32);
		if (p < 60)
			return 16 + v % 113;
		if (p < 85)
			return 128 + v % 897;
		if (p < 97)
			return 1024 + v % 3073;
		return 4096 + v % 4097;
	}
	}
}

void bench_trace_make(struct bench_trace *t, enum bench_sizes sizes, enum bench_life life,
		      size_t n_allocs, size_t live_target, uint64_t seed)
{
	static const char *sname[] = { "small", "mixed", "large" };
	static const char *lname[] = { "lifo", "fifo", "random" };
	snprintf(t->name, sizeof(t->name), "%s-%s", sname[sizes], lname[life]);
	t->ops = calloc(2 * n_allocs, sizeof(*t->ops));
	t->n_slots = live_target + 1;
	uint32_t *live = calloc(t->n_slots, sizeof(*live)); /* slots in allocation order */
	uint32_t *freelist = calloc(t->n_slots, sizeof(*live));
	uint32_t *size_of = calloc(t->n_slots, sizeof(*live));
	if (!t->ops || !live || !freelist || !size_of) {
		fprintf(stderr, "bench: out of memory for the trace\n");
		exit(1);
	}
	size_t n_free = t->n_slots, head = 0, n_live = 0, n = 0, allocs = 0;
	for (size_t i = 0; i < t->n_slots; i++)
		freelist[i] = (uint32_t)(t->n_slots - 1 - i);
	uint64_t s = seed, live_bytes = 0;
	t->peak_live = 0;
	/* live[] is a ring of live slots in allocation order: [head, head + n_live). */
	while (allocs < n_allocs || n_live) {
		bool do_alloc;
		if (allocs >= n_allocs)
			do_alloc = false;
		else if (n_live == 0 || (life != LIFE_LIFO && n_live < live_target))
			do_alloc = true;
		else if (n_live >= live_target)
			do_alloc = false;
		else /* LIFO: a random walk of the stack depth, pushes and pops in runs */
			do_alloc = (rng_next(&s) % 100) < 50;
		if (do_alloc) {
			uint32_t slot = freelist[--n_free];
			uint32_t size = pick_size(sizes, &s);
			live[(head + n_live++) % t->n_slots] = slot;
			size_of[slot] = size;
			live_bytes += size;
			if (live_bytes > t->peak_live)
				t->peak_live = live_bytes;
			t->ops[n++] = (struct bench_op){ slot, size };
			allocs++;
			continue;
		}
		size_t idx; /* position in the ring of the block to free */
		if (life == LIFE_LIFO)
			idx = n_live - 1;
		else if (life == LIFE_FIFO)
			idx = 0;
		else
			idx = rng_next(&s) % n_live;
		uint32_t slot = live[(head + idx) % t->n_slots];
		/* Close the gap: move the newest into it (random order does not care), or pop. */
		if (idx == 0) {
			head = (head + 1) % t->n_slots;
		} else if (idx != n_live - 1) {
			live[(head + idx) % t->n_slots] = live[(head + n_live - 1) % t->n_slots];
		}
		n_live--;
		live_bytes -= size_of[slot];
		freelist[n_free++] = slot;
		t->ops[n++] = (struct bench_op){ slot, BENCH_FREE };
	}
	t->n_ops = n;
	free(live);
	free(freelist);
	free(size_of);
}

void bench_trace_free(struct bench_trace *t)
{
	free(t->ops);
	t->ops = NULL;
}
