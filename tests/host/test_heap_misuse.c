/*
 * test_heap_misuse.c - the heap's misuse detection (mm/heap*.c), built with and without
 * HEAP_DEBUG: double free (also of a block merged into its neighbour or returned to the
 * wilderness), invalid free, and with HEAP_DEBUG interior pointers, red zone overflow, write
 * after free; and a corrupt header found by heap_check. Each misuse runs in a child process
 * whose panic message must name the cause, the pointer and (with HEAP_DEBUG) the allocation
 * site.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/host/test_heap_fixture.h"

static char panic_text[8192];

/* Run fn in a child; true when the child died (abort) after printing "PANIC"; its output is
 * left in panic_text. */
static bool child_panics(void (*fn)(struct heap *h), struct heap *h)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		fn(h);
		_exit(0);
	}
	close(fds[1]);
	size_t got = 0;
	ssize_t r;
	while ((r = read(fds[0], panic_text + got, sizeof(panic_text) - 1 - got)) > 0)
		got += (size_t)r;
	panic_text[got] = 0;
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0) && strstr(panic_text, "PANIC");
}

static char expect_ptr[32];
static void expect_panic(void (*fn)(struct heap *), struct heap *h, const char *cause,
			 bool with_site)
{
	if (!child_panics(fn, h))
		fail_msg("no panic; child said: %s", panic_text);
	if (!strstr(panic_text, cause))
		fail_msg("panic does not say \"%s\": %s", cause, panic_text);
	if (!strstr(panic_text, expect_ptr))
		fail_msg("panic does not name pointer %s: %s", expect_ptr, panic_text);
	if (with_site && heap_debug_enabled() && !strstr(panic_text, "allocated at 0x"))
		fail_msg("panic does not name the allocation site: %s", panic_text);
	if (with_site && heap_debug_enabled() && !strstr(panic_text, "misuse_site"))
		fail_msg("panic does not name the allocating function: %s", panic_text);
}

static void set_expect(const void *p)
{
	snprintf(expect_ptr, sizeof(expect_ptr), "0x%lx", (unsigned long)(uintptr_t)p);
}

/* The allocation site the reports must name (not static: dladdr sees exported symbols). */
void *misuse_site(struct heap *h, size_t n);
static void *__attribute__((noinline)) wrapper_alloc(struct heap *h, size_t n)
{
	return heap_alloc(h, n, HEAP_CALLER); /* like kmalloc: the site is our caller */
}

void *__attribute__((noinline)) misuse_site(struct heap *h, size_t n)
{
	void *p = wrapper_alloc(h, n);
	__asm__ volatile("" ::: "memory");
	return p;
}

static void *victim;

static void do_free(struct heap *h)
{
	heap_free(h, victim, SITE);
}
static void __attribute__((unused)) do_realloc(struct heap *h)
{
	heap_realloc(h, victim, 10000, SITE);
}
static void do_check(struct heap *h)
{
	heap_check(h);
}

static void test_misuse_double_free(void **state)
{
	void *keep = misuse_site(H, 64);
	victim = misuse_site(H, 64);
	void *after = misuse_site(H, 64);
	heap_free(H, victim, SITE);
	set_expect(victim);
	expect_panic(do_free, H, "double free", true);
	heap_free(H, keep, SITE);
	heap_free(H, after, SITE);
	/* Without the cache the block is coalesced; double free of one merged into its free
	 * neighbour (header gone) is still reported. */
	H->cache_limit = 0;
	keep = misuse_site(H, 1000);
	victim = misuse_site(H, 1000);
	after = misuse_site(H, 1000);
	heap_free(H, victim, SITE);
	set_expect(victim);
	expect_panic(do_free, H, "double free", true);
	heap_free(H, keep, SITE); /* victim's block now merged into keep's */
	expect_panic(do_free, H, "double free", false);
	heap_free(H, after, SITE);
	/* All three are wilderness now: no header is left at all, and a double free is still
	 * named (the release build's check is the pointer's place, above the wilderness start). */
	victim = after;
	set_expect(victim);
	expect_panic(do_free, H, "double free (pointer into free memory)", false);
	heap_check(H);
}

static void test_misuse_invalid_free(void **state)
{
	int on_stack[8];
	victim = &on_stack[2];
	set_expect(victim);
	expect_panic(do_free, H, "invalid free", false);
	char *p = misuse_site(H, 256);
	victim = p + 3; /* misaligned */
	set_expect(victim);
	expect_panic(do_free, H, "invalid free", false);
	heap_free(H, p, SITE);
	heap_check(H);
}

#if HEAP_DEBUG
/* Interior pointers need the debug header's magic word (release builds only check range,
 * alignment and the free bit). */
static void test_misuse_interior_pointer(void **state)
{
	char *p = misuse_site(H, 256);
	victim = p + 64;
	set_expect(victim);
	expect_panic(do_free, H, "invalid free (interior pointer)", false);
	if (heap_debug_enabled() && !strstr(panic_text, "misuse_site"))
		fail_msg("interior pointer report does not name the block's site: %s", panic_text);
	victim = p + 64;
	set_expect(victim);
	expect_panic(do_realloc, H, "invalid free", false);
	heap_free(H, p, SITE);
	heap_check(H);
}

static void test_misuse_overflow(void **state)
{
	char *p = misuse_site(H, 100);
	void *next = misuse_site(H, 100);
	victim = p;
	set_expect(p);
	p[100] = 'X'; /* one byte past the end */
	expect_panic(do_free, H, "red zone overwritten", true);
	expect_panic(do_realloc, H, "red zone overwritten", true);
	expect_panic(do_check, H, "red zone overwritten", true);
	p[100] = (char)HEAP_POISON_REDZONE; /* repaired: everything is fine again */
	heap_check(H);
	heap_free(H, p, SITE);
	heap_free(H, next, SITE);
}

static void test_misuse_write_after_free(void **state)
{
	void *keep = misuse_site(H, 100);
	char *p = misuse_site(H, 300);
	void *next = misuse_site(H, 100);
	heap_free(H, p, SITE);
	p[200] = 1;
	set_expect(p);
	expect_panic(do_check, H, "use after free", false);
	p[200] = (char)HEAP_POISON_FREE;
	heap_check(H);
	heap_free(H, keep, SITE);
	heap_free(H, next, SITE);
}

#endif

static void test_misuse_corrupt_header_found_by_check(void **state)
{
	char *p = misuse_site(H, 100);
	uintptr_t *sizew = (uintptr_t *)p - 1;
	uintptr_t saved = *sizew;
	*sizew = 0x30 | (saved & 15);
	expect_ptr[0] = 0; /* the complaint may be about the block after the short one */
	expect_panic(do_check, H, "heap", false);
	*sizew = saved;
	heap_check(H);
	heap_free(H, p, SITE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_misuse_double_free, heap_test_setup,
						heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_misuse_invalid_free, heap_test_setup,
						heap_test_teardown),
#if HEAP_DEBUG
		cmocka_unit_test_setup_teardown(test_misuse_interior_pointer, heap_test_setup,
						heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_misuse_overflow, heap_test_setup,
						heap_test_teardown),
		cmocka_unit_test_setup_teardown(test_misuse_write_after_free, heap_test_setup,
						heap_test_teardown),
#endif
		cmocka_unit_test_setup_teardown(test_misuse_corrupt_header_found_by_check,
						heap_test_setup, heap_test_teardown),
	};
	return cmocka_run_group_tests_name("heap_misuse", tests, NULL, NULL);
}
