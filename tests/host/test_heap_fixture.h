/*
 * test_heap_fixture.h - what the heap's host tests (test_heap*.c) share: a heap over a fresh
 * 256 MiB arena with 64 KiB mapped at first (heap_test_setup / heap_test_teardown as a cmocka
 * fixture; H and A name the heap and the arena inside a test), and SITE, an address inside a
 * named function to pass as the allocation or free site.
 */
#ifndef TESTS_HOST_TEST_HEAP_FIXTURE_H
#define TESTS_HOST_TEST_HEAP_FIXTURE_H

#include <stdint.h>

#include "mm/heap.h"
#include "mm/heap_block.h"
#include "mm/kmalloc.h"
#include "tests/host/test_heap_arena.h"

#define SPAN    (256u << 20)
#define INITIAL (64u << 10)

struct heap_fixture {
	struct heap_arena arena;
	struct heap heap;
};

int heap_test_setup(void **state);
int heap_test_teardown(void **state);

#define H (&((struct heap_fixture *)*state)->heap)
#define A (&((struct heap_fixture *)*state)->arena)

void heap_test_site(void);
#define SITE ((uintptr_t)&heap_test_site)

#endif
