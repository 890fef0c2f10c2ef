/*
 * test_heap_arena.h - a host backend for the heap: one mmap'd reservation (PROT_NONE) whose
 * pages become readable and writable as the heap grows (mprotect) and are made inaccessible again
 * (PROT_NONE) as it shrinks, so that a stray access beyond the heap's end faults
 * just as an unmapped page would in the kernel. Used by the unit tests, the fuzzer and the
 * benchmark.
 */
#ifndef TESTS_HOST_TEST_HEAP_ARENA_H
#define TESTS_HOST_TEST_HEAP_ARENA_H

#include <stddef.h>
#include <stdint.h>
#include "mm/heap.h"

struct heap_arena {
	uintptr_t base;
	size_t span;
	size_t mapped_pages; /* pages the heap holds now (grown minus shrunk) */
	size_t grow_calls, shrink_calls;
	long fail_after; /* grow calls left before growth fails; -1: never fail */
	int premapped;   /* everything mapped up front: grow/shrink only count */
	struct heap_backend backend;
};

/* Reserve `span` bytes (page multiple); returns 0 or -1. */
int heap_arena_open(struct heap_arena *a, size_t span);
/* The same, but mapped readable and writable (and touched) at once, so that growing and
 * shrinking make no system calls: the benchmark's arena, where a syscall's cost would say
 * nothing about the kernel's backend (a few PMM and page-table writes per page). */
int heap_arena_open_premapped(struct heap_arena *a, size_t span);
void heap_arena_close(struct heap_arena *a);

#endif
