/*
 * test_heap_fixture.c - the heap tests' fixture (test_heap_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "tests/host/test_heap_fixture.h"

int heap_test_setup(void **state)
{
	struct heap_fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(heap_arena_open(&f->arena, SPAN), 0);
	assert_int_equal(heap_init(&f->heap, f->arena.base, f->arena.base + SPAN, INITIAL,
				   &f->arena.backend),
			 0);
	*state = f;
	return 0;
}

int heap_test_teardown(void **state)
{
	struct heap_fixture *f = *state;
	heap_arena_close(&f->arena);
	free(f);
	return 0;
}

void __attribute__((noinline)) heap_test_site(void)
{
	__asm__ volatile("");
}
