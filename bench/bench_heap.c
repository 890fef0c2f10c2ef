/*
 * bench_heap.c - `make bench-heap`: our heap (release build, and the HEAP_DEBUG=1 build) against
 * glibc malloc, jemalloc and mimalloc in ONE process, replaying the same seeded traces
 * (bench_heap_trace.c): small / mixed / large sizes, each with LIFO, FIFO and random lifetimes.
 *
 * Method (docs/heap.md, "Benchmark"): every allocator replays every trace
 * once to warm up, then REPS times in rotated order (A B C D E, E D C B A, ...). Each
 * malloc/free call is timed alone with the TSC (the mean cost of an empty timed region
 * is subtracted), so the pattern fill and check that every block gets - outside the timed
 * region - cost nothing to any allocator. Reported per trace and allocator: medians over the
 * repetitions of the mean ns per operation, of the p99.9 and of the maximum single-operation
 * latency (each its own median: one repetition's p99.9 moves a lot on a shared machine).
 * The TSC this runs on may tick coarsely (docs/heap.md gives the step of ours): a mean over
 * many calls is still exact on average, a single call's latency is a multiple of the step. A
 * separate untimed pass measures peak footprint / peak live bytes:
 * ours = peak pages held from the backend; glibc = mallinfo2 arena + mmap'd bytes; jemalloc =
 * stats.active + metadata ("stats.resident" after an epoch); mimalloc = peak committed bytes
 * (mi_process_info after mi_stats_reset). All are sampled after every allocation except
 * jemalloc's (every 16: refreshing its epoch is slow).
 *
 * A do-nothing "null" allocator replays too: its figures are the harness's floor, printed so
 * that a p99.9 can be read against it.
 *
 * jemalloc and mimalloc are dlopen'ed with RTLD_LOCAL and called through their own entry
 * points (mallocx/dallocx, mi_malloc/mi_free), so that neither replaces glibc's malloc here.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "bench/bench_heap.h"
#include "tests/host/test_heap_arena.h"

#define REPS       7
#define PREEMPT_NS 50000.0
#define ARENA_SPAN (256u << 20)

/* --- contestants ----------------------------------------------------------------------------- */

struct alloc {
	const char *name;
	void *(*malloc_fn)(size_t);
	void (*free_fn)(void *);
	void (*reset)(void);       /* before a footprint pass */
	size_t (*footprint)(void); /* current or peak footprint in bytes */
	bool footprint_is_peak;
	bool sample_sparse;
};

static struct heap_arena ours_arena, dbg_arena;
static struct heap ours_heap, dbg_heap;

static void *ours_malloc(size_t n)
{
	return heap_alloc(&ours_heap, n, 0);
}
static void ours_free(void *p)
{
	heap_free(&ours_heap, p, 0);
}
static void *dbg_malloc(size_t n)
{
	return dbg_heap_alloc(&dbg_heap, n, 0);
}
static void dbg_free(void *p)
{
	dbg_heap_free(&dbg_heap, p, 0);
}

static void heap_setup(struct heap *h, struct heap_arena *a,
		       int (*init)(struct heap *, uintptr_t, uintptr_t, size_t,
				   const struct heap_backend *))
{
	if (heap_arena_open_premapped(a, ARENA_SPAN) != 0 ||
	    init(h, a->base, a->base + ARENA_SPAN, 64 << 10, &a->backend) != 0) {
		fprintf(stderr, "bench: cannot set up our heap\n");
		exit(1);
	}
}
static void ours_reset(void)
{
	heap_trim(&ours_heap);
	ours_heap.peak_pages = ours_heap.pages_held;
}
static size_t ours_footprint(void)
{
	return ours_heap.peak_pages * PG_SIZE;
}
static void dbg_reset(void)
{
	dbg_heap_trim(&dbg_heap);
	dbg_heap.peak_pages = dbg_heap.pages_held;
}
static size_t dbg_footprint(void)
{
	return dbg_heap.peak_pages * PG_SIZE;
}

static void glibc_free(void *p)
{
	free(p);
}
static void glibc_reset(void)
{
	malloc_trim(0);
}
static size_t glibc_footprint(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.arena + mi.hblkhd;
}

static void *(*je_mallocx)(size_t, int);
static void (*je_dallocx)(void *, int);
static int (*je_mallctl)(const char *, void *, size_t *, void *, size_t);
static void *je_malloc(size_t n)
{
	return je_mallocx(n ? n : 1, 0);
}
static void je_free(void *p)
{
	je_dallocx(p, 0);
}
static void je_reset(void)
{
	unsigned arena = 0;
	char cmd[64];
	size_t sz = sizeof(arena);
	if (je_mallctl("thread.arena", &arena, &sz, NULL, 0) == 0) {
		snprintf(cmd, sizeof(cmd), "arena.%u.purge", arena);
		je_mallctl(cmd, NULL, NULL, NULL, 0);
	}
}
static size_t je_footprint(void)
{
	uint64_t epoch = 1;
	size_t sz = sizeof(epoch), v = 0, vsz = sizeof(v);
	je_mallctl("epoch", &epoch, &sz, &epoch, sz);
	je_mallctl("stats.resident", &v, &vsz, NULL, 0);
	return v;
}

static void *(*mi_malloc_fn)(size_t);
static void (*mi_free_fn)(void *);
static void (*mi_stats_reset_fn)(void);
static void (*mi_collect_fn)(bool);
static void (*mi_process_info_fn)(size_t *, size_t *, size_t *, size_t *, size_t *, size_t *,
				  size_t *, size_t *);
static void mi_reset(void)
{
	mi_collect_fn(true);
	mi_stats_reset_fn();
}
static size_t mi_footprint(void)
{
	size_t e, u, s, rss, prss, commit = 0, pcommit = 0, pf;
	mi_process_info_fn(&e, &u, &s, &rss, &prss, &commit, &pcommit, &pf);
	return pcommit;
}

/* "null": a do-nothing allocator (a stack of fixed 64 KiB slots) that replays like the others.
 * Its latencies are the harness's own floor - the timer, a call through a pointer, and whatever
 * the pattern fill and check around the timed calls leave behind - against which the others'
 * p99.9 can be read (docs/heap.md has its range over many runs). */
#define NULL_SLOTS 4096u
#define NULL_SLOT  (64u << 10)
static char *null_pool;
static uint32_t null_stack[NULL_SLOTS];
static unsigned null_top;
static void *null_malloc(size_t n)
{
	if (n > NULL_SLOT || null_top == 0)
		return NULL;
	return null_pool + (size_t)null_stack[--null_top] * NULL_SLOT;
}
static void null_free(void *p)
{
	null_stack[null_top++] = (uint32_t)(((char *)p - null_pool) / NULL_SLOT);
}
static void null_reset(void)
{
}
static size_t null_footprint(void)
{
	return 0;
}
static void null_setup(void)
{
	null_pool = mmap(NULL, (size_t)NULL_SLOTS * NULL_SLOT, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (null_pool == MAP_FAILED) {
		fprintf(stderr, "bench: cannot map the null allocator's slots\n");
		exit(1);
	}
	for (unsigned i = 0; i < NULL_SLOTS; i++)
		null_stack[null_top++] = NULL_SLOTS - 1 - i;
}

static void *must_sym(void *lib, const char *name)
{
	void *f = dlsym(lib, name);
	if (!f) {
		fprintf(stderr, "bench: %s not found: %s\n", name, dlerror());
		exit(1);
	}
	return f;
}

static void load_peers(void)
{
	void *je = dlopen("libjemalloc.so.2", RTLD_NOW | RTLD_LOCAL);
	void *mi = dlopen("libmimalloc.so.2", RTLD_NOW | RTLD_LOCAL);
	if (!je || !mi) {
		fprintf(stderr,
			"bench: dlopen failed: %s (install libjemalloc-dev, "
			"libmimalloc-dev: tools/deps.sh bench)\n",
			dlerror());
		exit(1);
	}
	*(void **)&je_mallocx = must_sym(je, "mallocx");
	*(void **)&je_dallocx = must_sym(je, "dallocx");
	*(void **)&je_mallctl = must_sym(je, "mallctl");
	*(void **)&mi_malloc_fn = must_sym(mi, "mi_malloc");
	*(void **)&mi_free_fn = must_sym(mi, "mi_free");
	*(void **)&mi_stats_reset_fn = must_sym(mi, "mi_stats_reset");
	*(void **)&mi_collect_fn = must_sym(mi, "mi_collect");
	*(void **)&mi_process_info_fn = must_sym(mi, "mi_process_info");
}

/* --- replay ---------------------------------------------------------------------------------- */

static void **slots;
static uint32_t *lat;         /* ticks per operation of the current replay, overhead included */
static double overhead_ticks; /* mean cost of an empty timed region (calibrate) */
static size_t excluded;       /* calls of the last replay left out of its mean */
static double ns_per_tick;

static inline uint64_t ticks(void)
{
	_mm_lfence();
	uint64_t t = __rdtsc();
	_mm_lfence();
	return t;
}

static inline void fill(void *p, uint32_t slot, size_t n)
{
	/* A word pattern derived from the slot, over the whole block. */
	uint64_t v = 0x0101010101010101ull * (uint8_t)(slot * 7 + 1);
	size_t w = n / 8;
	uint64_t *q = p;
	for (size_t i = 0; i < w; i++)
		q[i] = v ^ i;
	memset((char *)p + w * 8, (int)(v & 0xff), n - w * 8);
}

static inline void verify(const void *p, uint32_t slot, size_t n)
{
	uint64_t v = 0x0101010101010101ull * (uint8_t)(slot * 7 + 1);
	size_t w = n / 8;
	const uint64_t *q = p;
	for (size_t i = 0; i < w; i++)
		if (q[i] != (v ^ i)) {
			fprintf(stderr, "bench: block %p of slot %u corrupt at word %zu\n", p, slot,
				i);
			exit(1);
		}
	for (size_t i = w * 8; i < n; i++)
		if (((const uint8_t *)p)[i] != (uint8_t)(v & 0xff)) {
			fprintf(stderr, "bench: block %p of slot %u corrupt at byte %zu\n", p, slot,
				i);
			exit(1);
		}
}

/* Replay t with a; per-op latencies into lat[]; returns the summed ticks. With footprint,
 * returns the peak footprint instead and times nothing. */
static uint64_t replay(const struct alloc *a, const struct bench_trace *t, bool footprint)
{
	uint64_t total = 0;
	size_t peak = 0;
	excluded = 0;
	uint32_t *sizes = calloc(t->n_slots, sizeof(*sizes));
	for (size_t i = 0; i < t->n_ops; i++) {
		const struct bench_op *op = &t->ops[i];
		uint64_t t0, t1;
		if (op->size != BENCH_FREE) {
			t0 = ticks();
			void *p = a->malloc_fn(op->size);
			t1 = ticks();
			if (!p) {
				fprintf(stderr, "bench: %s: out of memory in %s\n", a->name,
					t->name);
				exit(1);
			}
			slots[op->slot] = p;
			sizes[op->slot] = op->size;
			fill(p, op->slot, op->size);
			if (footprint && !a->footprint_is_peak &&
			    (!a->sample_sparse || (i & 15) == 0)) {
				size_t f = a->footprint();
				if (f > peak)
					peak = f;
			}
		} else {
			void *p = slots[op->slot];
			verify(p, op->slot, sizes[op->slot]);
			t0 = ticks();
			a->free_fn(p);
			t1 = ticks();
		}
		uint64_t d = t1 - t0;
		lat[i] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
		/* A call longer than PREEMPT_NS was the scheduler's doing on this shared machine
		 * (no contestant makes system calls on these traces once warm): left out of the
		 * mean, but still in p99.9 and max. */
		if ((d - overhead_ticks) * ns_per_tick > PREEMPT_NS)
			excluded++;
		else
			total += d;
	}
	free(sizes);
	if (footprint)
		return a->footprint_is_peak ? a->footprint() : peak;
	return total;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}
static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}

static uint32_t median_u32(const uint32_t v[REPS])
{
	uint32_t s[REPS];
	memcpy(s, v, sizeof(s));
	qsort(s, REPS, sizeof(s[0]), cmp_u32);
	return s[REPS / 2];
}

/* A single call's latency in ns: its ticks less the empty region's (never below 0). */
static double net_ns(uint32_t raw_ticks)
{
	double t = raw_ticks - overhead_ticks;
	return t > 0 ? t * ns_per_tick : 0;
}

static void calibrate(void)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	uint64_t t0 = __rdtsc();
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec) < 2e8);
	uint64_t t1 = __rdtsc();
	ns_per_tick = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double)(t1 - t0);
	/* The cost of an empty timed region, subtracted from every timed call: its MEAN over many
	 * tries (those over twice the median, interrupts, left out). Not the median: where the TSC
	 * ticks in coarse steps an empty region reads as one step or two, so the median is off the
	 * mean by a fraction of a step, and subtracting it would bias every per-call figure by that
	 * much (docs/heap.md, "Benchmark", has the figures). */
	enum { N = 100001 };
	static uint32_t d[N];
	for (int i = 0; i < N; i++) {
		uint64_t x = ticks();
		uint64_t y = ticks();
		d[i] = (uint32_t)(y - x);
	}
	qsort(d, N, sizeof(d[0]), cmp_u32);
	double sum = 0;
	int n = 0;
	for (; n < N && d[n] <= 2 * d[N / 2]; n++)
		sum += d[n];
	overhead_ticks = sum / n;
}

struct result {
	double ns_op, p999_ns, max_ns, footprint_ratio;
};

int main(int argc, char **argv)
{
	/* jemalloc's TLS is initial-exec: dlopen needs room in the static TLS block, which glibc
	 * only reserves when told so at start-up. exec ourselves once with that tunable (same
	 * process, same pid). */
	const char *tun = getenv("GLIBC_TUNABLES");
	if (argc >= 1 && (!tun || !strstr(tun, "optional_static_tls"))) {
		setenv("GLIBC_TUNABLES", "glibc.rtld.optional_static_tls=4194304", 1);
		execv("/proc/self/exe", argv);
	}
	load_peers();
	null_setup();
	heap_setup(&ours_heap, &ours_arena, heap_init);
	heap_setup(&dbg_heap, &dbg_arena, dbg_heap_init);
	if (heap_debug_enabled() || !dbg_heap_debug_enabled()) {
		fprintf(stderr,
			"bench: ours must be the release build and ours-debug the debug one\n");
		return 1;
	}
	calibrate();
	/* Optional argument: run only the traces whose name contains it (quick experiments). */
	const char *only = argc > 1 ? argv[1] : NULL;
	struct alloc allocs[] = {
		{ "ours", ours_malloc, ours_free, ours_reset, ours_footprint, true, false },
		{ "ours-debug", dbg_malloc, dbg_free, dbg_reset, dbg_footprint, true, false },
		{ "glibc", malloc, glibc_free, glibc_reset, glibc_footprint, false, false },
		{ "jemalloc", je_malloc, je_free, je_reset, je_footprint, false, true },
		{ "mimalloc", mi_malloc_fn, mi_free_fn, mi_reset, mi_footprint, true, false },
		{ "null", null_malloc, null_free, null_reset, null_footprint, true, false },
	};
	enum { NA = sizeof(allocs) / sizeof(allocs[0]) };
	printf("# bench-heap: %d repetitions, rotated order, TSC %.3f ns/tick, timed-region "
	       "overhead %.1f ticks (mean) subtracted\n",
	       REPS, ns_per_tick, overhead_ticks);
	printf("# ns/op = median over repetitions of the mean per malloc/free call; p99.9 and max "
	       "of single calls (ns), each the median over repetitions; fp = peak footprint / peak live bytes\n");
	printf("# null = a do-nothing allocator (fixed slots): the harness's own floor, not a "
	       "contestant; 'floor p99.9' below is its p99.9\n");
	printf("# calls over %.0f us (preemption) are left out of ns/op, counted in column 'pre' "
	       "(all repetitions), kept in p99.9 and max\n",
	       PREEMPT_NS / 1000);
	printf("%-14s %-10s %8s %8s %9s %6s %6s\n", "trace", "allocator", "ns/op", "p99.9", "max",
	       "fp", "pre");

	struct bench_trace traces[9];
	int nt = 0;
	for (int s = 0; s < 3; s++)
		for (int l = 0; l < 3; l++) {
			size_t n_allocs = s == SIZES_LARGE ? 40000 : 150000;
			size_t live = s == SIZES_LARGE ? 300 : s == SIZES_MIXED ? 2000 : 4000;
			bench_trace_make(&traces[nt++], s, l, n_allocs, live,
					 0x5eed0000u + (uint64_t)(s * 3 + l));
		}
	struct result res[9][NA];
	for (int ti = 0; ti < nt; ti++) {
		struct bench_trace *t = &traces[ti];
		if (only && !strstr(t->name, only)) {
			memset(res[ti], 0, sizeof(res[ti]));
			continue;
		}
		slots = calloc(t->n_slots, sizeof(*slots));
		lat = calloc(t->n_ops, sizeof(*lat));
		uint32_t *sorted = calloc(t->n_ops, sizeof(*sorted));
		double means[NA][REPS];
		uint32_t p999[NA][REPS], maxl[NA][REPS];
		size_t excl[NA] = { 0 };
		for (int k = 0; k < NA; k++)
			replay(&allocs[k], t, false); /* warm-up */
		for (int r = 0; r < REPS; r++)
			for (int j = 0; j < NA; j++) {
				int k = (r & 1) ? NA - 1 - j : j;
				uint64_t total = replay(&allocs[k], t, false);
				size_t timed = t->n_ops - excluded;
				means[k][r] =
					(total - timed * overhead_ticks) * ns_per_tick / timed;
				excl[k] += excluded;
				memcpy(sorted, lat, t->n_ops * sizeof(*lat));
				qsort(sorted, t->n_ops, sizeof(*sorted), cmp_u32);
				p999[k][r] = sorted[(size_t)(t->n_ops * 0.999)];
				maxl[k][r] = sorted[t->n_ops - 1];
			}
		for (int k = 0; k < NA; k++) {
			double m[REPS];
			memcpy(m, means[k], sizeof(m));
			qsort(m, REPS, sizeof(m[0]), cmp_double);
			allocs[k].reset();
			size_t fp = replay(&allocs[k], t, true);
			res[ti][k] = (struct result){ m[REPS / 2], net_ns(median_u32(p999[k])),
						      net_ns(median_u32(maxl[k])),
						      (double)fp / (double)t->peak_live };
			char fps[16] = "-"; /* null has no footprint */
			if (allocs[k].footprint != null_footprint)
				snprintf(fps, sizeof(fps), "%.2f", res[ti][k].footprint_ratio);
			printf("%-14s %-10s %8.1f %8.0f %9.0f %6s %6zu\n", t->name, allocs[k].name,
			       res[ti][k].ns_op, res[ti][k].p999_ns, res[ti][k].max_ns, fps,
			       excl[k]);
		}
		printf("# %s: our heap grew %lu and shrank %lu times so far\n", t->name,
		       (unsigned long)ours_heap.grows, (unsigned long)ours_heap.shrinks);
		fflush(stdout);
		free(slots);
		free(lat);
		free(sorted);
	}
	dbg_heap_check(&dbg_heap);
	struct heap_stats st;
	heap_stats(&ours_heap, &st);
	if (st.live_blocks) {
		fprintf(stderr, "bench: %zu blocks still live in our heap\n", st.live_blocks);
		return 1;
	}
	heap_check(&ours_heap);
	printf("# targets (ours, debug off): < glibc on every trace; <= 1.3 x mimalloc; p99.9 < 10 x "
	       "own ns/op; footprint < 1.25 x peak live on the mixed traces\n");
	for (int ti = 0; ti < nt; ti++) {
		struct result *o = &res[ti][0];
		printf("# %-14s vs glibc %.2fx  vs mimalloc %.2fx  p99.9/median %.1f  debug cost "
		       "%.2fx  floor p99.9 %.0f ns%s%s%s%s\n",
		       traces[ti].name, o->ns_op / res[ti][2].ns_op, o->ns_op / res[ti][4].ns_op,
		       o->p999_ns / o->ns_op, res[ti][1].ns_op / o->ns_op, res[ti][5].p999_ns,
		       o->ns_op < res[ti][2].ns_op ? "" : " MISS:glibc",
		       o->ns_op <= 1.3 * res[ti][4].ns_op ? "" : " MISS:mimalloc",
		       o->p999_ns < 10 * o->ns_op ? "" : " MISS:p99.9",
		       (strncmp(traces[ti].name, "mixed", 5) || o->footprint_ratio < 1.25) ?
			       "" :
			       " MISS:footprint");
	}
	for (int ti = 0; ti < nt; ti++)
		printf("BENCH heap-%s ours=%.1f glibc=%.1f jemalloc=%.1f mimalloc=%.1f "
		       "ours-debug=%.1f\n",
		       traces[ti].name, res[ti][0].ns_op, res[ti][2].ns_op, res[ti][3].ns_op,
		       res[ti][4].ns_op, res[ti][1].ns_op);
	for (int ti = 0; ti < nt; ti++)
		bench_trace_free(&traces[ti]);
	return 0;
}
