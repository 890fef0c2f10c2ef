/*
 * bench_heap.h - shared declarations of the heap benchmark: the seeded traces
 * (bench_heap_trace.c) and our heap built a second time with HEAP_DEBUG=1 under dbg_ names
 * (bench_heap_debug.c), next to the release build linked under the normal names.
 */
#ifndef BENCH_BENCH_HEAP_H
#define BENCH_BENCH_HEAP_H

#include <stddef.h>
#include <stdint.h>
#include "mm/heap.h"

/* One trace operation: allocate `size` bytes into slot, or (size == UINT32_MAX) free slot. */
#define BENCH_FREE UINT32_MAX
struct bench_op {
	uint32_t slot;
	uint32_t size;
};

struct bench_trace {
	char name[32]; /* e.g. "mixed-random" */
	struct bench_op *ops;
	size_t n_ops, n_slots;
	size_t peak_live; /* highest sum of live requested bytes */
};

enum bench_sizes { SIZES_SMALL, SIZES_MIXED, SIZES_LARGE };
enum bench_life { LIFE_LIFO, LIFE_FIFO, LIFE_RANDOM };

/* Generate a trace of about n_allocs allocations and as many frees, ending empty. */
void bench_trace_make(struct bench_trace *t, enum bench_sizes sizes, enum bench_life life,
		      size_t n_allocs, size_t live_target, uint64_t seed);
void bench_trace_free(struct bench_trace *t);

/* The HEAP_DEBUG=1 build of the heap. */
int dbg_heap_init(struct heap *h, uintptr_t start, uintptr_t max, size_t initial,
		  const struct heap_backend *backend);
void *dbg_heap_alloc(struct heap *h, size_t size, uintptr_t caller);
void dbg_heap_free(struct heap *h, void *p, uintptr_t caller);
void dbg_heap_check(struct heap *h);
size_t dbg_heap_trim(struct heap *h);
void dbg_heap_stats(const struct heap *h, struct heap_stats *out);
bool dbg_heap_debug_enabled(void);

#endif
