/*
 * stack.c - the stack grows down on demand (2 MiB of frames deep works and every frame keeps its
 * own bytes) and stops at its limit: a recursion without end kills the child that makes it with
 * SIGSEGV (Linux's default 8 MiB RLIMIT_STACK; the test runs it under `ulimit -s 8192`).
 */
#include "ulib.h"

static volatile unsigned never = ~0u; /* the compiler cannot see that n never gets there */

static unsigned endless(unsigned n)
{
	volatile unsigned char frame[4000];
	frame[0] = (unsigned char)n;
	if (n == never)
		return 0;
	return endless(n + 1) + frame[0];
}

static void run_endless(void)
{
	endless(0);
}

int main(void)
{
	unsigned want = 0;
	for (unsigned n = 0; n <= 512; n++)
		want += (unsigned char)n + (unsigned char)(n >> 1);
	utest_check(utest_deep_stack(512) == want, "512 frames of 4000 bytes (2 MiB of stack)");
	utest_print_status("endless recursion", utest_run_child(run_endless));
	return utest_failures();
}
