/*
 * pmm_ref.h - the reference model of the frame allocator that tests/host/test_pmm_model.c and
 * tests/fuzz/fuzz_pmm.c both check mm/pmm.c against: one byte per frame (not RAM, free,
 * allocated, reserved), learnt from the definition (the sanitised map, the first MiB, the
 * caller's regions, the bitmap; the first reservation to take a frame keeps it), never from the
 * allocator's own records; and the list of runs handed out, so that frees can return whole runs
 * or pieces of them.
 *
 * Every check that fails calls pmm_ref_fail(), which each program defines (cmocka's fail_msg in
 * the model test, an abort in the fuzzer, so that libFuzzer keeps the input).
 */
#ifndef TESTS_HOST_PMM_REF_H
#define TESTS_HOST_PMM_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/pmm.h"

enum pmm_ref_state { REF_NOT_RAM, REF_FREE, REF_ALLOC, REF_RESERVED };

struct pmm_ref_run {
	uint32_t pa, n;
};

struct pmm_ref {
	uint8_t *frame;   /* enum pmm_ref_state per frame, [0, nframes) */
	uint32_t nframes; /* up to the highest usable frame */
	uint32_t free, reserved, alloc;
	struct pmm_ref_run *runs; /* runs handed out and not (wholly) freed */
	size_t nruns, runs_cap;
};

extern struct pmm_ref pmm_ref;

/* Defined by the program: report a failed check and do not return. */
void pmm_ref_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Build the reference after pmm_init(map, reg, nreg) has succeeded. */
void pmm_ref_init(const struct memmap *map, const struct pmm_region *reg, size_t nreg);

/* The reference state of frame f (REF_NOT_RAM beyond the last usable frame). */
enum pmm_ref_state pmm_ref_state(uint32_t f);

/* [s, e) rounded outward to frames was reserved: its free frames become reserved. */
void pmm_ref_reserve(phys_addr_t s, phys_addr_t e);

/* The allocator handed out n frames at pa for this request: check that it was allowed to (every
 * frame free in the reference, the alignment, the limit) and record the run. */
void pmm_ref_take(uint32_t pa, uint32_t n, uint32_t align, uint32_t limit);

/* Does the reference hold n free frames at an aligned start, ending at or below the limit? */
bool pmm_ref_has_run(uint32_t n, uint32_t align, uint32_t limit);

/* Free count frames from frame `first` of run idx through pmm_free_frame (single, count 1) or
 * pmm_free_frames, in the reference too; the rest of the run stays handed out. */
void pmm_ref_free_run(size_t idx, uint32_t first, uint32_t count, bool single);

/* Free pa, unless that is legal (an allocated frame): it must panic naming pa. Returns whether it
 * tried. */
bool pmm_ref_misuse_free(uint32_t pa);

/* The allocator's counters equal the reference's. */
void pmm_ref_check_counts(void);

/* Every frame below `upto` is in the reference's state, and pmm_check() finds nothing. */
void pmm_ref_check_frames(uint32_t upto);

#endif
