/*
 * bench_pmm.c - `make bench-pmm`: mm/pmm.c against the tutorial bitmap (bench/pmm_baseline.c) in
 * one process, on the same maps, fill patterns and seeded traces (shared/notes/memory.md, the
 * benchmark design).
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
 * Operations (each an allocation and the matching free, so the fill stays put):
 *   single:  one frame; the frame freed is a random one (from the seeded trace) of a small pool of
 *            frames allocated earlier, so the free is not always the frame just allocated;
 *   run16:   16 frames aligned to 64 KiB;   run1024: 1024 frames aligned to 4 MiB;
 *   dma:     one frame below 16 MiB;        init: initialisation from the sanitised map.
 * Method: per case a warm-up pass that also sizes the repetition (~1 ms each), then 15 repetitions
 * in rotated order (ours, baseline, baseline, ours, ...); the medians of ns/op are reported, with
 * their ratio and the bitmap words each read per operation (machine independent).
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

#define MiB 0x100000ull
#define GiB 0x40000000ull
#define REPS 15
#define MAX_CASES 400

struct result { char name[64]; double ours, base, ours_words, base_words, fail; };
static struct result results[MAX_CASES];
static int nresults;

static struct memmap map;
static struct memmap_scratch scratch;
static uint32_t *base_storage;
static uint32_t *frames;          /* scratch list of frames */
static uint64_t rng;

static uint64_t rnd64(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }
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
	raw[n++] = (struct memmap_range){ low_top - 256 * 1024, low_top - 64 * 1024, MEMMAP_ACPI_DATA };
	raw[n++] = (struct memmap_range){ low_top - 64 * 1024, low_top, MEMMAP_ACPI_NVS };
	raw[n++] = (struct memmap_range){ 0xFEC00000, 0xFEC01000, MEMMAP_RESERVED };
	raw[n++] = (struct memmap_range){ 0xFEE00000, 0xFEE01000, MEMMAP_RESERVED };
	raw[n++] = (struct memmap_range){ 0xFFFC0000, 4 * GiB, MEMMAP_RESERVED };
	if (top > 3 * GiB) raw[n++] = (struct memmap_range){ 4 * GiB, 4 * GiB + (top - 3 * GiB), MEMMAP_USABLE };
	memmap_sanitise(&map, raw, n, &scratch);
}

/* A kernel of 2 MiB at 1 MiB, as a boot would reserve. */
static const struct pmm_region kernel_region[] = { { "kernel", 1 * MiB, 3 * MiB } };

static void init_both(void)
{
	pmm_init(&map, kernel_region, 1);
	/* the baseline reserves the same: first MiB, the kernel and our bitmap's place */
	base_init(&map, base_storage, base_bitmap_words(&map), 1 * MiB, pmm_bitmap_phys() + pmm_bitmap_bytes());
	if (pmm_free_count() != base_free_count()) {
		fprintf(stderr, "bench: free counts differ after init (%zu vs %u)\n", pmm_free_count(), base_free_count());
		exit(1);
	}
}

/* Bring both allocators to the same fill pattern: allocate all, free the chosen frames. */
static uint32_t apply_fill(double fill, int pattern, uint64_t seed)
{
	init_both();
	uint32_t n = 0, pa;
	while ((pa = pmm_alloc_frame()) != 0) frames[n++] = pa;
	base_alloc_all();
	/* sort ascending (pmm hands frames out in its own order) */
	static uint8_t *mark;
	uint32_t top = pmm_frames_covered();
	uint8_t *grown = realloc(mark, top);
	if (!grown) { perror("bench: realloc"); exit(1); }
	mark = grown;
	memset(mark, 0, top);
	for (uint32_t i = 0; i < n; i++) mark[frames[i] >> 12] = 1;
	n = 0;
	for (uint32_t f = 0; f < top; f++) if (mark[f]) frames[n++] = f << 12;
	uint32_t keep = (uint32_t)((double)n * (1.0 - fill) + 0.5);
	if (keep < 1) keep = 1;
	if (keep > n) keep = n;
	rng = seed;
	memset(mark, 0, top);
	if (pattern == 0) {            /* random: partial Fisher-Yates picks keep frames */
		for (uint32_t i = 0; i < keep; i++) {
			uint32_t j = i + (uint32_t)(rnd64() % (n - i));
			uint32_t t = frames[i]; frames[i] = frames[j]; frames[j] = t;
			mark[frames[i] >> 12] = 1;
		}
	} else if (pattern == 1) {     /* clustered: free runs mean 32, used runs sized for the fill */
		double used_mean = 32.0 * fill / (1.0 - fill + 1e-12);
		uint32_t i = (uint32_t)(rnd64() % (uint64_t)(used_mean + 1)), kept = 0;
		while (kept < keep) {
			uint32_t run = 1 + (uint32_t)(rnd64() % 63);
			for (uint32_t k = 0; k < run && kept < keep; k++, i++) {
				if (i >= n) i = (uint32_t)(rnd64() % n);
				if (!mark[frames[i] >> 12]) { mark[frames[i] >> 12] = 1; kept++; }
			}
			i += 1 + (uint32_t)(rnd64() % (uint64_t)(2 * used_mean + 1));
			if (i >= n) i = (uint32_t)(rnd64() % n);
		}
	} else {                        /* top: the highest keep frames */
		for (uint32_t i = n - keep; i < n; i++) mark[frames[i] >> 12] = 1;
	}
	uint32_t kept = 0;
	for (uint32_t f = 0; f < top; f++)
		if (mark[f]) { pmm_free_frame(f << 12); base_free_frame(f << 12); kept++; }
	return kept;
}

/* ---- the operations --------------------------------------------------------------------------- */

enum op { OP_SINGLE, OP_RUN16, OP_RUN1024, OP_DMA };
static const char *op_names[] = { "single", "run16", "run1024", "dma" };

#define TRACE_LEN 4096
static uint16_t trace[TRACE_LEN];
#define POOL_MAX 32
static uint32_t pool_ours[POOL_MAX], pool_base[POOL_MAX];
static uint32_t pool_n;
static uint64_t fails;

static void run_ours(enum op op, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		uint32_t pa;
		switch (op) {
		case OP_SINGLE: {
			pa = pmm_alloc_frame();
			if (!pa) { fails++; break; }
			uint32_t k = trace[i % TRACE_LEN] % pool_n;
			pmm_free_frame(pool_ours[k]);
			pool_ours[k] = pa;
			break;
		}
		case OP_RUN16:
			if ((pa = pmm_alloc_frames(16, 64 * 1024, 0))) pmm_free_frames(pa, 16); else fails++;
			break;
		case OP_RUN1024:
			if ((pa = pmm_alloc_frames(1024, 4 * MiB, 0))) pmm_free_frames(pa, 1024); else fails++;
			break;
		case OP_DMA:
			if ((pa = pmm_alloc_frames(1, 0, PMM_DMA_LIMIT))) pmm_free_frame(pa); else fails++;
			break;
		}
	}
}

static void run_base(enum op op, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		uint32_t pa;
		switch (op) {
		case OP_SINGLE: {
			pa = base_alloc_frame();
			if (!pa) { fails++; break; }
			uint32_t k = trace[i % TRACE_LEN] % pool_n;
			base_free_frame(pool_base[k]);
			pool_base[k] = pa;
			break;
		}
		case OP_RUN16:
			if ((pa = base_alloc_frames(16, 64 * 1024, 0))) base_free_frames(pa, 16); else fails++;
			break;
		case OP_RUN1024:
			if ((pa = base_alloc_frames(1024, 4 * MiB, 0))) base_free_frames(pa, 1024); else fails++;
			break;
		case OP_DMA:
			if ((pa = base_alloc_frames(1, 4096, PMM_DMA_LIMIT))) base_free_frame(pa); else fails++;
			break;
		}
	}
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

static void measure(const char *name, enum op op, uint32_t free_frames)
{
	struct result *r = &results[nresults++];
	snprintf(r->name, sizeof r->name, "%s", name);
	for (int i = 0; i < TRACE_LEN; i++) trace[i] = (uint16_t)rnd64();
	/* single: a pool of frames allocated before, a quarter of the free ones at most */
	pool_n = free_frames / 4 < POOL_MAX ? free_frames / 4 : POOL_MAX;
	if (pool_n < 1) pool_n = 1;
	if (op == OP_SINGLE)
		for (uint32_t i = 0; i < pool_n; i++) { pool_ours[i] = pmm_alloc_frame(); pool_base[i] = base_alloc_frame(); }
	/* warm-up, which also sizes the repetitions */
	double t0 = now_ns();
	run_ours(op, 16);
	double t1 = now_ns();
	run_base(op, 16);
	double t2 = now_ns();
	uint32_t n_ours = size_reps((t1 - t0) / 16), n_base = size_reps((t2 - t1) / 16);
	run_ours(op, n_ours / 4 + 1);
	run_base(op, n_base / 4 + 1);
	double ours[REPS] = { 0 }, base[REPS] = { 0 }, ow = 0, bw = 0;
	fails = 0;
	uint64_t ops_total = 0;
	for (int rep = 0; rep < REPS; rep++) {
		for (int k = 0; k < 2; k++) {
			bool ours_first = (rep & 1) == 0;
			bool do_ours = (k == 0) == ours_first;
			if (do_ours) {
				uint64_t w0 = pmm_words_touched();
				double a = now_ns();
				run_ours(op, n_ours);
				ours[rep] = (now_ns() - a) / n_ours;
				ow += (double)(pmm_words_touched() - w0) / n_ours;
				ops_total += n_ours;
			} else {
				uint64_t w0 = base_words_touched();
				double a = now_ns();
				run_base(op, n_base);
				base[rep] = (now_ns() - a) / n_base;
				bw += (double)(base_words_touched() - w0) / n_base;
			}
		}
	}
	r->ours = median(ours, REPS);
	r->base = median(base, REPS);
	r->ours_words = ow / REPS;
	r->base_words = bw / REPS;
	r->fail = (double)fails / (double)(ops_total + (uint64_t)n_base * REPS) * 100;
	if (op == OP_SINGLE)
		for (uint32_t i = 0; i < pool_n; i++) { pmm_free_frame(pool_ours[i]); base_free_frame(pool_base[i]); }
	if (pmm_check()) { fprintf(stderr, "bench: pmm_check failed after %s\n", name); exit(1); }
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
		base_init(&map, base_storage, base_bitmap_words(&map), 1 * MiB, pmm_bitmap_phys() + pmm_bitmap_bytes());
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
	static const struct { const char *name; uint64_t top; } sizes[] = {
		{ "16m", 16 * MiB }, { "256m", 256 * MiB }, { "1g", 1 * GiB }, { "4g", 4 * GiB } };
	static const struct { const char *name; double fill; } fills[] = {
		{ "0", 0.0 }, { "50", 0.5 }, { "90", 0.9 }, { "99", 0.99 }, { "99.9", 0.999 } };
	static const char *patterns[] = { "random", "clustered", "top" };
	host_log_quiet = true;
	host_log_nocapture = true;
	base_storage = calloc(1u << 15, 4);
	frames = calloc(1u << 20, 4);
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
		printf("%-34s %12.0f %12.0f %9.4f %11.0f %11.0f %6s\n", r->name, r->ours, r->base, r->ours / r->base,
		       r->ours_words, r->base_words, "-");
		}
		for (size_t f = 0; f < 5; f++)
			for (int p = 0; p < 3; p++) {
				bool any = false;
				for (int op = 0; op < 4; op++) {
					snprintf(name, sizeof name, "pmm-%s-%s-%s-%s", sizes[s].name, fills[f].name, patterns[p], op_names[op]);
					any |= strstr(name, filter) != NULL;
				}
				if (!any) continue;
				uint32_t kept = apply_fill(fills[f].fill, p, 0x5EED0000u + s * 100 + f * 10 + (unsigned)p);
				for (int op = 0; op < 4; op++) {
					snprintf(name, sizeof name, "pmm-%s-%s-%s-%s", sizes[s].name, fills[f].name, patterns[p], op_names[op]);
					if (!strstr(name, filter)) continue;
					measure(name, (enum op)op, kept);
					r = &results[nresults - 1];
					printf("%-34s %12.1f %12.1f %9.4f %11.1f %11.1f %6.1f\n", r->name, r->ours, r->base,
					       r->ours / r->base, r->ours_words, r->base_words, r->fail);
					fflush(stdout);
				}
			}
	}
	/* Targets (the issue's): single alloc+free at 4 GiB and 99% full < 50 ns and ratio < 0.01; no
	 * case slower than the baseline; init of 4 GiB < 1 ms. */
	printf("\ntargets:\n");
	int slower = 0;
	for (int i = 0; i < nresults; i++)
		if (results[i].ours > results[i].base) {
			printf("  slower than baseline: %s ours=%.1f baseline=%.1f\n", results[i].name, results[i].ours, results[i].base);
			slower++;
		}
	printf("  cases slower than the baseline: %d of %d\n", slower, nresults);
	for (int i = 0; i < nresults; i++) {
		const struct result *r = &results[i];
		if (strncmp(r->name, "pmm-4g-99-", 10) == 0 && strstr(r->name, "-single"))
			printf("  %s: %.1f ns (target < 50: %s), ratio %.4f (target < 0.01: %s)\n", r->name, r->ours,
			       r->ours < 50 ? "met" : "MISSED", r->ours / r->base, r->ours / r->base < 0.01 ? "met" : "MISSED");
		if (strcmp(r->name, "pmm-4g-init") == 0)
			printf("  %s: %.0f ns (target < 1 ms: %s)\n", r->name, r->ours, r->ours < 1e6 ? "met" : "MISSED");
	}
	printf("\n");
	for (int i = 0; i < nresults; i++)
		printf("BENCH %s ours=%.1f baseline=%.1f ratio=%.4f\n", results[i].name, results[i].ours, results[i].base,
		       results[i].ours / results[i].base);
	return 0;
}
