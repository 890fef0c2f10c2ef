/*
 * bench_pmm.c - `make bench-pmm`: mm/pmm.c against the tutorial bitmap (bench/pmm_baseline.c) in
 * one process, on the same maps, fill patterns and seeded traces (docs/pmm.md section 8, the
 * method and the figures).
 *
 * Machines: 16 MiB, 256 MiB, 1 GiB, 4 GiB, each with a PC-like map: RAM to 0x9FC00, EBDA and BIOS
 * ROM reserved, RAM from 1 MiB to the top (at most 3 GiB) ending in ACPI data and ACPI NVS ranges,
 * the 3-4 GiB PCI hole (IOAPIC, BIOS flash) and, for 4 GiB, the remaining GiB above 4 GiB (cut off).
 * Fill: 0, 50, 90, 99, 99.9% of the free frames, in three patterns:
 *   random:    allocated frames chosen uniformly at random;
 *   clustered: alternating allocated and free runs (geometric lengths, free runs mean 32 frames);
 *   top:       everything allocated from the bottom, free frames only at the top (adversarial for
 *              first-fit).
 * Both allocators reach the pattern the same way: allocate every frame, then free the chosen ones.
 * Operations (each an allocation and a free, so the fill stays put):
 *   single:  the steady state of a kernel at constant fill: allocate one frame, then free one frame
 *            chosen uniformly at random among ALL the frames allocated (the fill's and the churn's),
 *            the same seeded index sequence for both allocators. The free frames then move as each
 *            allocator's policy makes them: first fit from frame 0 packs the low frames and its
 *            free frames drift upward, so its scan grows (the cost the ratio target is about); ours
 *            takes the frame just freed again (hint). The counts are fixed, not sized by time, so
 *            the drift is the same on every machine: a warm-up of 4 x the free frames (at most
 *            65536 operations), then 15 repetitions of 2048 measured operations, the state carried
 *            on from one to the next (the medians are of a still-drifting baseline, the same on
 *            every run). Each allocator runs as one phase (its warm-up, then its repetitions), not
 *            interleaved: the baseline's multi-millisecond blocks evicted ours' bitmap before each
 *            of its much shorter blocks (docs/pmm.md section 8 has the figures). Which slot
 *            of the held list to free is drawn 8 operations early and prefetched: that bookkeeping
 *            is the harness's (a kernel has the address in hand), so a cache miss on the 4 MiB
 *            list is charged to neither allocator. Run last on each fill, because it moves the
 *            fill for the operations after it.
 *   single-pool: the previous measure, kept so nothing is hidden: allocate one frame, free a random
 *            one (seeded trace) of a pool of at most 32 frames allocated just before. The fill's
 *            frames are never freed, so the baseline's first free frame stays near frame 0 (a few
 *            dozen words): it shows the cost of a kernel that frees what it just took.
 *   run16:   16 frames aligned to 64 KiB;   run1024: 1024 frames aligned to 4 MiB;
 *   dma:     one frame below 16 MiB;        init: initialisation from the sanitised map.
 * Method (all but single): per case a warm-up pass that also sizes the repetition (~1 ms each),
 * then 15 repetitions in rotated order (ours, baseline, baseline, ours, ...). Every case: the
 * medians of ns/op are reported, with their ratio and the bitmap words each read per operation
 * (machine independent).
 * The last lines are `BENCH pmm-<size>-<fill>-<pattern>-<op> ours=<ns> baseline=<ns> ratio=<r>`.
 * Built with -O2 and no sanitizers.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/pmm_baseline.h"
#include "mm/pmm.h"
#include "tests/host/host_env.h"

#define REPS      15
#define MAX_CASES 400

struct result {
	char name[64];
	double ours, base, ours_words, base_words, fail;
};
static struct result results[MAX_CASES];
static int nresults;

static struct memmap map;
static struct memmap_scratch scratch;
static uint32_t *base_storage;
static uint32_t *frames; /* scratch list of frames */
static uint64_t rng;
/* single (churn): every frame each allocator holds (the fill's, then as the churn moves them),
 * one extra slot for the frame just allocated; nheld is the same for both and stays put. */
static uint32_t *held_ours, *held_base;
static uint32_t nheld;

static uint64_t rnd64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static void build_map(uint64_t top)
{
	struct memmap_range raw[12];
	size_t n = 0;
	uint64_t low_top = top > 3 * GiB ? 3 * GiB : top;
	raw[n++] = (struct memmap_range){ 0, 0x9FC00, MEMMAP_USABLE };
	raw[n++] = (struct memmap_range){ 0x9FC00, 0xA0000, MEMMAP_RESERVED };
	raw[n++] = (struct memmap_range){ 0xE0000, 0x100000, MEMMAP_RESERVED };
	raw[n++] = (struct memmap_range){ 1 * MiB, low_top - 256 * 1024, MEMMAP_USABLE };
	raw[n++] = (struct memmap_range){ low_top - 256 * 1024, low_top - 64 * 1024,
					  MEMMAP_ACPI_DATA };
	raw[n++] = (struct memmap_range){ low_top - 64 * 1024, low_top, MEMMAP_ACPI_NVS };
	raw[n++] = (struct memmap_range){ 0xFEC00000, 0xFEC01000, MEMMAP_RESERVED };
	raw[n++] = (struct memmap_range){ 0xFEE00000, 0xFEE01000, MEMMAP_RESERVED };
	raw[n++] = (struct memmap_range){ 0xFFFC0000, 4 * GiB, MEMMAP_RESERVED };
	if (top > 3 * GiB)
		raw[n++] =
			(struct memmap_range){ 4 * GiB, 4 * GiB + (top - 3 * GiB), MEMMAP_USABLE };
	memmap_sanitise(&map, raw, n, &scratch);
}

/* A kernel of 2 MiB at 1 MiB, as a boot would reserve. */
static const struct pmm_region kernel_region[] = { { "kernel", 1 * MiB, 3 * MiB } };

static void init_both(void)
{
	pmm_init(&map, kernel_region, 1);
	/* the baseline reserves the same: first MiB, the kernel and our bitmap's place */
	base_init(&map, base_storage, base_bitmap_words(&map), 1 * MiB,
		  pmm_bitmap_phys() + pmm_bitmap_bytes());
	if (pmm_free_count() != base_free_count()) {
		fprintf(stderr, "bench: free counts differ after init (%zu vs %u)\n",
			pmm_free_count(), base_free_count());
		exit(1);
	}
}

/* Bring both allocators to the same fill pattern: allocate all, free the chosen frames. */
static uint32_t apply_fill(double fill, int pattern, uint64_t seed)
{
	init_both();
	uint32_t n = 0, pa;
	while ((pa = pmm_alloc_frame()) != 0)
		frames[n++] = pa;
	base_alloc_all();
	/* sort ascending (pmm hands frames out in its own order) */
	static uint8_t *mark;
	uint32_t top = pmm_frames_covered();
	uint8_t *grown = realloc(mark, top);
	if (!grown) {
		perror("bench: realloc");
		exit(1);
	}
	mark = grown;
	memset(mark, 0, top);
	for (uint32_t i = 0; i < n; i++)
		mark[frames[i] >> PG_SHIFT] = 1;
	n = 0;
	for (uint32_t f = 0; f < top; f++)
		if (mark[f])
			frames[n++] = f << PG_SHIFT;
	uint32_t keep = (uint32_t)((double)n * (1.0 - fill) + 0.5);
	if (keep < 1)
		keep = 1;
	if (keep > n)
		keep = n;
	rng = seed;
	memset(mark, 0, top);
	if (pattern == 0) { /* random: partial Fisher-Yates picks keep frames */
		for (uint32_t i = 0; i < keep; i++) {
			uint32_t j = i + (uint32_t)(rnd64() % (n - i));
			uint32_t t = frames[i];
			frames[i] = frames[j];
			frames[j] = t;
			mark[frames[i] >> PG_SHIFT] = 1;
		}
	} else if (pattern == 1) { /* clustered: free runs mean 32, used runs sized for the fill */
		double used_mean = 32.0 * fill / (1.0 - fill + 1e-12);
		uint32_t i = (uint32_t)(rnd64() % (uint64_t)(used_mean + 1)), kept = 0;
		while (kept < keep) {
			uint32_t run = 1 + (uint32_t)(rnd64() % 63);
			for (uint32_t k = 0; k < run && kept < keep; k++, i++) {
				if (i >= n)
					i = (uint32_t)(rnd64() % n);
				if (!mark[frames[i] >> PG_SHIFT]) {
					mark[frames[i] >> PG_SHIFT] = 1;
					kept++;
				}
			}
			i += 1 + (uint32_t)(rnd64() % (uint64_t)(2 * used_mean + 1));
			if (i >= n)
				i = (uint32_t)(rnd64() % n);
		}
	} else { /* top: the highest keep frames */
		for (uint32_t i = n - keep; i < n; i++)
			mark[frames[i] >> PG_SHIFT] = 1;
	}
	uint32_t kept = 0;
	nheld = 0;
	for (uint32_t f = 0; f < top; f++)
		if (mark[f]) {
			pmm_free_frame(f << PG_SHIFT);
			base_free_frame(f << PG_SHIFT);
			kept++;
		}
	for (uint32_t i = 0; i < n;
	     i++) /* frames[] holds every allocated frame: the rest stay held */
		if (!mark[frames[i] >> PG_SHIFT]) {
			held_ours[nheld] = held_base[nheld] = frames[i];
			nheld++;
		}
	return kept;
}

/* ---- the operations --------------------------------------------------------------------------- */

/* Run order per fill: single (churn) last, because it moves the fill (the others leave it put). */
enum op { OP_SINGLE_POOL, OP_RUN16, OP_RUN1024, OP_DMA, OP_SINGLE, NOPS };
static const char *op_names[NOPS] = { "single-pool", "run16", "run1024", "dma", "single" };

#define TRACE_LEN 4096
static uint16_t trace[TRACE_LEN];
#define POOL_MAX 32
static uint32_t pool_ours[POOL_MAX], pool_base[POOL_MAX];
static uint32_t pool_n;
static uint64_t fails;

/* single (churn): fixed operation counts, the same for both allocators and every machine, so the
 * baseline's drift (first fit packs the low frames, its free frames move up) does not depend on
 * the machine's speed. Warm-up: 4 x the free frames, at most CHURN_WARM_MAX; then REPS blocks of
 * CHURN_OPS measured operations. */
#define CHURN_WARM_PER_FREE 4
#define CHURN_WARM_MAX      65536u
#define CHURN_OPS           2048u

/* The index (0..nheld) of the held frame to free: uniform, multiply-shift instead of a division. */
static inline uint32_t churn_draw(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return (uint32_t)(((x >> 32) * (uint64_t)(nheld + 1)) >> 32);
}

/* Indices are drawn CHURN_AHEAD operations early and their slot of the held list prefetched: which
 * frame to free is the harness's bookkeeping (a kernel has the address in hand, e.g. from the
 * page table entry it clears), so a cache miss on a 4 MiB list must not be charged to either
 * allocator. Both get the same treatment; the bitmap words stay cold or warm as the policy makes them. */
#define CHURN_AHEAD 8
struct churn {
	uint64_t rng;
	uint32_t ring[CHURN_AHEAD];
	uint32_t pos;
};
static struct churn churn_ours, churn_base;

static void churn_start(struct churn *c, uint64_t seed)
{
	c->rng = seed;
	c->pos = 0;
	for (int i = 0; i < CHURN_AHEAD; i++)
		c->ring[i] = churn_draw(&c->rng);
}

static inline uint32_t churn_index(struct churn *c, const uint32_t *held)
{
	uint32_t k = c->ring[c->pos], next = churn_draw(&c->rng);
	c->ring[c->pos] = next;
	c->pos = (c->pos + 1) % CHURN_AHEAD;
	__builtin_prefetch(&held[next]);
	return k;
}

/* One loop for both allocators, stamped out twice by run_ours and run_base: `ours` is a constant
 * in each, so every choice below folds away and each allocator's calls are direct calls, timed
 * as a caller would see them (inlined bookkeeping, no indirect call through a table of function
 * pointers that would add the same cost to both and shrink the ratio). */
static inline __attribute__((always_inline)) void run_ops(bool ours, enum op op, uint32_t count)
{
/* The arrays are read from their globals at each use, as a loop written for one allocator would. */
#define held  (ours ? held_ours : held_base)
#define pool  (ours ? pool_ours : pool_base)
#define churn (ours ? &churn_ours : &churn_base)
	for (uint32_t i = 0; i < count; i++) {
		uint32_t pa;
		switch (op) {
		case OP_SINGLE: {
			pa = ours ? pmm_alloc_frame() : base_alloc_frame();
			if (!pa) {
				fails++;
				break;
			}
			held[nheld] = pa;
			uint32_t k = churn_index(churn, held);
			if (ours)
				pmm_free_frame(held[k]);
			else
				base_free_frame(held[k]);
			held[k] = held[nheld];
			break;
		}
		case OP_SINGLE_POOL: {
			pa = ours ? pmm_alloc_frame() : base_alloc_frame();
			if (!pa) {
				fails++;
				break;
			}
			uint32_t k = trace[i % TRACE_LEN] % pool_n;
			if (ours)
				pmm_free_frame(pool[k]);
			else
				base_free_frame(pool[k]);
			pool[k] = pa;
			break;
		}
		case OP_RUN16:
			pa = ours ? pmm_alloc_frames(16, 64 * 1024, 0) :
				    base_alloc_frames(16, 64 * 1024, 0);
			if (!pa)
				fails++;
			else if (ours)
				pmm_free_frames(pa, 16);
			else
				base_free_frames(pa, 16);
			break;
		case OP_RUN1024:
			pa = ours ? pmm_alloc_frames(1024, 4 * MiB, 0) :
				    base_alloc_frames(1024, 4 * MiB, 0);
			if (!pa)
				fails++;
			else if (ours)
				pmm_free_frames(pa, 1024);
			else
				base_free_frames(pa, 1024);
			break;
		case OP_DMA:
			pa = ours ? pmm_alloc_frames(1, 0, PMM_DMA_LIMIT) :
				    base_alloc_frames(1, PG_SIZE, PMM_DMA_LIMIT);
			if (!pa)
				fails++;
			else if (ours)
				pmm_free_frame(pa);
			else
				base_free_frame(pa);
			break;
		case NOPS:
			break;
		}
	}
#undef held
#undef pool
#undef churn
}

static void run_ours(enum op op, uint32_t count)
{
	run_ops(true, op, count);
}
static void run_base(enum op op, uint32_t count)
{
	run_ops(false, op, count);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[n / 2];
}

/* Operations per repetition so one repetition lasts about 1 ms (at least 16, at most 200k). */
static uint32_t size_reps(double ns_per_op)
{
	double n = 1e6 / (ns_per_op > 1 ? ns_per_op : 1);
	return n < 16 ? 16 : n > 200000 ? 200000 : (uint32_t)n;
}

/* One timed block of n operations of one allocator: ns/op into *ns, words/op added to *words. */
static void time_block(bool is_ours, enum op op, uint32_t n, double *ns, double *words)
{
	uint64_t w0 = is_ours ? pmm_words_touched() : base_words_touched();
	double a = now_ns();
	if (is_ours)
		run_ours(op, n);
	else
		run_base(op, n);
	*ns = (now_ns() - a) / n;
	*words += (double)((is_ours ? pmm_words_touched() : base_words_touched()) - w0) / n;
}

static void measure(const char *name, enum op op, uint32_t free_frames)
{
	struct result *r = &results[nresults++];
	snprintf(r->name, sizeof r->name, "%s", name);
	for (int i = 0; i < TRACE_LEN; i++)
		trace[i] = (uint16_t)rnd64();
	/* single-pool: a pool of frames allocated before, a quarter of the free ones at most */
	pool_n = free_frames / 4 < POOL_MAX ? free_frames / 4 : POOL_MAX;
	if (pool_n < 1)
		pool_n = 1;
	if (op == OP_SINGLE_POOL)
		for (uint32_t i = 0; i < pool_n; i++) {
			pool_ours[i] = pmm_alloc_frame();
			pool_base[i] = base_alloc_frame();
		}
	uint32_t n_ours, n_base;
	double ours[REPS] = { 0 }, base[REPS] = { 0 }, ow = 0, bw = 0;
	fails = 0;
	if (op == OP_SINGLE) {
		/* Fixed counts; the warm-up lets each allocator's policy shape its free frames. Each
		 * allocator runs as one phase (warm-up, then its repetitions), not interleaved: the
		 * baseline's blocks last milliseconds and would evict ours' bitmap before each of its
		 * 2048-operation blocks (~50 us), so ours would be timed refilling its caches. */
		uint64_t seed = rnd64() | 1;
		churn_start(&churn_ours, seed);
		churn_start(&churn_base, seed);
		uint32_t warm = free_frames > CHURN_WARM_MAX / CHURN_WARM_PER_FREE ?
					CHURN_WARM_MAX :
					free_frames * CHURN_WARM_PER_FREE;
		n_ours = n_base = CHURN_OPS;
		run_ours(op, warm);
		for (int rep = 0; rep < REPS; rep++)
			time_block(true, op, n_ours, &ours[rep], &ow);
		run_base(op, warm);
		for (int rep = 0; rep < REPS; rep++)
			time_block(false, op, n_base, &base[rep], &bw);
	} else {
		/* warm-up, which also sizes the repetitions (~1 ms each) */
		double t0 = now_ns();
		run_ours(op, 16);
		double t1 = now_ns();
		run_base(op, 16);
		double t2 = now_ns();
		n_ours = size_reps((t1 - t0) / 16);
		n_base = size_reps((t2 - t1) / 16);
		run_ours(op, n_ours / 4 + 1);
		run_base(op, n_base / 4 + 1);
		fails = 0;
		/* rotated order: ours, baseline, baseline, ours, ... */
		for (int rep = 0; rep < REPS; rep++)
			for (int k = 0; k < 2; k++) {
				bool ours_first = (rep & 1) == 0;
				if ((k == 0) == ours_first)
					time_block(true, op, n_ours, &ours[rep], &ow);
				else
					time_block(false, op, n_base, &base[rep], &bw);
			}
	}
	r->ours = median(ours, REPS);
	r->base = median(base, REPS);
	r->ours_words = ow / REPS;
	r->base_words = bw / REPS;
	r->fail = (double)fails / (double)(((uint64_t)n_ours + n_base) * REPS) * 100;
	if (op == OP_SINGLE_POOL)
		for (uint32_t i = 0; i < pool_n; i++) {
			pmm_free_frame(pool_ours[i]);
			base_free_frame(pool_base[i]);
		}
	if (pmm_check()) {
		fprintf(stderr, "bench: pmm_check failed after %s\n", name);
		exit(1);
	}
}

static void measure_init(const char *name)
{
	struct result *r = &results[nresults++];
	snprintf(r->name, sizeof r->name, "%s", name);
	double ours[REPS], base[REPS];
	init_both(); /* warm-up */
	for (int rep = 0; rep < REPS; rep++) {
		double a = now_ns();
		pmm_init(&map, kernel_region, 1);
		double b = now_ns();
		base_init(&map, base_storage, base_bitmap_words(&map), 1 * MiB,
			  pmm_bitmap_phys() + pmm_bitmap_bytes());
		double c = now_ns();
		ours[rep] = b - a;
		base[rep] = c - b;
	}
	r->ours = median(ours, REPS);
	r->base = median(base, REPS);
	r->ours_words = (double)pmm_bitmap_bytes() / 4;
	r->base_words = base_bitmap_words(&map);
	r->fail = 0;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : ""; /* run only cases whose name contains this */
	static const struct {
		const char *name;
		uint64_t top;
	} sizes[] = {
		{ "16m", 16 * MiB }, { "256m", 256 * MiB }, { "1g", 1 * GiB }, { "4g", 4 * GiB }
	};
	static const struct {
		const char *name;
		double fill;
	} fills[] = {
		{ "0", 0.0 }, { "50", 0.5 }, { "90", 0.9 }, { "99", 0.99 }, { "99.9", 0.999 }
	};
	static const char *patterns[] = { "random", "clustered", "top" };
	host_log_quiet = true;
	host_log_nocapture = true;
	base_storage = calloc(1u << 15, 4);
	frames = calloc(1u << 20, 4);
	held_ours = calloc((1u << 20) + 1, 4);
	held_base = calloc((1u << 20) + 1, 4);
	if (!base_storage || !frames || !held_ours || !held_base) {
		perror("bench: calloc");
		return 1;
	}
	printf("%-34s %12s %12s %9s %11s %11s %6s\n", "case", "ours ns/op", "base ns/op", "ratio",
	       "ours words", "base words", "fail%");
	for (size_t s = 0; s < 4; s++) {
		build_map(sizes[s].top);
		char name[64];
		snprintf(name, sizeof name, "pmm-%s-init", sizes[s].name);
		struct result *r;
		if (strstr(name, filter)) {
			measure_init(name);
			r = &results[nresults - 1];
			printf("%-34s %12.0f %12.0f %9.4f %11.0f %11.0f %6s\n", r->name, r->ours,
			       r->base, r->ours / r->base, r->ours_words, r->base_words, "-");
		}
		for (size_t f = 0; f < 5; f++)
			for (int p = 0; p < 3; p++) {
				bool any = false;
				for (int op = 0; op < NOPS; op++) {
					snprintf(name, sizeof name, "pmm-%s-%s-%s-%s",
						 sizes[s].name, fills[f].name, patterns[p],
						 op_names[op]);
					any |= strstr(name, filter) != NULL;
				}
				if (!any)
					continue;
				uint32_t kept =
					apply_fill(fills[f].fill, p,
						   0x5EED0000u + s * 100 + f * 10 + (unsigned)p);
				for (int op = 0; op < NOPS; op++) {
					snprintf(name, sizeof name, "pmm-%s-%s-%s-%s",
						 sizes[s].name, fills[f].name, patterns[p],
						 op_names[op]);
					if (!strstr(name, filter))
						continue;
					measure(name, (enum op)op, kept);
					r = &results[nresults - 1];
					printf("%-34s %12.1f %12.1f %9.4f %11.1f %11.1f %6.1f\n",
					       r->name, r->ours, r->base, r->ours / r->base,
					       r->ours_words, r->base_words, r->fail);
					fflush(stdout);
				}
			}
	}
	/* Targets (docs/pmm.md section 8): single alloc+free at 4 GiB and 99% full < 50 ns and ratio < 0.01; no
	 * case slower than the baseline; init of 4 GiB < 1 ms. */
	printf("\ntargets:\n");
	int slower = 0;
	for (int i = 0; i < nresults; i++)
		if (results[i].ours > results[i].base) {
			printf("  slower than baseline: %s ours=%.1f baseline=%.1f\n",
			       results[i].name, results[i].ours, results[i].base);
			slower++;
		}
	printf("  cases slower than the baseline: %d of %d\n", slower, nresults);
	for (int i = 0; i < nresults; i++) {
		const struct result *r = &results[i];
		size_t len = strlen(r->name);
		bool at_4g_99 = strncmp(r->name, "pmm-4g-99-", 10) == 0;
		if (at_4g_99 && len > 7 && strcmp(r->name + len - 7, "-single") == 0)
			printf("  %s: %.1f ns (target < 50: %s), ratio %.4f (target < 0.01: %s)\n",
			       r->name, r->ours, r->ours < 50 ? "met" : "MISSED", r->ours / r->base,
			       r->ours / r->base < 0.01 ? "met" : "MISSED");
		/* single-pool: the old measure, shown, not held to the ratio (its baseline never drifts
		 * from frame 0, so no allocator could be 100x faster: docs/pmm.md section 8) */
		if (at_4g_99 && strstr(r->name, "-single-pool"))
			printf("  %s: %.1f ns (target < 50: %s), ratio %.4f (pool variant: no ratio target)\n",
			       r->name, r->ours, r->ours < 50 ? "met" : "MISSED",
			       r->ours / r->base);
		if (strcmp(r->name, "pmm-4g-init") == 0)
			printf("  %s: %.0f ns (target < 1 ms: %s)\n", r->name, r->ours,
			       r->ours < 1e6 ? "met" : "MISSED");
	}
	printf("\n");
	for (int i = 0; i < nresults; i++)
		printf("BENCH %s ours=%.1f baseline=%.1f ratio=%.4f\n", results[i].name,
		       results[i].ours, results[i].base, results[i].ours / results[i].base);
	return 0;
}
